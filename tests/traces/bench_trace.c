/*
 * tests/traces/bench_trace.c: what recording and storing a trace costs.
 *
 *   bench_trace [EVENTS]      synthetic streams of EVENTS events
 *   bench_trace TRACE.gmpt    the events of a recorded run (gmpsim run --trace)
 *
 * Prints, for a Gosched-shaped stream (5 events per Gosched, the same M/P,
 * G flipping between the user G and g0) and a mixed stream (streams.h):
 *   - events/s of tr_emit with the digest (the recorder as runtime/ uses it),
 *     and with a file writer sink attached (encode + zstd);
 *   - bytes on disk per event and per Gosched, zstd on and off;
 *   - events/s of the validating reader.
 * Figures only: no pass/fail, the wall clock never reaches a decision.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "streams.h"
#include "traces/tfile.h"

/* Default events per measurement: long enough for stable figures. */
enum { EVENTS_DEFAULT = 5000000 };

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Feed ev through a recorder (optionally with a writer sink); events/s. */
static double record(const tr_event *ev, size_t n, tr_writer *w, uint64_t *digest) {
    trace t;
    if (!tr_init(&t, true))
        exit(10);
    if (w != NULL)
        tr_add_sink(&t, tr_writer_sink(w));
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        const tr_event *e = &ev[i];
        tr_emit(&t, e->kind, e->time, e->m, e->p, e->g, e->a[0], e->a[1], e->a[2]);
    }
    *digest = tr_digest(&t);
    double dt = now_s() - t0;
    tr_free(&t);
    return (double)n / dt;
}

static uint8_t *to_file(const tr_event *ev, size_t n, bool compress, size_t *len, double *rate) {
    tr_write_opts o;
    tr_write_opts_default(&o);
    o.compress = compress;
    tr_error err;
    tr_writer *w = tr_writer_open_mem(NULL, 0, &o, &err);
    uint64_t d;
    *rate = record(ev, n, w, &d);
    uint8_t *buf;
    if (tr_writer_finish_mem(w, &buf, len, &err) != TR_OK) {
        fprintf(stderr, "bench_trace: %s\n", err.msg);
        exit(10);
    }
    return buf;
}

static double read_rate(const uint8_t *buf, size_t len, size_t n) {
    double t0 = now_s();
    tr_error err;
    tr_reader *r = tr_reader_open_mem(buf, len, TR_READ_STRICT, &err);
    if (r == NULL || tr_reader_info(r)->events != n) {
        fprintf(stderr, "bench_trace: read back failed: %s\n", err.msg);
        exit(8);
    }
    tr_reader_close(r);
    return (double)n / (now_s() - t0);
}

static void bench_stream(const char *name, const tr_event *ev, size_t n, size_t gosched) {
    uint64_t d;
    double rec = record(ev, n, NULL, &d);
    printf("%s: %zu events, digest %016" PRIx64 "\n", name, n, d);
    printf("  record + digest:           %8.1f M events/s\n", rec / 1e6);
    for (int z = 1; z >= 0; z--) {
        size_t len;
        double rate;
        uint8_t *buf = to_file(ev, n, z, &len, &rate);
        printf("  zstd %-3s: record + write  %8.1f M events/s, %9zu bytes, %.4f bytes/event", z ? "on" : "off",
               rate / 1e6, len, (double)len / (double)n);
        if (gosched > 0)
            printf(", %.4f bytes/Gosched", (double)len / (double)gosched);
        printf(", read %.1f M events/s\n", read_rate(buf, len, n) / 1e6);
        free(buf);
    }
}

/* The events of a trace file, measured like the synthetic streams. */
static int bench_file(const char *path) {
    tr_error err;
    tr_reader *r = tr_reader_open_path(path, TR_READ_STRICT, &err);
    if (r == NULL) {
        fprintf(stderr, "bench_trace: %s: %s\n", path, err.msg);
        return tr_err_exit_code(err.cls);
    }
    tr_event *ev;
    size_t n;
    int rc = tr_reader_load(r, &ev, &n, SIZE_MAX / sizeof(tr_event), &err);
    tr_reader_close(r);
    if (rc != TR_OK) {
        fprintf(stderr, "bench_trace: %s: %s\n", path, err.msg);
        return tr_err_exit_code(rc);
    }
    size_t gosched = 0;
    for (size_t i = 0; i < n; i++)
        gosched += ev[i].kind == EV_GOSCHED;
    bench_stream(path, ev, n, gosched);
    free(ev);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9'))
        return bench_file(argv[1]);
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : EVENTS_DEFAULT;
    n -= n % TS_GOSCHED_EVENTS;
    if (n == 0)
        n = TS_GOSCHED_EVENTS;
    tr_event *ev = malloc(n * sizeof *ev);
    if (ev == NULL)
        return 10;
    size_t gosched = n / TS_GOSCHED_EVENTS;
    ts_gosched(ev, gosched);
    bench_stream("gosched stream", ev, n, gosched);
    ts_mixed(ev, n, 1);
    bench_stream("mixed stream", ev, n, 0);
    free(ev);
    return 0;
}
