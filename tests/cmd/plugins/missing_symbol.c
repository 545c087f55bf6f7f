/* A plugin that calls a function this gmpsim does not have (as one built
 * against a later header would): refused at load, naming the symbol. */
#include <gmpsim/plugin.h>

GMPSIM_PLUGIN("missing-symbol")

int gmpsim_function_from_the_future(void);

static bool check(const gmpsim_view *v, void *ctx, char *why, size_t why_len) {
    (void)v, (void)ctx, (void)why, (void)why_len;
    return gmpsim_function_from_the_future() == 0;
}

void gmpsim_plugin_init(void) { gmpsim_register_invariant("missing-symbol", check, NULL); }
