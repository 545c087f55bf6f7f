/* tests/runtime/capture.h: every event of a run in memory (traces/capture.h),
 * with lookups for tests. */
#ifndef GMP_TESTS_CAPTURE_H
#define GMP_TESTS_CAPTURE_H

#include "traces/capture.h"

typedef tr_capture capture;
#define capture_free tr_capture_free

static inline tr_sink capture_sink(capture *c) { return tr_capture_sink(c); }

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
