/*
 * cmd/search.c: `gmpsim search SCENARIO`: explore one scenario's schedules
 * until the first failure, within a number of runs or seconds.
 *
 * Each run is the scenario under checking (every invariant and oracle)
 * with run i's own seed and one strategy.  The first failing run is
 * printed with the exact `gmpsim run` command that reproduces it.  After
 * a clean PCT search it prints the probability bound PCT gives: a run
 * finds a given bug of depth d with probability at least
 * p = 1/(n * k^(d-1)) (n threads, k steps), so R clean runs miss it with
 * probability at most (1 - p)^R.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "sim/conf.h"
#include "sim/invariant.h"
#include "sim/sim.h"

typedef struct search_opts {
    uint64_t runs;
    uint64_t seconds;
    uint64_t seed;
    uint64_t procs;
    int64_t stall_rate;    /* -1: the strategy's default */
    int strategy, pct_depth;
    int mutant;
} search_opts;

static bool set_strategy(void *opts, const char *v, char *why, size_t why_len) {
    search_opts *o = opts;
    sim_config cfg;
    if (!sim_conf_parse_one("strategy", v, &cfg, why, why_len))
        return false;
    o->strategy = cfg.strategy, o->pct_depth = cfg.pct_depth;
    return true;
}

static bool set_mutant(void *opts, const char *v, char *why, size_t why_len) {
    sim_config cfg;
    if (!sim_conf_parse_one("mutant", v, &cfg, why, why_len))
        return false;
    ((search_opts *)opts)->mutant = cfg.rt.mutant;
    return true;
}

static bool set_stall_rate(void *opts, const char *v, char *why, size_t why_len) {
    static const cf_range r = {0, UINT32_MAX};
    uint64_t n;
    if (!cf_parse_uint(v, &r, &n, why, why_len))
        return false;
    ((search_opts *)opts)->stall_rate = (int64_t)n;
    return true;
}

static const cf_range runs_range = {1, 100000000}, seconds_range = {1, 86400}, procs_range = {0, 1024};

static const cf_flag search_flags[] = {
    {.name = "runs", .type = CF_UINT, .metavar = "N", .help = "at most N runs", .def = "1000",
     .range = &runs_range, CF_AT(search_opts, runs)},
    {.name = "seconds", .type = CF_UINT, .metavar = "S", .help = "at most S seconds of wall time (0: no limit)",
     .def = "0", .range = &seconds_range, CF_AT(search_opts, seconds)},
    {.name = "strategy", .type = CF_FUNC, .metavar = "random|pct:D|rr",
     .help = "random: time order, random ties, OS stalls; pct:D: PCT of depth D; rr: round robin", .def = "random",
     .set = set_strategy, .example = "pct:3"},
    {.name = "mutant", .type = CF_FUNC, .metavar = "NAME", .help = "switch on a seeded bug (`gmpsim mutants`)",
     .def = "none", .set = set_mutant, .example = "gosched-at-head"},
    {.name = "seed", .type = CF_UINT, .metavar = "S", .help = "search seed (run i's seed derives from it)", .def = "1",
     CF_AT(search_opts, seed)},
    {.name = "procs", .type = CF_UINT, .metavar = "N", .help = "GOMAXPROCS (0: the scenario's)", .def = "0",
     .range = &procs_range, CF_AT(search_opts, procs)},
    {.name = "stall-rate", .type = CF_FUNC, .metavar = "N",
     .help = "OS stalls at 1 in N contended yield points (0: off)", .def = "16 for random, 0 otherwise",
     .set = set_stall_rate, .example = "16"},
};

const cf_command cmd_search_command = {
    .name = "search", .args = "SCENARIO", .min_args = 1, .max_args = 1,
    .summary = "Explore one scenario's schedules until the first failure",
    .about = "Runs SCENARIO with every invariant and oracle checked, one seed per run, until a run fails or the\n"
             "budget (--runs, --seconds) is spent.  A failure prints its invariant, message and the `gmpsim run`\n"
             "command that reproduces it (exit 3).  A clean PCT search prints the probability bound it achieved.\n"
             "Exit 0: no failure within the budget.",
    .flags = search_flags, .nflags = CF_NFLAGS(search_flags),
};

static uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Run i's configuration: its seed, the strategy; under random search,
 * injected preemptions and jitter on alternate runs. */
static void run_config(const search_opts *o, uint64_t i, sim_config *cfg) {
    sim_config_default(cfg);
    cfg->check = true;
    cfg->seed = mix(o->seed ^ mix(i));
    cfg->strategy = o->strategy;
    cfg->pct_depth = o->pct_depth;
    cfg->rt.mutant = o->mutant;
    cfg->rt.gomaxprocs = (int32_t)o->procs;
    cfg->vt_limit_ns = 10LL * 1000 * 1000 * 1000;
    cfg->max_schedules = 2000000;
    bool random = o->strategy == STRAT_RANDOM;
    cfg->stall_den = (uint32_t)(o->stall_rate >= 0 ? o->stall_rate : random ? 16 : 0);
    if (random) {
        cfg->preempt_den = i % 2 ? 8 : 0;
        cfg->jitter_ns = i % 3 == 2 ? 200 : 0;
    }
}

static void print_repro(const char *scen, const sim_config *cfg) {
    char strat[16];
    snprintf(strat, sizeof strat, "%s", cfg->strategy == STRAT_RR ? "rr" : cfg->strategy == STRAT_PCT ? "pct" : "random");
    if (cfg->strategy == STRAT_PCT)
        snprintf(strat, sizeof strat, "pct:%d", cfg->pct_depth);
    printf("reproduce: gmpsim run %s --check --seed %" PRIu64 " --strategy %s --stall-rate %u --preempt-rate %u", scen,
           cfg->seed, strat, cfg->stall_den, cfg->preempt_den);
    if (cfg->jitter_ns)
        printf(" --jitter %uns", cfg->jitter_ns);
    if (cfg->rt.gomaxprocs)
        printf(" --procs %d", cfg->rt.gomaxprocs);
    printf(" --vt-limit 10s --max-schedules 2000000");
    if (cfg->rt.mutant != MUT_NONE)
        printf(" --mutant %s", rt_mutant_name(cfg->rt.mutant));
    printf("\n");
}

static double wall_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* After a clean PCT search: the bound PCT promises for a bug of depth d. */
static void print_pct_bound(const search_opts *o, uint64_t runs, uint32_t threads_max, uint64_t steps) {
    double p = 1.0 / ((double)threads_max * pow((double)steps, o->pct_depth - 1));
    double miss = exp((double)runs * log1p(-p));
    printf("pct bound: a run finds a given depth-%d bug with probability >= 1/(n*k^(d-1)) = %.3g "
           "(n = %u threads, k = %" PRIu64 " steps); %" PRIu64 " clean runs miss it with probability <= %.6g\n",
           o->pct_depth, p, threads_max, steps, runs, miss);
}

int cmd_search(int argc, char **argv) {
    search_opts o = {.runs = 1000, .seed = 1, .stall_rate = -1, .strategy = STRAT_RANDOM, .pct_depth = 3,
                     .mutant = MUT_NONE};
    cf_parsed p;
    int rc = cf_parse(&cmd_search_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    static scenario sc;
    int e = cmd_load_scenario(p.pos[0], &sc);
    if (e != 0)
        return e;
    double t0 = wall_s();
    uint32_t threads_max = 1;
    uint64_t steps = 0, i;
    for (i = 0; i < o.runs && (o.seconds == 0 || wall_s() - t0 < (double)o.seconds); i++) {
        sim_config cfg;
        run_config(&o, i, &cfg);
        steps = cfg.pct_steps;
        sim_result res;
        int out = sim_run(&sc, &cfg, &res);
        if (res.ms > threads_max)
            threads_max = res.ms;
        if (out == OUT_INVARIANT || out == OUT_PANIC || out == OUT_HANG) {
            printf("found: %s%s%s after %" PRIu64 " runs (%.2f s): %s\n", sim_outcome_name(out),
                   out == OUT_INVARIANT ? " " : "", out == OUT_INVARIANT ? gmp_invariant_name(res.invariant) : "",
                   i + 1, wall_s() - t0, res.message);
            print_repro(p.pos[0], &cfg);
            sim_result_free(&res);
            return sim_outcome_exit_code(out);
        }
        sim_result_free(&res);
    }
    printf("no failure in %" PRIu64 " runs (%.2f s)\n", i, wall_s() - t0);
    if (o.strategy == STRAT_PCT)
        print_pct_bound(&o, i, threads_max, steps);
    return 0;
}
