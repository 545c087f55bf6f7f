/*
 * asm/ctx.h: execution contexts on our own stacks.
 *
 * One primitive, gmp_swap (switch_amd64.S), switches every context in
 * gmpsim: goroutine <-> g0 (Go's gogo/mcall/systemstack, built in runtime/)
 * and simulated M <-> simulated M (sim/).  This header is the only place
 * that calls it, so the sanitizer hooks live here and nowhere else:
 *
 *  - ASan: each switch is bracketed by __sanitizer_start_switch_fiber and
 *    __sanitizer_finish_switch_fiber.  The fake-stack save slot is a local
 *    on the stack being left, so it is intact when that stack resumes.  A
 *    context's final switch (a goroutine exiting, or a frame that is being
 *    abandoned for good) passes NULL so ASan frees its fake frames.
 *  - Valgrind: stacks are registered where they are mapped (asm/stack.c).
 *
 * Ownership: a gmp_ctx belongs to whoever created the stack it lives on;
 * contexts are single-threaded (the simulator runs on one host thread).
 */
#ifndef GMP_ASM_CTX_H
#define GMP_ASM_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define GMP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GMP_ASAN 1
#endif
#endif
#ifndef GMP_ASAN
#define GMP_ASAN 0
#endif

#if GMP_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* Bounds of a stack a context may run on.  lo is the lowest usable byte. */
typedef struct gmp_stack {
    uintptr_t lo;          /* lowest usable address (just above the guard) */
    uintptr_t hi;          /* one past the highest usable address */
    void *map;             /* whole mapping, guard page included (NULL: not ours) */
    size_t map_bytes;
    unsigned vg_id;        /* valgrind stack id, 0 when not under valgrind */
    uintptr_t stale_lo;    /* ASan: lowest address abandoned frames may have left poisoned
                              (0: unknown, so all of it; hi: none); owned by asm/ */
} gmp_stack;

typedef void (*gmp_entry_fn)(void *arg, void *swap_arg);

/* The primitive (switch_amd64.S). */
void *gmp_swap(void **save_sp, void *to_sp, void *arg);
void gmp_ctx_trampoline(void);
void gmp_goexit(void);

/* What gmp_goexit calls when a goroutine's entry returns (set by runtime/). */
extern void (*gmp_goexit_fn)(void);

/* Called by gmp_ctx_trampoline when a fresh context first runs. */
void *gmp_ctx_started(void *swap_arg);

/*
 * Build a fresh context on stack s, just below `top` (<= s->hi): resuming
 * it calls entry(arg, swap_arg) with `retaddr` as entry's return address
 * (gmp_goexit + 1 for goroutines, NULL for contexts whose entry never
 * returns).  Returns the saved stack pointer to pass to gmp_swap.
 * Anything on s below top is considered dead (abandoned frames); under
 * ASan their stale poison, down to s->stale_lo, is cleared.
 */
void *gmp_ctx_make(gmp_stack *s, uintptr_t top, gmp_entry_fn entry, void *arg, void *retaddr);

/* Bounds of the host thread's own stack (for switches back to it). */
const gmp_stack *gmp_host_stack(void);

/* Bytes below a switching frame that its callees (the fiber annotations,
 * gmp_swap) may have poisoned. */
enum { GMP_ABANDON_SLACK = 4096 };

/*
 * Switch to the context saved at to_sp, which runs on to_stack.  `abandon`
 * is NULL if the current context will be resumed, else the stack it runs
 * on, which it leaves for good: its frames never return, so under ASan
 * their redzones stay poisoned, and abandon->stale_lo records how deep
 * they reach for the next gmp_ctx_make there.  Returns the argument
 * passed by whoever switches back to us.
 */
static inline void *gmp_ctx_switch(void **save_sp, void *to_sp, const gmp_stack *to_stack,
                                   void *arg, gmp_stack *abandon) {
#if GMP_ASAN
    void *fake = NULL;
    if (abandon != NULL) {
        uintptr_t here = (uintptr_t)__builtin_frame_address(0) - GMP_ABANDON_SLACK;
        if (abandon->stale_lo > here)
            abandon->stale_lo = here;
    }
    __sanitizer_start_switch_fiber(abandon != NULL ? NULL : &fake, (const void *)to_stack->lo,
                                   to_stack->hi - to_stack->lo);
    void *r = gmp_swap(save_sp, to_sp, arg);
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
    return r;
#else
    (void)to_stack;
    (void)abandon;
    return gmp_swap(save_sp, to_sp, arg);
#endif
}

#endif
