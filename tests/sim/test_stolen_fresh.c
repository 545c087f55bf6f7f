/*
 * tests/sim/test_stolen_fresh.c: a submitted G stolen and run before its
 * submitter leaves runqput is not left marked "fresh" (issue 15, the
 * select_fanin alarm: a checker false alarm, not a Go 1.19 window).
 *
 *   test_stolen_fresh NAME.gmp BUDGET STALL PREEMPT PROCS
 *
 * runqput publishes the new runnext with a CAS and then yields while it
 * queues the G it kicked out of runnext (that G is in the submitter's
 * hand, its m.xfer list, until queued), so another M can steal the new G
 * and run it before the submitter leaves runqput.  The work-conservation
 * bookkeeping used to mark the G fresh and promised after runqput, i.e.
 * on a G that had already run; once that G yielded back to a queue the
 * checker counted it as promised work.  Now fresh is set before runqput
 * (execute clears it) and the promise decided after, for a G still fresh.
 *
 * Runs seeds 1..BUDGET with checking on and two more invariants:
 *  - "fresh-is-runnable": a G marked fresh is _Grunnable (only runnable
 *    Gs are submitted, and execute clears the mark);
 *  - "window-watch", always true: records the window, an EXECUTE of G by
 *    one M after another M's RUNQPUT of G into runnext that kicked out K,
 *    with K still in that submitter's hand at the check after it.
 * Succeeds at the first run that reaches the window and passes every
 * invariant; fails at once if a run violates one, or if no seed within
 * the budget reaches the window.  Prints the seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime2.h"
#include "sim/invariant.h"
#include "tests/sim/search.h"
#include "traces/capture.h"

static bool fresh_is_runnable(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)v;
    (void)ctx;
    for (uint32_t i = 0; i < allglen; i++) {
        const g *gp = allgs[i];
        if (gp->fresh && gp->atomicstatus != _Grunnable) {
            snprintf(why, why_len, "G%ld is marked fresh (submitted, not yet run) but is %s", (long)gp->goid,
                     rt_gstatus_name(gp->atomicstatus));
            return false;
        }
    }
    return true;
}

enum { MAXM = 64 };

/* Per run: the capture so far, how much of it was read, and per M its
 * last runnext put that kicked a G (goid 0: none pending). */
typedef struct watch {
    tr_capture cap;
    size_t read;
    uint32_t put[MAXM], kicked[MAXM];
    uint32_t hit_g, hit_m;   /* the window, once reached */
} watch;

static bool in_hand(uint32_t mid, uint32_t goid) {
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->id == mid)
            for (uint32_t k = 0; k < mp->nxfer; k++)
                if ((uint32_t)mp->xfer[k]->goid == goid)
                    return true;
    return false;
}

static bool window_watch(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)v;
    (void)why;
    (void)why_len;
    watch *w = ctx;
    for (; w->read < w->cap.n; w->read++) {
        const tr_event *e = &w->cap.ev[w->read];
        if (e->m >= MAXM || e->kind == EV_CHOICE)
            continue;
        if (e->kind == EV_EXECUTE && w->hit_g == 0) {
            for (uint32_t a = 0; a < MAXM; a++)
                if (a != e->m && w->put[a] == e->a[0] && in_hand(a, w->kicked[a])) {
                    w->hit_g = e->a[0];
                    w->hit_m = a;
                }
        }
        w->put[e->m] = 0;   /* the M moved on */
        if (e->kind == EV_RUNQPUT && e->a[2] == 1 && e->a[1] != 0) {
            w->put[e->m] = e->a[0];
            w->kicked[e->m] = e->a[1];
        }
    }
    return true;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: test_stolen_fresh NAME.gmp BUDGET STALL PREEMPT PROCS\n");
        return 64;
    }
    static scenario sc;
    search_load(argv[1], &sc);
    long budget = atol(argv[2]);
    uint32_t stall = (uint32_t)atol(argv[3]), preempt = (uint32_t)atol(argv[4]);
    int32_t procs = (int32_t)atol(argv[5]);
    static watch w;
    gmp_invariant_register("fresh-is-runnable", fresh_is_runnable, NULL);
    gmp_invariant_register("window-watch", window_watch, &w);
    for (long seed = 1; seed <= budget; seed++) {
        sim_config cfg;
        search_config(&cfg, (uint64_t)seed, stall, preempt, 0);
        cfg.rt.gomaxprocs = procs;
        memset(&w, 0, sizeof w);
        cfg.sinks[cfg.nsinks++] = tr_capture_sink(&w.cap);
        sim_result r;
        int o = sim_run(&sc, &cfg, &r);
        tr_capture_free(&w.cap);
        if (o == OUT_INVARIANT) {
            fprintf(stderr, "seed %ld: %s (event %llu)\n", seed, r.message, (unsigned long long)r.violation_seq);
            sim_result_free(&r);
            return 1;
        }
        sim_result_free(&r);
        if (w.hit_g != 0 && o == OUT_OK) {
            printf("%s: G%u stolen and run while M%u was still inside runqput, --seed %ld --stall-rate %u "
                   "--preempt-rate %u --procs %d: every invariant holds\n",
                   argv[1], w.hit_g, w.hit_m, seed, stall, preempt, procs);
            return 0;
        }
    }
    fprintf(stderr, "%s: no run within %ld seeds stole a G while its submitter was inside runqput\n", argv[1],
            budget);
    return 1;
}
