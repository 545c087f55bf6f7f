/*
 * Exercises every accessor of <gmpsim/plugin.h> after every event, and
 * fails when they disagree with each other: every G in a run queue or
 * runnext is runnable and known; an M's P and a P's M are valid ids; every
 * out-of-range index answers -1 or 0; counters are within their bounds.
 * With GMPSIM_TEST_MAX_MS=N it also fails once more than N Ms exist, so
 * a test sees a violation computed from the accessors.
 */
#include <gmpsim/plugin.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

GMPSIM_PLUGIN("accessors")

static long max_ms = -1;

static int g_index(const gmpsim_view *v, int64_t goid) {
    for (uint32_t i = 0; i < gmpsim_g_count(v); i++)
        if (gmpsim_g_goid(v, i) == goid)
            return (int)i;
    return -1;
}

#define FAIL(...) return snprintf(why, why_len, __VA_ARGS__), false

static bool queued_runnable(const gmpsim_view *v, int64_t goid, const char *where, char *why, size_t why_len) {
    int i = g_index(v, goid);
    if (i < 0)
        FAIL("%s holds unknown G%" PRId64, where, goid);
    if (gmpsim_g_status(v, (uint32_t)i) != GMPSIM_G_RUNNABLE)
        FAIL("%s holds G%" PRId64 " with status %d", where, goid, gmpsim_g_status(v, (uint32_t)i));
    return true;
}

static bool check(const gmpsim_view *v, void *ctx, char *why, size_t why_len) {
    (void)ctx;
    int32_t np = gmpsim_p_count(v);
    if (gmpsim_p_status(v, np) != -1 || gmpsim_p_m(v, -1) != -1 || gmpsim_p_runq_goid(v, 0, 300) != -1 ||
        gmpsim_g_status(v, gmpsim_g_count(v)) != -1 || gmpsim_m_id(v, gmpsim_m_count(v)) != -1 ||
        gmpsim_counter_get(v, GMPSIM_COUNTER_COUNT) != 0)
        FAIL("an out-of-range accessor answered");
    if (gmpsim_world_stopped(v) || !gmpsim_quiescent(v))
        return true;   /* queues may be mid-move; look only at quiescent points */
    if (gmpsim_counter_get(v, GMPSIM_GOMAXPROCS) > (uint64_t)np || gmpsim_counter_get(v, GMPSIM_NPIDLE) > (uint64_t)np)
        FAIL("counters beyond len(allp)");
    char where[32];
    for (int32_t p = 0; p < np; p++) {
        for (uint32_t k = 0; k < gmpsim_p_runq_len(v, p); k++) {
            snprintf(where, sizeof where, "P%d's run queue", (int)p);
            if (!queued_runnable(v, gmpsim_p_runq_goid(v, p, k), where, why, why_len))
                return false;
        }
        snprintf(where, sizeof where, "P%d's runnext", (int)p);
        if (gmpsim_p_runnext(v, p) >= 0 && !queued_runnable(v, gmpsim_p_runnext(v, p), where, why, why_len))
            return false;
    }
    for (uint32_t k = 0; k < gmpsim_counter_get(v, GMPSIM_RUNQSIZE); k++)
        if (!queued_runnable(v, gmpsim_globrunq_goid(v, k), "the global queue", why, why_len))
            return false;
    for (uint32_t i = 0; i < gmpsim_m_count(v); i++) {
        int32_t p = gmpsim_m_p(v, i);
        if (p >= np || (p >= 0 && gmpsim_p_m(v, p) != gmpsim_m_id(v, i)))
            FAIL("M%" PRId64 " and P%d disagree", gmpsim_m_id(v, i), (int)p);
        if (gmpsim_m_curg(v, i) >= 0 && g_index(v, gmpsim_m_curg(v, i)) < 0)
            FAIL("M%" PRId64 " runs an unknown G", gmpsim_m_id(v, i));
    }
    for (uint32_t i = 0; i < gmpsim_g_count(v); i++)
        if (gmpsim_g_status(v, i) != GMPSIM_G_WAITING && strlen(gmpsim_g_wait_reason(v, i)) != 0)
            FAIL("G%" PRId64 " is not waiting but has a wait reason", gmpsim_g_goid(v, i));
    if (max_ms >= 0 && gmpsim_m_count(v) > (uint32_t)max_ms)
        FAIL("%" PRIu32 " Ms exist, more than %ld (GMPSIM_TEST_MAX_MS)", gmpsim_m_count(v), max_ms);
    return true;
}

void gmpsim_plugin_init(void) {
    const char *e = getenv("GMPSIM_TEST_MAX_MS");
    if (e != NULL)
        max_ms = strtol(e, NULL, 10);
    gmpsim_register_invariant("accessors", check, NULL);
}
