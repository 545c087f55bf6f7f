/* The right ABI but no gmpsim_plugin_init: refused, exit 12. */
#include <gmpsim/plugin.h>

GMPSIM_PLUGIN("no-init")
