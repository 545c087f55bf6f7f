/* traces/capture.c: see capture.h. */
#include "capture.h"

#include <stdlib.h>
#include <string.h>

static void capture_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    (void)first_seq;
    tr_capture *c = ctx;
    if (c->n + n > c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 4096;
        while (ncap < c->n + n)
            ncap *= 2;
        tr_event *p = realloc(c->ev, ncap * sizeof *p);
        if (p == NULL) {
            c->lost = true;
            return;
        }
        c->ev = p;
        c->cap = ncap;
    }
    memcpy(c->ev + c->n, ev, n * sizeof *ev);
    c->n += n;
}

tr_sink tr_capture_sink(tr_capture *c) { return (tr_sink){capture_chunk, c}; }

void tr_capture_free(tr_capture *c) {
    free(c->ev);
    memset(c, 0, sizeof *c);
}

size_t tr_capture_first_difference(const tr_capture *a, const tr_capture *b) {
    size_t n = a->n < b->n ? a->n : b->n, i = 0;
    while (i < n && memcmp(&a->ev[i], &b->ev[i], sizeof(tr_event)) == 0)
        i++;
    return i;
}
