/*
 * tests/runtime: the scheduler's decisions, pinned one behaviour per test.
 * Scenarios are built in C (sbuild.h) so these tests do not depend on the
 * text parser; each asserts on the marks order or on trace events.
 */
#include "../unit.h"

#include "runtime/internal.h"
#include "sim/report.h"
#include "sim/invariant.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "capture.h"
#include "sbuild.h"

static scenario sc;

static sim_config base_cfg(void) {
    sim_config cfg;
    sim_config_default(&cfg);
    return cfg;
}

/* GMP_TEST_DUMP=1 prints every event of every run (debugging aid). */
static void dump_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    (void)ctx;
    char line[256];
    for (size_t i = 0; i < n; i++) {
        tr_format(line, sizeof line, first_seq + i, &ev[i]);
        fprintf(stderr, "%s\n", line);
    }
}

static int run(const sim_config *cfg, sim_result *res, capture *cap) {
    sim_config c = *cfg;
    if (cap != NULL)
        c.sinks[c.nsinks++] = capture_sink(cap);
    if (getenv("GMP_TEST_DUMP") != NULL)
        c.sinks[c.nsinks++] = (tr_sink){dump_chunk, NULL};
    return sim_run(&sc, &c, res);
}

static void marks_of(const sim_result *res, char *buf, size_t len) { sim_marks_string(&sc, res, buf, len); }

/* main: go b0..b(n-1) (each marks its index), then block until all ran. */
static void build_spawn_n_then_block(int n) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int bodies[16];
    for (int i = 0; i < n; i++) {
        char name[8], label[8];
        snprintf(name, sizeof name, "b%d", i);
        snprintf(label, sizeof label, "%d", i);
        bodies[i] = sb_marker(&sc, name, -1, 0, 0, label, wg);
    }
    sb_main_spawn_wait(&sc, wg, bodies, n, "done");
}

static void spawn_ten_then_block_runs_runnext_first(void) {
    build_spawn_n_then_block(10);
    sim_config cfg = base_cfg();
    sim_result res;
    CHECK_EQ(run(&cfg, &res, NULL), OUT_OK);
    char m[256];
    marks_of(&res, m, sizeof m);
    CHECK_STR(m, "9 0 1 2 3 4 5 6 7 8 done");
    sim_result_free(&res);
}

static void same_seed_same_digest_in_process(void) {
    build_spawn_n_then_block(10);
    sim_config cfg = base_cfg();
    sim_result a, b;
    run(&cfg, &a, NULL);
    run(&cfg, &b, NULL);
    CHECK(a.digest == b.digest);
    CHECK_EQ(a.events, b.events);
    CHECK(a.events > 20);
    sim_result_free(&a);
    sim_result_free(&b);
}

/* 300 spawns at GOMAXPROCS=1: the 258th kick finds the local queue full
 * and runqputslow moves 128 queued Gs plus the kicked one (129). */
static void runqput_overflow_moves_half_plus_one_to_global(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "w");
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 300);
    sb_op(&sc, OP_GO, w, 300);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    sim_config cfg = base_cfg();
    sim_result res;
    capture cap = {0};
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    CHECK_EQ(capture_count(&cap, EV_RUNQPUTSLOW), 1);
    long i = capture_find(&cap, EV_RUNQPUTSLOW, 0);
    CHECK_EQ(cap.ev[i].a[1], 129);
    long b = capture_find(&cap, EV_GLOBRUNQPUTBATCH, (size_t)i);
    CHECK(b > i);
    CHECK_EQ(cap.ev[b].a[1], 129);
    capture_free(&cap);
    sim_result_free(&res);
}

/* Gosched puts the G on the global queue; the P takes it back from there:
 * the GOSCHED event is followed by that G's EXECUTE with source global. */
static bool from_global(uint32_t src) { return src == SRC_GLOBAL || src == SRC_GLOBAL_FAIR || src == SRC_GLOBAL_LAST; }

static void gosched_goes_through_global_queue(void) {
    sb_begin(&sc, 1);
    sb_main(&sc);
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_end_body(&sc);
    sim_config cfg = base_cfg();
    sim_result res;
    capture cap = {0};
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    long gs = capture_find(&cap, EV_GOSCHED, 0);
    CHECK(gs >= 0);
    long ex = capture_find_g(&cap, EV_EXECUTE, cap.ev[gs].a[0], (size_t)gs);
    CHECK(ex > gs);
    CHECK(from_global(cap.ev[ex].a[1]));
    capture_free(&cap);
    sim_result_free(&res);
}

/* Three receivers block on c; close wakes them LIFO into runnext, so the
 * last readied (the first to block) runs first. */
static void close_readies_waiters_in_reverse(void) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 0);
    int wg = sb_wg(&sc, "wg");
    int r[3];
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "r%d", i);
        r[i] = sb_marker(&sc, name, OP_RECV, c, 0, name, wg);
    }
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 3);
    for (int i = 0; i < 3; i++)
        sb_op(&sc, OP_GO, r[i], 1);
    sb_op(&sc, OP_SLEEP, 0, 1000000);
    sb_op(&sc, OP_CLOSE, c, 0);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    sim_config cfg = base_cfg();
    sim_result res;
    CHECK_EQ(run(&cfg, &res, NULL), OUT_OK);
    char m[64];
    marks_of(&res, m, sizeof m);
    /* block order r2 r0 r1 (runnext first); close readies r1, r0, r2 */
    CHECK_STR(m, "r2 r1 r0");
    sim_result_free(&res);
}

static void receive_with_no_sender_is_go_deadlock(void) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 0);
    sb_main(&sc);
    sb_op(&sc, OP_RECV, c, 0);
    sb_end_body(&sc);
    sim_config cfg = base_cfg();
    sim_result res;
    CHECK_EQ(run(&cfg, &res, NULL), OUT_DEADLOCK);
    CHECK_STR(res.message, "all goroutines are asleep - deadlock!");
    sim_result_free(&res);
}

static void sleeps_wake_in_deadline_order(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int64_t ms[3] = {3, 1, 2};
    int b[3];
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "s%d", (int)ms[i]);
        b[i] = sb_marker(&sc, name, OP_SLEEP, 0, ms[i] * 1000000, name, wg);
    }
    sb_main_spawn_wait(&sc, wg, b, 3, NULL);
    sim_config cfg = base_cfg();
    sim_result res;
    capture cap = {0};
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    char m[64];
    marks_of(&res, m, sizeof m);
    CHECK_STR(m, "s1 s2 s3");
    CHECK_EQ(capture_count(&cap, EV_TIMER_FIRE), 3);
    CHECK(res.end_time_ns >= 3000000);
    capture_free(&cap);
    sim_result_free(&res);
}

/* A G in a long syscall: sysmon retakes its P and hands it off so the
 * other G runs before the syscall returns. */
static void sysmon_retakes_p_from_long_syscall(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int bodies[2] = {
        sb_marker(&sc, "other", -1, 0, 0, "other", wg),
        sb_marker(&sc, "sys", OP_SYSCALL, 0, 5000000, "sys_done", wg),
    };
    sb_main_spawn_wait(&sc, wg, bodies, 2, NULL);
    sim_config cfg = base_cfg();
    sim_result res;
    capture cap = {0};
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    char m[64];
    marks_of(&res, m, sizeof m);
    CHECK_STR(m, "other sys_done");
    long rt = capture_find(&cap, EV_RETAKE, 0);
    CHECK(rt >= 0);
    CHECK_EQ(cap.ev[rt].a[1], 1);   /* syscall handoff */
    capture_free(&cap);
    sim_result_free(&res);
}

/* Two CPU-bound Gs at GOMAXPROCS=1: sysmon preempts a G that has run
 * 10ms without a scheduling event (forcePreemptNS), and each preemption
 * sends the G to the global queue. */
static void sysmon_preempts_long_running_g(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int bodies[2] = {
        sb_marker(&sc, "a", OP_WORK, 0, 30000000, "a", wg),
        sb_marker(&sc, "b", OP_WORK, 0, 30000000, "b", wg),
    };
    sb_main_spawn_wait(&sc, wg, bodies, 2, NULL);
    sim_config cfg = base_cfg();
    sim_result res;
    capture cap = {0};
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    size_t n = 0;
    for (size_t i = 0; i < cap.n; i++) {
        if (cap.ev[i].kind != EV_PREEMPT)
            continue;
        CHECK_EQ(cap.ev[i].a[1], PREEMPT_SYSMON);
        /* It went to the global queue's tail: it comes back from there, or
         * from a local queue a global batch moved it to, never runnext. */
        long ex = capture_find_g(&cap, EV_EXECUTE, cap.ev[i].a[0], i);
        CHECK(ex > (long)i && cap.ev[ex].a[1] != SRC_RUNNEXT);
        CHECK(cap.ev[i].time >= 10000000);
        n++;
    }
    CHECK(n >= 2);   /* each G is preempted at least once */
    CHECK(res.end_time_ns >= 60000000);
    capture_free(&cap);
    sim_result_free(&res);
}

/* GOMAXPROCS 4 -> 2 at run time: procresize(4, 2) under one stop-the-world;
 * from then on Ps 2 and 3 are _Pdead with empty queues, no event names
 * them, and every worker still finishes (the Gs they held moved). */
static int shrink_checks;   /* checks that saw the shrunk state */
static bool shrunk_ps_stay_dead(const inv_view *v, void *ctx, char *why, size_t len) {
    (void)v, (void)ctx;
    if (gomaxprocs != 2 || v->world_stopped)
        return true;
    for (int32_t i = 2; i < 4; i++) {
        const p *pp = allp[i];
        if (pp->status != _Pdead || pp->runqhead != pp->runqtail || pp->runnext != NULL || pp->ntimers != 0) {
            snprintf(why, len, "P%d after the shrink: %s, runq %u, runnext %s, timers %u", (int)i,
                     rt_pstatus_name(pp->status), pp->runqtail - pp->runqhead, pp->runnext ? "set" : "empty",
                     (unsigned)pp->ntimers);
            return false;
        }
    }
    shrink_checks++;
    return true;
}

static void gomaxprocs_shrink_destroys_ps(void) {
    sb_begin(&sc, 4);
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "w");
    sb_op(&sc, OP_WORK, 0, 100000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_mark(&sc, "done");
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 20);
    sb_op(&sc, OP_GO, w, 20);
    sb_op(&sc, OP_GOMAXPROCS, 0, 2);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    sim_config cfg = base_cfg();
    cfg.check = true;
    sim_result res;
    capture cap = {0};
    gmp_invariant_clear();
    shrink_checks = 0;
    CHECK(gmp_invariant_register("shrunk-ps-stay-dead", shrunk_ps_stay_dead, NULL) >= INV_USER_FIRST);
    CHECK_EQ(run(&cfg, &res, &cap), OUT_OK);
    gmp_invariant_clear();
    size_t at = cap.n;
    for (size_t i = 0; i < cap.n; i++)
        if (cap.ev[i].kind == EV_PROCRESIZE && cap.ev[i].a[0] == 4 && cap.ev[i].a[1] == 2)
            at = i;
    CHECK(at < cap.n);
    CHECK(capture_count(&cap, EV_STW_START) == 1);
    CHECK(shrink_checks > 10);
    for (size_t i = at + 1; i < cap.n; i++)
        CHECK(cap.ev[i].p == TR_NONE || cap.ev[i].p < 2);
    CHECK_EQ(res.nmarks, 20);   /* every worker ran to the end */
    capture_free(&cap);
    sim_result_free(&res);
}

/* A mixed workload at GOMAXPROCS=4: workers pull jobs from a buffered
 * channel, compute, sleep, make syscalls, take a mutex, reply on an
 * unbuffered channel; main changes GOMAXPROCS while they run. */
static void build_mixed(int procs, int workers) {
    sb_begin(&sc, procs);
    int jobs = sb_chan(&sc, "jobs", 8);
    int done = sb_chan(&sc, "done", 0);
    int mu = sb_mutex(&sc, "mu");
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "worker");
    sb_open(&sc, OP_LOOP, 0, 3);
    sb_op(&sc, OP_RECV, jobs, 0);
    sb_op(&sc, OP_WORK, 0, 20000);
    sb_op(&sc, OP_LOCK, mu, 0);
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_op(&sc, OP_UNLOCK, mu, 0);
    sb_op(&sc, OP_SLEEP, 0, 50000);
    sb_op(&sc, OP_SYSCALL, 0, 30000);
    sb_close(&sc);
    sb_op(&sc, OP_SEND, done, 0);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    int feeder = sb_body(&sc, "feeder");
    sb_open(&sc, OP_LOOP, 0, 3 * workers);
    sb_op(&sc, OP_SEND, jobs, 0);
    sb_close(&sc);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, workers);
    sb_op(&sc, OP_GO, w, workers);
    sb_op(&sc, OP_GO, feeder, 1);
    sb_open(&sc, OP_LOOP, 0, workers);
    sb_op(&sc, OP_RECV, done, 0);
    sb_close(&sc);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_mark(&sc, "end");
    sb_end_body(&sc);
    sb_event(&sc, 200000, procs > 1 ? procs / 2 : 2);
    sb_event(&sc, 400000, procs);
}

/* GMP_TEST_SEEDS=N widens the seed sweep (stress runs). */
static uint64_t seed_count(uint64_t dflt) {
    const char *e = getenv("GMP_TEST_SEEDS");
    return e != NULL ? strtoull(e, NULL, 10) : dflt;
}

static void mixed_workload_holds_every_invariant(void) {
    uint64_t nseeds = seed_count(12);
    for (uint64_t seed = 1; seed <= nseeds; seed++) {
        build_mixed((int)(seed % 6) + 1, (int)(seed % 50) + 5);
        sim_config cfg = base_cfg();
        cfg.check = true;
        cfg.seed = seed;
        cfg.stall_den = seed % 3 == 0 ? 0 : 16;
        cfg.preempt_den = seed % 2 ? 8 : 0;
        cfg.strategy = seed % 4 == 1 ? STRAT_PCT : seed % 4 == 2 ? STRAT_RR : STRAT_RANDOM;
        sim_result res;
        int o = run(&cfg, &res, NULL);
        if (o != OUT_OK)
            fprintf(stderr, "seed %llu: %s: %s\n", (unsigned long long)seed, sim_outcome_name(o), res.message);
        CHECK_EQ(o, OUT_OK);
        CHECK(res.checks > 100);
        sim_result_free(&res);
    }
}

/* ---- mutants: each seeded bug is caught by the invariant it breaks ---- */

/* Run seeds 1..n in checking mode (with OS stalls and injected
 * preemptions); return the first seed whose run violates `inv`, or 0. */
static uint64_t first_violating_seed(int mutant, int inv, uint64_t n) {
    for (uint64_t seed = 1; seed <= n; seed++) {
        sim_config cfg = base_cfg();
        cfg.check = true;
        cfg.seed = seed;
        cfg.rt.mutant = mutant;
        cfg.stall_den = seed > 1 ? 32 : 0;
        sim_result res;
        int o = run(&cfg, &res, NULL);
        int got = res.invariant;
        sim_result_free(&res);
        if (o == OUT_INVARIANT && got == inv)
            return seed;
    }
    return 0;
}

static void build_spawn_storm(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "w");
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 300);
    sb_op(&sc, OP_GO, w, 300);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void mutant_runqputslow_forgets_g_is_caught_at_its_batch(void) {
    build_spawn_storm();
    CHECK_EQ(first_violating_seed(MUT_NONE, INV_CONSERVATION, 3), 0);
    /* The runqputslow-batch oracle sees the short batch at its event,
     * before the lost G can show up in the conservation count. */
    CHECK_EQ(first_violating_seed(MUT_RUNQPUTSLOW_FORGETS_G, INV_ORACLE_FIRST + OR_RUNQPUTSLOW, 1), 1);
}

/* GOMAXPROCS=2: main readies a receiver into its own runnext and keeps
 * computing; with ready() skipping wakep, P1 stays idle beside it while
 * every other M is parked. */
static void build_ready_then_compute(void) {
    sb_begin(&sc, 2);
    int c = sb_chan(&sc, "c", 0);
    int r = sb_body(&sc, "r");
    sb_op(&sc, OP_RECV, c, 0);
    sb_mark(&sc, "r");
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_GO, r, 1);
    sb_op(&sc, OP_SLEEP, 0, 100000);
    sb_op(&sc, OP_WORK, 0, 1000000);   /* let the Ms woken with main park again */
    sb_op(&sc, OP_SEND, c, 0);
    sb_op(&sc, OP_WORK, 0, 5000000);
    sb_mark(&sc, "main");
    sb_end_body(&sc);
}

static void mutant_ready_skips_wakep_breaks_work_conservation(void) {
    build_ready_then_compute();
    CHECK_EQ(first_violating_seed(MUT_NONE, INV_WORK_CONSERVATION, 5), 0);
    CHECK(first_violating_seed(MUT_READY_SKIPS_WAKEP, INV_WORK_CONSERVATION, 5) != 0);
}

/* Spawners on both Ps leave a child in runnext while they compute; main
 * then shrinks GOMAXPROCS to 1, destroying P1. */
static void build_shrink_with_runnext(void) {
    sb_begin(&sc, 2);
    int child = sb_body(&sc, "child");
    sb_mark(&sc, "child");
    sb_end_body(&sc);
    int spawner = sb_body(&sc, "spawner");
    sb_op(&sc, OP_GO, child, 1);
    sb_op(&sc, OP_WORK, 0, 2000000);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_GO, spawner, 2);
    sb_op(&sc, OP_SLEEP, 0, 200000);
    sb_op(&sc, OP_GOMAXPROCS, 0, 1);
    sb_op(&sc, OP_SLEEP, 0, 10000000);
    sb_end_body(&sc);
}

static void mutant_procresize_drops_runnext_breaks_conservation(void) {
    build_shrink_with_runnext();
    CHECK_EQ(first_violating_seed(MUT_NONE, INV_CONSERVATION, 20), 0);
    CHECK(first_violating_seed(MUT_PROCRESIZE_DROPS_RUNNEXT, INV_CONSERVATION, 20) != 0);
}

/* The built-in mutex_contention on four Ps, under OS stalls and jitter:
 * eight goroutines park and wake on one mutex, so Ms keep entering and
 * leaving the spinning state.  An M that leaves it without re-checking
 * every run queue (golang/go#43997) strands a woken G beside idle Ps.
 * Seeds are searched within a budget (about one run in five hits the
 * window); none of the same seeds fails without the mutant. */
static uint64_t first_spin_no_recheck_seed(int mutant, uint64_t n) {
    for (uint64_t seed = 1; seed <= n; seed++) {
        sim_config cfg = base_cfg();
        cfg.check = true;
        cfg.seed = seed;
        cfg.rt.mutant = mutant;
        cfg.strategy = STRAT_RANDOM;
        cfg.stall_den = 16;
        cfg.jitter_ns = 200;
        sim_result res;
        int o = run(&cfg, &res, NULL);
        int got = res.invariant;
        sim_result_free(&res);
        CHECK(o == OUT_OK || o == OUT_INVARIANT);
        if (o == OUT_INVARIANT) {
            CHECK_EQ(got, INV_WORK_CONSERVATION);
            return seed;
        }
    }
    return 0;
}

static void mutant_spin_no_recheck_breaks_work_conservation(void) {
    sc_error err;
    CHECK(sc_parse_builtin("mutex_contention", &sc, &err));
    CHECK_STR(sc.bodies[sc.main_body].name, "main");
    sc.gomaxprocs = 4;
    CHECK_EQ(first_spin_no_recheck_seed(MUT_NONE, 100), 0);
    CHECK(first_spin_no_recheck_seed(MUT_SPIN_NO_RECHECK, 100) != 0);
}

/* ---- white-box: stack switches land on the right stacks ---- */

static bool on_stack(const g *gp) {
    volatile char here;
    uintptr_t a = (uintptr_t)&here;
    return a >= gp->stack.lo && a < gp->stack.hi;
}

static int probes;

static void sys_probe(void *gpv) {
    g *gp = gpv;
    CHECK(getg() == gp->m->g0);
    CHECK(on_stack(gp->m->g0));
    probes++;
}

static void mcall_probe(g *gp) {
    CHECK(getg() == gp->m->g0);
    CHECK(on_stack(gp->m->g0));
    probes++;
    gogo(&gp->sched);
}

static void stacks_main(void *arg) {
    (void)arg;
    g *gp = getg();
    CHECK(gp != gp->m->g0);
    CHECK(on_stack(gp));
    systemstack(sys_probe, gp);
    CHECK(getg() == gp);
    CHECK(on_stack(gp));
    mcall(mcall_probe);
    CHECK(getg() == gp);
    CHECK(on_stack(gp));
    probes++;
}

static void mcall_and_systemstack_return_on_the_right_stacks(void) {
    sim_config cfg = base_cfg();
    sim_result res;
    probes = 0;
    CHECK_EQ(sim_run_program(stacks_main, NULL, 1, &cfg, &res), OUT_OK);
    CHECK_EQ(probes, 3);
    sim_result_free(&res);
}

#define TESTS(X)                                        \
    X(spawn_ten_then_block_runs_runnext_first)          \
    X(same_seed_same_digest_in_process)                 \
    X(runqput_overflow_moves_half_plus_one_to_global)   \
    X(gosched_goes_through_global_queue)                \
    X(close_readies_waiters_in_reverse)                 \
    X(receive_with_no_sender_is_go_deadlock)            \
    X(sleeps_wake_in_deadline_order)                    \
    X(sysmon_retakes_p_from_long_syscall)               \
    X(sysmon_preempts_long_running_g)                   \
    X(gomaxprocs_shrink_destroys_ps)                    \
    X(mixed_workload_holds_every_invariant)             \
    X(mutant_runqputslow_forgets_g_is_caught_at_its_batch) \
    X(mutant_ready_skips_wakep_breaks_work_conservation) \
    X(mutant_procresize_drops_runnext_breaks_conservation) \
    X(mutant_spin_no_recheck_breaks_work_conservation) \
    X(mcall_and_systemstack_return_on_the_right_stacks)
#include "../unit.h"
