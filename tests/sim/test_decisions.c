/*
 * tests/sim/test_decisions.c: every decision the runtime traces is made
 * somewhere.
 *
 *   test_decisions [RUNS_PER_SCENARIO]
 *
 * Runs every built-in scenario under RUNS_PER_SCENARIO (default 24)
 * configurations of the campaign mix (fz_mix_config, from a fixed seed)
 * and adds up the events of each kind.  Fails, naming the kinds, if a
 * kind outside the driver's own category (choices, marks, invariant
 * violations, the end) was never emitted: an event no scenario can reach
 * is either dead code in runtime/ or a gap in the built-in scenarios, and
 * either way the catalogue promises a decision nobody has seen recorded.
 * It also prints each kind's count, for docs/trace-format.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/campaign/campaign.h"
#include "sim/scenario.h"
#include "sim/sim.h"

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 24;
    if (runs <= 0) {
        fprintf(stderr, "usage: test_decisions [RUNS_PER_SCENARIO]\n");
        return 64;
    }
    static uint64_t total[EV__COUNT];
    static scenario sc;
    uint64_t rng = 0x15;   /* fixed: the test is deterministic */
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        sc_error err;
        if (!sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), &sc, &err)) {
            fprintf(stderr, "builtin:%s: %u:%u: %s\n", sc_builtins[i].name, err.line, err.col, err.msg);
            return 1;
        }
        for (int r = 0; r < runs; r++) {
            sim_config cfg;
            fz_mix_config(&rng, &cfg);
            sim_result res;
            sim_run(&sc, &cfg, &res);
            for (int k = 0; k < EV__COUNT; k++)
                total[k] += res.counts[k];
            sim_result_free(&res);
        }
    }
    int missing = 0;
    for (int k = 0; k < EV__COUNT; k++) {
        bool decision = tr_kinds[k].cat != TRC_DRV;
        printf("%-22s %12" PRIu64 "%s\n", tr_kinds[k].name, total[k],
               decision && total[k] == 0 ? "   NEVER EMITTED" : "");
        missing += decision && total[k] == 0;
    }
    if (missing > 0) {
        fprintf(stderr, "%d decision kind(s) never emitted across %zu built-in scenarios x %d campaign-mix runs\n",
                missing, sc_nbuiltins, runs);
        return 1;
    }
    printf("every decision kind emitted (%zu scenarios x %d runs)\n", sc_nbuiltins, runs);
    return 0;
}
