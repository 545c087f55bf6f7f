/* fuzz/campaign/campaign.c: see campaign.h. */
#include "campaign.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/choice.h"
#include "sim/conf.h"
#include "sim/invariant.h"
#include "sim/plugin.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include <sys/wait.h>
#include "traces/atomicfile.h"
#include "traces/flags.h"
#include "traces/json.h"
#include "findings.h"

enum {
    RANDOM_BYTES = 512,         /* input of one random scenario */
};

/* The campaign's own budgets per run: short, so a campaign covers a lot. */
#define RUN_VT_LIMIT_NS (10LL * 1000 * 1000 * 1000)
#define RUN_MAX_SCHEDULES 2000000ull

static bool load_one(campaign *c, const char *name, const char *text, size_t len) {
    if (c->nscs >= MAX_SCENARIOS)
        return false;
    scenario *sc = malloc(sizeof *sc);
    sc_error err;
    if (sc == NULL || !sc_parse(text, len, sc, &err)) {
        fprintf(stderr, "gmpsim campaign: %s: %u:%u: %s\n", name, err.line, err.col, err.msg);
        free(sc);
        return false;
    }
    snprintf(c->scs[c->nscs].name, sizeof c->scs[c->nscs].name, "%s", name);
    c->scs[c->nscs++].sc = sc;
    return true;
}

static bool load_path(campaign *c, const char *path) {
    if (strncmp(path, "builtin:", 8) == 0) {
        for (size_t i = 0; i < sc_nbuiltins; i++)
            if (strcmp(sc_builtins[i].name, path + 8) == 0)
                return load_one(c, sc_builtins[i].name, sc_builtins[i].text, strlen(sc_builtins[i].text));
        fprintf(stderr, "gmpsim campaign: no built-in scenario %s\n", path + 8);
        return false;
    }
    if (c->nscs >= MAX_SCENARIOS)
        return false;
    scenario *sc = malloc(sizeof *sc);
    sc_error err;
    if (sc == NULL || !sc_parse_file(path, sc, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", path, err.line, err.col, err.msg);
        free(sc);
        return false;
    }
    const char *base = strrchr(path, '/');
    snprintf(c->scs[c->nscs].name, sizeof c->scs[c->nscs].name, "%s", base ? base + 1 : path);
    c->scs[c->nscs++].sc = sc;
    return true;
}

/* Is this outcome a finding?  Invariant violations and hangs always are;
 * deadlocks, panics and resource limits are the program's own outcomes,
 * and a budget that ran out while goroutines still made progress is a
 * long run, not a bug. */
bool fz_is_failure(int outcome) {
    return outcome == OUT_INVARIANT || outcome == OUT_HANG || outcome == OUT_CRASH || outcome == OUT_TIMEOUT;
}

const char *fz_outcome_name(int outcome) {
    return outcome == OUT_CRASH ? "crash" : outcome == OUT_TIMEOUT ? "timeout" : sim_outcome_name(outcome);
}

/* One run's configuration, derived from the campaign seed and run index. */
static void mutate_config(const campaign *c, uint64_t *rng, const scenario *sc, sim_config *cfg) {
    fz_mix_config(rng, cfg);
    cfg->rt.mutant = c->mutant;
    if (c->strategy >= 0) {   /* --strategy: one strategy for every run */
        cfg->strategy = c->strategy;
        cfg->pct_depth = c->pct_depth;
    }
    (void)sc;
}

void fz_mix_config(uint64_t *rng, sim_config *cfg) {
    sim_config_default(cfg);
    cfg->check = true;
    cfg->seed = splitmix64(rng);
    cfg->vt_limit_ns = RUN_VT_LIMIT_NS;
    cfg->max_schedules = RUN_MAX_SCHEDULES;
    uint64_t r = splitmix64(rng);
    switch (r % 10) {
    case 0: case 1: case 2: case 3: case 4: case 5: cfg->strategy = STRAT_RANDOM; break;
    case 6: case 7: case 8:
        cfg->strategy = STRAT_PCT;
        cfg->pct_depth = 1 + (int)((r >> 8) % 4);
        break;
    default: cfg->strategy = STRAT_RR; break;
    }
    static const uint32_t stalls[] = {0, 64, 16}, preempts[] = {0, 32, 8};
    cfg->stall_den = stalls[(r >> 16) % 3];
    cfg->preempt_den = preempts[(r >> 24) % 3];
    if ((r >> 32) % 2 == 0)
        cfg->rt.gomaxprocs = 1 + (int32_t)((r >> 40) % 8);   /* mutate GOMAXPROCS */
    static const uint32_t jitters[] = {0, 0, 20, 200};
    cfg->jitter_ns = jitters[(r >> 48) % 4];
}

/* The `gmpsim run` flags that reproduce cfg. */
static void run_flags(const sim_config *cfg, char *buf, size_t len) {
    char strat[32];
    if (cfg->strategy == STRAT_PCT)
        snprintf(strat, sizeof strat, "pct:%d", cfg->pct_depth);
    else
        snprintf(strat, sizeof strat, "%s", cfg->strategy == STRAT_RR ? "rr" : "random");
    int n = snprintf(buf, len,
                     "--check --seed %" PRIu64 " --strategy %s --stall-rate %u --preempt-rate %u "
                     "--vt-limit %" PRId64 "ns --max-schedules %" PRIu64,
                     cfg->seed, strat, cfg->stall_den, cfg->preempt_den, cfg->vt_limit_ns, cfg->max_schedules);
    if (n > 0 && (size_t)n < len && cfg->jitter_ns > 0)
        n += snprintf(buf + n, len - (size_t)n, " --jitter %uns", cfg->jitter_ns);
    if (n > 0 && (size_t)n < len && cfg->rt.gomaxprocs > 0)
        n += snprintf(buf + n, len - (size_t)n, " --procs %d", cfg->rt.gomaxprocs);
    if (n > 0 && (size_t)n < len && cfg->rt.mutant != MUT_NONE)
        snprintf(buf + n, len - (size_t)n, " --mutant %s", rt_mutant_name(cfg->rt.mutant));
}

/* The re-run that records a reproducer's trace, in a child process (the
 * run may crash or hang: that must not take the campaign with it). */
typedef struct trace_job {
    const scenario *sc;
    const sim_config *cfg;
    const char *path;
} trace_job;

typedef struct trace_done {
    int32_t outcome;
    int32_t written;            /* the trace file was written */
    uint64_t digest;
    char why[128];
} trace_done;

static void record_trace(void *arg, int fd) {
    const trace_job *j = arg;
    sim_result again;
    tr_error terr = {0};
    sim_run_to_file(j->sc, j->cfg, j->path, &again, &terr);
    trace_done d = {.outcome = again.outcome, .written = terr.cls == TR_OK, .digest = again.digest};
    snprintf(d.why, sizeof d.why, "%.120s", terr.cls == TR_OK ? "" : terr.msg);
    sim_result_free(&again);
    if (write(fd, &d, sizeof d) != (ssize_t)sizeof d)
        _exit(1);
}

/* "yes", or why not, for the re-run that recorded the trace. */
static void reproduced(const fz_report *r, int got, int status, const trace_done *d, char *buf, size_t len) {
    if (r->outcome == OUT_TIMEOUT)
        snprintf(buf, len, "%s", got == 1 ? "yes (timed out again)" : "NO (finished in time when re-run)");
    else if (r->outcome == OUT_CRASH)
        snprintf(buf, len, "%s", got == 2 && WIFSIGNALED(status) ? "yes (crashed again)" : "NO (did not crash when re-run)");
    else if (got != 0)
        snprintf(buf, len, "NO (the re-run %s)", got == 1 ? "timed out" : "crashed");
    else if (d->digest == r->digest)
        snprintf(buf, len, "yes (digest %016" PRIx64 ")", d->digest);
    else
        snprintf(buf, len, "NO (nondeterminism! digest %016" PRIx64 ")", d->digest);
}

/* s as one single-quoted shell word ('it'\''s'), appended to f. */
static void sh_quote(FILE *f, const char *s) {
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* repro.sh: the gmpsim that wrote it (absolute; GMPSIM overrides it), every
 * path quoted, every loaded plugin passed. */
static int write_repro_sh(af_dir *d, const campaign *c, const fz_report *r, const char *flags) {
    char path[1200];
    af_file af;
    int e = af_open(&af, af_dir_path(d, "repro.sh", path, sizeof path));
    if (e != 0)
        return e;
    fprintf(af.f, "#!/bin/sh\n# Reproduces: %s (", fz_outcome_name(r->outcome));
    for (const char *m = r->message; *m; m++)
        fputc(*m == '\n' || *m == '\r' ? ' ' : *m, af.f);
    fputs(")\n# Runs the gmpsim that wrote it; set GMPSIM to run another.\ngmpsim=", af.f);
    sh_quote(af.f, c->self_exe);
    fputs("\ncase $0 in */*) here=${0%/*} ;; *) here=. ;; esac\nhere=$(cd \"$here\" && pwd) || exit 10\n"
          "exec \"${GMPSIM:-$gmpsim}\" run \"$here/scenario.gmp\"", af.f);
    for (size_t i = 0; i < sim_plugin_count(); i++) {
        fputs(" --plugin ", af.f);
        sh_quote(af.f, sim_plugin_at(i)->path);
    }
    fprintf(af.f, " %s\n", flags);
    if ((e = af_commit(&af)) == 0)
        chmod(path, 0755);
    return e;
}

/* One finding's identity, as fill_repro and the report need it. */
typedef struct found {
    const campaign *c;
    const fz_report *r;
    const scenario *sc;
    const sim_config *cfg;
    const char *name;           /* the scenario's */
    char detail[64];            /* invariant or signal */
    char site[128];             /* "goready in ready()", or "" */
} found;

/* The reproducer's files: scenario.gmp, trace.gmt (recorded by a child),
 * repro.sh, result.txt. */
static bool fill_repro(void *ctx, af_dir *d) {
    const found *f = ctx;
    const fz_report *r = f->r;
    char path[1200];
    size_t tlen = sc_format(f->sc, NULL, 0);
    char *text = malloc(tlen + 1);
    if (text == NULL)
        return false;
    sc_format(f->sc, text, tlen + 1);
    int e = af_dir_write_file(d, "scenario.gmp", text, tlen);
    free(text);
    trace_job job = {f->sc, f->cfg, af_dir_path(d, "trace.gmt", path, sizeof path)};
    trace_done done = {0};
    int status = 0;
    int got = fz_in_child(record_trace, &job, &done, sizeof done, f->c->run_timeout_ns, &status);
    bool have_trace = got == 0 && done.written;
    if (!have_trace) {   /* a crashed or killed writer leaves a partial file */
        unlink(path);
        char tmpdir[1200];
        af_sweep_stale(af_dir_path(d, ".", tmpdir, sizeof tmpdir));
    }
    char flags[512], buf[4096], again[160];
    run_flags(f->cfg, flags, sizeof flags);
    reproduced(r, got, status, &done, again, sizeof again);
    e = e ? e : write_repro_sh(d, f->c, r, flags);
    int n = snprintf(buf, sizeof buf,
                 "outcome: %s\nmessage: %s\ninvariant: %s\nsite: %s\nevent: %" PRIu64 "\nevents: %" PRIu64
                 "\ndigest: %016" PRIx64 "\nscenario: %s\nrun: %" PRIu64 " of campaign seed %" PRIu64
                 "\nreproduced: %s\ntrace: %s\n",
                 fz_outcome_name(r->outcome), r->message,
                 r->outcome == OUT_INVARIANT ? gmp_invariant_name(r->invariant) : "-", f->site[0] ? f->site : "-",
                 r->violation_seq, r->events, r->digest, f->name, r->run, f->c->seed, again,
                 have_trace ? "trace.gmt" : got != 0 ? "none (the re-run did not finish; run repro.sh)" : done.why);
    e = e ? e : af_dir_write_file(d, "result.txt", buf, n > 0 ? (size_t)n : 0);
    return e == 0;
}

/* The signature's parts: the invariant or the signal, and the site. */
static void describe(found *f) {
    const fz_report *r = f->r;
    f->detail[0] = f->site[0] = 0;
    if (r->outcome == OUT_INVARIANT)
        snprintf(f->detail, sizeof f->detail, "%s", gmp_invariant_name(r->invariant));
    else if (r->outcome == OUT_CRASH && r->signal > 0)
        snprintf(f->detail, sizeof f->detail, "SIG%s", sigabbrev_np(r->signal) ? sigabbrev_np(r->signal) : "?");
    bool sited = r->outcome == OUT_INVARIANT || r->outcome == OUT_CRASH;
    const char *kind = sim_site_kind_name(r->site_kind);
    if (sited && kind != NULL && r->site_fn[0])
        snprintf(f->site, sizeof f->site, "%s in %s()", kind, r->site_fn);
}

static void note_signature(campaign *c, const char *sig, bool is_new) {
    for (int i = 0; i < c->nsigs; i++)
        if (strcmp(c->sigs[i].name, sig) == 0) {
            c->sigs[i].hits++;
            return;
        }
    if (c->nsigs < MAX_SIGS) {
        snprintf(c->sigs[c->nsigs].name, sizeof c->sigs[0].name, "%s", sig);
        c->sigs[c->nsigs].hits = 1;
        c->sigs[c->nsigs++].is_new = is_new;
    }
}

/* A failing run: merge it into DIR/findings/<signature>/ (findings.h). */
void fz_found(campaign *c, const fz_report *r) {
    static scenario rnd;
    char name[64], sig[FND_SIG_LEN], tag[128];
    sim_config cfg;
    found f = {.c = c, .r = r, .name = name};
    f.sc = fz_derive_run(c, r->run, &rnd, name, sizeof name, &cfg);
    f.cfg = &cfg;
    describe(&f);
    bool sited = f.site[0] != 0;
    fnd_signature(sig, sizeof sig, fz_outcome_name(r->outcome), f.detail, sited ? sim_site_kind_name(r->site_kind) : NULL,
                  sited ? r->site_fn : NULL);
    snprintf(tag, sizeof tag, "s%" PRIu64 "-r%" PRIu64 "-%s", c->seed, fz_search_run(c, r->run), name);
    fnd_case fc = {.signature = sig, .outcome = fz_outcome_name(r->outcome), .detail = f.detail,
                   .site = f.site, .message = r->message, .tag = tag, .events = r->events,
                   .fill = fill_repro, .ctx = &f};
    fnd_verdict v;
    int e = fnd_record(c->out, &fc, &v);
    if (e != 0)
        fprintf(stderr, "gmpsim campaign: cannot write %s/findings/%s: %s\n", c->out, sig, af_strerror(e));
    note_signature(c, sig, v.is_new);
    if (!v.is_new && !v.replaced)
        return;
    printf("FAILURE %s%s%s%s%s in %s (run %" PRIu64 "): %s\n  %s: %s/findings/%s/%s/repro.sh\n",
           fz_outcome_name(r->outcome), f.detail[0] ? " " : "", f.detail, f.site[0] ? " at " : "", f.site, name,
           r->run, r->message, v.is_new ? "new finding" : "smaller reproducer", c->out, sig, v.reproducer);
    fflush(stdout);
}

/* The scenario of run `run`: a loaded one, or a random one decoded into buf. */
static const scenario *pick_scenario(const campaign *c, uint64_t *rng, scenario *buf, char *name,
                                     size_t name_len) {
    if (c->nscs == 0 || (splitmix64(rng) % 100) < (uint64_t)c->random_pct) {
        uint8_t bytes[RANDOM_BYTES];
        for (size_t i = 0; i < sizeof bytes; i += 8) {
            uint64_t v = splitmix64(rng);
            memcpy(bytes + i, &v, 8);
        }
        size_t len = 16 + splitmix64(rng) % (sizeof bytes - 16);
        sc_decode(bytes, len, buf);
        snprintf(name, name_len, "random");
        return buf;
    }
    const named_sc *n = &c->scs[splitmix64(rng) % (uint64_t)c->nscs];
    snprintf(name, name_len, "%s", n->name);
    return n->sc;
}

const scenario *fz_derive_run(const campaign *c, uint64_t run, scenario *rnd, char *name, size_t name_len,
                              sim_config *cfg) {
    uint64_t rng = c->seed ^ (fz_search_run(c, run) * 0x9e3779b97f4a7c15ull);
    const scenario *sc = pick_scenario(c, &rng, rnd, name, name_len);
    mutate_config(c, &rng, sc, cfg);
    return sc;
}

/* ---- flags (traces/flags.h) ---- */

static bool set_seconds(void *opts, const char *v, char *why, size_t why_len) {
    char buf[64];
    uint64_t ns;
    snprintf(buf, sizeof buf, "%.40ss", v);   /* a number of seconds, e.g. 0.5 */
    if (!cf_parse_duration(buf, &(cf_range){1000000, 1000000ull * 1000000000}, &ns, why, why_len))
        return false;
    ((campaign *)opts)->seconds = (double)ns / 1e9;
    return true;
}

/* --shard I/N: 0 <= I < N; shard I takes runs I, I+N, I+2N, ... of the search. */
static bool set_shard(void *opts, const char *v, char *why, size_t why_len) {
    campaign *c = opts;
    char *end;
    unsigned long long i = strtoull(v, &end, 10);
    unsigned long long n = *end == '/' ? strtoull(end + 1, &end, 10) : 0;
    if (*end != 0 || n < 1 || n > 1000000 || i >= n) {
        snprintf(why, why_len, "is not I/N with 0 <= I < N <= 1000000");
        return false;
    }
    c->shard_i = i, c->shard_n = n;
    return true;
}

/* Text-valued keys go through the key table's own parser (sim/conf.h). */
static bool set_strategy(void *opts, const char *v, char *why, size_t why_len) {
    campaign *c = opts;
    sim_config cfg;
    sim_config_default(&cfg);
    if (!sim_conf_set_text(&cfg, sim_conf_find("strategy"), v, why, why_len))
        return false;
    c->strategy = cfg.strategy, c->pct_depth = cfg.pct_depth;
    return true;
}

/* A mutant name through the configuration table (its one spelling). */
static bool parse_mutant(const char *v, int *out, char *why, size_t why_len) {
    sim_config cfg;
    sim_config_default(&cfg);
    if (!sim_conf_set_text(&cfg, sim_conf_find("mutant"), v, why, why_len))
        return false;
    *out = cfg.rt.mutant;
    return true;
}

static bool set_mutant(void *opts, const char *v, char *why, size_t why_len) {
    return parse_mutant(v, &((campaign *)opts)->mutant, why, why_len);
}

static bool add_scenario(void *opts, const char *v, char *why, size_t why_len) {
    campaign *c = opts;
    if (c->npaths >= MAX_SCENARIOS) {
        snprintf(why, why_len, "at most %d scenarios", MAX_SCENARIOS);
        return false;
    }
    c->paths[c->npaths++] = v;
    return true;
}

static const cf_range random_share_range = {0, 100};
static const cf_range jobs_range = {0, MAX_JOBS};
static const cf_range runs_range = {0, UINT64_MAX};
static const cf_range run_timeout_range = {1000000, 3600ull * 1000000000};

static const cf_flag campaign_flags[] = {
    {.name = "seconds", .type = CF_FUNC, .metavar = "N", .help = "wall-clock budget in seconds (0.001..1000000)",
     .def = "60, none with --runs", .set = set_seconds, .example = "0.5"},
    {.name = "runs", .type = CF_UINT, .metavar = "N", .help = "stop after N runs (a repeatable campaign; 0: no limit)",
     .def = "0", CF_AT(campaign, nruns), .range = &runs_range},
    {.name = "jobs", .type = CF_UINT, .metavar = "N", .help = "worker processes (0: one per core)", .def = "0",
     CF_AT(campaign, jobs), .range = &jobs_range},
    {.name = "run-timeout", .type = CF_DURATION, .metavar = "D",
     .help = "wall-clock limit of one run; past it the run is a finding, outcome timeout", .def = "10s",
     CF_AT(campaign, run_timeout_ns), .range = &run_timeout_range, .example = "2s"},
    {.name = "out", .type = CF_STRING, .metavar = "DIR", .help = "the findings folder (findings/, summary.json, junit.xml)", .def = "campaign",
     CF_AT(campaign, out), .example = "campaign"},
    {.name = "seed", .type = CF_UINT, .metavar = "S", .help = "campaign seed (each run's seed derives from it)",
     .def = "1", CF_AT(campaign, seed), .range = &sim_conf_ranges[SIMK_seed]},
    {.name = "mutant", .type = CF_FUNC, .metavar = "NAME", .help = "switch on a seeded bug (`gmpsim mutants`)",
     .def = "none", .set = set_mutant, .example = "ready-skips-wakep"},
    {.name = "scenario", .type = CF_FUNC, .metavar = "SCENARIO",
     .help = "run this scenario (a .gmp file or builtin:NAME) instead of the built-ins", .set = add_scenario,
     .repeat = true, .example = "builtin:pingpong"},
    {.name = "random-share", .type = CF_UINT, .metavar = "PCT",
     .help = "percent of runs on random scenarios decoded from PRNG bytes", .def = "30",
     CF_AT(campaign, random_pct), .range = &random_share_range},
    {.name = "strategy", .type = CF_FUNC, .metavar = "random|pct:D|rr",
     .help = "one exploration strategy for every run", .def = "a mix", .set = set_strategy, .example = "rr"},
    {.name = "shard", .type = CF_FUNC, .metavar = "I/N",
     .help = "take runs I, I+N, I+2N, ... of the search (N machines cover one search without overlap)",
     .def = "0/1", .set = set_shard, .example = "1/4"},
    {.name = "until-failure", .type = CF_BOOL, .help = "stop at the first failure (time-to-find measurements)",
     CF_AT(campaign, until_failure)},
    {.name = "json", .type = CF_BOOL,
     .help = "print the summary as one JSON object (docs/json.md); progress and text go to stderr",
     CF_AT(campaign, json)},
};

const cf_command fz_campaign_command = {
    .name = "campaign", .args = "", .min_args = 0, .max_args = 0,
    .summary = "Run a bounded fuzzing campaign, every invariant checked after every event",
    .about = "Runs happen in --jobs worker processes; a run that crashes its worker (outcome crash) or passes\n"
             "--run-timeout (outcome timeout) is a finding like an invariant violation or a hang.  Failures are\n"
             "grouped by signature in DIR/findings/<signature>/ (docs/findings.md): the smallest reproducer\n"
             "(scenario.gmp, trace.gmt, repro.sh, result.txt), examples, hit counts; campaigns on one DIR merge.\n"
             "DIR/summary.json and DIR/junit.xml are written at the end, also after SIGINT or SIGTERM.\n"
             "Exit 3 if anything failed, else 0; 10 if --out cannot be written (checked before any run).",
    .flags = campaign_flags, .nflags = CF_NFLAGS(campaign_flags),
};

static int parse_campaign(campaign *c, int argc, char **argv) {
    cf_parsed p;
    int rc = cf_parse(&fz_campaign_command, argc - 1, argv + 1, c, &p, stdout, stderr);
    for (int i = 0; rc == CF_OK && i < c->npaths; i++)
        if (!load_path(c, c->paths[i]))
            rc = EXIT_REJECTED;
    return rc;
}

static void summary(const campaign *c, double elapsed) {
    printf("\ncampaign summary%s\n", c->interrupted ? " (interrupted)" : "");
    printf("  time        %.1f s\n", elapsed);
    printf("  runs        %" PRIu64 " (%.0f exec/s, %" PRIu64 " jobs)\n", c->runs,
           (double)c->runs / (elapsed > 0 ? elapsed : 1), c->jobs);
    printf("  invariants  %" PRIu64 " checks (every built-in invariant after every event)\n", c->checks);
    printf("  events      %" PRIu64 "\n", c->events);
    printf("  outcomes   ");
    for (int o = 0; o < FZ_OUT__COUNT; o++)
        if (c->outcomes[o])
            printf(" %s=%" PRIu64, fz_outcome_name(o), c->outcomes[o]);
    printf("\n  failures    %" PRIu64 " runs, %d signatures (%s/findings/)\n", c->failures, c->nsigs, c->out);
    for (int i = 0; i < c->nsigs; i++)
        printf("    %-60s %6" PRIu64 " hits%s\n", c->sigs[i].name, c->sigs[i].hits, c->sigs[i].is_new ? "  (new)" : "");
    if (c->failures)
        printf("  first       after %.2f s, run %" PRIu64 "\n", c->first_failure_s, c->first_failure_run);
    printf("  mutant      %s\n", rt_mutant_name(c->mutant));
    printf("  summary     %s/summary.json, %s/junit.xml\n", c->out, c->out);
    fflush(stdout);
}

static int write_summary(const campaign *c, double elapsed, int exit_code) {
    const char *names[FZ_OUT__COUNT];
    for (int o = 0; o < FZ_OUT__COUNT; o++)
        names[o] = fz_outcome_name(o);
    fnd_campaign fc = {.command = "campaign", .seed = c->seed, .runs = c->runs, .jobs = c->jobs,
                       .checks = c->checks, .events = c->events, .failures = c->failures, .seconds = elapsed,
                       .mutant = rt_mutant_name(c->mutant), .interrupted = c->interrupted, .exit_code = exit_code,
                       .outcome_names = names, .outcome_counts = c->outcomes, .noutcomes = FZ_OUT__COUNT,
                       .json_out = c->json_out};
    int e = fnd_summary(c->out, &fc);
    if (e != 0)
        fprintf(stderr, "gmpsim campaign: cannot write %s/summary.json: %s\n", c->out, af_strerror(e));
    return e;
}

/* --out must be a folder we can write, checked before any run (exit 10). */
static bool out_ready(const campaign *c) {
    int e = fnd_prepare(c->out);
    if (e != 0)
        fprintf(stderr, "gmpsim campaign: cannot write into --out %s: %s\n", c->out, af_strerror(e));
    return e == 0;
}

/* --json: standard output carries only the summary document.  Everything
 * the campaign prints as text (FAILURE lines, the summary, workers' output)
 * goes to stderr: fd 1 becomes a copy of fd 2, and the document goes to the
 * original stdout kept in json_out (close-on-exec, so workers never see it). */
static bool json_stdout(campaign *c) {
    fflush(stdout);
    int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    c->json_out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (c->json_out == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        fprintf(stderr, "gmpsim campaign: --json: cannot set up standard output: %s\n", strerror(errno));
        return false;
    }
    return true;
}

static void json_stdout_end(campaign *c) {
    fflush(stdout);
    fflush(c->json_out);
    dup2(fileno(c->json_out), STDOUT_FILENO);
    fclose(c->json_out);
    c->json_out = NULL;
}

int fz_cmd_campaign(int argc, char **argv) {
    static campaign c;
    memset(&c, 0, sizeof c);
    c.seed = 1;
    c.out = "campaign";
    c.random_pct = 30;
    c.strategy = -1;
    c.run_timeout_ns = 10ull * 1000 * 1000 * 1000;
    int rc = parse_campaign(&c, argc, argv);
    if (rc == CF_OK && !out_ready(&c))
        rc = EXIT_IO;
    if (rc != CF_OK) {
        for (int i = 0; i < c.nscs; i++)
            free(c.scs[i].sc);
        return cf_exit_code(rc);
    }
    if (c.seconds == 0 && c.nruns == 0)
        c.seconds = 60;
    ssize_t len = readlink("/proc/self/exe", c.self_exe, sizeof c.self_exe - 1);
    snprintf(c.self_exe + (len > 0 ? len : 0), sizeof c.self_exe - (size_t)(len > 0 ? len : 0), "%s",
             len > 0 ? "" : "gmpsim");
    if (c.jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c.jobs = n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (uint64_t)n;
    }
    if (c.nscs == 0)
        for (size_t i = 0; i < sc_nbuiltins; i++)
            load_one(&c, sc_builtins[i].name, sc_builtins[i].text, strlen(sc_builtins[i].text));
    char limit[64];
    if (c.nruns > 0)
        snprintf(limit, sizeof limit, "%" PRIu64 " runs", c.nruns);
    else
        snprintf(limit, sizeof limit, "%.0f s", c.seconds);
    fprintf(stderr, "gmpsim campaign: %d scenarios + random ones (%d%%), %s, %" PRIu64 " jobs, seed %" PRIu64
                    ", mutant %s, out %s\n",
            c.nscs, c.random_pct, limit, c.jobs, c.seed, rt_mutant_name(c.mutant), c.out);
    if (c.json && !json_stdout(&c))
        return EXIT_IO;
    double t0 = fz_wall_s();
    fz_supervise(&c);
    double elapsed = fz_wall_s() - t0;
    int code = c.failures ? EXIT_INVARIANT : EXIT_OK;
    if (write_summary(&c, elapsed, code) != 0 && code == EXIT_OK)
        code = EXIT_IO;
    summary(&c, elapsed);
    if (c.json)
        json_stdout_end(&c);
    for (int i = 0; i < c.nscs; i++)
        free(c.scs[i].sc);
    return code;
}

/* ---- sweep ---- */

static const char *const sweep_strategies[] = {"random", "pct:3", "rr"};

/* A random scenario may end any way a Go program can (it may deadlock or
 * panic by construction, or outlive the budget); only a failure of the
 * scheduler itself is wrong: an invariant or runtime throw, or a hang. */
static bool random_outcome_ok(int outcome) {
    return outcome != OUT_INVARIANT && outcome != OUT_HANG && outcome != OUT_REJECTED;
}

typedef struct sweep_opts {
    uint64_t seeds, nrandom;
    bool twice, vary, json;
    int mutant;
    js_writer *w;   /* --json: the open "runs" array */
} sweep_opts;

/* --vary: run k of the sweep takes its GOMAXPROCS (0: the scenario's) and
 * step jitter from these, so one sweep covers several of each. */
static const int32_t vary_procs[] = {0, 1, 2, 4, 8};
static const uint32_t vary_jitter_ns[] = {0, 200, 1000};

/* One run as a member of --json's "runs" (docs/json.md, gmpsim.sweep/1):
 * the text line's columns by name; vary: the configuration --vary chose. */
static void sweep_json_run(js_writer *w, const char *name, uint64_t seed, int s, const sim_config *vary,
                           const char *outcome, const sim_result *a, int rc) {
    js_object(w);
    js_kstr(w, "name", name);
    js_kuint(w, "seed", seed);
    js_kstr(w, "strategy", sweep_strategies[s]);
    if (vary != NULL) {
        js_kint(w, "procs", vary->rt.gomaxprocs);
        js_kuint(w, "jitter_ns", vary->jitter_ns);
    }
    js_kstr(w, "outcome", outcome);
    js_kuint(w, "events", a->events);
    js_khex64(w, "digest", a->digest);
    js_kbool(w, "unexpected", rc == EXIT_INVARIANT);
    js_kbool(w, "nondeterministic", rc == EXIT_DIVERGED);
    js_object_end(w);
}

/* One sweep run.  expect: the outcome name a built-in declares, or NULL
 * for a random scenario (random_outcome_ok).  Returns an exit status. */
static int sweep_one(const char *name, const char *expect, const scenario *sc, uint64_t seed, int s,
                     const sweep_opts *o, uint64_t k) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    cfg.seed = seed;
    cfg.vt_limit_ns = RUN_VT_LIMIT_NS;
    cfg.max_schedules = RUN_MAX_SCHEDULES;
    cfg.stall_den = s == 0 ? 32 : 0;
    cfg.preempt_den = 16;
    cfg.strategy = s == 0 ? STRAT_RANDOM : s == 1 ? STRAT_PCT : STRAT_RR;
    cfg.pct_depth = 3;
    cfg.rt.mutant = o->mutant;
    if (o->vary) {
        cfg.rt.gomaxprocs = vary_procs[k % (sizeof vary_procs / sizeof vary_procs[0])];
        cfg.jitter_ns = vary_jitter_ns[k % (sizeof vary_jitter_ns / sizeof vary_jitter_ns[0])];
    }
    sim_result a, b;
    sim_run(sc, &cfg, &a);
    int rc = EXIT_OK;
    const char *got = sim_outcome_name(a.outcome);
    if (expect ? strcmp(got, expect) != 0 : !random_outcome_ok(a.outcome)) {
        fprintf(stderr, "UNEXPECTED outcome: %s seed %" PRIu64 " %s: %s (expected %s)%s%s\n", name, seed,
                sweep_strategies[s], got, expect ? expect : "ok, deadlock, panic, budget or resource",
                a.message[0] ? ": " : "", a.message);
        rc = EXIT_INVARIANT;
    }
    if (o->twice) {
        sim_run(sc, &cfg, &b);
        if (a.digest != b.digest || a.events != b.events) {
            fprintf(stderr, "NOT deterministic in-process: %s seed %" PRIu64 " %s\n", name, seed, sweep_strategies[s]);
            rc = EXIT_DIVERGED;
        }
        sim_result_free(&b);
    }
    if (o->json)
        sweep_json_run(o->w, name, seed, s, o->vary ? &cfg : NULL, got, &a, rc);
    else if (o->vary)
        printf("%s\t%" PRIu64 "\t%s/procs=%d/jitter=%u\t%s\t%" PRIu64 "\t%016" PRIx64 "\n", name, seed,
               sweep_strategies[s], (int)cfg.rt.gomaxprocs, (unsigned)cfg.jitter_ns, got, a.events, a.digest);
    else
        printf("%s\t%" PRIu64 "\t%s\t%s\t%" PRIu64 "\t%016" PRIx64 "\n", name, seed, sweep_strategies[s], got,
               a.events, a.digest);
    sim_result_free(&a);
    return rc;
}



static bool set_sweep_mutant(void *opts, const char *v, char *why, size_t why_len) {
    return parse_mutant(v, &((sweep_opts *)opts)->mutant, why, why_len);
}

static const cf_range sweep_range = {0, 1000000};

static const cf_flag sweep_flags[] = {
    {.name = "seeds", .type = CF_UINT, .metavar = "N", .help = "seeds 1..N for every built-in scenario",
     .def = "3", CF_AT(sweep_opts, seeds), .range = &sweep_range},
    {.name = "random", .type = CF_UINT, .metavar = "N", .help = "also N random scenarios", .def = "0",
     CF_AT(sweep_opts, nrandom), .range = &sweep_range},
    {.name = "twice", .type = CF_BOOL, .help = "run each twice in-process; exit 9 if the digests differ",
     CF_AT(sweep_opts, twice)},
    {.name = "vary", .type = CF_BOOL,
     .help = "vary GOMAXPROCS (the scenario's, 1, 2, 4, 8) and jitter (0, 200ns, 1us) from run to run",
     CF_AT(sweep_opts, vary)},
    {.name = "mutant", .type = CF_FUNC, .metavar = "NAME", .help = "switch on a seeded bug (`gmpsim mutants`); the sweep should then fail",
     .def = "none", .set = set_sweep_mutant, .example = "ready-skips-wakep"},
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of the lines (docs/json.md)",
     CF_AT(sweep_opts, json)},
};

const cf_command fz_sweep_command = {
    .name = "sweep", .args = "", .min_args = 0, .max_args = 0,
    .summary = "Print the digest of every built-in scenario under a fixed matrix of seeds and strategies",
    .about = "One line per run: name seed strategy outcome events digest.  Exit 3 if a built-in "
             "ends other than as its `# expect:` line declares (default ok), or a random scenario "
             "ends with an invariant violation or a hang; exit 9 (--twice) if a rerun differs.",
    .flags = sweep_flags, .nflags = CF_NFLAGS(sweep_flags),
};

/* Nondeterminism outranks an unexpected outcome. */
static int sweep_worst(int a, int b) {
    return a == EXIT_DIVERGED || b == EXIT_DIVERGED ? EXIT_DIVERGED : a ? a : b;
}

int fz_cmd_sweep(int argc, char **argv) {
    sweep_opts o = {.seeds = 3, .mutant = MUT_NONE};
    cf_parsed p;
    int prc = cf_parse(&fz_sweep_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (prc != CF_OK)
        return cf_exit_code(prc);
    uint64_t seeds = o.seeds, nrandom = o.nrandom, k = 0;
    int rc = EXIT_OK;
    static scenario sc;
    js_writer w;
    if (o.json) {
        o.w = &w;
        js_init(&w, stdout, false);
        js_object(&w);
        js_schema(&w, "sweep", 1);
        js_key(&w, "runs");
        js_array(&w);
    }
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        sc_error err;
        if (!sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), &sc, &err))
            return EXIT_REJECTED;
        for (uint64_t seed = 1; seed <= seeds; seed++)
            for (int s = 0; s < 3; s++)
                rc = sweep_worst(rc, sweep_one(sc_builtins[i].name, sc_builtins[i].expect, &sc, seed, s, &o,
                                               k++));
    }
    for (uint64_t r = 0; r < nrandom; r++) {
        uint64_t rng = 0x5eed0000ull + r;
        uint8_t bytes[RANDOM_BYTES];
        for (size_t i = 0; i < sizeof bytes; i += 8) {
            uint64_t v = splitmix64(&rng);
            memcpy(bytes + i, &v, 8);
        }
        sc_decode(bytes, 16 + r % (sizeof bytes - 16), &sc);
        char name[32];
        snprintf(name, sizeof name, "random%" PRIu64, r);
        rc = sweep_worst(rc, sweep_one(name, NULL, &sc, 1 + r, (int)(r % 3), &o, k++));
    }
    if (o.json) {
        js_array_end(&w);
        js_kint(&w, "exit_code", rc);
        js_object_end(&w);
        js_finish(&w);
    }
    return rc;
}
