/*
 * fuzz/common/state_feedback.h: scheduler situations as coverage.
 *
 * Code coverage barely sees the interesting inputs of fuzz/sim_run: new
 * scheduler situations reached by the same lines.  So each trace event
 * also bumps one counter for the abstract state it happened in:
 *   event kind x its P's local run queue length (0, 1, 2-3, 4-15, 16+)
 *   x idle Ps (0..3+) x spinning Ms (0..2+) x Ps in a system call (0..2+)
 * (69 kinds x 180 states).  libFuzzer sees the counters as extra coverage
 * (the __libfuzzer_extra_counters section); an AFL++ build (afl-clang-fast)
 * adds them into AFL++'s shared map.  Opt-in: GMPSIM_STATE_FEEDBACK=1
 * switches them on.  Off by default because a first, short comparison
 * (docs/benchmarks.md, tests/bench/feedback_compare.sh) did not show them
 * finding the seeded bugs sooner.
 */
#ifndef GMP_FUZZ_STATE_FEEDBACK_H
#define GMP_FUZZ_STATE_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "traces/trace.h"

/* Whether the counters are on (GMPSIM_STATE_FEEDBACK=1; default off). */
bool gmp_state_feedback_on(void);

/* A sim_config.hook: count the state e happened in. */
void gmp_state_feedback_hook(void *ctx, uint64_t seq, const tr_event *e);

/* Distinct states counted so far in this process (for reports). */
uint32_t gmp_state_feedback_seen(void);

#endif
