/*
 * tests/sim/test_check_incr.c: incremental checking catches exactly what
 * full checking catches, at the same event, with the same message.
 *
 *   test_check_incr N FILE...
 *
 * N fuzz inputs (sim/fuzzinput.h): the scenarios of the given inputs (the
 * harness's corpus) in turn, each with a random header (GOMAXPROCS,
 * strategy, stalls, preemption) and random choice bytes, and the seeded
 * bugs taken in turn (and none; not the test-only ones, which crash).  Each input runs three times:
 *   - comparing (CHECK_COMPARE): the incremental filter and every full check
 *     at every check point; a full failure the filter did not suspect is
 *     a miss, and there must be none;
 *   - incremental and full: same outcome, invariant, event number,
 *     message and trace digest.
 * Prints how many runs failed an invariant (the comparison has teeth only
 * if some do) and how many full walks incremental checking needed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "sim/fuzzinput.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void run_mode(const uint8_t *data, size_t n, int mutant, int mode, sim_result *res) {
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, n, &sc, &cfg, NULL);
    cfg.rt.mutant = mutant;
    cfg.check_mode = (uint8_t)mode;
    sim_run(&sc, &cfg, res);
}

enum { MAX_SEEDS = 256, MAX_INPUT = 4096 };
static uint8_t seeds[MAX_SEEDS][MAX_INPUT];
static size_t seedlen[MAX_SEEDS];

/* The header and scenario of a seed input (the choice bytes dropped). */
static size_t read_seed(const char *path, uint8_t *buf) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, MAX_INPUT / 2, f);
    fclose(f);
    if (n < 6)
        return 0;
    size_t keep = 6 + (size_t)(buf[4] | buf[5] << 8);
    return keep < n ? keep : n;
}

int main(int argc, char **argv) {
    long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    int nseeds = 0;
    for (int a = 2; a < argc && nseeds < MAX_SEEDS; a++)
        if ((seedlen[nseeds] = read_seed(argv[a], seeds[nseeds])) > 0)
            nseeds++;
    if (nseeds == 0) {
        fprintf(stderr, "usage: test_check_incr N CORPUS_FILE...\n");
        return 2;
    }
    uint64_t seed = 1, failures = 0, checks = 0, full = 0;
    uint8_t data[MAX_INPUT];
    for (long i = 0; i < runs; i++) {
        int b = (int)(i / MUT__COUNT % nseeds);
        size_t n = seedlen[b];
        memcpy(data, seeds[b], n);
        for (int k = 0; k < 4; k++)
            data[k] = (uint8_t)splitmix(&seed);
        size_t extra = splitmix(&seed) % 512;
        for (size_t k = 0; k < extra; k++)
            data[n++] = (uint8_t)splitmix(&seed);
        int mutant = (int)(i % MUT__COUNT);
        if (strncmp(rt_mutant_name(mutant), "test-", 5) == 0)
            mutant = MUT_NONE;   /* test-only mutants crash the process on purpose */
        sim_result cmp, inc, ful;
        run_mode(data, n, mutant, CHECK_COMPARE, &cmp);
        run_mode(data, n, mutant, CHECK_INCREMENTAL, &inc);
        run_mode(data, n, mutant, CHECK_FULL, &ful);
        bool same = inc.outcome == ful.outcome && inc.invariant == ful.invariant &&
                    inc.violation_seq == ful.violation_seq && inc.digest == ful.digest &&
                    strcmp(inc.message, ful.message) == 0;
        if (cmp.check_misses != 0 || !same) {
            fprintf(stderr, "run %ld (mutant %s): misses %" PRIu64 " (first at event %" PRIu64 ")\n"
                    "  incremental: %s at %" PRIu64 ": %s\n  full:        %s at %" PRIu64 ": %s\n", i,
                    rt_mutant_name(mutant), cmp.check_misses, cmp.check_first_miss, sim_outcome_name(inc.outcome),
                    inc.violation_seq, inc.message, sim_outcome_name(ful.outcome), ful.violation_seq, ful.message);
            return 1;
        }
        failures += inc.outcome == OUT_INVARIANT;
        checks += inc.checks;
        full += inc.full_checks;
        sim_result_free(&cmp);
        sim_result_free(&inc);
        sim_result_free(&ful);
    }
    printf("%ld runs: %" PRIu64 " invariant failures, identical under both; incremental: %" PRIu64
           " checks, %" PRIu64 " full walks\n", runs, failures, checks, full);
    return failures > 0 ? 0 : 1;
}
