/*
 * tests/sim/test_bounded_wait.c: Go 1.19 lets a G queued on a P whose M
 * is descheduled wait for any number of other Ps' schedule() calls, and
 * the bounded-wait invariant allows it (issue 15, the bounded-wait alarm
 * in a random spawn-storm scenario under PCT).
 *
 *   test_bounded_wait NAME.gmp BUDGET PCT_DEPTH PREEMPT
 *
 * The old bound counted schedule() calls of the whole system since a G
 * became runnable (10000 + 100 per G).  But only the P holding a queued G
 * (or a spinner, and no M spins while every P has local work) can run it:
 * while that P's M does not run, the others schedule without limit.  The
 * invariant now counts the holding P's schedticks (docs/invariants.md).
 *
 * Runs seeds 1..BUDGET under PCT with checking on and a watch (a
 * registered invariant that always holds) that looks, at every check,
 * for a G in a P's local queue or runnext that has waited more than the
 * old bound in system-wide schedule() calls since it became runnable,
 * and notes how many schedticks its P made meanwhile (from the state)
 * and how many executes that do not inherit a time slice the trace shows
 * on that P in that time (from the events).  Succeeds at the first run
 * with such a G whose P made at most the new local bound of ticks (by
 * both counts), that passes every invariant.  Fails if a run violates an
 * invariant, or no seed within the budget shows the wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime2.h"
#include "sim/invariant.h"
#include "tests/sim/search.h"
#include "traces/capture.h"

enum { MAXG = 1 << 16, LOCAL_BOUND = RUNQ_LEN + (RUNQ_LEN + 60) / 61 + 1 };

/* Per G (allgidx): the runnable spell and P it was first seen queued on,
 * that P's schedtick then, and the trace length then.  Per run. */
typedef struct seen {
    uint64_t spell;   /* g.runnable_sched + 1 (0: none) */
    int32_t p;
    uint32_t tick0;
    size_t ev0;
} seen;

static struct {
    tr_capture cap;
    seen s[MAXG];
    bool hit;
    long goid;
    int32_t p;
    uint64_t waited, old_bound;
    uint32_t ticks;
    size_t ev0, ev1;
} w;

static void note_queued(const g *gp, int32_t pid) {
    if (gp->allgidx >= MAXG)
        return;
    seen *s = &w.s[gp->allgidx];
    if (s->spell != gp->runnable_sched + 1 || s->p != pid)
        *s = (seen){gp->runnable_sched + 1, pid, allp[pid]->schedtick, w.cap.n};
    uint64_t waited = sched.nschedule - gp->runnable_sched;
    uint64_t old_bound = 10000 + 100ull * allglen;
    if (!w.hit && waited > old_bound) {
        w.hit = true;
        w.goid = gp->goid;
        w.p = pid;
        w.waited = waited;
        w.old_bound = old_bound;
        w.ticks = allp[pid]->schedtick - s->tick0;
        w.ev0 = s->ev0;
        w.ev1 = w.cap.n;
    }
}

static bool watch(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)v;
    (void)ctx;
    (void)why;
    (void)why_len;
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        for (uint32_t h = pp->runqhead; h != pp->runqtail && h - pp->runqhead <= RUNQ_LEN; h++)
            note_queued(pp->runq[h % RUNQ_LEN], i);
        if (pp->runnext != NULL)
            note_queued(pp->runnext, i);
    }
    return true;
}

/* Executes on P pid that did not inherit a time slice, in events [a, b). */
static uint32_t ticks_in_trace(int32_t pid, size_t a, size_t b) {
    uint32_t n = 0;
    for (size_t i = a; i < b && i < w.cap.n; i++)
        n += w.cap.ev[i].kind == EV_EXECUTE && w.cap.ev[i].p == pid && w.cap.ev[i].a[2] == 0;
    return n;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: test_bounded_wait NAME.gmp BUDGET PCT_DEPTH PREEMPT\n");
        return 64;
    }
    static scenario sc;
    search_load(argv[1], &sc);
    long budget = atol(argv[2]);
    int depth = atoi(argv[3]);
    uint32_t preempt = (uint32_t)atol(argv[4]);
    gmp_invariant_register("old-bound-watch", watch, NULL);
    for (long seed = 1; seed <= budget; seed++) {
        sim_config cfg;
        search_config(&cfg, (uint64_t)seed, 0, preempt, 0);
        cfg.strategy = STRAT_PCT;
        cfg.pct_depth = depth;
        memset(&w, 0, sizeof w);
        cfg.sinks[cfg.nsinks++] = tr_capture_sink(&w.cap);
        sim_result r;
        int o = sim_run(&sc, &cfg, &r);
        uint32_t traced = w.hit && !w.cap.lost ? ticks_in_trace(w.p, w.ev0, w.ev1) : UINT32_MAX;
        tr_capture_free(&w.cap);
        if (o == OUT_INVARIANT) {
            fprintf(stderr, "seed %ld: %s (event %llu)\n", seed, r.message, (unsigned long long)r.violation_seq);
            sim_result_free(&r);
            return 1;
        }
        sim_result_free(&r);
        if (o == OUT_OK && w.hit && w.ticks <= LOCAL_BOUND && traced <= LOCAL_BOUND) {
            printf("%s: --seed %ld --strategy pct:%d --preempt-rate %u: G%ld queued on P%d waited %llu schedule() "
                   "calls (old bound %llu) while P%d made %u schedticks (%u non-inheriting executes in the trace; "
                   "bound %d); every invariant holds\n",
                   argv[1], seed, depth, preempt, w.goid, w.p, (unsigned long long)w.waited,
                   (unsigned long long)w.old_bound, w.p, w.ticks, traced, LOCAL_BOUND);
            return 0;
        }
    }
    fprintf(stderr, "%s: no run within %ld seeds queued a G past the old bound\n", argv[1], budget);
    return 1;
}
