/*
 * tests/traces/test_tools.c: the timeline model, the Perfetto and HTML
 * exports, and the dump/export commands with their exit codes.
 */
#include "tests/unit.h"

#include <dirent.h>
#include <unistd.h>

#include "json_check.h"
#include "streams.h"
#include "traces/export.h"
#include "traces/tfile.h"
#include "traces/timeline.h"
#include "traces/tools.h"
#include "traces/values.h"

/* ---- helpers ---- */

typedef struct tmp {
    char dir[512];
    char trace[600];
} tmp;

static void tmp_make(tmp *t) {
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/gmptools-XXXXXX", base && base[0] ? base : "/tmp");
    CHECK(mkdtemp(t->dir) != NULL);
    snprintf(t->trace, sizeof t->trace, "%s/sample.gmpt", t->dir);
    CHECK_EQ(ts_write_sample_file(t->trace), TR_OK);
}

static void tmp_path(const tmp *t, const char *name, char *out, size_t len) {
    snprintf(out, len, "%s/%s", t->dir, name);
}

static void tmp_remove(tmp *t) {
    DIR *d = opendir(t->dir);
    CHECK(d != NULL);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char p[1100];
        snprintf(p, sizeof p, "%s/%s", t->dir, e->d_name);
        CHECK(unlink(p) == 0);
    }
    closedir(d);
    CHECK(rmdir(t->dir) == 0);
}

static char *read_text(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    CHECK(fread(b, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

/* A copy of the sample trace named `name`, its last `drop` bytes cut, or
 * (flip > 0) the byte `flip` from the end changed; its path goes to out. */
static void damaged_copy(const tmp *t, const char *name, size_t drop, size_t flip, char *out, size_t outlen) {
    size_t len;
    char *b = read_text(t->trace, &len);
    if (flip > 0)
        b[len - flip] ^= 1;
    tmp_path(t, name, out, outlen);
    FILE *f = fopen(out, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(b, 1, len - drop, f) == len - drop);
    fclose(f);
    free(b);
}

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Run a command with argv given as a NULL-terminated list; out and err
 * are captured into malloc'd strings. */
typedef int (*cmd_fn)(int, char **, FILE *, FILE *);

typedef struct run {
    int rc;
    char *out, *err;
    size_t out_len, err_len;
} run;

static run run_cmd(cmd_fn fn, const char *const *args) {
    char *argv[32];
    int argc = 0;
    while (args[argc] != NULL && argc < 31) {
        argv[argc] = (char *)args[argc];
        argc++;
    }
    argv[argc] = NULL;
    run r = {0};
    FILE *out = open_memstream(&r.out, &r.out_len), *err = open_memstream(&r.err, &r.err_len);
    CHECK(out != NULL && err != NULL);
    r.rc = fn(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void run_free(run *r) {
    free(r->out);
    free(r->err);
}

/* ---- the model ---- */

static void timeline_of_the_sample_has_its_spans_and_flow(void) {
    tr_event ev[TS_SAMPLE_EVENTS];
    size_t n = ts_sample(ev);
    tl_model m;
    CHECK(tl_build(&m, ev, n, 0));
    CHECK_EQ(m.nlanes, TS_SAMPLE_LANES);
    char name[16];
    const char *want[] = {"P0", "P1", "M0", "M1", "driver"};
    for (size_t i = 0; i < m.nlanes; i++) {
        tl_lane_name(&m.lanes[i], name, sizeof name);
        CHECK_STR(name, want[i]);
    }
    CHECK_EQ(m.nspans, TS_SAMPLE_SPANS);
    const struct {
        uint32_t g;
        int64_t t0, t1;
        unsigned p;
    } spans[] = {{1, 250, 2000, 0}, {2, 1550, 2600, 1}, {1, 2750, 3500, 1}, {2, 3650, 4000, 1}};
    for (int i = 0; i < TS_SAMPLE_SPANS; i++) {
        CHECK_EQ(m.spans[i].g, spans[i].g);
        CHECK_EQ(m.spans[i].t0, spans[i].t0);
        CHECK_EQ(m.spans[i].t1, spans[i].t1);
        CHECK_EQ(m.spans[i].p, spans[i].p);
    }
    CHECK_EQ(tl_slices(&m), TS_SAMPLE_SLICES);
    CHECK_EQ(m.ninstants, TS_SAMPLE_INSTANTS);
    CHECK_EQ(m.nflows, TS_SAMPLE_FLOWS);
    CHECK_EQ(m.flows[0].g, 1);
    CHECK_EQ(m.flows[0].seq0, 14);
    CHECK_EQ(m.flows[0].seq1, 18);
    CHECK_EQ(tl_flow_from_lane(&m, &m.flows[0]), 1); /* P1 */
    CHECK_EQ(tl_flow_to_lane(&m, &m.flows[0]), 1);
    CHECK_EQ(tl_instant_lane(&m, &ev[13]), 2);        /* stopm without a P: M0 */
    CHECK_EQ(tl_instant_lane(&m, &ev[19]), 4);        /* choice without M or P: driver */
    tl_free(&m);
}

static void next_execute_on_the_same_p_ends_a_span(void) {
    tr_event ev[3] = {
        {.time = 10, .kind = EV_EXECUTE, .m = 0, .p = 0, .g = 5, .a = {5}},
        {.time = 20, .kind = EV_GOSCHED, .m = 0, .p = 0, .g = 5, .a = {6}}, /* names another G: no end */
        {.time = 30, .kind = EV_EXECUTE, .m = 1, .p = 0, .g = 6, .a = {6}},
    };
    tl_model m;
    CHECK(tl_build(&m, ev, 3, 100));
    CHECK_EQ(m.nspans, 2);
    CHECK_EQ(m.spans[0].t1, 30);
    CHECK_EQ(m.spans[0].seq1, 102);
    CHECK_EQ(m.spans[1].t1, 30); /* runs to the last event */
    CHECK_EQ(m.nflows, 0);
    tl_free(&m);
    CHECK(tl_build(&m, ev, 0, 0));
    CHECK_EQ(m.nspans + m.nlanes + m.ninstants, 0);
    tl_free(&m);
}

static void value_names_follow_go(void) {
    CHECK_STR(tr_value_name(EV_GOPARK, 2, 1), "chan receive");
    CHECK_STR(tr_value_name(EV_EXECUTE, 1, 4), "steal");
    CHECK_STR(tr_value_name(EV_PREEMPT, 1, 0), "sysmon");
    CHECK(tr_value_name(EV_GOPARK, 2, 99) == NULL);
    CHECK(tr_value_name(EV_GOPARK, 0, 1) == NULL);
    tr_event e = {.time = 2000, .kind = EV_GOPARK, .g = 1, .a = {1, 7, 1}};
    char line[200];
    tr_format_long(line, sizeof line, 11, &e);
    CHECK_STR(line, "#11 t=2000 M0 P0 G1 gopark g=1 obj=7 reason=1 (chan receive)");
    tr_event_label(line, sizeof line, &e);
    CHECK_STR(line, "gopark chan receive");
    /* a short buffer is cut, never overrun */
    char small[12];
    tr_format_long(small, sizeof small, 11, &e);
    CHECK_EQ(strlen(small), sizeof small - 1);
}

/* ---- exports ---- */

static char *export_to_string(int which, const tr_event *ev, size_t n, size_t *len) {
    tl_model m;
    CHECK(tl_build(&m, ev, n, 0));
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    CHECK_EQ(which == 0 ? tr_export_perfetto(f, &m) : tr_export_html(f, &m, "t<\"x\">"), 0);
    fclose(f);
    tl_free(&m);
    return buf;
}

static void perfetto_export_has_tracks_slices_instants_and_flows(void) {
    tr_event ev[TS_SAMPLE_EVENTS];
    size_t n = ts_sample(ev), len;
    char *j = export_to_string(0, ev, n, &len);
    size_t at;
    CHECK(json_valid(j, len, &at));
    CHECK_EQ(count(j, "\"name\":\"thread_name\""), TS_SAMPLE_LANES);
    CHECK_EQ(count(j, "\"name\":\"process_name\""), 3);
    CHECK(strstr(j, "\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"P1\"}") != NULL);
    CHECK(strstr(j, "\"pid\":2,\"tid\":0,\"name\":\"thread_name\",\"args\":{\"name\":\"M0\"}") != NULL);
    CHECK_EQ(count(j, "\"ph\":\"X\""), TS_SAMPLE_SLICES);
    CHECK_EQ(count(j, "\"ph\":\"i\""), TS_SAMPLE_INSTANTS);
    CHECK_EQ(count(j, "\"ph\":\"s\""), TS_SAMPLE_FLOWS);
    CHECK_EQ(count(j, "\"ph\":\"f\",\"bp\":\"e\""), TS_SAMPLE_FLOWS);
    /* G1 on P0 from 250 ns for 1750 ns, in microseconds */
    CHECK(strstr(j, "{\"ph\":\"X\",\"pid\":1,\"tid\":0,\"ts\":0.250,\"dur\":1.750,\"name\":\"G1\"") != NULL);
    CHECK(strstr(j, "\"ts\":2.000,\"name\":\"gopark chan receive\",\"cat\":\"block\"") != NULL);
    CHECK(strstr(j, "{\"ph\":\"s\",\"id\":1,\"pid\":1,\"tid\":1,\"ts\":2.500,\"name\":\"wakeup G1\"") != NULL);
    CHECK(strstr(j, "{\"ph\":\"f\",\"bp\":\"e\",\"id\":1,\"pid\":1,\"tid\":1,\"ts\":2.750") != NULL);
    free(j);
}

/* Random records (extreme times, odd ids) still give valid JSON, twice the same. */
static void exports_of_random_streams_are_valid_and_deterministic(void) {
    enum { N = 3000 };
    tr_event *ev = malloc(N * sizeof *ev);
    for (uint64_t seed = 1; seed <= 8; seed++) {
        ts_random(ev, N, seed);
        for (int which = 0; which < 2; which++) {
            size_t l1, l2, at;
            char *a = export_to_string(which, ev, N, &l1), *b = export_to_string(which, ev, N, &l2);
            CHECK(l1 == l2 && memcmp(a, b, l1) == 0);
            if (which == 0) {
                if (!json_valid(a, l1, &at))
                    fprintf(stderr, "invalid JSON at %zu: %.60s\n", at, a + at);
                CHECK(json_valid(a, l1, &at));
            }
            free(a);
            free(b);
        }
    }
    free(ev);
}

static void html_export_embeds_the_timeline_as_safe_json(void) {
    tr_event ev[TS_SAMPLE_EVENTS];
    size_t n = ts_sample(ev), len;
    char *h = export_to_string(1, ev, n, &len);
    CHECK(strstr(h, "@GMPSIM_DATA@") == NULL);
    CHECK(strncmp(h, "<!doctype html>", 15) == 0);
    CHECK(strstr(h, "\"lanes\":[\"P0\",\"P1\",\"M0\",\"M1\",\"driver\"]") != NULL);
    CHECK(strstr(h, "\"title\":\"t\\u003c\\\"x\\\"\\u003e\"") != NULL); /* no raw '<' from the title */
    CHECK_EQ(count(h, "</script>"), 2);
    CHECK(strstr(h, "http://") == NULL && strstr(h, "https://") == NULL); /* self-contained */
    const char *data = strstr(h, "<script id=\"gmpsim-data\" type=\"application/json\">");
    CHECK(data != NULL);
    data = strchr(data, '>') + 1;
    const char *end = strstr(data, "</script>");
    size_t at;
    CHECK(json_valid(data, (size_t)(end - data), &at));
    free(h);
}

/* ---- dump ---- */

static void dump_prints_summary_then_one_line_per_event(void) {
    tmp t;
    tmp_make(&t);
    run r = run_cmd(tr_dump_main, (const char *[]){"dump", t.trace, NULL});
    CHECK_EQ(r.rc, 0);
    CHECK(strncmp(r.out, "# gmpsim trace ", 15) == 0);
    CHECK(strstr(r.out, ": format 2, 24 events in 1 chunks (") != NULL);
    tr_event ev[TS_SAMPLE_EVENTS];
    char digest[40];
    snprintf(digest, sizeof digest, "digest %016" PRIx64 "\n", tr_digest_of(ev, ts_sample(ev)));
    CHECK(strstr(r.out, digest) != NULL);
    CHECK(strstr(r.out, "# section SCEN: 4 bytes\n") != NULL);
    CHECK(strstr(r.out, "# section CONF: seed=7 strategy=random procs=2 mutant=none\n") != NULL);
    CHECK_EQ(count(r.out, "\n#"), TS_SAMPLE_EVENTS + 2);
    CHECK(strstr(r.out, "\n#11 t=2000 M0 P0 G1 gopark g=1 obj=7 reason=1 (chan receive)\n") != NULL);
    CHECK(strstr(r.out, "\n#19 t=3000 M- P- G0 choice n=2 value=1 kind=4 (fastrand)\n") != NULL);
    CHECK_EQ(r.err_len, 0);
    run_free(&r);
    tmp_remove(&t);
}

static size_t dump_lines(const char *const *args) {
    run r = run_cmd(tr_dump_main, args);
    CHECK_EQ(r.rc, 0);
    size_t n = count(r.out, "\n#");
    run_free(&r);
    return n - 2; /* the summary's section lines */
}

static void dump_filters_by_range_kind_and_g(void) {
    tmp t;
    tmp_make(&t);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--from", "5", "--to", "10", NULL}), 6);
    CHECK_EQ(dump_lines((const char *[]){"dump", "--from=20", t.trace, NULL}), 4);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--to", "0", NULL}), 1);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--from", "99", NULL}), 0);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--kind", "execute", NULL}), 4);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--kind", "gosched,gopark", NULL}), 2);
    /* G2: its own events and those whose g or newg argument is 2 */
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--g", "2", NULL}), 10);
    CHECK_EQ(dump_lines((const char *[]){"dump", t.trace, "--g", "2", "--kind", "execute", "--from", "15", NULL}),
             1);
    tmp_remove(&t);
}

static int rc_of(cmd_fn fn, const char *const *args) {
    run r = run_cmd(fn, args);
    int rc = r.rc;
    if (rc != 0)
        CHECK(r.err_len > 0); /* every failure says why */
    run_free(&r);
    return rc;
}

static void dump_exit_codes_name_the_failure(void) {
    tmp t;
    tmp_make(&t);
    char missing[700], bad[700];
    tmp_path(&t, "missing.gmpt", missing, sizeof missing);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", missing, NULL}), TR_EXIT_IO);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--bogus", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--from", "x1", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--from", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--from", "9", "--to", "3", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--kind", "nosuch", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, "--g", "4294967296", NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", t.trace, t.trace, NULL}), TR_EXIT_USAGE);
    /* a truncated copy: rejected; with --prefix its intact chunks are shown, still exit 8 */
    damaged_copy(&t, "cut.gmpt", 1, 0, bad, sizeof bad);
    CHECK_EQ(rc_of(tr_dump_main, (const char *[]){"dump", bad, NULL}), TR_EXIT_REJECTED);
    run r = run_cmd(tr_dump_main, (const char *[]){"dump", bad, "--prefix", NULL});
    CHECK_EQ(r.rc, TR_EXIT_REJECTED);
    CHECK_EQ(count(r.out, "\n#"), TS_SAMPLE_EVENTS + 2); /* the one chunk is intact */
    CHECK(strstr(r.err, "truncated") != NULL);
    run_free(&r);
    tmp_remove(&t);
}

/* ---- export ---- */

static void export_writes_both_files_with_the_expected_counts(void) {
    tmp t;
    tmp_make(&t);
    char json[700], html[700];
    tmp_path(&t, "out.json", json, sizeof json);
    tmp_path(&t, "out.html", html, sizeof html);
    run r = run_cmd(tr_export_main, (const char *[]){"export", t.trace, "--perfetto", json, "--html", html, NULL});
    CHECK_EQ(r.rc, 0);
    CHECK_STR(r.out, "exported 24 events: 5 lanes, 8 slices, 20 instants, 1 flows\n");
    run_free(&r);
    size_t l1, l2, at;
    char *j1 = read_text(json, &l1);
    CHECK(json_valid(j1, l1, &at));
    /* the same command again gives the same bytes */
    r = run_cmd(tr_export_main, (const char *[]){"export", t.trace, "--perfetto", json, NULL});
    CHECK_EQ(r.rc, 0);
    run_free(&r);
    char *j2 = read_text(json, &l2);
    CHECK(l1 == l2 && memcmp(j1, j2, l1) == 0);
    free(j1);
    free(j2);
    /* a window: events 14..18 hold the wakeup and the EXECUTE it leads to;
     * only P1 and M1 act in it, but idle P0 and M0 keep their lanes */
    r = run_cmd(tr_export_main, (const char *[]){"export", t.trace, "--perfetto", json, "--from", "14", "--to", "18", NULL});
    CHECK_EQ(r.rc, 0);
    CHECK_STR(r.out, "exported 5 events: 4 lanes, 2 slices, 4 instants, 1 flows\n");
    run_free(&r);
    tmp_remove(&t);
}

static void export_exit_codes_name_the_failure(void) {
    tmp t;
    tmp_make(&t);
    char nodir[700], corrupt[700];
    tmp_path(&t, "no/such/dir/out.json", nodir, sizeof nodir);
    CHECK_EQ(rc_of(tr_export_main, (const char *[]){"export", t.trace, NULL}), TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_export_main, (const char *[]){"export", t.trace, "--kind", "gosched", "--html", "x", NULL}),
             TR_EXIT_USAGE);
    CHECK_EQ(rc_of(tr_export_main, (const char *[]){"export", t.trace, "--perfetto", nodir, NULL}), TR_EXIT_IO);
    CHECK_EQ(rc_of(tr_export_main, (const char *[]){"export", nodir, "--html", nodir, NULL}), TR_EXIT_IO);
    damaged_copy(&t, "corrupt.gmpt", 0, 3, corrupt, sizeof corrupt); /* the footer digest */
    CHECK_EQ(rc_of(tr_export_main, (const char *[]){"export", corrupt, "--perfetto", nodir, NULL}),
             TR_EXIT_REJECTED);
    tmp_remove(&t);
}

#define TESTS(X)                                                                                   \
    X(timeline_of_the_sample_has_its_spans_and_flow)                                               \
    X(next_execute_on_the_same_p_ends_a_span)                                                      \
    X(value_names_follow_go)                                                                       \
    X(perfetto_export_has_tracks_slices_instants_and_flows)                                        \
    X(exports_of_random_streams_are_valid_and_deterministic)                                       \
    X(html_export_embeds_the_timeline_as_safe_json)                                                \
    X(dump_prints_summary_then_one_line_per_event)                                                 \
    X(dump_filters_by_range_kind_and_g)                                                            \
    X(dump_exit_codes_name_the_failure)                                                            \
    X(export_writes_both_files_with_the_expected_counts)                                           \
    X(export_exit_codes_name_the_failure)
#include "tests/unit.h"
