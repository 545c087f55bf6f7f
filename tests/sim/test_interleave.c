/*
 * tests/sim/test_interleave.c: how often another M runs.
 *
 *   test_interleave [RUNS]
 *
 * For the built-in scenarios that run on more than one P, and for each
 * way of running them (the default strategy, pct:3, round robin, the
 * campaign mix, the fuzzers' inputs), prints the fraction of yield points
 * after which another thread (M) ran instead of the one that yielded.
 * Fails if the campaign mix or the fuzzers switch at fewer than 5% of yield
 * points: a search that rarely interleaves Ms explores little of what
 * several Ps can do.  The default strategy is reported, not held to it:
 * it keeps Go-like timing (time order, no stalls), where an M runs until
 * another is due.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/campaign/campaign.h"
#include "sim/fuzzinput.h"
#include "sim/scenario.h"
#include "sim/sim.h"

enum { MODE_DEFAULT, MODE_PCT3, MODE_RR, MODE_CAMPAIGN, MODE_FUZZ, MODE__COUNT };
static const char *const mode_names[MODE__COUNT] = {"default (random, time order)", "pct:3", "rr",
                                                    "campaign mix", "fuzzer inputs"};

typedef struct tally {
    uint64_t yields, switches, runs;
} tally;
static tally tallies[MODE__COUNT];

static void add(int mode, const scenario *sc, const sim_config *cfg) {
    sim_result r;
    sim_run(sc, cfg, &r);
    tallies[mode].yields += r.yield_points;
    tallies[mode].switches += r.yield_switches;
    tallies[mode].runs++;
    sim_result_free(&r);
}

static bool multi_p(const scenario *sc, const sim_config *cfg) {
    int32_t procs = cfg->rt.gomaxprocs > 0 ? cfg->rt.gomaxprocs : sc->gomaxprocs;
    return procs > 1 || sc_start_procs(sc) > 1;
}

static void run_builtins(int runs) {
    static scenario sc;
    uint64_t rng = 0x11;   /* fixed: the test is deterministic */
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        sc_error err;
        if (!sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), &sc, &err))
            exit(1);
        sim_config cfg;
        sim_config_default(&cfg);
        if (!multi_p(&sc, &cfg))
            continue;
        for (int s = 1; s <= runs; s++) {
            sim_config_default(&cfg);
            cfg.seed = (uint64_t)s;
            add(MODE_DEFAULT, &sc, &cfg);
            cfg.strategy = STRAT_PCT;
            cfg.pct_depth = 3;
            add(MODE_PCT3, &sc, &cfg);
            cfg.strategy = STRAT_RR;
            add(MODE_RR, &sc, &cfg);
            fz_mix_config(&rng, &cfg);
            if (multi_p(&sc, &cfg))
                add(MODE_CAMPAIGN, &sc, &cfg);
        }
    }
}

/* The fuzzers' configurations come from their input bytes: random ones. */
static void run_fuzz_inputs(int runs) {
    static scenario sc;
    uint64_t rng = 0x22;
    uint8_t data[256];
    for (int n = 0, tries = 0; n < runs * 8 && tries < runs * 100; tries++) {
        for (size_t k = 0; k < sizeof data; k++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            data[k] = (uint8_t)(rng >> 56);
        }
        sim_config cfg;
        sim_fuzz_input_decode(data, sizeof data, &sc, &cfg, NULL);
        if (!multi_p(&sc, &cfg))
            continue;
        add(MODE_FUZZ, &sc, &cfg);
        n++;
    }
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    if (runs <= 0) {
        fprintf(stderr, "usage: test_interleave [RUNS]\n");
        return 64;
    }
    run_builtins(runs);
    run_fuzz_inputs(runs);
    int bad = 0;
    for (int m = 0; m < MODE__COUNT; m++) {
        const tally *t = &tallies[m];
        double f = t->yields ? 100.0 * (double)t->switches / (double)t->yields : 0;
        bool held = m == MODE_CAMPAIGN || m == MODE_FUZZ;
        printf("%-30s %6" PRIu64 " runs %12" PRIu64 " yield points: another M ran at %6.2f%%%s\n",
               mode_names[m], t->runs, t->yields, f, held && f < 5.0 ? "   BELOW 5%" : "");
        bad += held && (t->runs == 0 || f < 5.0);
    }
    return bad ? 1 : 0;
}
