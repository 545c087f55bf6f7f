/*
 * sim/tracefile.h: runs recorded to trace files, and the configuration
 * text stored in them, so a trace file alone replays its run.
 *
 * Sections written (traces/tfile.h): STXT the scenario's text form (always),
 * SCEN its binary form (when it fits the binary bounds), CONF this
 * configuration as "key=value\n" lines.
 */
#ifndef GMP_SIM_TRACEFILE_H
#define GMP_SIM_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/scenario.h"
#include "sim/sim.h"
#include "traces/tfile.h"

#define TR_SEC_SCENARIO_TEXT TR_SECTION_ID('S', 'T', 'X', 'T')

/* The configuration as text; returns bytes needed (like snprintf). */
size_t sim_config_format(const sim_config *cfg, char *buf, size_t len);

/* Parse what sim_config_format wrote, over a default configuration.
 * Unknown keys are errors (returns false, why set). */
bool sim_config_parse(const char *text, size_t len, sim_config *cfg, char *why, size_t why_len);

/* Run sc and record every event to path (atomically).  Returns the
 * outcome; *terr tells whether the file was written (TR_OK). */
int sim_run_to_file(const scenario *sc, const sim_config *cfg, const char *path, sim_result *res,
                    tr_error *terr);

#endif
