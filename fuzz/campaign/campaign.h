/*
 * fuzz/campaign/campaign.h: bounded fuzzing campaigns and digest sweeps.
 *
 *   gmpsim campaign [--seconds N] [--runs N] [--jobs N] [--run-timeout D]
 *                   [--out DIR] [--seed S] [--mutant NAME]
 *                   [--scenario FILE|builtin:NAME]... [--random-share PCT]
 *                   [--strategy random|pct:D|rr] [--until-failure]
 *   gmpsim sweep    [--seeds N] [--random N] [--twice]
 *
 * A campaign runs scenarios (the built-in set, given files, and random
 * scenarios decoded from PRNG bytes) under mutated configurations
 * (GOMAXPROCS, strategy, OS stalls, injected preemptions), every invariant
 * checked after every event, until the time budget or --runs is spent.
 * The runs happen in worker processes (supervisor.c): a run that kills its
 * worker is a finding (outcome crash), so is one past --run-timeout
 * (outcome timeout).  Run i's scenario and configuration derive from the
 * seed and i alone, so --runs N gives the same runs with any --jobs.
 * Failing runs are grouped by signature in DIR/findings/<signature>/
 * (findings.h, docs/findings.md), merged across campaigns, with
 * DIR/summary.json and DIR/junit.xml, all written atomically.
 *
 * A sweep prints one digest line per (scenario, configuration) of a fixed
 * matrix, so builds and processes can be compared (determinism tests).
 */
#ifndef GMP_FUZZ_CAMPAIGN_H
#define GMP_FUZZ_CAMPAIGN_H

#include <stdint.h>

#include "sim/sim.h"
#include "traces/flags.h"

extern const cf_command fz_campaign_command, fz_sweep_command;

/* argv[0] is the command's name. */
int fz_cmd_campaign(int argc, char **argv);

/* The campaign mix: one run's configuration (checking on, the campaign's
 * budgets, a strategy, OS stalls, injected preemptions, jitter and maybe
 * another GOMAXPROCS), drawn from *rng, which it advances. */
void fz_mix_config(uint64_t *rng, sim_config *cfg);
int fz_cmd_sweep(int argc, char **argv);

#endif
