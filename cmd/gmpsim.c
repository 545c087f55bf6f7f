/*
 * cmd/gmpsim.c: the command line.  Each subcommand parses its flags and
 * calls into the layer that owns the work (docs/cli.md).
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "sim/conf.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "fuzz/campaign/campaign.h"
#include "replay/replay.h"
#include "traces/atomicfile.h"
#include "traces/capture.h"
#include "traces/tools.h"

/* --plugin FILE.so: load a shared object and call its
 * gmpsim_plugin_init(), which registers invariants (docs/invariants.md). */
static int load_plugin(const char *path) {
    void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (h == NULL) {
        fprintf(stderr, "gmpsim: cannot load plugin %s: %s\n", path, dlerror());
        return EXIT_USAGE;
    }
    void (*init)(void);
    *(void **)&init = dlsym(h, "gmpsim_plugin_init");
    if (init == NULL) {
        fprintf(stderr, "gmpsim: plugin %s has no gmpsim_plugin_init()\n", path);
        return EXIT_USAGE;
    }
    init();
    return EXIT_OK;
}

/* Take every "--plugin FILE" out of argv (any command), loading each. */
static int take_plugins(int *argc, char **argv) {
    int w = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--plugin") == 0 && i + 1 < *argc) {
            int rc = load_plugin(argv[++i]);
            if (rc != EXIT_OK)
                return rc;
            continue;
        }
        argv[w++] = argv[i];
    }
    *argc = w;
    return EXIT_OK;
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: gmpsim COMMAND [ARGS]\n"
            "\n"
            "commands:\n"
            "  run SCENARIO [flags]     run a scenario (a .gmp file or builtin:NAME) and report\n"
            "  gen-go SCENARIO          write the equivalent Go program to stdout\n"
            "  campaign [flags]         bounded fuzzing campaign over the built-in scenarios (--seconds N)\n"
            "  sweep [flags]            digest of every built-in scenario under a fixed matrix\n"
            "  replay TRACE [--at N]    re-run a trace file from its own sections, compare event by event\n"
            "  dump TRACE [flags]       print a trace file, one event per line\n"
            "  export TRACE --perfetto OUT.json | --html OUT.html\n"
            "  builtins                 list the built-in scenarios\n"
            "  mutants                  list the seeded scheduler bugs\n"
            "\n"
            "run flags:\n"
            "  --procs N                initial GOMAXPROCS (default: the scenario's)\n"
            "  --seed S                 seed of the choice source (default 1)\n"
            "  --strategy S             random (default) | pct:D | rr\n"
            "  --check                  check every invariant after every event\n"
            "  --json                   print one JSON object instead of text\n"
            "  --mutant NAME            switch on one seeded bug (see `gmpsim mutants`)\n"
            "  --preempt-rate N         inject a preemption at 1 in N safe points (0: off)\n"
            "  --stall-rate N           stall a thread at 1 in N switch points (0: off)\n"
            "  --jitter DURATION        contended steps take up to DURATION longer (0: off, at most 1ms)\n"
            "  --stack-size KB          goroutine stack size in KiB, 16..65536 (default 64)\n"
            "  --vt-limit DURATION      virtual time budget, e.g. 1.5ms, 2h (default 60s, at most 76h; 0: 76h)\n"
            "  --check-determinism      run twice and compare every event\n"
            "  --plugin FILE.so         load invariants from a plugin (any command)\n"
            "  --strict-work            strict work conservation (reports Go 1.19's own gaps)\n"
            "  --fixed-costs            use each measured cost's median, draw none (docs/simulator.md)\n"
            "  --trace FILE             record every event to FILE (written atomically; - for stdout)\n"
            "  --max-schedules N        schedule() budget\n"
            "\n"
            "exit codes: 0 ok, 2 deadlock, 3 invariant violated, 4 hang/budget, 5 resource limit,\n"
            "            6 panic, 7 input rejected, 8 trace rejected, 9 replay diverged,\n"
            "            10 I/O error, 64 usage\n");
}

static bool parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != 0)
        return false;
    *out = v;
    return true;
}

/* Load SCENARIO: a path, or builtin:NAME. */
static int load_scenario(const char *arg, scenario *sc) {
    sc_error err = {0};
    if (strncmp(arg, "builtin:", 8) == 0) {
        for (size_t i = 0; i < sc_nbuiltins; i++) {
            if (strcmp(sc_builtins[i].name, arg + 8) == 0) {
                if (sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), sc, &err))
                    return EXIT_OK;
                fprintf(stderr, "gmpsim: builtin %s: %u:%u: %s\n", arg + 8, err.line, err.col, err.msg);
                return EXIT_REJECTED;
            }
        }
        fprintf(stderr, "gmpsim: no built-in scenario named %s (see `gmpsim builtins`)\n", arg + 8);
        return EXIT_USAGE;
    }
    if (sc_parse_file(arg, sc, &err))
        return EXIT_OK;
    if (err.line == 0) {
        fprintf(stderr, "gmpsim: %s: %s\n", arg, err.msg);
        return EXIT_IO;
    }
    fprintf(stderr, "%s:%u:%u: %s\n", arg, err.line, err.col, err.msg);
    return EXIT_REJECTED;
}

typedef struct run_opts {
    sim_config cfg;
    const char *trace_path;
    bool json;
    bool check_determinism;
} run_opts;

/* The run flags that set a configuration key (sim/conf.def), and how the
 * flag's text becomes the key's value.  Ranges come from the key's row. */
enum { FLAG_NUM, FLAG_TEXT, FLAG_DURATION, FLAG_KIB };
static const struct {
    const char *flag, *key;
    int conv;
} conf_flags[] = {
    {"--procs", "procs", FLAG_NUM},         {"--seed", "seed", FLAG_NUM},
    {"--strategy", "strategy", FLAG_TEXT},  {"--mutant", "mutant", FLAG_TEXT},
    {"--preempt-rate", "preempt_rate", FLAG_NUM}, {"--stall-rate", "stall_rate", FLAG_NUM},
    {"--jitter", "jitter_ns", FLAG_DURATION},     {"--stack-size", "stack_bytes", FLAG_KIB},
    {"--vt-limit", "vt_limit_ns", FLAG_DURATION}, {"--max-schedules", "max_schedules", FLAG_NUM},
};

/* Set the key behind flag from v.  1: not such a flag; 0: set; else
 * EXIT_USAGE after a message naming the flag and the key's range. */
static int set_conf_flag(sim_config *cfg, const char *flag, const char *v) {
    size_t i = 0;
    while (i < sizeof conf_flags / sizeof conf_flags[0] && strcmp(conf_flags[i].flag, flag) != 0)
        i++;
    if (i == sizeof conf_flags / sizeof conf_flags[0])
        return 1;
    const sim_conf_key *k = sim_conf_find(conf_flags[i].key);
    char why[200] = "";
    uint64_t u = 0;
    int64_t ns = 0;
    bool ok;
    switch (conf_flags[i].conv) {
    case FLAG_TEXT: ok = sim_conf_set_text(cfg, k, v, why, sizeof why); break;
    case FLAG_DURATION:
        ok = sim_conf_parse_duration(v, INT64_MAX, &ns, why, sizeof why) &&
             sim_conf_set(cfg, k, (uint64_t)ns, why, sizeof why);
        break;
    case FLAG_KIB:
        ok = parse_u64(v, &u) && u <= UINT64_MAX / 1024 && sim_conf_set(cfg, k, u * 1024, why, sizeof why);
        break;
    default: ok = parse_u64(v, &u) && sim_conf_set(cfg, k, u, why, sizeof why); break;
    }
    if (ok)
        return 0;
    fprintf(stderr, "gmpsim: bad value for %s: %s%s%s\n", flag, v, why[0] ? ": " : "", why);
    return EXIT_USAGE;
}

static int parse_run_flags(int argc, char **argv, run_opts *o) {
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (strcmp(a, "--check") == 0) {
            o->cfg.check = true;
        } else if (strcmp(a, "--fixed-costs") == 0) {
            o->cfg.fixed_costs = true;
        } else if (strcmp(a, "--strict-work") == 0) {
            o->cfg.strict_work = true;
        } else if (strcmp(a, "--check-determinism") == 0) {
            o->check_determinism = true;
        } else if (v == NULL) {
            fprintf(stderr, "gmpsim: unknown flag or missing value: %s\n", a);
            return EXIT_USAGE;
        } else if (strcmp(a, "--trace") == 0) {
            o->trace_path = v, i++;
        } else {
            int rc = set_conf_flag(&o->cfg, a, v);
            if (rc == 1)
                fprintf(stderr, "gmpsim: unknown flag: %s\n", a);
            if (rc != 0)
                return EXIT_USAGE;
            i++;
        }
    }
    return EXIT_OK;
}

static int check_determinism(const scenario *sc, run_opts *o) {
    tr_capture cap[2] = {{0}};
    sim_result res[2];
    for (int r = 0; r < 2; r++) {
        sim_config cfg = o->cfg;
        cfg.sinks[cfg.nsinks++] = tr_capture_sink(&cap[r]);
        sim_run(sc, &cfg, &res[r]);
    }
    size_t i = tr_capture_first_difference(&cap[0], &cap[1]);
    int rc = EXIT_OK;
    if (i < cap[0].n || cap[0].n != cap[1].n || res[0].digest != res[1].digest || cap[0].lost || cap[1].lost) {
        char a[256] = "(end of run)", b[256] = "(end of run)";
        if (i < cap[0].n)
            tr_format(a, sizeof a, i, &cap[0].ev[i]);
        if (i < cap[1].n)
            tr_format(b, sizeof b, i, &cap[1].ev[i]);
        printf("NOT deterministic: runs diverge at event %zu\n  run 1: %s\n  run 2: %s\n", i, a, b);
        rc = EXIT_DIVERGED;
    } else {
        printf("deterministic: 2 runs, %zu events each, digest %016" PRIx64 "\n", cap[0].n, res[0].digest);
    }
    for (int r = 0; r < 2; r++) {
        tr_capture_free(&cap[r]);
        sim_result_free(&res[r]);
    }
    return rc;
}

/* --trace OUT may be written: "-", absent or a regular file, and not the
 * scenario file itself.  Checked before the run, so a bad path costs
 * nothing (exit 10). */
static int check_trace_output(const char *out, const char *scenario_arg) {
    int e = af_check_target(out);
    if (e == 0 && strncmp(scenario_arg, "builtin:", 8) != 0)
        e = af_check_not_input(out, scenario_arg);
    if (e == 0)
        return EXIT_OK;
    fprintf(stderr, "gmpsim: cannot write %s: %s\n", out, af_strerror(e));
    return EXIT_IO;
}

static int cmd_run(int argc, char **argv) {
    if (argc < 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    static scenario sc;
    int rc = load_scenario(argv[0], &sc);
    if (rc != EXIT_OK)
        return rc;
    run_opts o = {0};
    sim_config_default(&o.cfg);
    rc = parse_run_flags(argc - 1, argv + 1, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.check_determinism && (o.trace_path != NULL || o.json)) {
        fprintf(stderr, "gmpsim: --check-determinism prints its own verdict; it takes neither --trace nor --json\n");
        return EXIT_USAGE;
    }
    if (o.check_determinism)
        return check_determinism(&sc, &o);
    if (o.trace_path != NULL && (rc = check_trace_output(o.trace_path, argv[0])) != EXIT_OK)
        return rc;
    /* The trace on standard output: the report goes to stderr. */
    FILE *report = o.trace_path != NULL && strcmp(o.trace_path, "-") == 0 ? stderr : stdout;
    sim_result res;
    if (o.trace_path != NULL) {
        tr_error terr = {0};
        sim_run_to_file(&sc, &o.cfg, o.trace_path, &res, &terr);
        if (terr.cls != TR_OK) {
            fprintf(stderr, "gmpsim: %s\n", terr.msg);
            sim_result_free(&res);
            return tr_err_exit_code(terr.cls);
        }
    } else {
        sim_run(&sc, &o.cfg, &res);
    }
    if (o.json)
        sim_report_json(report, &sc, &res);
    else
        sim_report_text(report, &sc, &res);
    sim_result_free(&res);
    return sim_outcome_exit_code(res.outcome);
}

static int cmd_gen_go(int argc, char **argv) {
    if (argc != 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    static scenario sc;
    int rc = load_scenario(argv[0], &sc);
    if (rc != EXIT_OK)
        return rc;
    size_t n = sc_gen_go(&sc, NULL, 0);
    char *buf = malloc(n + 1);
    if (buf == NULL)
        return EXIT_RESOURCE;
    sc_gen_go(&sc, buf, n + 1);
    fwrite(buf, 1, n, stdout);
    free(buf);
    return EXIT_OK;
}

static int cmd_builtins(void) {
    for (size_t i = 0; i < sc_nbuiltins; i++)
        printf("%s\n", sc_builtins[i].name);
    return EXIT_OK;
}

static int cmd_mutants(void) {
    for (int i = 1; i < MUT__COUNT; i++)
        printf("%-28s %s\n", rt_mutant_name(i), rt_mutant_desc(i));
    return EXIT_OK;
}

int main(int argc, char **argv) {
    int prc = take_plugins(&argc, argv);
    if (prc != EXIT_OK)
        return prc;
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *c = argv[1];
    if (strcmp(c, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(c, "gen-go") == 0)
        return cmd_gen_go(argc - 2, argv + 2);
    if (strcmp(c, "campaign") == 0)
        return fz_cmd_campaign(argc - 2, argv + 2);
    if (strcmp(c, "sweep") == 0)
        return fz_cmd_sweep(argc - 2, argv + 2);
    if (strcmp(c, "replay") == 0)
        return rp_cmd_replay(argc - 1, argv + 1);
    if (strcmp(c, "dump") == 0)
        return tr_cmd_dump(argc - 1, argv + 1);
    if (strcmp(c, "export") == 0)
        return tr_cmd_export(argc - 1, argv + 1);
    if (strcmp(c, "builtins") == 0)
        return cmd_builtins();
    if (strcmp(c, "mutants") == 0)
        return cmd_mutants();
    fprintf(stderr, "gmpsim: unknown command %s\n", c);
    usage(stderr);
    return EXIT_USAGE;
}
