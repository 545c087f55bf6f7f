/*
 * fuzz/sim_run: the scheduler under a coverage-guided fuzzer.
 *
 * Input layout (every byte string is valid):
 *   byte 0      GOMAXPROCS override: 0 = the scenario's, else 1 + b % 8
 *   byte 1      strategy (b % 4: time order, time order, PCT, round robin) and PCT depth
 *   byte 2      OS stall rate: 0 off, else 1 in (4 + b % 61)
 *   byte 3      preemption rate: 0 off, else 1 in (2 + b % 31)
 *   bytes 4-5   L, little-endian: the scenario's length
 *   L bytes     the scenario, binary form (sc_decode is total)
 *   the rest    the choice source (bytes producer): every tie, stall,
 *               preemption and fastrand the run draws
 * Every invariant is checked after every event.  An invariant violation
 * or a hang aborts, so the fuzzer keeps the input as a crash; set
 * GMPSIM_MUTANT=NAME to hunt a seeded bug.
 *
 * Checking costs O(goroutines) per event, so a run is kept small: at most
 * FUZZ_MAX_GS goroutines (enough to overflow a local run queue into
 * runqputslow) and FUZZ_MAX_EVENTS events; past either the run ends as
 * 'resource' or 'budget', which are not findings.  Without the caps one
 * input with 3000 goroutines took 16 s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_MAX_GS = 512, FUZZ_MAX_EVENTS = 100000 };

static int mutant(void) {
    static int m = -1;
    if (m < 0) {
        const char *e = getenv("GMPSIM_MUTANT");
        m = e != NULL ? rt_mutant_by_name(e) : MUT_NONE;
        if (m < 0)
            m = MUT_NONE;
    }
    return m;
}

static uint8_t at(const uint8_t *data, size_t size, size_t i) { return i < size ? data[i] : 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static scenario sc;
    size_t len = (size_t)at(data, size, 4) | (size_t)at(data, size, 5) << 8;
    size_t off = size < 6 ? size : 6;
    if (len > size - off)
        len = size - off;
    sc_decode(data + off, len, &sc);
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    cfg.rt.mutant = mutant();
    cfg.vt_limit_ns = 2LL * 1000 * 1000 * 1000;
    cfg.max_schedules = 200000;
    cfg.max_events = FUZZ_MAX_EVENTS;
    cfg.rt.max_gs = FUZZ_MAX_GS;
    uint8_t b0 = at(data, size, 0), b1 = at(data, size, 1), b2 = at(data, size, 2), b3 = at(data, size, 3);
    cfg.rt.gomaxprocs = b0 ? 1 + b0 % 8 : 0;
    cfg.strategy = b1 % 4 == 2 ? STRAT_PCT : b1 % 4 == 3 ? STRAT_RR : STRAT_RANDOM;
    cfg.pct_depth = 1 + (b1 >> 2) % 4;
    cfg.stall_den = b2 ? 4 + b2 % 61 : 0;
    cfg.preempt_den = b3 ? 2 + b3 % 31 : 0;
    cfg.bytes = data + off + len;
    cfg.nbytes = size - off - len;
    sim_result res;
    int o = sim_run(&sc, &cfg, &res);
    if (o == OUT_INVARIANT || o == OUT_HANG) {
        fprintf(stderr, "gmpsim fuzz: %s: %s (event %llu)\n", sim_outcome_name(o), res.message,
                (unsigned long long)res.violation_seq);
        sim_result_free(&res);
        abort();
    }
    sim_result_free(&res);
    return 0;
}
