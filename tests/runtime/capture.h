/* tests/runtime/capture.h: keep every event of a run in memory. */
#ifndef GMP_TESTS_CAPTURE_H
#define GMP_TESTS_CAPTURE_H

#include <stdlib.h>
#include <string.h>

#include "traces/trace.h"

typedef struct capture {
    tr_event *ev;
    size_t n, cap;
} capture;

static void capture_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    (void)first_seq;
    capture *c = ctx;
    if (c->n + n > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 4096;
        while (ncap < c->n + n)
            ncap *= 2;
        c->ev = realloc(c->ev, ncap * sizeof *c->ev);
        c->cap = ncap;
    }
    memcpy(c->ev + c->n, ev, n * sizeof *ev);
    c->n += n;
}

static inline void capture_free(capture *c) {
    free(c->ev);
    memset(c, 0, sizeof *c);
}

/* Index of the first event of kind k at or after `from`, or -1. */
static inline long capture_find(const capture *c, int k, size_t from) {
    for (size_t i = from; i < c->n; i++)
        if (c->ev[i].kind == k)
            return (long)i;
    return -1;
}

/* Index of the first event of kind k about G g (its first argument) at or
 * after `from`, or -1. */
static inline long capture_find_g(const capture *c, int k, uint32_t g, size_t from) {
    for (size_t i = from; i < c->n; i++)
        if (c->ev[i].kind == k && c->ev[i].a[0] == g)
            return (long)i;
    return -1;
}

static inline size_t capture_count(const capture *c, int k) {
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->ev[i].kind == k;
    return n;
}

#endif
