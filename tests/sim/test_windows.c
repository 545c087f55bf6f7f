/*
 * tests/sim/test_windows.c: Go 1.19's lost-wakeup windows are reached, are
 * reported by the strict work-conservation check, and are not violations
 * of the promise Go 1.19 actually makes (docs/invariants.md, "Work
 * conservation").
 *
 *   test_windows DIR NAME WINDOW BUDGET STALL PREEMPT JITTER_NS
 *
 * Runs DIR/NAME.gmp with seeds 1..BUDGET (OS stalls 1/STALL, injected
 * preemptions 1/PREEMPT, JITTER_NS of jitter, checking on) until a run
 *   - fails work-conservation under --strict-work, and
 *   - in that same run (checking does not change the schedule) withdrew
 *     Go's promise in WINDOW (phantom, unchecked_idler, global_recheck,
 *     dying_credit:
 *     the runtime's checking-only rt_withdrawals counter), and
 *   - ends ok under the default check.
 * Fails if no seed within the budget does all three.  Prints the seed and
 * the `gmpsim run` flags that reproduce it.  A search, not a pinned seed:
 * model changes move the window to other seeds, not out of reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/invariant.h"
#include "tests/sim/search.h"

static const char *const window_names[RT_WINDOW__COUNT] = {
    [RT_WINDOW_PHANTOM] = "phantom",
    [RT_WINDOW_UNCHECKED_IDLER] = "unchecked_idler",
    [RT_WINDOW_GLOBAL_RECHECK] = "global_recheck",
    [RT_WINDOW_DYING_CREDIT] = "dying_credit",
};

static void config(sim_config *cfg, uint64_t seed, uint32_t stall, uint32_t preempt, uint32_t jitter, bool strict) {
    search_config(cfg, seed, stall, preempt, jitter);
    cfg->strict_work = strict;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: test_windows DIR NAME WINDOW BUDGET STALL PREEMPT JITTER_NS\n");
        return 64;
    }
    int window = -1;
    for (int w = 0; w < RT_WINDOW__COUNT; w++)
        if (strcmp(argv[3], window_names[w]) == 0)
            window = w;
    long budget = atol(argv[4]);
    uint32_t stall = (uint32_t)atol(argv[5]), preempt = (uint32_t)atol(argv[6]), jitter = (uint32_t)atol(argv[7]);
    if (window < 0 || budget <= 0) {
        fprintf(stderr, "test_windows: bad window or budget\n");
        return 64;
    }
    static scenario sc;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.gmp", argv[1], argv[2]);
    search_load(path, &sc);
    long strict_hits = 0;
    for (long seed = 1; seed <= budget; seed++) {
        sim_config cfg;
        sim_result r;
        config(&cfg, (uint64_t)seed, stall, preempt, jitter, true);
        int o = sim_run(&sc, &cfg, &r);
        bool strict_fail = o == OUT_INVARIANT && r.invariant == INV_WORK_CONSERVATION;
        uint64_t seq = r.violation_seq;
        sim_result_free(&r);
        if (!strict_fail)
            continue;
        strict_hits++;
        config(&cfg, (uint64_t)seed, stall, preempt, jitter, false);
        o = sim_run(&sc, &cfg, &r);
        sim_result_free(&r);
        if (rt_withdrawals[window] == 0 || o != OUT_OK)
            continue;
        printf("%s: window %s reached with --seed %ld (strict check: work-conservation at event %llu; default "
               "check: ok); reproduce: gmpsim run %s --check --strict-work --seed %ld --stall-rate %u "
               "--preempt-rate %u --jitter %uns --vt-limit 10s\n",
               argv[2], argv[3], seed, (unsigned long long)seq, path, seed, stall, preempt, jitter);
        return 0;
    }
    fprintf(stderr, "%s: window %s not reached in %ld seeds (%ld strict work-conservation reports elsewhere)\n",
            argv[2], argv[3], budget, strict_hits);
    return 1;
}
