/*
 * sim/scenario/binform.c: the compact binary form fuzzers mutate.
 *
 * Decoding is total: every byte string, the empty one included, gives a
 * valid scenario within the SCB_* bounds.  Bytes select things modulo how
 * many there are, so any byte means something and a mutated byte changes
 * one thing; a missing byte reads as 0, the default.  The layout
 * (docs/scenario.md has the full table):
 *
 *   header, 25 bytes at fixed offsets:
 *     [0] bits 0-2: GOMAXPROCS-1; bits 3-5: start_procs - GOMAXPROCS modulo
 *         8 (0: the same); bit 6: the program does not import os
 *     [1] bodies-1  [2] main body  [3] channels
 *     [4] mutexes  [5] waitgroups  [6] timed events
 *     [7..12] capacity of channel 0..5
 *     [13..24] timed event 0..3: time (2 bytes, little-endian), GOMAXPROCS-1
 *   then each body in index order: a record count R, then R records of 3
 *   bytes [kind, x, y].
 *
 * A record's kind byte is an op kind modulo OP__COUNT; the slot of OP_CASE
 * means "end of the innermost open loop, select or case".  Inside a
 * select a record is a case instead: kind%3 is recv, send or default, x
 * picks the channel and y&1 says whether a body of records follows (up to
 * its end record).  A body's records end its open blocks.
 *
 * Encoding writes the same layout, so decoding it gives back a
 * structurally equal scenario for anything within the bounds.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/scenario/sc_internal.h"

enum { REC_END = OP_CASE };   /* the record kind that closes a block */
enum { HDR_CAPS = 7, HDR_EVENTS = HDR_CAPS + SCB_MAX_CHANS };   /* header offsets */
_Static_assert(HDR_EVENTS + 3 * SCB_MAX_EVENTS == SCB_HEADER_BYTES, "header layout");
enum { DUR_NS_LIMIT = 1000 }; /* durations below this are given in ns */

/* ---- numbers ---- */

/* A 16-bit duration code: 0..999 are ns, the rest are whole microseconds
 * modulo 2001 (0..2ms). */
static int64_t duration_of(unsigned v) {
    assert(v <= 0xffff);
    if (v < DUR_NS_LIMIT)
        return v;
    return (int64_t)((v - DUR_NS_LIMIT) % (SCB_MAX_DURATION_NS / 1000 + 1)) * 1000;
}

static bool duration_fits(int64_t ns) {
    return ns >= 0 && (ns < DUR_NS_LIMIT || (ns % 1000 == 0 && ns <= SCB_MAX_DURATION_NS));
}

static unsigned duration_code(int64_t ns) {
    assert(duration_fits(ns));
    return ns < DUR_NS_LIMIT ? (unsigned)ns : DUR_NS_LIMIT + (unsigned)(ns / 1000);
}

/* The nearest duration at or below ns that the binary form can hold. */
static int64_t duration_clamp(int64_t ns) {
    if (ns < DUR_NS_LIMIT)
        return ns;
    ns = ns < SCB_MAX_DURATION_NS ? ns : SCB_MAX_DURATION_NS;
    return ns - ns % 1000;
}

/* Spawn order: main first, then the other bodies by index.  A `go` may
 * only start a body later in this order. */
static uint32_t spawn_rank(const scenario *sc, uint32_t body) {
    if (body == sc->main_body)
        return 0;
    return body < sc->main_body ? body + 1 : body;
}

static uint32_t body_of_rank(const scenario *sc, uint32_t rank) {
    if (rank == 0)
        return sc->main_body;
    return rank - 1 < sc->main_body ? rank - 1 : rank;
}

/* ---- decoding ---- */

/* The input as a stream of bytes that reads 0 past its end. */
typedef struct reader {
    const uint8_t *data;
    size_t len, pos;
} reader;

static uint8_t byte_at(const reader *r, size_t at) { return at < r->len ? r->data[at] : 0; }

static uint8_t next_byte(reader *r) {
    uint8_t b = byte_at(r, r->pos);
    r->pos++;
    return b;
}

/* The decoder's state inside one body. */
typedef struct decoder {
    scenario *sc;
    uint32_t body;
    int label_of_raw[SCB_MAX_LABELS];     /* raw label id -> label index, or -1 */
    struct { uint32_t op; uint8_t ncases, has_default; } open[2 * SCB_MAX_DEPTH + 1];
    uint32_t sp, depth;
} decoder;

static void name_objects(scenario *sc) {
    for (uint32_t i = 0; i < sc->nbodies; i++) {
        if (i == sc->main_body)
            snprintf(sc->bodies[i].name, SC_MAX_NAME, "main");
        else
            snprintf(sc->bodies[i].name, SC_MAX_NAME, "b%" PRIu32, i);
    }
    for (uint32_t i = 0; i < sc->nchans; i++)
        snprintf(sc->chans[i].name, SC_MAX_NAME, "c%" PRIu32, i);
    for (uint32_t i = 0; i < sc->nmutexes; i++)
        snprintf(sc->mutexes[i], SC_MAX_NAME, "mu%" PRIu32, i);
    for (uint32_t i = 0; i < sc->nwgs; i++)
        snprintf(sc->wgs[i], SC_MAX_NAME, "wg%" PRIu32, i);
}

static void decode_header(reader *r, scenario *sc) {
    uint8_t h0 = byte_at(r, 0);
    _Static_assert(SCB_MAX_PROCS == 8, "three bits of header byte 0 each");
    sc->gomaxprocs = 1 + (h0 & 7);
    unsigned delta = (h0 >> 3) & 7;
    sc->start_procs = delta == 0 ? 0 : 1 + (int32_t)((unsigned)(sc->gomaxprocs - 1 + delta) & 7);
    sc->no_os = (h0 >> 6) & 1;
    sc->nbodies = 1 + byte_at(r, 1) % SCB_MAX_BODIES;
    sc->main_body = byte_at(r, 2) % sc->nbodies;
    sc->nchans = byte_at(r, 3) % (SCB_MAX_CHANS + 1);
    sc->nmutexes = byte_at(r, 4) % (SCB_MAX_MUTEXES + 1);
    sc->nwgs = byte_at(r, 5) % (SCB_MAX_WGS + 1);
    sc->nevents = byte_at(r, 6) % (SCB_MAX_EVENTS + 1);
    for (uint32_t i = 0; i < sc->nchans; i++)
        sc->chans[i].cap = byte_at(r, HDR_CAPS + i) % (SCB_MAX_CAP + 1);
    for (uint32_t i = 0; i < sc->nevents; i++) {
        size_t at = HDR_EVENTS + 3 * i;
        unsigned v = byte_at(r, at) | (unsigned)byte_at(r, at + 1) << 8;
        sc->events[i] = (sc_event){.at_ns = duration_of(v), .kind = EVT_GOMAXPROCS,
                                   .arg = 1 + byte_at(r, at + 2) % SCB_MAX_PROCS};
    }
    sc_sort_events(sc);
    name_objects(sc);
    r->pos = SCB_HEADER_BYTES;
}

static uint32_t emit(decoder *d, uint8_t kind, uint32_t a, int64_t n) {
    scenario *sc = d->sc;
    assert(sc->nops < SCB_MAX_OPS);
    uint32_t i = sc->nops++;
    sc->ops[i] = (sc_op){.kind = kind, .a = a, .n = n};
    return i;
}

static void open_block(decoder *d, uint32_t op) {
    assert(d->sp < sizeof d->open / sizeof d->open[0]);
    d->open[d->sp].op = op;
    d->open[d->sp].ncases = 0;
    d->open[d->sp].has_default = 0;
    d->sp++;
    d->depth += sc_op_deepens(d->sc->ops[op].kind);
}

static void close_block(decoder *d) {
    assert(d->sp > 0);
    sc_op *op = &d->sc->ops[d->open[--d->sp].op];
    op->child = (uint32_t)(op - d->sc->ops) + 1;
    op->nchild = d->sc->nops - op->child;
    d->depth -= sc_op_deepens(op->kind);
}

static bool in_select(const decoder *d) {
    return d->sp > 0 && d->sc->ops[d->open[d->sp - 1].op].kind == OP_SELECT;
}

/* A case record inside a select: add the case, or end the select when
 * the record says so or no valid case can be made of it. */
static void decode_case(decoder *d, uint8_t k, uint8_t x, uint8_t y) {
    scenario *sc = d->sc;
    unsigned mode = k % 3;
    bool is_default = mode == CASE_DEFAULT;
    bool ok = k % OP__COUNT != REC_END && d->open[d->sp - 1].ncases < SC_MAX_CASES &&
              (is_default ? !d->open[d->sp - 1].has_default : sc->nchans > 0);
    if (!ok) {
        close_block(d);
        return;
    }
    d->open[d->sp - 1].ncases++;
    d->open[d->sp - 1].has_default |= is_default;
    uint32_t c = emit(d, OP_CASE, is_default ? 0 : x % sc->nchans, mode);
    if (y & 1)
        open_block(d, c);
    else
        sc->ops[c].child = c + 1;
}

/* The operands of an op record; false if the op cannot be made (no such
 * object, no later body to spawn, nesting too deep), and then it decodes
 * as gosched. */
static bool decode_operands(decoder *d, uint8_t kind, uint8_t x, uint8_t y, uint32_t *a, int64_t *n) {
    const scenario *sc = d->sc;
    uint32_t objs = 1;
    switch (kind) {
    case OP_GO: {
        uint32_t rank = spawn_rank(sc, d->body), later = sc->nbodies - 1 - rank;
        if (later == 0)
            return false;
        *a = body_of_rank(sc, rank + 1 + x % later);
        *n = 1 + y % SCB_MAX_GO;
        return true;
    }
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL: *n = duration_of(x | (unsigned)y << 8); break;
    case OP_MAKE: objs = sc->nchans; *n = y % (SCB_MAX_CAP + 1); break;
    case OP_SEND: case OP_RECV: case OP_CLOSE: objs = sc->nchans; break;
    case OP_LOCK: case OP_UNLOCK: objs = sc->nmutexes; break;
    case OP_WGADD: objs = sc->nwgs; *n = (int64_t)(y % (2 * SCB_MAX_DELTA + 1)) - SCB_MAX_DELTA; break;
    case OP_WGDONE: case OP_WGWAIT: objs = sc->nwgs; break;
    case OP_GOMAXPROCS: *n = 1 + x % SCB_MAX_PROCS; break;
    case OP_LOOP: *n = x % (SCB_MAX_LOOP + 1); break;
    case OP_EXIT: *n = x; break;
    default: break;
    }
    if ((kind == OP_LOOP || kind == OP_SELECT) && d->depth >= SCB_MAX_DEPTH)
        return false;
    if (objs == 0)
        return false;
    bool indexed = kind == OP_MAKE || kind == OP_SEND || kind == OP_RECV || kind == OP_CLOSE ||
                   kind == OP_LOCK || kind == OP_UNLOCK || kind == OP_WGADD ||
                   kind == OP_WGDONE || kind == OP_WGWAIT;
    *a = indexed ? x % objs : 0;
    return true;
}

static void decode_mark(decoder *d, uint8_t x) {
    scenario *sc = d->sc;
    unsigned raw = x % SCB_MAX_LABELS;
    if (d->label_of_raw[raw] < 0) {
        d->label_of_raw[raw] = (int)sc->nlabels;
        snprintf(sc->labels[sc->nlabels++], SC_MAX_NAME, "%u", raw);
    }
    emit(d, OP_MARK, (uint32_t)d->label_of_raw[raw], 0);
}

static void decode_record(decoder *d, uint8_t k, uint8_t x, uint8_t y) {
    if (in_select(d)) {
        decode_case(d, k, x, y);
        return;
    }
    uint8_t kind = k % OP__COUNT;
    if (kind == REC_END) {
        if (d->sp > 0)
            close_block(d);
        return;
    }
    if (kind == OP_MARK) {
        decode_mark(d, x);
        return;
    }
    uint32_t a = 0;
    int64_t n = 0;
    if (!decode_operands(d, kind, x, y, &a, &n)) {
        emit(d, OP_GOSCHED, 0, 0);
        return;
    }
    uint32_t i = emit(d, kind, a, n);
    if (sc_op_nests(kind))
        open_block(d, i);
}

/* One body's records.  Returns false once the op budget is spent: then
 * decoding stops and later bodies stay empty. */
static bool decode_body(reader *r, decoder *d) {
    scenario *sc = d->sc;
    sc_body *b = &sc->bodies[d->body];
    b->start = sc->nops;
    unsigned nrec = next_byte(r);
    bool budget_left = true;
    for (unsigned i = 0; i < nrec && r->pos < r->len; i++) {
        uint8_t k = next_byte(r), x = next_byte(r), y = next_byte(r);
        if (sc->nops >= SCB_MAX_OPS) {
            budget_left = false;
            break;
        }
        decode_record(d, k, x, y);
    }
    while (d->sp > 0)
        close_block(d);
    b->len = sc->nops - b->start;
    return budget_left;
}

void sc_decode(const uint8_t *data, size_t len, scenario *out) {
    assert(out != NULL && (data != NULL || len == 0));
    memset(out, 0, sizeof *out);
    reader r = {.data = data, .len = len};
    decode_header(&r, out);
    decoder d = {.sc = out};
    for (unsigned i = 0; i < SCB_MAX_LABELS; i++)
        d.label_of_raw[i] = -1;
    bool more = true;
    for (uint32_t b = 0; b < out->nbodies; b++) {
        d.body = b;
        if (more) {
            more = decode_body(&r, &d);
        } else {
            out->bodies[b].start = out->nops;
            out->bodies[b].len = 0;
        }
    }
    assert(sc_validate(out) == NULL);
}

/* ---- fitting ---- */

static const char *misfit_header(const scenario *sc) {
    if (sc->gomaxprocs > SCB_MAX_PROCS || sc->start_procs > SCB_MAX_PROCS)
        return "GOMAXPROCS above the binary form's limit";
    if (sc->nbodies > SCB_MAX_BODIES || sc->nops > SCB_MAX_OPS)
        return "too many bodies or ops for the binary form";
    if (sc->nchans > SCB_MAX_CHANS || sc->nmutexes > SCB_MAX_MUTEXES || sc->nwgs > SCB_MAX_WGS)
        return "too many channels, mutexes or waitgroups for the binary form";
    if (sc->nlabels > SCB_MAX_LABELS || sc->nevents > SCB_MAX_EVENTS)
        return "too many labels or timed events for the binary form";
    for (uint32_t i = 0; i < sc->nchans; i++)
        if (sc->chans[i].cap > SCB_MAX_CAP)
            return "a channel capacity above the binary form's limit";
    for (uint32_t i = 0; i < sc->nevents; i++)
        if (!duration_fits(sc->events[i].at_ns) || sc->events[i].arg > SCB_MAX_PROCS)
            return "a timed event outside the binary form's limits";
    return NULL;
}

static const char *misfit_op(const scenario *sc, uint32_t body, const sc_op *op) {
    switch (op->kind) {
    case OP_GO:
        if (spawn_rank(sc, op->a) <= spawn_rank(sc, body))
            return "a go of a body earlier in spawn order (main, then by index)";
        return op->n <= SCB_MAX_GO ? NULL : "a go count above the binary form's limit";
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL:
        return duration_fits(op->n) ? NULL : "a duration the binary form cannot hold";
    case OP_MAKE: return op->n <= SCB_MAX_CAP ? NULL : "a make capacity above the limit";
    case OP_WGADD:
        return op->n >= -SCB_MAX_DELTA && op->n <= SCB_MAX_DELTA ? NULL : "an add delta above the limit";
    case OP_GOMAXPROCS: return op->n <= SCB_MAX_PROCS ? NULL : "GOMAXPROCS above the limit";
    case OP_LOOP: return op->n <= SCB_MAX_LOOP ? NULL : "a loop count above the limit";
    default: return NULL;
    }
}

/* Walk one body as the encoder will: count its records (ops and the end
 * records of blocks closing before the body ends) and its depth. */
static const char *misfit_body(const scenario *sc, uint32_t body) {
    const sc_body *b = &sc->bodies[body];
    uint32_t end = b->start + b->len, ends[2 * SC_MAX_DEPTH + 1], sp = 0, records = 0, depth = 0;
    uint8_t kinds[2 * SC_MAX_DEPTH + 1];
    for (uint32_t i = b->start; i < end; i++) {
        for (; sp > 0 && ends[sp - 1] == i; sp--) {
            records++;
            depth -= sc_op_deepens(kinds[sp - 1]);
        }
        const sc_op *op = &sc->ops[i];
        const char *why = misfit_op(sc, body, op);
        if (why != NULL)
            return why;
        records++;
        if (sc_op_nests(op->kind) && (op->kind != OP_CASE || op->nchild > 0)) {
            assert(sp < sizeof ends / sizeof ends[0]);
            ends[sp] = op->child + op->nchild;
            kinds[sp++] = op->kind;
            if (sc_op_deepens(op->kind) && ++depth > SCB_MAX_DEPTH)
                return "loops and selects nested deeper than the binary form's limit";
        }
    }
    return records <= SCB_MAX_RECORDS ? NULL : "a body with too many records for the binary form";
}

const char *sc_binary_misfit(const scenario *sc) {
    assert(sc != NULL && sc_validate(sc) == NULL);
    const char *why = misfit_header(sc);
    for (uint32_t b = 0; why == NULL && b < sc->nbodies; b++)
        why = misfit_body(sc, b);
    return why;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

const char *sc_fit_binary(scenario *sc) {
    assert(sc != NULL && sc_validate(sc) == NULL);
    sc->gomaxprocs = (int32_t)clamp(sc->gomaxprocs, 1, SCB_MAX_PROCS);
    if (sc->start_procs != 0)
        sc->start_procs = (int32_t)clamp(sc->start_procs, 1, SCB_MAX_PROCS);
    if (sc->start_procs == sc->gomaxprocs)
        sc->start_procs = 0;
    for (uint32_t i = 0; i < sc->nchans; i++)
        sc->chans[i].cap = (uint32_t)clamp(sc->chans[i].cap, 0, SCB_MAX_CAP);
    if (sc->nevents > SCB_MAX_EVENTS)
        sc->nevents = SCB_MAX_EVENTS;   /* the earliest ones stay */
    for (uint32_t i = 0; i < sc->nevents; i++) {
        sc->events[i].at_ns = duration_clamp(sc->events[i].at_ns);   /* monotonic: order kept */
        sc->events[i].arg = clamp(sc->events[i].arg, 1, SCB_MAX_PROCS);
    }
    for (uint32_t i = 0; i < sc->nops; i++) {
        sc_op *op = &sc->ops[i];
        switch (op->kind) {
        case OP_GO: op->n = clamp(op->n, 1, SCB_MAX_GO); break;
        case OP_WORK: case OP_SLEEP: case OP_SYSCALL: op->n = duration_clamp(op->n); break;
        case OP_MAKE: op->n = clamp(op->n, 0, SCB_MAX_CAP); break;
        case OP_WGADD: op->n = clamp(op->n, -SCB_MAX_DELTA, SCB_MAX_DELTA); break;
        case OP_GOMAXPROCS: op->n = clamp(op->n, 1, SCB_MAX_PROCS); break;
        case OP_LOOP: op->n = clamp(op->n, 0, SCB_MAX_LOOP); break;
        default: break;
        }
    }
    assert(sc_validate(sc) == NULL);
    return sc_binary_misfit(sc);
}

/* ---- encoding ---- */

typedef struct writer {
    uint8_t *buf;
    size_t cap, pos;
} writer;

static void put(writer *w, uint8_t b) {
    if (w->pos < w->cap)
        w->buf[w->pos] = b;
    w->pos++;
}

static void put_record(writer *w, unsigned k, unsigned x, unsigned y) {
    assert(k <= 0xff && x <= 0xff && y <= 0xff);
    put(w, (uint8_t)k);
    put(w, (uint8_t)x);
    put(w, (uint8_t)y);
}

static void encode_header(const scenario *sc, writer *w) {
    uint8_t h[SCB_HEADER_BYTES] = {0};
    unsigned delta = sc->start_procs == 0 ? 0 : (unsigned)(sc->start_procs - sc->gomaxprocs) & 7;
    h[0] = (uint8_t)((unsigned)(sc->gomaxprocs - 1) | delta << 3 | (unsigned)sc->no_os << 6);
    h[1] = (uint8_t)(sc->nbodies - 1);
    h[2] = (uint8_t)sc->main_body;
    h[3] = (uint8_t)sc->nchans;
    h[4] = (uint8_t)sc->nmutexes;
    h[5] = (uint8_t)sc->nwgs;
    h[6] = (uint8_t)sc->nevents;
    for (uint32_t i = 0; i < sc->nchans; i++)
        h[HDR_CAPS + i] = (uint8_t)sc->chans[i].cap;
    for (uint32_t i = 0; i < sc->nevents; i++) {
        unsigned v = duration_code(sc->events[i].at_ns);
        h[HDR_EVENTS + 3 * i] = (uint8_t)(v & 0xff);
        h[HDR_EVENTS + 1 + 3 * i] = (uint8_t)(v >> 8);
        h[HDR_EVENTS + 2 + 3 * i] = (uint8_t)(sc->events[i].arg - 1);
    }
    for (size_t i = 0; i < sizeof h; i++)
        put(w, h[i]);
}

static void encode_op(const scenario *sc, uint32_t body, const sc_op *op, writer *w) {
    unsigned x = 0, y = 0;
    switch (op->kind) {
    case OP_CASE:
        put_record(w, (unsigned)op->n, op->a, op->nchild > 0);
        return;
    case OP_GO:
        x = spawn_rank(sc, op->a) - spawn_rank(sc, body) - 1;
        y = (unsigned)(op->n - 1);
        break;
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL: {
        unsigned v = duration_code(op->n);
        x = v & 0xff;
        y = v >> 8;
        break;
    }
    case OP_MAKE: x = op->a; y = (unsigned)op->n; break;
    case OP_WGADD: x = op->a; y = (unsigned)(op->n + SCB_MAX_DELTA); break;
    case OP_GOMAXPROCS: x = (unsigned)(op->n - 1); break;
    case OP_LOOP: case OP_EXIT: x = (unsigned)op->n; break;
    default: x = op->a; break;   /* channel, mutex, waitgroup, label, or 0 */
    }
    put_record(w, op->kind, x, y);
}

/* One body: its record count, then its records (an end record for each
 * block that closes before the body does). */
static void encode_body(const scenario *sc, uint32_t body, writer *w) {
    const sc_body *b = &sc->bodies[body];
    uint32_t end = b->start + b->len, ends[2 * SC_MAX_DEPTH + 1], sp = 0;
    size_t count_at = w->pos;
    unsigned records = 0;
    put(w, 0);
    for (uint32_t i = b->start; i < end; i++) {
        for (; sp > 0 && ends[sp - 1] == i; sp--, records++)
            put_record(w, REC_END, 0, 0);
        const sc_op *op = &sc->ops[i];
        encode_op(sc, body, op, w);
        records++;
        if (sc_op_nests(op->kind) && (op->kind != OP_CASE || op->nchild > 0)) {
            assert(sp < sizeof ends / sizeof ends[0]);
            ends[sp++] = op->child + op->nchild;
        }
    }
    assert(records <= SCB_MAX_RECORDS);
    if (count_at < w->cap)
        w->buf[count_at] = (uint8_t)records;
}

size_t sc_encode(const scenario *sc, uint8_t *buf, size_t len) {
    assert(sc != NULL && (buf != NULL || len == 0));
    if (sc_binary_misfit(sc) != NULL)
        return 0;
    writer w = {.buf = buf, .cap = len};
    encode_header(sc, &w);
    for (uint32_t b = 0; b < sc->nbodies; b++)
        encode_body(sc, b, &w);
    assert(w.pos <= SCB_MAX_BYTES);
    return w.pos <= len ? w.pos : 0;
}
