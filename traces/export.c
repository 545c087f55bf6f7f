/* traces/export.c: Perfetto JSON and HTML timeline writers (see export.h). */
#include "export.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "values.h"

/* The viewer page, generated from traces/viewer.html at build time. */
extern const unsigned char tr_viewer_html[];
extern const size_t tr_viewer_html_len;
#define VIEWER_DATA_MARK "@GMPSIM_DATA@"

/* Room for an event label ("globrunqputbatch ..."), an id or a number. */
enum { LABEL_BYTES = 96, NUM_BYTES = 32 };

/* ---- JSON pieces ---- */

/* A JSON string; '<', '>' and '&' are escaped too, so the text is safe
 * inside an HTML <script>, and bytes >= 0x80 become \u00XX so any file
 * name gives valid JSON. */
static void json_str(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f || *p == '<' || *p == '>' || *p == '&')
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

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
    [TL_LANE_P] = "Ps", [TL_LANE_M] = "Ms", [TL_LANE_DRIVER] = "driver"};

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
    fputs("\n]}\n", out);
    return ferror(out) ? EIO : 0;
}

/* ---- HTML ---- */

static void put_catalogue(FILE *out) {
    fputs("\"kinds\":[", out);
    for (int k = 0; k < EV__COUNT; k++)
        fprintf(out, "%s[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]", k ? "," : "", tr_kinds[k].name,
                tr_category_names[tr_kinds[k].cat], tr_kinds[k].arg[0], tr_kinds[k].arg[1], tr_kinds[k].arg[2]);
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

/* [lane, t0, t1, g, seq0, seq1] per lane a span is drawn on. */
static void put_slices(FILE *out, const tl_model *m) {
    fputs(",\n\"slices\":[", out);
    jw w = {out, true};
    for (size_t i = 0; i < m->nspans; i++) {
        const tl_span *s = &m->spans[i];
        int32_t lanes[2] = {tl_span_p_lane(m, s), tl_span_m_lane(m, s)};
        for (int k = 0; k < 2; k++)
            if (lanes[k] >= 0) {
                jw_next(&w);
                fprintf(out, "[%d,%" PRId64 ",%" PRId64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 "]", lanes[k], s->t0,
                        s->t1, s->g, s->seq0, s->seq1);
            }
    }
    fputs("]", out);
}

/* [lane, t, kind, seq, g, m, p, a0, a1, a2, label] per instant. */
static void put_instants(FILE *out, const tl_model *m) {
    fputs(",\n\"instants\":[", out);
    jw w = {out, true};
    for (size_t i = 0; i < m->n; i++) {
        const tr_event *e = &m->ev[i];
        if (e->kind == EV_EXECUTE)
            continue;
        char label[LABEL_BYTES];
        tr_event_label(label, sizeof label, e);
        jw_next(&w);
        fprintf(out, "[%d,%" PRId64 ",%u,%" PRIu64 ",%" PRIu32 ",%d,%d,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
                tl_instant_lane(m, e), e->time, (unsigned)e->kind, m->seq0 + i, e->g,
                e->m == TR_NONE ? -1 : (int)e->m, e->p == TR_NONE ? -1 : (int)e->p, e->a[0], e->a[1], e->a[2]);
        json_str(out, label);
        fputs("]", out);
    }
    fputs("]", out);
}

/* [lane0, t0, lane1, t1, g] per flow. */
static void put_flows(FILE *out, const tl_model *m) {
    fputs(",\n\"flows\":[", out);
    jw w = {out, true};
    for (size_t i = 0; i < m->nflows; i++) {
        const tl_flow *f = &m->flows[i];
        int32_t to_lane = tl_flow_to_lane(m, f);
        if (to_lane < 0)
            continue;
        jw_next(&w);
        fprintf(out, "[%d,%" PRId64 ",%d,%" PRId64 ",%" PRIu32 "]", tl_flow_from_lane(m, f),
                m->ev[f->seq0 - m->seq0].time, to_lane, m->ev[f->seq1 - m->seq0].time, f->g);
    }
    fputs("]", out);
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
    put_catalogue(out);
    put_lanes(out, m);
    put_slices(out, m);
    put_instants(out, m);
    put_flows(out, m);
    fputs("}", out);
    const char *rest = mark + strlen(VIEWER_DATA_MARK);
    fwrite(rest, 1, tr_viewer_html_len - (size_t)(rest - page), out);
    return ferror(out) ? EIO : 0;
}
