/*
 * traces/treader.c: the trace file reader.
 *
 * Opening walks the whole file once: header, every chunk (checksum, zstd,
 * decode, digest), footer, end of file.  Iteration walks the intact chunks
 * again, so memory stays at one decoded chunk whatever the file's length.
 * Every length is checked against the bytes that remain and against the
 * caps in tfile.h before it is used.
 *
 * Where the bytes come from: a memory reader sees the caller's buffer; a
 * regular file is read with pread(2) through a window (the header is kept,
 * the chunks pass through the window), so a reader holds about one chunk
 * of a file of any length.  Other files (pipes) are read whole.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "codec.h"
#include "tfile_format.h"

/* Bytes read per read(2) call when loading a file. */
enum { READ_BLOCK_BYTES = 1 << 16 };
/* Bytes a file reader reads ahead into its window (grown for a larger chunk). */
enum { WINDOW_BYTES = 1 << 18 };

typedef struct section_ref {
    uint32_t id;
    uint32_t len;
    size_t off;
} section_ref;

struct tr_reader {
    const uint8_t *buf;                    /* memory: the file; file: its header */
    size_t hlen;                           /* bytes at buf */
    size_t len;                            /* bytes in the file */
    uint8_t *owned;                        /* buf, when the reader loaded it */
    int fd;                                /* a file read through the window, or -1 */
    uint8_t *win;                          /* file bytes [win_off, win_off + win_len) */
    size_t win_cap, win_off, win_len;
    tr_file_info info;
    tr_error damage;
    section_ref secs[TR_SECTIONS_MAX];
    size_t events_off;                     /* first chunk */
    size_t events_end;                     /* end of the intact chunks */
    tr_event *ev;                          /* one decoded chunk */
    size_t ev_cap;
    uint8_t *raw;                          /* one decompressed payload */
    size_t raw_cap;
    ZSTD_DCtx *dctx;
    size_t pos;                            /* iteration: next chunk */
    uint64_t seq;                          /* seq of ev[0] */
    uint32_t ci, cn;                       /* next index in ev, events in ev */
    tr_error iter_err;                     /* why iteration stopped early */
    int mode;                              /* enum tr_read_mode bits */
    int64_t *mtime;                        /* TR_READ_TIMES: 1 + each M's last time, by M id */
    XXH3_state_t *xs;                      /* TR_READ_LAZY: digest of the events iterated */
    size_t tail_chunk[TR_TAIL_EVENTS];     /* TR_READ_LAZY: the last chunks' offsets, */
    uint64_t tail_seq[TR_TAIL_EVENTS];     /* and their first events */
    uint32_t ntail_chunks;
    tr_event tail[TR_TAIL_EVENTS];         /* the last events of the intact chunks, oldest first */
    uint32_t ntail;
};

/* ---- header ---- */

static int check_magic_and_version(const uint8_t *b, size_t len, tr_error *err) {
    size_t n = len < TR_MAGIC_BYTES ? len : TR_MAGIC_BYTES;
    if (memcmp(b, TR_MAGIC, n) != 0)
        return tr_fail(err, TR_ERR_MAGIC, 0, "not a gmpsim trace (no GMPTRACE magic)");
    if (len < HDR_FIXED_BYTES)
        return tr_fail(err, TR_ERR_TRUNCATED, len, "file ends inside the header (%zu bytes)", len);
    unsigned v = get_u16(b + HDR_VERSION_AT);
    if (v != TR_FORMAT_VERSION)
        return tr_fail(err, TR_ERR_VERSION, HDR_VERSION_AT, "format version %u, this reader reads version %d",
                       v, TR_FORMAT_VERSION);
    return TR_OK;
}

/* The header functions read r->buf, which holds the whole header (a file
 * reader read it first, header_bytes) or the whole file. */
static int read_sections(tr_reader *r, size_t *pos, tr_error *err) {
    uint32_t n = get_u16(r->buf + HDR_NSECTIONS_AT);
    if (n > TR_SECTIONS_MAX)
        return tr_fail(err, TR_ERR_LIMIT, HDR_NSECTIONS_AT, "%u sections, at most %d", n, TR_SECTIONS_MAX);
    size_t o = HDR_FIXED_BYTES;
    for (uint32_t i = 0; i < n; i++) {
        if (r->hlen - o < SEC_HEAD_BYTES)
            return tr_fail(err, TR_ERR_TRUNCATED, r->len, "file ends inside the head of section %u", i);
        uint32_t id = get_u32(r->buf + o), slen = get_u32(r->buf + o + 4);
        if (slen > TR_SECTION_BYTES_MAX)
            return tr_fail(err, TR_ERR_LIMIT, o + 4, "section %u is %u bytes, at most %d", i, slen,
                           TR_SECTION_BYTES_MAX);
        o += SEC_HEAD_BYTES;
        if (r->hlen - o < slen)
            return tr_fail(err, TR_ERR_TRUNCATED, r->len, "file ends inside section %u", i);
        r->secs[i] = (section_ref){.id = id, .len = slen, .off = o};
        o += slen;
    }
    r->info.nsections = n;
    *pos = o;
    return TR_OK;
}

static int check_header_sum_and_ids(tr_reader *r, size_t end, tr_error *err) {
    if (r->hlen - end < CHECKSUM_BYTES)
        return tr_fail(err, TR_ERR_TRUNCATED, r->len, "file ends inside the header checksum");
    if (get_u32(r->buf + end) != XXH32(r->buf, end, 0))
        return tr_fail(err, TR_ERR_CHECKSUM, end, "header checksum mismatch");
    for (uint32_t i = 0; i < r->info.nsections; i++)
        for (uint32_t j = 0; j < i; j++)
            if (r->secs[i].id == r->secs[j].id)
                return tr_fail(err, TR_ERR_MALFORMED, r->secs[i].off, "section %u repeats an id", i);
    return TR_OK;
}

static int read_header(tr_reader *r, tr_error *err) {
    int rc = check_magic_and_version(r->buf, r->hlen, err);
    size_t end = 0;
    if (rc == TR_OK)
        rc = read_sections(r, &end, err);
    if (rc == TR_OK)
        rc = check_header_sum_and_ids(r, end, err);
    if (rc != TR_OK)
        return rc;
    r->info.version = TR_FORMAT_VERSION;
    r->events_off = end + CHECKSUM_BYTES;
    return TR_OK;
}

/* ---- chunks ---- */

typedef struct chunk_head {
    unsigned codec, reserved;
    uint32_t nevents, raw_len, stored_len;
    uint64_t first_seq;
} chunk_head;

static chunk_head parse_chunk_head(const uint8_t *h) {
    return (chunk_head){
        .codec = h[CHUNK_CODEC_AT],
        .reserved = get_u16(h + CHUNK_RESERVED_AT),
        .nevents = get_u32(h + CHUNK_NEVENTS_AT),
        .first_seq = get_u64(h + CHUNK_FIRST_SEQ_AT),
        .raw_len = get_u32(h + CHUNK_RAW_LEN_AT),
        .stored_len = get_u32(h + CHUNK_STORED_LEN_AT),
    };
}

static bool grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (*cap >= need)
        return true;
    void *q = realloc(*p, need * elem);
    if (q == NULL)
        return false;
    *p = q;
    *cap = need;
    return true;
}

/* File bytes [at, at + n), which the caller checked are within the file:
 * the caller's buffer, or the window (valid until the next fetch).  NULL
 * when they cannot be read (err set). */
static const uint8_t *fetch(tr_reader *r, size_t at, size_t n, tr_error *err) {
    assert(at <= r->len && n <= r->len - at);
    if (r->fd < 0)
        return r->buf + at;
    if (at >= r->win_off && n <= r->win_len && at - r->win_off <= r->win_len - n)
        return r->win + (at - r->win_off);
    size_t want = n > WINDOW_BYTES ? n : WINDOW_BYTES;
    if (want > r->len - at)
        want = r->len - at;
    r->win_len = 0;
    if (!grow((void **)&r->win, &r->win_cap, want, 1)) {
        tr_fail(err, TR_ERR_NOMEM, at, "out of memory for a %zu-byte read", want);
        return NULL;
    }
    size_t got = 0;
    ssize_t k = 1;
    while (got < want && k != 0) {
        k = pread(r->fd, r->win + got, want - got, (off_t)(at + got));
        if (k < 0 && errno != EINTR)
            break;
        got += k > 0 ? (size_t)k : 0;
    }
    r->win_off = at;
    r->win_len = got;
    if (got < n) {
        tr_fail(err, TR_ERR_IO, at + got, "reading byte %zu: %s", at + got,
                k < 0 ? strerror(errno) : "the file became shorter while it was read");
        return NULL;
    }
    return r->win;
}

/* Lengths against the caps, then against the bytes left, then the
 * checksum; *body gets the chunk's bytes. */
static int check_chunk_frame(tr_reader *r, size_t at, uint32_t idx, const chunk_head *c, const uint8_t **body,
                             tr_error *err) {
    size_t left = r->len - at;
    if (left < CHUNK_HEAD_BYTES)
        return tr_fail(err, TR_ERR_TRUNCATED, r->len, "chunk %u at byte %zu: file ends inside its head", idx, at);
    if (c->nevents == 0 || c->nevents > TR_FILE_CHUNK_EVENTS_MAX)
        return tr_fail(err, TR_ERR_LIMIT, at, "chunk %u at byte %zu: %u events (1..%d)", idx, at, c->nevents,
                       TR_FILE_CHUNK_EVENTS_MAX);
    if (c->raw_len < c->nevents || c->raw_len > (uint64_t)c->nevents * TR_EVENT_BYTES_MAX)
        return tr_fail(err, TR_ERR_LIMIT, at, "chunk %u at byte %zu: %u encoded bytes cannot hold %u events",
                       idx, at, c->raw_len, c->nevents);
    if (c->stored_len == 0 || c->stored_len > c->raw_len)
        return tr_fail(err, TR_ERR_LIMIT, at, "chunk %u at byte %zu: stored length %u (1..%u)", idx, at,
                       c->stored_len, c->raw_len);
    if (left - CHUNK_HEAD_BYTES < (uint64_t)c->stored_len + CHECKSUM_BYTES)
        return tr_fail(err, TR_ERR_TRUNCATED, r->len, "chunk %u at byte %zu: file ends inside it", idx, at);
    size_t len = CHUNK_HEAD_BYTES + c->stored_len;
    const uint8_t *b = fetch(r, at, len + CHECKSUM_BYTES, err);
    if (b == NULL)
        return err != NULL ? err->cls : TR_ERR_IO;
    if (get_u32(b + len) != XXH32(b, len, 0))
        return tr_fail(err, TR_ERR_CHECKSUM, at, "chunk %u at byte %zu: checksum mismatch", idx, at);
    *body = b;
    return TR_OK;
}

static int check_chunk_fields(size_t at, uint32_t idx, const chunk_head *c, uint64_t seq, tr_error *err) {
    if (c->reserved != 0 || c->codec > CODEC_ZSTD)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: unknown codec %u or reserved bits", idx,
                       at, c->codec);
    if (c->codec == CODEC_RAW && c->stored_len != c->raw_len)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: raw chunk with two lengths", idx, at);
    if (c->first_seq != seq)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: starts at event %llu, expected %llu",
                       idx, at, (unsigned long long)c->first_seq, (unsigned long long)seq);
    if (seq + c->nevents > TR_FILE_EVENTS_MAX)
        return tr_fail(err, TR_ERR_LIMIT, at, "chunk %u at byte %zu: more than %llu events in the file", idx,
                       at, (unsigned long long)TR_FILE_EVENTS_MAX);
    return TR_OK;
}


/* The zstd context, made when the first compressed chunk needs it. */
static bool make_dctx(tr_reader *r) {
    if (r->dctx != NULL)
        return true;
    r->dctx = ZSTD_createDCtx();
    if (r->dctx != NULL && !ZSTD_isError(ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX)))
        return true;
    ZSTD_freeDCtx(r->dctx);
    r->dctx = NULL;
    return false;
}

/* The encoded events of a chunk: the stored bytes, or zstd's output. */
static int chunk_payload(tr_reader *r, size_t at, uint32_t idx, const chunk_head *c, const uint8_t *body,
                         const uint8_t **raw, tr_error *err) {
    const uint8_t *stored = body + CHUNK_HEAD_BYTES;
    if (c->codec == CODEC_RAW) {
        *raw = stored;
        return TR_OK;
    }
    /* Exactly one standard frame (no skippable or legacy frames) that
     * declares the raw length. */
    if (c->stored_len < 4 || get_u32(stored) != ZSTD_MAGICNUMBER ||
        ZSTD_findFrameCompressedSize(stored, c->stored_len) != c->stored_len ||
        ZSTD_getFrameContentSize(stored, c->stored_len) != c->raw_len)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: not one zstd frame of %u bytes", idx, at,
                       c->raw_len);
    if (!grow((void **)&r->raw, &r->raw_cap, c->raw_len, 1) || !make_dctx(r))
        return tr_fail(err, TR_ERR_NOMEM, at, "out of memory for chunk %u", idx);
    size_t got = ZSTD_decompressDCtx(r->dctx, r->raw, c->raw_len, stored, c->stored_len);
    if (ZSTD_isError(got) || got != c->raw_len)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: zstd: %s", idx, at,
                       ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short frame");
    *raw = r->raw;
    return TR_OK;
}

static int decode_events(tr_reader *r, size_t at, uint32_t idx, const chunk_head *c, const uint8_t *raw,
                         tr_error *err) {
    if (!grow((void **)&r->ev, &r->ev_cap, c->nevents, sizeof(tr_event)))
        return tr_fail(err, TR_ERR_NOMEM, at, "out of memory for chunk %u", idx);
    tr_codec_state cs;
    tr_codec_reset(&cs);
    size_t pos = 0;
    for (uint32_t i = 0; i < c->nevents; i++) {
        size_t used = 0;
        const char *why = "";
        int rc = tr_decode_event(&cs, raw + pos, c->raw_len - pos, &used, &r->ev[i], &why);
        if (rc != TR_DECODE_OK)
            return tr_fail(err, rc == TR_DECODE_KIND ? TR_ERR_KIND : TR_ERR_MALFORMED, at,
                           "chunk %u at byte %zu, event %llu: %s", idx, at,
                           (unsigned long long)(c->first_seq + i), why);
        pos += used;
    }
    if (pos != c->raw_len)
        return tr_fail(err, TR_ERR_MALFORMED, at, "chunk %u at byte %zu: %zu bytes after its last event", idx, at,
                       (size_t)c->raw_len - pos);
    return TR_OK;
}

/* Check and (decode) decode the chunk at byte `at` (its events go to
 * r->ev); on success *next is the byte after it.  Without decode only
 * the frame, the checksum and the head's fields are checked. */
static int read_chunk(tr_reader *r, size_t at, uint32_t idx, uint64_t seq, bool decode, size_t *next,
                      uint32_t *n, bool *zstd, tr_error *err) {
    chunk_head c = {0};
    if (r->len - at >= CHUNK_HEAD_BYTES) {
        const uint8_t *h = fetch(r, at, CHUNK_HEAD_BYTES, err);
        if (h == NULL)
            return err != NULL ? err->cls : TR_ERR_IO;
        c = parse_chunk_head(h);
    }
    const uint8_t *body = NULL, *raw = NULL;
    int rc = check_chunk_frame(r, at, idx, &c, &body, err);
    if (rc == TR_OK)
        rc = check_chunk_fields(at, idx, &c, seq, err);
    if (rc == TR_OK && decode)
        rc = chunk_payload(r, at, idx, &c, body, &raw, err);
    if (rc == TR_OK && decode)
        rc = decode_events(r, at, idx, &c, raw, err);
    if (rc != TR_OK)
        return rc;
    *next = at + CHUNK_HEAD_BYTES + c.stored_len + CHECKSUM_BYTES;
    *n = c.nevents;
    *zstd = c.codec == CODEC_ZSTD;
    return TR_OK;
}

/* ---- footer ---- */

static int read_footer(tr_reader *r, size_t at, tr_error *err) {
    if (r->len - at < FOOTER_BYTES)
        return tr_fail(err, TR_ERR_TRUNCATED, r->len, "file ends inside the footer at byte %zu", at);
    const uint8_t *f = fetch(r, at, FOOTER_BYTES, err);
    if (f == NULL)
        return err->cls;
    if (f[1] != 0 || f[2] != 0 || f[3] != 0)
        return tr_fail(err, TR_ERR_MALFORMED, at, "footer at byte %zu: reserved bytes set", at);
    r->info.has_footer = true;
    r->info.footer_events = get_u64(f + FOOTER_NEVENTS_AT);
    r->info.footer_digest = get_u64(f + FOOTER_DIGEST_AT);
    if (r->info.footer_events != r->info.events)
        return tr_fail(err, TR_ERR_DIGEST, at, "footer says %llu events, the chunks hold %llu",
                       (unsigned long long)r->info.footer_events, (unsigned long long)r->info.events);
    if (r->mode & TR_READ_LAZY)
        r->info.digest = r->info.footer_digest;   /* checked by the iteration that reaches the end */
    else if (r->info.footer_digest != r->info.digest)
        return tr_fail(err, TR_ERR_DIGEST, at, "footer digest %016llx, the events hash to %016llx",
                       (unsigned long long)r->info.footer_digest, (unsigned long long)r->info.digest);
    if (at + FOOTER_BYTES != r->len)
        return tr_fail(err, TR_ERR_TRAILING, at + FOOTER_BYTES, "%zu bytes after the footer",
                       r->len - at - FOOTER_BYTES);
    return TR_OK;
}

/* ---- the validating walk ---- */

/* TR_READ_TIMES: no event is earlier than the previous event of its M. */
static int check_times(tr_reader *r, size_t at, uint64_t first, uint32_t n, tr_error *err) {
    for (uint32_t i = 0; i < n; i++) {
        const tr_event *e = &r->ev[i];
        if (e->m == TR_NONE)
            continue;
        if (e->time + 1 < r->mtime[e->m])
            return tr_fail(err, TR_ERR_MALFORMED, at,
                           "event %llu: M%u's time goes back from %lld to %lld ns",
                           (unsigned long long)(first + i), e->m, (long long)(r->mtime[e->m] - 1),
                           (long long)e->time);
        r->mtime[e->m] = e->time + 1;
    }
    return TR_OK;
}

/* Keep the last TR_TAIL_EVENTS events seen by the walk. */
static void keep_tail(tr_reader *r, uint32_t n) {
    uint32_t take = n < TR_TAIL_EVENTS ? n : TR_TAIL_EVENTS;
    uint32_t keep = TR_TAIL_EVENTS - take < r->ntail ? TR_TAIL_EVENTS - take : r->ntail;
    memmove(r->tail, r->tail + (r->ntail - keep), keep * sizeof(tr_event));
    memcpy(r->tail + keep, r->ev + (n - take), take * sizeof(tr_event));
    r->ntail = keep + take;
}

/* TR_READ_LAZY: where the last TR_TAIL_EVENTS chunks start (each holds
 * at least one event, so they hold the last TR_TAIL_EVENTS events). */
static void keep_tail_chunk(tr_reader *r, size_t at, uint64_t seq) {
    if (r->ntail_chunks == TR_TAIL_EVENTS) {
        memmove(r->tail_chunk, r->tail_chunk + 1, (TR_TAIL_EVENTS - 1) * sizeof r->tail_chunk[0]);
        memmove(r->tail_seq, r->tail_seq + 1, (TR_TAIL_EVENTS - 1) * sizeof r->tail_seq[0]);
        r->ntail_chunks--;
    }
    r->tail_chunk[r->ntail_chunks] = at;
    r->tail_seq[r->ntail_chunks++] = seq;
}

/* TR_READ_LAZY: decode those chunks for tr_reader_tail. */
static int lazy_tail(tr_reader *r, tr_error *err) {
    for (uint32_t i = 0; i < r->ntail_chunks; i++) {
        size_t next;
        uint32_t n;
        bool zstd;
        int rc = read_chunk(r, r->tail_chunk[i], i, r->tail_seq[i], true, &next, &n, &zstd, err);
        if (rc != TR_OK)
            return rc;
        keep_tail(r, n);
    }
    return TR_OK;
}

/* Every chunk then the footer; info gets the intact prefix. */
static int walk(tr_reader *r, XXH3_state_t *xs, tr_error *err) {
    size_t at = r->events_off;
    /* Each record takes at least one byte, so the walk ends within len steps. */
    for (;;) {
        r->events_end = at;
        r->info.events_bytes = at - r->events_off;
        r->info.digest = XXH3_64bits_digest(xs);
        if (at == r->len)
            return tr_fail(err, TR_ERR_TRUNCATED, at, "file ends after %u chunks, without a footer",
                           r->info.chunks);
        const uint8_t *marker = fetch(r, at, 1, err);
        if (marker == NULL)
            return err->cls;
        if (*marker == FOOTER_MARKER)
            return read_footer(r, at, err);
        if (*marker != CHUNK_MARKER)
            return tr_fail(err, TR_ERR_MALFORMED, at, "byte %zu: 0x%02x is neither a chunk nor the footer", at,
                           *marker);
        size_t next = 0;
        uint32_t n = 0;
        bool zstd = false;
        bool lazy = r->mode & TR_READ_LAZY;
        int rc = read_chunk(r, at, r->info.chunks, r->info.events, !lazy, &next, &n, &zstd, err);
        if (rc != TR_OK)
            return rc;
        assert(next > at && next <= r->len);
        if (lazy) {
            keep_tail_chunk(r, at, r->info.events);
        } else {
            if (r->mtime != NULL && (rc = check_times(r, at, r->info.events, n, err)) != TR_OK)
                return rc;
            keep_tail(r, n);
            tr_digest_update(xs, r->ev, (size_t)n);
        }
        r->info.chunks_zstd += zstd;
        r->info.chunks++;
        r->info.events += n;
        at = next;
    }
}

/* The state iteration checks as it goes (TR_READ_LAZY), or the walk
 * (TR_READ_TIMES without it). */
static int iteration_state(tr_reader *r, tr_error *err) {
    if ((r->mode & TR_READ_TIMES) && (r->mtime = calloc((size_t)TR_NONE + 1, sizeof *r->mtime)) == NULL)
        return tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the reader");
    if ((r->mode & TR_READ_LAZY) && (r->xs = XXH3_createState()) == NULL)
        return tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the reader");
    return TR_OK;
}

static int validate(tr_reader *r, int mode, tr_error *err) {
    assert(!((mode & TR_READ_LAZY) && (mode & TR_READ_PREFIX)));
    r->mode = mode;
    int rc = read_header(r, err);
    if (rc != TR_OK || (rc = iteration_state(r, err)) != TR_OK)
        return rc;
    XXH3_state_t *xs = XXH3_createState();
    if (xs == NULL)
        return tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the reader");
    XXH3_64bits_reset(xs);
    tr_error damage = {0};
    rc = walk(r, xs, &damage);
    XXH3_freeState(xs);
    if (rc == TR_OK && (mode & TR_READ_LAZY))
        rc = lazy_tail(r, &damage);
    if (!(mode & TR_READ_LAZY)) {
        free(r->mtime);
        r->mtime = NULL;
    }
    if (rc == TR_ERR_NOMEM || rc == TR_ERR_IO || (rc != TR_OK && !(mode & TR_READ_PREFIX))) {
        if (err != NULL)
            *err = damage;
        return rc;
    }
    r->damage = damage;
    tr_reader_rewind(r);
    return TR_OK;
}

/* ---- open and close ---- */

static tr_reader *new_reader(tr_error *err) {
    if (err != NULL)
        memset(err, 0, sizeof *err);
    tr_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for the reader");
    else
        r->fd = -1;
    return r;
}

tr_reader *tr_reader_open_mem(const void *buf, size_t len, int mode, tr_error *err) {
    assert(buf != NULL || len == 0);
    tr_reader *r = new_reader(err);
    if (r == NULL)
        return NULL;
    static const uint8_t empty[1];
    r->buf = len > 0 ? buf : empty;
    r->len = r->hlen = len;
    r->info.file_bytes = len;
    if (validate(r, mode, err) != TR_OK) {
        tr_reader_close(r);
        return NULL;
    }
    return r;
}

/* A pipe or other non-regular file, at most TR_FILE_BYTES_MAX bytes, in
 * one malloc'd buffer. */
static int load_fd(int fd, const char *path, uint8_t **out, size_t *out_len, tr_error *err) {
    uint8_t *b = NULL;
    size_t len = 0, cap = 0;
    int rc = TR_OK;
    for (;;) {
        if (cap - len < READ_BLOCK_BYTES) {
            if (cap >= TR_FILE_BYTES_MAX + (size_t)READ_BLOCK_BYTES) {
                rc = tr_fail(err, TR_ERR_LIMIT, len, "%s is larger than %zu bytes", path, TR_FILE_BYTES_MAX);
                break;
            }
            size_t ncap = cap ? cap * 2 : READ_BLOCK_BYTES * 4;
            uint8_t *nb = realloc(b, ncap);
            if (nb == NULL) {
                rc = tr_fail(err, TR_ERR_NOMEM, len, "out of memory reading %s", path);
                break;
            }
            b = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, b + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = tr_fail(err, TR_ERR_IO, len, "reading %s: %s", path, strerror(errno));
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len > TR_FILE_BYTES_MAX) {
            rc = tr_fail(err, TR_ERR_LIMIT, len, "%s is larger than %zu bytes", path, TR_FILE_BYTES_MAX);
            break;
        }
    }
    if (rc != TR_OK) {
        free(b);
        return rc;
    }
    *out = b;
    *out_len = len;
    return TR_OK;
}

/* Header bytes [hlen, need) of a file reader into its header buffer
 * (fewer when the file is shorter). */
static int header_more(tr_reader *r, size_t need, tr_error *err) {
    if (need > r->len)
        need = r->len;
    if (need <= r->hlen)
        return TR_OK;
    uint8_t *nb = realloc(r->owned, need);
    if (nb == NULL)
        return tr_fail(err, TR_ERR_NOMEM, r->hlen, "out of memory for the header");
    r->owned = nb;
    r->buf = nb;
    while (r->hlen < need) {
        ssize_t k = pread(r->fd, nb + r->hlen, need - r->hlen, (off_t)r->hlen);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return tr_fail(err, TR_ERR_IO, r->hlen, "reading byte %zu: %s", r->hlen,
                           k < 0 ? strerror(errno) : "the file became shorter while it was read");
        r->hlen += (size_t)k;
    }
    return TR_OK;
}

/* Read what the header functions will look at: the fixed part, each
 * section as far as read_sections gets, the checksum.  They then judge
 * the bytes exactly as in a memory reader. */
static int header_bytes(tr_reader *r, tr_error *err) {
    size_t o = HDR_FIXED_BYTES;
    int rc = header_more(r, o, err);
    if (rc != TR_OK || r->hlen < o || memcmp(r->buf, TR_MAGIC, TR_MAGIC_BYTES) != 0)
        return rc;
    uint32_t n = get_u16(r->buf + HDR_NSECTIONS_AT);
    for (uint32_t i = 0; i < n && i < TR_SECTIONS_MAX; i++) {
        if ((rc = header_more(r, o + SEC_HEAD_BYTES, err)) != TR_OK || r->hlen < o + SEC_HEAD_BYTES)
            return rc;
        uint32_t slen = get_u32(r->buf + o + 4);
        if (slen > TR_SECTION_BYTES_MAX)
            return TR_OK;
        o += SEC_HEAD_BYTES + slen;
        if ((rc = header_more(r, o, err)) != TR_OK || r->hlen < o)
            return rc;
    }
    return header_more(r, o + CHECKSUM_BYTES, err);
}

/* A regular file: the header now, the chunks through the window. */
static tr_reader *open_file(int fd, size_t len, int mode, tr_error *err) {
    tr_reader *r = new_reader(err);
    if (r == NULL) {
        close(fd);
        return NULL;
    }
    r->fd = fd;
    r->len = len;
    r->info.file_bytes = len;
    static const uint8_t empty[1];
    r->buf = empty;
    if (header_bytes(r, err) != TR_OK || validate(r, mode, err) != TR_OK) {
        tr_reader_close(r);
        return NULL;
    }
    return r;
}

tr_reader *tr_reader_open_path(const char *path, int mode, tr_error *err) {
    if (err != NULL)
        memset(err, 0, sizeof *err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        tr_fail(err, TR_ERR_IO, 0, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        tr_fail(err, TR_ERR_IO, 0, "cannot read %s: it is a directory", path);
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        return open_file(fd, (size_t)st.st_size, mode, err);
    uint8_t *b = NULL;
    size_t len = 0;
    int rc = load_fd(fd, path, &b, &len, err);
    close(fd);
    if (rc != TR_OK)
        return NULL;
    tr_reader *r = tr_reader_open_mem(b, len, mode, err);
    if (r == NULL) {
        free(b);
        return NULL;
    }
    r->owned = b;
    return r;
}

tr_reader *tr_reader_dup(const tr_reader *r, tr_error *err) {
    tr_reader *d = new_reader(err);
    if (d == NULL)
        return NULL;
    *d = *r;
    d->owned = NULL;
    d->win = NULL;
    d->win_cap = d->win_len = d->win_off = 0;
    d->ev = NULL;
    d->ev_cap = 0;
    d->raw = NULL;
    d->raw_cap = 0;
    d->dctx = NULL;
    d->fd = -1;
    d->mtime = NULL;
    d->xs = NULL;
    if (iteration_state(d, err) != TR_OK) {
        tr_reader_close(d);
        return NULL;
    }
    if (r->fd >= 0) {
        /* its own copy of the header and its own descriptor */
        d->owned = malloc(r->hlen ? r->hlen : 1);
        d->fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
        if (d->owned == NULL || d->fd < 0) {
            tr_fail(err, d->owned == NULL ? TR_ERR_NOMEM : TR_ERR_IO, 0, "cannot copy the reader: %s",
                    strerror(errno));
            tr_reader_close(d);
            return NULL;
        }
        memcpy(d->owned, r->buf, r->hlen);
        d->buf = d->owned;
    }
    tr_reader_rewind(d);
    return d;
}

void tr_reader_close(tr_reader *r) {
    if (r == NULL)
        return;
    if (r->fd >= 0)
        close(r->fd);
    free(r->owned);
    free(r->win);
    free(r->ev);
    free(r->raw);
    free(r->mtime);
    XXH3_freeState(r->xs);
    ZSTD_freeDCtx(r->dctx);
    free(r);
}

/* ---- queries and iteration ---- */

const tr_error *tr_reader_damage(const tr_reader *r) { return &r->damage; }
const tr_file_info *tr_reader_info(const tr_reader *r) { return &r->info; }

const void *tr_reader_section_at(const tr_reader *r, uint32_t i, uint32_t *id, size_t *len) {
    assert(i < r->info.nsections);
    if (id != NULL)
        *id = r->secs[i].id;
    *len = r->secs[i].len;
    return r->buf + r->secs[i].off;
}

const void *tr_reader_section(const tr_reader *r, uint32_t id, size_t *len) {
    for (uint32_t i = 0; i < r->info.nsections; i++)
        if (r->secs[i].id == id)
            return tr_reader_section_at(r, i, NULL, len);
    return NULL;
}

const tr_error *tr_reader_error(const tr_reader *r) { return &r->iter_err; }

size_t tr_reader_tail(const tr_reader *r, const tr_event **ev) {
    *ev = r->tail;
    return r->ntail;
}

void tr_reader_rewind(tr_reader *r) {
    memset(&r->iter_err, 0, sizeof r->iter_err);
    if (r->mtime != NULL)
        memset(r->mtime, 0, ((size_t)TR_NONE + 1) * sizeof *r->mtime);
    if (r->xs != NULL)
        XXH3_64bits_reset(r->xs);
    r->pos = r->events_off;
    r->seq = 0;
    r->ci = r->cn = 0;
}

/* TR_READ_LAZY: what the walk left to iteration, for the chunk just
 * decoded (n events from r->seq) or, with n == 0, at the end. */
static int lazy_checks(tr_reader *r, size_t at, uint32_t n) {
    if (n == 0) {
        uint64_t d = XXH3_64bits_digest(r->xs);
        if (d != r->info.footer_digest)
            return tr_fail(&r->iter_err, TR_ERR_DIGEST, at, "footer digest %016llx, the events hash to %016llx",
                           (unsigned long long)r->info.footer_digest, (unsigned long long)d);
        return TR_OK;
    }
    tr_digest_update(r->xs, r->ev, (size_t)n);
    return r->mtime != NULL ? check_times(r, at, r->seq, n, &r->iter_err) : TR_OK;
}

bool tr_reader_next(tr_reader *r, uint64_t *seq, tr_event *e) {
    if (r->ci == r->cn) {
        if (r->pos >= r->events_end) {
            if (r->xs != NULL && r->pos == r->events_end && r->iter_err.cls == TR_OK) {
                r->pos++;   /* checked once */
                lazy_checks(r, r->events_end, 0);
            }
            return false;
        }
        r->seq += r->cn;
        size_t next = 0;
        uint32_t n = 0;
        uint32_t idx = 0; /* only for messages, which cannot happen here */
        bool zstd;
        size_t at = r->pos;
        int rc = read_chunk(r, at, idx, r->seq, true, &next, &n, &zstd, &r->iter_err);
        if (rc == TR_OK && r->xs != NULL)
            rc = lazy_checks(r, at, n);
        /* The open walk checked this chunk (unless lazy): memory, or a
         * file changed since, are the only new failures (tr_reader_error). */
        if (rc != TR_OK) {
            r->iter_err.cls = rc;
            r->pos = r->events_end;
            r->ci = r->cn = 0;
            return false;
        }
        r->pos = next;
        r->ci = 0;
        r->cn = n;
    }
    *seq = r->seq + r->ci;
    *e = r->ev[r->ci++];
    return true;
}

int tr_reader_load(tr_reader *r, tr_event **ev, size_t *n, size_t max_events, tr_error *err) {
    *ev = NULL;
    *n = 0;
    uint64_t total = r->info.events;
    if (total > max_events || total > SIZE_MAX / sizeof(tr_event))
        return tr_fail(err, TR_ERR_LIMIT, 0, "%llu events, at most %zu can be loaded", (unsigned long long)total,
                       max_events);
    tr_event *all = malloc(total > 0 ? (size_t)total * sizeof *all : 1);
    if (all == NULL)
        return tr_fail(err, TR_ERR_NOMEM, 0, "out of memory for %llu events", (unsigned long long)total);
    tr_reader_rewind(r);
    size_t i = 0;
    uint64_t seq;
    while (i < total && tr_reader_next(r, &seq, &all[i]))
        i++;
    tr_error why = r->iter_err;
    tr_reader_rewind(r);
    if (i != total) {
        free(all);
        if (err != NULL)
            *err = why;
        return why.cls != TR_OK ? why.cls : TR_ERR_IO;
    }
    *ev = all;
    *n = i;
    return TR_OK;
}
