/*
 * sim/tracefile.h: runs recorded to trace files, and the configuration
 * text stored in them, so a trace file alone replays its run.
 *
 * Sections written (traces/tfile.h): STXT the scenario's text form (always),
 * SCEN its binary form (when it fits the binary bounds), CONF this
 * configuration as "key=value\n" lines (sim/conf.h).
 */
#ifndef GMP_SIM_TRACEFILE_H
#define GMP_SIM_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/conf.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "traces/tfile.h"

#define TR_SEC_SCENARIO_TEXT TR_SECTION_ID('S', 'T', 'X', 'T')

/* Run sc and record every event to path (atomically).  Returns the
 * outcome; *terr tells whether the file was written (TR_OK). */
int sim_run_to_file(const scenario *sc, const sim_config *cfg, const char *path, sim_result *res,
                    tr_error *terr);

/* The scenario (STXT) and configuration (CONF) sections of an open trace,
 * parsed: EXIT_OK, or EXIT_TRACE_REJECTED with why ("no scenario or
 * configuration section ...", "the recorded scenario does not parse:
 * L:C: ...", or the configuration's own message). */
int sim_trace_sections(const tr_reader *rd, scenario *sc, sim_config *cfg, char *why, size_t why_len);

#endif
