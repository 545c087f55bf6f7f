/*
 * fuzz/common/crash.c: one crash site per invariant (crash.h).
 *
 * Each site is its own non-inlined function that traps in its body; the
 * volatile store of a distinct number keeps identical-code folding from
 * merging them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/common/crash.h"
#include "sim/invariant.h"
#include "sim/oracle.h"

static volatile int crash_id;   /* written before the trap: distinct bodies */

#define SITE(fn, id)                                                \
    __attribute__((noinline, noreturn)) static void fn(void) {      \
        crash_id = (id);                                            \
        __builtin_trap();                                           \
    }

SITE(gmpsim_crash_runtime_throw, 1)
SITE(gmpsim_crash_conservation, 2)
SITE(gmpsim_crash_queue_bounds, 3)
SITE(gmpsim_crash_p_state, 4)
SITE(gmpsim_crash_m_state, 5)
SITE(gmpsim_crash_work_conservation, 6)
SITE(gmpsim_crash_bounded_wait, 7)
SITE(gmpsim_crash_deadlock_detection, 8)
SITE(gmpsim_crash_lifecycle, 9)
SITE(gmpsim_crash_registered_invariant, 10)
SITE(gmpsim_crash_hang, 11)
SITE(gmpsim_crash_other, 12)
#define X(NAME, name, doc) SITE(gmpsim_crash_oracle_##NAME, 100 + OR_##NAME)
#include "sim/oracle.def"
#undef X

typedef void (*site_fn)(void);

static const struct {
    site_fn fn;
    const char *name;
} builtin_sites[INV_BUILTIN_COUNT] = {
    [INV_RUNTIME_THROW] = {gmpsim_crash_runtime_throw, "gmpsim_crash_runtime_throw"},
    [INV_CONSERVATION] = {gmpsim_crash_conservation, "gmpsim_crash_conservation"},
    [INV_QUEUE_BOUNDS] = {gmpsim_crash_queue_bounds, "gmpsim_crash_queue_bounds"},
    [INV_P_STATE] = {gmpsim_crash_p_state, "gmpsim_crash_p_state"},
    [INV_M_STATE] = {gmpsim_crash_m_state, "gmpsim_crash_m_state"},
    [INV_WORK_CONSERVATION] = {gmpsim_crash_work_conservation, "gmpsim_crash_work_conservation"},
    [INV_BOUNDED_WAIT] = {gmpsim_crash_bounded_wait, "gmpsim_crash_bounded_wait"},
    [INV_DEADLOCK] = {gmpsim_crash_deadlock_detection, "gmpsim_crash_deadlock_detection"},
    [INV_LIFECYCLE] = {gmpsim_crash_lifecycle, "gmpsim_crash_lifecycle"},
};

static const struct {
    site_fn fn;
    const char *name;
} oracle_sites[OR__COUNT] = {
#define X(NAME, name, doc) [OR_##NAME] = {gmpsim_crash_oracle_##NAME, "gmpsim_crash_oracle_" #NAME},
#include "sim/oracle.def"
#undef X
};

static void site(const sim_result *res, site_fn *fn, const char **name) {
    int inv = res->invariant;
    *fn = gmpsim_crash_other, *name = "gmpsim_crash_other";
    if (res->outcome == OUT_HANG) {
        *fn = gmpsim_crash_hang, *name = "gmpsim_crash_hang";
    } else if (inv == -2) {
        *fn = builtin_sites[INV_RUNTIME_THROW].fn, *name = builtin_sites[INV_RUNTIME_THROW].name;
    } else if (inv >= 0 && inv < INV_BUILTIN_COUNT && builtin_sites[inv].fn != NULL) {
        *fn = builtin_sites[inv].fn, *name = builtin_sites[inv].name;
    } else if (inv >= INV_ORACLE_FIRST && inv < INV_ORACLE_FIRST + OR__COUNT) {
        *fn = oracle_sites[inv - INV_ORACLE_FIRST].fn, *name = oracle_sites[inv - INV_ORACLE_FIRST].name;
    } else if (inv >= INV_USER_FIRST) {
        *fn = gmpsim_crash_registered_invariant, *name = "gmpsim_crash_registered_invariant";
    }
}

const char *gmp_fuzz_crash_site(const sim_result *res) {
    site_fn fn;
    const char *name;
    site(res, &fn, &name);
    return name;
}

_Noreturn void gmp_fuzz_crash(const sim_result *res) {
    site_fn fn;
    const char *name;
    site(res, &fn, &name);
    fflush(stderr);
    fn();
    abort();   /* not reached */
}
