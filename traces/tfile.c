/*
 * traces/tfile.c: error classes and the trace file writer.
 *
 * The writer encodes events into the current chunk as they arrive, and
 * frames the chunk (header, optional zstd, checksum) when it holds
 * chunk_events events or at finish.  Output goes to an atomic file or to a
 * memory buffer.  The first error is kept and reported by finish; later
 * calls do nothing, so a recorder sink never has to handle failure.
 */
#include <assert.h>
#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "atomicfile.h"
#include "codec.h"
#include "tfile_format.h"

/* zstd's default trade-off; level 19 gains little on event streams. */
enum { ZSTD_LEVEL_DEFAULT = 3 };

static const char *const err_names[TR_ERR__COUNT] = {
    [TR_OK] = "ok",
    [TR_ERR_IO] = "io",
    [TR_ERR_NOMEM] = "nomem",
    [TR_ERR_MAGIC] = "magic",
    [TR_ERR_VERSION] = "version",
    [TR_ERR_TRUNCATED] = "truncated",
    [TR_ERR_CHECKSUM] = "checksum",
    [TR_ERR_LIMIT] = "limit",
    [TR_ERR_MALFORMED] = "malformed",
    [TR_ERR_KIND] = "kind",
    [TR_ERR_DIGEST] = "digest",
    [TR_ERR_TRAILING] = "trailing",
};

const char *tr_err_name(int cls) {
    if (cls < 0 || cls >= TR_ERR__COUNT)
        return "unknown";
    return err_names[cls];
}

int tr_err_exit_code(int cls) {
    if (cls == TR_OK)
        return 0;
    if (cls == TR_ERR_NOMEM)
        return 11;
    if (cls == TR_ERR_IO)
        return 10;
    return 8;
}

int tr_fail(tr_error *err, int cls, uint64_t offset, const char *fmt, ...) {
    if (err == NULL)
        return cls;
    err->cls = cls;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return cls;
}

void tr_write_opts_default(tr_write_opts *o) {
    o->compress = true;
    o->zstd_level = ZSTD_LEVEL_DEFAULT;
    o->chunk_events = TR_FILE_CHUNK_EVENTS_DEFAULT;
}

struct tr_writer {
    bool to_file;
    af_file af;
    uint8_t *mem;            /* memory output */
    size_t mem_len, mem_cap;
    uint64_t out_bytes;      /* bytes written so far (either output) */
    tr_write_opts o;
    tr_codec_state cs;
    uint8_t *frame;          /* chunk head, raw payload, checksum */
    size_t frame_cap;
    size_t raw_len;          /* encoded bytes in the current chunk */
    uint32_t chunk_n;        /* events in the current chunk */
    uint64_t chunk_first;    /* seq of its first event */
    uint8_t *zframe;         /* chunk head, zstd payload, checksum */
    size_t zframe_cap;
    ZSTD_CCtx *cctx;
    XXH3_state_t *xxh;       /* digest of everything added */
    uint64_t events;
    tr_error err;            /* first failure (cls TR_OK while fine) */
};

/* ---- output ---- */

static bool mem_reserve(tr_writer *w, size_t more) {
    if (w->mem_cap - w->mem_len >= more)
        return true;
    size_t cap = w->mem_cap ? w->mem_cap : 4096;
    while (cap - w->mem_len < more)
        cap *= 2;
    uint8_t *p = realloc(w->mem, cap);
    if (p == NULL)
        return false;
    w->mem = p;
    w->mem_cap = cap;
    return true;
}

static void emit(tr_writer *w, const void *p, size_t n) {
    if (w->err.cls != TR_OK || n == 0)
        return;
    if (w->to_file) {
        errno = 0;
        if (fwrite(p, 1, n, w->af.f) != n)
            tr_fail(&w->err, TR_ERR_IO, w->out_bytes, "writing %s: %s", w->af.path,
                    strerror(errno ? errno : EIO));
    } else if (!mem_reserve(w, n)) {
        tr_fail(&w->err, TR_ERR_NOMEM, w->out_bytes, "out of memory for the trace buffer");
    } else {
        memcpy(w->mem + w->mem_len, p, n);
        w->mem_len += n;
    }
    w->out_bytes += n;
}

/* ---- header ---- */

static int check_sections(const tr_section *secs, size_t nsecs, tr_error *err) {
    if (nsecs > TR_SECTIONS_MAX)
        return tr_fail(err, TR_ERR_LIMIT, 0, "%zu sections, at most %d", nsecs, TR_SECTIONS_MAX);
    for (size_t i = 0; i < nsecs; i++) {
        if (secs[i].len > TR_SECTION_BYTES_MAX)
            return tr_fail(err, TR_ERR_LIMIT, 0, "section %zu is %zu bytes, at most %d", i, secs[i].len,
                           TR_SECTION_BYTES_MAX);
        for (size_t j = 0; j < i; j++)
            if (secs[j].id == secs[i].id)
                return tr_fail(err, TR_ERR_MALFORMED, 0, "section id repeated at %zu", i);
    }
    return TR_OK;
}

static void write_header(tr_writer *w, const tr_section *secs, size_t nsecs) {
    size_t len = HDR_FIXED_BYTES;
    for (size_t i = 0; i < nsecs; i++)
        len += SEC_HEAD_BYTES + secs[i].len;
    uint8_t *h = malloc(len + CHECKSUM_BYTES);
    if (h == NULL) {
        tr_fail(&w->err, TR_ERR_NOMEM, 0, "out of memory for the header");
        return;
    }
    memcpy(h, TR_MAGIC, TR_MAGIC_BYTES);
    put_u16(h + HDR_VERSION_AT, TR_FORMAT_VERSION);
    put_u16(h + HDR_NSECTIONS_AT, (uint16_t)nsecs);
    size_t o = HDR_FIXED_BYTES;
    for (size_t i = 0; i < nsecs; i++) {
        put_u32(h + o, secs[i].id);
        put_u32(h + o + 4, (uint32_t)secs[i].len);
        if (secs[i].len > 0)
            memcpy(h + o + SEC_HEAD_BYTES, secs[i].data, secs[i].len);
        o += SEC_HEAD_BYTES + secs[i].len;
    }
    assert(o == len);
    put_u32(h + len, XXH32(h, len, 0));
    emit(w, h, len + CHECKSUM_BYTES);
    free(h);
}

/* ---- open ---- */

static int check_opts(const tr_write_opts *o, tr_error *err) {
    if (o->chunk_events < 1 || o->chunk_events > TR_FILE_CHUNK_EVENTS_MAX)
        return tr_fail(err, TR_ERR_LIMIT, 0, "%u events per chunk, 1..%d", o->chunk_events,
                       TR_FILE_CHUNK_EVENTS_MAX);
    if (o->compress && (o->zstd_level < ZSTD_minCLevel() || o->zstd_level > ZSTD_maxCLevel()))
        return tr_fail(err, TR_ERR_LIMIT, 0, "zstd level %d, %d..%d", o->zstd_level, ZSTD_minCLevel(),
                       ZSTD_maxCLevel());
    return TR_OK;
}

static tr_writer *writer_new(const tr_write_opts *opts, tr_error *err) {
    tr_write_opts o;
    if (opts == NULL)
        tr_write_opts_default(&o);
    else
        o = *opts;
    if (check_opts(&o, err) != TR_OK)
        return NULL;
    tr_writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the writer");
        return NULL;
    }
    w->o = o;
    size_t raw_cap = (size_t)w->o.chunk_events * TR_EVENT_BYTES_MAX;
    w->frame_cap = CHUNK_HEAD_BYTES + raw_cap + CHECKSUM_BYTES;
    w->frame = malloc(w->frame_cap);
    w->xxh = XXH3_createState();
    if (w->o.compress) {
        w->zframe_cap = CHUNK_HEAD_BYTES + ZSTD_compressBound(raw_cap) + CHECKSUM_BYTES;
        w->zframe = malloc(w->zframe_cap);
        w->cctx = ZSTD_createCCtx();
    }
    if (w->frame == NULL || w->xxh == NULL || (w->o.compress && (w->zframe == NULL || w->cctx == NULL))) {
        tr_writer_abort(w);
        tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the writer");
        return NULL;
    }
    XXH3_64bits_reset(w->xxh);
    tr_codec_reset(&w->cs);
    return w;
}

static tr_writer *writer_start(tr_writer *w, const tr_section *secs, size_t nsecs, tr_error *err) {
    write_header(w, secs, nsecs);
    if (w->err.cls != TR_OK) {
        if (err != NULL)
            *err = w->err;
        tr_writer_abort(w);
        return NULL;
    }
    return w;
}

tr_writer *tr_writer_open(const char *path, const tr_section *secs, size_t nsecs,
                          const tr_write_opts *opts, tr_error *err) {
    if (check_sections(secs, nsecs, err) != TR_OK)
        return NULL;
    tr_writer *w = writer_new(opts, err);
    if (w == NULL)
        return NULL;
    int rc = af_open(&w->af, path);
    if (rc != 0) {
        tr_fail(err, TR_ERR_IO, 0, "cannot write %s: %s", path, af_strerror(rc));
        tr_writer_abort(w);
        return NULL;
    }
    w->to_file = true;
    return writer_start(w, secs, nsecs, err);
}

tr_writer *tr_writer_open_mem(const tr_section *secs, size_t nsecs, const tr_write_opts *opts,
                              tr_error *err) {
    if (check_sections(secs, nsecs, err) != TR_OK)
        return NULL;
    tr_writer *w = writer_new(opts, err);
    if (w == NULL)
        return NULL;
    return writer_start(w, secs, nsecs, err);
}

/* ---- chunks ---- */

static void put_chunk_head(uint8_t *h, unsigned codec, uint32_t n, uint64_t first, size_t raw_len,
                           size_t stored_len) {
    h[0] = CHUNK_MARKER;
    h[CHUNK_CODEC_AT] = (uint8_t)codec;
    put_u16(h + CHUNK_RESERVED_AT, 0);
    put_u32(h + CHUNK_NEVENTS_AT, n);
    put_u64(h + CHUNK_FIRST_SEQ_AT, first);
    put_u32(h + CHUNK_RAW_LEN_AT, (uint32_t)raw_len);
    put_u32(h + CHUNK_STORED_LEN_AT, (uint32_t)stored_len);
}

/* zstd payload length when it is smaller than the raw one, else 0. */
static size_t compress_chunk(tr_writer *w) {
    if (!w->o.compress)
        return 0;
    size_t cap = w->zframe_cap - CHUNK_HEAD_BYTES - CHECKSUM_BYTES;
    size_t z = ZSTD_compressCCtx(w->cctx, w->zframe + CHUNK_HEAD_BYTES, cap, w->frame + CHUNK_HEAD_BYTES,
                                 w->raw_len, w->o.zstd_level);
    if (ZSTD_isError(z) || z >= w->raw_len)
        return 0;
    return z;
}

/* Frame the current chunk (head, payload, checksum), write it, start the next. */
static void flush_chunk(tr_writer *w) {
    if (w->chunk_n == 0)
        return;
    size_t z = compress_chunk(w);
    uint8_t *f = z > 0 ? w->zframe : w->frame;
    size_t stored = z > 0 ? z : w->raw_len;
    put_chunk_head(f, z > 0 ? CODEC_ZSTD : CODEC_RAW, w->chunk_n, w->chunk_first, w->raw_len, stored);
    size_t body = CHUNK_HEAD_BYTES + stored;
    put_u32(f + body, XXH32(f, body, 0));
    emit(w, f, body + CHECKSUM_BYTES);
    tr_codec_reset(&w->cs);
    w->raw_len = 0;
    w->chunk_n = 0;
    w->chunk_first = w->events;
}

void tr_writer_add(tr_writer *w, const tr_event *ev, size_t n) {
    if (w->err.cls != TR_OK || n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind >= EV__COUNT || ev[i].time < 0 || ev[i].time > TR_TIME_MAX || ev[i].a[2] > TR_ARG2_MAX ||
            ev[i].zero != 0) {
            tr_fail(&w->err, TR_ERR_LIMIT, w->out_bytes,
                    "event %" PRIu64 " does not fit the canonical record (kind, time or third argument)",
                    w->events + i);
            return;
        }
    }
    tr_digest_update(w->xxh, ev, n);
    for (size_t i = 0; i < n; i++) {
        assert(w->raw_len + TR_EVENT_BYTES_MAX <= w->frame_cap - CHUNK_HEAD_BYTES - CHECKSUM_BYTES);
        w->raw_len += tr_encode_event(&w->cs, &ev[i], w->frame + CHUNK_HEAD_BYTES + w->raw_len);
        w->chunk_n++;
        w->events++;
        if (w->chunk_n == w->o.chunk_events)
            flush_chunk(w);
    }
}

/* Recorder sink: chunks arrive in order, starting at seq 0. */
static void sink_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    tr_writer *w = ctx;
    if (first_seq != w->events && w->err.cls == TR_OK) {
        tr_fail(&w->err, TR_ERR_LIMIT, w->out_bytes,
                "writer attached late: chunk starts at event %llu, the file holds %llu",
                (unsigned long long)first_seq, (unsigned long long)w->events);
        return;
    }
    tr_writer_add(w, ev, n);
}

tr_sink tr_writer_sink(tr_writer *w) { return (tr_sink){.chunk = sink_chunk, .ctx = w}; }

uint64_t tr_writer_events(const tr_writer *w) { return w->events; }
uint64_t tr_writer_digest(const tr_writer *w) { return XXH3_64bits_digest(w->xxh); }

/* ---- finish ---- */

static void write_footer(tr_writer *w) {
    uint8_t f[FOOTER_BYTES] = {FOOTER_MARKER};
    put_u64(f + FOOTER_NEVENTS_AT, w->events);
    put_u64(f + FOOTER_DIGEST_AT, XXH3_64bits_digest(w->xxh));
    emit(w, f, sizeof f);
}

static void writer_free(tr_writer *w) {
    free(w->mem);
    free(w->frame);
    free(w->zframe);
    ZSTD_freeCCtx(w->cctx);
    XXH3_freeState(w->xxh);
    free(w);
}

void tr_writer_abort(tr_writer *w) {
    if (w == NULL)
        return;
    if (w->to_file)
        af_abort(&w->af);
    writer_free(w);
}

/* Common end of both finishes: last chunk and footer; the error, if any. */
static int writer_close(tr_writer *w, tr_error *err) {
    flush_chunk(w);
    write_footer(w);
    if (w->to_file && w->err.cls == TR_OK) {
        char *path = strdup(w->af.path);
        int rc = af_commit(&w->af);
        w->to_file = false; /* af is released */
        if (rc != 0)
            tr_fail(&w->err, TR_ERR_IO, w->out_bytes, "committing %s: %s", path ? path : "trace",
                    af_strerror(rc));
        free(path);
    }
    if (w->err.cls != TR_OK && err != NULL)
        *err = w->err;
    return w->err.cls;
}

int tr_writer_finish(tr_writer *w, tr_error *err) {
    assert(w->to_file);
    int rc = writer_close(w, err);
    tr_writer_abort(w);
    return rc;
}

int tr_writer_finish_mem(tr_writer *w, uint8_t **buf, size_t *len, tr_error *err) {
    assert(!w->to_file);
    int rc = writer_close(w, err);
    *buf = NULL;
    *len = 0;
    if (rc == TR_OK) {
        *buf = w->mem;
        *len = w->mem_len;
        w->mem = NULL;
    }
    writer_free(w);
    return rc;
}

int tr_write_file(const char *path, const tr_section *secs, size_t nsecs, const tr_event *ev,
                  size_t n, const tr_write_opts *opts, tr_error *err) {
    tr_writer *w = tr_writer_open(path, secs, nsecs, opts, err);
    if (w == NULL)
        return err != NULL ? err->cls : TR_ERR_IO;
    tr_writer_add(w, ev, n);
    return tr_writer_finish(w, err);
}
