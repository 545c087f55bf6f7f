/*
 * fuzz/common/test_crash_sites.c: every invariant id (built-ins, oracles),
 * a registered invariant and a hang each have a crash site of their own
 * (crash.h), so crash grouping can tell them apart.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz/common/crash.h"
#include "sim/invariant.h"
#include "sim/oracle.h"

int main(void) {
    enum { N = INV_BUILTIN_COUNT + OR__COUNT + 2 };
    const char *names[N];
    int n = 0;
    sim_result r;
    memset(&r, 0, sizeof r);
    r.outcome = OUT_INVARIANT;
    for (int id = 0; id < INV_BUILTIN_COUNT; id++)
        r.invariant = id, names[n++] = gmp_fuzz_crash_site(&r);
    for (int id = 0; id < OR__COUNT; id++)
        r.invariant = INV_ORACLE_FIRST + id, names[n++] = gmp_fuzz_crash_site(&r);
    r.invariant = INV_USER_FIRST, names[n++] = gmp_fuzz_crash_site(&r);
    r.outcome = OUT_HANG, r.invariant = -1, names[n++] = gmp_fuzz_crash_site(&r);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0 || strcmp(names[i], "gmpsim_crash_other") == 0) {
                fprintf(stderr, "crash sites %d and %d share %s\n", i, j, names[i]);
                return 1;
            }
    r.outcome = OUT_INVARIANT, r.invariant = -2;
    if (strcmp(gmp_fuzz_crash_site(&r), "gmpsim_crash_runtime_throw") != 0)
        return 1;
    printf("%d distinct crash sites\n", n);
    return 0;
}
