/* cmd/run.c: `gmpsim run` and `gmpsim gen-go` (docs/cli.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "replay/replay.h"
#include "sim/conf.h"
#include "sim/report.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/atomicfile.h"

int cmd_load_scenario(const char *arg, scenario *sc) {
    sc_error err = {0};
    if (strncmp(arg, "builtin:", 8) == 0) {
        const char *names[64];
        size_t n = 0;
        for (size_t i = 0; i < sc_nbuiltins; i++) {
            if (strcmp(sc_builtins[i].name, arg + 8) == 0) {
                if (sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), sc, &err))
                    return EXIT_OK;
                fprintf(stderr, "gmpsim: builtin %s: %u:%u: %s\n", arg + 8, err.line, err.col, err.msg);
                return EXIT_REJECTED;
            }
            if (n < sizeof names / sizeof names[0])
                names[n++] = sc_builtins[i].name;
        }
        const char *s = cf_suggest(arg + 8, names, n);
        fprintf(stderr, "gmpsim: no built-in scenario named %s%s%s%s (see `gmpsim builtins`)\n", arg + 8,
                s ? "; did you mean builtin:" : "", s ? s : "", s ? "?" : "");
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

/* ---- run ---- */

typedef struct run_opts {
    sim_config cfg;
    const char *trace_path;
    const char *fuzz_input;
    bool json;
    bool check_determinism;
} run_opts;

/* Text-valued keys go through the key table's own parser. */
static bool set_strategy(void *opts, const char *v, char *why, size_t why_len) {
    return sim_conf_set_text(&((run_opts *)opts)->cfg, sim_conf_find("strategy"), v, why, why_len);
}

static bool set_mutant(void *opts, const char *v, char *why, size_t why_len) {
    return sim_conf_set_text(&((run_opts *)opts)->cfg, sim_conf_find("mutant"), v, why, why_len);
}

/* Flags that set a configuration key share its range (sim/conf.def). */
#define CONF_RANGE(key) .range = &sim_conf_ranges[SIMK_##key], .conf_key = #key

static const cf_flag run_flags[] = {
    {.name = "procs", .type = CF_UINT, .metavar = "N", .help = "initial GOMAXPROCS (0: the scenario's)",
     .def = "the scenario's", CF_AT(run_opts, cfg.rt.gomaxprocs), CONF_RANGE(procs)},
    {.name = "seed", .type = CF_UINT, .metavar = "S", .help = "seed of the choice source", .def = "1",
     CF_AT(run_opts, cfg.seed), CONF_RANGE(seed)},
    {.name = "strategy", .type = CF_FUNC, .metavar = "random|pct:D|rr",
     .help = "random: time order, random ties; pct:D: PCT of depth D (1..16); rr: round robin",
     .def = "random", .set = set_strategy, .example = "pct:3"},
    {.name = "trace", .type = CF_STRING, .metavar = "FILE", .help = "record every event to FILE (atomically; - for stdout)",
     CF_AT(run_opts, trace_path), .example = "run.gmt"},
    {.name = "fuzz-input", .type = CF_STRING, .metavar = "FILE",
     .help = "run a fuzz/sim_run input (libFuzzer, AFL++) exactly as the harness does, instead of SCENARIO; "
             "takes --trace, --json and --mutant (default $GMPSIM_MUTANT)",
     CF_AT(run_opts, fuzz_input), .example = "crash-0123"},
    {.name = "check", .type = CF_BOOL, .help = "check every invariant after every event",
     CF_AT(run_opts, cfg.check)},
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(run_opts, json)},
    {.name = "mutant", .type = CF_FUNC, .metavar = "NAME", .help = "switch on a seeded bug (`gmpsim mutants`)",
     .def = "none", .set = set_mutant, .example = "ready-skips-wakep"},
    {.name = "preempt-rate", .type = CF_UINT, .metavar = "N",
     .help = "inject a preemption at 1 in N safe points and work quanta (0: off)", .def = "0",
     CF_AT(run_opts, cfg.preempt_den), CONF_RANGE(preempt_rate)},
    {.name = "stall-rate", .type = CF_UINT, .metavar = "N",
     .help = "deschedule the running thread at 1 in N contended yield points (0: off)", .def = "0",
     CF_AT(run_opts, cfg.stall_den), CONF_RANGE(stall_rate)},
    {.name = "jitter", .type = CF_DURATION, .metavar = "D",
     .help = "every contended step takes 0..D longer, drawn from the choice source", .def = "0",
     CF_AT(run_opts, cfg.jitter_ns), CONF_RANGE(jitter_ns)},
    {.name = "stack-size", .type = CF_UINT, .metavar = "KB", .help = "goroutine stack size in KiB",
     .def = "64 (256 under ASan)", CF_AT(run_opts, cfg.rt.stack_bytes), CONF_RANGE(stack_bytes), .scale = 1024},
    {.name = "vt-limit", .type = CF_DURATION, .metavar = "D",
     .help = "virtual time budget, e.g. 500ms, 1.5s, 2h (0s: the maximum)", .def = "60s",
     CF_AT(run_opts, cfg.vt_limit_ns), CONF_RANGE(vt_limit_ns)},
    {.name = "max-schedules", .type = CF_UINT, .metavar = "N", .help = "schedule() budget (0: none)", .def = "50000000",
     CF_AT(run_opts, cfg.max_schedules), CONF_RANGE(max_schedules)},
    {.name = "strict-work", .type = CF_BOOL, .help = "strict work conservation (reports Go 1.19's own gaps)",
     CF_AT(run_opts, cfg.strict_work)},
    {.name = "fixed-costs", .type = CF_BOOL,
     .help = "use the median of each cost measured on real Go instead of drawing it (docs/simulator.md)",
     CF_AT(run_opts, cfg.fixed_costs)},
    {.name = "check-determinism", .type = CF_BOOL,
     .help = "run twice and report the first event where the runs differ (exit 9 if they do); "
             "takes neither --trace nor --json",
     CF_AT(run_opts, check_determinism)},
};

const cf_command cmd_run_command = {
    .name = "run", .args = "SCENARIO", .min_args = 0, .max_args = 1,
    .summary = "Run a scenario (a .gmp file or builtin:NAME) once and report",
    .about = "Prints the outcome, the order of the marks, the virtual time, counts of goroutines, threads,\n"
             "schedule() calls, choices and invariant checks, the count of each event kind, and the trace\n"
             "digest.  The same scenario and flags always print the same bytes.",
    .flags = run_flags, .nflags = CF_NFLAGS(run_flags),
};

/* Bounded memory, and running out of it is exit 11 (replay/replay.h). */
static int check_determinism(const scenario *sc, run_opts *o) {
    return rp_check_determinism(sc, &o->cfg, stdout, stderr);
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

int cmd_run(int argc, char **argv) {
    run_opts o = {0};
    sim_config_default(&o.cfg);
    cf_parsed p;
    int rc = cf_parse(&cmd_run_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (cmd_plugins_loaded > 0)
        o.cfg.check = true;   /* a plugin's invariants run only when checking */
    if ((o.fuzz_input != NULL) == (p.npos == 1)) {
        fprintf(stderr, "gmpsim run: give a SCENARIO or --fuzz-input FILE (one of them)\n");
        return EXIT_USAGE;
    }
    if (o.fuzz_input != NULL && o.trace_path != NULL && (rc = check_trace_output(o.trace_path, o.fuzz_input)) != EXIT_OK)
        return rc;
    if (o.fuzz_input != NULL)
        return cmd_run_fuzz_input(o.fuzz_input, o.cfg.rt.mutant, o.trace_path, o.json);
    static scenario sc;
    rc = cmd_load_scenario(p.pos[0], &sc);
    if (rc != EXIT_OK)
        return rc;
    if (o.check_determinism && (o.trace_path != NULL || o.json)) {
        fprintf(stderr, "gmpsim: --check-determinism prints its own verdict; it takes neither --trace nor --json\n");
        return EXIT_USAGE;
    }
    if (o.check_determinism)
        return check_determinism(&sc, &o);
    if (o.trace_path != NULL && (rc = check_trace_output(o.trace_path, p.pos[0])) != EXIT_OK)
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

/* ---- gen-go ---- */

const cf_command cmd_gen_go_command = {
    .name = "gen-go", .args = "SCENARIO", .min_args = 1, .max_args = 1,
    .summary = "Write the equivalent Go program to stdout (docs/scenario.md)",
};

int cmd_gen_go(int argc, char **argv) {
    cf_parsed p;
    int rc = cf_parse(&cmd_gen_go_command, argc - 1, argv + 1, NULL, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    static scenario sc;
    rc = cmd_load_scenario(p.pos[0], &sc);
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
