/*
 * tests/sim/test_dying_credit.c: Go 1.19's fourth lost-wakeup window, the
 * dying credit (issue 15's three mutex_contention alarms), is reached and
 * withdraws Go's promise (docs/invariants.md, "The five alarms of issue 15").
 *
 *   test_dying_credit NAME.gmp BUDGET STALL PREEMPT JITTER_NS
 *
 * startm(nil, spinning) that finds no idle P unlocks sched.lock and only
 * then drops its caller's nmspinning credit; a wakep in between sees
 * nmspinning != 0 and wakes nobody.  Runs seeds 1..BUDGET with checking on
 * and succeeds at the first run that
 *   - shows the window in its trace: a `startm_nop` with spinning=1 by M_A,
 *     then, before M_A's next event, a `wakep_decline` by another M with
 *     npidle > 0 and why = 1 (an M spins);
 *   - withdrew Go's promise in that window (the checking-only counter
 *     rt_withdrawals[RT_WINDOW_DYING_CREDIT]), i.e. promised work was
 *     queued when the wakep declined;
 *   - passes every invariant.
 * Fails if no seed within the budget does all three.  Prints the seed, and
 * whether --strict-work reports that run (it reports the gap only if a
 * quiescent point falls inside it before another M finds the work; the
 * campaign reproducers did, see docs/invariants.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/invariant.h"
#include "tests/sim/search.h"
#include "traces/capture.h"

/* The index of the first wakep_decline inside a dying-credit window, or 0. */
static size_t find_window(const tr_capture *c) {
    for (size_t i = 0; i < c->n; i++) {
        const tr_event *nop = &c->ev[i];
        if (nop->kind != EV_STARTM_NOP || nop->a[2] != 1)
            continue;
        for (size_t j = i + 1; j < c->n; j++) {
            const tr_event *e = &c->ev[j];
            if (e->m == nop->m && e->kind != EV_CHOICE)
                break;   /* M_A moved on: the credit is gone */
            if (e->kind == EV_WAKEP_DECLINE && e->m != nop->m && e->a[0] > 0 && e->a[2] == 1)
                return j;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: test_dying_credit NAME.gmp BUDGET STALL PREEMPT JITTER_NS\n");
        return 64;
    }
    static scenario sc;
    search_load(argv[1], &sc);
    long budget = atol(argv[2]);
    uint32_t stall = (uint32_t)atol(argv[3]), preempt = (uint32_t)atol(argv[4]), jitter = (uint32_t)atol(argv[5]);
    long windows = 0;
    for (long seed = 1; seed <= budget; seed++) {
        sim_config cfg;
        search_config(&cfg, (uint64_t)seed, stall, preempt, jitter);
        tr_capture cap = {0};
        cfg.sinks[cfg.nsinks++] = tr_capture_sink(&cap);
        sim_result r;
        int o = sim_run(&sc, &cfg, &r);
        uint64_t withdrawn = rt_withdrawals[RT_WINDOW_DYING_CREDIT];
        size_t at = cap.lost ? 0 : find_window(&cap);
        tr_capture_free(&cap);
        if (o == OUT_INVARIANT) {
            fprintf(stderr, "seed %ld: %s (event %llu)\n", seed, r.message, (unsigned long long)r.violation_seq);
            sim_result_free(&r);
            return 1;
        }
        sim_result_free(&r);
        windows += at != 0;
        if (at == 0 || withdrawn == 0 || o != OUT_OK)
            continue;
        search_config(&cfg, (uint64_t)seed, stall, preempt, jitter);
        cfg.strict_work = true;
        int strict = sim_run(&sc, &cfg, &r);
        bool reported = strict == OUT_INVARIANT && r.invariant == INV_WORK_CONSERVATION;
        sim_result_free(&r);
        printf("%s: dying-credit window reached with --seed %ld --stall-rate %u --preempt-rate %u --jitter %uns "
               "(wakep_decline at event %zu, promise withdrawn, every invariant holds; --strict-work: %s)\n",
               argv[1], seed, stall, preempt, jitter, at, reported ? "reported" : "not reported in this run");
        return 0;
    }
    fprintf(stderr, "%s: no run within %ld seeds withdrew the promise in a dying-credit window (%ld reached it)\n",
            argv[1], budget, windows);
    return 1;
}
