/*
 * tests/sim/search.h: shared by the tests that search seeds for a window
 * of docs/invariants.md (test_windows, test_dying_credit,
 * test_stolen_fresh, test_bounded_wait): load the scenario, and the
 * checking configuration of one run.
 */
#ifndef GMP_TESTS_SIM_SEARCH_H
#define GMP_TESTS_SIM_SEARCH_H

#include <stdio.h>
#include <stdlib.h>

#include "sim/scenario.h"
#include "sim/sim.h"

/* Parse path into sc, or say why and exit 1. */
static inline void search_load(const char *path, scenario *sc) {
    sc_error err;
    if (!sc_parse_file(path, sc, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", path, err.line, err.col, err.msg);
        exit(1);
    }
}

/* Checking on, 10 s of virtual time, the given OS stalls (1/stall per
 * switch point), injected preemptions (1/preempt) and jitter. */
static inline void search_config(sim_config *cfg, uint64_t seed, uint32_t stall, uint32_t preempt,
                                 uint32_t jitter_ns) {
    sim_config_default(cfg);
    cfg->seed = seed;
    cfg->check = true;
    cfg->stall_den = stall;
    cfg->preempt_den = preempt;
    cfg->jitter_ns = jitter_ns;
    cfg->vt_limit_ns = 10LL * 1000 * 1000 * 1000;
}

#endif
