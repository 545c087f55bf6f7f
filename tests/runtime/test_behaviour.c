/*
 * tests/runtime/test_behaviour.c: whole behaviours, judged by what a run
 * shows (its events, the state at a decision, its marks), each against Go
 * 1.19's rule for it:
 *   - procresize shrinking a loaded P: runnext and the local queue go to
 *     the global queue's head in queue order, its timers and free Gs move;
 *   - procresize growing under load: the new Ps take work;
 *   - sync.Mutex starvation mode and direct handoff;
 *   - select with `default`;
 *   - exitsyscall's fast and slow paths, and retake, with more than one P.
 */
#include "../unit.h"

#include "runtime/internal.h"
#include "sim/invariant.h"
#include "sim/sim.h"
#include "capture.h"
#include "sbuild.h"

static scenario sc;

static int run_captured(uint64_t seed, capture *cap, sim_result *res) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    cfg.seed = seed;
    cfg.sinks[cfg.nsinks++] = capture_sink(cap);
    return sim_run(&sc, &cfg, res);
}

static size_t count_from(const capture *c, int kind, size_t from, int arg, uint32_t val) {
    size_t n = 0;
    for (size_t i = from; i < c->n; i++)
        n += c->ev[i].kind == kind && (arg < 0 || c->ev[i].a[arg] == val);
    return n;
}

/* ---- procresize shrinking a loaded P ----
 * A spawner pinned to P1 by the clock (main keeps P0 busy) queues eight
 * children (the last in runnext), some of which sleep, and computes; main
 * then sets GOMAXPROCS to 1.  A hook snapshots P1 when the world is
 * stopped and the global queue right after procresize. */
enum { KIDS = 8 };
static struct {
    bool stopped_seen, after_seen;
    int64_t runnext;               /* goid in P1's runnext at the stop, or 0 */
    int64_t runq[256];             /* P1's local queue at the stop, head first */
    uint32_t nrunq;
    int32_t ntimers, nfree;        /* P1's timers and free Gs at the stop */
    int64_t glob[512];             /* the global queue once procresize is done */
    uint32_t nglob;
} shrink;

static bool snapshot_shrink(const inv_view *v, void *ctx, char *why, size_t len) {
    (void)ctx, (void)why, (void)len;
    if (v->world_stopped && !shrink.stopped_seen && gomaxprocs == 2 && allplen == 2) {
        const p *p1 = allp[1];
        shrink.stopped_seen = true;
        shrink.runnext = p1->runnext ? p1->runnext->goid : 0;
        for (uint32_t h = p1->runqhead; h != p1->runqtail && shrink.nrunq < 256; h++)
            shrink.runq[shrink.nrunq++] = p1->runq[h % RUNQ_LEN]->goid;
        shrink.ntimers = (int32_t)p1->ntimers;
        shrink.nfree = p1->gFree.n;
    }
    if (shrink.stopped_seen && !shrink.after_seen && gomaxprocs == 1 && sched.lock.key == 0) {
        shrink.after_seen = true;
        for (const g *gp = sched.runq.head; gp != NULL && shrink.nglob < 512; gp = gp->schedlink)
            shrink.glob[shrink.nglob++] = gp->goid;
    }
    return true;
}

static void build_loaded_shrink(void) {
    sb_begin(&sc, 2);
    int kid = sb_body(&sc, "kid");
    sb_op(&sc, OP_SLEEP, 0, 5000000);
    sb_mark(&sc, "kid");
    sb_end_body(&sc);
    int quick = sb_body(&sc, "quick");
    sb_mark(&sc, "quick");
    sb_end_body(&sc);
    int spawner = sb_body(&sc, "spawner");
    sb_op(&sc, OP_GO, kid, 2);              /* sleep: timers on this P */
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_op(&sc, OP_GO, quick, 2);            /* exit at once: free Gs on this P */
    sb_op(&sc, OP_GOSCHED, 0, 0);
    sb_op(&sc, OP_GO, quick, KIDS);         /* queued: runq and runnext */
    sb_op(&sc, OP_WORK, 0, 3000000);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_GO, spawner, 1);
    sb_op(&sc, OP_WORK, 0, 400000);
    sb_op(&sc, OP_GOMAXPROCS, 0, 1);
    sb_op(&sc, OP_SLEEP, 0, 10000000);
    sb_end_body(&sc);
}

static void procresize_shrink_moves_a_loaded_ps_work_in_go_order(void) {
    build_loaded_shrink();
    /* Search seeds for a run whose P1 holds runnext, a local queue and a
     * timer when the world stops (the precondition this test is about). */
    uint64_t seed = 1;
    for (; seed <= 50; seed++) {
        memset(&shrink, 0, sizeof shrink);
        gmp_invariant_clear();
        CHECK(gmp_invariant_register("snapshot", snapshot_shrink, NULL) >= INV_USER_FIRST);
        capture cap = {0};
        sim_result res;
        int out = run_captured(seed, &cap, &res);
        gmp_invariant_clear();
        CHECK_EQ(out, OUT_OK);
        if (getenv("GMP_TEST_VERBOSE"))
            fprintf(stderr, "seed %" PRIu64 ": stopped %d runnext %" PRId64 " nrunq %u timers %d free %d\n", seed,
                    shrink.stopped_seen, shrink.runnext, shrink.nrunq, shrink.ntimers, shrink.nfree);
        bool loaded = shrink.stopped_seen && shrink.runnext != 0 && shrink.nrunq > 0 && shrink.ntimers > 0;
        if (loaded) {
            fprintf(stderr, "seed %" PRIu64 ": P1 held runnext G%" PRId64 ", %u queued, %d timers, %d free Gs\n",
                    seed, shrink.runnext, shrink.nrunq, shrink.ntimers, shrink.nfree);
            /* Go 1.19 (p.destroy): the local queue is popped from its tail
             * onto the global queue's head, then runnext goes on the head:
             * the global queue starts runnext, runq[0], runq[1], ... */
            CHECK(shrink.after_seen);
            CHECK(shrink.nglob >= 1 + shrink.nrunq);
            CHECK_EQ(shrink.glob[0], shrink.runnext);
            for (uint32_t i = 0; i < shrink.nrunq; i++)
                CHECK_EQ(shrink.glob[1 + i], shrink.runq[i]);
            /* Its timers moved to the surviving P, its free Gs were purged
             * to the global lists, all in the stop-the-world. */
            long at = capture_find(&cap, EV_PROCRESIZE, 0);
            CHECK(at >= 0);
            CHECK(count_from(&cap, EV_TIMER_MOVE, (size_t)at, 0, 1) == 1);
            long mv = capture_find(&cap, EV_TIMER_MOVE, (size_t)at);
            CHECK_EQ(cap.ev[mv].a[1], (uint32_t)shrink.ntimers);
            if (shrink.nfree > 0) {
                long gp = capture_find(&cap, EV_GFPURGE, (size_t)at);
                CHECK(gp >= 0);
                CHECK_EQ(cap.ev[gp].a[0], 1);
                CHECK_EQ(cap.ev[gp].a[1], (uint32_t)shrink.nfree);
            }
            CHECK_EQ(res.nmarks, 2 + 2 + KIDS);   /* every G still ran */
        }
        capture_free(&cap);
        sim_result_free(&res);
        if (loaded)
            return;
    }
    CHECK(!"no seed in 1..50 loaded P1 before the shrink");
}

/* ---- procresize growing under load ----
 * Forty compute-bound Gs queued on the only P; GOMAXPROCS goes 1 -> 4.
 * The new Ps must take work: Gs execute on P1..P3 after the resize, by
 * stealing from P0 or taking from the global queue. */
static void procresize_grow_under_load_puts_the_new_ps_to_work(void) {
    sb_begin(&sc, 1);
    int wg = sb_wg(&sc, "wg");
    int w = sb_body(&sc, "w");
    sb_op(&sc, OP_WORK, 0, 200000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 40);
    sb_op(&sc, OP_GO, w, 40);
    sb_op(&sc, OP_GOMAXPROCS, 0, 4);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    capture cap = {0};
    sim_result res;
    CHECK_EQ(run_captured(1, &cap, &res), OUT_OK);
    long at = -1;
    for (size_t i = 0; i < cap.n; i++)
        if (cap.ev[i].kind == EV_PROCRESIZE && cap.ev[i].a[0] == 1 && cap.ev[i].a[1] == 4)
            at = (long)i;
    CHECK(at >= 0);
    uint32_t ran_on[4] = {0};
    for (size_t i = (size_t)at; i < cap.n; i++)
        if (cap.ev[i].kind == EV_EXECUTE && cap.ev[i].p < 4)
            ran_on[cap.ev[i].p]++;
    fprintf(stderr, "executes after the grow: P0 %u, P1 %u, P2 %u, P3 %u\n", ran_on[0], ran_on[1], ran_on[2],
            ran_on[3]);
    for (int i = 1; i < 4; i++)
        CHECK(ran_on[i] > 0);
    CHECK(count_from(&cap, EV_RUNQSTEAL, (size_t)at, -1, 0) + count_from(&cap, EV_GLOBRUNQGET, (size_t)at, -1, 0) >
          0);
    capture_free(&cap);
    sim_result_free(&res);
}

/* ---- sync.Mutex starvation ----
 * main holds the mutex for 5ms while a waiter queues; a waiter that waited
 * more than 1ms (starvationThresholdNs) switches the mutex to starvation
 * mode, and the next unlock hands it off directly. */
enum { SM_SPIN = 0, SM_WOKEN = 1, SM_STARVING = 2, SM_HANDOFF = 3 };

static void mutex_waiter_past_1ms_starves_and_unlock_hands_off(void) {
    sb_begin(&sc, 2);
    int mu = sb_mutex(&sc, "mu");
    int wg = sb_wg(&sc, "wg");
    int waiter = sb_body(&sc, "waiter");
    sb_op(&sc, OP_LOCK, mu, 0);
    sb_mark(&sc, "waiter");
    sb_op(&sc, OP_UNLOCK, mu, 0);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    int barger = sb_body(&sc, "barger");
    sb_open(&sc, OP_LOOP, 0, 50);
    sb_op(&sc, OP_LOCK, mu, 0);
    sb_op(&sc, OP_WORK, 0, 100000);
    sb_op(&sc, OP_UNLOCK, mu, 0);
    sb_close(&sc);
    sb_mark(&sc, "barger");
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 3);
    sb_op(&sc, OP_GO, barger, 2);
    sb_op(&sc, OP_SLEEP, 0, 10000);
    sb_op(&sc, OP_GO, waiter, 1);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    capture cap = {0};
    sim_result res;
    CHECK_EQ(run_captured(3, &cap, &res), OUT_OK);
    long starve = -1;
    for (size_t i = 0; i < cap.n && starve < 0; i++)
        if (cap.ev[i].kind == EV_SYNCMUTEX && cap.ev[i].a[2] == SM_STARVING)
            starve = (long)i;
    CHECK(starve >= 0);
    CHECK(count_from(&cap, EV_SYNCMUTEX, (size_t)starve, 2, SM_HANDOFF) > 0);
    CHECK_EQ(res.nmarks, 3);
    capture_free(&cap);
    sim_result_free(&res);
}

/* ---- select with default ----
 * Nothing ready: the default case runs (how 2).  A buffered value ready:
 * the receive case is taken when polled (how 0), never the default. */
enum { SEL_POLLED = 0, SEL_WOKEN = 1, SEL_DEFAULT = 2 };

static void build_select_default(bool ready) {
    sb_begin(&sc, 1);
    int c = sb_chan(&sc, "c", 1);
    sb_main(&sc);
    if (ready)
        sb_op(&sc, OP_SEND, c, 0);
    sb_open(&sc, OP_SELECT, 0, 0);
    sb_open(&sc, OP_CASE, c, CASE_RECV);
    sb_mark(&sc, "received");
    sb_close(&sc);
    sb_open(&sc, OP_CASE, 0, CASE_DEFAULT);
    sb_mark(&sc, "default");
    sb_close(&sc);
    sb_close(&sc);
    sb_end_body(&sc);
}

static void select_with_default_takes_default_only_when_nothing_is_ready(void) {
    for (int ready = 0; ready <= 1; ready++) {
        build_select_default(ready);
        capture cap = {0};
        sim_result res;
        CHECK_EQ(run_captured(1, &cap, &res), OUT_OK);
        long s = capture_find(&cap, EV_SELECT, 0);
        CHECK(s >= 0);
        CHECK_EQ(cap.ev[s].a[2], ready ? SEL_POLLED : SEL_DEFAULT);
        CHECK_EQ(cap.ev[s].a[1], 1);   /* one case besides default (selectgo never sees default) */
        CHECK_EQ(res.nmarks, 1);
        CHECK_STR(sc.labels[res.marks[0]], ready ? "received" : "default");
        capture_free(&cap);
        sim_result_free(&res);
    }
}

/* ---- exitsyscall and retake with two Ps ----
 * A long blocking syscall (30ms) while another G computes: sysmon retakes
 * the P in the syscall (kind 1) and hands it off; the syscall's return then
 * cannot use its old P.  A short one (1us) returns on its own P (path 0). */
enum { EXIT_FAST_OLDP = 0, EXIT_FAST_PIDLE = 1, EXIT_SLOW = 2 };

static void exitsyscall_and_retake_with_two_ps(void) {
    sb_begin(&sc, 2);
    int wg = sb_wg(&sc, "wg");
    int sys = sb_body(&sc, "sys");
    sb_op(&sc, OP_SYSCALL, 0, 1000);
    sb_op(&sc, OP_SYSCALL, 0, 30000000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    int busy = sb_body(&sc, "busy");
    sb_op(&sc, OP_WORK, 0, 40000000);
    sb_op(&sc, OP_WGDONE, wg, 0);
    sb_end_body(&sc);
    sb_main(&sc);
    sb_op(&sc, OP_WGADD, wg, 3);
    sb_op(&sc, OP_GO, busy, 2);
    sb_op(&sc, OP_GO, sys, 1);
    sb_op(&sc, OP_WGWAIT, wg, 0);
    sb_end_body(&sc);
    capture cap = {0};
    sim_result res;
    CHECK_EQ(run_captured(2, &cap, &res), OUT_OK);
    /* The syscall G's two exits, in order. */
    uint32_t paths[2], n = 0, sysg = 0;
    long retake = -1;
    for (size_t i = 0; i < cap.n; i++) {
        const tr_event *e = &cap.ev[i];
        if (e->kind == EV_ENTERSYSCALL && sysg == 0)
            sysg = e->a[0];
        if (e->kind == EV_EXITSYSCALL && e->a[0] == sysg && n < 2)
            paths[n++] = e->a[1];
        if (e->kind == EV_RETAKE && e->a[1] == 1 && retake < 0)
            retake = (long)i;
    }
    CHECK(sysg != 0);
    CHECK_EQ(n, 2);
    CHECK_EQ(paths[0], EXIT_FAST_OLDP);   /* 1us: its P was still its own */
    CHECK(retake >= 0);                    /* 30ms: sysmon took the P */
    CHECK(paths[1] != EXIT_FAST_OLDP);     /* so the exit could not keep it */
    CHECK(count_from(&cap, EV_HANDOFFP, (size_t)retake, -1, 0) > 0);
    capture_free(&cap);
    sim_result_free(&res);
}

#define TESTS(X)                                                         \
    X(procresize_shrink_moves_a_loaded_ps_work_in_go_order)              \
    X(procresize_grow_under_load_puts_the_new_ps_to_work)                \
    X(mutex_waiter_past_1ms_starves_and_unlock_hands_off)                \
    X(select_with_default_takes_default_only_when_nothing_is_ready)      \
    X(exitsyscall_and_retake_with_two_ps)
#include "../unit.h"
