/*
 * sim/oracle.c: the oracle table, its switch, and the dispatch from the
 * per-event hook.  The judges are in oracle_own.c and oracle_runq.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/driver.h"
#include "sim/oracle.h"

static const char *const names[OR__COUNT] = {
#define X(NAME, name, doc) [OR_##NAME] = name,
#include "sim/oracle.def"
#undef X
};

static const char *const docs[OR__COUNT] = {
#define X(NAME, name, doc) [OR_##NAME] = doc,
#include "sim/oracle.def"
#undef X
};

static bool enabled = true;   /* process-wide, set between runs */

const char *oracle_name(int inv) {
    int i = inv - INV_ORACLE_FIRST;
    return i >= 0 && i < OR__COUNT ? names[i] : NULL;
}

const char *oracle_doc(int inv) {
    int i = inv - INV_ORACLE_FIRST;
    return i >= 0 && i < OR__COUNT ? docs[i] : NULL;
}

void oracle_set_enabled(bool on) { enabled = on; }

void oracle_fail(int id, const char *fmt, ...) {
    char buf[SIM_MSG_LEN - 32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sim_fail(INV_ORACLE_FIRST + id, "%s: %s", names[id], buf);
}

void *oracle_grow(void *arr, uint32_t *n, uint32_t i, size_t elem) {
    if (i < *n)
        return arr;
    uint32_t want = i + 16;
    char *na = realloc(arr, want * elem);
    if (na == NULL)
        sim_end(OUT_RESOURCE, "out of memory (oracles)");
    memset(na + (size_t)*n * elem, 0, (size_t)(want - *n) * elem);
    *n = want;
    return na;
}

void oracle_reset(void) {
    oracle_runq_reset();
    oracle_sched_reset();
}

void oracle_on_event(uint64_t seq, const tr_event *e) {
    (void)seq;
    if (!enabled || simw.ending || gomaxprocs == 0)
        return;
    oracle_own_event(e);
    oracle_runq_event(e);
    oracle_sched_event(e);
}

void oracle_check(void) {
    if (!enabled || sched.gcwaiting != 0)
        return;
    char why[200];
    if (!oracle_p_ownership(why, sizeof why))
        oracle_fail(OR_P_OWNERSHIP, "%s", why);
}
