/*
 * tests/traces/test_tfile.c: trace files round-trip, keep the digest, and
 * every kind of damage is rejected with its own class.
 *
 * The corruption tests patch files through the layout documented in
 * docs/trace-format.md (offsets below), so they pin the document too.
 */
#include "tests/unit.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "streams.h"
#include "traces/tfile.h"

/* ---- helpers ---- */

static tr_write_opts opts(bool compress, uint32_t chunk_events) {
    tr_write_opts o;
    tr_write_opts_default(&o);
    o.compress = compress;
    o.chunk_events = chunk_events;
    return o;
}

static uint8_t *write_mem(const tr_event *ev, size_t n, const tr_write_opts *o, const tr_section *secs,
                          size_t nsecs, size_t *len) {
    tr_error err;
    tr_writer *w = tr_writer_open_mem(secs, nsecs, o, &err);
    CHECK(w != NULL);
    tr_writer_add(w, ev, n);
    uint8_t *buf = NULL;
    CHECK_EQ(tr_writer_finish_mem(w, &buf, len, &err), TR_OK);
    return buf;
}

/* Strict read of a whole file into an array. */
static tr_event *read_all(const uint8_t *b, size_t len, size_t *n, tr_file_info *info) {
    tr_error err;
    tr_reader *r = tr_reader_open_mem(b, len, TR_READ_STRICT, &err);
    if (r == NULL)
        fprintf(stderr, "open: %s: %s\n", tr_err_name(err.cls), err.msg);
    CHECK(r != NULL);
    tr_event *ev = NULL;
    CHECK_EQ(tr_reader_load(r, &ev, n, SIZE_MAX, &err), TR_OK);
    if (info != NULL)
        *info = *tr_reader_info(r);
    tr_reader_close(r);
    return ev;
}

static int reject_class(const uint8_t *b, size_t len) {
    tr_error err;
    tr_reader *r = tr_reader_open_mem(b, len, TR_READ_STRICT, &err);
    if (r != NULL) {
        tr_reader_close(r);
        return TR_OK;
    }
    CHECK(err.cls != TR_OK);
    CHECK(err.msg[0] != 0);
    return err.cls;
}

static void check_round_trip(const tr_event *ev, size_t n, const tr_write_opts *o) {
    size_t len, got_n;
    uint8_t *b = write_mem(ev, n, o, NULL, 0, &len);
    tr_file_info info;
    tr_event *got = read_all(b, len, &got_n, &info);
    CHECK_EQ(got_n, n);
    CHECK(n == 0 || memcmp(got, ev, n * sizeof *ev) == 0);
    CHECK(info.digest == tr_digest_of(ev, n));
    CHECK(info.footer_digest == info.digest);
    CHECK(info.has_footer);
    CHECK_EQ(info.chunks, (n + o->chunk_events - 1) / o->chunk_events);
    free(got);
    free(b);
}

static char *make_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/gmptrace-XXXXXX", base && base[0] ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    CHECK(d != NULL);
    return strdup(d);
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void remove_dir(char *dir) {
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    rmdir(dir);
    free(dir);
}

/* ---- round trips ---- */

static void round_trip_random_streams_read_back_equal(void) {
    static const size_t sizes[] = {0, 1, 2, 100, 2047, 2048, 2049, 7000};
    static const uint32_t chunks[] = {1, 7, 2048, TR_FILE_CHUNK_EVENTS_DEFAULT, TR_FILE_CHUNK_EVENTS_MAX};
    tr_event *ev = malloc(7000 * sizeof *ev);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            if (chunks[c] == 1 && sizes[i] > 2049)
                continue;
            ts_random(ev, sizes[i], 1000 + i);
            for (int z = 0; z < 2; z++) {
                tr_write_opts o = opts(z, chunks[c]);
                check_round_trip(ev, sizes[i], &o);
            }
        }
    free(ev);
}

static void round_trip_mixed_and_gosched_streams(void) {
    enum { N = 20000 };
    tr_event *ev = malloc(N * sizeof *ev);
    tr_write_opts o = opts(true, TR_FILE_CHUNK_EVENTS_DEFAULT);
    ts_mixed(ev, N, 7);
    check_round_trip(ev, N, &o);
    size_t n = ts_gosched(ev, N / TS_GOSCHED_EVENTS);
    check_round_trip(ev, n, &o);
    free(ev);
}

/* The writer as a recorder sink, with partial flushes from tr_digest in
 * the middle: the file digest is the recorder's digest. */
static void recorder_sink_file_digest_equals_tr_digest(void) {
    enum { N = 9000 };
    tr_event *ev = malloc(N * sizeof *ev);
    ts_random(ev, N, 99);
    trace t;
    CHECK(tr_init(&t, true));
    tr_error err;
    tr_writer *w = tr_writer_open_mem(NULL, 0, NULL, &err);
    CHECK(w != NULL);
    tr_add_sink(&t, tr_writer_sink(w));
    for (size_t i = 0; i < N; i++) {
        const tr_event *e = &ev[i];
        tr_emit(&t, e->kind, e->time, e->m, e->p, e->g, e->a[0], e->a[1], e->a[2]);
        if (i % 3001 == 17)
            (void)tr_digest(&t);
    }
    uint64_t d = tr_digest(&t);
    CHECK(tr_writer_digest(w) == d);
    CHECK_EQ(tr_writer_events(w), N);
    uint8_t *b;
    size_t len, n;
    CHECK_EQ(tr_writer_finish_mem(w, &b, &len, &err), TR_OK);
    tr_file_info info;
    tr_event *got = read_all(b, len, &n, &info);
    CHECK_EQ(n, N);
    CHECK(info.footer_digest == d && info.digest == d);
    CHECK(memcmp(got, ev, sizeof(tr_event) * N) == 0);
    free(got);
    free(b);
    tr_free(&t);
    free(ev);
}

static void compression_on_and_off_give_same_digest(void) {
    enum { N = 12000 };
    tr_event *ev = malloc(N * sizeof *ev);
    ts_mixed(ev, N, 3);
    tr_write_opts on = opts(true, TR_FILE_CHUNK_EVENTS_DEFAULT), off = opts(false, TR_FILE_CHUNK_EVENTS_DEFAULT);
    size_t lon, loff, non, noff;
    uint8_t *bon = write_mem(ev, N, &on, NULL, 0, &lon);
    uint8_t *boff = write_mem(ev, N, &off, NULL, 0, &loff);
    tr_file_info ion, ioff;
    tr_event *eon = read_all(bon, lon, &non, &ion);
    tr_event *eoff = read_all(boff, loff, &noff, &ioff);
    CHECK(ion.footer_digest == ioff.footer_digest);
    CHECK(ion.digest == tr_digest_of(ev, N));
    CHECK(ion.chunks_zstd == ion.chunks && ioff.chunks_zstd == 0);
    CHECK(lon < loff);
    CHECK_EQ(non, noff);
    CHECK(memcmp(eon, eoff, N * sizeof *ev) == 0);
    free(eon);
    free(eoff);
    free(bon);
    free(boff);
    free(ev);
}

/* Change one field of one event: the digest changes.  Change nothing: it
 * does not.  Pairs of different random streams: different digests. */
static void digests_equal_exactly_when_traces_equal(void) {
    enum { N = 300, FIELDS = 9, STREAMS = 64 };
    tr_event base[N], copy[N];
    ts_random(base, N, 5);
    uint64_t d0 = tr_digest_of(base, N);
    memcpy(copy, base, sizeof base);
    CHECK(tr_digest_of(copy, N) == d0);
    for (size_t i = 0; i < N; i += 7)
        for (int f = 0; f < FIELDS; f++) {
            memcpy(copy, base, sizeof base);
            tr_event *e = &copy[i];
            switch (f) {
            case 0: e->time ^= 1; break;
            case 1: e->g += 1; break;
            case 2: e->kind = (uint16_t)((e->kind + 1) % EV__COUNT); break;
            case 3: e->m ^= 0x100; break;
            case 4: e->p ^= 1; break;
            case 5: e->a[0] ^= 0x80000000u; break;
            case 6: e->a[1] += 1; break;
            case 7: e->a[2] -= 1; break;
            default: e->time = (int64_t)((uint64_t)e->time + (UINT64_C(1) << 40)); break;
            }
            CHECK(memcmp(copy, base, sizeof base) != 0);
            CHECK(tr_digest_of(copy, N) != d0);
        }
    /* a prefix, and a swap of two different events */
    CHECK(tr_digest_of(base, N - 1) != d0);
    memcpy(copy, base, sizeof base);
    copy[3] = base[4];
    copy[4] = base[3];
    CHECK(memcmp(&base[3], &base[4], sizeof base[3]) != 0);
    CHECK(tr_digest_of(copy, N) != d0);
    /* pairwise over distinct streams, through files */
    uint64_t d[STREAMS];
    tr_write_opts o = opts(true, 64);
    for (int s = 0; s < STREAMS; s++) {
        ts_random(copy, N, 1000 + (uint64_t)s);
        size_t len, n;
        uint8_t *b = write_mem(copy, N, &o, NULL, 0, &len);
        tr_file_info info;
        free(read_all(b, len, &n, &info));
        free(b);
        d[s] = info.footer_digest;
        for (int t = 0; t < s; t++)
            CHECK(d[t] != d[s]);
    }
}

static void sections_round_trip_byte_for_byte(void) {
    const uint8_t scen[] = {0, 1, 2, 0xff, 0, 0x80};
    const char *conf = "seed=42\nstrategy=pct\nprocs=4\nmutant=none\n";
    tr_section secs[] = {
        {TR_SEC_SCENARIO, scen, sizeof scen},
        {TR_SEC_CONFIG, conf, strlen(conf)},
        {TR_SECTION_ID('E', 'M', 'P', 'T'), NULL, 0},
    };
    tr_event ev[10];
    ts_random(ev, 10, 1);
    size_t len;
    tr_write_opts o = opts(true, TR_FILE_CHUNK_EVENTS_DEFAULT);
    uint8_t *b = write_mem(ev, 10, &o, secs, 3, &len);
    tr_error err;
    tr_reader *r = tr_reader_open_mem(b, len, TR_READ_STRICT, &err);
    CHECK(r != NULL);
    CHECK_EQ(tr_reader_info(r)->nsections, 3);
    size_t sl;
    const uint8_t *s = tr_reader_section(r, TR_SEC_SCENARIO, &sl);
    CHECK(s != NULL && sl == sizeof scen && memcmp(s, scen, sl) == 0);
    const char *c = tr_reader_section(r, TR_SEC_CONFIG, &sl);
    CHECK(c != NULL && sl == strlen(conf) && memcmp(c, conf, sl) == 0);
    CHECK(tr_reader_section(r, TR_SECTION_ID('E', 'M', 'P', 'T'), &sl) != NULL && sl == 0);
    CHECK(tr_reader_section(r, TR_SECTION_ID('N', 'O', 'N', 'E'), &sl) == NULL);
    uint32_t id;
    tr_reader_section_at(r, 1, &id, &sl);
    CHECK(id == TR_SEC_CONFIG);
    CHECK(memcmp(b, "GMPTRACE", 8) == 0 && b[8] == TR_FORMAT_VERSION && b[9] == 0);
    CHECK(memcmp(b + LAYOUT_HEADER_FIXED, "SCEN", 4) == 0);
    tr_reader_close(r);
    free(b);
}

static void writer_rejects_sections_and_options_above_the_caps(void) {
    static uint8_t big[TR_SECTION_BYTES_MAX + 1];
    tr_section one = {TR_SEC_SCENARIO, big, sizeof big};
    tr_error err;
    CHECK(tr_writer_open_mem(&one, 1, NULL, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_LIMIT);
    tr_section many[TR_SECTIONS_MAX + 1];
    for (int i = 0; i <= TR_SECTIONS_MAX; i++)
        many[i] = (tr_section){(uint32_t)i, NULL, 0};
    CHECK(tr_writer_open_mem(many, TR_SECTIONS_MAX + 1, NULL, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_LIMIT);
    tr_write_opts o = opts(true, 0);
    CHECK(tr_writer_open_mem(NULL, 0, &o, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_LIMIT);
    o = opts(true, TR_FILE_CHUNK_EVENTS_MAX + 1);
    CHECK(tr_writer_open_mem(NULL, 0, &o, &err) == NULL);
    o = opts(true, 64);
    o.zstd_level = 1000;
    CHECK(tr_writer_open_mem(NULL, 0, &o, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_LIMIT);
    tr_section twice[2] = {{TR_SEC_CONFIG, "a", 1}, {TR_SEC_CONFIG, "b", 1}};
    CHECK(tr_writer_open_mem(twice, 2, NULL, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_MALFORMED);
}

static void sink_attached_late_is_an_error(void) {
    trace t;
    CHECK(tr_init(&t, true));
    tr_emit(&t, EV_STOPM, 1, 0, 0, 0, 0, 0, 0);
    tr_flush(&t);
    tr_error err;
    tr_writer *w = tr_writer_open_mem(NULL, 0, NULL, &err);
    tr_add_sink(&t, tr_writer_sink(w));
    tr_emit(&t, EV_STOPM, 2, 0, 0, 0, 0, 0, 0);
    tr_flush(&t);
    uint8_t *b;
    size_t len;
    CHECK_EQ(tr_writer_finish_mem(w, &b, &len, &err), TR_ERR_LIMIT);
    CHECK(b == NULL);
    tr_free(&t);
}

/* ---- size ---- */

static void gosched_stream_costs_at_most_six_bytes_per_gosched(void) {
    enum { GOSCHEDS = 100000 };
    tr_event *ev = malloc(GOSCHEDS * TS_GOSCHED_EVENTS * sizeof *ev);
    size_t n = ts_gosched(ev, GOSCHEDS);
    for (int z = 0; z < 2; z++) {
        tr_write_opts o = opts(z, TR_FILE_CHUNK_EVENTS_DEFAULT);
        size_t len;
        uint8_t *b = write_mem(ev, n, &o, NULL, 0, &len);
        double per = (double)len / GOSCHEDS;
        printf("gosched stream, zstd %s: %zu bytes, %.3f bytes/Gosched, %.3f bytes/event\n", z ? "on" : "off",
               len, per, (double)len / (double)n);
        CHECK(per <= 6.0);
        free(b);
    }
    free(ev);
}

/* ---- rejection, one class at a time ---- */

static uint8_t *sample_file(bool compress, size_t *len) {
    tr_event ev[600];
    ts_random(ev, 600, 77);
    tr_write_opts o = opts(compress, 100);
    const char *conf = "seed=1\n";
    tr_section s = {TR_SEC_CONFIG, conf, strlen(conf)};
    return write_mem(ev, 600, &o, &s, 1, len);
}

static void reject_wrong_magic(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    b[3] ^= 0x20;
    CHECK_EQ(reject_class(b, len), TR_ERR_MAGIC);
    CHECK_EQ(reject_class((const uint8_t *)"GMPTRAC", 7), TR_ERR_TRUNCATED);
    CHECK_EQ(reject_class((const uint8_t *)"hello world, no trace", 21), TR_ERR_MAGIC);
    free(b);
}

static void reject_wrong_version(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    b[8] = TR_FORMAT_VERSION + 1;
    layout_reseal_header(b);
    CHECK_EQ(reject_class(b, len), TR_ERR_VERSION);
    b[8] = 0;
    CHECK_EQ(reject_class(b, len), TR_ERR_VERSION);
    free(b);
}

static void reject_truncated_header(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    size_t end = layout_header_end(b);
    for (size_t cut = 0; cut < end; cut++)
        CHECK_EQ(reject_class(b, cut), TR_ERR_TRUNCATED);
    tr_error err;
    CHECK(tr_reader_open_mem(b, end - 1, TR_READ_PREFIX, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_TRUNCATED);
    free(b);
}

static void reject_corrupt_header_and_chunk_checksums(void) {
    size_t len;
    size_t at[16];
    for (int z = 0; z < 2; z++) {
        uint8_t *b = sample_file(z, &len);
        CHECK_EQ(layout_chunks(b, len, at, 15), 6);
        b[LAYOUT_HEADER_FIXED + 9] ^= 1; /* inside the CONFIG bytes */
        CHECK_EQ(reject_class(b, len), TR_ERR_CHECKSUM);
        b[LAYOUT_HEADER_FIXED + 9] ^= 1;
        b[at[2] + LAYOUT_CHUNK_HEAD + 3] ^= 0x10; /* payload of chunk 2 */
        CHECK_EQ(reject_class(b, len), TR_ERR_CHECKSUM);
        b[at[2] + LAYOUT_CHUNK_HEAD + 3] ^= 0x10;
        b[at[3] + 8] ^= 1; /* first_seq of chunk 3, checksummed */
        CHECK_EQ(reject_class(b, len), TR_ERR_CHECKSUM);
        layout_reseal_chunk(b, at[3]);
        CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED); /* sealed, but out of sequence */
        free(b);
    }
}

static void reject_impossible_lengths(void) {
    size_t len, at[16];
    uint8_t *b = sample_file(true, &len);
    layout_chunks(b, len, at, 15);
    uint8_t *c = b + at[1];
    uint32_t nev = layout_rd32(c + 4), raw = layout_rd32(c + 16), stored = layout_rd32(c + 20);
    layout_wr32(c + 4, 0);
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 4, TR_FILE_CHUNK_EVENTS_MAX + 1);
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 4, nev);
    layout_wr32(c + 16, nev - 1); /* fewer bytes than events */
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 16, nev * 41 + 1);
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 16, raw);
    layout_wr32(c + 20, raw + 1); /* stored longer than raw */
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 20, 0xfffffff0u);
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(c + 20, stored);
    CHECK_EQ(reject_class(b, len), TR_OK);
    b[10] = TR_SECTIONS_MAX + 1; /* nsections */
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    b[10] = 1;
    layout_wr32(b + LAYOUT_HEADER_FIXED + 4, TR_SECTION_BYTES_MAX + 1);
    CHECK_EQ(reject_class(b, len), TR_ERR_LIMIT);
    layout_wr32(b + LAYOUT_HEADER_FIXED + 4, (uint32_t)len); /* past the end */
    CHECK_EQ(reject_class(b, len), TR_ERR_TRUNCATED);
    free(b);
}

/* A raw chunk whose first event names kind EV__COUNT, resealed. */
static void reject_kind_outside_the_catalogue(void) {
    tr_event ev[4];
    ts_random(ev, 4, 3);
    ev[0].kind = EV_GOSCHED; /* != the prediction 0, so the kind is explicit */
    tr_write_opts o = opts(false, TR_FILE_CHUNK_EVENTS_DEFAULT);
    size_t len, at[4];
    uint8_t *b = write_mem(ev, 4, &o, NULL, 0, &len);
    CHECK_EQ(layout_chunks(b, len, at, 3), 1);
    uint8_t *payload = b + at[0] + LAYOUT_CHUNK_HEAD;
    CHECK(payload[0] & 1);
    CHECK_EQ(payload[1], EV_GOSCHED);
    payload[1] = EV__COUNT;
    layout_reseal_chunk(b, at[0]);
    CHECK_EQ(reject_class(b, len), TR_ERR_KIND);
    payload[1] = 0xff; /* an unfinished varint that runs into the next byte */
    layout_reseal_chunk(b, at[0]);
    CHECK(reject_class(b, len) == TR_ERR_KIND || reject_class(b, len) == TR_ERR_MALFORMED);
    payload[0] |= 0x80; /* reserved head bit */
    payload[1] = EV_GOSCHED;
    layout_reseal_chunk(b, at[0]);
    CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED);
    free(b);
}

static void reject_footer_that_does_not_match(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    size_t f = len - LAYOUT_FOOTER;
    CHECK_EQ(b[f], 'F');
    b[f + 12] ^= 1; /* digest */
    CHECK_EQ(reject_class(b, len), TR_ERR_DIGEST);
    b[f + 12] ^= 1;
    b[f + 4] ^= 1; /* event count */
    CHECK_EQ(reject_class(b, len), TR_ERR_DIGEST);
    b[f + 4] ^= 1;
    b[f + 1] = 1; /* reserved */
    CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED);
    b[f + 1] = 0;
    b[f] = 'Z'; /* neither chunk nor footer */
    CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED);
    b[f] = 'F';
    CHECK_EQ(reject_class(b, len), TR_OK);
    free(b);
}

static void reject_trailing_garbage(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    uint8_t *more = malloc(len + 3);
    memcpy(more, b, len);
    memcpy(more + len, "xyz", 3);
    for (size_t extra = 1; extra <= 3; extra++)
        CHECK_EQ(reject_class(more, len + extra), TR_ERR_TRAILING);
    /* the events are intact: prefix mode keeps all of them */
    tr_error err;
    tr_reader *r = tr_reader_open_mem(more, len + 3, TR_READ_PREFIX, &err);
    CHECK(r != NULL);
    CHECK_EQ(tr_reader_damage(r)->cls, TR_ERR_TRAILING);
    CHECK_EQ(tr_reader_info(r)->events, 600);
    tr_reader_close(r);
    free(more);
    free(b);
}

static void reject_damaged_zstd_frame_even_when_resealed(void) {
    size_t len, at[16];
    uint8_t *b = sample_file(true, &len);
    layout_chunks(b, len, at, 15);
    CHECK_EQ(b[at[0] + 1], 1); /* zstd codec */
    uint8_t *payload = b + at[0] + LAYOUT_CHUNK_HEAD;
    payload[0] ^= 1; /* frame magic */
    layout_reseal_chunk(b, at[0]);
    CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED);
    payload[0] ^= 1;
    size_t stored = layout_rd32(b + at[0] + 20);
    payload[stored - 1] ^= 0xff; /* inside the compressed data */
    layout_reseal_chunk(b, at[0]);
    int cls = reject_class(b, len);
    CHECK(cls == TR_ERR_MALFORMED || cls == TR_ERR_KIND);
    b[at[0] + 1] = 7; /* unknown codec */
    layout_reseal_chunk(b, at[0]);
    CHECK_EQ(reject_class(b, len), TR_ERR_MALFORMED);
    free(b);
}

static void error_classes_map_to_exit_codes(void) {
    CHECK_EQ(tr_err_exit_code(TR_OK), 0);
    CHECK_EQ(tr_err_exit_code(TR_ERR_IO), 10);
    CHECK_EQ(tr_err_exit_code(TR_ERR_NOMEM), 11);
    for (int c = TR_ERR_MAGIC; c < TR_ERR__COUNT; c++) {
        CHECK_EQ(tr_err_exit_code(c), 8);
        CHECK(strcmp(tr_err_name(c), "unknown") != 0);
    }
    CHECK_STR(tr_err_name(TR_ERR_TRUNCATED), "truncated");
    CHECK_STR(tr_err_name(TR_ERR__COUNT), "unknown");
}

/* ---- damage anywhere ---- */

static void any_single_byte_change_is_rejected(void) {
    for (int z = 0; z < 2; z++) {
        size_t len;
        uint8_t *b = sample_file(z, &len);
        for (size_t i = 0; i < len; i++)
            for (unsigned bit = 0; bit < 8; bit += 3) {
                b[i] ^= (uint8_t)(1u << bit);
                if (reject_class(b, len) == TR_OK) {
                    fprintf(stderr, "byte %zu bit %u accepted\n", i, bit);
                    CHECK(0);
                }
                b[i] ^= (uint8_t)(1u << bit);
            }
        free(b);
    }
}

/* Cut the file at every offset: strict reading says truncated, prefix
 * reading returns exactly the events of the whole chunks before the cut. */
static void truncation_at_every_offset_keeps_the_intact_prefix(void) {
    enum { N = 600, PER_CHUNK = 100 };
    tr_event ev[N];
    ts_random(ev, N, 77);
    for (int z = 0; z < 2; z++) {
        size_t len, at[16];
        uint8_t *full = sample_file(z, &len);
        size_t nchunks = layout_chunks(full, len, at, 15);
        CHECK_EQ(nchunks, N / PER_CHUNK);
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *b = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
            memcpy(b, full, cut);
            CHECK_EQ(reject_class(b, cut), TR_ERR_TRUNCATED);
            tr_error err;
            tr_reader *r = tr_reader_open_mem(b, cut, TR_READ_PREFIX, &err);
            if (cut < at[0]) {
                CHECK(r == NULL && err.cls == TR_ERR_TRUNCATED);
                free(b);
                continue;
            }
            CHECK(r != NULL);
            CHECK_EQ(tr_reader_damage(r)->cls, TR_ERR_TRUNCATED);
            size_t whole = 0;
            while (whole < nchunks && at[whole + 1] <= cut)
                whole++;
            size_t n;
            tr_event *got;
            CHECK_EQ(tr_reader_load(r, &got, &n, N, &err), TR_OK);
            CHECK_EQ(n, whole * PER_CHUNK);
            CHECK(n == 0 || memcmp(got, ev, n * sizeof *ev) == 0);
            CHECK(tr_reader_info(r)->digest == tr_digest_of(ev, n));
            free(got);
            tr_reader_close(r);
            free(b);
        }
        free(full);
    }
}

static void prefix_mode_on_an_intact_file_reports_no_damage(void) {
    size_t len;
    uint8_t *b = sample_file(true, &len);
    tr_error err;
    tr_reader *r = tr_reader_open_mem(b, len, TR_READ_PREFIX, &err);
    CHECK(r != NULL);
    CHECK_EQ(tr_reader_damage(r)->cls, TR_OK);
    CHECK_EQ(tr_reader_info(r)->events, 600);
    /* iteration twice gives the same sequence numbers */
    for (int pass = 0; pass < 2; pass++) {
        uint64_t seq, want = 0;
        tr_event e;
        while (tr_reader_next(r, &seq, &e))
            CHECK_EQ(seq, want++);
        CHECK_EQ(want, 600);
        tr_reader_rewind(r);
    }
    tr_event *all;
    size_t n;
    CHECK_EQ(tr_reader_load(r, &all, &n, 599, &err), TR_ERR_LIMIT);
    tr_reader_close(r);
    free(b);
}

/* ---- files on disk ---- */

static void open_path_of_a_missing_file_is_an_io_error(void) {
    tr_error err;
    CHECK(tr_reader_open_path("/nonexistent/dir/trace.gmpt", TR_READ_STRICT, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_IO);
    CHECK_EQ(tr_err_exit_code(err.cls), 10);
    CHECK(strstr(err.msg, "/nonexistent/dir/trace.gmpt") != NULL);
}

static void file_writer_is_atomic_and_leaves_no_temp_file(void) {
    char *dir = make_tmpdir();
    char path[1024];
    snprintf(path, sizeof path, "%s/run.gmpt", dir);
    tr_event ev[3000];
    ts_mixed(ev, 3000, 11);
    tr_error err;
    /* nothing at PATH until finish; only the temp file meanwhile */
    tr_writer *w = tr_writer_open(path, NULL, 0, NULL, &err);
    CHECK(w != NULL);
    tr_writer_add(w, ev, 3000);
    struct stat st;
    CHECK(stat(path, &st) != 0 && errno == ENOENT);
    CHECK_EQ(count_entries(dir), 1);
    CHECK_EQ(tr_writer_finish(w, &err), TR_OK);
    CHECK_EQ(count_entries(dir), 1);
    tr_reader *r = tr_reader_open_path(path, TR_READ_STRICT, &err);
    CHECK(r != NULL);
    CHECK_EQ(tr_reader_info(r)->events, 3000);
    CHECK(tr_reader_info(r)->digest == tr_digest_of(ev, 3000));
    tr_reader_close(r);
    /* abort leaves nothing new behind; PATH keeps its old content */
    w = tr_writer_open(path, NULL, 0, NULL, &err);
    tr_writer_add(w, ev, 10);
    tr_writer_abort(w);
    CHECK_EQ(count_entries(dir), 1);
    r = tr_reader_open_path(path, TR_READ_STRICT, &err);
    CHECK(r != NULL && tr_reader_info(r)->events == 3000);
    tr_reader_close(r);
    /* a directory that does not exist: an I/O error, nothing created */
    char bad[1100];
    snprintf(bad, sizeof bad, "%s/missing/run.gmpt", dir);
    CHECK(tr_writer_open(bad, NULL, 0, NULL, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_IO);
    CHECK_EQ(tr_write_file(bad, NULL, 0, ev, 5, NULL, &err), TR_ERR_IO);
    CHECK_EQ(count_entries(dir), 1);
    remove_dir(dir);
}

#define TESTS(X)                                                                                   \
    X(round_trip_random_streams_read_back_equal)                                                   \
    X(round_trip_mixed_and_gosched_streams)                                                        \
    X(recorder_sink_file_digest_equals_tr_digest)                                                  \
    X(compression_on_and_off_give_same_digest)                                                     \
    X(digests_equal_exactly_when_traces_equal)                                                     \
    X(sections_round_trip_byte_for_byte)                                                           \
    X(writer_rejects_sections_and_options_above_the_caps)                                                      \
    X(sink_attached_late_is_an_error)                                                              \
    X(gosched_stream_costs_at_most_six_bytes_per_gosched)                                          \
    X(reject_wrong_magic)                                                                          \
    X(reject_wrong_version)                                                                        \
    X(reject_truncated_header)                                                                     \
    X(reject_corrupt_header_and_chunk_checksums)                                                   \
    X(reject_impossible_lengths)                                                                   \
    X(reject_kind_outside_the_catalogue)                                                           \
    X(reject_footer_that_does_not_match)                                                           \
    X(reject_trailing_garbage)                                                                     \
    X(reject_damaged_zstd_frame_even_when_resealed)                                                \
    X(error_classes_map_to_exit_codes)                                                             \
    X(any_single_byte_change_is_rejected)                                                          \
    X(truncation_at_every_offset_keeps_the_intact_prefix)                                          \
    X(prefix_mode_on_an_intact_file_reports_no_damage)                                             \
    X(open_path_of_a_missing_file_is_an_io_error)                                                  \
    X(file_writer_is_atomic_and_leaves_no_temp_file)
#include "tests/unit.h"
