/*
 * cmd/cmd.h: the commands cmd/ implements itself, and what they share.
 * Every command is a cf_command (traces/flags.h) plus a main taking argv
 * with argv[0] = the command's name; cmd/gmpsim.c lists them all.
 */
#ifndef GMP_CMD_CMD_H
#define GMP_CMD_CMD_H

#include "sim/scenario.h"
#include "traces/flags.h"

typedef struct cmd_entry {
    const cf_command *spec;
    int (*main)(int argc, char **argv);
} cmd_entry;

/* Every command, in `gmpsim help` order, and the flags every command
 * accepts (cmd/gmpsim.c). */
extern const cmd_entry cmd_commands[];
extern const size_t cmd_ncommands;
extern const cf_command *const cmd_common_flags;

/* The whole command line (main() calls it). */
int cmd_main(int argc, char **argv);

extern const cf_command cmd_run_command, cmd_gen_go_command, cmd_search_command;
int cmd_search(int argc, char **argv);   /* cmd/search.c */
int cmd_run(int argc, char **argv);
int cmd_gen_go(int argc, char **argv);

/* cmd/fuzzinput.c: fuzz/sim_run inputs (sim/fuzzinput.h). */
extern const cf_command cmd_fmt_input_command;
int cmd_fmt_input(int argc, char **argv);
/* Read a fuzz input file (malloc'd into *data); an exit code. */
int cmd_read_fuzz_input(const char *path, uint8_t **data, size_t *len);
/* `run --fuzz-input FILE`: run it as the harness does (mutant MUT_NONE:
 * GMPSIM_MUTANT's, as in the harness); the run's exit code. */
int cmd_run_fuzz_input(const char *path, int mutant, const char *trace_path, bool json);

/* Load SCENARIO (a path, or builtin:NAME) into sc; an exit code. */
int cmd_load_scenario(const char *arg, scenario *sc);

/* How many --plugin files were loaded (a plugin implies --check). */
extern int cmd_plugins_loaded;

#endif
