/*
 * examples/invariants/runq_latency.c: a researcher's invariant, as a
 * plugin for `gmpsim run|campaign --plugin`.  See docs/invariants.md.
 *
 * "No goroutine waits in a run queue longer than GMPSIM_RUNQ_LATENCY_NS of
 * virtual time (default 5ms)."  Go does not promise this (a G behind ten
 * CPU-bound Gs waits 10 x 10ms for sysmon's preemptions), so it is a
 * property of a workload, which is exactly what a custom invariant is for.
 *
 * It uses only <gmpsim/plugin.h>:
 *   cc -shared -fPIC $(pkg-config --cflags gmpsim) -o runq_latency.so runq_latency.c
 */
#include <gmpsim/plugin.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

GMPSIM_PLUGIN("runq-latency")

static int64_t limit_ns = 5 * 1000 * 1000;

static bool runq_latency(const gmpsim_view *v, void *ctx, char *why, size_t why_len) {
    (void)ctx;
    for (uint32_t i = 0; i < gmpsim_g_count(v); i++) {
        if (gmpsim_g_status(v, i) != GMPSIM_G_RUNNABLE)
            continue;
        int64_t waited = gmpsim_now(v) - gmpsim_g_runnable_since(v, i);
        if (waited > limit_ns) {
            snprintf(why, why_len, "G%" PRId64 " has been runnable for %" PRId64 " ns (limit %" PRId64 ")",
                     gmpsim_g_goid(v, i), waited, limit_ns);
            return false;
        }
    }
    return true;
}

/* Called once by gmpsim after loading. */
void gmpsim_plugin_init(void) {
    const char *e = getenv("GMPSIM_RUNQ_LATENCY_NS");
    if (e != NULL)
        limit_ns = strtoll(e, NULL, 10);
    gmpsim_register_invariant("runq-latency", runq_latency, NULL);
}
