/*
 * fuzz/common/crash.h: how a harness reports a finding so crash grouping
 * tells the bugs apart.
 *
 * libFuzzer's dedup tokens, AFL++'s triage and ClusterFuzz(Lite)'s crash
 * state all group crashes by the top frames of the stack.  So each
 * invariant (each built-in, each oracle, registered ones together) and a
 * hang stop the process from a function of its own, never inlined:
 * gmpsim_crash_conservation, gmpsim_crash_oracle_p_ownership, ..., each
 * executing a trap instruction (SIGILL) in its own body.
 */
#ifndef GMP_FUZZ_CRASH_H
#define GMP_FUZZ_CRASH_H

#include "sim/sim.h"

/* Stop the process from the function of res's invariant (or hang). */
_Noreturn void gmp_fuzz_crash(const sim_result *res);

/* The function's name for an invariant id (and hang), for docs and tests. */
const char *gmp_fuzz_crash_site(const sim_result *res);

#endif
