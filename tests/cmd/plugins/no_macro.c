/* A plugin without GMPSIM_PLUGIN(...) (as plugins written against the
 * runtime's structs were): refused, exit 12. */
#include <stdlib.h>

__attribute__((visibility("default"))) void gmpsim_plugin_init(void);
void gmpsim_plugin_init(void) { abort(); }
