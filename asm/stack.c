/* asm/stack.c: stack mappings, guard pages, valgrind registration and the
 * stack-overflow signal handler.  Single-threaded, like the whole simulator. */
#include "stack.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define GMP_VG_REGISTER(lo, hi) VALGRIND_STACK_REGISTER((void *)(lo), (void *)(hi))
#define GMP_VG_DEREGISTER(id) VALGRIND_STACK_DEREGISTER(id)
#else
#define GMP_VG_REGISTER(lo, hi) 0u
#define GMP_VG_DEREGISTER(id) ((void)(id))
#endif

static size_t live_stacks;     /* owned by the host thread */

static size_t page_round(size_t n) {
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    return (n + pg - 1) / pg * pg;
}

bool gmp_stack_alloc(size_t bytes, gmp_stack *out) {
    assert(out != NULL && bytes > 0);
    if (live_stacks >= gmp_stack_max_live())
        return false;
    size_t body = page_round(bytes);
    size_t total = body + GMP_STACK_GUARD_BYTES;
    void *map = mmap(NULL, total, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (map == MAP_FAILED)
        return false;
    if (mprotect(map, GMP_STACK_GUARD_BYTES, PROT_NONE) != 0) {
        munmap(map, total);
        return false;
    }
    out->map = map;
    out->map_bytes = total;
    out->lo = (uintptr_t)map + GMP_STACK_GUARD_BYTES;
    out->hi = out->lo + body;
    out->vg_id = GMP_VG_REGISTER(out->lo, out->hi);
    /* Fresh pages, but ASan's shadow for these addresses may still hold
     * the poison of whatever was mapped here before: unknown, so the first
     * gmp_ctx_make clears all of it. */
    out->stale_lo = 0;
    live_stacks++;
    return true;
}

void gmp_stack_free(gmp_stack *s) {
    if (s->map == NULL)
        return;
    assert(live_stacks > 0);
    GMP_VG_DEREGISTER(s->vg_id);
#if GMP_ASAN
    __asan_unpoison_memory_region((void *)s->lo, s->hi - s->lo);   /* leave no poison behind */
#endif
    munmap(s->map, s->map_bytes);
    memset(s, 0, sizeof *s);
    live_stacks--;
}

size_t gmp_stack_live(void) { return live_stacks; }

/* ---- pool ---- */

enum { POOL_MAX = 4096 };          /* cached stacks kept across runs */
static gmp_stack pool[POOL_MAX];   /* owned by the host thread */
static size_t pool_n;

bool gmp_stack_get(size_t bytes, gmp_stack *out) {
    size_t body = page_round(bytes);
    for (size_t i = pool_n; i-- > 0;) {
        if (pool[i].hi - pool[i].lo == body) {
            *out = pool[i];
            pool[i] = pool[--pool_n];
#if GMP_ASAN
            __asan_unpoison_memory_region((void *)out->lo, out->hi - out->lo);
#endif
            out->stale_lo = out->hi;
            return true;
        }
    }
    return gmp_stack_alloc(bytes, out);
}

void gmp_stack_put(gmp_stack *s) {
    if (s->map == NULL)
        return;
    if (pool_n < POOL_MAX) {
        pool[pool_n++] = *s;
        memset(s, 0, sizeof *s);
        return;
    }
    gmp_stack_free(s);
}

bool gmp_stack_pool_holds(uintptr_t lo, uintptr_t hi) {
    for (size_t i = 0; i < pool_n; i++)
        if (pool[i].lo < hi && lo < pool[i].hi)
            return true;
    return false;
}

void gmp_stack_pool_drain(void) {
    while (pool_n > 0)
        gmp_stack_free(&pool[--pool_n]);
}

size_t gmp_stack_max_live(void) {
    static size_t max_live;
    if (max_live == 0) {
        long maps = 65530; /* the kernel default, if /proc is unreadable */
        FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
        if (f != NULL) {
            if (fscanf(f, "%ld", &maps) != 1)
                maps = 65530;
            fclose(f);
        }
        /* Two mappings per stack; keep 4096 maps for everything else. */
        max_live = maps > 8192 ? (size_t)(maps - 4096) / 2 : 2048;
    }
    return max_live;
}

/* ---- overflow handler ---- */

static gmp_overflow_describe_fn overflow_describe;
static int overflow_exit_code;

static void write_all(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void overflow_handler(int sig, siginfo_t *info, void *uctx) {
    (void)uctx;
    static const char msg[] = ": stack overflow\n";
    char line[128];
    if (overflow_describe != NULL && overflow_describe(info->si_addr, line, sizeof line - sizeof msg)) {
        line[sizeof line - sizeof msg] = 0;
        size_t n = strlen(line);
        memcpy(line + n, msg, sizeof msg);   /* one write: the line arrives whole */
        write_all(line, n + sizeof msg - 1);
        _exit(overflow_exit_code);
    }
    /* Not ours: fall back to the default action so the crash is visible. */
    signal(sig, SIG_DFL);
    raise(sig);
}

void gmp_stack_install_overflow_handler(gmp_overflow_describe_fn describe, int exit_code) {
    static char *altstack;
    overflow_describe = describe;
    overflow_exit_code = exit_code;
    if (altstack == NULL) {
        size_t sz = 64 * 1024;
        altstack = malloc(sz);
        if (altstack == NULL)
            return;
        stack_t ss = {.ss_sp = altstack, .ss_size = sz, .ss_flags = 0};
        sigaltstack(&ss, NULL);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = overflow_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}
