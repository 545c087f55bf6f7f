/* tests/asm: the context-switch primitive, stacks and the overflow guard. */
#include <fenv.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asm/ctx.h"
#include "asm/stack.h"
#include "../unit.h"

void regs_swap_and_report(void **save, void *to, uint64_t out[6]);
void regs_clobber_and_swap(void **save, void *to);

/* The register tests call the raw primitive from test assembly, so they
 * bracket it with the same fiber annotations gmp_ctx_switch uses. */
#if GMP_ASAN
#define RAW_SWITCH(to_stack, call)                                                         \
    do {                                                                                   \
        void *fake_ = NULL;                                                                \
        __sanitizer_start_switch_fiber(&fake_, (const void *)(to_stack)->lo,               \
                                       (to_stack)->hi - (to_stack)->lo);                   \
        call;                                                                              \
        __sanitizer_finish_switch_fiber(fake_, NULL, NULL);                                \
    } while (0)
#else
#define RAW_SWITCH(to_stack, call) call
#endif

/* ---- callee-saved registers and FP control state survive a switch ---- */

static void *main_sp, *co_sp;
static gmp_stack co_stack;

static void clobber_entry(void *arg, void *swap_arg) {
    (void)arg;
    (void)swap_arg;
    /* Change every piece of state the primitive promises to keep. */
    fesetround(FE_DOWNWARD);
    unsigned short cw = 0x0c7f;     /* x87: round toward zero, single precision */
    __asm__ volatile("fldcw %0" : : "m"(cw));
    for (;;)
        RAW_SWITCH(gmp_host_stack(), regs_clobber_and_swap(&co_sp, main_sp));
}

static unsigned short x87_cw(void) {
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

static void switch_preserves_callee_saved_and_fp_control(void) {
    CHECK(gmp_stack_alloc(64 * 1024, &co_stack));
    co_sp = gmp_ctx_make(&co_stack, co_stack.hi, clobber_entry, NULL, NULL);
    fesetround(FE_TONEAREST);
    unsigned short cw_before = x87_cw();
    for (int round = 0; round < 3; round++) {
        uint64_t out[6] = {0};
        RAW_SWITCH(&co_stack, regs_swap_and_report(&main_sp, co_sp, out));
        CHECK(out[0] == 0x1111111111111111ull);
        CHECK(out[1] == 0x2222222222222222ull);
        CHECK(out[2] == 0x3333333333333333ull);
        CHECK(out[3] == 0x4444444444444444ull);
        CHECK(out[4] == 0x5555555555555555ull);
        CHECK(out[5] == 0x6666666666666666ull);
        CHECK_EQ(fegetround(), FE_TONEAREST);
        CHECK_EQ(x87_cw(), cw_before);
    }
    gmp_stack_free(&co_stack);
}

/* ---- a new context starts with the default FP control state ---- */

static int seen_round;
static void fp_entry(void *arg, void *swap_arg) {
    (void)arg;
    (void)swap_arg;
    seen_round = fegetround();
    gmp_ctx_switch(&co_sp, main_sp, gmp_host_stack(), NULL, &co_stack);
}

static void new_context_gets_default_fp_state(void) {
    CHECK(gmp_stack_alloc(64 * 1024, &co_stack));
    co_sp = gmp_ctx_make(&co_stack, co_stack.hi, fp_entry, NULL, NULL);
    fesetround(FE_UPWARD);
    gmp_ctx_switch(&main_sp, co_sp, &co_stack, NULL, NULL);
    fesetround(FE_TONEAREST);
    CHECK_EQ(seen_round, FE_TONEAREST);
    gmp_stack_free(&co_stack);
}

/* ---- swap passes its argument to the resumed side ---- */

static void echo_entry(void *arg, void *swap_arg) {
    CHECK(arg == (void *)&co_stack);
    uintptr_t v = (uintptr_t)swap_arg;
    for (;;)
        v = (uintptr_t)gmp_ctx_switch(&co_sp, main_sp, gmp_host_stack(), (void *)(v * 2), NULL);
}

static void swap_carries_argument_both_ways(void) {
    CHECK(gmp_stack_alloc(64 * 1024, &co_stack));
    co_sp = gmp_ctx_make(&co_stack, co_stack.hi, echo_entry, &co_stack, NULL);
    for (uintptr_t i = 1; i < 100; i++) {
        uintptr_t r = (uintptr_t)gmp_ctx_switch(&main_sp, co_sp, &co_stack, (void *)i, NULL);
        CHECK_EQ(r, 2 * i);
    }
    gmp_stack_free(&co_stack);
}

/* ---- deep recursion on a coroutine stack ---- */

static __attribute__((noinline)) uint64_t recurse(uint64_t depth) {
    volatile char pad[96];
    pad[0] = (char)depth;
    if (depth == 0)
        return 0;
    return recurse(depth - 1) + 1 + (uint64_t)(pad[0] - (char)depth);
}

static uint64_t deep_result;
static void deep_entry(void *arg, void *swap_arg) {
    (void)swap_arg;
    deep_result = recurse((uint64_t)(uintptr_t)arg);
    gmp_ctx_switch(&co_sp, main_sp, gmp_host_stack(), NULL, &co_stack);
}

static void deep_recursion_on_coroutine_stack(void) {
    CHECK(gmp_stack_alloc(8u << 20, &co_stack));
    co_sp = gmp_ctx_make(&co_stack, co_stack.hi, deep_entry, (void *)(uintptr_t)20000, NULL);
    gmp_ctx_switch(&main_sp, co_sp, &co_stack, NULL, NULL);
    CHECK_EQ(deep_result, 20000);
    gmp_stack_free(&co_stack);
}

/* ---- 10,000 coroutines in round robin ---- */

enum { NCO = 10000, ROUNDS = 5 };
static void *ring_sp[NCO];
static gmp_stack ring_stack[NCO];
static uint32_t ring_visits[NCO];
static uint64_t ring_order_hash;

static void ring_entry(void *arg, void *swap_arg) {
    (void)swap_arg;
    size_t i = (size_t)(uintptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        ring_visits[i]++;
        ring_order_hash = ring_order_hash * 1000003u + i;
        void **next = (i + 1 == NCO) ? &main_sp : &ring_sp[i + 1];
        const gmp_stack *ns = (i + 1 == NCO) ? gmp_host_stack() : &ring_stack[i + 1];
        gmp_ctx_switch(&ring_sp[i], *next, ns, NULL, NULL);
    }
    gmp_ctx_switch(&ring_sp[i], main_sp, gmp_host_stack(), NULL, &ring_stack[i]);
}

static void ten_thousand_coroutines_round_robin(void) {
    for (size_t i = 0; i < NCO; i++) {
        CHECK(gmp_stack_alloc(16 * 1024, &ring_stack[i]));
        ring_sp[i] = gmp_ctx_make(&ring_stack[i], ring_stack[i].hi, ring_entry, (void *)(uintptr_t)i, NULL);
    }
    uint64_t want = 0;
    for (int r = 0; r < ROUNDS; r++) {
        gmp_ctx_switch(&main_sp, ring_sp[0], &ring_stack[0], NULL, NULL);
        for (size_t i = 0; i < NCO; i++)
            want = want * 1000003u + i;
        for (size_t i = 0; i < NCO; i++)
            CHECK_EQ(ring_visits[i], r + 1);
    }
    CHECK(ring_order_hash == want);
    for (size_t i = 0; i < NCO; i++)
        gmp_stack_free(&ring_stack[i]);
    CHECK_EQ(gmp_stack_live(), 0);
}

/* ---- an overflow hits the guard page and is reported by name ---- */

static bool describe_guard(void *addr, char *buf, size_t len) {
    if (!gmp_stack_in_guard(&co_stack, addr))
        return false;
    snprintf(buf, len, "goroutine 7");
    return true;
}

static volatile uint64_t unbounded_limit = UINT64_MAX;
static __attribute__((noinline)) uint64_t unbounded(uint64_t n) {
    volatile char pad[512];
    pad[0] = (char)n;
    if (n == unbounded_limit)
        return 0;
    return unbounded(n + 1) + (uint64_t)pad[0];
}

static void overflow_entry(void *arg, void *swap_arg) {
    (void)arg;
    (void)swap_arg;
    deep_result = unbounded(0);
}

static void overflow_is_reported_as_stack_overflow(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        gmp_stack_install_overflow_handler(describe_guard, 42);
        if (!gmp_stack_alloc(64 * 1024, &co_stack))
            _exit(3);
        co_sp = gmp_ctx_make(&co_stack, co_stack.hi, overflow_entry, NULL, NULL);
        gmp_ctx_switch(&main_sp, co_sp, &co_stack, NULL, NULL);
        _exit(4); /* unreachable: the recursion never ends */
    }
    close(fds[1]);
    char buf[256] = {0};
    size_t n = 0;
    for (ssize_t r; n < sizeof buf - 1 && (r = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0;)
        n += (size_t)r;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(n > 0);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 42);
    CHECK_STR(buf, "goroutine 7: stack overflow\n");
}

/* ---- a stack mapped where poisoned memory was starts clean (ASan) ----
 *
 * ASan's shadow outlives munmap, so a new stack can land on addresses
 * still marked poisoned by an earlier mapping.  Instrumented frames set
 * their own shadow, but ASan's uninstrumented runtime does not:
 * __asan_handle_no_return (run before every noreturn call) reads the
 * signal stack into a local through the sigaltstack interceptor, which
 * reports stale poison there as an error.  Without ASan this checks only
 * that the stack works. */

enum { REUSE_BYTES = 64 * 1024 };
static gmp_stack reuse_stack;
static int reuse_ran;

static void reuse_entry(void *arg, void *swap_arg) {
    (void)arg;
    (void)swap_arg;
#if GMP_ASAN
    __asan_handle_no_return();
#endif
    reuse_ran++;
    gmp_ctx_switch(&co_sp, main_sp, gmp_host_stack(), NULL, &reuse_stack);
}

static void poison(uintptr_t lo, size_t n) {
#if GMP_ASAN
    __asan_poison_memory_region((void *)lo, n);
#else
    (void)lo, (void)n;
#endif
}

static void run_on_reuse_stack(void) {
    co_sp = gmp_ctx_make(&reuse_stack, reuse_stack.hi, reuse_entry, NULL, NULL);
    gmp_ctx_switch(&main_sp, co_sp, &reuse_stack, NULL, NULL);
}

static void stacks_over_stale_poison_start_clean(void) {
    /* Someone else's mapping, poisoned and unmapped without cleanup. */
    size_t raw_bytes = REUSE_BYTES + GMP_STACK_GUARD_BYTES;
    void *raw = mmap(NULL, raw_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(raw != MAP_FAILED);
    poison((uintptr_t)raw, raw_bytes);
    munmap(raw, raw_bytes);
    CHECK(gmp_stack_alloc(REUSE_BYTES, &reuse_stack));
    run_on_reuse_stack();
    /* One of ours, freed while poisoned, then mapped again. */
    poison(reuse_stack.lo, reuse_stack.hi - reuse_stack.lo);
    gmp_stack_free(&reuse_stack);
    CHECK(gmp_stack_alloc(REUSE_BYTES, &reuse_stack));
    run_on_reuse_stack();
    gmp_stack_free(&reuse_stack);
    CHECK_EQ(reuse_ran, 2);
}

#define TESTS(X)                                        \
    X(switch_preserves_callee_saved_and_fp_control)     \
    X(new_context_gets_default_fp_state)                \
    X(swap_carries_argument_both_ways)                  \
    X(deep_recursion_on_coroutine_stack)                \
    X(ten_thousand_coroutines_round_robin)              \
    X(overflow_is_reported_as_stack_overflow)           \
    X(stacks_over_stale_poison_start_clean)
#include "../unit.h"
