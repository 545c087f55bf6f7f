/*
 * sim/plugin.h: loading invariant plugins (`--plugin FILE.so`) written
 * against the public include/gmpsim/plugin.h, whose accessors sim/plugin.c
 * implements over the runtime's state.
 *
 * Loading checks, before any of the plugin's functions runs (its ELF
 * constructors aside): the file is a shared object, it defines
 * gmpsim_plugin_abi equal to GMPSIM_PLUGIN_ABI, gmpsim_plugin_name and
 * gmpsim_plugin_init, and every symbol it needs exists in this gmpsim.
 * Any failure is EXIT_PLUGIN with one line saying which and what to do.
 *
 * Ownership: the table of loaded plugins is process-wide, filled before
 * any run starts, never unloaded.
 */
#ifndef GMP_SIM_PLUGIN_H
#define GMP_SIM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "traces/tfile.h"

/* A plugin could not be loaded, or a trace needs one that is not. */
enum { EXIT_PLUGIN = 12, SIM_PLUGINS_MAX = 16 };

typedef struct sim_plugin {
    char name[64];      /* gmpsim_plugin_name */
    uint64_t hash;      /* XXH3-64 of the file's bytes */
    char path[4096];    /* the file, absolute (realpath) when it resolves: for reproducers */
} sim_plugin;

/* Load path and call its gmpsim_plugin_init.  EXIT_OK, or EXIT_PLUGIN
 * with the reason in why. */
int sim_plugin_load(const char *path, char *why, size_t why_len);

size_t sim_plugin_count(void);
const sim_plugin *sim_plugin_at(size_t i);

/* The trace section naming the plugins a run had loaded, one
 * "NAME XXH3-HEX\n" line each (written only when there are any), so
 * replay can tell which plugin a recorded run needs. */
#define TR_SEC_PLUGINS TR_SECTION_ID('P', 'L', 'U', 'G')

/* The loaded plugins as that section's text; its length (0: none). */
size_t sim_plugins_format(char *buf, size_t len);

/* A recorded PLUG section against the loaded plugins: EXIT_OK, or
 * EXIT_PLUGIN with "the trace needs plugin NAME ..." in why.  A plugin
 * loaded under the recorded name but from a different file is allowed
 * (plugins only read state) and reported in note (else note is ""). */
int sim_plugins_check(const char *text, size_t len, char *why, size_t why_len, char *note, size_t note_len);

#endif
