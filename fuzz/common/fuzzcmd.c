/*
 * fuzz/common/fuzzcmd.c: `gmpsim fuzz`, coverage-guided fuzzing of the
 * scheduler with a prebuilt harness (fuzz/sim_run) under libFuzzer or
 * AFL++ (docs/fuzzing.md).
 *
 * Layout of --out DIR:
 *   DIR/corpus/        the corpus; it persists and grows across invocations
 *                      (seeded from the committed corpus or --corpus when empty)
 *   DIR/crashes/       what the engine saved (libFuzzer artifacts)
 *   DIR/afl/           AFL++'s own output folder
 *   DIR/findings/<signature>/  the findings layout of campaigns
 *                      (fuzz/campaign/findings.h, docs/findings.md); each
 *                      reproducer r-<tag>/ holds input, input.min (libFuzzer's
 *                      minimization, when it fails the same way), scenario.gmp,
 *                      trace.gmt, result.txt, repro.sh; DIR/summary.json, DIR/junit.xml
 *   DIR/fuzz.log       the engine's own output
 * Exit status: 3 if anything failed, 0 if not, 10 when the harness or the
 * engine is missing (the message names the preset that builds it) or DIR
 * cannot be written, 64 on usage errors.
 *
 * Ownership: one invocation per DIR at a time; the engine runs as a child
 * process; everything here runs on the main thread.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/campaign/findings.h"
#include "fuzz/common/fuzzcmd.h"
#include "sim/conf.h"
#include "sim/fuzzinput.h"
#include "sim/invariant.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "traces/atomicfile.h"
#include "traces/flags.h"
#include "traces/trace.h"

#ifndef GMP_SOURCE_DIR
#define GMP_SOURCE_DIR "."
#endif

enum { MAX_CORPORA = 8, PATH_LEN = 4096 };

enum { ENGINE_LIBFUZZER, ENGINE_AFL };

typedef struct fuzz_opts {
    int engine;                /* ENGINE_* */
    uint64_t seconds;
    uint64_t jobs;
    const char *out;
    int mutant;
    const char *corpus[MAX_CORPORA];
    int ncorpus;
    bool merge;
    const char *harness;
} fuzz_opts;

/* ---- flags ---- */

static bool set_engine(void *opts, const char *v, char *why, size_t why_len) {
    if (strcmp(v, "libfuzzer") != 0 && strcmp(v, "afl") != 0) {
        snprintf(why, why_len, "is not libfuzzer or afl");
        return false;
    }
    ((fuzz_opts *)opts)->engine = strcmp(v, "afl") == 0 ? ENGINE_AFL : ENGINE_LIBFUZZER;
    return true;
}

static bool set_mutant(void *opts, const char *v, char *why, size_t why_len) {
    sim_config cfg;
    sim_config_default(&cfg);
    if (!sim_conf_set_text(&cfg, sim_conf_find("mutant"), v, why, why_len))
        return false;
    ((fuzz_opts *)opts)->mutant = cfg.rt.mutant;
    return true;
}

static bool add_corpus(void *opts, const char *v, char *why, size_t why_len) {
    fuzz_opts *o = opts;
    if (o->ncorpus >= MAX_CORPORA) {
        snprintf(why, why_len, "at most %d corpus folders", MAX_CORPORA);
        return false;
    }
    o->corpus[o->ncorpus++] = v;
    return true;
}

static const cf_range seconds_range = {1, 1000000};
static const cf_range jobs_range = {1, 256};

static const cf_flag fuzz_flags[] = {
    {.name = "engine", .type = CF_FUNC, .metavar = "libfuzzer|afl", .help = "the fuzzing engine", .def = "libfuzzer",
     .set = set_engine, .example = "libfuzzer"},
    {.name = "seconds", .type = CF_UINT, .metavar = "S", .help = "wall-clock budget", .def = "60",
     CF_AT(fuzz_opts, seconds), .range = &seconds_range},
    {.name = "jobs", .type = CF_UINT, .metavar = "N",
     .help = "engine processes (libFuzzer -fork=N; AFL++ one -M and N-1 -S)", .def = "1", CF_AT(fuzz_opts, jobs),
     .range = &jobs_range},
    {.name = "out", .type = CF_STRING, .metavar = "DIR", .help = "corpus/, crashes/, findings/ and fuzz.log go here",
     .def = "fuzz-out", CF_AT(fuzz_opts, out), .example = "fuzz-out"},
    {.name = "mutant", .type = CF_FUNC, .metavar = "NAME", .help = "switch on a seeded bug (`gmpsim mutants`)",
     .def = "none", .set = set_mutant, .example = "ready-skips-wakep"},
    {.name = "corpus", .type = CF_FUNC, .metavar = "DIR",
     .help = "extra seed inputs (default: the committed fuzz/sim_run/corpus when DIR/corpus is empty)",
     .set = add_corpus, .repeat = true, .example = "fuzz/sim_run/corpus"},
    {.name = "merge", .type = CF_BOOL, .help = "minimize DIR/corpus instead of fuzzing (libFuzzer -merge=1, afl-cmin)",
     CF_AT(fuzz_opts, merge)},
    {.name = "harness", .type = CF_STRING, .metavar = "FILE",
     .help = "the harness binary (default: found in the fuzz-fast, fuzz or afl build, or installed)",
     CF_AT(fuzz_opts, harness), .example = "build/fuzz-fast/fuzz/sim_run/fuzz_sim_run"},
};

const cf_command fz_fuzz_command = {
    .name = "fuzz", .args = "", .min_args = 0, .max_args = 0,
    .summary = "Coverage-guided fuzzing of the scheduler with libFuzzer or AFL++",
    .about = "Runs the prebuilt fuzz/sim_run harness (the fuzz-fast or fuzz preset for libFuzzer, the afl preset\n"
             "for AFL++) for --seconds, printing progress lines.  The corpus persists in DIR/corpus.  Each failure\n"
             "the engine finds is re-run here and filed under DIR/findings/<signature>/ with its input, a\n"
             "minimized input, scenario.gmp, trace.gmt, result.txt and repro.sh.  Exit 3 if anything failed,\n"
             "0 if not; 10 if the harness is missing (the message names the preset) or DIR is not writable.",
    .flags = fuzz_flags, .nflags = CF_NFLAGS(fuzz_flags),
};

/* ---- files ---- */

static bool is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_exec(const char *p) { return is_file(p) && access(p, X_OK) == 0; }

static void make_dir(const char *p) { mkdir(p, 0777); }

static bool dir_ready(const char *p) {
    make_dir(p);
    char probe[PATH_LEN];
    snprintf(probe, sizeof probe, "%s/.gmpsim-probe", p);
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0)
        return false;
    close(fd);
    unlink(probe);
    return true;
}

static size_t count_files(const char *dir) {
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    if (d != NULL)
        closedir(d);
    return n;
}

static bool copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb");
    if (in == NULL)
        return false;
    FILE *out = fopen(to, "wb");
    bool ok = out != NULL;
    char buf[8192];
    for (size_t n; ok && (n = fread(buf, 1, sizeof buf, in)) > 0;)
        ok = fwrite(buf, 1, n, out) == n;
    fclose(in);
    if (out != NULL)
        ok = fclose(out) == 0 && ok;
    return ok;
}

/* Copy every regular file of from into to (names kept). */
static void copy_dir(const char *from, const char *to) {
    DIR *d = opendir(from);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char a[PATH_LEN], b[PATH_LEN];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        if (e->d_name[0] != '.' && is_file(a) && !is_file(b))
            copy_file(a, b);
    }
    if (d != NULL)
        closedir(d);
}

/* ---- finding the harness ---- */

static void exe_dir(char *buf, size_t len) {
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    buf[n > 0 ? n : 0] = 0;
    char *slash = strrchr(buf, '/');
    if (slash != NULL)
        *slash = 0;
}

/* The harness binary for the engine, or NULL (then *preset names what builds it). */
static const char *find_harness(const fuzz_opts *o, char *buf, size_t len, const char **preset) {
    bool afl = o->engine == ENGINE_AFL;
    *preset = afl ? "afl" : "fuzz-fast";
    if (o->harness != NULL)
        return is_exec(o->harness) ? o->harness : NULL;
    const char *env = getenv("GMPSIM_FUZZ_HARNESS");
    if (env != NULL && is_exec(env))
        return env;
    char dir[PATH_LEN / 2];
    exe_dir(dir, sizeof dir);
    const char *name = afl ? "afl_sim_run" : "fuzz_sim_run";
    const char *const rel[] = {afl ? "../../afl" : "../../fuzz-fast", afl ? "../../afl" : "../../fuzz", ".."};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(buf, len, "%s/%s/fuzz/sim_run/%s", dir, rel[i], name);
        if (is_exec(buf))
            return buf;
    }
    snprintf(buf, len, "%s/../libexec/gmpsim/%s", dir, name);
    return is_exec(buf) ? buf : NULL;
}

static const char *in_path(const char *prog, char *buf, size_t len) {
    const char *path = getenv("PATH");
    for (const char *p = path; p != NULL && *p;) {
        const char *c = strchr(p, ':');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        snprintf(buf, len, "%.*s/%s", (int)n, p, prog);
        if (is_exec(buf))
            return buf;
        p = c ? c + 1 : NULL;
    }
    return NULL;
}

/* ---- running the engine ---- */

typedef struct progress {
    uint64_t execs, exec_s, corpus, cov, findings;
} progress;

static uint64_t field(const char *line, const char *key) {
    const char *p = strstr(line, key);
    return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* One line of the engine's output (libFuzzer or afl-fuzz -V). */
static void parse_line(const char *line, progress *pr) {
    if (line[0] == '#') {
        pr->execs = strtoull(line + 1, NULL, 10);
        if (strstr(line, "cov: "))
            pr->cov = field(line, "cov: ");
        if (strstr(line, "corp: "))
            pr->corpus = field(line, "corp: ");
        if (strstr(line, "exec/s: "))
            pr->exec_s = field(line, "exec/s: ");
        else if (strstr(line, "exec/s "))   /* -fork=N status lines */
            pr->exec_s = field(line, "exec/s ");
        const char *otc = strstr(line, "oom/timeout/crash: ");
        if (otc != NULL) {   /* -fork=N: the crashes so far are the third number */
            const char *third = strrchr(otc, '/');
            if (third != NULL)
                pr->findings = strtoull(third + 1, NULL, 10);
        }
    }
    if (strstr(line, "Test unit written to") || strstr(line, "Saved crash") || strstr(line, "+crashes "))
        pr->findings++;   /* libFuzzer saved an artifact; afl-fuzz -V prints "+crashes" counts */
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_progress(const progress *pr, double elapsed, uint64_t budget) {
    double left = (double)budget - elapsed;
    fprintf(stderr,
            "fuzz: %5.0fs left  execs %" PRIu64 "  exec/s %" PRIu64 "  corpus %" PRIu64 "  coverage %" PRIu64
            "  findings %" PRIu64 "\n",
            left > 0 ? left : 0, pr->execs, pr->exec_s, pr->corpus, pr->cov, pr->findings);
}

/* Run argv with env additions, its stdout and stderr into log (and parsed
 * for progress), stopping it at the deadline.  Returns its wait status. */
static int run_engine(char *const *argv, const char *log_path, uint64_t seconds, int mutant, progress *pr,
                      bool quiet) {
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        setpgid(0, 0);
        if (mutant != MUT_NONE)
            setenv("GMPSIM_MUTANT", rt_mutant_name(mutant), 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pipefd[1]);
    FILE *log = fopen(log_path, "a");
    FILE *in = fdopen(pipefd[0], "r");
    double start = now_s(), last = start;
    char line[4096];
    struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
    bool killed = false;
    for (;;) {
        double el = now_s() - start;
        if (!killed && el > (double)seconds + 30) {   /* the engine ignores its own budget: stop it */
            kill(-pid, SIGTERM);
            killed = true;
        }
        if (poll(&pfd, 1, 1000) > 0) {
            if (fgets(line, sizeof line, in) == NULL)
                break;
            if (log != NULL)
                fputs(line, log);
            parse_line(line, pr);
        }
        if (!quiet && now_s() - last >= 5) {
            last = now_s();
            print_progress(pr, now_s() - start, seconds);
        }
    }
    fclose(in);
    if (log != NULL)
        fclose(log);
    int st = 0;
    waitpid(pid, &st, 0);
    if (!quiet)
        print_progress(pr, now_s() - start, seconds);
    return st;
}

/* ---- findings (fuzz/campaign/findings.h) ---- */

static bool read_input(const char *path, uint8_t **data, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    *data = malloc(1 << 20);
    *n = *data ? fread(*data, 1, 1 << 20, f) : 0;
    fclose(f);
    return *data != NULL;
}

/* Re-run input as the harness does; its outcome. */
static int rerun(const char *path, int mutant, sim_result *res) {
    uint8_t *data;
    size_t n;
    if (!read_input(path, &data, &n))
        return -1;
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, n, &sc, &cfg, NULL);
    cfg.rt.mutant = mutant;
    int o = sim_run(&sc, &cfg, res);
    free(data);
    return o;
}

/* The findings signature of a re-run (findings.h), "" if it passed. */
static void signature(const sim_result *r, char *buf, size_t len) {
    buf[0] = 0;
    if (!sim_fuzz_is_finding(r->outcome))
        return;
    const char *inv = r->outcome == OUT_INVARIANT ? gmp_invariant_name(r->invariant) : NULL;
    bool site = r->outcome == OUT_INVARIANT && r->site_kind >= 0 && r->site_kind < EV__COUNT && r->site_fn;
    fnd_signature(buf, len, sim_outcome_name(r->outcome), inv, site ? tr_kinds[r->site_kind].name : NULL,
                  site ? r->site_fn : NULL);
}

/* Run this gmpsim with args, stdout and stderr into out_path. */
static int self(char *const *args, const char *out_path) {
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv("/proc/self/exe", args);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

typedef struct fill_ctx {
    const fuzz_opts *o;
    const char *harness;
    const char *path;          /* the engine's saved input */
    const char *sig;
} fill_ctx;

/* The reproducer folder: input, input.min (libFuzzer's minimization, kept
 * when it fails with the same signature), scenario.gmp, trace.gmt,
 * result.txt, repro.sh. */
static bool fill(void *ctxp, af_dir *d) {
    const fill_ctx *c = ctxp;
    char in[PATH_LEN], min[PATH_LEN], p[PATH_LEN], trace[PATH_LEN], result[PATH_LEN], scen[PATH_LEN];
    af_dir_path(d, "input", in, sizeof in);
    if (!copy_file(c->path, in))
        return false;
    const char *input = "input";
    af_dir_path(d, "input.min", min, sizeof min);
    if (strstr(c->harness, "fuzz_") != NULL) {   /* libFuzzer minimizes it */
        char arg1[PATH_LEN + 32], log[PATH_LEN];
        snprintf(arg1, sizeof arg1, "-exact_artifact_path=%s", min);
        af_dir_path(d, "minimize.log", log, sizeof log);
        char *argv[] = {(char *)c->harness, "-minimize_crash=1", "-max_total_time=10", arg1, in, NULL};
        progress unused = {0};
        run_engine(argv, log, 10, c->o->mutant, &unused, true);
        sim_result m;
        char msig[FND_SIG_LEN] = "";
        if (is_file(min) && rerun(min, c->o->mutant, &m) >= 0) {
            signature(&m, msig, sizeof msig);
            sim_result_free(&m);
        }
        if (strcmp(msig, c->sig) == 0)
            input = "input.min";
        else
            unlink(min);
    }
    snprintf(p, sizeof p, "%s", strcmp(input, "input.min") == 0 ? min : in);
    af_dir_path(d, "trace.gmt", trace, sizeof trace);
    af_dir_path(d, "result.txt", result, sizeof result);
    af_dir_path(d, "scenario.gmp", scen, sizeof scen);
    char *run_args[] = {"gmpsim", "run", "--fuzz-input", p, "--mutant", (char *)rt_mutant_name(c->o->mutant),
                        "--trace", trace, NULL};
    self(run_args, result);
    char *fmt_args[] = {"gmpsim", "fmt-input", p, NULL};
    self(fmt_args, scen);
    char sh[1024];
    int n = snprintf(sh, sizeof sh,
                     "#!/bin/sh\n# Re-run this finding of gmpsim fuzz; exit 3 means the invariant still fails.\n"
                     "cd \"$(dirname \"$0\")\"\nexec \"${GMPSIM:-gmpsim}\" run --fuzz-input %s --mutant %s \"$@\"\n",
                     input, rt_mutant_name(c->o->mutant));
    if (af_dir_write_file(d, "repro.sh", sh, (size_t)n) != 0)
        return false;
    chmod(af_dir_path(d, "repro.sh", p, sizeof p), 0755);
    return true;
}

/* Merge one input the engine saved into DIR/findings (fnd_record).
 * Returns true if it failed. */
static bool file_finding(const fuzz_opts *o, const char *harness, const char *path, uint64_t *nth) {
    sim_result r;
    int out = rerun(path, o->mutant, &r);
    if (out < 0)
        return false;
    char sig[FND_SIG_LEN], tag[64];
    signature(&r, sig, sizeof sig);
    bool failed = sig[0] != 0;
    if (!failed)   /* the engine saw a crash the re-run does not reproduce (a harness crash) */
        fnd_signature(sig, sizeof sig, "crash", NULL, NULL, NULL);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dash = strrchr(base, '-');
    snprintf(tag, sizeof tag, "fz-%.12s-%" PRIu64, dash ? dash + 1 : base, ++*nth);
    char site[160] = "";
    if (failed && out == OUT_INVARIANT && r.site_kind >= 0 && r.site_kind < EV__COUNT && r.site_fn != NULL)
        snprintf(site, sizeof site, "%s in %s()", tr_kinds[r.site_kind].name, r.site_fn);
    fill_ctx fc = {o, harness, path, sig};
    fnd_case c = {.signature = sig, .outcome = failed ? sim_outcome_name(out) : "crash",
                  .detail = out == OUT_INVARIANT ? gmp_invariant_name(r.invariant) : NULL,
                  .site = site[0] ? site : NULL, .message = r.message,
                  .tag = tag, .events = r.events, .fill = fill, .ctx = &fc};
    fnd_verdict v;
    int e = fnd_record(o->out, &c, &v);
    if (e != 0)
        fprintf(stderr, "gmpsim fuzz: cannot record %s: %s\n", path, af_strerror(e));
    else if (v.is_new)
        fprintf(stderr, "fuzz: FINDING %s: %s/findings/%s/%s\n", sig, o->out, sig, v.reproducer);
    sim_result_free(&r);
    return true;
}

/* Every file the engine saved in dir whose name starts with prefix. */
static uint64_t file_findings(const fuzz_opts *o, const char *harness, const char *dir, const char *prefix,
                              uint64_t *nth) {
    uint64_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char p[PATH_LEN];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0 || !is_file(p))
            continue;
        n += file_finding(o, harness, p, nth);
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* ---- engines ---- */

static void seed_corpus(const fuzz_opts *o, const char *corpus) {
    for (int i = 0; i < o->ncorpus; i++)
        copy_dir(o->corpus[i], corpus);
    if (count_files(corpus) == 0)
        copy_dir(GMP_SOURCE_DIR "/fuzz/sim_run/corpus", corpus);
}

static int run_libfuzzer(const fuzz_opts *o, const char *harness, progress *pr) {
    char corpus[PATH_LEN], crashes[PATH_LEN], log[PATH_LEN];
    snprintf(corpus, sizeof corpus, "%s/corpus", o->out);
    snprintf(crashes, sizeof crashes, "%s/crashes", o->out);
    snprintf(log, sizeof log, "%s/fuzz.log", o->out);
    make_dir(corpus);
    make_dir(crashes);
    char a_time[64], a_art[PATH_LEN + 32], a_fork[64], a_dict[PATH_LEN + 16];
    snprintf(a_time, sizeof a_time, "-max_total_time=%" PRIu64, o->seconds);
    snprintf(a_art, sizeof a_art, "-artifact_prefix=%s/", crashes);
    snprintf(a_fork, sizeof a_fork, "-fork=%" PRIu64, o->jobs);
    snprintf(a_dict, sizeof a_dict, "-dict=%s/fuzz/sim_run/fuzz_sim_run.dict", GMP_SOURCE_DIR);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)harness;
    argv[n++] = a_time;
    argv[n++] = a_art;
    argv[n++] = "-max_len=4096";
    argv[n++] = "-print_final_stats=1";
    if (is_file(a_dict + 6))
        argv[n++] = a_dict;
    if (o->jobs > 1) {
        argv[n++] = a_fork;
        argv[n++] = "-ignore_crashes=1";
    }
    argv[n++] = corpus;
    argv[n] = NULL;
    fprintf(stderr, "fuzz: libFuzzer %s, %" PRIu64 " s, %" PRIu64 " job(s), corpus %s (%zu inputs), mutant %s\n",
            harness, o->seconds, o->jobs, corpus, count_files(corpus), rt_mutant_name(o->mutant));
    run_engine(argv, log, o->seconds, o->mutant, pr, false);
    return 0;
}

static int run_afl(const fuzz_opts *o, const char *harness, progress *pr) {
    char afl[PATH_LEN], corpus[PATH_LEN], outdir[PATH_LEN / 2], log[PATH_LEN], secs[32];
    if (in_path("afl-fuzz", afl, sizeof afl) == NULL) {
        fprintf(stderr, "gmpsim fuzz: afl-fuzz is not on PATH (Debian package afl++)\n");
        return EXIT_IO;
    }
    snprintf(corpus, sizeof corpus, "%s/corpus", o->out);
    snprintf(outdir, sizeof outdir, "%s/afl", o->out);
    snprintf(log, sizeof log, "%s/fuzz.log", o->out);
    snprintf(secs, sizeof secs, "%" PRIu64, o->seconds);
    setenv("AFL_SKIP_CPUFREQ", "1", 1);
    setenv("AFL_NO_UI", "1", 1);
    setenv("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1", 1);
    setenv("AFL_NO_AFFINITY", "1", 1);
    pid_t secondaries[256];
    for (uint64_t j = 1; j < o->jobs; j++) {
        char name[32];
        snprintf(name, sizeof name, "s%" PRIu64, j);
        secondaries[j] = fork();
        if (secondaries[j] == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
            dup2(fd, 2);
            if (o->mutant != MUT_NONE)
                setenv("GMPSIM_MUTANT", rt_mutant_name(o->mutant), 1);
            execl(afl, "afl-fuzz", "-i", corpus, "-o", outdir, "-V", secs, "-S", name, "--", harness, (char *)NULL);
            _exit(127);
        }
    }
    char *argv[] = {afl, "-i", corpus, "-o", outdir, "-V", secs, "-M", "main", "--", (char *)harness, NULL};
    fprintf(stderr, "fuzz: AFL++ %s, %" PRIu64 " s, %" PRIu64 " instance(s), corpus %s\n", harness, o->seconds,
            o->jobs, corpus);
    run_engine(argv, log, o->seconds, o->mutant, pr, false);
    for (uint64_t j = 1; j < o->jobs; j++)
        waitpid(secondaries[j], NULL, 0);
    for (uint64_t j = 0; j < o->jobs; j++) {   /* the corpus grows with what AFL++ kept */
        char q[PATH_LEN];
        if (j == 0)
            snprintf(q, sizeof q, "%s/main/queue", outdir);
        else
            snprintf(q, sizeof q, "%s/s%" PRIu64 "/queue", outdir, j);
        copy_dir(q, corpus);
    }
    return 0;
}

static int merge(const fuzz_opts *o, const char *harness) {
    char corpus[PATH_LEN], merged[PATH_LEN], old[PATH_LEN], log[PATH_LEN];
    snprintf(corpus, sizeof corpus, "%s/corpus", o->out);
    snprintf(merged, sizeof merged, "%s/corpus.merged", o->out);
    snprintf(old, sizeof old, "%s/corpus.old", o->out);
    snprintf(log, sizeof log, "%s/fuzz.log", o->out);
    make_dir(merged);
    size_t before = count_files(corpus);
    progress pr = {0};
    if (o->engine == ENGINE_AFL) {
        char cmin[PATH_LEN];
        if (in_path("afl-cmin", cmin, sizeof cmin) == NULL) {
            fprintf(stderr, "gmpsim fuzz: afl-cmin is not on PATH (Debian package afl++)\n");
            return EXIT_IO;
        }
        rmdir(merged);
        char *argv[] = {cmin, "-i", corpus, "-o", merged, "--", (char *)harness, NULL};
        run_engine(argv, log, 600, MUT_NONE, &pr, true);
    } else {
        char *argv[] = {(char *)harness, "-merge=1", merged, corpus, NULL};
        run_engine(argv, log, 600, MUT_NONE, &pr, true);
    }
    size_t after = count_files(merged);
    if (after == 0 && before > 0) {
        fprintf(stderr, "gmpsim fuzz: the merge produced nothing; %s is unchanged (see %s)\n", corpus, log);
        return EXIT_IO;
    }
    if (rename(corpus, old) != 0 || rename(merged, corpus) != 0) {
        fprintf(stderr, "gmpsim fuzz: cannot replace %s: %s\n", corpus, strerror(errno));
        return EXIT_IO;
    }
    char *rm[] = {"/bin/rm", "-rf", old, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execv(rm[0], rm);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    printf("fuzz: merged %s: %zu inputs -> %zu\n", corpus, before, after);
    return EXIT_OK;
}

int fz_cmd_fuzz(int argc, char **argv) {
    fuzz_opts o = {.engine = ENGINE_LIBFUZZER, .seconds = 60, .jobs = 1, .out = "fuzz-out", .mutant = MUT_NONE};
    cf_parsed p;
    int rc = cf_parse(&fz_fuzz_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    char buf[PATH_LEN];
    const char *preset;
    const char *harness = find_harness(&o, buf, sizeof buf, &preset);
    if (harness == NULL) {
        fprintf(stderr,
                "gmpsim fuzz: no %s harness%s%s; build it with:\n  cmake --preset %s && cmake --build --preset %s "
                "--target %s\n",
                o.engine == ENGINE_AFL ? "AFL++" : "libFuzzer", o.harness ? " at " : "", o.harness ? o.harness : "",
                preset, preset, o.engine == ENGINE_AFL ? "afl_sim_run" : "fuzz_sim_run");
        return EXIT_IO;
    }
    int e0 = dir_ready(o.out) ? fnd_prepare(o.out) : errno;
    if (e0 != 0) {
        fprintf(stderr, "gmpsim fuzz: cannot write into --out %s: %s\n", o.out, af_strerror(e0));
        return EXIT_IO;
    }
    if (o.merge)
        return merge(&o, harness);
    char corpus[PATH_LEN];
    snprintf(corpus, sizeof corpus, "%s/corpus", o.out);
    make_dir(corpus);
    seed_corpus(&o, corpus);
    progress pr = {0};
    bool afl = o.engine == ENGINE_AFL;
    rc = afl ? run_afl(&o, harness, &pr) : run_libfuzzer(&o, harness, &pr);
    if (rc != 0)
        return rc;
    char dir[PATH_LEN];
    uint64_t found = 0, nth = 0;
    if (afl) {
        for (uint64_t j = 0; j < o.jobs; j++) {
            if (j == 0)
                snprintf(dir, sizeof dir, "%s/afl/main/crashes", o.out);
            else
                snprintf(dir, sizeof dir, "%s/afl/s%" PRIu64 "/crashes", o.out, j);
            found += file_findings(&o, harness, dir, "id:", &nth);
        }
    } else {
        snprintf(dir, sizeof dir, "%s/crashes", o.out);
        found += file_findings(&o, harness, dir, "crash-", &nth);
        found += file_findings(&o, harness, dir, "timeout-", &nth);
    }
    fnd_campaign fc = {.command = "fuzz", .runs = pr.execs, .jobs = o.jobs, .failures = found,
                       .seconds = (double)o.seconds, .mutant = rt_mutant_name(o.mutant),
                       .exit_code = found ? EXIT_INVARIANT : EXIT_OK};
    int e = fnd_summary(o.out, &fc);
    if (e != 0)
        fprintf(stderr, "gmpsim fuzz: cannot write %s/summary.json: %s\n", o.out, af_strerror(e));
    printf("fuzz: %s corpus %zu inputs; %" PRIu64 " failing input(s)%s%s/findings\n", o.out, count_files(corpus),
           found, found ? " filed under " : "", found ? o.out : "");
    return found ? EXIT_INVARIANT : EXIT_OK;
}
