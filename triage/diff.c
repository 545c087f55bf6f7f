/*
 * triage/diff.c: `gmpsim diff A B [--json]` (docs/triage.md).
 *
 * Two traces (a passing and a failing seed, or one run before and after a
 * runtime change) are aligned event by event, times aside: two events are
 * alike when kind, G, M, P and arguments agree.  The common prefix is
 * walked first; past the first difference the walk resynchronises
 * greedily: the nearest pair of positions (at most DIFF_WINDOW events
 * ahead on either side) where DIFF_RUN events in a row are alike again,
 * the skipped events counted as only in A or only in B.  Printed: both
 * runs' sizes and outcomes, the configuration lines that differ, the
 * first differing event with DIFF_CONTEXT events of context (and the draw
 * there, when it is one), and a per-kind summary.
 * Exit: 0 the runs are identical (times included), 1 they differ, 8 a
 * trace rejected, 10 I/O error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/conf.h"
#include "sim/tracefile.h"
#include "traces/json.h"
#include "traces/tfile.h"
#include "traces/tools.h"
#include "traces/values.h"
#include "triage/triage.h"

enum { DIFF_WINDOW = 64, DIFF_RUN = 4, DIFF_CONTEXT = 5 };

typedef struct diff_side {
    const char *path;
    tr_event *ev;
    size_t n;
    uint64_t digest;
    char conf[4096];
    char *scenario;          /* the STXT section (malloc'd copy) */
    uint64_t only;           /* events left unaligned */
    uint64_t kind_only[EV__COUNT], kind_all[EV__COUNT];
} diff_side;

static int load_side(diff_side *s) {
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(s->path, TR_READ_STRICT, &err);
    if (rd == NULL) {
        fprintf(stderr, "gmpsim diff: %s: %s\n", s->path, err.msg);
        return tr_err_exit_code(err.cls);
    }
    size_t clen = 0, tlen = 0;
    const char *conf = tr_reader_section(rd, TR_SEC_CONFIG, &clen);
    const char *text = tr_reader_section(rd, TR_SEC_SCENARIO_TEXT, &tlen);
    snprintf(s->conf, sizeof s->conf, "%.*s", conf != NULL ? (int)clen : 0, conf != NULL ? conf : "");
    s->scenario = malloc(tlen + 1);
    if (s->scenario != NULL) {
        memcpy(s->scenario, text != NULL ? text : "", text != NULL ? tlen : 0);
        s->scenario[text != NULL ? tlen : 0] = 0;
    }
    int rc = tr_reader_load(rd, &s->ev, &s->n, TR_EXPORT_EVENTS_MAX, &err);
    s->digest = tr_reader_info(rd)->digest;
    tr_reader_close(rd);
    if (rc != TR_OK) {
        fprintf(stderr, "gmpsim diff: %s: %s\n", s->path, err.msg);
        return tr_err_exit_code(rc);
    }
    for (size_t i = 0; i < s->n; i++)
        s->kind_all[s->ev[i].kind]++;
    return s->scenario != NULL ? EXIT_OK : EXIT_IO;
}

static bool alike(const tr_event *a, const tr_event *b) {
    return a->kind == b->kind && a->g == b->g && a->m == b->m && a->p == b->p && a->a[0] == b->a[0] &&
           a->a[1] == b->a[1] && a->a[2] == b->a[2];
}

static bool run_alike(const diff_side *a, size_t i, const diff_side *b, size_t j) {
    for (size_t k = 0; k < DIFF_RUN; k++) {
        if (i + k >= a->n || j + k >= b->n)
            return i + k >= a->n && j + k >= b->n && k > 0;
        if (!alike(&a->ev[i + k], &b->ev[j + k]))
            return false;
    }
    return true;
}

static void skip(diff_side *s, size_t from, size_t to) {
    for (size_t k = from; k < to; k++)
        s->kind_only[s->ev[k].kind]++;
    s->only += to - from;
}

/* Walk both runs; the number of aligned pairs. */
static uint64_t align(diff_side *a, diff_side *b) {
    size_t i = 0, j = 0;
    uint64_t same = 0;
    while (i < a->n && j < b->n) {
        if (alike(&a->ev[i], &b->ev[j])) {
            i++, j++, same++;
            continue;
        }
        bool found = false;
        for (size_t d = 1; d <= 2 * DIFF_WINDOW && !found; d++) {
            for (size_t di = 0; di <= d && !found; di++) {
                size_t dj = d - di;
                if (di > DIFF_WINDOW || dj > DIFF_WINDOW || !run_alike(a, i + di, b, j + dj))
                    continue;
                skip(a, i, i + di);
                skip(b, j, j + dj);
                i += di, j += dj, found = true;
            }
        }
        if (!found)
            break;
    }
    skip(a, i, a->n);
    skip(b, j, b->n);
    return same;
}

static size_t first_difference(const diff_side *a, const diff_side *b) {
    size_t i = 0;
    while (i < a->n && i < b->n && alike(&a->ev[i], &b->ev[i]))
        i++;
    return i;
}

/* The outcome a run ended with: its exit record's name, or "none". */
static const char *outcome_of(const diff_side *s) {
    if (s->n == 0 || s->ev[s->n - 1].kind != EV_EXIT)
        return "none";
    const char *v = tr_value_name(EV_EXIT, 0, s->ev[s->n - 1].a[0]);
    return v != NULL ? v : "?";
}

/* The configuration lines of a that b does not have. */
static void conf_only(const char *a, const char *b, void (*put)(void *, const char *, size_t), void *ctx) {
    for (const char *x = a; *x != 0;) {
        size_t xl = strcspn(x, "\n");
        bool found = false;
        for (const char *y = b; *y != 0 && !found;) {
            size_t yl = strcspn(y, "\n");
            found = yl == xl && memcmp(x, y, xl) == 0;
            y += yl + (y[yl] != 0);
        }
        if (!found && xl > 0)
            put(ctx, x, xl);
        x += xl + (x[xl] != 0);
    }
}

/* ---- text ---- */

static void put_text(void *ctx, const char *line, size_t len) {
    printf("  %s %.*s\n", (const char *)ctx, (int)len, line);
}

static void print_event(const char *mark, size_t seq, const tr_event *e) {
    char line[512];
    tr_format_long(line, sizeof line, seq, e);
    printf("  %s %s\n", mark, line);
}

static void print_side_after(const char *name, const diff_side *s, size_t i) {
    printf(" %s:\n", name);
    if (i >= s->n)
        printf("  > (the run had ended)\n");
    for (size_t k = i; k < s->n && k < i + DIFF_CONTEXT; k++)
        print_event(k == i ? ">" : " ", k, &s->ev[k]);
}

static void print_text(const diff_side *a, const diff_side *b, size_t first, uint64_t same, bool identical) {
    printf("A: %s: %zu events, digest %016" PRIx64 ", outcome %s\n", a->path, a->n, a->digest, outcome_of(a));
    printf("B: %s: %zu events, digest %016" PRIx64 ", outcome %s\n", b->path, b->n, b->digest, outcome_of(b));
    if (identical) {
        printf("identical: the same %zu events\n", a->n);
        return;
    }
    printf("scenario: %s\n", strcmp(a->scenario, b->scenario) == 0 ? "the same" : "differs");
    if (strcmp(a->conf, b->conf) != 0) {
        printf("configuration that differs:\n");
        conf_only(a->conf, b->conf, put_text, "A");
        conf_only(b->conf, a->conf, put_text, "B");
    }
    if (first == a->n && first == b->n) {
        printf("the same decisions; only event times differ\n");
    } else {
        printf("first difference at event %zu (events 0..%zu alike, times aside)\n", first,
               first > 0 ? first - 1 : 0);
        printf(" both:\n");
        for (size_t k = first > DIFF_CONTEXT ? first - DIFF_CONTEXT : 0; k < first; k++)
            print_event(" ", k, &a->ev[k]);
        print_side_after("A", a, first);
        print_side_after("B", b, first);
        if (first < a->n && first < b->n && a->ev[first].kind == EV_CHOICE && b->ev[first].kind == EV_CHOICE)
            printf(" the runs took different draws here\n");
    }
    printf("aligned: %" PRIu64 " events alike, %" PRIu64 " only in A, %" PRIu64 " only in B\n", same, a->only,
           b->only);
    printf("per kind (A, B, only in A, only in B):\n");
    for (unsigned k = 0; k < EV__COUNT; k++)
        if (a->kind_only[k] || b->kind_only[k] || a->kind_all[k] != b->kind_all[k])
            printf("  %-18s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", tr_kinds[k].name, a->kind_all[k],
                   b->kind_all[k], a->kind_only[k], b->kind_only[k]);
}

/* ---- JSON (docs/json.md, gmpsim.diff/1) ---- */

static void put_json(void *ctx, const char *line, size_t len) { js_strn(ctx, line, len); }

static void side_json(js_writer *w, const char *key, const diff_side *s, size_t first) {
    js_key(w, key);
    js_object(w);
    js_kstr(w, "path", s->path);
    js_kuint(w, "events", s->n);
    js_khex64(w, "digest", s->digest);
    js_kstr(w, "outcome", outcome_of(s));
    js_kuint(w, "only", s->only);
    js_key(w, "event");
    if (first < s->n)
        tr_event_json(w, first, &s->ev[first]);
    else
        js_null(w);
    js_object_end(w);
}

static void print_json(const diff_side *a, const diff_side *b, size_t first, uint64_t same, bool identical) {
    js_writer w;
    js_init(&w, stdout, false);
    js_object(&w);
    js_schema(&w, "diff", 1);
    js_kbool(&w, "identical", identical);
    js_kbool(&w, "same_scenario", strcmp(a->scenario, b->scenario) == 0);
    bool same_decisions = first == a->n && first == b->n;
    js_key(&w, "first_difference");
    if (same_decisions)
        js_null(&w);
    else
        js_uint(&w, first);
    js_kuint(&w, "alike", same);
    side_json(&w, "a", a, first);
    side_json(&w, "b", b, first);
    js_key(&w, "config_a");
    js_array(&w);
    conf_only(a->conf, b->conf, put_json, &w);
    js_array_end(&w);
    js_key(&w, "config_b");
    js_array(&w);
    conf_only(b->conf, a->conf, put_json, &w);
    js_array_end(&w);
    js_key(&w, "kinds");
    js_array(&w);
    for (unsigned k = 0; k < EV__COUNT; k++) {
        if (!a->kind_only[k] && !b->kind_only[k] && a->kind_all[k] == b->kind_all[k])
            continue;
        js_object(&w);
        js_kstr(&w, "kind", tr_kinds[k].name);
        js_kuint(&w, "a", a->kind_all[k]);
        js_kuint(&w, "b", b->kind_all[k]);
        js_kuint(&w, "only_a", a->kind_only[k]);
        js_kuint(&w, "only_b", b->kind_only[k]);
        js_object_end(&w);
    }
    js_array_end(&w);
    js_object_end(&w);
    js_finish(&w);
}

/* ---- the command ---- */

typedef struct diff_opts {
    bool json;
} diff_opts;

static const cf_flag diff_flags[] = {
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(diff_opts, json)},
};

const cf_command tg_diff_command = {
    .name = "diff", .args = "A B", .min_args = 2, .max_args = 2,
    .summary = "Align two traces and show where their decisions part (docs/triage.md)",
    .about = "Events are alike when kind, G, M, P and arguments agree (times aside).  Prints both runs'\n"
             "sizes and outcomes, the configuration lines that differ, the first event that differs with\n"
             "five events of context, and per event kind the counts and the events only one run has.\n"
             "Exit 0 when the traces are identical, 1 when they differ.",
    .flags = diff_flags, .nflags = CF_NFLAGS(diff_flags),
};

int tg_cmd_diff(int argc, char **argv) {
    diff_opts o = {0};
    cf_parsed p;
    int rc = cf_parse(&tg_diff_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    diff_side *s = calloc(2, sizeof *s);
    if (s == NULL)
        return EXIT_IO;
    s[0].path = p.pos[0];
    s[1].path = p.pos[1];
    rc = load_side(&s[0]);
    if (rc == EXIT_OK)
        rc = load_side(&s[1]);
    if (rc == EXIT_OK) {
        bool identical = s[0].n == s[1].n && s[0].digest == s[1].digest &&
                         (s[0].n == 0 || memcmp(s[0].ev, s[1].ev, s[0].n * sizeof *s[0].ev) == 0);
        size_t first = first_difference(&s[0], &s[1]);
        uint64_t same = align(&s[0], &s[1]);
        if (o.json)
            print_json(&s[0], &s[1], first, same, identical);
        else
            print_text(&s[0], &s[1], first, same, identical);
        rc = identical ? EXIT_OK : 1;
    }
    for (int i = 0; i < 2; i++) {
        free(s[i].ev);
        free(s[i].scenario);
    }
    free(s);
    return rc;
}
