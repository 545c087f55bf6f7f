/* replay/replay.c: see replay.h. */
#include "replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/plugin.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/capture.h"
#include "traces/flags.h"
#include "traces/json.h"
#include "traces/tfile.h"
#include "traces/values.h"

/* Everything replay needs from a trace file. */
typedef struct recorded {
    scenario sc;
    sim_config cfg;
    tr_event *ev;
    size_t n;
    choice_record *choices;
    size_t nchoices;
} recorded;

/* The recorded draws, in order (the CHOICE events: n, value, kind). */
static bool collect_choices(recorded *r) {
    r->choices = malloc((r->n + 1) * sizeof *r->choices);
    if (r->choices == NULL)
        return false;
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].kind == EV_CHOICE)
            r->choices[r->nchoices++] = (choice_record){r->ev[i].a[2], r->ev[i].a[0], r->ev[i].a[1]};
    return true;
}

/* The plugins the recorded run had (sim/plugin.h): missing is exit 12. */
static int plugins_loaded(tr_reader *rd, const char *path) {
    size_t len = 0;
    const char *text = tr_reader_section(rd, TR_SEC_PLUGINS, &len);
    char why[256], note[256];
    int rc = text != NULL ? sim_plugins_check(text, len, why, sizeof why, note, sizeof note) : EXIT_OK;
    if (rc != EXIT_OK)
        fprintf(stderr, "gmpsim replay: %s: %s\n", path, why);
    else if (text != NULL && note[0] != 0)
        fprintf(stderr, "gmpsim replay: note: %s\n", note);
    return rc;
}

static int load(const char *path, recorded *r) {
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT, &err);
    if (rd == NULL) {
        fprintf(stderr, "gmpsim replay: %s: %s\n", path, err.msg);
        return tr_err_exit_code(err.cls);
    }
    size_t tlen = 0, clen = 0;
    const char *text = tr_reader_section(rd, TR_SEC_SCENARIO_TEXT, &tlen);
    const char *conf = tr_reader_section(rd, TR_SEC_CONFIG, &clen);
    sc_error serr = {0};
    char why[160] = "";
    int rc = EXIT_OK;
    if (text == NULL || conf == NULL) {
        fprintf(stderr, "gmpsim replay: %s: no scenario or configuration section (not written by gmpsim run)\n", path);
        rc = EXIT_TRACE_REJECTED;
    } else if (!sc_parse(text, tlen, &r->sc, &serr)) {
        fprintf(stderr, "gmpsim replay: %s: the recorded scenario does not parse: %u:%u: %s\n", path, serr.line,
                serr.col, serr.msg);
        rc = EXIT_TRACE_REJECTED;
    } else if (!sim_config_parse(conf, clen, &r->cfg, why, sizeof why)) {
        fprintf(stderr, "gmpsim replay: %s: %s\n", path, why);
        rc = EXIT_TRACE_REJECTED;
    } else if ((rc = plugins_loaded(rd, path)) != EXIT_OK) {
        /* reported */
    } else if (tr_reader_load(rd, &r->ev, &r->n, TR_FILE_EVENTS_MAX, &err) != TR_OK) {
        fprintf(stderr, "gmpsim replay: %s: %s\n", path, err.msg);
        rc = tr_err_exit_code(err.cls);
    } else if (!collect_choices(r)) {
        rc = EXIT_IO;
    }
    tr_reader_close(rd);
    return rc;
}

/* --at N: stop the re-run after event N and print the state there. */
typedef struct stop_at {
    uint64_t seq;
    bool json;
} stop_at;

static void stop_hook(void *ctx, uint64_t seq, const tr_event *e) {
    const stop_at *s = ctx;
    if (seq != s->seq)
        return;
    static char state[1 << 16];
    char line[256];
    tr_format(line, sizeof line, seq, e);
    sim_dump_state(state, sizeof state);
    if (s->json) {
        js_writer w;
        js_init(&w, stdout, false);
        js_object(&w);
        js_schema(&w, "replay", 1);
        js_kstr(&w, "outcome", "stopped");
        js_key(&w, "state_after");
        tr_event_json(&w, seq, e);
        js_kstr(&w, "state", state);
        js_object_end(&w);
        js_finish(&w);
    } else {
        printf("state after %s\n%s", line, state);
    }
    sim_stop(OUT_OK, "replay stopped at the requested event");
}

/* docs/json.md, "replay": the words of the text form. */
static void put_side_json(js_writer *w, const char *key, const tr_event *ev, size_t n, size_t i) {
    js_key(w, key);
    if (i < n)
        tr_event_json(w, i, &ev[i]);
    else
        js_null(w);   /* the run ended before */
}

static int compare_json(const recorded *r, const tr_capture *got, size_t i, const sim_result *res) {
    bool same = i == r->n && i == got->n;
    js_writer w;
    js_init(&w, stdout, false);
    js_object(&w);
    js_schema(&w, "replay", 1);
    js_kstr(&w, "outcome", same ? "identical" : "diverged");
    js_kuint(&w, "events", same ? i : got->n);
    js_khex64(&w, "digest", res->digest);
    if (!same) {
        js_kuint(&w, "diverged_at", i);
        put_side_json(&w, "recorded", r->ev, r->n, i);
        put_side_json(&w, "re_run", got->ev, got->n, i);
        js_key(&w, "choice");
        if (res->replay_diverged)
            js_uint(&w, res->replay_diverged_at);
        else
            js_null(&w);
    }
    js_object_end(&w);
    js_finish(&w);
    return same ? EXIT_OK : EXIT_DIVERGED;
}

static int compare(const recorded *r, const tr_capture *got, const sim_result *res, bool json) {
    uint64_t digest = res->digest;
    size_t i = 0, n = r->n < got->n ? r->n : got->n;
    while (i < n && memcmp(&r->ev[i], &got->ev[i], sizeof(tr_event)) == 0)
        i++;
    if (json)
        return compare_json(r, got, i, res);
    if (i == r->n && i == got->n) {
        printf("identical: %zu events, digest %016" PRIx64 "\n", i, digest);
        return EXIT_OK;
    }
    char a[256] = "(end of the recorded run)", b[256] = "(end of the re-run)";
    if (i < r->n)
        tr_format(a, sizeof a, i, &r->ev[i]);
    if (i < got->n)
        tr_format(b, sizeof b, i, &got->ev[i]);
    printf("diverged at event %zu\n  recorded: %s\n  re-run:   %s\n", i, a, b);
    if (res->replay_diverged)
        printf("  (the re-run asked for a different draw at choice %" PRIu64 ")\n", res->replay_diverged_at);
    return EXIT_DIVERGED;
}

/* `gmpsim replay` flags (traces/flags.h). */
typedef struct replay_opts {
    bool seed_only, at, json;
    stop_at stop;
} replay_opts;

static bool set_at(void *opts, const char *v, char *why, size_t why_len) {
    replay_opts *o = opts;
    return o->at = cf_parse_uint(v, &(cf_range){0, UINT64_MAX}, &o->stop.seq, why, why_len);
}

static const cf_flag replay_flags[] = {
    {.name = "at", .type = CF_FUNC, .metavar = "N",
     .help = "stop right after event N and print the scheduler state there", .set = set_at, .example = "12"},
    {.name = "seed-only", .type = CF_BOOL, .help = "re-run from the recorded seed, not the recorded draws",
     CF_AT(replay_opts, seed_only)},
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(replay_opts, json)},
};

const cf_command rp_replay_command = {
    .name = "replay", .args = "TRACE", .min_args = 1, .max_args = 1,
    .summary = "Re-run a trace file from its own sections and compare it event by event",
    .about = "Prints `identical: N events, digest D`, or the first event where the runs diverge with both\n"
             "sides (exit 9).",
    .flags = replay_flags, .nflags = CF_NFLAGS(replay_flags),
};

int rp_cmd_replay(int argc, char **argv) {
    replay_opts o = {0};
    cf_parsed p;
    int prc = cf_parse(&rp_replay_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (prc != CF_OK)
        return cf_exit_code(prc);
    const char *path = p.pos[0];
    bool seed_only = o.seed_only, at = o.at;
    stop_at stop = o.stop;
    stop.json = o.json;
    static recorded r;
    memset(&r, 0, sizeof r);
    int rc = load(path, &r);
    if (rc == EXIT_OK) {
        sim_config cfg = r.cfg;
        if (!seed_only) {
            cfg.replay = r.choices;
            cfg.nreplay = r.nchoices;
        }
        tr_capture got = {0};
        cfg.sinks[cfg.nsinks++] = tr_capture_sink(&got);
        if (at) {
            cfg.hook = stop_hook;
            cfg.hook_ctx = &stop;
        }
        sim_result res;
        sim_run(&r.sc, &cfg, &res);
        if (!at)
            rc = compare(&r, &got, &res, o.json);
        else if (stop.seq >= got.n)
            printf("the re-run ended after %zu events, before event %" PRIu64 "\n", got.n, stop.seq), rc = EXIT_USAGE;
        sim_result_free(&res);
        tr_capture_free(&got);
    }
    free(r.ev);
    free(r.choices);
    return rc;
}
