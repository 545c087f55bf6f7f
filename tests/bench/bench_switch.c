/*
 * bench_switch: one-way context switch cost, gmpsim against baselines,
 * measured side by side in one run on this machine.
 *
 *   gmp_swap          asm/switch_amd64.S (pop+jmp return)
 *   gmp_ctx_switch    the wrapper every gmpsim switch goes through
 *   push/pop + ret    the textbook minimal asm switch (bench-only copy)
 *   boost.context     jump_fcontext (when libboost-context-dev is present)
 *   swapcontext       glibc ucontext
 *
 * Each figure is the best of several runs of N round trips, divided by 2N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "asm/ctx.h"
#include "asm/stack.h"

double bench_now_ns(void);
double bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#ifdef GMP_HAVE_BOOST_CONTEXT
double bench_boost_oneway_ns(long round_trips);
#endif
void *ret_swap(void **save_sp, void *to_sp, void *arg);

static void *main_sp, *co_sp;
static gmp_stack co_stack;

static void pong_raw(void *a, void *b) {
    (void)a;
    (void)b;
    for (;;)
        gmp_swap(&co_sp, main_sp, NULL);
}
static void pong_ctx(void *a, void *b) {
    (void)a;
    (void)b;
    for (;;)
        gmp_ctx_switch(&co_sp, main_sp, gmp_host_stack(), NULL, NULL);
}
static void pong_ret(void *a, void *b) {
    (void)a;
    (void)b;
    for (;;)
        ret_swap(&co_sp, main_sp, NULL);
}

typedef void *(*swap_fn)(void **, void *, void *);

static double run_gmp(long n, gmp_entry_fn pong, swap_fn sw, int wrapped) {
    co_sp = gmp_ctx_make(&co_stack, co_stack.hi, pong, NULL, NULL);
    gmp_ctx_switch(&main_sp, co_sp, &co_stack, NULL, NULL);   /* park pong */
    double t0 = bench_now_ns();
    if (wrapped)
        for (long i = 0; i < n; i++)
            gmp_ctx_switch(&main_sp, co_sp, &co_stack, NULL, NULL);
    else
        for (long i = 0; i < n; i++)
            sw(&main_sp, co_sp, NULL);
    return (bench_now_ns() - t0) / (2.0 * (double)n);
}

static ucontext_t uc_main, uc_co;
static void pong_uc(void) {
    for (;;)
        swapcontext(&uc_co, &uc_main);
}
static double run_ucontext(long n) {
    static char stack[64 * 1024];
    getcontext(&uc_co);
    uc_co.uc_stack.ss_sp = stack;
    uc_co.uc_stack.ss_size = sizeof stack;
    uc_co.uc_link = NULL;
    makecontext(&uc_co, pong_uc, 0);
    swapcontext(&uc_main, &uc_co);
    double t0 = bench_now_ns();
    for (long i = 0; i < n; i++)
        swapcontext(&uc_main, &uc_co);
    return (bench_now_ns() - t0) / (2.0 * (double)n);
}

static double best(double a, double b) { return a < b ? a : b; }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    int reps = 7;
    if (!gmp_stack_alloc(64 * 1024, &co_stack)) {
        fprintf(stderr, "bench_switch: cannot map a stack\n");
        return 1;
    }
    double raw = 1e9, ctx = 1e9, ret = 1e9, uc = 1e9, boost = -1;
    for (int r = 0; r < reps; r++) {
        raw = best(raw, run_gmp(n, pong_raw, gmp_swap, 0));
        ctx = best(ctx, run_gmp(n, pong_ctx, gmp_swap, 1));
        ret = best(ret, run_gmp(n, pong_ret, ret_swap, 0));
        uc = best(uc, run_ucontext(n / 10));
#ifdef GMP_HAVE_BOOST_CONTEXT
        double b = bench_boost_oneway_ns(n);
        boost = boost < 0 ? b : best(boost, b);
#endif
    }
    printf("one-way context switch, best of %d x %ld round trips\n", reps, n);
    printf("  %-28s %8.2f ns\n", "gmp_swap (pop+jmp)", raw);
    printf("  %-28s %8.2f ns\n", "gmp_ctx_switch (wrapper)", ctx);
    printf("  %-28s %8.2f ns\n", "push/pop + ret (reference)", ret);
    if (boost > 0)
        printf("  %-28s %8.2f ns\n", "boost.context jump_fcontext", boost);
    else
        printf("  %-28s %8s\n", "boost.context jump_fcontext", "n/a (libboost-context-dev missing)");
    printf("  %-28s %8.2f ns\n", "ucontext swapcontext", uc);
    if (boost > 0)
        printf("ratio gmp_swap / boost.context = %.2fx (goal <= 1.00x)\n", raw / boost);
    printf("ratio swapcontext / gmp_swap = %.1fx (goal >= 20x)\n", uc / raw);
    gmp_stack_free(&co_stack);
    return 0;
}
