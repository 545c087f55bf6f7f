/*
 * tests/sim: the oracles (sim/oracle.def).  Each ownership check is shown
 * a hand-broken state and must name exactly what is wrong; each decision
 * oracle is shown a seeded bug that keeps every other invariant happy
 * (runtime/mutants.def) and must be the invariant that ends the run,
 * while the same seeds without the bug end clean.
 */
#include "../unit.h"

#include "asm/stack.h"
#include "runtime/internal.h"
#include "sim/invariant.h"
#include "sim/oracle.h"
#include "sim/sim.h"
#include "../runtime/sbuild.h"

static scenario sc;

static sim_config base_cfg(void) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    return cfg;
}

static int oracle_inv(int id) { return INV_ORACLE_FIRST + id; }

/* ---- ownership, on a hand-broken state inside a run ---- */

static char why[200];
static int broken_checks;

static m *other_m(m *me) {
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp != me && mp->p == NULL && mp->nextp == NULL)
            return mp;
    return NULL;
}

static void own_main(void *arg) {
    (void)arg;
    m *me = getg()->m;
    p *pp = me->p;
    CHECK(oracle_p_ownership(why, sizeof why));
    /* Two Ms on one P. */
    m *o = other_m(me);
    CHECK(o != NULL);
    o->nextp = pp;
    CHECK(!oracle_p_ownership(why, sizeof why));
    CHECK(strstr(why, "is held by M") != NULL);
    o->nextp = NULL;
    /* One M holding two Ps (only a locked M may, for a moment). */
    CHECK(me->lockedg == NULL);
    p *idle = allp[pp->id == 0 ? 1 : 0];
    me->nextp = idle;
    CHECK(!oracle_p_ownership(why, sizeof why));
    CHECK(strstr(why, "holds P") != NULL);
    me->nextp = NULL;
    /* A running P nobody holds. */
    me->p = NULL;
    CHECK(!oracle_p_ownership(why, sizeof why));
    CHECK(strstr(why, "is held by no M") != NULL);
    me->p = pp;
    CHECK(oracle_p_ownership(why, sizeof why));
    /* A stack shared by two Gs, and one shared with a g0. */
    g *gp = getg();
    CHECK(oracle_stack_owned(gp, &gp->stack, why, sizeof why));
    g *victim = allgs[0] != gp ? allgs[0] : allgs[1];
    gmp_stack saved = victim->stack;
    victim->stack.lo = gp->stack.lo + 64;
    victim->stack.hi = gp->stack.hi - 64;
    CHECK(!oracle_stack_owned(gp, &gp->stack, why, sizeof why));
    CHECK(strstr(why, "overlaps G") != NULL);
    victim->stack = saved;
    gmp_stack fake = me->g0->stack;
    CHECK(!oracle_stack_owned(gp, &fake, why, sizeof why));
    CHECK(strstr(why, "g0 stack") != NULL);
    broken_checks++;
}

static void p_and_stack_ownership_trip_on_hand_broken_states(void) {
    sim_config cfg = base_cfg();
    sim_result res;
    broken_checks = 0;
    CHECK_EQ(sim_run_program(own_main, NULL, 2, &cfg, &res), OUT_OK);
    CHECK_EQ(broken_checks, 1);
    sim_result_free(&res);
    CHECK_STR(gmp_invariant_name(oracle_inv(OR_P_OWNERSHIP)), "p-ownership");
    CHECK_STR(gmp_invariant_name(oracle_inv(OR_STACK_OWNERSHIP)), "stack-ownership");
}

/* A stack handed back to the pool while a G still owns it. */
static void a_stack_in_the_pool_is_not_owned(void) {
    gmp_stack s;
    CHECK(gmp_stack_get(1u << 16, &s));
    gmp_stack copy = s;
    CHECK(oracle_stack_owned(NULL, &copy, why, sizeof why));
    gmp_stack_put(&s);   /* to the pool; copy still "owns" it */
    CHECK(!oracle_stack_owned(NULL, &copy, why, sizeof why));
    CHECK(strstr(why, "stack pool") != NULL);
}

/* ---- decision oracles, each shown its seeded bug ---- */

/* Run seeds 1..n; return the first seed whose run ends with invariant
 * inv (any invariant when inv < 0), or 0. */
static uint64_t first_failing_seed(int mutant, int inv, uint64_t n, int32_t procs) {
    for (uint64_t seed = 1; seed <= n; seed++) {
        sim_config cfg = base_cfg();
        cfg.seed = seed;
        cfg.rt.mutant = mutant;
        cfg.rt.gomaxprocs = procs;
        cfg.stall_den = seed % 2 ? 16 : 0;
        cfg.preempt_den = seed % 3 == 0 ? 8 : 0;
        sim_result res;
        int o = sim_run(&sc, &cfg, &res);
        if (o == OUT_INVARIANT)
            fprintf(stderr, "%s seed %llu: %s\n", rt_mutant_name(mutant), (unsigned long long)seed, res.message);
        int got = res.invariant;
        if (mutant == MUT_NONE && o != OUT_OK)
            fprintf(stderr, "seed %llu: outcome %s: %s\n", (unsigned long long)seed, sim_outcome_name(o), res.message);
        CHECK(mutant != MUT_NONE || o == OUT_OK);   /* the scenarios end cleanly on Go's rules */
        sim_result_free(&res);
        if (o == OUT_INVARIANT && (inv < 0 || got == inv))
            return seed;
    }
    return 0;
}

/* The bug is the first thing checking sees within `budget` seeds (the
 * invariant inv), and the unmutated runtime passes the same seeds. */
static void caught_by_inv(int mutant, int inv, uint64_t budget, int32_t procs) {
    CHECK_EQ(first_failing_seed(MUT_NONE, -1, budget, procs), 0);
    uint64_t s = first_failing_seed(mutant, inv, budget, procs);
    if (s == 0)
        fprintf(stderr, "%s not caught by %s in %llu seeds\n", rt_mutant_name(mutant), gmp_invariant_name(inv),
                (unsigned long long)budget);
    CHECK(s != 0);
}

static void caught_by(int mutant, int id, uint64_t budget, int32_t procs) {
    caught_by_inv(mutant, oracle_inv(id), budget, procs);
}

/* main spawns n workers that each run body ops then finish a WaitGroup. */
static int build_workers_begin(int procs, int n, int *wg) {
    sb_begin(&sc, procs);
    *wg = sb_wg(&sc, "wg");
    (void)n;
    return sb_body(&sc, "w");
}

static void build_workers_end(int w, int wg, int n) {
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, n);
    sb_op(&sc, OP_GO, w, n);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

/* Workers yielding through the global queue. */
static void build_gosched_crowd(int procs) {
    int wg;
    int w = build_workers_begin(procs, 24, &wg);
    sb_open(&sc, OP_LOOP, 0, 6);
    sb_op(&sc, OP_WORK, 0, 20000);
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_close(&sc);
    build_workers_end(w, wg, 24);
}

/* 300 short workers spawned at once: the local queue overflows, dead Gs
 * pile up on the free lists, idle Ps steal. */
static void build_spawn_storm(int procs) {
    int wg;
    int w = build_workers_begin(procs, 300, &wg);
    sb_op(&sc, OP_WORK, 0, 1000);
    build_workers_end(w, wg, 300);
}

static void globrunqget_takes_all_is_caught_by_its_oracle(void) {
    build_gosched_crowd(4);
    caught_by(MUT_GLOBRUNQGET_TAKES_ALL, OR_GLOBRUNQGET, 6, 4);
}

static void runqputslow_reverses_is_caught_by_its_oracle(void) {
    build_spawn_storm(1);
    caught_by(MUT_RUNQPUTSLOW_REVERSES, OR_RUNQPUTSLOW, 3, 1);
}

static void runqgrab_greedy_is_caught_by_its_oracle(void) {
    build_spawn_storm(4);
    caught_by(MUT_RUNQGRAB_GREEDY, OR_RUNQGRAB, 6, 4);
}

static void gfput_spills_all_is_caught_by_its_oracle(void) {
    build_spawn_storm(1);
    caught_by(MUT_GFPUT_SPILLS_ALL, OR_GFREE, 3, 1);
}

/* Receivers park on one channel; main sends to one, then closes it. */
static void build_close_crowd(int procs) {
    int wg;
    sb_begin(&sc, procs);
    wg = sb_wg(&sc, "wg");
    int c = sb_chan(&sc, "c", 0);
    int r = sb_body(&sc, "r");
    sb_op(&sc, OP_RECV, c, 0);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 6);
    sb_op(&sc, OP_GO, r, 6);
    sb_op(&sc, OP_SLEEP, 0, 100000);
    sb_op(&sc, OP_SEND, c, 0);
    sb_op(&sc, OP_CLOSE, c, 0);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void ready_puts_at_tail_is_caught_by_its_oracle(void) {
    build_close_crowd(2);
    caught_by(MUT_READY_PUTS_AT_TAIL, OR_RUNQPUT_NEXT, 3, 2);
}

static void close_wakes_fifo_is_caught_by_its_oracle(void) {
    build_close_crowd(1);
    caught_by(MUT_CLOSE_WAKES_FIFO, OR_CLOSE_ORDER, 3, 1);
}

/* main queues workers on its P, then blocks in a long system call:
 * sysmon retakes the P, which has local work. */
static void build_syscall_with_local_work(int procs) {
    int wg;
    int w = build_workers_begin(procs, 4, &wg);
    sb_op(&sc, OP_WORK, 0, 1000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 4);
    sb_op(&sc, OP_GO, w, 4);
    sb_op(&sc, OP_SYSCALL, 0, 30000000);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void handoffp_ignores_local_work_is_caught_by_its_oracle(void) {
    build_syscall_with_local_work(1);
    caught_by(MUT_HANDOFFP_IGNORES_LOCAL, OR_HANDOFFP, 3, 1);
}

/* ---- the shapes of real Go scheduler bugs (docs/mutants.md) ---- */

/* Parents each spawn children and compute: spinning Ms find work that
 * then makes more local work. */
static void build_spawn_tree(int procs) {
    sb_begin(&sc, procs);
    int wg = sb_wg(&sc, "wg");
    int child = sb_body(&sc, "child");
    sb_op(&sc, OP_WORK, 0, 20000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    int parent = sb_body(&sc, "parent");
    sb_op(&sc, OP_GO, child, 4);
    sb_op(&sc, OP_WORK, 0, 50000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 8 * 5);
    sb_op(&sc, OP_GO, parent, 8);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void spinning_keeps_spinning_is_a_runtime_throw(void) {
    build_spawn_tree(4);
    caught_by_inv(MUT_SPINNING_KEEPS_SPINNING, -2, 6, 4);
}

static void checkdead_miscounts_is_a_runtime_throw(void) {
    build_spawn_tree(2);
    caught_by_inv(MUT_CHECKDEAD_MISCOUNTS, -2, 6, 2);
}

/* Two long computations on one P. */
static void build_long_computations(int procs) {
    int wg;
    int w = build_workers_begin(procs, 2, &wg);
    sb_op(&sc, OP_WORK, 0, 400000000);
    build_workers_end(w, wg, 2);
}

static void sysmon_never_preempts_is_caught_by_its_oracle(void) {
    build_long_computations(1);
    caught_by(MUT_SYSMON_NEVER_PREEMPTS, OR_SYSMON_PREEMPT, 2, 1);
}

/* main queues two workers, then sits in a 400ms system call. */
static void build_long_syscall(int procs) {
    int wg;
    int w = build_workers_begin(procs, 2, &wg);
    sb_op(&sc, OP_WORK, 0, 1000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 2);
    sb_op(&sc, OP_GO, w, 2);
    sb_op(&sc, OP_SYSCALL, 0, 400000000);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void sysmon_never_retakes_is_caught_by_its_oracle(void) {
    build_long_syscall(1);
    caught_by(MUT_SYSMON_NEVER_RETAKES, OR_SYSMON_RETAKE, 2, 1);
}

static void runnext_no_inherit_is_caught_by_its_oracle(void) {
    build_close_crowd(2);
    caught_by(MUT_RUNNEXT_NO_INHERIT, OR_EXECUTE_SLICE, 3, 2);
}

static void gosched_at_head_is_caught_by_its_oracle(void) {
    build_gosched_crowd(2);
    caught_by(MUT_GOSCHED_AT_HEAD, OR_GOSCHED_TAIL, 3, 2);
}

/* Two waves of workers: the second reuses the first's dead Gs. */
static void build_two_waves(int procs) {
    int wg;
    int w = build_workers_begin(procs, 40, &wg);
    sb_op(&sc, OP_WORK, 0, 1000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 40);
    sb_op(&sc, OP_GO, w, 40);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_op(&sc, OP_WGADD, wg, 40);
    sb_op(&sc, OP_GO, w, 40);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
}

static void gfget_keeps_on_list_breaks_conservation(void) {
    build_two_waves(1);
    caught_by_inv(MUT_GFGET_KEEPS_ON_LIST, INV_CONSERVATION, 3, 1);
}

static void runqgrab_ignores_cas_breaks_conservation(void) {
    build_spawn_storm(4);
    caught_by_inv(MUT_RUNQGRAB_IGNORES_CAS, INV_CONSERVATION, 20, 4);
}

#define TESTS(X)                                            \
    X(p_and_stack_ownership_trip_on_hand_broken_states)     \
    X(a_stack_in_the_pool_is_not_owned)                     \
    X(globrunqget_takes_all_is_caught_by_its_oracle)        \
    X(runqputslow_reverses_is_caught_by_its_oracle)         \
    X(runqgrab_greedy_is_caught_by_its_oracle)              \
    X(gfput_spills_all_is_caught_by_its_oracle)             \
    X(ready_puts_at_tail_is_caught_by_its_oracle)           \
    X(close_wakes_fifo_is_caught_by_its_oracle)             \
    X(handoffp_ignores_local_work_is_caught_by_its_oracle)   \
    X(spinning_keeps_spinning_is_a_runtime_throw)           \
    X(checkdead_miscounts_is_a_runtime_throw)               \
    X(sysmon_never_preempts_is_caught_by_its_oracle)        \
    X(sysmon_never_retakes_is_caught_by_its_oracle)         \
    X(runnext_no_inherit_is_caught_by_its_oracle)           \
    X(gosched_at_head_is_caught_by_its_oracle)              \
    X(gfget_keeps_on_list_breaks_conservation)              \
    X(runqgrab_ignores_cas_breaks_conservation)
#include "../unit.h"
