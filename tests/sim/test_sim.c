/*
 * tests/sim: the driver's promises: the choice source, determinism,
 * outcomes and budgets, the text/binary forms running to an outcome.
 */
#include "../unit.h"

#include "sim/choice.h"
#include "sim/invariant.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/values.h"
#include "../runtime/sbuild.h"

static scenario sc;

/* ---- choice source ---- */

static void prng_is_reproducible_and_in_range(void) {
    choice_src a, b;
    choice_init_prng(&a, 42);
    choice_init_prng(&b, 42);
    for (int i = 0; i < 10000; i++) {
        uint32_t n = 1 + (uint32_t)i % 97;
        uint32_t x = choice_draw(&a, CH_TIE, n), y = choice_draw(&b, CH_TIE, n);
        CHECK_EQ(x, y);
        CHECK(x < n);
    }
    choice_init_prng(&b, 43);
    int same = 0;
    for (int i = 0; i < 1000; i++)
        same += choice_draw(&a, CH_FASTRAND, 0) == choice_draw(&b, CH_FASTRAND, 0);
    CHECK(same < 5);
}

static void prng_range_is_unbiased_enough(void) {
    choice_src c;
    choice_init_prng(&c, 7);
    uint32_t hist[3] = {0};
    for (int i = 0; i < 300000; i++)
        hist[choice_draw(&c, CH_TIE, 3)]++;
    for (int k = 0; k < 3; k++)
        CHECK(hist[k] > 99000 && hist[k] < 101000);
}

static void bytes_producer_reads_widths_then_defaults_to_zero(void) {
    const uint8_t in[] = {7, 0x34, 0x12, 1, 2, 3, 4};
    choice_src c;
    choice_init_bytes(&c, in, sizeof in);
    CHECK_EQ(choice_draw(&c, CH_TIE, 5), 7 % 5);              /* 1 byte */
    CHECK_EQ(choice_draw(&c, CH_PRIO, 60000), 0x1234 % 60000); /* 2 bytes, little-endian */
    CHECK_EQ(choice_draw(&c, CH_FASTRAND, 0), 0x04030201u);    /* 4 bytes */
    CHECK_EQ(choice_draw(&c, CH_TIE, 5), 0);                   /* exhausted: the fixed default */
    CHECK_EQ(choice_draw(&c, CH_FASTRAND, 0), 0);
}

static void replay_producer_reports_first_divergence(void) {
    choice_record rec[] = {{CH_TIE, 3, 2}, {CH_FASTRAND, 0, 99}, {CH_STALL, 16, 5}};
    choice_src c;
    choice_init_replay(&c, rec, 3);
    CHECK_EQ(choice_draw(&c, CH_TIE, 3), 2);
    CHECK_EQ(choice_draw(&c, CH_FASTRAND, 0), 99);
    CHECK(!c.diverged);
    choice_draw(&c, CH_TIE, 16);   /* the record says CH_STALL */
    CHECK(c.diverged);
    CHECK_EQ(c.diverged_at, 2);
}

static void draw_of_one_option_is_not_a_choice(void) {
    choice_src c;
    choice_init_prng(&c, 1);
    CHECK_EQ(choice_draw(&c, CH_TIE, 1), 0);
    CHECK_EQ(c.draws, 0);
}

/* ---- runs ---- */

static void build_workers(int procs) {
    sb_begin(&sc, procs);
    int jobs = sb_chan(&sc, "jobs", 4);
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "worker");
    sb_open(&sc, OP_LOOP, 0, 4);
    sb_op(&sc, OP_RECV, jobs, 0);
    sb_op(&sc, OP_WORK, 0, 30000);
    sb_op(&sc, OP_SLEEP, 0, 10000);
    sb_close(&sc);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 8);
    sb_op(&sc, OP_GO, w, 8);
    sb_open(&sc, OP_LOOP, 0, 32);
    sb_op(&sc, OP_SEND, jobs, 0);
    sb_close(&sc);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_mark(&sc, "done");
    sb_end_body(&sc);
}

static void every_strategy_is_deterministic_in_process(void) {
    build_workers(4);
    int strategies[] = {STRAT_RANDOM, STRAT_PCT, STRAT_RR};
    for (int s = 0; s < 3; s++) {
        for (uint64_t seed = 1; seed <= 5; seed++) {
            sim_config cfg;
            sim_config_default(&cfg);
            cfg.strategy = strategies[s];
            cfg.seed = seed;
            cfg.stall_den = 16;
            cfg.preempt_den = 8;
            cfg.check = seed % 2 == 0;
            sim_result a, b;
            sim_run(&sc, &cfg, &a);
            sim_run(&sc, &cfg, &b);
            CHECK_EQ(a.outcome, OUT_OK);
            CHECK(a.digest == b.digest);
            CHECK_EQ(a.events, b.events);
            CHECK_EQ(a.end_time_ns, b.end_time_ns);
            sim_result_free(&a);
            sim_result_free(&b);
        }
    }
}

static void seeds_change_the_interleaving(void) {
    build_workers(4);
    uint64_t digests[8];
    int distinct = 0;
    for (int i = 0; i < 8; i++) {
        sim_config cfg;
        sim_config_default(&cfg);
        cfg.seed = (uint64_t)i + 1;
        cfg.stall_den = 8;
        sim_result r;
        sim_run(&sc, &cfg, &r);
        digests[i] = r.digest;
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen |= digests[j] == digests[i];
        distinct += !seen;
        sim_result_free(&r);
    }
    CHECK(distinct >= 4);
}

static void tracing_off_changes_nothing_but_the_record(void) {
    build_workers(2);
    sim_config cfg;
    sim_config_default(&cfg);
    sim_result on, off;
    sim_run(&sc, &cfg, &on);
    cfg.trace_on = false;
    sim_run(&sc, &cfg, &off);
    CHECK_EQ(on.outcome, off.outcome);
    CHECK_EQ(on.end_time_ns, off.end_time_ns);
    CHECK_EQ(on.schedules, off.schedules);
    CHECK_EQ(on.nmarks, off.nmarks);
    CHECK_EQ(off.events, 0);
    sim_result_free(&on);
    sim_result_free(&off);
}

/* main spins through 100000 Goscheds; a 1000-schedule budget ends it while
 * it still makes progress: a long run, not a hang. */
static void schedule_budget_ends_a_progressing_run_as_budget(void) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 0);
    int spin = sb_body(&sc, "spin");
    sb_open(&sc, OP_LOOP, 0, 100000);
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_close(&sc);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_GO, spin, 1);
    sb_op(&sc, OP_RECV, c, 0);
    sb_end_body(&sc);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.max_schedules = 1000;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_BUDGET);
    CHECK(strstr(r.message, "schedule budget exceeded while") != NULL);
    CHECK_EQ(sim_outcome_exit_code(OUT_BUDGET), EXIT_HANG);
    sim_result_free(&r);
}

/* main is one op of ns under a budget of limit_ns; returns the outcome. */
static int run_one_op(int kind, int64_t ns, int64_t limit_ns, sim_result *r) {
    sb_begin(&sc, 1);
    sb_main(&sc);
    sb_op(&sc, kind, 0, ns);
    sb_end_body(&sc);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.vt_limit_ns = limit_ns;
    return sim_run(&sc, &cfg, r);
}

/* main sleeps past the virtual time budget: it waits for a timer that
 * fires after the limit, with nothing runnable, so the run ends 'budget'
 * at the limit, not 'hang' (issue 13). */
static void sleeping_past_the_budget_is_budget_not_a_hang(void) {
    sim_result r;
    CHECK_EQ(run_one_op(OP_SLEEP, 20000000000LL, 10000000000LL, &r), OUT_BUDGET);
    CHECK(strstr(r.message, "wait for a timer at 200") != NULL);   /* 20 s after main started, plus a timer overshoot */
    CHECK_EQ(r.end_time_ns, 10000000000LL);
    sim_result_free(&r);
}

/* One op that never completes within the budget (a 20 s computation under
 * a 10 s budget): nothing finished in the last tenth and nothing waits
 * for time, so the run is a hang. */
static void virtual_time_budget_without_progress_is_a_hang(void) {
    sim_result r;
    CHECK_EQ(run_one_op(OP_WORK, 20000000000LL, 10000000000LL, &r), OUT_HANG);
    CHECK(strstr(r.message, "virtual time budget exceeded: no goroutine finished an op") != NULL);
    sim_result_free(&r);
}

/* Every event of a run to the largest budget has a time the 48-bit field
 * holds: one-hour system calls cross the budget by at most one step. */
static void the_largest_budget_keeps_every_time_below_2_48(void) {
    sb_begin(&sc, 1);
    sb_main(&sc);
    sb_open(&sc, OP_LOOP, 0, 100);
    sb_op(&sc, OP_SYSCALL, 0, 3600LL * 1000000000);
    sb_close(&sc);
    sb_end_body(&sc);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.vt_limit_ns = 0;   /* the maximum */
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_BUDGET);
    CHECK(r.end_time_ns >= SIM_VT_LIMIT_MAX);
    CHECK(r.end_time_ns <= TR_TIME_MAX);
    sim_result_free(&r);
}

/* main starts n goroutines that block forever in a receive. */
static void build_blockers(int n) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 0);
    int blk = sb_body(&sc, "blk");
    sb_op(&sc, OP_RECV, c, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_GO, blk, n);
    sb_end_body(&sc);
}

static void goroutine_limit_is_a_resource_outcome(void) {
    build_blockers(200);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.rt.max_gs = 100;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_RESOURCE);
    CHECK(strstr(r.message, "goroutine limit") != NULL);
    sim_result_free(&r);
}

static void stack_memory_limit_is_a_resource_outcome(void) {
    build_blockers(50);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.rt.max_stack_bytes = 20 * cfg.rt.stack_bytes + 4 * cfg.rt.g0_stack_bytes;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_RESOURCE);
    CHECK(strstr(r.message, "stack memory") != NULL);
    sim_result_free(&r);
}

static void config_text_round_trips(void) {
    sim_config a, b;
    sim_config_default(&a);
    a.seed = 123456789012345ull;
    a.strategy = STRAT_PCT;
    a.pct_depth = 4;
    a.rt.gomaxprocs = 6;
    a.rt.mutant = MUT_READY_SKIPS_WAKEP;
    a.check = true;
    a.stall_den = 16;
    a.preempt_den = 8;
    a.costs.wake_latency = 777;
    char text[4096], why[128] = "";
    size_t n = sim_config_format(&a, text, sizeof text);
    CHECK(n > 0 && n < sizeof text);
    CHECK(sim_config_parse(text, n, &b, why, sizeof why));
    CHECK_EQ(b.seed, a.seed);
    CHECK_EQ(b.strategy, STRAT_PCT);
    CHECK_EQ(b.pct_depth, 4);
    CHECK_EQ(b.rt.gomaxprocs, 6);
    CHECK_EQ(b.rt.mutant, MUT_READY_SKIPS_WAKEP);
    CHECK(b.check);
    CHECK_EQ(b.costs.wake_latency, 777);
    char text2[4096];
    CHECK_EQ(sim_config_format(&b, text2, sizeof text2), n);
    CHECK_STR(text2, text);
    CHECK(!sim_config_parse("seed=1\nbogus=2\n", 14, &b, why, sizeof why));
    CHECK(strstr(why, "bogus") != NULL);
}

static void send_on_closed_channel_panics_like_go(void) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 1);
    sb_main(&sc);
    sb_op(&sc, OP_CLOSE, c, 0);
    sb_op(&sc, OP_SEND, c, 0);
    sb_end_body(&sc);
    sim_config cfg;
    sim_config_default(&cfg);
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_PANIC);
    CHECK_STR(r.message, "panic: send on closed channel");
    sim_result_free(&r);
}

/* Checking reads the state and never decides: every built-in scenario, under
 * each strategy with stalls, preemptions and jitter, gives the same events
 * and digest with checking on (incremental and full) as with it off. */
static void checking_never_changes_the_schedule(void) {
    int strategies[] = {STRAT_RANDOM, STRAT_PCT, STRAT_RR};
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        sc_error err;
        CHECK(sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), &sc, &err));
        for (int k = 0; k < 3; k++) {
            sim_config cfg;
            sim_config_default(&cfg);
            cfg.strategy = strategies[k];
            cfg.pct_depth = 4;
            cfg.seed = 11 + (uint64_t)k;
            cfg.stall_den = 16;
            cfg.preempt_den = 16;
            cfg.jitter_ns = 200;
            sim_result off, on, full;
            sim_run(&sc, &cfg, &off);
            cfg.check = true;
            sim_run(&sc, &cfg, &on);
            cfg.check_mode = CHECK_FULL;
            sim_run(&sc, &cfg, &full);
            if (off.digest != on.digest || on.digest != full.digest)
                fprintf(stderr, "%s %d: %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", sc_builtins[i].name, k,
                        off.digest, on.digest, full.digest);
            CHECK(off.digest == on.digest && on.digest == full.digest);
            CHECK_EQ(off.events, on.events);
            sim_result_free(&off);
            sim_result_free(&on);
            sim_result_free(&full);
        }
    }
}

/* ---- researchers' invariants ---- */

static int calls;
static bool count_and_hold(const inv_view *v, void *ctx, char *why, size_t len) {
    (void)v, (void)why, (void)len;
    (*(int *)ctx)++;
    return true;
}
static bool fails_from_event_50(const inv_view *v, void *ctx, char *why, size_t len) {
    (void)ctx;
    if (v->seq < 50)
        return true;
    snprintf(why, len, "%" PRIu64 " events", v->seq);
    return false;
}
static bool at_most_one_running(const inv_view *v, void *ctx, char *why, size_t len) {
    (void)ctx;
    (void)v;
    uint32_t running = 0;
    for (uint32_t i = 0; i < allglen; i++)
        running += allgs[i]->atomicstatus == _Grunning;
    if (running > 1) {   /* GOMAXPROCS=1: never two running Gs */
        snprintf(why, len, "%u Gs running", running);
        return false;
    }
    return true;
}

static void registered_invariants_run_after_events_and_can_fail(void) {
    build_workers(1);
    gmp_invariant_clear();
    calls = 0;
    int id = gmp_invariant_register("count", count_and_hold, &calls);
    CHECK_EQ(id, INV_USER_FIRST);
    CHECK_STR(gmp_invariant_name(id), "count");
    CHECK(gmp_invariant_register("one-running", at_most_one_running, NULL) > id);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_OK);
    CHECK(calls > 100);
    CHECK_EQ((uint64_t)calls, r.checks);
    sim_result_free(&r);
    /* A third one that fails once 50 events are recorded ends the run
     * there, named, with its reason. */
    int late = gmp_invariant_register("fails-at-50", fails_from_event_50, NULL);
    CHECK(late > id);
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_INVARIANT);
    CHECK_EQ(r.invariant, late);
    /* It fails at the first check with 50 or more events recorded (checks
     * run between atomic steps, so a step may record several events). */
    unsigned long at = 0;
    CHECK(sscanf(r.message, "fails-at-50: %lu events", &at) == 1);
    CHECK(at >= 50 && at < 60);
    CHECK(r.violation_seq >= at && r.violation_seq <= at + 1);
    sim_result_free(&r);
    gmp_invariant_clear();
}

/* traces/values.def names codes defined in runtime/ and sim/; they must
 * agree, or dump and the timeline mislabel events. */
static void trace_value_names_agree_with_their_owners(void) {
    for (uint32_t r = 1; r < waitReason_count; r++)
        CHECK_STR(tr_value_name(EV_GOPARK, 2, r), rt_waitreason_name(r));
    for (uint32_t k = 0; k < CH__COUNT; k++)
        CHECK_STR(tr_value_name(EV_CHOICE, 2, k), choice_kind_name(k));
    for (uint32_t o = 0; o < OUT__COUNT; o++)
        CHECK_STR(tr_value_name(EV_EXIT, 0, o), sim_outcome_name(o));
    for (uint32_t src = 0; src <= SRC_LOCKED; src++)
        CHECK(tr_value_name(EV_EXECUTE, 1, src) != NULL);
    CHECK_STR(tr_value_name(EV_PREEMPT, 1, PREEMPT_SYSMON), "sysmon");
    CHECK_STR(tr_value_name(EV_PREEMPT, 1, PREEMPT_STW), "stop the world");
}

#define TESTS(X)                                          \
    X(trace_value_names_agree_with_their_owners)          \
    X(prng_is_reproducible_and_in_range)                  \
    X(prng_range_is_unbiased_enough)                      \
    X(bytes_producer_reads_widths_then_defaults_to_zero)  \
    X(replay_producer_reports_first_divergence)           \
    X(draw_of_one_option_is_not_a_choice)                 \
    X(every_strategy_is_deterministic_in_process)         \
    X(seeds_change_the_interleaving)                      \
    X(tracing_off_changes_nothing_but_the_record)         \
    X(schedule_budget_ends_a_progressing_run_as_budget)   \
    X(sleeping_past_the_budget_is_budget_not_a_hang)  \
    X(virtual_time_budget_without_progress_is_a_hang) \
    X(the_largest_budget_keeps_every_time_below_2_48) \
    X(goroutine_limit_is_a_resource_outcome)              \
    X(stack_memory_limit_is_a_resource_outcome)           \
    X(config_text_round_trips)                            \
    X(send_on_closed_channel_panics_like_go)              \
    X(registered_invariants_run_after_events_and_can_fail) \
    X(checking_never_changes_the_schedule)
#include "../unit.h"
