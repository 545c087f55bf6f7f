/*
 * tests/runtime/overflow_main.c: a goroutine that recurses without bound
 * on its 64 KiB stack.  The guard page turns it into
 * "goroutine N: stack overflow" and exit status 5 (resource), never silent
 * corruption; the ctest checks both.
 */
#include <stdint.h>
#include <stdio.h>

#include "runtime/runtime.h"
#include "sim/sim.h"

static volatile uint64_t sink;

static __attribute__((noinline)) uint64_t recurse(uint64_t n) {
    volatile char frame[256];
    frame[0] = (char)n;
    if (n == UINT64_MAX)   /* never: keeps the recursion unbounded but not provably infinite */
        return 0;
    return recurse(n + 1) + (uint64_t)frame[0];
}

static void deep(void *arg) {
    (void)arg;
    sink = recurse(0);
}

static void overflow_main(void *arg) {
    (void)arg;
    rt_go(deep, NULL);
    rt_sleep(1000);
}

int main(void) {
    sim_config cfg;
    sim_config_default(&cfg);
    sim_result res;
    sim_run_program(overflow_main, NULL, 1, &cfg, &res);
    printf("unexpected: the run ended (%s)\n", res.message);
    return 0;
}
