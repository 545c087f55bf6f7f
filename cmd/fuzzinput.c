/*
 * cmd/fuzzinput.c: fuzzer findings come home.  `gmpsim run --fuzz-input
 * FILE` runs a fuzz/sim_run input exactly as the harness does (one
 * decoder: sim/fuzzinput.h); `gmpsim fmt-input FILE` prints it as a .gmp
 * with its configuration and choice bytes in a comment header.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sim/conf.h"
#include "sim/fuzzinput.h"
#include "sim/report.h"
#include "sim/sim.h"
#include "sim/tracefile.h"

/* The largest input read (libFuzzer's inputs are far smaller). */
enum { FUZZ_INPUT_MAX = 1 << 24 };

int cmd_read_fuzz_input(const char *path, uint8_t **data, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "gmpsim: cannot open %s\n", path);
        return EXIT_IO;
    }
    uint8_t *buf = malloc(FUZZ_INPUT_MAX + 1);
    size_t n = buf != NULL ? fread(buf, 1, FUZZ_INPUT_MAX + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (buf == NULL || err) {
        free(buf);
        fprintf(stderr, "gmpsim: cannot read %s\n", path);
        return EXIT_IO;
    }
    if (n > FUZZ_INPUT_MAX) {
        free(buf);
        fprintf(stderr, "gmpsim: %s: a fuzz input is at most %d bytes\n", path, FUZZ_INPUT_MAX);
        return EXIT_REJECTED;
    }
    *data = buf;
    *len = n;
    return EXIT_OK;
}

int cmd_run_fuzz_input(const char *path, int mutant, const char *trace_path, bool json) {
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = cmd_read_fuzz_input(path, &data, &len);
    if (rc != EXIT_OK)
        return rc;
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, len, &sc, &cfg, NULL);
    cfg.rt.mutant = mutant != MUT_NONE ? mutant : sim_fuzz_mutant_from_env();
    FILE *report = trace_path != NULL && strcmp(trace_path, "-") == 0 ? stderr : stdout;
    sim_result res;
    if (trace_path != NULL) {
        tr_error terr = {0};
        sim_run_to_file(&sc, &cfg, trace_path, &res, &terr);
        if (terr.cls != TR_OK) {
            fprintf(stderr, "gmpsim: %s\n", terr.msg);
            sim_result_free(&res);
            free(data);
            return tr_err_exit_code(terr.cls);
        }
    } else {
        sim_run(&sc, &cfg, &res);
    }
    if (json) {
        sim_report_json(report, &sc, &res);
    } else {
        sim_report_text(report, &sc, &res);
        fprintf(report, "harness: %s\n",
                sim_fuzz_is_finding(res.outcome) ? "a finding (fuzz_sim_run aborts on it)" : "not a finding");
    }
    sim_result_free(&res);
    free(data);
    return sim_outcome_exit_code(res.outcome);
}

/* ---- fmt-input ---- */

const cf_command cmd_fmt_input_command = {
    .name = "fmt-input", .args = "FILE", .min_args = 1, .max_args = 1,
    .summary = "Print a fuzz/sim_run input as a .gmp with its configuration and choices",
    .about = "The header comment gives the flags that reproduce the harness's configuration, the keys of\n"
             "the trace configuration that differ from the defaults, and the choice bytes.  The scenario\n"
             "text carries the input's GOMAXPROCS.  `gmpsim run --fuzz-input FILE` runs the input itself,\n"
             "choices included.",
};

static void print_choice_bytes(const uint8_t *b, size_t n) {
    enum { SHOWN_MAX = 4096, PER_LINE = 24 };
    printf("# choices: %zu bytes (bytes producer; once they run out every draw answers 0)\n", n);
    for (size_t i = 0; i < n && i < SHOWN_MAX; i += PER_LINE) {
        printf("#  ");
        for (size_t j = i; j < n && j < i + PER_LINE; j++)
            printf(" %02x", b[j]);
        printf("\n");
    }
    if (n > SHOWN_MAX)
        printf("#   ... (%zu more)\n", n - SHOWN_MAX);
}

/* The "key=value" lines of cfg that differ from the default configuration
 * (sim_config_format writes every key, one a line, in table order). */
static void print_conf_changes(const sim_config *cfg) {
    sim_config def;
    sim_config_default(&def);
    char a[4096], b[4096];
    sim_config_format(cfg, a, sizeof a);
    sim_config_format(&def, b, sizeof b);
    printf("# configuration keys (trace CONF) that differ from the defaults:\n");
    for (const char *x = a, *y = b; *x != 0 && *y != 0;) {
        size_t xl = strcspn(x, "\n"), yl = strcspn(y, "\n");
        if (xl != yl || memcmp(x, y, xl) != 0)
            printf("#   %.*s\n", (int)xl, x);
        x += xl + (x[xl] != 0);
        y += yl + (y[yl] != 0);
    }
}

static void strategy_flag(const sim_config *cfg, char *buf, size_t len) {
    if (cfg->strategy == STRAT_PCT)
        snprintf(buf, len, "pct:%d", cfg->pct_depth);
    else
        snprintf(buf, len, "%s", cfg->strategy == STRAT_RR ? "rr" : "random");
}

int cmd_fmt_input(int argc, char **argv) {
    cf_parsed p;
    int rc = cf_parse(&cmd_fmt_input_command, argc - 1, argv + 1, NULL, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    uint8_t *data = NULL;
    size_t len = 0;
    if ((rc = cmd_read_fuzz_input(p.pos[0], &data, &len)) != EXIT_OK)
        return rc;
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, len, &sc, &cfg, NULL);
    if (cfg.rt.gomaxprocs != 0)
        sc.gomaxprocs = cfg.rt.gomaxprocs;   /* the header's override, into the text */
    char strat[32];
    strategy_flag(&cfg, strat, sizeof strat);
    printf("# gmpsim fmt-input %s: a fuzz/sim_run input (sim/fuzzinput.h), %zu bytes\n", p.pos[0], len);
    printf("# the harness's run: gmpsim run --fuzz-input %s\n", p.pos[0]);
    printf("# this scenario, same configuration, seeded choices:\n");
    printf("#   gmpsim run THIS.gmp --check --strategy %s --stall-rate %" PRIu32 " --preempt-rate %" PRIu32
           " --vt-limit 2s --max-schedules %" PRIu64 "\n",
           strat, cfg.stall_den, cfg.preempt_den, cfg.max_schedules);
    print_conf_changes(&cfg);
    print_choice_bytes(cfg.bytes, cfg.nbytes);
    size_t n = sc_format(&sc, NULL, 0);
    char *text = malloc(n + 1);
    if (text == NULL) {
        free(data);
        return EXIT_RESOURCE;
    }
    sc_format(&sc, text, n + 1);
    fwrite(text, 1, n, stdout);
    free(text);
    free(data);
    return EXIT_OK;
}
