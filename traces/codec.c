/* traces/codec.c: the compact per-chunk event encoding (see codec.h). */
#include "codec.h"

#include <assert.h>
#include <string.h>

/* Longest LEB128 varint of a 64-bit value. */
enum { VARINT_BYTES_MAX = 10 };

void tr_codec_reset(tr_codec_state *s) { memset(s, 0, sizeof *s); }

static size_t put_varint(uint8_t *out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    assert(n <= VARINT_BYTES_MAX);
    return n;
}

/* Reads one varint of at most max_value; false if it is cut short, longer
 * than VARINT_BYTES_MAX bytes or too large. */
static bool get_varint(const uint8_t *in, size_t len, size_t *pos, uint64_t max_value, uint64_t *v) {
    uint64_t x = 0;
    for (unsigned i = 0; i < VARINT_BYTES_MAX; i++) {
        if (*pos >= len)
            return false;
        uint8_t b = in[(*pos)++];
        uint64_t bits = (uint64_t)(b & 0x7f);
        if (i == VARINT_BYTES_MAX - 1 && bits > 1)
            return false; /* the 10th byte carries only bit 63 */
        x |= bits << (7 * i);
        if ((b & 0x80) == 0) {
            if (x > max_value)
                return false;
            *v = x;
            return true;
        }
    }
    return false;
}

static uint64_t zigzag(uint64_t delta) { return (delta << 1) ^ (uint64_t)-(int64_t)(delta >> 63); }
static uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ (uint64_t)-(int64_t)(z & 1); }

static unsigned g_mode(const tr_codec_state *s, const tr_event *e) {
    if (e->g == s->g)
        return TR_G_PREV;
    if (e->g == 0)
        return TR_G_ZERO;
    if (e->g == s->last_g[e->kind])
        return TR_G_KIND;
    return TR_G_EXPLICIT;
}

static unsigned arg_mode(uint32_t a, uint32_t last, uint32_t g) {
    if (a == last)
        return TR_ARG_SAME;
    if (a == 0)
        return TR_ARG_ZERO;
    if (a == g)
        return TR_ARG_G;
    return TR_ARG_EXPLICIT;
}

/* Both sides update the predictions identically after each event. */
static void learn(tr_codec_state *s, const tr_event *e, uint64_t delta) {
    s->next_kind[s->kind] = e->kind;
    s->kind = e->kind;
    s->last_delta[e->kind] = delta;
    s->last_g[e->kind] = e->g;
    memcpy(s->last_args[e->kind], e->a, sizeof e->a);
    s->time = e->time;
    s->m = e->m;
    s->p = e->p;
    s->g = e->g;
}

static size_t put_args(const tr_codec_state *s, const tr_event *e, uint8_t *out) {
    const uint32_t *last = s->last_args[e->kind];
    unsigned modes = 0;
    for (int i = 0; i < 3; i++)
        modes |= arg_mode(e->a[i], last[i], e->g) << (2 * i);
    size_t n = 0;
    out[n++] = (uint8_t)modes;
    for (int i = 0; i < 3; i++)
        if (((modes >> (2 * i)) & 3) == TR_ARG_EXPLICIT)
            n += put_varint(out + n, e->a[i]);
    return n;
}

size_t tr_encode_event(tr_codec_state *s, const tr_event *e, uint8_t *out) {
    assert(e->kind < EV__COUNT);
    assert(e->zero == 0);
    uint64_t delta = (uint64_t)e->time - (uint64_t)s->time;
    unsigned head = 0;
    head |= e->kind != s->next_kind[s->kind] ? TR_HEAD_KIND : 0;
    head |= delta != s->last_delta[e->kind] ? TR_HEAD_TIME : 0;
    head |= e->m != s->m ? TR_HEAD_M : 0;
    head |= e->p != s->p ? TR_HEAD_P : 0;
    head |= g_mode(s, e) << TR_HEAD_G_SHIFT;
    head |= memcmp(e->a, s->last_args[e->kind], sizeof e->a) != 0 ? TR_HEAD_ARGS : 0;
    size_t n = 0;
    out[n++] = (uint8_t)head;
    if (head & TR_HEAD_KIND)
        n += put_varint(out + n, e->kind);
    if (head & TR_HEAD_TIME)
        n += put_varint(out + n, zigzag(delta));
    if (head & TR_HEAD_M)
        n += put_varint(out + n, e->m);
    if (head & TR_HEAD_P)
        n += put_varint(out + n, e->p);
    if (((head & TR_HEAD_G_MASK) >> TR_HEAD_G_SHIFT) == TR_G_EXPLICIT)
        n += put_varint(out + n, e->g);
    if (head & TR_HEAD_ARGS)
        n += put_args(s, e, out + n);
    assert(n <= TR_EVENT_BYTES_MAX);
    learn(s, e, delta);
    return n;
}

/* Decodes the mode byte and explicit arguments into e->a. */
static int get_args(const tr_codec_state *s, const uint8_t *in, size_t len, size_t *pos, tr_event *e,
                    const char **why) {
    if (*pos >= len) {
        *why = "argument modes cut short";
        return TR_DECODE_MALFORMED;
    }
    unsigned modes = in[(*pos)++];
    if (modes >> 6) {
        *why = "reserved bits set in the argument modes";
        return TR_DECODE_MALFORMED;
    }
    for (int i = 0; i < 3; i++) {
        uint64_t v = 0;
        switch ((modes >> (2 * i)) & 3) {
        case TR_ARG_ZERO: v = 0; break;
        case TR_ARG_SAME: v = s->last_args[e->kind][i]; break;
        case TR_ARG_G: v = e->g; break;
        default:
            if (!get_varint(in, len, pos, UINT32_MAX, &v)) {
                *why = "bad argument varint";
                return TR_DECODE_MALFORMED;
            }
        }
        e->a[i] = (uint32_t)v;
    }
    return TR_DECODE_OK;
}

/* One optional varint field: the prediction when its head bit is clear. */
static bool get_field(unsigned head, unsigned bit, const uint8_t *in, size_t len, size_t *pos,
                      uint64_t max_value, uint64_t predicted, uint64_t *v) {
    if ((head & bit) == 0) {
        *v = predicted;
        return true;
    }
    return get_varint(in, len, pos, max_value, v);
}

static bool get_g(const tr_codec_state *s, unsigned head, uint64_t kind, const uint8_t *in, size_t len,
                  size_t *pos, uint64_t *g) {
    switch ((head & TR_HEAD_G_MASK) >> TR_HEAD_G_SHIFT) {
    case TR_G_PREV: *g = s->g; return true;
    case TR_G_ZERO: *g = 0; return true;
    case TR_G_KIND: *g = s->last_g[kind]; return true;
    default: return get_varint(in, len, pos, UINT32_MAX, g);
    }
}

int tr_decode_event(tr_codec_state *s, const uint8_t *in, size_t len, size_t *used, tr_event *e,
                    const char **why) {
    size_t pos = 0;
    if (len == 0) {
        *why = "event cut short";
        return TR_DECODE_MALFORMED;
    }
    unsigned head = in[pos++];
    if (head & TR_HEAD_RESERVED) {
        *why = "reserved bits set in the event head";
        return TR_DECODE_MALFORMED;
    }
    uint64_t kind, delta, m, p, g = 0;
    if (!get_field(head, TR_HEAD_KIND, in, len, &pos, UINT16_MAX, s->next_kind[s->kind], &kind)) {
        *why = "bad kind varint";
        return TR_DECODE_MALFORMED;
    }
    if (kind >= EV__COUNT) {
        *why = "event kind outside the catalogue";
        return TR_DECODE_KIND;
    }
    memset(e, 0, sizeof *e);
    e->kind = (uint16_t)kind;
    if (!get_field(head, TR_HEAD_TIME, in, len, &pos, UINT64_MAX, 0, &delta) ||
        !get_field(head, TR_HEAD_M, in, len, &pos, UINT16_MAX, s->m, &m) ||
        !get_field(head, TR_HEAD_P, in, len, &pos, UINT16_MAX, s->p, &p) ||
        !get_g(s, head, kind, in, len, &pos, &g)) {
        *why = "bad time, M, P or G varint";
        return TR_DECODE_MALFORMED;
    }
    delta = (head & TR_HEAD_TIME) ? unzigzag(delta) : s->last_delta[kind];
    e->time = (int64_t)((uint64_t)s->time + delta);
    e->m = (uint16_t)m;
    e->p = (uint16_t)p;
    e->g = (uint32_t)g;
    if (head & TR_HEAD_ARGS) {
        int rc = get_args(s, in, len, &pos, e, why);
        if (rc != TR_DECODE_OK)
            return rc;
    } else {
        memcpy(e->a, s->last_args[kind], sizeof e->a);
    }
    /* Only what the canonical record can hold (trace.h) is a valid event. */
    if (e->time < 0 || e->time > TR_TIME_MAX || e->a[2] > TR_ARG2_MAX) {
        *why = "time or third argument outside the canonical record's range";
        return TR_DECODE_MALFORMED;
    }
    learn(s, e, delta);
    *used = pos;
    return TR_DECODE_OK;
}
