/*
 * traces/trace.h: the event record, the recorder and the digest.
 *
 * The recorder is the runtime's only way to say what it decided.  Events go
 * into a chunk buffer of fixed-width records; the in-memory record *is* the
 * canonical form, so the digest is XXH3-64 over the chunks exactly as they
 * were filled, independent of how (or whether) a file stores them.
 *
 * Canonical record (32 bytes, little-endian, no implicit padding):
 *   time  int64   virtual ns when the event happened
 *   g     uint32  goid of the G the event belongs to (0: none)
 *   kind  uint16  row of traces/events.def
 *   m     uint16  M id (0xffff: none)
 *   p     uint16  P id (0xffff: none)
 *   zero  uint16  always 0
 *   a[3]  uint32  the kind's arguments (unused ones are 0)
 * The sequence number is the record's position in the stream; it is not
 * stored.  64-bit quantities (timer deadlines) are stored as a delay from
 * the record's own time, in ns, saturated at UINT32_MAX.
 *
 * Ownership: one recorder per simulated run, used only by the host thread
 * that runs it.  Consumers (file writers, in-memory captures) see whole
 * chunks through sinks; per-event hooks (invariant checking, replay
 * comparison, stop-at-N) see every record as it is made.
 */
#ifndef GMP_TRACES_TRACE_H
#define GMP_TRACES_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tr_kind {
#define X(name, text, cat, a0, a1, a2) EV_##name,
#include "events.def"
#undef X
    EV__COUNT
};

enum tr_category { TRC_GLIFE, TRC_RUNQ, TRC_PM, TRC_EXEC, TRC_BLOCK, TRC_SYS, TRC_DRV, TRC__COUNT };

enum { TR_NONE = 0xffff };

typedef struct tr_event {
    int64_t time;
    uint32_t g;
    uint16_t kind;
    uint16_t m;
    uint16_t p;
    uint16_t zero;
    uint32_t a[3];
} tr_event;

_Static_assert(sizeof(tr_event) == 32, "tr_event is the 32-byte canonical form");

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

struct trace {
    tr_event *buf;            /* current chunk, TR_CHUNK_EVENTS records */
    uint32_t n;               /* records in buf */
    bool on;                  /* false: emit is a no-op (benchmarks) */
    tr_hook_fn hook;          /* NULL: no per-event hook */
    void *hook_ctx;
    uint64_t flushed;         /* records before buf[0] */
    uint64_t counts[EV__COUNT];
    void *xxh;                /* XXH3 streaming state */
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

/* Digest of a record array in canonical form (for readers and tests). */
uint64_t tr_digest_of(const tr_event *ev, size_t n);

void tr_flush_full_(trace *t);

static inline void tr_emit(trace *t, unsigned kind, int64_t time, unsigned m, unsigned p,
                           uint32_t g, uint32_t a0, uint32_t a1, uint32_t a2) {
    if (!t->on)
        return;
    tr_event *e = &t->buf[t->n];
    e->time = time;
    e->g = g;
    e->kind = (uint16_t)kind;
    e->m = (uint16_t)m;
    e->p = (uint16_t)p;
    e->zero = 0;
    e->a[0] = a0;
    e->a[1] = a1;
    e->a[2] = a2;
    uint64_t seq = t->flushed + t->n;
    if (__builtin_expect(++t->n == TR_CHUNK_EVENTS, 0))
        tr_flush_full_(t);
    if (__builtin_expect(t->hook != NULL, 0))
        t->hook(t->hook_ctx, seq, e);   /* e stays intact until the next emit */
}

#endif
