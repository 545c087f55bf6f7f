/*
 * replay/replay.h: re-executing a recorded run from its trace file alone.
 *
 *   gmpsim replay TRACE [--at N] [--seed-only]
 *
 * The trace's sections hold the scenario (text form) and the
 * configuration; its choice events hold every draw of the run.  Replay
 * rebuilds the run from them, feeding the recorded draws back through the
 * choice source's replay producer (--seed-only: from the configuration's
 * seed instead), records the new run, and compares it with the file event
 * by event: it reports "identical" with the digest, or the first event
 * where the runs diverge, both sides printed.  --at N stops the re-run
 * right after event N and prints the scheduler state there.
 * Exit: 0 identical, 9 diverged, 8 trace rejected, 10 I/O error.
 */
#ifndef GMP_REPLAY_REPLAY_H
#define GMP_REPLAY_REPLAY_H

#include "traces/flags.h"

extern const cf_command rp_replay_command;

/* argv[0] is "replay". */
int rp_cmd_replay(int argc, char **argv);

#endif
