/*
 * fuzz/trace_reader/fuzz_trace_reader.c: any bytes through the trace file
 * reader, in strict and in prefix mode, and what it accepts through the
 * consumers (text form, re-encoding, timeline export).  Each input is read
 * as it is, and again with its checksums recomputed (tests/traces/layout.h)
 * so that mutations reach the decoder behind them.
 *
 * Oracles besides the sanitizers:
 *   - a refusal has a class and a message; an acceptance in strict mode
 *     means the footer matches the events;
 *   - iterating the accepted events gives the counted number, in sequence,
 *     hashing to the reported digest;
 *   - writing the accepted events again and reading them back gives the
 *     same digest (the codec is a bijection on what it decodes);
 *   - the Perfetto export of the accepted events is valid JSON;
 *   - a file with a scenario and a configuration section is replayed
 *     (bounded: REPLAY_* below, whatever its settings say), so hostile
 *     settings, scenarios and draws reach sim_config_parse, the simulator
 *     and the streaming comparison; the verdict is one of replay's exit
 *     codes, never a crash or a hang.
 * The seed corpus holds real run traces with edited settings (conf-*,
 * make_conf_seeds.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "replay/replay.h"
#include "sim/plugin.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "tests/traces/json_check.h"
#include "tests/traces/layout.h"
#include "traces/export.h"
#include "traces/tfile.h"
#include "traces/timeline.h"
#include "traces/values.h"

/* Accepted files with at most this many events also go through the
 * re-encoding and export oracles (kept small so each input stays fast). */
enum { DEEP_EVENTS_MAX = 1024, LINE_BYTES = 256 };
/* The replay oracle's bounds: small runs, so each input stays fast. */
enum { REPLAY_EVENTS = 4000, REPLAY_SCHEDULES = 20000, REPLAY_GS = 64 };
#define REPLAY_VT_NS (1000LL * 1000 * 1000)
/* Chunk size of the re-encoding oracle: small buffers, several chunks. */
enum { REWRITE_CHUNK_EVENTS = 512 };

#define REQUIRE(cond)                                                              \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "fuzz_trace_reader: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                               \
        }                                                                          \
    } while (0)

static void check_refusal(const tr_error *err) {
    REQUIRE(err->cls > TR_OK && err->cls < TR_ERR__COUNT);
    REQUIRE(err->msg[0] != 0);
}

/* Sink for the section bytes the harness reads, so they cannot be skipped. */
static volatile uint8_t section_sum;

static void check_sections(const tr_reader *r) {
    const tr_file_info *in = tr_reader_info(r);
    REQUIRE(in->nsections <= TR_SECTIONS_MAX);
    for (uint32_t i = 0; i < in->nsections; i++) {
        uint32_t id;
        size_t len;
        const uint8_t *s = tr_reader_section_at(r, i, &id, &len);
        REQUIRE(len <= TR_SECTION_BYTES_MAX);
        uint8_t sum = 0;
        for (size_t k = 0; k < len; k++)
            sum ^= s[k]; /* touch every byte: ASan checks the bounds */
        section_sum = sum;
        size_t len2;
        REQUIRE(tr_reader_section(r, id, &len2) != NULL);
    }
}

/* Walk the events: sequence numbers, count, digest, text form. */
static void check_events(tr_reader *r) {
    const tr_file_info *in = tr_reader_info(r);
    XXH3_state_t *xs = XXH3_createState();
    REQUIRE(xs != NULL);
    XXH3_64bits_reset(xs);
    uint64_t seq, want = 0;
    tr_event e;
    char line[LINE_BYTES];
    while (tr_reader_next(r, &seq, &e)) {
        REQUIRE(seq == want++);
        REQUIRE(e.kind < EV__COUNT && e.zero == 0);
        tr_digest_update(xs, &e, 1);
        tr_format_long(line, sizeof line, seq, &e);
    }
    REQUIRE(want == in->events);
    REQUIRE(XXH3_64bits_digest(xs) == in->digest);
    XXH3_freeState(xs);
}

static void check_rewrite(const tr_event *ev, size_t n, uint64_t digest) {
    tr_error err;
    tr_write_opts o;
    tr_write_opts_default(&o);
    o.compress = false; /* zstd round trips are the tests' job; keep inputs fast */
    o.chunk_events = REWRITE_CHUNK_EVENTS;
    tr_writer *w = tr_writer_open_mem(NULL, 0, &o, &err);
    REQUIRE(w != NULL);
    tr_writer_add(w, ev, n);
    uint8_t *buf;
    size_t len;
    REQUIRE(tr_writer_finish_mem(w, &buf, &len, &err) == TR_OK);
    tr_reader *again = tr_reader_open_mem(buf, len, TR_READ_STRICT, &err);
    REQUIRE(again != NULL);
    REQUIRE(tr_reader_info(again)->digest == digest);
    REQUIRE(tr_reader_info(again)->events == n);
    tr_reader_close(again);
    free(buf);
}

static void check_export(const tr_event *ev, size_t n) {
    tl_model m;
    REQUIRE(tl_build(&m, ev, n, 0));
    char *json = NULL;
    size_t len = 0, at = 0;
    FILE *f = open_memstream(&json, &len);
    REQUIRE(f != NULL);
    REQUIRE(tr_export_perfetto(f, &m) == 0);
    fclose(f);
    REQUIRE(json_valid(json, len, &at));
    free(json);
    tl_free(&m);
}

static void check_deep(tr_reader *r) {
    if (tr_reader_info(r)->events > DEEP_EVENTS_MAX)
        return;
    tr_event *ev;
    size_t n;
    tr_error err;
    REQUIRE(tr_reader_load(r, &ev, &n, DEEP_EVENTS_MAX, &err) == TR_OK);
    check_rewrite(ev, n, tr_reader_info(r)->digest);
    check_export(ev, n);
    free(ev);
}

/* A trace a run could have written: replay it, bounded. */
static void check_replay(const uint8_t *data, size_t size) {
    tr_error err;
    int mode = TR_READ_STRICT | TR_READ_TIMES | ((data[0] & 1) ? TR_READ_LAZY : 0);
    tr_reader *r = size > 0 ? tr_reader_open_mem(data, size, mode, &err) : NULL;
    if (r == NULL) {
        if (size > 0)
            check_refusal(&err);
        return;
    }
    size_t len;
    if (tr_reader_section(r, TR_SEC_SCENARIO_TEXT, &len) != NULL && tr_reader_section(r, TR_SEC_CONFIG, &len) != NULL) {
        rp_opts o = {.max_events = REPLAY_EVENTS, .max_schedules = REPLAY_SCHEDULES, .max_vt_ns = REPLAY_VT_NS,
                     .max_gs = REPLAY_GS, .tolerant = (data[size - 1] & 1) != 0};
        int rc = rp_replay(r, "input", &o, NULL, NULL);
        REQUIRE(rc == EXIT_OK || rc == EXIT_TRACE_REJECTED || rc == EXIT_DIVERGED || rc == EXIT_MEMORY ||
                rc == EXIT_PLUGIN);
    }
    tr_reader_close(r);
}

static void read_both_ways(const uint8_t *data, size_t size) {
    for (int mode = TR_READ_STRICT; mode <= TR_READ_PREFIX; mode++) {
        tr_error err;
        tr_reader *r = tr_reader_open_mem(data, size, mode, &err);
        if (r == NULL) {
            check_refusal(&err);
            continue;
        }
        const tr_file_info *in = tr_reader_info(r);
        if (mode == TR_READ_STRICT) {
            REQUIRE(tr_reader_damage(r)->cls == TR_OK);
            REQUIRE(in->has_footer && in->footer_events == in->events && in->footer_digest == in->digest);
        } else if (tr_reader_damage(r)->cls != TR_OK) {
            check_refusal(tr_reader_damage(r));
        }
        check_sections(r);
        check_events(r);
        if (mode == TR_READ_PREFIX)
            check_deep(r);
        tr_reader_close(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    read_both_ways(data, size);
    check_replay(data, size);
    uint8_t *sealed = malloc(size ? size : 1);
    REQUIRE(sealed != NULL);
    if (size > 0)
        memcpy(sealed, data, size);
    layout_reseal_all(sealed, size);
    if (size > 0 && memcmp(sealed, data, size) != 0) {
        read_both_ways(sealed, size);
        check_replay(sealed, size);
    }
    free(sealed);
    return 0;
}
