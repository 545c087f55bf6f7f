/*
 * fuzz/campaign/internal.h: what campaign.c (flags, run identities,
 * reproducers) and supervisor.c (worker processes) share.
 *
 * Ownership: the campaign struct belongs to the supervisor process; a
 * worker gets a copy at fork and only reads it.  A run is named by its
 * index: the scenario and configuration of run i derive from the campaign
 * seed and i alone (fz_derive_run), so the supervisor can rebuild any run a
 * worker reported, or died in, without the worker's help.
 */
#ifndef GMP_FUZZ_CAMPAIGN_INTERNAL_H
#define GMP_FUZZ_CAMPAIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"
#include "sim/sim.h"

enum {
    MAX_SCENARIOS = 128,
    MAX_JOBS = 64,
    MAX_SIGS = 256,             /* signatures listed in one campaign's summary */
    /* Campaign-level outcomes past the simulator's own (sim_outcome). */
    OUT_CRASH = OUT__COUNT,   /* the worker was killed by a signal (or exited) mid-run */
    OUT_TIMEOUT,              /* the run passed --run-timeout of wall-clock time */
    FZ_OUT__COUNT,
};

typedef struct named_sc {
    char name[64];
    scenario *sc;
} named_sc;

typedef struct campaign {
    named_sc scs[MAX_SCENARIOS];
    int nscs;
    const char *paths[MAX_SCENARIOS];   /* --scenario, loaded after the flags are parsed */
    int npaths;
    uint64_t seed;
    int mutant;
    int random_pct;
    double seconds;             /* 0: not given (60, or none with --runs) */
    uint64_t nruns;             /* --runs: 0 means until the time is up */
    uint64_t jobs;              /* --jobs: 0 means the number of cores */
    uint64_t run_timeout_ns;    /* --run-timeout */
    const char *out;
    char self_exe[4096];        /* this gmpsim, absolute (repro.sh runs it) */
    int strategy;               /* -1: mix all; else STRAT_* (with pct_depth) */
    bool until_failure;         /* stop at the first failure (time-to-find measurements) */
    uint64_t shard_i, shard_n;  /* --shard I/N: this campaign's run r is run r*N+I of the search (N 0: none) */
    bool json;                  /* --json: the summary document on stdout, all text on stderr */
    FILE *json_out;             /* with --json: the real standard output (fz_cmd_campaign) */
    int pct_depth;
    /* stats (supervisor) */
    uint64_t runs, checks, events, failures, written;
    double first_failure_s;     /* wall time to the first failure */
    uint64_t first_failure_run;
    uint64_t outcomes[FZ_OUT__COUNT];
    struct {
        char name[200];
        uint64_t hits;          /* in this campaign */
        bool is_new;            /* first seen by this campaign */
    } sigs[MAX_SIGS];
    int nsigs;
    bool interrupted;           /* SIGINT or SIGTERM ended it */
    int stop_signal;
} campaign;

/* What a worker reports about one finished run (one pipe write, atomic). */
typedef struct fz_report {
    uint64_t run;
    int32_t outcome;            /* OUT_*, OUT_CRASH, OUT_TIMEOUT */
    int32_t invariant;
    uint64_t violation_seq, events, checks, digest;
    int32_t signal;             /* OUT_CRASH: the signal that killed the worker, or 0 */
    int32_t site_kind;          /* the decision site (sim_result.site_*), -1: none */
    char site_fn[48];
    char message[SIM_MSG_LEN];
} fz_report;

/* The scenario and configuration of run `run`.  A random scenario is
 * decoded into *rnd.  name gets the scenario's name. */
/* The run of the whole search that this campaign's run is (--shard). */
static inline uint64_t fz_search_run(const campaign *c, uint64_t run) {
    return c->shard_n > 1 ? run * c->shard_n + c->shard_i : run;
}
const scenario *fz_derive_run(const campaign *c, uint64_t run, scenario *rnd, char *name, size_t name_len,
                              sim_config *cfg);

/* Is this outcome a finding? */
bool fz_is_failure(int outcome);
const char *fz_outcome_name(int outcome);

/* The supervisor: run the campaign in worker processes; fills c's stats
 * and calls fz_found for every finding.  Returns when the runs or the time
 * are spent, at the first failure with --until-failure, or at SIGINT/SIGTERM. */
void fz_supervise(campaign *c);

/* A finding: write its reproducer (campaign.c). */
void fz_found(campaign *c, const fz_report *r);

/* Run fn(arg, fd) in a forked child; what it writes to fd (up to outlen
 * bytes) lands in out.  The child is killed after timeout_ns.  Returns 0
 * when out was filled, 1 when it was killed for time, 2 when it ended
 * without filling out, -1 when it could not start; *status is waitpid's. */
int fz_in_child(void (*fn)(void *arg, int fd), void *arg, void *out, size_t outlen, uint64_t timeout_ns,
                int *status);

/* Monotonic seconds. */
double fz_wall_s(void);

#endif
