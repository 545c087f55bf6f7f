/*
 * asm/stack.h: mmap'd stacks with a PROT_NONE guard page, and the
 * overflow reporter.
 *
 * Every goroutine and every simulated thread runs on a stack from here.
 * The guard page sits below lo; touching it raises SIGSEGV, which a
 * handler on an alternate signal stack turns into "<who>: stack overflow"
 * and a clean exit.  Code is compiled with -fstack-clash-protection so a
 * large frame probes page by page and cannot jump over the guard.
 *
 * Each stack is two kernel mappings (guard + body), so the number of live
 * stacks is bounded by vm.max_map_count / 2; gmp_stack_alloc fails cleanly
 * (returns false) past that bound, and callers report a resource limit.
 */
#ifndef GMP_ASM_STACK_H
#define GMP_ASM_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

enum { GMP_STACK_GUARD_BYTES = 4096 };

/* Map a stack with `bytes` usable bytes (rounded up to pages). */
bool gmp_stack_alloc(size_t bytes, gmp_stack *out);
void gmp_stack_free(gmp_stack *s);

/* Pooled allocation: reuse a cached stack of the same size if there is
 * one (unpoisoned under ASan), else map a new one.  gmp_stack_put returns
 * a stack to the pool, or unmaps it when the pool is full. */
bool gmp_stack_get(size_t bytes, gmp_stack *out);
void gmp_stack_put(gmp_stack *s);

/* True if [lo, hi) overlaps a stack in the pool (the ownership oracle:
 * a stack in use must not also be free). */
bool gmp_stack_pool_holds(uintptr_t lo, uintptr_t hi);

/* Unmap every pooled stack. */
void gmp_stack_pool_drain(void);

/* Live stacks and their mapped bytes (guard pages included). */
size_t gmp_stack_live(void);

/* Largest number of stacks the kernel's map limit allows, with headroom. */
size_t gmp_stack_max_live(void);

/*
 * The overflow handler asks `describe` who owned the faulting guard page;
 * it must be async-signal-safe, write a label such as "goroutine 7" into
 * buf and return true, or return false if the address is not a guard page.
 * The handler then prints "<label>: stack overflow" and _exits with
 * exit_code.  Faults it does not recognise are re-raised with the default
 * action.
 */
typedef bool (*gmp_overflow_describe_fn)(void *fault_addr, char *buf, size_t buf_len);
void gmp_stack_install_overflow_handler(gmp_overflow_describe_fn describe, int exit_code);

/* True if addr lies in s's guard page. */
static inline bool gmp_stack_in_guard(const gmp_stack *s, void *addr) {
    uintptr_t a = (uintptr_t)addr;
    return s->map != NULL && a >= (uintptr_t)s->map && a < s->lo;
}

#endif
