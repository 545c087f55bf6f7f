/* traces/tools.c: the dump and export commands (see tools.h). */
#include "tools.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "export.h"
#include "flags.h"
#include "tfile.h"
#include "timeline.h"
#include "values.h"

/* A dump line: tr_format_long of one event fits easily. */
enum { LINE_BYTES = 512 };

/* ---- arguments ---- */

typedef struct args {
    const char *cmd;
    const char *trace;
    uint64_t from, to;            /* inclusive */
    bool by_kind;
    bool kinds[EV__COUNT];
    bool by_g;
    uint32_t g;
    bool prefix;
    bool json;
    const char *perfetto, *html;
} args;

/* "gosched,gopark" -> kinds[]; false on an unknown name. */
static bool set_kinds(void *opts, const char *list, char *why, size_t why_len) {
    args *a = opts;
    char copy[LINE_BYTES];
    if (snprintf(copy, sizeof copy, "%s", list) >= (int)sizeof copy) {
        snprintf(why, why_len, "list too long");
        return false;
    }
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        int k = tr_kind_by_name(name);
        if (k < 0) {
            const char *names[EV__COUNT];
            for (int i = 0; i < EV__COUNT; i++)
                names[i] = tr_kinds[i].name;
            const char *s = cf_suggest(name, names, EV__COUNT);
            snprintf(why, why_len, "unknown event kind \"%s\"%s%s%s", name, s ? "; did you mean " : "",
                     s ? s : "", s ? "?" : "");
            return false;
        }
        a->kinds[k] = true;
    }
    return a->by_kind = true;
}

static bool set_g(void *opts, const char *v, char *why, size_t why_len) {
    args *a = opts;
    uint64_t g;
    if (!cf_parse_uint(v, &(cf_range){0, UINT32_MAX}, &g, why, why_len))
        return false;
    a->g = (uint32_t)g;
    return a->by_g = true;
}

#define RANGE_FLAGS                                                                                          \
    {.name = "from", .type = CF_UINT, .metavar = "N", .help = "first event number shown", .def = "0",       \
     CF_AT(args, from)},                                                                                     \
    {.name = "to", .type = CF_UINT, .metavar = "M", .help = "last event number shown (inclusive)",          \
     .def = "the last", CF_AT(args, to)}

static const cf_flag dump_flags[] = {
    RANGE_FLAGS,
    {.name = "kind", .type = CF_FUNC, .metavar = "K[,K...]", .help = "keep only events of these kinds",
     .set = set_kinds, .repeat = true, .example = "gopark,goready"},
    {.name = "g", .type = CF_FUNC, .metavar = "G", .help = "keep events whose G, or whose g/newg argument, is G",
     .set = set_g, .example = "1"},
    {.name = "prefix", .type = CF_BOOL, .help = "show the intact chunks of a damaged file (still exits 8)",
     CF_AT(args, prefix)},
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(args, json)},
};

const cf_command tr_dump_command = {
    .name = "dump", .args = "TRACE", .min_args = 1, .max_args = 1,
    .summary = "Print a trace file: a summary of the file, then one line per event",
    .about = "See docs/trace-format.md for the file and the line format.",
    .flags = dump_flags, .nflags = CF_NFLAGS(dump_flags),
};

static const cf_flag export_flags[] = {
    {.name = "perfetto", .type = CF_STRING, .metavar = "OUT.json",
     .help = "write Chrome Trace Event JSON for ui.perfetto.dev (- for stdout)", CF_AT(args, perfetto), .example = "out.json"},
    {.name = "html", .type = CF_STRING, .metavar = "OUT.html", .help = "write a self-contained HTML timeline (- for stdout)",
     CF_AT(args, html), .example = "out.html"},
    RANGE_FLAGS,
    {.name = "json", .type = CF_BOOL, .help = "report what was exported as one JSON object (docs/json.md)",
     CF_AT(args, json)},
};

const cf_command tr_export_command = {
    .name = "export", .args = "TRACE", .min_args = 1, .max_args = 1,
    .summary = "Draw a trace file's timeline for Perfetto and/or as an HTML page",
    .about = "At least one of --perfetto and --html, at most one of them on stdout.  Outputs are written\n"
             "atomically.",
    .flags = export_flags, .nflags = CF_NFLAGS(export_flags),
};

/* Parse argv (argv[0] is the command's name); TR_EXIT_OK to go on, or the
 * exit code (0 after --help). */
static int parse_args(args *a, const cf_command *c, int argc, char **argv, FILE *out, FILE *err) {
    memset(a, 0, sizeof *a);
    a->cmd = c->name;
    a->to = UINT64_MAX;
    cf_parsed p;
    int rc = cf_parse(c, argc > 0 ? argc - 1 : 0, argv + (argc > 0), a, &p, out, err);
    if (rc != CF_OK)
        return rc == CF_HELP ? -1 : TR_EXIT_USAGE;
    a->trace = p.pos[0];
    if (a->from > a->to) {
        fprintf(err, "gmpsim %s: --from is after --to\n", a->cmd);
        return TR_EXIT_USAGE;
    }
    return TR_EXIT_OK;
}

/* ---- dump ---- */

static void put_section_id(FILE *out, uint32_t id) {
    for (int i = 0; i < 4; i++) {
        unsigned c = (id >> (8 * i)) & 0xff;
        fputc(c >= 0x20 && c < 0x7f ? (int)c : '?', out);
    }
}

/* Configuration text on one line: newlines as spaces, odd bytes as \xNN. */
static void put_text(FILE *out, const uint8_t *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            fputc(i + 1 < len ? ' ' : '\n', out);
        else if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            fputc(s[i], out);
        else
            fprintf(out, "\\x%02x", s[i]);
    }
    if (len == 0 || s[len - 1] != '\n')
        fputc('\n', out);
}

/* Sections of key/value or name lines, shown inline: the configuration
 * and the plugins the run had loaded (sim/'s CONF and PLUG). */
static bool shown_as_text(uint32_t id) { return id == TR_SEC_CONFIG || id == TR_SECTION_ID('P', 'L', 'U', 'G'); }

static void put_summary(FILE *out, const char *path, const tr_reader *r) {
    const tr_file_info *in = tr_reader_info(r);
    fprintf(out,
            "# gmpsim trace %s: format %u, %" PRIu64 " events in %" PRIu32 " chunks (%" PRIu32
            " zstd), %" PRIu64 " bytes (events %" PRIu64 "), digest %016" PRIx64 "\n",
            path, (unsigned)in->version, in->events, in->chunks, in->chunks_zstd, in->file_bytes,
            in->events_bytes, in->digest);
    for (uint32_t i = 0; i < in->nsections; i++) {
        uint32_t id;
        size_t len;
        const uint8_t *s = tr_reader_section_at(r, i, &id, &len);
        fputs("# section ", out);
        put_section_id(out, id);
        if (shown_as_text(id)) {
            fputs(": ", out);
            put_text(out, s, len);
        } else {
            fprintf(out, ": %zu bytes\n", len);
        }
    }
}

/* The summary line's facts as JSON members (docs/json.md, "dump"). */
static void put_summary_json(js_writer *w, const char *path, const tr_reader *r) {
    const tr_file_info *in = tr_reader_info(r);
    js_kstr(w, "trace", path);
    js_kuint(w, "format", in->version);
    js_kuint(w, "events", in->events);
    js_kuint(w, "chunks", in->chunks);
    js_kuint(w, "chunks_zstd", in->chunks_zstd);
    js_kuint(w, "bytes", in->file_bytes);
    js_kuint(w, "events_bytes", in->events_bytes);
    js_khex64(w, "digest", in->digest);
    js_key(w, "sections");
    js_array(w);
    for (uint32_t i = 0; i < in->nsections; i++) {
        uint32_t id;
        size_t len;
        const uint8_t *s = tr_reader_section_at(r, i, &id, &len);
        char name[5];
        for (int b = 0; b < 4; b++) {
            unsigned c = (id >> (8 * b)) & 0xff;
            name[b] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
        name[4] = 0;
        js_object(w);
        js_kstr(w, "id", name);
        js_kuint(w, "bytes", len);
        if (shown_as_text(id)) {
            js_key(w, "text");
            js_strn(w, (const char *)s, len);
        }
        js_object_end(w);
    }
    js_array_end(w);
}

static bool names_g(const tr_event *e, uint32_t g) {
    if (e->g == g)
        return true;
    for (int i = 0; i < 3; i++) {
        const char *n = tr_kinds[e->kind].arg[i];
        if ((strcmp(n, "g") == 0 || strcmp(n, "newg") == 0) && e->a[i] == g)
            return true;
    }
    return false;
}

static bool selected(const args *a, uint64_t seq, const tr_event *e) {
    return seq >= a->from && seq <= a->to && (!a->by_kind || a->kinds[e->kind]) && (!a->by_g || names_g(e, a->g));
}

static int open_trace(const args *a, int mode, tr_reader **r, FILE *err) {
    tr_error e;
    *r = tr_reader_open_path(a->trace, mode, &e);
    if (*r != NULL)
        return TR_EXIT_OK;
    fprintf(err, "gmpsim %s: %s: %s: %s\n", a->cmd, a->trace, tr_err_name(e.cls), e.msg);
    return tr_err_exit_code(e.cls);
}

int tr_dump_main(int argc, char **argv, FILE *out, FILE *err) {
    args a;
    int rc = parse_args(&a, &tr_dump_command, argc, argv, out, err);
    if (rc < 0)
        return TR_EXIT_OK;   /* --help */
    tr_reader *r = NULL;
    if (rc == TR_EXIT_OK)
        rc = open_trace(&a, a.prefix ? TR_READ_PREFIX : TR_READ_STRICT, &r, err);
    if (rc != TR_EXIT_OK)
        return rc;
    js_writer w;
    if (a.json) {
        js_init(&w, out, false);
        js_object(&w);
        js_schema(&w, "dump", 1);
        put_summary_json(&w, a.trace, r);
        js_key(&w, "shown");
        js_array(&w);
    } else {
        put_summary(out, a.trace, r);
    }
    uint64_t seq;
    tr_event e;
    char line[LINE_BYTES];
    while (tr_reader_next(r, &seq, &e) && seq <= a.to) {
        if (!selected(&a, seq, &e))
            continue;
        if (a.json) {
            tr_event_json(&w, seq, &e);
            continue;
        }
        tr_format_long(line, sizeof line, seq, &e);
        fputs(line, out);
        fputc('\n', out);
    }
    const tr_error *d = tr_reader_damage(r);
    if (a.json) {
        js_array_end(&w);
        js_key(&w, "damage");
        if (d->cls != TR_OK) {
            js_object(&w);
            js_kstr(&w, "class", tr_err_name(d->cls));
            js_kstr(&w, "message", d->msg);
            js_object_end(&w);
        } else {
            js_null(&w);
        }
        js_object_end(&w);
        js_finish(&w);
    }
    if (d->cls != TR_OK) {
        fprintf(err, "gmpsim dump: %s: %s: %s (shown: the %" PRIu64 " events before the damage)\n", a.trace,
                tr_err_name(d->cls), d->msg, tr_reader_info(r)->events);
        rc = tr_err_exit_code(d->cls);
    }
    tr_reader_close(r);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(err, "gmpsim dump: writing the output failed\n");
        return TR_EXIT_IO;
    }
    return rc;
}

int tr_cmd_dump(int argc, char **argv) { return tr_dump_main(argc, argv, stdout, stderr); }

/* ---- export ---- */

/* The selected events, in one array (at most TR_EXPORT_EVENTS_MAX). */
static int load_range(const args *a, tr_reader *r, tr_event **ev, size_t *n, uint64_t *seq0, FILE *err) {
    uint64_t total = tr_reader_info(r)->events;
    uint64_t last = total == 0 ? 0 : (a->to < total - 1 ? a->to : total - 1);
    uint64_t want = (total == 0 || a->from > last) ? 0 : last - a->from + 1;
    if (want > TR_EXPORT_EVENTS_MAX) {
        fprintf(err, "gmpsim export: %" PRIu64 " events selected, at most %d; narrow with --from/--to\n", want,
                TR_EXPORT_EVENTS_MAX);
        return TR_EXIT_USAGE;
    }
    *ev = malloc((want ? want : 1) * sizeof **ev);
    if (*ev == NULL) {
        fprintf(err, "gmpsim export: out of memory\n");
        return TR_EXIT_IO;
    }
    *n = 0;
    *seq0 = a->from;
    uint64_t seq;
    tr_event e;
    while (*n < want && tr_reader_next(r, &seq, &e))
        if (seq >= a->from)
            (*ev)[(*n)++] = e;
    return TR_EXIT_OK;
}

typedef int (*export_fn)(FILE *out, const tl_model *m, const char *title);

static int perfetto_fn(FILE *out, const tl_model *m, const char *title) {
    (void)title;
    return tr_export_perfetto(out, m);
}

static int write_output(const char *path, export_fn fn, const tl_model *m, const char *title, FILE *err) {
    af_file af;
    int e = af_open(&af, path);
    if (e == 0) {
        e = fn(af.f, m, title);
        if (e == 0)
            e = af_commit(&af);
        else
            af_abort(&af);
    }
    if (e != 0) {
        fprintf(err, "gmpsim export: writing %s: %s\n", path, af_strerror(e));
        return TR_EXIT_IO;
    }
    return TR_EXIT_OK;
}

/* Each output may be written: "-", absent or a regular file, not the input
 * trace, and at most one of them standard output. */
static int check_outputs(const args *a, FILE *err) {
    const char *outs[2] = {a->perfetto, a->html};
    if (a->perfetto != NULL && a->html != NULL && strcmp(a->perfetto, "-") == 0 && strcmp(a->html, "-") == 0) {
        fprintf(err, "gmpsim export: only one output can be standard output (-)\n");
        return TR_EXIT_USAGE;
    }
    for (int i = 0; i < 2; i++) {
        if (outs[i] == NULL)
            continue;
        int e = af_check_target(outs[i]);
        if (e == 0)
            e = af_check_not_input(outs[i], a->trace);
        if (e != 0) {
            fprintf(err, "gmpsim export: cannot write %s: %s\n", outs[i], af_strerror(e));
            return TR_EXIT_IO;
        }
    }
    return TR_EXIT_OK;
}

/* docs/json.md, "gmpsim.export/1": the summary line's counts by name. */
static void put_export_json(FILE *out, const args *a, const tl_model *m) {
    js_writer w;
    js_init(&w, out, false);
    js_object(&w);
    js_schema(&w, "export", 1);
    js_kstr(&w, "trace", a->trace);
    js_kuint(&w, "first_event", m->seq0);
    js_kuint(&w, "events", m->n);
    js_kuint(&w, "lanes", m->nlanes);
    js_kuint(&w, "slices", tl_slices(m));
    js_kuint(&w, "instants", m->ninstants);
    js_kuint(&w, "flows", m->nflows);
    js_key(&w, "failure");
    if (m->failure >= 0) {
        char label[128];
        tr_event_label(label, sizeof label, &m->ev[m->failure]);
        js_object(&w);
        js_kuint(&w, "event", m->seq0 + (uint64_t)m->failure);
        js_kstr(&w, "what", label);
        js_object_end(&w);
    } else {
        js_null(&w);
    }
    js_kstr(&w, "perfetto", a->perfetto);
    js_kstr(&w, "html", a->html);
    js_object_end(&w);
    js_finish(&w);
}

static int export_model(const args *a, const tl_model *m, FILE *out, FILE *err) {
    int rc = TR_EXIT_OK;
    bool to_stdout = (a->perfetto != NULL && strcmp(a->perfetto, "-") == 0) ||
                     (a->html != NULL && strcmp(a->html, "-") == 0);
    if (to_stdout)
        out = err;   /* the summary line must not mix with the output */
    if (a->perfetto != NULL)
        rc = write_output(a->perfetto, perfetto_fn, m, a->trace, err);
    if (rc == TR_EXIT_OK && a->html != NULL)
        rc = write_output(a->html, tr_export_html, m, a->trace, err);
    if (rc == TR_EXIT_OK && a->json)
        put_export_json(out, a, m);
    else if (rc == TR_EXIT_OK)
        fprintf(out, "exported %zu events: %zu lanes, %zu slices, %zu instants, %zu flows\n", m->n, m->nlanes,
                tl_slices(m), m->ninstants, m->nflows);
    return rc;
}

int tr_export_main(int argc, char **argv, FILE *out, FILE *err) {
    args a;
    int rc = parse_args(&a, &tr_export_command, argc, argv, out, err);
    if (rc < 0)
        return TR_EXIT_OK;   /* --help */
    if (rc == TR_EXIT_OK && a.perfetto == NULL && a.html == NULL) {
        fprintf(err, "gmpsim export: say --perfetto OUT.json and/or --html OUT.html (see `gmpsim export --help`)\n");
        rc = TR_EXIT_USAGE;
    }
    if (rc == TR_EXIT_OK)
        rc = check_outputs(&a, err);
    tr_reader *r = NULL;
    if (rc == TR_EXIT_OK)
        rc = open_trace(&a, TR_READ_STRICT, &r, err);
    if (rc != TR_EXIT_OK)
        return rc;
    tr_event *ev = NULL;
    size_t n = 0;
    uint64_t seq0 = 0;
    rc = load_range(&a, r, &ev, &n, &seq0, err);
    tr_reader_close(r);
    tl_model m;
    if (rc == TR_EXIT_OK && !tl_build(&m, ev, n, seq0)) {
        fprintf(err, "gmpsim export: out of memory\n");
        rc = TR_EXIT_IO;
    } else if (rc == TR_EXIT_OK) {
        rc = export_model(&a, &m, out, err);
        tl_free(&m);
    }
    free(ev);
    return rc;
}

int tr_cmd_export(int argc, char **argv) { return tr_export_main(argc, argv, stdout, stderr); }
