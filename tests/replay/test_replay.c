/*
 * tests/replay: a trace file alone re-executes its run, event for event;
 * a run that differs is reported at its first differing event.
 */
#include "../unit.h"

#include <unistd.h>

#include "replay/replay.h"
#include "sim/conf.h"
#include "sim/invariant.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/tfile.h"

static char path[64];

static void record_to(const char *to, const char *builtin, int strategy, uint64_t seed, bool check) {
    static scenario sc;
    sc_error err;
    CHECK(sc_parse_builtin(builtin, &sc, &err));
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.strategy = strategy;
    cfg.seed = seed;
    cfg.stall_den = 16;
    cfg.preempt_den = 16;
    cfg.check = check;
    sim_result res;
    tr_error terr = {0};
    sim_run_to_file(&sc, &cfg, to, &res, &terr);
    CHECK_EQ(terr.cls, TR_OK);
    sim_result_free(&res);
}

static void record(const char *builtin, int strategy, uint64_t seed, bool check) {
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-%d.gmt", (int)getpid());
    record_to(path, builtin, strategy, seed, check);
}

static int replay(const char *extra) {
    char *argv[] = {"replay", path, (char *)extra, NULL};
    return rp_cmd_replay(extra ? 3 : 2, argv);
}

/* replay --json (and extra) with stdout captured; returns the exit status
 * and the document in out. */
static int replay_json(const char *extra, char *out, size_t len) {
    char tmp[80];
    snprintf(tmp, sizeof tmp, "/tmp/gmpsim-replay-out-%d.json", (int)getpid());
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(tmp, "w+");
    CHECK(saved >= 0 && f != NULL);
    dup2(fileno(f), 1);
    char *argv[] = {"replay", path, "--json", (char *)extra, NULL};
    int rc = rp_cmd_replay(extra ? 4 : 3, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, len - 1, f);
    out[n] = 0;
    fclose(f);
    unlink(tmp);
    return rc;
}

/* The events of a fresh worker_pool run under seed (as record() runs it). */
static tr_event *events_of_seed(uint64_t seed, size_t *n) {
    char p2[80];
    snprintf(p2, sizeof p2, "/tmp/gmpsim-replay-b-%d.gmt", (int)getpid());
    record_to(p2, "worker_pool", STRAT_RANDOM, seed, false);
    tr_error terr = {0};
    tr_reader *rd = tr_reader_open_path(p2, TR_READ_STRICT, &terr);
    CHECK(rd != NULL);
    tr_event *ev;
    CHECK_EQ(tr_reader_load(rd, &ev, n, 1u << 24, &terr), TR_OK);
    tr_reader_close(rd);
    unlink(p2);
    return ev;
}

static void recorded_runs_replay_identically_from_the_file_alone(void) {
    const char *names[] = {"worker_pool", "select_fanin", "syscalls", "gomaxprocs_change", "timers"};
    int strategies[] = {STRAT_RANDOM, STRAT_PCT, STRAT_RR};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        record(names[i], strategies[i % 3], 7 + i, i % 2 == 0);
        CHECK_EQ(replay(NULL), EXIT_OK);            /* the recorded draws */
        CHECK_EQ(replay("--seed-only"), EXIT_OK);   /* the recorded seed */
    }
    unlink(path);
}

/* Rewrite the file's configuration with another seed: re-running from the
 * seed alone must diverge, and say where. */
static void a_different_run_is_reported_at_its_first_divergence(void) {
    record("worker_pool", STRAT_RANDOM, 11, false);
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT, &err);
    CHECK(rd != NULL);
    size_t tlen, clen, n;
    const char *text = tr_reader_section(rd, TR_SEC_SCENARIO_TEXT, &tlen);
    const char *conf = tr_reader_section(rd, TR_SEC_CONFIG, &clen);
    CHECK(text != NULL && conf != NULL);
    char *conf2 = malloc(clen + 8);
    CHECK(strncmp(conf, "seed=11\n", 8) == 0);
    memcpy(conf2, "seed=12\n", 8);
    memcpy(conf2 + 8, conf + 8, clen - 8);
    char *text2 = malloc(tlen);
    memcpy(text2, text, tlen);
    tr_event *ev;
    CHECK_EQ(tr_reader_load(rd, &ev, &n, 1u << 24, &err), TR_OK);
    tr_reader_close(rd);
    tr_section secs[2] = {{TR_SEC_SCENARIO_TEXT, text2, tlen}, {TR_SEC_CONFIG, conf2, clen}};
    CHECK_EQ(tr_write_file(path, secs, 2, ev, n, NULL, &err), TR_OK);
    /* Where the two runs first differ, computed here from both event lists. */
    size_t n12;
    tr_event *ev12 = events_of_seed(12, &n12);
    size_t first = 0;
    while (first < n && first < n12 && memcmp(&ev[first], &ev12[first], sizeof *ev) == 0)
        first++;
    CHECK(first < n || first < n12);
    char doc[8192], want[64];
    CHECK_EQ(replay_json("--seed-only", doc, sizeof doc), EXIT_DIVERGED);
    snprintf(want, sizeof want, "\"diverged_at\":%zu", first);
    if (strstr(doc, want) == NULL)
        fprintf(stderr, "want %s in:\n%s\n", want, doc);
    CHECK(strstr(doc, want) != NULL);
    CHECK_EQ(replay(NULL), EXIT_OK);   /* the recorded draws still reproduce it */
    free(ev12);
    free(ev);
    free(conf2);
    free(text2);
    unlink(path);
}

static void a_trace_without_sections_is_rejected(void) {
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-%d.gmt", (int)getpid());
    tr_event e = {.time = 1, .kind = EV_MARK};
    tr_error err = {0};
    CHECK_EQ(tr_write_file(path, NULL, 0, &e, 1, NULL, &err), TR_OK);
    CHECK_EQ(replay(NULL), EXIT_TRACE_REJECTED);
    unlink(path);
    CHECK_EQ(replay(NULL), EXIT_IO);   /* and a missing file is an I/O error */
}

/* ---- helpers: rewrite the recorded file, replay it into memory ---- */

/* Rewrite path's sections and events: conf_line ("key=value") replaces
 * that key's line of the CONF text (appended when absent); edit, when
 * set, changes the events first. */
static void rewrite(const char *conf_line, void (*edit)(tr_event *ev, size_t n)) {
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT, &err);
    CHECK(rd != NULL);
    tr_section secs[TR_SECTIONS_MAX];
    uint32_t ns = tr_reader_info(rd)->nsections;
    char conf[4096] = "";
    for (uint32_t i = 0; i < ns; i++) {
        secs[i].data = tr_reader_section_at(rd, i, &secs[i].id, &secs[i].len);
        if (secs[i].id != TR_SEC_CONFIG || conf_line == NULL)
            continue;
        size_t klen = strcspn(conf_line, "=");
        size_t o = 0;
        for (const char *l = secs[i].data, *end = l + secs[i].len; l < end;) {
            const char *nl = memchr(l, '\n', (size_t)(end - l));
            size_t len = nl ? (size_t)(nl - l) : (size_t)(end - l);
            if (!(len > klen && l[klen] == '=' && strncmp(l, conf_line, klen) == 0))
                o += (size_t)snprintf(conf + o, sizeof conf - o, "%.*s\n", (int)len, l);
            l += len + 1;
        }
        o += (size_t)snprintf(conf + o, sizeof conf - o, "%s\n", conf_line);
        secs[i].data = conf;
        secs[i].len = o;
    }
    /* the sections point into rd: copy them before rd goes */
    static char keep[TR_SECTIONS_MAX][1 << 16];
    for (uint32_t i = 0; i < ns; i++) {
        CHECK(secs[i].len <= sizeof keep[i]);
        memcpy(keep[i], secs[i].data, secs[i].len);
        secs[i].data = keep[i];
    }
    tr_event *ev;
    size_t n;
    CHECK_EQ(tr_reader_load(rd, &ev, &n, 1u << 24, &err), TR_OK);
    tr_reader_close(rd);
    if (edit != NULL)
        edit(ev, n);
    CHECK_EQ(tr_write_file(path, secs, ns, ev, n, NULL, &err), TR_OK);
    free(ev);
}

static char out_text[1 << 16], err_text[1 << 12];

/* Replay path with o; the report and the errors land in out_text, err_text. */
static int replay_into(const rp_opts *o) {
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT | TR_READ_TIMES | TR_READ_LAZY, &err);
    if (rd == NULL) {
        snprintf(err_text, sizeof err_text, "%s", err.msg);
        out_text[0] = 0;
        return tr_err_exit_code(err.cls);
    }
    FILE *out = fmemopen(out_text, sizeof out_text, "w"), *ef = fmemopen(err_text, sizeof err_text, "w");
    CHECK(out != NULL && ef != NULL);
    int rc = rp_replay(rd, path, o, out, ef);
    fclose(out);
    fclose(ef);
    tr_reader_close(rd);
    return rc;
}

static size_t count_lines(const char *text, const char *prefix) {
    size_t n = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        n += strncmp(l, prefix, strlen(prefix)) == 0;
    return n;
}

/* ---- untrusted settings and times ---- */

static void copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    CHECK(a != NULL && b != NULL);
    char buf[1 << 14];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        CHECK_EQ(fwrite(buf, 1, n, b), n);
    fclose(a);
    CHECK_EQ(fclose(b), 0);
}

/* Values just outside a key's range, as CONF text. */
static size_t bad_values(const sim_conf_key *k, char out[4][32]) {
    size_t n = 0;
    if (k->type == SCT_STRATEGY) {
        snprintf(out[n++], 32, "pct:17");
        snprintf(out[n++], 32, "bogus");
        return n;
    }
    if (k->type == SCT_MUTANT) {
        snprintf(out[n++], 32, "no-such-mutant");
        return n;
    }
    if (k->min > 0)
        snprintf(out[n++], 32, "%" PRIu64, k->min - 1);
    if (k->max < UINT64_MAX)
        snprintf(out[n++], 32, "%" PRIu64, k->max + 1);
    else
        snprintf(out[n++], 32, "18446744073709551616");   /* 2^64: does not parse */
    snprintf(out[n++], 32, "-1");
    return n;
}

static void every_conf_key_out_of_range_is_rejected_naming_it(void) {
    record("pingpong", STRAT_RANDOM, 3, false);
    char base[sizeof path];
    memcpy(base, path, sizeof path);
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-conf-%d.gmt", (int)getpid());
    size_t tried = 0;
    for (size_t i = 0; i < sim_conf_nkeys; i++) {
        const sim_conf_key *k = &sim_conf_keys[i];
        char vals[4][32];
        size_t nv = bad_values(k, vals);
        for (size_t v = 0; v < nv; v++) {
            char line[192];
            snprintf(line, sizeof line, "%s=%s", k->name, vals[v]);
            copy_file(base, path);
            rewrite(line, NULL);
            rp_opts o = {0};
            int rc = replay_into(&o);
            if (rc != EXIT_TRACE_REJECTED || strstr(err_text, k->name) == NULL) {
                fprintf(stderr, "%s: exit %d, %s\n", line, rc, err_text);
                CHECK(false);
            }
            tried++;
        }
    }
    CHECK(tried >= 2 * sim_conf_nkeys);
    unlink(path);
    memcpy(path, base, sizeof path);
    unlink(path);
}

static void exit_at_time_zero(tr_event *ev, size_t n) {
    CHECK(n > 2 && ev[n - 1].kind == EV_EXIT && ev[n - 1].time > 0);
    ev[n - 1].time = 0;
}

static void an_m_whose_time_goes_backwards_is_rejected(void) {
    record("pingpong", STRAT_RANDOM, 3, false);
    rewrite(NULL, exit_at_time_zero);
    rp_opts o = {0};
    CHECK_EQ(replay_into(&o), EXIT_TRACE_REJECTED);
    CHECK(strstr(err_text, "time goes back") != NULL);
    unlink(path);
}

/* Iterate rd to its end; the class tr_reader_error reports. */
static int iterate_all(tr_reader *rd, uint64_t *n) {
    uint64_t seq;
    tr_event e;
    *n = 0;
    while (tr_reader_next(rd, &seq, &e))
        (*n)++;
    return tr_reader_error(rd)->cls;
}

/* A lazy reader checks at the open only what it does not decode (frames,
 * checksums, the footer's count); what it decodes it checks while
 * iterating: the footer's digest, an M's time going back. */
static void a_lazy_reader_finds_the_rest_while_iterating(void) {
    record("pingpong", STRAT_RANDOM, 3, false);
    tr_error err = {0};
    uint64_t n;
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT | TR_READ_TIMES | TR_READ_LAZY, &err);
    CHECK(rd != NULL);
    const tr_event *tail;
    CHECK_EQ(tr_reader_tail(rd, &tail), TR_TAIL_EVENTS);
    CHECK_EQ(tail[TR_TAIL_EVENTS - 1].kind, EV_EXIT);
    CHECK_EQ(iterate_all(rd, &n), TR_OK);
    CHECK_EQ(n, tr_reader_info(rd)->events);
    tr_reader_close(rd);
    /* the footer's digest (the footer has no checksum of its own) */
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    CHECK_EQ(fseek(f, -1, SEEK_END), 0);
    int last = fgetc(f);
    CHECK_EQ(fseek(f, -1, SEEK_END), 0);
    fputc(last ^ 1, f);
    fclose(f);
    CHECK(tr_reader_open_path(path, TR_READ_STRICT, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_DIGEST);
    rd = tr_reader_open_path(path, TR_READ_STRICT | TR_READ_LAZY, &err);
    CHECK(rd != NULL);
    CHECK_EQ(iterate_all(rd, &n), TR_ERR_DIGEST);
    tr_reader_close(rd);
    /* an M's time going back */
    record("pingpong", STRAT_RANDOM, 3, false);
    rewrite(NULL, exit_at_time_zero);
    rd = tr_reader_open_path(path, TR_READ_STRICT | TR_READ_TIMES | TR_READ_LAZY, &err);
    CHECK(rd != NULL);
    CHECK_EQ(iterate_all(rd, &n), TR_ERR_MALFORMED);
    CHECK(strstr(tr_reader_error(rd)->msg, "time goes back") != NULL);
    tr_reader_close(rd);
    CHECK(tr_reader_open_path(path, TR_READ_STRICT | TR_READ_TIMES, &err) == NULL);
    CHECK_EQ(err.cls, TR_ERR_MALFORMED);
    unlink(path);
}

/* ---- what replay reports ---- */

static void the_recorded_outcome_is_printed_and_reproduced(void) {
    static scenario sc;
    sc_error err;
    CHECK(sc_parse_builtin("worker_pool", &sc, &err));
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.check = true;
    cfg.stall_den = 8;
    cfg.rt.mutant = rt_mutant_by_name("ready-skips-wakep");
    sim_result res;
    tr_error terr = {0};
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-%d.gmt", (int)getpid());
    CHECK_EQ(sim_run_to_file(&sc, &cfg, path, &res, &terr), OUT_INVARIANT);
    char want[160];
    snprintf(want, sizeof want,
             "recorded: outcome invariant (exit 3), invariant %s at event %" PRIu64 ", ends at event %" PRIu64 "\n",
             gmp_invariant_name(res.invariant), res.violation_seq, res.violation_seq + 1);
    sim_result_free(&res);
    rp_opts o = {0};
    CHECK_EQ(replay_into(&o), EXIT_OK);
    CHECK(strstr(out_text, want) != NULL);
    CHECK(strstr(out_text, "re-run  : outcome invariant (exit 3)") != NULL);
    CHECK(strstr(out_text, "reproduced: yes\n") != NULL);
    CHECK_EQ(count_lines(out_text, "  last decision: #"), 2);
    unlink(path);
}

static void a_divergence_shows_five_events_of_context_on_each_side(void) {
    record("worker_pool", STRAT_RANDOM, 11, false);
    rewrite("seed=12", NULL);
    rp_opts o = {.seed_only = true};
    CHECK_EQ(replay_into(&o), EXIT_DIVERGED);
    CHECK(strstr(out_text, "diverged at event ") != NULL);
    uint64_t at = strtoull(strstr(out_text, "diverged at event ") + 18, NULL, 10);
    CHECK(at >= 5);
    CHECK(strstr(out_text, " both runs:\n") != NULL);
    /* the five identical events before, then five of each run from there */
    char line[64];
    snprintf(line, sizeof line, "    #%" PRIu64 " ", at - 5);
    CHECK(strstr(out_text, line) != NULL);
    CHECK_EQ(count_lines(out_text, "  > #"), 2);
    snprintf(line, sizeof line, "    #%" PRIu64 " ", at + 4);
    CHECK_EQ(count_lines(out_text, line), 2);
    CHECK(strstr(out_text, "reproduced: no") != NULL);
    unlink(path);
}

static void tolerant_goes_on_and_reports_how_long_the_runs_stayed_together(void) {
    record("worker_pool", STRAT_RANDOM, 5, false);
    /* another stall rate: the recorded draws stop fitting partway */
    rewrite("stall_rate=5", NULL);
    rp_opts strict = {0}, tolerant = {.tolerant = true};
    CHECK_EQ(replay_into(&strict), EXIT_DIVERGED);
    CHECK(strstr(out_text, "stopped 5 events after the divergence") != NULL);
    int rc = replay_into(&tolerant);
    CHECK(rc == EXIT_OK || rc == EXIT_DIVERGED);
    const char *t = strstr(out_text, "together: ");
    CHECK(t != NULL);
    uint64_t together = strtoull(t + 10, NULL, 10);
    const char *on = strstr(t, "went on for ");
    CHECK(on != NULL);
    uint64_t more = strtoull(on + 12, NULL, 10);
    CHECK(together > 0);
    CHECK(more > 5);   /* it did not stop at the divergence */
    CHECK(strstr(out_text, "re-run  : outcome ") != NULL);
    CHECK(strstr(out_text, rc == EXIT_OK ? "reproduced: yes" : "reproduced: no") != NULL);
    unlink(path);
}

/* ---- round trip: run, trace, replay, same digest ---- */

static uint64_t rng(uint64_t *s) { return splitmix64(s); }

/* Run sc into a trace in memory with the sections sim_run_to_file writes
 * (no file: a thousand fsyncs would be most of the test). */
static void run_to_memory(const scenario *sc, const sim_config *cfg, sim_result *res, uint8_t **buf, size_t *len) {
    static char text[1 << 16], conf[2048];
    size_t tlen = sc_format(sc, text, sizeof text);
    CHECK(tlen < sizeof text);
    size_t clen = sim_config_format(cfg, conf, sizeof conf);
    tr_section secs[2] = {{TR_SEC_SCENARIO_TEXT, text, tlen}, {TR_SEC_CONFIG, conf, clen}};
    tr_error err = {0};
    tr_writer *w = tr_writer_open_mem(secs, 2, NULL, &err);
    CHECK(w != NULL);
    sim_config c = *cfg;
    c.sinks[c.nsinks++] = tr_writer_sink(w);
    sim_run(sc, &c, res);
    CHECK_EQ(tr_writer_finish_mem(w, buf, len, &err), TR_OK);
}

static void random_runs_replay_to_the_same_digest(void) {
    enum { RUNS = 1000, SC_BYTES = 96 };
    static scenario sc;
    uint64_t s = 42;
    int identical = 0;
    uint64_t events = 0, goroutines = 0;
    for (int run = 0; run < RUNS; run++) {
        uint8_t bytes[SC_BYTES];
        for (size_t i = 0; i < sizeof bytes; i++)
            bytes[i] = (uint8_t)rng(&s);
        sc_decode(bytes, sizeof bytes, &sc);
        sim_config cfg;
        sim_config_default(&cfg);
        cfg.seed = rng(&s);
        cfg.strategy = (int)(rng(&s) % 3);
        cfg.pct_depth = 1 + (int)(rng(&s) % 4);
        cfg.stall_den = (uint32_t)(rng(&s) % 4 == 0 ? 0 : 2 + rng(&s) % 40);
        cfg.preempt_den = (uint32_t)(rng(&s) % 3 == 0 ? 0 : 2 + rng(&s) % 30);
        cfg.jitter_ns = (uint32_t)(rng(&s) % 2 ? 0 : rng(&s) % 5000);
        cfg.check = rng(&s) % 8 == 0;
        cfg.max_events = 3000;
        cfg.vt_limit_ns = 1000000000;
        sim_result res;
        uint8_t *buf;
        size_t len;
        run_to_memory(&sc, &cfg, &res, &buf, &len);
        tr_error err = {0};
        int mode = TR_READ_STRICT | TR_READ_TIMES | (run % 2 ? TR_READ_LAZY : 0);
        tr_reader *rd = tr_reader_open_mem(buf, len, mode, &err);
        CHECK(rd != NULL);
        FILE *out = fmemopen(out_text, sizeof out_text, "w"), *ef = fmemopen(err_text, sizeof err_text, "w");
        rp_opts o = {0};
        int rc = rp_replay(rd, "memory", &o, out, ef);
        fclose(out);
        fclose(ef);
        tr_reader_close(rd);
        free(buf);
        char want[64];
        snprintf(want, sizeof want, "identical: %" PRIu64 " events, digest %016" PRIx64 "\n", res.events,
                 res.digest);
        if (rc != EXIT_OK || strstr(out_text, want) == NULL) {
            fprintf(stderr, "run %d: exit %d\n%s%s", run, rc, out_text, err_text);
            CHECK(false);
        }
        identical++;
        events += res.events;
        goroutines += res.gs;
        sim_result_free(&res);
    }
    CHECK_EQ(identical, RUNS);
    printf("%d runs replayed identically: %" PRIu64 " events, %" PRIu64 " goroutines in all\n", RUNS, events,
           goroutines);
    /* the decoded scenarios are real programs, not empty mains */
    CHECK(events > (uint64_t)RUNS * 200 && goroutines > (uint64_t)RUNS * 2);
}

#define TESTS(X)                                                         \
    X(recorded_runs_replay_identically_from_the_file_alone)              \
    X(a_different_run_is_reported_at_its_first_divergence)               \
    X(a_trace_without_sections_is_rejected)                              \
    X(every_conf_key_out_of_range_is_rejected_naming_it)                 \
    X(an_m_whose_time_goes_backwards_is_rejected)                        \
    X(a_lazy_reader_finds_the_rest_while_iterating)                      \
    X(the_recorded_outcome_is_printed_and_reproduced)                    \
    X(a_divergence_shows_five_events_of_context_on_each_side)            \
    X(tolerant_goes_on_and_reports_how_long_the_runs_stayed_together)    \
    X(random_runs_replay_to_the_same_digest)
#include "../unit.h"
