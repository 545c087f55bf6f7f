/*
 * traces/trace.h: the event record, the recorder and the digest.
 *
 * The recorder is the runtime's only way to say what it decided.  Events go
 * into a chunk buffer of canonical records, so the digest is XXH3-64 over
 * the chunks exactly as they were filled, independent of how (or whether)
 * a file stores them.
 *
 * Canonical record, tr_packed (24 bytes, little-endian, no padding):
 *   tk    uint64  bits 0-47: virtual ns when the event happened (< 2^48,
 *                 78 hours); bits 48-55: kind (row of events.def);
 *                 bits 56-63: the kind's third argument (8 bits)
 *   g     uint32  goid of the G running on the M (0: none, or on g0)
 *   m     uint16  M id (0xffff: none)
 *   p     uint16  P id (0xffff: none)
 *   a0    uint32  first argument
 *   a1    uint32  second argument (unused arguments are 0)
 * The sequence number is the record's position in the stream; it is not
 * stored.  64-bit quantities (timer deadlines) are stored as a delay from
 * the record's own time, in ns, saturated at UINT32_MAX.
 *
 * tr_event is the same record unpacked, the form every reader, sink, hook
 * and tool works with; tr_pack/tr_unpack convert (a[2] must be < 256).
 *
 * Ownership: one recorder per simulated run, used only by the host thread
 * that runs it.  Consumers (file writers, in-memory captures) see whole
 * chunks through sinks; per-event hooks (invariant checking, replay
 * comparison, stop-at-N) see every record as it is made.
 */
#ifndef GMP_TRACES_TRACE_H
#define GMP_TRACES_TRACE_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum tr_kind {
#define X(name, text, cat, a0, a1, a2) EV_##name,
#include "events.def"
#undef X
    EV__COUNT
};

enum tr_category { TRC_GLIFE, TRC_RUNQ, TRC_PM, TRC_EXEC, TRC_BLOCK, TRC_SYS, TRC_DRV, TRC__COUNT };

/* Can a record of this kind be a failure's decision site (the signature's
 * "event kind", docs/findings.md)?  Not the driver's own records (draws,
 * marks, the violation, the exit) nor sysmon's periodic work, which goes
 * on while everything else is stuck (the same rule as triage/probe.c).
 * A constant kind folds to a constant. */
static inline bool tr_kind_is_site(unsigned kind) {
    if (kind == EV_SYSMON || kind == EV_SYSMON_SLEEP || kind == EV_SYSMON_WAKE || kind == EV_RETAKE ||
        kind == EV_PREEMPTONE)
        return false;
    switch (kind) {
#define X(name, text, cat, a0, a1, a2) case EV_##name: return TRC_##cat != TRC_DRV;
#include "events.def"
#undef X
    default:
        return false;
    }
}

enum { TR_NONE = 0xffff };

typedef struct tr_event {
    int64_t time;
    uint32_t g;
    uint16_t kind;
    uint16_t m;
    uint16_t p;
    uint16_t zero;
    uint32_t a[3];            /* a[2] < 256 */
} tr_event;

typedef struct tr_packed {
    uint64_t tk;
    uint32_t g;
    uint16_t m;
    uint16_t p;
    uint32_t a0;
    uint32_t a1;
} tr_packed;

_Static_assert(sizeof(tr_packed) == 24, "tr_packed is the 24-byte canonical form");
_Static_assert(offsetof(tr_packed, g) == 8 && offsetof(tr_packed, m) == 12 && offsetof(tr_packed, p) == 14,
               "g, m, p are one little-endian 8-byte word: g | m << 32 | p << 48");

#define TR_TIME_BITS 48
#define TR_TIME_MAX ((INT64_C(1) << TR_TIME_BITS) - 1)
#define TR_ARG2_MAX 255u

static inline uint64_t tr_tk(int64_t time, unsigned kind, uint32_t a2) {
    return ((uint64_t)time & (uint64_t)TR_TIME_MAX) | (uint64_t)(kind & 0xff) << 48 | (uint64_t)(a2 & 0xff) << 56;
}

static inline tr_packed tr_pack(const tr_event *e) {
    return (tr_packed){tr_tk(e->time, e->kind, e->a[2]), e->g, e->m, e->p, e->a[0], e->a[1]};
}

static inline tr_event tr_unpack(const tr_packed *c) {
    return (tr_event){
        .time = (int64_t)(c->tk & (uint64_t)TR_TIME_MAX),
        .g = c->g,
        .kind = (uint16_t)((c->tk >> 48) & 0xff),
        .m = c->m,
        .p = c->p,
        .zero = 0,
        .a = {c->a0, c->a1, (uint32_t)(c->tk >> 56)},
    };
}

/* ---- the catalogue, generated from events.def (traces/catalog.c) ---- */
typedef struct tr_kind_info {
    const char *name;        /* "runqput" */
    enum tr_category cat;
    const char *arg[3];      /* "" when unused */
} tr_kind_info;

extern const tr_kind_info tr_kinds[EV__COUNT];
extern const char *const tr_category_names[TRC__COUNT];

/* Kind by name, or -1. */
int tr_kind_by_name(const char *name);

/* One readable line (no newline): "#12 t=1500 M0 P0 G1 runqput g=5 next=1 kicked=0". */
size_t tr_format(char *buf, size_t len, uint64_t seq, const tr_event *e);

/* ---- the recorder ---- */
typedef struct trace trace;

/* A sink sees each full chunk once, in order, before it is reused. */
typedef struct tr_sink {
    void (*chunk)(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq);
    void *ctx;
} tr_sink;

/* A hook sees each record right after it is made. */
typedef void (*tr_hook_fn)(void *ctx, uint64_t seq, const tr_event *e);

enum { TR_CHUNK_EVENTS = 256, TR_MAX_SINKS = 4 };

/* Chunk size: 6 KiB of records, hashed while still in L1. */
struct trace {
    tr_packed *buf;           /* current chunk, TR_CHUNK_EVENTS canonical records */
    uint32_t n;               /* records in buf */
    bool on;                  /* false: emit is a no-op (benchmarks) */
    tr_hook_fn hook;          /* NULL: no per-event hook */
    void *hook_ctx;
    uint64_t flushed;         /* records before buf[0] */
    uint64_t counts[EV__COUNT];
    void *xxh;                /* XXH3 streaming state */
    tr_event *unpacked;       /* a chunk unpacked for the sinks */
    tr_sink sinks[TR_MAX_SINKS];
    int nsinks;
};

/* Start a recorder; `on` false makes every emit a no-op. Returns false on OOM. */
bool tr_init(trace *t, bool on);
void tr_free(trace *t);
void tr_add_sink(trace *t, tr_sink s);
void tr_set_hook(trace *t, tr_hook_fn fn, void *ctx);

/* Hand the partial chunk to the digest and sinks (also done when full). */
void tr_flush(trace *t);

/* Events recorded so far. */
static inline uint64_t tr_seq(const trace *t) { return t->flushed + t->n; }

/* XXH3-64 of everything recorded so far (flushes first). */
uint64_t tr_digest(trace *t);

/* The digest of unpacked records, for readers and writers: the same
 * XXH3-64 as the recorder's over their canonical form.  tr_digest_update
 * feeds an XXH3_state_t (declared void * to keep xxhash.h out). */
uint64_t tr_digest_of(const tr_event *ev, size_t n);
void tr_digest_update(void *xxh3_state, const tr_event *ev, size_t n);

/* The rare part of an emit: a full chunk, or a per-event hook. */
void tr_emit_slow_(trace *t);

/* Record one event whose G, M and P are packed as the canonical record
 * lays them out: g | m << 32 | p << 48.  The caller counted it in
 * t->counts (tr_emit does both). */
static inline void tr_emit_ctx(trace *t, unsigned kind, int64_t time, uint64_t gmp, uint32_t a0, uint32_t a1,
                               uint32_t a2) {
    /* The driver keeps every time below 2^48 (sim.h, SIM_VT_LIMIT_MAX):
     * a time the record cannot hold would wrap silently. */
    assert((uint64_t)time <= (uint64_t)TR_TIME_MAX);
    uint32_t n = t->n;
    tr_packed *c = &t->buf[n];
    c->tk = tr_tk(time, kind, a2);
    memcpy(&c->g, &gmp, sizeof gmp);   /* g, m, p: one 8-byte store */
    c->a0 = a0;
    c->a1 = a1;
    t->n = n + 1;
    if (__builtin_expect(n + 1 == TR_CHUNK_EVENTS || t->hook != NULL, 0))
        tr_emit_slow_(t);
}

static inline void tr_emit(trace *t, unsigned kind, int64_t time, unsigned m, unsigned p,
                           uint32_t g, uint32_t a0, uint32_t a1, uint32_t a2) {
    if (!t->on)
        return;
    t->counts[kind & 0xff]++;
    tr_emit_ctx(t, kind, time, (uint64_t)g | (uint64_t)(uint16_t)m << 32 | (uint64_t)(uint16_t)p << 48, a0, a1,
                a2);
}

#endif
