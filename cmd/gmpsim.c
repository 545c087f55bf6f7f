/*
 * cmd/gmpsim.c: the command line's front door.  Every command is one row
 * of `cmd_commands` below: its flag table (traces/flags.h, next to the
 * command's code) and its main.  This file takes the flags every command
 * accepts (--plugin), dispatches, and answers help and --version
 * (docs/cli.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/version.h"
#include "fuzz/campaign/campaign.h"
#include "fuzz/common/fuzzcmd.h"
#include "replay/replay.h"
#include "runtime/runtime.h"
#include "sim/invariant.h"
#include "sim/plugin.h"
#include "sim/sim.h"
#include "traces/tfile.h"
#include "gmpsim/plugin.h"
#include "traces/json.h"
#include "traces/tools.h"
#include "traces/values.h"
#include "triage/triage.h"

/* ---- flags of every command ---- */

enum { PLUGINS_MAX = 16 };

typedef struct global_opts {
    const char *plugins[PLUGINS_MAX];
    int nplugins;
} global_opts;

static bool add_plugin(void *opts, const char *v, char *why, size_t why_len) {
    global_opts *g = opts;
    if (g->nplugins >= PLUGINS_MAX) {
        snprintf(why, why_len, "at most %d plugins", PLUGINS_MAX);
        return false;
    }
    g->plugins[g->nplugins++] = v;
    return true;
}

static const cf_flag global_flags[] = {
    {.name = "plugin", .type = CF_FUNC, .metavar = "FILE.so",
     .help = "load invariants from a plugin; implies --check (docs/invariants.md)", .set = add_plugin,
     .repeat = true, .example = "plugin.so"},
};

static const cf_command global_command = {
    .name = "gmpsim", .args = "COMMAND [ARGS]", .max_args = CF_POS_MAX,
    .summary = "Deterministic simulation and fuzz testing of Go's G/M/P scheduler",
    .flags = global_flags, .nflags = CF_NFLAGS(global_flags),
};

int cmd_plugins_loaded;

/* --plugin FILE.so: load it and call its gmpsim_plugin_init(), which
 * registers invariants (sim/plugin.h, docs/invariants.md). */
static int load_plugin(const char *path) {
    char why[512];
    int rc = sim_plugin_load(path, why, sizeof why);
    if (rc != EXIT_OK) {
        fprintf(stderr, "gmpsim: %s\n", why);
        return rc;
    }
    cmd_plugins_loaded++;
    return EXIT_OK;
}

/* ---- listings: builtins, mutants, version (text, or --json) ---- */

typedef struct list_opts {
    bool json;
} list_opts;

static const cf_flag list_flags[] = {
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(list_opts, json)},
};

static const cf_command builtins_command = {
    .name = "builtins", .args = "", .summary = "List the built-in scenarios (run them as builtin:NAME)",
    .flags = list_flags, .nflags = CF_NFLAGS(list_flags)};
static const cf_command mutants_command = {
    .name = "mutants", .args = "", .summary = "List the seeded scheduler bugs (--mutant NAME)",
    .flags = list_flags, .nflags = CF_NFLAGS(list_flags)};
static const cf_command version_command = {
    .name = "version", .args = "", .summary = "Print the version, the git revision and the trace format version",
    .flags = list_flags, .nflags = CF_NFLAGS(list_flags)};

/* Parse a listing's flags; CF_OK to go on.  With --json, *w is open on
 * an object whose schema member is written. */
static int list_begin(const cf_command *c, int argc, char **argv, js_writer *w, list_opts *o) {
    cf_parsed p;
    int rc = argc > 0 ? cf_parse(c, argc - 1, argv + 1, o, &p, stdout, stderr) : CF_OK;
    if (rc == CF_OK && o->json) {
        js_init(w, stdout, false);
        js_object(w);
        js_schema(w, c->name, 1);
    }
    return rc;
}

static int list_end(const list_opts *o, js_writer *w) {
    if (o->json) {
        js_object_end(w);
        js_finish(w);
    }
    return EXIT_OK;
}

static int cmd_builtins(int argc, char **argv) {
    list_opts o = {0};
    js_writer w;
    int rc = list_begin(&builtins_command, argc, argv, &w, &o);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (o.json) {
        js_key(&w, "builtins");
        js_array(&w);
    }
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        if (!o.json) {
            printf("%s\n", sc_builtins[i].name);
            continue;
        }
        js_object(&w);
        js_kstr(&w, "name", sc_builtins[i].name);
        js_kstr(&w, "expect", sc_builtins[i].expect != NULL ? sc_builtins[i].expect : "ok");
        js_object_end(&w);
    }
    if (o.json)
        js_array_end(&w);
    return list_end(&o, &w);
}

static int cmd_mutants(int argc, char **argv) {
    list_opts o = {0};
    js_writer w;
    int rc = list_begin(&mutants_command, argc, argv, &w, &o);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (o.json) {
        js_key(&w, "mutants");
        js_array(&w);
    }
    for (int i = 1; i < MUT__COUNT; i++) {
        if (strncmp(rt_mutant_name(i), "test-", 5) == 0)   /* test-only mutants stay hidden */
            continue;
        if (!o.json) {
            printf("%-28s %s\n", rt_mutant_name(i), rt_mutant_desc(i));
            continue;
        }
        js_object(&w);
        js_kstr(&w, "name", rt_mutant_name(i));
        js_kstr(&w, "description", rt_mutant_desc(i));
        js_object_end(&w);
    }
    if (o.json)
        js_array_end(&w);
    return list_end(&o, &w);
}

static int cmd_version(int argc, char **argv) {
    list_opts o = {0};
    js_writer w;
    int rc = list_begin(&version_command, argc, argv, &w, &o);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (!o.json) {
        printf("gmpsim %s (git %s), trace format %d\n", GMPSIM_VERSION, GMPSIM_GIT_REVISION, TR_FORMAT_VERSION);
        return EXIT_OK;
    }
    js_kstr(&w, "version", GMPSIM_VERSION);
    js_kstr(&w, "git", GMPSIM_GIT_REVISION);
    js_kuint(&w, "trace_format", TR_FORMAT_VERSION);
    js_kuint(&w, "plugin_abi", GMPSIM_PLUGIN_ABI);
    return list_end(&o, &w);
}

/* ---- the command list ---- */

static int cmd_help(int argc, char **argv);

static const cf_command help_command;

const cmd_entry cmd_commands[] = {
    {&cmd_run_command, cmd_run},
    {&cmd_gen_go_command, cmd_gen_go},
    {&cmd_fmt_input_command, cmd_fmt_input},
    {&cmd_search_command, cmd_search},
    {&fz_campaign_command, fz_cmd_campaign},
    {&fz_sweep_command, fz_cmd_sweep},
    {&fz_fuzz_command, fz_cmd_fuzz},
    {&rp_replay_command, rp_cmd_replay},
    {&tg_minimize_command, tg_cmd_minimize},
    {&tg_diff_command, tg_cmd_diff},
    {&tg_explain_command, tg_cmd_explain},
    {&tr_dump_command, tr_cmd_dump},
    {&tr_export_command, tr_cmd_export},
    {&builtins_command, cmd_builtins},
    {&mutants_command, cmd_mutants},
    {&help_command, cmd_help},
    {&version_command, cmd_version},
};
enum { NCOMMANDS = sizeof cmd_commands / sizeof cmd_commands[0] };
const size_t cmd_ncommands = NCOMMANDS;
const cf_command *const cmd_common_flags = &global_command;

static const cmd_entry *find_command(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd_commands[i].spec->name, name) == 0)
            return &cmd_commands[i];
    return NULL;
}

static void unknown_command(const char *name) {
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = cmd_commands[i].spec->name;
    const char *s = cf_suggest(name, names, NCOMMANDS);
    fprintf(stderr, "gmpsim: unknown command %s%s%s%s (see `gmpsim help`)\n", name, s ? "; did you mean " : "",
            s ? s : "", s ? "?" : "");
}

/* ---- help ---- */

static void usage(FILE *out) {
    fprintf(out, "usage: gmpsim COMMAND [ARGS]\n\n%s.\n\ncommands:\n", global_command.summary);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", cmd_commands[i].spec->name, cmd_commands[i].spec->summary);
    fprintf(out, "\nflags of every command:\n");
    for (size_t i = 0; i < global_command.nflags; i++)
        cf_flag_line(&global_flags[i], out);
    fprintf(out,
            "  -h, --help              help (gmpsim COMMAND --help, or gmpsim help COMMAND)\n"
            "  --version               the version, git revision and trace format version\n"
            "\n"
            "exit codes: 0 ok, 2 deadlock, 3 invariant violated, 4 hang/budget, 5 resource limit,\n"
            "            6 panic, 7 input rejected, 8 trace rejected, 9 replay diverged,\n"
            "            10 I/O error, 11 out of memory, 12 plugin not loadable or missing,\n"
            "            64 usage\n");
}

typedef struct help_opts {
    bool markdown;
} help_opts;

static const cf_flag help_flags[] = {
    {.name = "markdown", .type = CF_BOOL, .help = "the flag tables as docs/cli.md embeds them",
     CF_AT(help_opts, markdown)},
};

static const cf_command help_command = {
    .name = "help", .args = "[COMMAND]", .max_args = 1, .summary = "Help on gmpsim or on one command",
    .flags = help_flags, .nflags = CF_NFLAGS(help_flags),
};

static int cmd_help(int argc, char **argv) {
    help_opts o = {0};
    cf_parsed p;
    int rc = cf_parse(&help_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    if (p.npos == 0 && o.markdown) {
        for (size_t i = 0; i < NCOMMANDS; i++) {
            printf("%s### %s\n\n", i ? "\n" : "", cmd_commands[i].spec->name);
            cf_markdown(cmd_commands[i].spec, stdout);
        }
        printf("\n### flags of every command\n\n");
        cf_markdown(&global_command, stdout);
        return EXIT_OK;
    }
    if (p.npos == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    const cmd_entry *c = find_command(p.pos[0]);
    if (c == NULL) {
        unknown_command(p.pos[0]);
        return EXIT_USAGE;
    }
    if (o.markdown)
        cf_markdown(c->spec, stdout);
    else
        cf_help(c->spec, stdout);
    return EXIT_OK;
}

/* Invariant ids in traces named as sim/ registered them (NULL: unknown). */
static const char *invariant_name(uint32_t id) {
    const char *s = gmp_invariant_name(id > INT32_MAX ? -1 : (int)id);
    return strcmp(s, "?") == 0 ? NULL : s;
}

int cmd_main(int argc, char **argv) {
    tr_invariant_namer = invariant_name;
    cf_set_common(&global_command);
    global_opts g = {0};
    int rc = cf_take(&global_command, &argc, argv, &g, stderr);
    if (rc != CF_OK)
        return rc;
    for (int i = 0; i < g.nplugins; i++)
        if ((rc = load_plugin(g.plugins[i])) != EXIT_OK)
            return rc;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "-h") == 0 || strcmp(c, "--help") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(c, "--version") == 0)
        return cmd_version(0, NULL);
    const cmd_entry *cmd = find_command(c);
    if (cmd == NULL) {
        unknown_command(c);
        return EXIT_USAGE;
    }
    return cmd->main(argc - 1, argv + 1);
}
