/*
 * traces/tools.h: `gmpsim dump` and `gmpsim export`, as functions the CLI
 * (cmd/) calls with its argument vector after the program name:
 *
 *   gmpsim dump TRACE [--from N] [--to M] [--kind K[,K...]] [--g G] [--prefix]
 *       A summary of the file (format, events, chunks, digest, sections),
 *       then one line per event (tr_format_long).  --from/--to select
 *       sequence numbers N..M inclusive; --kind keeps the named kinds;
 *       --g keeps events whose G, or whose "g"/"newg" argument, is G;
 *       --prefix shows the intact chunks of a damaged file (and still exits 8).
 *
 *   gmpsim export TRACE [--perfetto OUT.json] [--html OUT.html] [--from N] [--to M]
 *       The timeline (traces/timeline.h) as Chrome Trace Event JSON for
 *       Perfetto and/or a self-contained HTML page; at least one output.
 *       Outputs are written atomically.
 *
 * argv[0] is the command's name ("dump", "export"); the flags follow the
 * convention of traces/flags.h.  Each returns the process exit code.
 */
#ifndef GMP_TRACES_TOOLS_H
#define GMP_TRACES_TOOLS_H

#include <stdio.h>

#include "traces/flags.h"

/* Exit codes (the same numbers as sim/sim.h's EXIT_*, docs/trace-format.md). */
enum { TR_EXIT_OK = 0, TR_EXIT_REJECTED = 8, TR_EXIT_IO = 10, TR_EXIT_USAGE = 64 };

/* Events export loads at most (4M: 128 MiB of records); narrow larger
 * traces with --from/--to. */
enum { TR_EXPORT_EVENTS_MAX = 1 << 22 };

/* The commands' flag tables (traces/flags.h); cmd/ lists them in `gmpsim help`. */
extern const cf_command tr_dump_command, tr_export_command;

int tr_cmd_dump(int argc, char **argv);
int tr_cmd_export(int argc, char **argv);

/* The same, writing to out and err instead of stdout and stderr. */
int tr_dump_main(int argc, char **argv, FILE *out, FILE *err);
int tr_export_main(int argc, char **argv, FILE *out, FILE *err);

#endif
