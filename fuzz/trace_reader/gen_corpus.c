/*
 * fuzz/trace_reader/gen_corpus.c: the seed corpus of the trace_reader fuzz
 * target, made from the synthetic streams of tests/traces/streams.h.
 *
 *   gen_trace_corpus DIR           write DIR/gen-*.gmpt
 *   gen_trace_corpus --check DIR   read each committed DIR/gen-*.gmpt and
 *                                  check its verdict: the error class of a
 *                                  strict read, the events of the intact
 *                                  prefix, and (when it has them) that they
 *                                  are the events it was made from
 *
 * --check runs in ctest: the committed files must keep reading the same way
 * (format stability), whatever zstd version would compress them today.
 * Files not named gen-* (inputs the fuzzer found) are left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/traces/layout.h"
#include "tests/traces/streams.h"
#include "traces/atomicfile.h"
#include "traces/tfile.h"

/* Events of the largest seed; seeds stay small so the fuzzer runs fast. */
enum { SEED_EVENTS_MAX = 2000 };

typedef struct seed {
    const char *name;
    int cls;                /* strict read verdict */
    uint64_t prefix_events; /* events of the intact chunks (prefix read) */
} seed;

typedef struct built {
    uint8_t *buf;
    size_t len;
    tr_event ev[SEED_EVENTS_MAX];
    size_t n;
} built;

/* Events of one seed, by stream. */
enum { STREAM_NONE, STREAM_GOSCHED, STREAM_MIXED, STREAM_RANDOM, STREAM_SAMPLE };

static size_t make_events(int stream, size_t n, tr_event *ev) {
    switch (stream) {
    case STREAM_GOSCHED: return ts_gosched(ev, n / TS_GOSCHED_EVENTS);
    case STREAM_MIXED: ts_mixed(ev, n, 21); return n;
    case STREAM_RANDOM: ts_random(ev, n, 22); return n;
    case STREAM_SAMPLE: return ts_sample(ev);
    default: return 0;
    }
}

/* b->ev[0..b->n) as a file in b->buf. */
static void write_events(built *b, bool compress, uint32_t chunk_events, bool sections) {
    static const uint8_t scenario[] = {0x02, 0x01, 0x05, 0x00, 0x10};
    static const char config[] = "seed=21\nstrategy=pct\nprocs=4\nmutant=none\n";
    const tr_section secs[] = {{TR_SEC_SCENARIO, scenario, sizeof scenario},
                               {TR_SEC_CONFIG, config, sizeof config - 1}};
    tr_write_opts o;
    tr_write_opts_default(&o);
    o.compress = compress;
    o.chunk_events = chunk_events;
    tr_error err;
    tr_writer *w = tr_writer_open_mem(secs, sections ? 2 : 0, &o, &err);
    if (w == NULL) {
        fprintf(stderr, "gen_trace_corpus: %s\n", err.msg);
        exit(1);
    }
    tr_writer_add(w, b->ev, b->n);
    if (tr_writer_finish_mem(w, &b->buf, &b->len, &err) != TR_OK) {
        fprintf(stderr, "gen_trace_corpus: %s\n", err.msg);
        exit(1);
    }
}

static void write_trace(built *b, int stream, size_t n, bool compress, uint32_t chunk_events, bool sections) {
    b->n = make_events(stream, n, b->ev);
    write_events(b, compress, chunk_events, sections);
}

/* ---- the seeds: intact files of different shapes, then damaged ones ---- */

static const seed seeds[] = {
    {"gen-empty.gmpt", TR_OK, 0},
    {"gen-gosched-raw.gmpt", TR_OK, 248},
    {"gen-gosched-zstd.gmpt", TR_OK, 2000},
    {"gen-mixed-sections.gmpt", TR_OK, 600},
    {"gen-random-raw.gmpt", TR_OK, 300},
    {"gen-sample.gmpt", TR_OK, TS_SAMPLE_EVENTS},
    {"gen-chunk-per-event.gmpt", TR_OK, 6},
    {"gen-truncated.gmpt", TR_ERR_TRUNCATED, 200},
    {"gen-checksum.gmpt", TR_ERR_CHECKSUM, 100},
    {"gen-kind.gmpt", TR_ERR_KIND, 50},
    {"gen-digest.gmpt", TR_ERR_DIGEST, 600},
    {"gen-trailing.gmpt", TR_ERR_TRAILING, 600},
    {"gen-version.gmpt", TR_ERR_VERSION, 0},
    {"gen-zstd-resealed.gmpt", TR_ERR_MALFORMED, 0},
};
enum { NSEEDS = sizeof seeds / sizeof seeds[0] };

/* Damage the intact mixed-sections file in one documented way. */
static void damage(built *b, const char *name) {
    size_t at[64];
    size_t nchunks = layout_chunks(b->buf, b->len, at, 63);
    if (nchunks < 3) {
        fprintf(stderr, "gen_trace_corpus: the damaged seeds need 3 chunks\n");
        exit(1);
    }
    if (strcmp(name, "gen-truncated.gmpt") == 0) {
        b->len = at[2] + 10; /* inside chunk 2 */
    } else if (strcmp(name, "gen-checksum.gmpt") == 0) {
        b->buf[at[1] + LAYOUT_CHUNK_HEAD + 2] ^= 0x40;
    } else if (strcmp(name, "gen-digest.gmpt") == 0) {
        b->buf[b->len - 1] ^= 0x01;
    } else if (strcmp(name, "gen-trailing.gmpt") == 0) {
        b->buf = realloc(b->buf, b->len + 4);
        memcpy(b->buf + b->len, "junk", 4);
        b->len += 4;
    } else if (strcmp(name, "gen-version.gmpt") == 0) {
        b->buf[8] = 99;
        layout_reseal_header(b->buf);
    } else if (strcmp(name, "gen-zstd-resealed.gmpt") == 0) {
        b->buf[at[0] + LAYOUT_CHUNK_HEAD + 5] ^= 0xff; /* zstd frame header */
        layout_reseal_chunk(b->buf, at[0]);
    }
}

/* Raw chunks of 50 events; the first event of chunk 1 has an explicit
 * kind byte (a kind other than the chunk-start prediction 0), patched to
 * BAD_KIND and resealed. */
enum { BAD_KIND = 127 };   /* one varint byte, beyond the catalogue for a long while */
_Static_assert((int)EV__COUNT <= (int)BAD_KIND, "the catalogue reached BAD_KIND: pick a larger one-byte kind");
static void make_bad_kind(built *b) {
    b->n = make_events(STREAM_RANDOM, 150, b->ev);
    b->ev[50].kind = EV_GOSCHED;
    write_events(b, false, 50, false);
    size_t at[8];
    layout_chunks(b->buf, b->len, at, 7);
    uint8_t *payload = b->buf + at[1] + LAYOUT_CHUNK_HEAD;
    payload[1] = BAD_KIND;
    layout_reseal_chunk(b->buf, at[1]);
}

static void build(built *b, const char *name) {
    memset(b, 0, sizeof *b);
    if (strcmp(name, "gen-empty.gmpt") == 0)
        write_trace(b, STREAM_NONE, 0, true, 64, false);
    else if (strcmp(name, "gen-gosched-raw.gmpt") == 0)
        write_trace(b, STREAM_GOSCHED, 248, false, 64, false);
    else if (strcmp(name, "gen-gosched-zstd.gmpt") == 0)
        write_trace(b, STREAM_GOSCHED, 2000, true, TR_FILE_CHUNK_EVENTS_DEFAULT, false);
    else if (strcmp(name, "gen-random-raw.gmpt") == 0)
        write_trace(b, STREAM_RANDOM, 300, false, 50, false);
    else if (strcmp(name, "gen-sample.gmpt") == 0)
        write_trace(b, STREAM_SAMPLE, 0, true, 64, true);
    else if (strcmp(name, "gen-chunk-per-event.gmpt") == 0)
        write_trace(b, STREAM_MIXED, 6, true, 1, true);
    else if (strcmp(name, "gen-kind.gmpt") == 0)
        make_bad_kind(b);
    else {
        write_trace(b, STREAM_MIXED, 600, true, 100, true);
        damage(b, name);
    }
}

/* ---- write and check ---- */

static int write_all(const char *dir) {
    for (size_t i = 0; i < NSEEDS; i++) {
        built *b = malloc(sizeof *b);
        build(b, seeds[i].name);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, seeds[i].name);
        int rc = af_write_file(path, b->buf, b->len);
        free(b->buf);
        free(b);
        if (rc != 0) {
            fprintf(stderr, "gen_trace_corpus: writing %s: %s\n", path, strerror(rc));
            return 10;
        }
    }
    printf("wrote %d seeds to %s\n", NSEEDS, dir);
    return 0;
}

/* The committed file's verdicts, against what it was made to be. */
static bool check_one(const char *dir, const seed *s) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, s->name);
    tr_error err;
    tr_reader *r = tr_reader_open_path(path, TR_READ_STRICT, &err);
    int cls = r != NULL ? TR_OK : err.cls;
    tr_reader_close(r);
    r = tr_reader_open_path(path, TR_READ_PREFIX, &err);
    uint64_t prefix = r != NULL ? tr_reader_info(r)->events : 0;
    built *b = malloc(sizeof *b);
    build(b, s->name);
    bool same = true;
    if (r != NULL && prefix > 0 && prefix <= b->n) {
        tr_event *ev;
        size_t n;
        same = tr_reader_load(r, &ev, &n, SEED_EVENTS_MAX, &err) == TR_OK;
        if (same) {
            same = memcmp(ev, b->ev, n * sizeof *ev) == 0;
            free(ev);
        }
    }
    tr_reader_close(r);
    free(b->buf);
    free(b);
    bool ok = cls == s->cls && prefix == s->prefix_events && same;
    if (!ok)
        fprintf(stderr, "%s: strict %s (want %s), prefix %llu events (want %llu)%s\n", s->name, tr_err_name(cls),
                tr_err_name(s->cls), (unsigned long long)prefix, (unsigned long long)s->prefix_events,
                same ? "" : ", events differ from the stream");
    return ok;
}

int main(int argc, char **argv) {
    if (argc == 2)
        return write_all(argv[1]);
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        int bad = 0;
        for (size_t i = 0; i < NSEEDS; i++)
            bad += !check_one(argv[2], &seeds[i]);
        if (bad == 0)
            printf("%d seeds read as made\n", NSEEDS);
        else
            fprintf(stderr, "%d seeds differ; regenerate with gen_trace_corpus DIR if the change is meant\n", bad);
        return bad ? 1 : 0;
    }
    fprintf(stderr, "usage: gen_trace_corpus DIR | --check DIR\n");
    return 64;
}
