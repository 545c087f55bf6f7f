/*
 * examples/invariants/runq_latency.c: a researcher's invariant, as a
 * plugin for `gmpsim run|campaign --plugin`.  See docs/invariants.md.
 *
 * "No goroutine waits in a run queue longer than GMPSIM_RUNQ_LATENCY_NS of
 * virtual time (default 5ms)."  Go does not promise this (a G behind ten
 * CPU-bound Gs waits 10 x 10ms for sysmon's preemptions), so it is a
 * property of a workload, which is exactly what a custom invariant is for.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/runtime2.h"
#include "sim/invariant.h"

static int64_t limit_ns = 5 * 1000 * 1000;

static bool runq_latency(const inv_view *v, void *ctx, char *why, size_t why_len) {
    (void)ctx;
    for (uint32_t i = 0; i < allglen; i++) {
        const g *gp = allgs[i];
        if (gp->atomicstatus != _Grunnable)
            continue;
        int64_t waited = v->now - gp->runnable_since;
        if (waited > limit_ns) {
            snprintf(why, why_len, "G%" PRId64 " has been runnable for %" PRId64 " ns (limit %" PRId64 ")",
                     gp->goid, waited, limit_ns);
            return false;
        }
    }
    return true;
}

/* Called once by gmpsim after dlopen. */
void gmpsim_plugin_init(void);
void gmpsim_plugin_init(void) {
    const char *e = getenv("GMPSIM_RUNQ_LATENCY_NS");
    if (e != NULL)
        limit_ns = strtoll(e, NULL, 10);
    gmp_invariant_register("runq-latency", runq_latency, NULL);
}
