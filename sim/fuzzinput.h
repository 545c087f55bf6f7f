/*
 * sim/fuzzinput.h: the fuzz/sim_run harness's input, as a scenario and a
 * configuration.  One decoder for the harness (fuzz/sim_run), `gmpsim run
 * --fuzz-input` and `gmpsim fmt-input`, so a fuzzer's finding runs the
 * same outside the fuzzer.
 *
 * Input layout (every byte string is valid):
 *   byte 0      GOMAXPROCS override: 0 = the scenario's, else 1 + b % 8
 *   byte 1      strategy (b % 4: time order, time order, PCT, round robin)
 *               and PCT depth 1 + (b >> 2) % 4
 *   byte 2      OS stall rate: 0 off, else 1 in (4 + b % 61)
 *   byte 3      preemption rate: 0 off, else 1 in (2 + b % 31)
 *   bytes 4-5   L, little-endian: the scenario's length
 *   L bytes     the scenario, binary form (sc_decode is total)
 *   the rest    the choice source (bytes producer)
 *
 * Ownership: the decoded configuration points into data (cfg->bytes), so
 * data must outlive the run.
 */
#ifndef GMP_SIM_FUZZINPUT_H
#define GMP_SIM_FUZZINPUT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"
#include "sim/sim.h"

/* The harness's caps: checking costs O(goroutines) per event, so a run is
 * kept small; past either cap it ends 'resource' or 'budget'. */
enum { SIM_FUZZ_MAX_GS = 512, SIM_FUZZ_MAX_EVENTS = 100000 };

typedef struct sim_fuzz_input {
    size_t scenario_off, scenario_len;   /* the scenario's bytes in data */
    size_t choices_off, choices_len;     /* the choice bytes in data */
} sim_fuzz_input;

/* Decode data into sc and cfg (a default configuration with the harness's
 * settings: checking on, its budgets and caps, the header's choices, no
 * mutant).  Total: every byte string gives a valid scenario. */
void sim_fuzz_input_decode(const uint8_t *data, size_t size, scenario *sc, sim_config *cfg,
                           sim_fuzz_input *layout);

/* The mutant GMPSIM_MUTANT names (MUT_NONE when unset or unknown): how the
 * harness is told which seeded bug to hunt. */
int sim_fuzz_mutant_from_env(void);

/* Does the harness keep this outcome as a crash? */
static inline int sim_fuzz_is_finding(int outcome) { return outcome == OUT_INVARIANT || outcome == OUT_HANG; }

#endif
