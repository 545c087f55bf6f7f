/*
 * triage/minimize.c: `gmpsim minimize TRACE|FINDING -o OUT` (docs/triage.md).
 *
 * Shrinks a failing run while it keeps the same signature (triage.h).
 * The state is a scenario, a configuration and the draws the run takes
 * (fed back through the choice source's replay producer: a draw past the
 * end, or one whose kind or range no longer matches, answers 0, the
 * default).  Every candidate is run with checking on; it is kept only when
 * it fails with the same signature, and then its own draws become the
 * draws of the next candidates.  Passes, repeated until a round changes
 * nothing or the budget (runs, seconds) is spent:
 *   configuration: no injected stalls, preemptions or jitter; random
 *     strategy; the GOMAXPROCS override folded into the scenario
 *   workload: fewer Ps, no timed events, ops removed (with what they
 *     nest), loops unwrapped, smaller counts and durations
 *   schedule: the shortest prefix of the draws, then draws reset to 0
 * The result is written as one atomic folder: scenario.gmp, choices.txt,
 * trace.gmt (recorded from the final run, so `gmpsim replay` re-runs it)
 * and repro.sh.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/conf.h"
#include "sim/tracefile.h"
#include "traces/atomicfile.h"
#include "triage/shrink.h"
#include "triage/triage.h"

/* One accepted state and what its run measured. */
typedef struct mz_state {
    scenario sc;
    sim_config cfg;
    choice_record *choices;    /* malloc'd */
    size_t nchoices;
    uint64_t events;
    uint32_t gs;
} mz_state;

typedef struct minimizer {
    tg_sig sig;                /* what every candidate must keep */
    mz_state cur;
    scenario cand;             /* the candidate being built */
    tg_probe probe;
    uint64_t runs, max_runs;
    double deadline;           /* CLOCK_MONOTONIC seconds */
    bool verbose;
} minimizer;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool out_of_budget(const minimizer *mz) { return mz->runs >= mz->max_runs || now_s() >= mz->deadline; }

/* An empty replay list still selects the replay producer (every draw 0). */
static const choice_record no_choices[1];

/* Run sc/cfg on the given draws (ch NULL: fresh draws from seed); the
 * signature, with the run's own draws left in mz->probe. */
static tg_sig run_once(minimizer *mz, const scenario *sc, const sim_config *cfg, const choice_record *ch, size_t n,
                       uint64_t seed, sim_result *res) {
    sim_config c = *cfg;
    c.check = true;
    c.replay = ch == NULL ? NULL : n > 0 ? ch : no_choices;
    c.nreplay = ch == NULL ? 0 : n;
    c.seed = ch == NULL ? seed : c.seed;
    c.bytes = NULL;
    tg_probe_reset(&mz->probe);
    c.sinks[c.nsinks++] = tg_probe_sink(&mz->probe);
    sim_run(sc, &c, res);
    mz->runs++;
    return tg_signature(res);
}

/* Trailing zero draws change nothing: past the end every draw is 0. */
static size_t trim_zeros(const choice_record *ch, size_t n) {
    while (n > 0 && ch[n - 1].value == 0)
        n--;
    return n;
}

/* Run one variant of a candidate; keep it when it fails the same way in
 * no more events. */
static bool try_variant(minimizer *mz, const scenario *sc, const sim_config *cfg, const choice_record *ch, size_t n,
                        uint64_t seed) {
    sim_result res;
    tg_sig s = run_once(mz, sc, cfg, ch, n, seed, &res);
    bool keep = tg_sig_equal(s, mz->sig) && !mz->probe.lost && res.events <= mz->cur.events;
    if (keep) {
        size_t m = trim_zeros(mz->probe.choices, mz->probe.nchoices);
        choice_record *copy = malloc((m + 1) * sizeof *copy);
        keep = copy != NULL;
        if (keep) {
            if (sc != &mz->cur.sc)
                mz->cur.sc = *sc;
            mz->cur.cfg = *cfg;
            if (m > 0)   /* no draws: no array to copy from */
                memcpy(copy, mz->probe.choices, m * sizeof *copy);
            free(mz->cur.choices);
            mz->cur.choices = copy;
            mz->cur.nchoices = m;
            mz->cur.events = res.events;
            mz->cur.gs = res.gs;
            if (mz->verbose)
                fprintf(stderr, "    kept: events %" PRIu64 ", ops %" PRIu32 "\n", res.events, sc->nops);
        }
    }
    sim_result_free(&res);
    return keep;
}

/* Fresh schedules tried for a workload candidate after the current draws
 * and the all-default ones: a smaller workload shifts every later draw,
 * so the old draws rarely fit it. */
enum { MZ_SEEDS = 16 };

/* Try a candidate (scenario, configuration, draws).  search: when the
 * draws do not reproduce the failure, also try the defaults and
 * MZ_SEEDS fresh schedules (seeds 1..MZ_SEEDS, so the result is
 * deterministic). */
static bool try_candidate(minimizer *mz, const scenario *sc, const sim_config *cfg, const choice_record *ch,
                          size_t n, bool search) {
    if (out_of_budget(mz) || sc_validate(sc) != NULL)
        return false;
    if (try_variant(mz, sc, cfg, ch, n, 0))
        return true;
    if (!search || out_of_budget(mz))
        return false;
    if (n > 0 && try_variant(mz, sc, cfg, no_choices, 0, 0))
        return true;
    for (uint64_t seed = 1; seed <= MZ_SEEDS && !out_of_budget(mz); seed++)
        if (try_variant(mz, sc, cfg, NULL, 0, seed))
            return true;
    return false;
}

static bool try_scenario(minimizer *mz) {
    return try_candidate(mz, &mz->cand, &mz->cur.cfg, mz->cur.choices, mz->cur.nchoices, true);
}

static bool try_config(minimizer *mz, const sim_config *cfg) {
    return try_candidate(mz, &mz->cur.sc, cfg, mz->cur.choices, mz->cur.nchoices, true);
}

/* ---- passes; each returns whether it kept anything ---- */

static bool pass_config(minimizer *mz) {
    bool kept = false;
    sim_config c = mz->cur.cfg;
    if (c.rt.gomaxprocs != 0) {   /* fold the override into the scenario's own line */
        mz->cand = mz->cur.sc;
        mz->cand.gomaxprocs = c.rt.gomaxprocs;
        c.rt.gomaxprocs = 0;
        if (try_candidate(mz, &mz->cand, &c, mz->cur.choices, mz->cur.nchoices, false))
            kept = true;
    }
    struct { size_t off, size; } zeroed[] = {
        {offsetof(sim_config, stall_den), sizeof c.stall_den},
        {offsetof(sim_config, preempt_den), sizeof c.preempt_den},
        {offsetof(sim_config, jitter_ns), sizeof c.jitter_ns},
    };
    for (size_t i = 0; i < sizeof zeroed / sizeof zeroed[0]; i++) {
        c = mz->cur.cfg;
        char *f = (char *)&c + zeroed[i].off, zero[8] = {0};
        if (memcmp(f, zero, zeroed[i].size) == 0)
            continue;
        memset(f, 0, zeroed[i].size);
        kept |= try_config(mz, &c);
    }
    if (mz->cur.cfg.strategy != STRAT_RANDOM) {
        c = mz->cur.cfg;
        c.strategy = STRAT_RANDOM;
        kept |= try_config(mz, &c);
    }
    return kept;
}

static bool pass_procs(minimizer *mz) {
    int32_t p = mz->cur.sc.gomaxprocs;
    int32_t cand[3] = {1, p / 2, p - 1};
    for (int i = 0; i < 3; i++) {
        if (cand[i] < 1 || cand[i] >= mz->cur.sc.gomaxprocs || mz->cur.cfg.rt.gomaxprocs != 0)
            continue;
        mz->cand = mz->cur.sc;
        mz->cand.gomaxprocs = cand[i];
        if (try_scenario(mz))
            return true;
    }
    return false;
}

static bool pass_timed_events(minimizer *mz) {
    bool kept = false;
    for (uint32_t i = mz->cur.sc.nevents; i-- > 0;) {
        mz->cand = mz->cur.sc;
        memmove(&mz->cand.events[i], &mz->cand.events[i + 1], (mz->cand.nevents - i - 1) * sizeof mz->cand.events[0]);
        mz->cand.nevents--;
        kept |= try_scenario(mz);
    }
    return kept;
}

/* Remove ops from the last to the first (an earlier op keeps its index
 * when a later one goes); loops that stay are unwrapped when they can be. */
static bool pass_ops(minimizer *mz) {
    bool kept = false;
    for (uint32_t i = mz->cur.sc.nops; i-- > 0 && !out_of_budget(mz);) {
        if (i >= mz->cur.sc.nops)
            continue;
        mz->cand = mz->cur.sc;
        if (tg_sc_delete(&mz->cand, i) && try_scenario(mz)) {
            kept = true;
            continue;
        }
        mz->cand = mz->cur.sc;
        if (tg_sc_unwrap(&mz->cand, i) && try_scenario(mz))
            kept = true;
    }
    return kept;
}

static bool pass_numbers(minimizer *mz) {
    bool kept = false;
    for (uint32_t i = 0; i < mz->cur.sc.nops && !out_of_budget(mz); i++) {
        int64_t v[3];
        int n = tg_sc_smaller_values(&mz->cur.sc.ops[i], v, 3);
        for (int j = 0; j < n; j++) {
            mz->cand = mz->cur.sc;
            mz->cand.ops[i].n = v[j];
            if (try_scenario(mz)) {
                kept = true;
                break;
            }
        }
    }
    for (uint32_t i = 0; i < mz->cur.sc.nchans; i++) {
        if (mz->cur.sc.chans[i].cap == 0)
            continue;
        mz->cand = mz->cur.sc;
        mz->cand.chans[i].cap = 0;
        if (try_scenario(mz)) {
            kept = true;
            continue;
        }
        mz->cand = mz->cur.sc;
        mz->cand.chans[i].cap /= 2;
        kept |= try_scenario(mz);
    }
    return kept;
}

/* The shortest prefix of the draws that still fails (binary search; a
 * prefix that fails is confirmed by the run that keeps it). */
static bool pass_prefix(minimizer *mz) {
    size_t lo = 0, hi = mz->cur.nchoices;
    bool kept = false;
    while (lo < hi && !out_of_budget(mz)) {
        size_t mid = lo + (hi - lo) / 2;
        if (try_candidate(mz, &mz->cur.sc, &mz->cur.cfg, mz->cur.choices, mid, false)) {
            kept = true;
            hi = mz->cur.nchoices < mid ? mz->cur.nchoices : mid;
        } else {
            lo = mid + 1;
        }
    }
    return kept;
}

/* Reset draws to 0 in chunks, halving the chunk down to single draws
 * (delta debugging over the non-default draws). */
static bool pass_zero(minimizer *mz) {
    bool kept = false;
    size_t chunk = mz->cur.nchoices / 2;
    if (chunk == 0)
        chunk = 1;
    for (; chunk >= 1 && !out_of_budget(mz); chunk /= 2) {
        for (size_t start = 0; start < mz->cur.nchoices && !out_of_budget(mz); start += chunk) {
            size_t n = mz->cur.nchoices, end = start + chunk < n ? start + chunk : n, nonzero = 0;
            choice_record *c = malloc((n + 1) * sizeof *c);
            if (c == NULL)
                return kept;
            if (n > 0)
                memcpy(c, mz->cur.choices, n * sizeof *c);
            for (size_t i = start; i < end; i++) {
                nonzero += c[i].value != 0;
                c[i].value = 0;
            }
            if (nonzero > 0 && try_candidate(mz, &mz->cur.sc, &mz->cur.cfg, c, n, false))
                kept = true;
            free(c);
        }
        if (chunk == 1 || chunk < mz->cur.nchoices / 32)
            break;
    }
    return kept;
}

/* ---- sizes ---- */

typedef struct mz_sizes {
    uint32_t ops, bodies, procs, timed, goroutines;
    uint64_t events, choices, nondefault;
} mz_sizes;

static mz_sizes sizes_of(const mz_state *s) {
    mz_sizes z = {s->sc.nops, s->sc.nbodies,
                  (uint32_t)(s->cfg.rt.gomaxprocs ? s->cfg.rt.gomaxprocs : s->sc.gomaxprocs), s->sc.nevents, s->gs,
                  s->events, s->nchoices, 0};
    for (size_t i = 0; i < s->nchoices; i++)
        z.nondefault += s->choices[i].value != 0;
    return z;
}

static void print_sizes(FILE *out, const char *what, mz_sizes z) {
    fprintf(out,
            "%-7s ops %" PRIu32 ", bodies %" PRIu32 ", goroutines %" PRIu32 ", Ps %" PRIu32 ", timed events %" PRIu32
            ", events %" PRIu64 ", draws %" PRIu64 " (%" PRIu64 " not default)\n",
            what, z.ops, z.bodies, z.goroutines, z.procs, z.timed, z.events, z.choices, z.nondefault);
}

/* ---- output ---- */

static char *scenario_text(const minimizer *mz, const char *src, mz_sizes before, mz_sizes after) {
    char conf[4096];
    sim_config_format(&mz->cur.cfg, conf, sizeof conf);
    for (char *p = conf; (p = strchr(p, '\n')) != NULL && p[1] != 0;)
        *p++ = ' ';
    char sig[160];
    tg_sig_format(mz->sig, sig, sizeof sig);
    char head[8192];
    int h = snprintf(head, sizeof head,
                     "# minimized by gmpsim minimize from %s\n"
                     "# signature: %s\n"
                     "# events %" PRIu64 " -> %" PRIu64 ", ops %" PRIu32 " -> %" PRIu32 ", goroutines %" PRIu32
                     " -> %" PRIu32 ", draws %" PRIu64 " -> %" PRIu64 "\n"
                     "# fails only with its draws (choices.txt); repro.sh replays trace.gmt\n"
                     "# configuration: %s",
                     src, sig, before.events, after.events, before.ops, after.ops, before.goroutines,
                     after.goroutines, before.choices, after.choices, conf);
    size_t n = sc_format(&mz->cur.sc, NULL, 0);
    char *text = malloc((size_t)h + n + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, head, (size_t)h);
    sc_format(&mz->cur.sc, text + h, n + 1);
    return text;
}

static char *choices_text(const mz_state *s, size_t *len) {
    size_t cap = 128 + s->nchoices * 48;
    char *t = malloc(cap);
    if (t == NULL)
        return NULL;
    size_t n = (size_t)snprintf(t, cap, "# draw kind n value (draws past the last line answer 0)\n");
    for (size_t i = 0; i < s->nchoices; i++)
        n += (size_t)snprintf(t + n, cap - n, "%zu %s %" PRIu32 " %" PRIu32 "\n", i,
                              choice_kind_name(s->choices[i].kind), s->choices[i].n, s->choices[i].value);
    *len = n;
    return t;
}

/* A shell word: the text in single quotes. */
static void shell_quote(const char *s, char *buf, size_t len) {
    size_t n = 0;
    buf[n++] = '\'';
    for (; *s && n + 5 < len; s++) {
        if (*s == '\'') {
            memcpy(buf + n, "'\\''", 4);
            n += 4;
        } else {
            buf[n++] = *s;
        }
    }
    buf[n++] = '\'';
    buf[n] = 0;
}

static int write_result(minimizer *mz, const char *out, const char *src, mz_sizes before, mz_sizes after) {
    af_dir d;
    int e = af_dir_open(&d, out);
    if (e != 0) {
        fprintf(stderr, "gmpsim minimize: cannot create %s: %s\n", out, af_strerror(e));
        return EXIT_IO;
    }
    char path[4096], self[4096] = "gmpsim", q[8200];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 6] = 0;
    shell_quote(self, q, sizeof q);
    char repro[9000];
    char sig[160];
    tg_sig_format(mz->sig, sig, sizeof sig);
    snprintf(repro, sizeof repro,
             "#!/bin/sh\n# Reproduces %s (gmpsim minimize): replays trace.gmt from its own sections.\n"
             "G=${GMPSIM:-%s}\nexec \"$G\" replay \"$(dirname \"$0\")/trace.gmt\" \"$@\"\n",
             sig, q);
    size_t clen = 0;
    char *text = scenario_text(mz, src, before, after), *ch = choices_text(&mz->cur, &clen);
    e = text == NULL || ch == NULL ? ENOMEM : 0;
    if (e == 0)
        e = af_dir_write_file(&d, "scenario.gmp", text, strlen(text));
    if (e == 0)
        e = af_dir_write_file(&d, "choices.txt", ch, clen);
    if (e == 0)
        e = af_dir_write_file(&d, "repro.sh", repro, strlen(repro));
    if (e == 0 && af_dir_path(&d, "repro.sh", path, sizeof path) != NULL && chmod(path, 0755) != 0)
        e = errno;
    free(text);
    free(ch);
    if (e == 0 && af_dir_path(&d, "trace.gmt", path, sizeof path) != NULL) {
        sim_config c = mz->cur.cfg;
        c.check = true;
        c.replay = mz->cur.nchoices > 0 ? mz->cur.choices : no_choices;
        c.nreplay = mz->cur.nchoices;
        sim_result res;
        tr_error terr = {0};
        sim_run_to_file(&mz->cur.sc, &c, path, &res, &terr);
        sim_result_free(&res);
        if (terr.cls != TR_OK) {
            fprintf(stderr, "gmpsim minimize: %s\n", terr.msg);
            af_dir_abort(&d);
            return tr_err_exit_code(terr.cls);
        }
    }
    if (e != 0) {
        af_dir_abort(&d);
    } else {
        e = af_dir_commit(&d);
    }
    if (e != 0) {
        fprintf(stderr, "gmpsim minimize: cannot write %s: %s\n", out, af_strerror(e));
        return EXIT_IO;
    }
    return EXIT_OK;
}

/* ---- the command ---- */

typedef struct mz_opts {
    const char *out;
    uint64_t max_runs;
    uint64_t seconds;
    bool verbose;
} mz_opts;

static const cf_range runs_range = {1, 1000000}, seconds_range = {1, 86400};

static const cf_flag minimize_flags[] = {
    {.name = "out", .type = CF_STRING, .metavar = "OUT",
     .help = "the folder to write (-o OUT works too): scenario.gmp, choices.txt, trace.gmt, repro.sh",
     CF_AT(mz_opts, out), .example = "small"},
    {.name = "max-runs", .type = CF_UINT, .metavar = "N", .help = "stop after N candidate runs", .def = "5000",
     CF_AT(mz_opts, max_runs), .range = &runs_range},
    {.name = "seconds", .type = CF_UINT, .metavar = "N",
     .help = "stop after N seconds of wall-clock time (the result may then depend on the machine)", .def = "60",
     CF_AT(mz_opts, seconds), .range = &seconds_range},
    {.name = "verbose", .type = CF_BOOL, .help = "print each pass's sizes", CF_AT(mz_opts, verbose)},
};

const cf_command tg_minimize_command = {
    .name = "minimize", .args = "TRACE|FINDING", .min_args = 1, .max_args = 1,
    .summary = "Shrink a failing run while it fails the same way (docs/triage.md)",
    .about = "Loads the trace (or the first trace.gmt of a finding or failure folder), re-runs it, and removes\n"
             "workload (Ps, goroutines, ops, loop iterations, timed events, injected stalls and preemptions)\n"
             "and schedule (a shorter prefix of the draws, draws reset to their defaults) while every\n"
             "candidate, run with checking on, fails with the same signature.  Prints the sizes before and\n"
             "after and writes OUT atomically.  Exit 0 when OUT is written, 1 when the trace does not fail.",
    .flags = minimize_flags, .nflags = CF_NFLAGS(minimize_flags),
};

static void report_pass(const minimizer *mz, const char *name) {
    if (!mz->verbose)
        return;
    mz_sizes z = sizes_of(&mz->cur);
    fprintf(stderr, "  after %-8s runs %-5" PRIu64 " ops %" PRIu32 " Ps %" PRIu32 " events %" PRIu64 " draws %" PRIu64
            "\n", name, mz->runs, z.ops, z.procs, z.events, z.choices);
}

/* Workload passes until none keeps anything, then the schedule passes;
 * again while the schedule passes keep something. */
static void minimize_loop(minimizer *mz) {
    typedef struct { const char *name; bool (*fn)(minimizer *); } pass;
    static const pass workload[] = {
        {"config", pass_config}, {"procs", pass_procs}, {"timed", pass_timed_events}, {"ops", pass_ops},
        {"numbers", pass_numbers},
    };
    static const pass schedule[] = {{"prefix", pass_prefix}, {"zero", pass_zero}};
    for (bool again = true; again && !out_of_budget(mz);) {
        for (bool changed = true; changed && !out_of_budget(mz);) {
            changed = false;
            for (size_t i = 0; i < sizeof workload / sizeof workload[0] && !out_of_budget(mz); i++) {
                changed |= workload[i].fn(mz);
                report_pass(mz, workload[i].name);
            }
        }
        uint64_t events = mz->cur.events;
        for (size_t i = 0; i < sizeof schedule / sizeof schedule[0] && !out_of_budget(mz); i++) {
            schedule[i].fn(mz);
            report_pass(mz, schedule[i].name);
        }
        again = mz->cur.events < events;
    }
}

/* -o OUT as --out OUT: the one short flag the synopsis uses. */
static void long_out_flag(int argc, char **argv) {
    static char out_flag[] = "--out";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-o") == 0)
            argv[i] = out_flag;
    }
}

static int start(minimizer *mz, const char *path, FILE *report) {
    tg_recorded *r = malloc(sizeof *r);
    if (r == NULL)
        return EXIT_IO;
    int rc = tg_load("minimize", path, r);
    if (rc != EXIT_OK) {
        free(r);
        return rc;
    }
    mz->cur.sc = r->sc;
    mz->cur.cfg = r->cfg;
    mz->cur.events = UINT64_MAX;
    sim_result res;
    mz->sig = run_once(mz, &r->sc, &r->cfg, r->choices, r->nchoices, 0, &res);
    sim_result_free(&res);
    tg_recorded_free(r);
    free(r);
    char sig[160];
    tg_sig_format(mz->sig, sig, sizeof sig);
    if (!tg_sig_is_failure(mz->sig)) {
        fprintf(stderr, "gmpsim minimize: %s: the re-run does not fail (%s); nothing to minimize\n", path, sig);
        return 1;
    }
    /* Confirm with the re-run's own draws (a copy: the probe refills its own). */
    size_t n = mz->probe.nchoices;
    choice_record *c = malloc((n + 1) * sizeof *c);
    bool same = c != NULL;
    if (same) {
        if (n > 0)   /* a run that drew nothing has no choices array */
            memcpy(c, mz->probe.choices, n * sizeof *c);
        same = try_candidate(mz, &mz->cur.sc, &mz->cur.cfg, c, n, false);
    }
    free(c);
    if (!same) {
        fprintf(stderr, "gmpsim minimize: %s: the re-run is not deterministic (%s)\n", path, sig);
        return 1;
    }
    if (report != NULL)
        fprintf(report, "signature: %s\n", sig);
    return EXIT_OK;
}

int tg_minimize(const char *trace, const char *out, const tg_minimize_opts *o, FILE *report,
                tg_minimize_result *res) {
    int e = af_check_target(out);
    if (e == 0 && access(out, F_OK) == 0)
        e = EEXIST;
    if (e != 0) {
        fprintf(stderr, "gmpsim minimize: cannot write %s: %s\n", out, af_strerror(e));
        return EXIT_IO;
    }
    minimizer *mz = calloc(1, sizeof *mz);
    if (mz == NULL)
        return EXIT_IO;
    mz->max_runs = o->max_runs;
    mz->verbose = o->verbose;
    mz->deadline = now_s() + o->seconds;
    int rc = start(mz, trace, report);
    if (rc == EXIT_OK) {
        mz_sizes before = sizes_of(&mz->cur);
        double t0 = now_s();
        minimize_loop(mz);
        mz_sizes after = sizes_of(&mz->cur);
        if (report != NULL) {
            print_sizes(report, "before:", before);
            print_sizes(report, "after:", after);
            fprintf(report, "runs: %" PRIu64 " in %.1f s%s\n", mz->runs, now_s() - t0,
                    out_of_budget(mz) ? " (budget spent)" : "");
        }
        rc = write_result(mz, out, trace, before, after);
        if (rc == EXIT_OK && report != NULL)
            fprintf(report, "written: %s (scenario.gmp, choices.txt, trace.gmt, repro.sh)\n", out);
        if (res != NULL) {
            tg_sig_format(mz->sig, res->signature, sizeof res->signature);
            res->events_before = before.events;
            res->events_after = after.events;
            res->runs = mz->runs;
        }
    }
    free(mz->cur.choices);
    tg_probe_free(&mz->probe);
    free(mz);
    return rc;
}

int tg_cmd_minimize(int argc, char **argv) {
    mz_opts o = {.max_runs = 5000, .seconds = 60};
    long_out_flag(argc, argv);
    cf_parsed p;
    int rc = cf_parse(&tg_minimize_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (o.out == NULL) {
        fprintf(stderr, "gmpsim minimize: -o OUT is required\n");
        return EXIT_USAGE;
    }
    char path[4096];
    if (!tg_resolve_trace(p.pos[0], path, sizeof path))
        return EXIT_IO;
    tg_minimize_opts mo = {.max_runs = o.max_runs, .seconds = (double)o.seconds, .verbose = o.verbose};
    return tg_minimize(path, o.out, &mo, stdout, NULL);
}
