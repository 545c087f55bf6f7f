/*
 * tests/sim/test_fire.c: every built-in invariant can fire.
 *
 * Each test runs a built-in scenario twice under full checking.  The first
 * run is clean and must end with the scenario's own outcome; that proves
 * the invariant holds when nothing is broken.  The second run registers a
 * test-only breaker: a registered invariant that, at the first check after
 * event FROM where its precondition holds, writes one wrong value into the
 * scheduler's state (the one kind of fault the invariant exists to catch),
 * and then holds.  The run must then end with exactly that invariant, at
 * an event after the break, and within WINDOW events of it (the checks
 * that follow the next events must notice).
 *
 * Writing to the state from an invariant is what sim/invariant.h forbids
 * plugins to do; here it is the point.  Invariants that only a wrong
 * decision can trip (work conservation, the oracles) are shown by the
 * seeded mutants instead (tests/sim, tests/runtime, docs/invariants.md).
 */
#include "../unit.h"

#include "runtime/runtime2.h"
#include "sim/invariant.h"
#include "sim/scenario.h"
#include "sim/sim.h"

enum { FROM = 200, WINDOW = 64 };

/* A breaker: returns true once it has broken the state (it is then done). */
typedef bool (*breaker_fn)(void);

static struct {
    breaker_fn fn;
    uint64_t from;        /* first event at which to try */
    uint64_t broke_at;    /* event after which it broke the state; 0: not yet */
} brk;

static bool breaker_hook(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)ctx, (void)why, (void)why_len;
    if (brk.broke_at == 0 && v->seq >= brk.from && brk.fn())
        brk.broke_at = v->seq;
    return true;
}

static void load(scenario *sc, const char *name) {
    sc_error err;
    CHECK(sc_parse_builtin(name, sc, &err));
}

/* Full checking: a breaker writes behind the events' back, which the
 * incremental filter (it follows what events and running threads touch)
 * is not built to see; seeded mutants and test_check_incr cover it. */
static void config(sim_config *cfg) {
    sim_config_default(cfg);
    cfg->check = true;
    cfg->check_mode = CHECK_FULL;
    cfg->seed = 7;
}

/* The clean run ends as the scenario declares; the broken one ends with
 * invariant `want` within WINDOW events after the break.  from: the first
 * event at which the breaker may act (0: FROM). */
static void expect_fire(const char *scen, int procs, breaker_fn fn, uint64_t from, const char *want) {
    static scenario sc;
    load(&sc, scen);
    sc.gomaxprocs = procs;
    sim_config cfg;
    config(&cfg);
    sim_result r;
    gmp_invariant_clear();
    int clean = sim_run(&sc, &cfg, &r);
    if (clean != OUT_OK && clean != OUT_DEADLOCK)
        fprintf(stderr, "clean run of %s: %s: %s\n", scen, sim_outcome_name(clean), r.message);
    CHECK(clean == OUT_OK || clean == OUT_DEADLOCK);
    uint64_t clean_events = r.events;
    sim_result_free(&r);

    brk.fn = fn, brk.from = from ? from : FROM, brk.broke_at = 0;
    CHECK(gmp_invariant_register("test-breaker", breaker_hook, NULL) >= INV_USER_FIRST);
    int out = sim_run(&sc, &cfg, &r);
    gmp_invariant_clear();
    fprintf(stderr, "%s: broke after event %" PRIu64 " of %" PRIu64 "; %s at event %" PRIu64 ": %s\n", want,
            brk.broke_at, clean_events, sim_outcome_name(out), r.violation_seq, r.message);
    CHECK(brk.broke_at != 0);
    CHECK_EQ(out, OUT_INVARIANT);
    CHECK_STR(gmp_invariant_name(r.invariant), want);
    CHECK(r.violation_seq >= brk.broke_at);
    CHECK(r.violation_seq <= brk.broke_at + WINDOW);
    sim_result_free(&r);
}

static int32_t live_p(int32_t k) { return allplen > k ? k : 0; }

/* ---- queue-bounds: a free list's count disagrees with the list ---- */
static bool break_gfree_count(void) {
    for (int32_t i = 0; i < allplen; i++)
        if (allp[i]->gFree.n > 0) {
            allp[i]->gFree.n += 3;
            return true;
        }
    return false;
}

/* ---- queue-bounds: a local run queue longer than 256 ---- */
static bool break_runq_length(void) {
    p *pp = allp[live_p(0)];
    pp->runqtail = pp->runqhead + 300;
    return true;
}

/* ---- p-state: an idle P whose status says running ---- */
static bool break_idle_p_status(void) {
    if (sched.pidle == NULL || sched.lock.key != 0)
        return false;
    sched.pidle->status = _Psyscall;
    return true;
}

/* ---- p-state: npidle disagrees with the idle list ---- */
static bool break_npidle(void) {
    if (sched.lock.key != 0)
        return false;
    sched.npidle += 2;
    return true;
}

/* ---- m-state: an M marked spinning without its nmspinning credit ---- */
static bool break_spinning_flag(void) {
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (!mp->spinning && sched.nmspinning == 0) {
            mp->spinning = true;
            return true;
        }
    return false;
}

/* ---- lifecycle: two live goroutines share a goid ---- */
static bool break_duplicate_goid(void) {
    g *first = NULL;
    for (uint32_t i = 0; i < allglen; i++) {
        g *gp = allgs[i];
        if (gp->atomicstatus == _Gdead || gp->atomicstatus == _Gidle || gp->goid == 0)
            continue;
        if (first == NULL) {
            first = gp;
        } else {
            gp->goid = first->goid;
            return true;
        }
    }
    return false;
}

/* ---- conservation: a runnable G that is in no run queue ---- */
static bool break_lost_runnable(void) {
    for (uint32_t i = 0; i < allglen; i++) {
        g *gp = allgs[i];
        if (gp->atomicstatus == _Gwaiting && !gp->issystem) {
            gp->atomicstatus = _Grunnable;
            return true;
        }
    }
    return false;
}

/* ---- runtime-throw: every M claims to hold a runtime lock, so the next
 * one to enter schedule() (or stopm, or unlock) throws ---- */
static bool break_lock_count(void) {
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        mp->locks += 1000;
    return true;
}

/* ---- deadlock-detection: main made runnable after checkdead counted it
 * as waiting, as the deadlock is declared ---- */
static bool break_at_last_check(void) {
    for (uint32_t i = 0; i < allglen; i++) {
        g *gp = allgs[i];
        if (gp->atomicstatus == _Gwaiting && !gp->issystem && gp->goid == 1) {
            gp->atomicstatus = _Grunnable;
            return true;
        }
    }
    return false;
}

static void queue_bounds_fires_on_a_free_list_count_that_disagrees(void) {
    expect_fire("spawn_storm", 2, break_gfree_count, 0, "queue-bounds");
}

static void queue_bounds_fires_on_a_run_queue_past_256(void) {
    expect_fire("worker_pool", 2, break_runq_length, 0, "queue-bounds");
}

static void p_state_fires_on_an_idle_p_that_is_not_pidle(void) {
    expect_fire("worker_pool", 4, break_idle_p_status, 0, "p-state");
}

static void p_state_fires_on_an_npidle_that_disagrees(void) {
    expect_fire("worker_pool", 4, break_npidle, 0, "p-state");
}

static void m_state_fires_on_a_spinning_m_without_credit(void) {
    expect_fire("pipeline", 2, break_spinning_flag, 0, "m-state");
}

static void lifecycle_fires_on_two_live_gs_with_one_goid(void) {
    expect_fire("worker_pool", 2, break_duplicate_goid, 0, "lifecycle");
}

static void conservation_fires_on_a_runnable_g_in_no_queue(void) {
    expect_fire("worker_pool", 2, break_lost_runnable, 0, "conservation");
}

static void runtime_throw_fires_when_the_runtime_meets_an_impossible_state(void) {
    expect_fire("pingpong", 1, break_lock_count, 0, "runtime-throw");
}

/* The deadlock example's clean run ends "deadlock" after E events; the
 * breaker acts at the last check before checkdead declares it. */
static void deadlock_detection_fires_on_a_runnable_g_at_a_declared_deadlock(void) {
    static scenario sc;
    load(&sc, "deadlock");
    sim_config cfg;
    config(&cfg);
    sim_result r;
    gmp_invariant_clear();
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_DEADLOCK);
    uint64_t events = r.events;
    sim_result_free(&r);
    /* The last check runs after checkdead's own event, the one before the
     * exit record: checkdead has walked allgs (finding every G waiting),
     * and declares the deadlock with a G now runnable. */
    expect_fire("deadlock", 1, break_at_last_check, events - 1, "deadlock-detection");
}

/* A bound of 1 schedule() call is one no run with several runnable Gs can
 * keep; the same run with the derived bound passes (the clean run). */
static void bounded_wait_fires_when_a_g_waits_past_the_bound(void) {
    static scenario sc;
    load(&sc, "gosched_rr");
    sim_config cfg;
    config(&cfg);
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_OK);
    sim_result_free(&r);
    cfg.bounded_wait = 1;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_INVARIANT);
    CHECK_STR(gmp_invariant_name(r.invariant), "bounded-wait");
    CHECK(strstr(r.message, "bound 1)") != NULL);
    sim_result_free(&r);
}

/* ---- lifecycle: no false alarm for Gs not yet numbered ----
 * newproc1 makes a fresh G _Grunnable before it draws its goid, so two Ms
 * spawning at once can each hold a live G with goid 0.  Seeds of a
 * spawn-heavy scenario on several Ps, with OS stalls and preemptions, are
 * searched until a check sees that window (two such Gs at once); that run
 * must not report lifecycle (or any invariant). */
static uint32_t unnumbered_windows;
static bool count_unnumbered(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)v, (void)ctx, (void)why, (void)why_len;
    uint32_t n = 0;
    for (uint32_t i = 0; i < allglen; i++)
        n += allgs[i]->goid == 0 && allgs[i]->atomicstatus != _Gdead && allgs[i]->atomicstatus != _Gidle;
    unnumbered_windows += n >= 2;
    return true;
}

static void lifecycle_ignores_two_new_gs_not_yet_numbered(void) {
    static scenario sc;
    sc_error err;
    CHECK(sc_parse_file(GMP_TEST_DATA "/goid_not_yet_drawn.gmp", &sc, &err));
    enum { BUDGET = 3000 };
    uint64_t seed = 1;
    for (; seed <= BUDGET; seed++) {
        sim_config cfg;
        config(&cfg);
        cfg.seed = seed;
        cfg.stall_den = 16;
        cfg.preempt_den = 32;
        cfg.vt_limit_ns = 10000000000LL;
        unnumbered_windows = 0;
        gmp_invariant_clear();
        CHECK(gmp_invariant_register("count-unnumbered", count_unnumbered, NULL) >= INV_USER_FIRST);
        sim_result r;
        int out = sim_run(&sc, &cfg, &r);
        gmp_invariant_clear();
        if (out == OUT_INVARIANT)
            fprintf(stderr, "seed %" PRIu64 ": %s: %s\n", seed, gmp_invariant_name(r.invariant), r.message);
        CHECK(out != OUT_INVARIANT);
        sim_result_free(&r);
        if (unnumbered_windows > 0)
            break;
    }
    fprintf(stderr, "window reached at seed %" PRIu64 " (%u checks saw two unnumbered Gs)\n", seed,
            unnumbered_windows);
    CHECK(seed <= BUDGET);
}

#define TESTS(X)                                                      \
    X(queue_bounds_fires_on_a_free_list_count_that_disagrees)         \
    X(queue_bounds_fires_on_a_run_queue_past_256)                     \
    X(p_state_fires_on_an_idle_p_that_is_not_pidle)                   \
    X(p_state_fires_on_an_npidle_that_disagrees)                      \
    X(m_state_fires_on_a_spinning_m_without_credit)                   \
    X(lifecycle_fires_on_two_live_gs_with_one_goid)                   \
    X(conservation_fires_on_a_runnable_g_in_no_queue)                 \
    X(runtime_throw_fires_when_the_runtime_meets_an_impossible_state) \
    X(deadlock_detection_fires_on_a_runnable_g_at_a_declared_deadlock) \
    X(bounded_wait_fires_when_a_g_waits_past_the_bound)                \
    X(lifecycle_ignores_two_new_gs_not_yet_numbered)
#include "../unit.h"
