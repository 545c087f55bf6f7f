/*
 * traces/tfile.h: trace files (format version 1, docs/trace-format.md).
 *
 *   header   "GMPTRACE", version, opaque sections (SCENARIO, CONFIG, ...),
 *            XXH32 checksum
 *   chunks   compact event encoding (traces/codec.h), each optionally
 *            zstd-compressed, each with its own header and XXH32 checksum
 *   footer   event count and the XXH3-64 digest of the canonical records
 *            (the same digest as tr_digest())
 *
 * The writer is a recorder sink (or is fed arrays) and writes the file
 * atomically (traces/atomicfile.h).  The reader checks every byte: each
 * failure has an error class, an offset and a message, and in prefix mode
 * the events of the intact chunks before the damage stay readable.
 *
 * This layer never interprets the sections: sim/ writes the scenario's
 * binary form and a "key=value\n" configuration text, replay/ reads them.
 *
 * Ownership: a writer or reader belongs to one thread.  Every allocation is
 * bounded by the caps below.
 */
#ifndef GMP_TRACES_TFILE_H
#define GMP_TRACES_TFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Bumped whenever a byte of the format, or the numbering of existing rows
 * of events.def, changes meaning.  A reader accepts only its own version. */
enum { TR_FORMAT_VERSION = 2 };

#define TR_MAGIC "GMPTRACE"
enum { TR_MAGIC_BYTES = 8 };

/* ---- caps: every length in a file is checked against these ---- */
enum {
    TR_SECTIONS_MAX = 16,                  /* sections in a header */
    TR_SECTION_BYTES_MAX = 1 << 20,        /* one section: scenarios and configs are small */
    TR_FILE_CHUNK_EVENTS_MAX = 1 << 16,    /* events in one chunk: 2 MiB decoded */
};
/* Events per chunk the writer makes by default, whatever the recorder's
 * flush size: large enough that the 28 bytes of chunk framing and the codec
 * restart cost little (under 0.01 byte per event) and zstd sees repeats,
 * small enough (168 KiB encoded at most) that damage loses little. */
enum { TR_FILE_CHUNK_EVENTS_DEFAULT = 4096 };
/* Events in one file: bounds the sequence arithmetic; in practice the file
 * size cap is reached first. */
#define TR_FILE_EVENTS_MAX (UINT64_C(1) << 40)
/* Bytes tr_reader_open_path reads into memory. */
#define TR_FILE_BYTES_MAX ((size_t)1 << 30)

/* Section ids: four ASCII bytes, stored in file order ("SCEN"). */
#define TR_SECTION_ID(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define TR_SEC_SCENARIO TR_SECTION_ID('S', 'C', 'E', 'N')
#define TR_SEC_CONFIG TR_SECTION_ID('C', 'O', 'N', 'F')

typedef struct tr_section {
    uint32_t id;
    const void *data;
    size_t len;
} tr_section;

/* ---- errors ---- */
enum tr_err {
    TR_OK = 0,
    TR_ERR_IO,        /* cannot open, read, write, sync or rename (exit 10) */
    TR_ERR_NOMEM,     /* an allocation within the caps failed (exit 11) */
    TR_ERR_MAGIC,     /* not a gmpsim trace */
    TR_ERR_VERSION,   /* a format version this reader does not know */
    TR_ERR_TRUNCATED, /* the file ends inside the header, a chunk, or before the footer */
    TR_ERR_CHECKSUM,  /* header or chunk bytes do not match their checksum */
    TR_ERR_LIMIT,     /* a length or count is impossible or above a cap */
    TR_ERR_MALFORMED, /* bytes that do not decode: bad marker, varint, reserved bits, zstd frame */
    TR_ERR_KIND,      /* an event kind outside the catalogue (>= EV__COUNT) */
    TR_ERR_DIGEST,    /* the footer's count or digest does not match the events */
    TR_ERR_TRAILING,  /* bytes after the footer */
    TR_ERR__COUNT
};

enum { TR_ERROR_MSG_LEN = 200 };

typedef struct tr_error {
    int cls;                      /* enum tr_err */
    uint64_t offset;              /* byte offset where it was found */
    char msg[TR_ERROR_MSG_LEN];   /* "chunk 3 at byte 4120: checksum mismatch" */
} tr_error;

/* "truncated", "checksum", ... (stable; used in docs and tests). */
const char *tr_err_name(int cls);
/* Exit code for a class: 0 ok, 10 I/O, 11 out of memory, 8 any rejected trace. */
int tr_err_exit_code(int cls);

/* ---- writer ---- */
typedef struct tr_write_opts {
    bool compress;          /* zstd each chunk (kept raw when that is not smaller) */
    int zstd_level;         /* zstd's levels (ZSTD_minCLevel()..ZSTD_maxCLevel()) */
    uint32_t chunk_events;  /* events per chunk, 1..TR_FILE_CHUNK_EVENTS_MAX */
} tr_write_opts;

/* compress on, level 3, TR_FILE_CHUNK_EVENTS_DEFAULT per chunk. */
void tr_write_opts_default(tr_write_opts *o);

typedef struct tr_writer tr_writer;

/* A writer to PATH (atomically: nothing appears at PATH before finish).
 * opts NULL: defaults; options out of range fail with TR_ERR_LIMIT.  NULL
 * on failure, with err set. */
tr_writer *tr_writer_open(const char *path, const tr_section *secs, size_t nsecs,
                          const tr_write_opts *opts, tr_error *err);
/* A writer to a memory buffer (tests, fuzz corpora, size measurements). */
tr_writer *tr_writer_open_mem(const tr_section *secs, size_t nsecs, const tr_write_opts *opts,
                              tr_error *err);

/* The writer as a recorder sink: add it before the first event. */
tr_sink tr_writer_sink(tr_writer *w);

/* Append events (seq continues from the events already written). */
void tr_writer_add(tr_writer *w, const tr_event *ev, size_t n);

uint64_t tr_writer_events(const tr_writer *w);
uint64_t tr_writer_digest(const tr_writer *w);

/* Write the last chunk and the footer; for a path writer fsync and rename.
 * Frees w.  Returns TR_OK or the first error (the file is then absent). */
int tr_writer_finish(tr_writer *w, tr_error *err);
/* The same for a memory writer: *buf (malloc'd) and *len get the file. */
int tr_writer_finish_mem(tr_writer *w, uint8_t **buf, size_t *len, tr_error *err);
/* Give up: nothing is written; frees w. */
void tr_writer_abort(tr_writer *w);

/* A whole trace from an array, in one call. */
int tr_write_file(const char *path, const tr_section *secs, size_t nsecs, const tr_event *ev,
                  size_t n, const tr_write_opts *opts, tr_error *err);

/* ---- reader ---- */
enum tr_read_mode {
    TR_READ_STRICT = 0,  /* any damage fails the open */
    TR_READ_PREFIX = 1,  /* damage after the header is kept in tr_reader_damage();
                            the events of the chunks before it stay readable */
    TR_READ_TIMES = 2,   /* or'ed in: an event earlier than the previous event of
                            the same M is damage (malformed); for traces of runs,
                            where each M's clock only moves forward */
    TR_READ_LAZY = 4,    /* or'ed in (not with PREFIX): the open checks the header,
                            every chunk's frame and checksum, the footer's count and
                            the end of the file, and decodes only the last chunks
                            (tr_reader_tail); iteration decodes and checks the rest
                            (records, TR_READ_TIMES, and at the end the footer's
                            digest), reporting through tr_reader_error.  One decoding
                            pass instead of two, for readers that stream it once
                            (replay).  info->digest is then the footer's, unchecked
                            until the iteration reaches the end. */
};
/* Events tr_reader_tail keeps. */
enum { TR_TAIL_EVENTS = 8 };

typedef struct tr_file_info {
    uint16_t version;
    uint32_t nsections;
    uint64_t events;          /* events in the intact chunks */
    uint64_t digest;          /* XXH3-64 of those events */
    uint32_t chunks;          /* intact chunks */
    uint32_t chunks_zstd;     /* of which zstd-compressed */
    uint64_t file_bytes;
    uint64_t events_bytes;    /* bytes of the intact chunks, headers included */
    bool has_footer;          /* a well-formed footer was found */
    uint64_t footer_events;   /* what the footer says (when has_footer) */
    uint64_t footer_digest;
} tr_file_info;

typedef struct tr_reader tr_reader;

/* Read a file from memory; buf must outlive the reader.  NULL on failure
 * (err set); in prefix mode only a bad header fails. */
tr_reader *tr_reader_open_mem(const void *buf, size_t len, int mode, tr_error *err);
/* Read PATH.  A regular file is read through a window (memory: about one
 * chunk, whatever its length); anything else (a pipe) is read whole, at
 * most TR_FILE_BYTES_MAX bytes. */
tr_reader *tr_reader_open_path(const char *path, int mode, tr_error *err);
/* A second cursor over the same validated file (its own position and
 * buffers; no second walk).  A copy of a memory reader shares the bytes:
 * close it before the original. */
tr_reader *tr_reader_dup(const tr_reader *r, tr_error *err);
void tr_reader_close(tr_reader *r);

/* The damage found in prefix mode (cls TR_OK when the file is intact). */
const tr_error *tr_reader_damage(const tr_reader *r);
const tr_file_info *tr_reader_info(const tr_reader *r);

/* A section's bytes by id (NULL when absent; *len set when present). */
const void *tr_reader_section(const tr_reader *r, uint32_t id, size_t *len);
/* The i-th section in file order, i < info->nsections. */
const void *tr_reader_section_at(const tr_reader *r, uint32_t i, uint32_t *id, size_t *len);

/* The next event of the intact chunks; false at their end. */
bool tr_reader_next(tr_reader *r, uint64_t *seq, tr_event *e);
/* Why tr_reader_next stopped before the end (cls TR_OK when it did not):
 * memory, or a file that changed after the open. */
const tr_error *tr_reader_error(const tr_reader *r);
/* The last (at most TR_TAIL_EVENTS) events of the intact chunks, oldest
 * first, without iterating; valid while r is open. */
size_t tr_reader_tail(const tr_reader *r, const tr_event **ev);
/* Back to event 0. */
void tr_reader_rewind(tr_reader *r);

/* All events of the intact chunks in one malloc'd array; fails with
 * TR_ERR_LIMIT when there are more than max_events. */
int tr_reader_load(tr_reader *r, tr_event **ev, size_t *n, size_t max_events, tr_error *err);

#endif
