/* traces/trace.c: the recorder's chunk handling and the XXH3-64 digest. */
#include "trace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

bool tr_init(trace *t, bool on) {
    memset(t, 0, sizeof *t);
    t->on = on;
    t->buf = calloc(TR_CHUNK_EVENTS, sizeof(tr_event));
    XXH3_state_t *xs = XXH3_createState();
    if (t->buf == NULL || xs == NULL) {
        free(t->buf);
        XXH3_freeState(xs);
        return false;
    }
    XXH3_64bits_reset(xs);
    t->xxh = xs;
    return true;
}

void tr_free(trace *t) {
    free(t->buf);
    XXH3_freeState(t->xxh);
    memset(t, 0, sizeof *t);
}

void tr_add_sink(trace *t, tr_sink s) {
    assert(t->nsinks < TR_MAX_SINKS);
    t->sinks[t->nsinks++] = s;
}

void tr_set_hook(trace *t, tr_hook_fn fn, void *ctx) {
    t->hook = fn;
    t->hook_ctx = ctx;
}

/* Called with n records in buf: digest them, count them, show the sinks. */
static void flush_n(trace *t, uint32_t n) {
    if (n == 0)
        return;
    XXH3_64bits_update(t->xxh, t->buf, (size_t)n * sizeof(tr_event));
    for (uint32_t i = 0; i < n; i++)
        t->counts[t->buf[i].kind]++;
    for (int s = 0; s < t->nsinks; s++)
        t->sinks[s].chunk(t->sinks[s].ctx, t->buf, n, t->flushed);
    t->flushed += n;
}

void tr_flush_full_(trace *t) {
    assert(t->n == TR_CHUNK_EVENTS);
    uint32_t n = t->n;
    t->n = 0;
    flush_n(t, n);
}

void tr_flush(trace *t) {
    if (t->buf == NULL)
        return;
    uint32_t n = t->n;
    if (n == 0)
        return;
    /* A partial chunk: shift nothing, just account it and restart. */
    t->n = 0;
    flush_n(t, n);
}

uint64_t tr_digest(trace *t) {
    tr_flush(t);
    return XXH3_64bits_digest(t->xxh);
}

uint64_t tr_digest_of(const tr_event *ev, size_t n) {
    XXH3_state_t *xs = XXH3_createState();
    if (xs == NULL)
        return 0;
    XXH3_64bits_reset(xs);
    XXH3_64bits_update(xs, ev, n * sizeof(tr_event));
    uint64_t d = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    return d;
}
