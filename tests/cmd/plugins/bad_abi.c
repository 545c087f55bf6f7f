/* A plugin that claims another plugin ABI: gmpsim must refuse it (exit 12)
 * before calling anything in it. */
#include <stdint.h>
#include <stdlib.h>

__attribute__((visibility("default"))) extern const uint32_t gmpsim_plugin_abi;
__attribute__((visibility("default"))) const uint32_t gmpsim_plugin_abi = 999;
__attribute__((visibility("default"))) extern const char gmpsim_plugin_name[];
__attribute__((visibility("default"))) const char gmpsim_plugin_name[] = "bad-abi";

__attribute__((visibility("default"))) void gmpsim_plugin_init(void);
void gmpsim_plugin_init(void) { abort(); }
