/*
 * traces/codec.h: the compact encoding of events inside one file chunk.
 *
 * Each event is a head byte of "differs from the prediction" flags followed
 * only by the fields that differ.  Predictions come from a per-chunk state
 * that both sides update the same way after every event:
 *   kind  the kind that followed the previous kind last time
 *   time  the previous time plus the delta this kind had last time
 *   M P   the previous record's M and P
 *   G     the previous record's G, or 0, or the G this kind had last time
 *         (a two-bit mode: scheduler-side events run on g0, so a Gosched
 *         loop flips between the user G and 0)
 *   args  the arguments this kind had last time
 * A loop of identical scheduler steps therefore costs one byte per event
 * before compression.  The byte layout is in docs/trace-format.md.
 *
 * Ownership: a codec state belongs to one writer or one reader and is reset
 * at every chunk boundary, so chunks decode independently.
 */
#ifndef GMP_TRACES_CODEC_H
#define GMP_TRACES_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Longest encoding of one event: head 1 + kind 3 + time delta 10 + M 3 +
 * P 3 + G 5 + argument modes 1 + three arguments 5 each. */
enum { TR_EVENT_BYTES_MAX = 41 };

/* Head byte: a set flag means "the field follows explicitly". */
enum {
    TR_HEAD_KIND = 1u << 0,
    TR_HEAD_TIME = 1u << 1,
    TR_HEAD_M = 1u << 2,
    TR_HEAD_P = 1u << 3,
    TR_HEAD_G_SHIFT = 4,          /* bits 4-5: the G mode below */
    TR_HEAD_G_MASK = 3u << 4,
    TR_HEAD_ARGS = 1u << 6,
    TR_HEAD_RESERVED = 1u << 7,   /* must be zero */
};

/* G modes. */
enum { TR_G_PREV = 0, TR_G_EXPLICIT = 1, TR_G_ZERO = 2, TR_G_KIND = 3 };

/* Argument modes, two bits per argument in the mode byte. */
enum { TR_ARG_ZERO = 0, TR_ARG_SAME = 1, TR_ARG_G = 2, TR_ARG_EXPLICIT = 3 };

typedef struct tr_codec_state {
    int64_t time;
    uint32_t g;
    uint16_t m, p;
    uint16_t kind;                      /* previous record's kind */
    uint16_t next_kind[EV__COUNT];      /* kind that followed each kind last time */
    uint64_t last_delta[EV__COUNT];     /* time delta each kind had last time */
    uint32_t last_g[EV__COUNT];         /* G each kind had last time */
    uint32_t last_args[EV__COUNT][3];   /* arguments each kind had last time */
} tr_codec_state;

/* Start of a chunk: every prediction is zero. */
void tr_codec_reset(tr_codec_state *s);

/* Encode e (kind < EV__COUNT, zero == 0) into out, which has room for
 * TR_EVENT_BYTES_MAX bytes.  Returns the bytes written. */
size_t tr_encode_event(tr_codec_state *s, const tr_event *e, uint8_t *out);

/* Decode one event from in[0..len).  On success returns TR_DECODE_OK and
 * sets *used; otherwise returns an error and *why names the problem
 * (a static string).  Never reads past in[len-1]. */
enum { TR_DECODE_OK = 0, TR_DECODE_MALFORMED, TR_DECODE_KIND };
int tr_decode_event(tr_codec_state *s, const uint8_t *in, size_t len, size_t *used, tr_event *e,
                    const char **why);

#endif
