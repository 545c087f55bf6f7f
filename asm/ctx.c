/* asm/ctx.c: building fresh contexts, and the host stack's bounds. */
#include "ctx.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Default floating-point control state for a new context: all exceptions
 * masked, round to nearest (MXCSR 0x1f80), x87 extended precision (0x37f).
 * These are the values the System V ABI gives a new process. */
enum { MXCSR_DEFAULT = 0x1f80, X87CW_DEFAULT = 0x037f };

/* Words in a saved frame (see switch_amd64.S): fp control, r15, r14, r13,
 * r12, rbx, rbp, resume pc; then the entry's return address. */
enum { FRAME_WORDS = 9 };

void *gmp_ctx_make(gmp_stack *s, uintptr_t top_in, gmp_entry_fn entry, void *arg, void *retaddr) {
    assert(entry != NULL && s != NULL && top_in <= s->hi && top_in > s->lo);
    (void)s;   /* used by the assertion and under ASan only */
    /* The entry's return-address slot must sit at 8 mod 16, as if `call`
     * had pushed it from a 16-byte aligned stack. */
    uintptr_t top = (top_in & ~(uintptr_t)15) - 8;
    uintptr_t *f = (uintptr_t *)top - (FRAME_WORDS - 1);
#if GMP_ASAN
    /* Frames abandoned on s (g0 frames left by gogo, a dead goroutine's
     * frames) never ran their epilogues, so their redzones are still
     * poisoned; instrumented frames rewrite their own shadow, but
     * uninstrumented code (ASan's interceptors) would trip on it.  Clear
     * from the deepest abandoned frame (gmp_ctx_switch records it) up. */
    uintptr_t dead = s->stale_lo < (uintptr_t)f ? s->stale_lo : (uintptr_t)f;
    if (dead < s->lo)
        dead = s->lo;
    __asan_unpoison_memory_region((void *)dead, top_in - dead);
    s->stale_lo = s->hi;
#endif
    uint32_t fpctl[2] = {MXCSR_DEFAULT, X87CW_DEFAULT};
    memcpy(&f[0], fpctl, sizeof fpctl);
    f[1] = 0;                                /* r15 */
    f[2] = 0;                                /* r14 */
    f[3] = (uintptr_t)arg;                   /* r13: entry argument */
    f[4] = (uintptr_t)entry;                 /* r12: entry */
    f[5] = 0;                                /* rbx */
    f[6] = 0;                                /* rbp: ends frame-pointer chains */
    f[7] = (uintptr_t)&gmp_ctx_trampoline;   /* resume pc */
    f[8] = (uintptr_t)retaddr;               /* entry's return address */
    assert(((uintptr_t)&f[8] & 15) == 8);
    return f;
}

void *gmp_ctx_started(void *swap_arg) {
#if GMP_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    return swap_arg;
}

static void goexit_unset(void) {
    static const char msg[] = "gmpsim: a context returned into goexit with no runtime installed\n";
    fputs(msg, stderr);
    abort();
}

void (*gmp_goexit_fn)(void) = goexit_unset;

static gmp_stack host_stack;

const gmp_stack *gmp_host_stack(void) {
    if (host_stack.hi == 0) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
        }
        host_stack.lo = (uintptr_t)addr;
        host_stack.hi = (uintptr_t)addr + size;
    }
    return &host_stack;
}
