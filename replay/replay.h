/*
 * replay/replay.h: re-executing a recorded run from its trace file alone.
 *
 *   gmpsim replay TRACE [--at N] [--seed-only] [--tolerant]
 *
 * The trace's sections hold the scenario (text form) and the
 * configuration; its choice events hold every draw of the run.  Replay
 * rebuilds the run from them, feeding the recorded draws back through the
 * choice source (--seed-only: from the configuration's seed instead), and
 * compares the re-run with the file event by event while both stream: it
 * holds one window of each (a decoded chunk, a batch of draws, five events
 * of context), never a whole run, so memory does not grow with the trace.
 *
 * It prints the recorded outcome (invariant, the event where the run
 * ended) and whether the re-run reproduced it, then "identical" with the
 * digest, or the first event where the runs diverge with five events of
 * context on each side.  --tolerant does not stop there: the re-run goes
 * on with fresh draws, and replay reports how long the runs stayed
 * together and how the re-run ended.  --at N stops right after event N
 * and prints the scheduler state there.
 *
 * Exit: 0 identical (--tolerant: the recorded outcome reproduced), 9
 * diverged, 8 trace rejected (a CONF value out of its sim/conf.def range,
 * an M's time going backwards, any damage), 10 I/O error, 11 out of
 * memory (never reported as a divergence), 12 a plugin the recorded run
 * had is not loaded (sim/plugin.h).
 *
 * Ownership: one replay at a time per process (the simulator is global).
 */
#ifndef GMP_REPLAY_REPLAY_H
#define GMP_REPLAY_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"
#include "traces/flags.h"
#include "traces/tfile.h"

extern const cf_command rp_replay_command;

/* argv[0] is "replay". */
int rp_cmd_replay(int argc, char **argv);

typedef struct rp_opts {
    bool seed_only;          /* draws from the recorded seed, not the recorded draws */
    bool tolerant;           /* go on with fresh draws after a divergence */
    bool json;               /* one JSON document (docs/json.md) instead of text */
    bool at;                 /* stop after event at_seq and print the state */
    uint64_t at_seq;
    /* Bounds for untrusted input (the fuzz target): when non-zero, the
     * re-run's budgets are at most these, whatever the trace says. */
    uint64_t max_events, max_schedules;
    int64_t max_vt_ns;
    uint32_t max_gs;
} rp_opts;

/* Replay the trace rd (opened with TR_READ_TIMES, and best TR_READ_LAZY:
 * the comparison decodes the file once; see traces/tfile.h)
 * named name in messages.  Reports go to out, errors to errf (either may
 * be NULL: silent).  Returns the exit code. */
int rp_replay(tr_reader *rd, const char *name, const rp_opts *o, FILE *out, FILE *errf);

/* `run --check-determinism`: run sc twice with cfg and compare the runs
 * event by event.  Run 1 is recorded to a trace file under $TMPDIR that is
 * unlinked once open (in memory, compressed, if none can be made); run 2
 * is compared with it as it streams, and a difference is shown with five
 * events of context.  Exit 0 deterministic,
 * 9 not, 11 out of memory (never reported as nondeterminism). */
struct scenario;
int rp_check_determinism(const struct scenario *sc, const sim_config *cfg, FILE *out, FILE *errf);

#endif
