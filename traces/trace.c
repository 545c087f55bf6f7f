/* traces/trace.c: the recorder's chunk handling and the XXH3-64 digest. */
#include "trace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <xxh_x86dispatch.h>
#include <xxhash.h>

/* XXH3 through libxxhash's x86 dispatcher: the widest vector unit the CPU
 * has (AVX2 where present), the same digest as the scalar code. */
#define digest_update XXH3_64bits_update_dispatch

bool tr_init(trace *t, bool on) {
    memset(t, 0, sizeof *t);
    t->on = on;
    t->buf = calloc(TR_CHUNK_EVENTS, sizeof(tr_packed));
    t->unpacked = calloc(TR_CHUNK_EVENTS, sizeof(tr_event));
    XXH3_state_t *xs = XXH3_createState();
    if (t->buf == NULL || t->unpacked == NULL || xs == NULL) {
        free(t->buf);
        free(t->unpacked);
        XXH3_freeState(xs);
        return false;
    }
    XXH3_64bits_reset(xs);
    t->xxh = xs;
    return true;
}

void tr_free(trace *t) {
    free(t->buf);
    free(t->unpacked);
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
    digest_update(t->xxh, t->buf, (size_t)n * sizeof(tr_packed));
    if (t->nsinks > 0) {
        for (uint32_t i = 0; i < n; i++)
            t->unpacked[i] = tr_unpack(&t->buf[i]);
        for (int s = 0; s < t->nsinks; s++)
            t->sinks[s].chunk(t->sinks[s].ctx, t->unpacked, n, t->flushed);
    }
    t->flushed += n;
}

/* After an emit: flush a full chunk, then show the hook the record (it
 * stays intact in buf until the next emit). */
void tr_emit_slow_(trace *t) {
    uint32_t n = t->n;
    uint64_t seq = t->flushed + n - 1;
    tr_event e = tr_unpack(&t->buf[n - 1]);
    if (n == TR_CHUNK_EVENTS) {
        t->n = 0;
        flush_n(t, n);
    }
    if (t->hook != NULL)
        t->hook(t->hook_ctx, seq, &e);
}

void tr_flush(trace *t) {
    if (t->buf == NULL)
        return;
    uint32_t n = t->n;
    t->n = 0;
    flush_n(t, n);
}

uint64_t tr_digest(trace *t) {
    tr_flush(t);
    return XXH3_64bits_digest(t->xxh);
}

void tr_digest_update(void *xs, const tr_event *ev, size_t n) {
    tr_packed batch[TR_CHUNK_EVENTS];
    while (n > 0) {
        size_t k = n < TR_CHUNK_EVENTS ? n : TR_CHUNK_EVENTS;
        for (size_t i = 0; i < k; i++)
            batch[i] = tr_pack(&ev[i]);
        digest_update(xs, batch, k * sizeof(tr_packed));
        ev += k;
        n -= k;
    }
}

uint64_t tr_digest_of(const tr_event *ev, size_t n) {
    XXH3_state_t *xs = XXH3_createState();
    if (xs == NULL)
        return 0;
    XXH3_64bits_reset(xs);
    tr_digest_update(xs, ev, n);
    uint64_t d = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    return d;
}
