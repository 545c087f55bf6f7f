/* traces/tools.c: the dump and export commands (see tools.h). */
#include "tools.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "export.h"
#include "tfile.h"
#include "timeline.h"
#include "values.h"

/* A dump line: tr_format_long of one event fits easily. */
enum { LINE_BYTES = 512 };

/* ---- arguments ---- */

enum { OPT_FROM = 1, OPT_TO = 2, OPT_KIND = 4, OPT_G = 8, OPT_PREFIX = 16, OPT_PERFETTO = 32, OPT_HTML = 64 };

typedef struct args {
    const char *cmd;
    const char *trace;
    uint64_t from, to;            /* inclusive */
    bool by_kind;
    bool kinds[EV__COUNT];
    bool by_g;
    uint32_t g;
    bool prefix;
    const char *perfetto, *html;
} args;

static const char *const usage_dump =
    "usage: gmpsim dump TRACE [--from N] [--to M] [--kind K[,K...]] [--g G] [--prefix]\n";
static const char *const usage_export =
    "usage: gmpsim export TRACE [--perfetto OUT.json] [--html OUT.html] [--from N] [--to M]\n";

static bool parse_u64(const char *s, uint64_t max, uint64_t *v) {
    if (s == NULL || *s == 0)
        return false;
    uint64_t x = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (x > (max - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *v = x;
    return true;
}

/* "gosched,gopark" -> kinds[]; false on an unknown name. */
static bool parse_kinds(const char *list, bool *kinds, FILE *err) {
    char *copy = strdup(list);
    if (copy == NULL)
        return false;
    bool ok = true;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        int k = tr_kind_by_name(name);
        if (k < 0) {
            fprintf(err, "unknown event kind \"%s\"\n", name);
            ok = false;
            break;
        }
        kinds[k] = true;
    }
    free(copy);
    return ok;
}

/* One option with its value; false (message on err) when it is bad. */
static bool take_option(args *a, const char *name, const char *val, unsigned allowed, FILE *err) {
    static const struct {
        const char *name;
        unsigned bit;
    } known[] = {{"--from", OPT_FROM}, {"--to", OPT_TO},         {"--kind", OPT_KIND}, {"--g", OPT_G},
                 {"--prefix", OPT_PREFIX}, {"--perfetto", OPT_PERFETTO}, {"--html", OPT_HTML}};
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i].name) == 0)
            bit = known[i].bit;
    if ((bit & allowed) == 0) {
        fprintf(err, "gmpsim %s: unknown option %s\n", a->cmd, name);
        return false;
    }
    if (bit == OPT_PREFIX)
        return a->prefix = true;
    if (val == NULL) {
        fprintf(err, "gmpsim %s: %s needs a value\n", a->cmd, name);
        return false;
    }
    uint64_t v = 0;
    bool ok = true;
    switch (bit) {
    case OPT_FROM: ok = parse_u64(val, UINT64_MAX, &a->from); break;
    case OPT_TO: ok = parse_u64(val, UINT64_MAX, &a->to); break;
    case OPT_KIND: ok = a->by_kind = parse_kinds(val, a->kinds, err); break;
    case OPT_G:
        ok = a->by_g = parse_u64(val, UINT32_MAX, &v);
        a->g = (uint32_t)v;
        break;
    case OPT_PERFETTO: a->perfetto = val; break;
    default: a->html = val; break;
    }
    if (!ok)
        fprintf(err, "gmpsim %s: bad value for %s: %s\n", a->cmd, name, val);
    return ok;
}

/* Parse argv; returns TR_EXIT_OK, or TR_EXIT_USAGE after a message. */
static int parse_args(args *a, int argc, char **argv, unsigned allowed, const char *usage, FILE *err) {
    memset(a, 0, sizeof *a);
    a->cmd = argc > 0 ? argv[0] : "?";
    a->to = UINT64_MAX;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strncmp(s, "--", 2) != 0) {
            if (a->trace != NULL) {
                fprintf(err, "gmpsim %s: one trace file, please (%s)\n", a->cmd, s);
                return TR_EXIT_USAGE;
            }
            a->trace = s;
            continue;
        }
        char name[32];
        const char *eq = strchr(s, '=');
        size_t nlen = eq ? (size_t)(eq - s) : strlen(s);
        snprintf(name, sizeof name, "%.*s", (int)(nlen < sizeof name ? nlen : sizeof name - 1), s);
        const char *val = eq ? eq + 1 : NULL;
        bool needs_value = strcmp(name, "--prefix") != 0;
        if (needs_value && val == NULL && i + 1 < argc)
            val = argv[++i];
        if (!take_option(a, name, val, allowed, err)) {
            fputs(usage, err);
            return TR_EXIT_USAGE;
        }
    }
    if (a->trace == NULL || a->from > a->to) {
        fprintf(err, "gmpsim %s: %s\n", a->cmd, a->trace == NULL ? "no trace file" : "--from is after --to");
        fputs(usage, err);
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
        if (id == TR_SEC_CONFIG) {
            fputs(": ", out);
            put_text(out, s, len);
        } else {
            fprintf(out, ": %zu bytes\n", len);
        }
    }
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
    int rc = parse_args(&a, argc, argv, OPT_FROM | OPT_TO | OPT_KIND | OPT_G | OPT_PREFIX, usage_dump, err);
    tr_reader *r = NULL;
    if (rc == TR_EXIT_OK)
        rc = open_trace(&a, a.prefix ? TR_READ_PREFIX : TR_READ_STRICT, &r, err);
    if (rc != TR_EXIT_OK)
        return rc;
    put_summary(out, a.trace, r);
    uint64_t seq;
    tr_event e;
    char line[LINE_BYTES];
    while (tr_reader_next(r, &seq, &e) && seq <= a.to) {
        if (!selected(&a, seq, &e))
            continue;
        tr_format_long(line, sizeof line, seq, &e);
        fputs(line, out);
        fputc('\n', out);
    }
    const tr_error *d = tr_reader_damage(r);
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
    if (rc == TR_EXIT_OK)
        fprintf(out, "exported %zu events: %zu lanes, %zu slices, %zu instants, %zu flows\n", m->n, m->nlanes,
                tl_slices(m), m->ninstants, m->nflows);
    return rc;
}

int tr_export_main(int argc, char **argv, FILE *out, FILE *err) {
    args a;
    int rc = parse_args(&a, argc, argv, OPT_FROM | OPT_TO | OPT_PERFETTO | OPT_HTML, usage_export, err);
    if (rc == TR_EXIT_OK && a.perfetto == NULL && a.html == NULL) {
        fprintf(err, "gmpsim export: say --perfetto OUT.json and/or --html OUT.html\n%s", usage_export);
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
