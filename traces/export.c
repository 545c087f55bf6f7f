/* traces/export.c: Perfetto JSON and HTML timeline writers (see export.h). */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "values.h"

/* The viewer page, generated from traces/viewer.html at build time. */
extern const unsigned char tr_viewer_html[];
extern const size_t tr_viewer_html_len;
#define VIEWER_DATA_MARK "@GMPSIM_DATA@"

/* Room for an event label ("globrunqputbatch ..."), an id or a number. */
enum { LABEL_BYTES = 96, NUM_BYTES = 32 };

/* ---- JSON pieces ---- */

/* A JSON string; '<', '>' and '&' are escaped too, so the text is safe
 * inside an HTML <script>.  Valid UTF-8 passes through; a byte outside a
 * valid sequence becomes the text \xNN (as traces/json.h does). */
static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t u = *p >= 0x80 ? js_utf8_len(p, left) : 0;
        if (u > 0) {
            fwrite(p, 1, u, out);
            p += u, left -= u;
            continue;
        }
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p >= 0x80)
            fprintf(out, "\\\\x%02x", *p);
        else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '&')
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
        p++, left--;
    }
    fputc('"', out);
}

/* The categories of traces/events.def in plain words: the HTML legend and
 * the Perfetto process names use them. */
static const char *const category_words[TRC__COUNT] = {
    [TRC_GLIFE] = "goroutines created, exited, reused",
    [TRC_RUNQ] = "run queues: put, get, steal",
    [TRC_PM] = "Ps and Ms: start, stop, spin, idle",
    [TRC_EXEC] = "a goroutine starts running",
    [TRC_BLOCK] = "blocking and wakeups",
    [TRC_SYS] = "syscalls, sysmon, timers, GOMAXPROCS",
    [TRC_DRV] = "simulator: choices, invariants, the end",
};

/* Virtual ns as microseconds with three decimals: 1500 -> "1.500". */
static const char *us(char *buf, int64_t ns) {
    uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, NUM_BYTES, "%s%" PRIu64 ".%03u", ns < 0 ? "-" : "", mag / 1000, (unsigned)(mag % 1000));
    return buf;
}

/* Length of a span in ns; 0 when time ran backwards (a hand-made trace). */
static uint64_t span_ns(const tl_span *s) { return s->t1 > s->t0 ? (uint64_t)s->t1 - (uint64_t)s->t0 : 0; }

static const char *dur_us(char *buf, uint64_t ns) {
    snprintf(buf, NUM_BYTES, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
    return buf;
}

/* ---- Perfetto ---- */

/* Perfetto process ids of the three lane kinds. */
static const int lane_pid[TL_LANE__COUNT] = {[TL_LANE_P] = 1, [TL_LANE_M] = 2, [TL_LANE_DRIVER] = 3};
static const char *const lane_process[TL_LANE__COUNT] = {
    [TL_LANE_P] = "Ps (processors)", [TL_LANE_M] = "Ms (OS threads)", [TL_LANE_DRIVER] = "driver (simulator)"};

typedef struct jw {
    FILE *out;
    bool first;  /* no comma before the first element */
} jw;

static void jw_next(jw *w) {
    fputs(w->first ? "\n" : ",\n", w->out);
    w->first = false;
}

static void put_where(jw *w, const tl_model *m, int32_t lane) {
    const tl_lane *l = &m->lanes[lane];
    fprintf(w->out, "\"pid\":%d,\"tid\":%u", lane_pid[l->kind], (unsigned)l->id);
}

static void put_metadata(jw *w, const tl_model *m) {
    bool seen[TL_LANE__COUNT] = {0};
    for (size_t i = 0; i < m->nlanes; i++) {
        const tl_lane *l = &m->lanes[i];
        if (!seen[l->kind]) {
            seen[l->kind] = true;
            jw_next(w);
            fprintf(w->out, "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":\"%s\"}}",
                    lane_pid[l->kind], lane_process[l->kind]);
            jw_next(w);
            fprintf(w->out, "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_sort_index\",\"args\":{\"sort_index\":%d}}",
                    lane_pid[l->kind], lane_pid[l->kind]);
        }
        char name[NUM_BYTES];
        tl_lane_name(l, name, sizeof name);
        jw_next(w);
        fprintf(w->out, "{\"ph\":\"M\",");
        put_where(w, m, (int32_t)i);
        fprintf(w->out, ",\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}}", name);
        jw_next(w);
        fprintf(w->out, "{\"ph\":\"M\",");
        put_where(w, m, (int32_t)i);
        fprintf(w->out, ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%u}}", (unsigned)l->id);
    }
}

static void put_slice(jw *w, const tl_model *m, const tl_span *s, int32_t lane) {
    if (lane < 0)
        return;
    char t[NUM_BYTES], d[NUM_BYTES];
    jw_next(w);
    fprintf(w->out, "{\"ph\":\"X\",");
    put_where(w, m, lane);
    fprintf(w->out,
            ",\"ts\":%s,\"dur\":%s,\"name\":\"G%" PRIu32 "\",\"cat\":\"run\",\"args\":{\"g\":%" PRIu32
            ",\"seq\":%" PRIu64 ",\"end_seq\":%" PRIu64 "}}",
            us(t, s->t0), dur_us(d, span_ns(s)), s->g, s->g, s->seq0, s->seq1);
}

static void put_event_args(FILE *out, uint64_t seq, const tr_event *e) {
    fprintf(out, "\"args\":{\"seq\":%" PRIu64 ",\"G\":%" PRIu32, seq, e->g);
    if (e->m != TR_NONE)
        fprintf(out, ",\"M\":%u", (unsigned)e->m);
    if (e->p != TR_NONE)
        fprintf(out, ",\"P\":%u", (unsigned)e->p);
    for (int i = 0; i < 3 && e->kind < EV__COUNT; i++)
        if (tr_kinds[e->kind].arg[i][0] != 0)
            fprintf(out, ",\"%s\":%" PRIu32, tr_kinds[e->kind].arg[i], e->a[i]);
    fputs("}", out);
}

static void put_instant(jw *w, const tl_model *m, size_t i) {
    const tr_event *e = &m->ev[i];
    char t[NUM_BYTES], label[LABEL_BYTES];
    tr_event_label(label, sizeof label, e);
    jw_next(w);
    fprintf(w->out, "{\"ph\":\"i\",\"s\":\"t\",");
    put_where(w, m, tl_instant_lane(m, e));
    fprintf(w->out, ",\"ts\":%s,\"name\":", us(t, e->time));
    json_str(w->out, label);
    fprintf(w->out, ",\"cat\":\"%s\",", tr_category_names[tr_kinds[e->kind].cat]);
    put_event_args(w->out, m->seq0 + i, e);
    fputs("}", w->out);
}

static void put_flow(jw *w, const tl_model *m, const tl_flow *f, size_t id) {
    const tr_event *from = &m->ev[f->seq0 - m->seq0], *to = &m->ev[f->seq1 - m->seq0];
    int32_t to_lane = tl_flow_to_lane(m, f);
    if (to_lane < 0)
        return;
    char t[NUM_BYTES];
    jw_next(w);
    fprintf(w->out, "{\"ph\":\"s\",\"id\":%zu,", id);
    put_where(w, m, tl_flow_from_lane(m, f));
    fprintf(w->out, ",\"ts\":%s,\"name\":\"wakeup G%" PRIu32 "\",\"cat\":\"wakeup\"}", us(t, from->time), f->g);
    jw_next(w);
    fprintf(w->out, "{\"ph\":\"f\",\"bp\":\"e\",\"id\":%zu,", id);
    put_where(w, m, to_lane);
    fprintf(w->out, ",\"ts\":%s,\"name\":\"wakeup G%" PRIu32 "\",\"cat\":\"wakeup\"}", us(t, to->time), f->g);
}

/* "FAILURE: invariant 3 at event #N": the HTML banner says the same. */
static void failure_text(const tl_model *m, char *buf, size_t len) {
    const tr_event *e = &m->ev[m->failure];
    char label[LABEL_BYTES];
    tr_event_label(label, sizeof label, e);
    snprintf(buf, len, "FAILURE: %s at event #%" PRIu64, label, m->seq0 + (uint64_t)m->failure);
}

/* A global instant: Perfetto draws it as a line across every track. */
static void put_failure(jw *w, const tl_model *m) {
    const tr_event *e = &m->ev[m->failure];
    char t[NUM_BYTES], text[LABEL_BYTES + 48];
    failure_text(m, text, sizeof text);
    jw_next(w);
    fprintf(w->out, "{\"ph\":\"i\",\"s\":\"g\",");
    put_where(w, m, tl_instant_lane(m, e) >= 0 ? tl_instant_lane(m, e) : 0);
    fprintf(w->out, ",\"ts\":%s,\"name\":", us(t, e->time));
    json_str(w->out, text);
    fputs(",\"cat\":\"failure\",", w->out);
    put_event_args(w->out, m->seq0 + (uint64_t)m->failure, e);
    fputs("}", w->out);
}

int tr_export_perfetto(FILE *out, const tl_model *m) {
    jw w = {out, true};
    fprintf(out, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"gmpsim\",\"first_seq\":%" PRIu64
                 ",\"events\":%zu},\n\"traceEvents\":[",
            m->seq0, m->n);
    put_metadata(&w, m);
    for (size_t i = 0; i < m->nspans; i++) {
        put_slice(&w, m, &m->spans[i], tl_span_p_lane(m, &m->spans[i]));
        put_slice(&w, m, &m->spans[i], tl_span_m_lane(m, &m->spans[i]));
    }
    for (size_t i = 0; i < m->n; i++)
        if (m->ev[i].kind != EV_EXECUTE)
            put_instant(&w, m, i);
    for (size_t i = 0; i < m->nflows; i++)
        put_flow(&w, m, &m->flows[i], i + 1);
    if (m->failure >= 0)
        put_failure(&w, m);
    fputs("\n]}\n", out);
    return ferror(out) ? EIO : 0;
}

/* ---- HTML ---- */

/* The page's data (traces/viewer.html reads it): the catalogue, the coded
 * values' names, the lanes, the failure, and the slices, instants and
 * flows as columns (one array per field, so a million events stay a
 * compact page).  Instants' "dt" and "dseq" are deltas from the previous
 * instant (the first from 0 and first_seq). */

static void put_catalogue(FILE *out, const tl_model *m) {
    fputs("\"kinds\":[", out);
    for (int k = 0; k < EV__COUNT; k++)
        fprintf(out, "%s[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]", k ? "," : "", tr_kinds[k].name,
                tr_category_names[tr_kinds[k].cat], tr_kinds[k].arg[0], tr_kinds[k].arg[1], tr_kinds[k].arg[2]);
    fputs("],\n\"categories\":{", out);
    for (int c = 0; c < TRC__COUNT; c++) {
        fprintf(out, "%s\"%s\":", c ? "," : "", tr_category_names[c]);
        json_str(out, category_words[c]);
    }
    fputs("},\n\"values\":[", out);
    bool first = true;
#define V(KIND, ARG, VALUE, NAME)                                                                   \
    fprintf(out, "%s[%d,%d,%d,", first ? "" : ",", (int)EV_##KIND, (int)(ARG), (int)(VALUE)); \
    json_str(out, NAME);                                                                            \
    fputs("]", out);                                                                                \
    first = false;
#include "values.def"
#undef V
    /* invariant ids are named at run time (tr_invariant_namer) */
    for (size_t i = 0; i < m->n; i++) {
        const tr_event *e = &m->ev[i];
        const char *name = e->kind == EV_INVARIANT ? tr_value_name(EV_INVARIANT, 0, e->a[0]) : NULL;
        if (name == NULL)
            continue;
        fprintf(out, "%s[%d,0,%" PRIu32 ",", first ? "" : ",", (int)EV_INVARIANT, e->a[0]);
        json_str(out, name);
        fputs("]", out);
        first = false;
    }
    fputs("]", out);
}

static void put_lanes(FILE *out, const tl_model *m) {
    fputs(",\n\"lanes\":[", out);
    for (size_t i = 0; i < m->nlanes; i++) {
        char name[NUM_BYTES];
        tl_lane_name(&m->lanes[i], name, sizeof name);
        fprintf(out, "%s\"%s\"", i ? "," : "", name);
    }
    fputs("]", out);
}

static void put_failure_data(FILE *out, const tl_model *m) {
    fputs(",\n\"failure\":", out);
    if (m->failure < 0) {
        fputs("null", out);
        return;
    }
    const tr_event *e = &m->ev[m->failure];
    char text[LABEL_BYTES + 48];
    failure_text(m, text, sizeof text);
    fprintf(out, "{\"seq\":%" PRIu64 ",\"t\":%" PRId64 ",\"lane\":%d,\"text\":", m->seq0 + (uint64_t)m->failure,
            e->time, tl_instant_lane(m, e));
    json_str(out, text);
    fputs("}", out);
}

/* One column: ",\n"name":[v0,v1,...]" of the n values get(m, i, arg). */
typedef int64_t (*column_fn)(const tl_model *m, size_t i, const void *arg);

static void put_column(FILE *out, const char *name, const tl_model *m, size_t n, column_fn get, const void *arg,
                       bool first) {
    fprintf(out, "%s\"%s\":[", first ? "" : ",", name);
    char buf[24];
    for (size_t i = 0; i < n; i++) {
        /* decimal by hand: a million-event page is ten million numbers */
        int64_t v = get(m, i, arg);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char *e = buf + sizeof buf, *d = e;
        do
            *--d = (char)('0' + mag % 10);
        while ((mag /= 10) != 0);
        if (v < 0)
            *--d = '-';
        if (i > 0)
            *--d = ',';
        fwrite(d, 1, (size_t)(e - d), out);
    }
    fputs("]", out);
}

/* Slices: one row per lane a span is drawn on (its P lane, then its M lane). */
static int64_t slice_field(const tl_model *m, size_t i, const void *arg) {
    const tl_span *s = &m->spans[i / 2];
    int64_t lane = i % 2 ? tl_span_m_lane(m, s) : tl_span_p_lane(m, s);
    switch (*(const char *)arg) {
    case 'l': return lane;
    case 'a': return s->t0;
    case 'b': return s->t1;
    case 'g': return s->g;
    case 's': return (int64_t)s->seq0;
    default: return (int64_t)s->seq1;
    }
}

static void put_slices(FILE *out, const tl_model *m) {
    /* rows with lane -1 (a span without a P or an M) are kept: the viewer skips them */
    fputs(",\n\"slices\":{", out);
    size_t n = 2 * m->nspans;
    put_column(out, "lane", m, n, slice_field, "l", true);
    put_column(out, "t0", m, n, slice_field, "a", false);
    put_column(out, "t1", m, n, slice_field, "b", false);
    put_column(out, "g", m, n, slice_field, "g", false);
    put_column(out, "seq0", m, n, slice_field, "s", false);
    put_column(out, "seq1", m, n, slice_field, "e", false);
    fputs("}", out);
}

/* Instants: every event but EXECUTE, in order; idx[] maps row -> event. */
typedef struct inst_cols {
    const size_t *idx;
    char field;
} inst_cols;

static int64_t instant_field(const tl_model *m, size_t i, const void *arg) {
    const inst_cols *c = arg;
    const tr_event *e = &m->ev[c->idx[i]];
    const tr_event *prev = i > 0 ? &m->ev[c->idx[i - 1]] : NULL;
    switch (c->field) {
    case 'l': return tl_instant_lane(m, e);
    case 't': return e->time - (prev != NULL ? prev->time : 0);
    case 'k': return e->kind;
    case 's': return (int64_t)(c->idx[i] - (prev != NULL ? c->idx[i - 1] : 0));
    case 'g': return e->g;
    case 'm': return e->m == TR_NONE ? -1 : e->m;
    case 'p': return e->p == TR_NONE ? -1 : e->p;
    default: return e->a[c->field - '0'];
    }
}

static int put_instants(FILE *out, const tl_model *m) {
    size_t *idx = malloc((m->n ? m->n : 1) * sizeof *idx), k = 0;
    if (idx == NULL)
        return ENOMEM;
    for (size_t i = 0; i < m->n; i++)
        if (m->ev[i].kind != EV_EXECUTE)
            idx[k++] = i;
    fputs(",\n\"instants\":{", out);
    static const char *const names[] = {"lane", "dt", "kind", "dseq", "g", "m", "p", "a0", "a1", "a2"};
    static const char fields[] = "ltksgmp012";
    for (int f = 0; f < 10; f++) {
        inst_cols c = {idx, fields[f]};
        put_column(out, names[f], m, k, instant_field, &c, f == 0);
    }
    fputs("}", out);
    free(idx);
    return 0;
}

static int64_t flow_field(const tl_model *m, size_t i, const void *arg) {
    const tl_flow *f = &m->flows[i];
    switch (*(const char *)arg) {
    case 'l': return tl_flow_from_lane(m, f);
    case 'a': return m->ev[f->seq0 - m->seq0].time;
    case 'L': return tl_flow_to_lane(m, f);
    case 'b': return m->ev[f->seq1 - m->seq0].time;
    default: return f->g;
    }
}

static void put_flows(FILE *out, const tl_model *m) {
    /* a flow whose EXECUTE has no lane has lane1 -1: the viewer skips it */
    fputs(",\n\"flows\":{", out);
    put_column(out, "lane0", m, m->nflows, flow_field, "l", true);
    put_column(out, "t0", m, m->nflows, flow_field, "a", false);
    put_column(out, "lane1", m, m->nflows, flow_field, "L", false);
    put_column(out, "t1", m, m->nflows, flow_field, "b", false);
    put_column(out, "g", m, m->nflows, flow_field, "g", false);
    fputs("}", out);
}

int tr_export_html(FILE *out, const tl_model *m, const char *title) {
    const char *page = (const char *)tr_viewer_html;
    const char *mark = strstr(page, VIEWER_DATA_MARK);
    if (mark == NULL)
        return EINVAL;
    fwrite(page, 1, (size_t)(mark - page), out);
    fputs("{\"title\":", out);
    json_str(out, title);
    fprintf(out, ",\"first_seq\":%" PRIu64 ",\"events\":%zu,\n", m->seq0, m->n);
    put_catalogue(out, m);
    put_lanes(out, m);
    put_failure_data(out, m);
    put_slices(out, m);
    int e = put_instants(out, m);
    if (e != 0)
        return e;
    put_flows(out, m);
    fputs("}", out);
    const char *rest = mark + strlen(VIEWER_DATA_MARK);
    fwrite(rest, 1, tr_viewer_html_len - (size_t)(rest - page), out);
    return ferror(out) ? EIO : 0;
}
