/* traces/timeline.c: lanes, spans, instants and flows of a trace (see timeline.h). */
#include "timeline.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* seq1 of a span that has not ended yet. */
#define SPAN_OPEN UINT64_MAX

/* ---- a small map from goid to a pending flow (lookups only, never walked) ---- */

typedef struct gmap {
    uint32_t *keys;
    uint32_t *vals;   /* flow index + 1; 0: none pending */
    uint8_t *used;
    size_t cap, count;
} gmap;

static size_t gmap_slot(const gmap *mp, uint32_t g) {
    size_t i = (size_t)((g * 0x9e3779b1u) & (mp->cap - 1));
    while (mp->used[i] && mp->keys[i] != g)
        i = (i + 1) & (mp->cap - 1); /* at most half full, so a free slot exists */
    return i;
}

static bool gmap_init(gmap *mp, size_t cap) {
    mp->cap = cap;
    mp->count = 0;
    mp->keys = calloc(cap, sizeof *mp->keys);
    mp->vals = calloc(cap, sizeof *mp->vals);
    mp->used = calloc(cap, 1);
    return mp->keys && mp->vals && mp->used;
}

static void gmap_free(gmap *mp) {
    free(mp->keys);
    free(mp->vals);
    free(mp->used);
}

static bool gmap_put(gmap *mp, uint32_t g, uint32_t v) {
    if (2 * (mp->count + 1) > mp->cap) {
        gmap old = *mp;
        if (!gmap_init(mp, old.cap * 2)) {
            gmap_free(mp);
            *mp = old;
            return false;
        }
        for (size_t i = 0; i < old.cap; i++)
            if (old.used[i]) {
                size_t j = gmap_slot(mp, old.keys[i]);
                mp->used[j] = 1;
                mp->keys[j] = old.keys[i];
                mp->vals[j] = old.vals[i];
                mp->count++;
            }
        gmap_free(&old);
    }
    size_t i = gmap_slot(mp, g);
    if (!mp->used[i]) {
        mp->used[i] = 1;
        mp->keys[i] = g;
        mp->count++;
    }
    mp->vals[i] = v;
    return true;
}

static uint32_t gmap_take(gmap *mp, uint32_t g) {
    size_t i = gmap_slot(mp, g);
    if (!mp->used[i])
        return 0;
    uint32_t v = mp->vals[i];
    mp->vals[i] = 0;
    return v;
}

/* ---- lanes ---- */

/* Grow *ids to hold id (TR_NONE is no id). */
static void cover(size_t *ids, uint32_t id) {
    if (id < TR_NONE && id >= *ids)
        *ids = (size_t)id + 1;
}

/* 1 + the largest P and M ids: those of the events, the Ps a procresize
 * made, the Ms a newm or startm named, so idle ones get lanes too. */
static void count_ids(tl_model *m) {
    for (size_t i = 0; i < m->n; i++) {
        const tr_event *e = &m->ev[i];
        cover(&m->p_ids, e->p);
        cover(&m->m_ids, e->m);
        if (e->kind == EV_PROCRESIZE && e->a[1] > 0)
            cover(&m->p_ids, e->a[1] - 1);
        if (e->kind == EV_NEWM || e->kind == EV_STARTM)
            cover(&m->m_ids, e->a[0]);
    }
}

/* A table by id, every entry -1 (all bytes 0xff). */
static int32_t *id_table(size_t n) {
    int32_t *t = malloc((n ? n : 1) * sizeof *t);
    if (t != NULL)
        memset(t, 0xff, (n ? n : 1) * sizeof *t);
    return t;
}

/* Every P, then every M, by id (idle ones included), then the driver
 * lane when some event has neither. */
static bool find_lanes(tl_model *m) {
    m->lane_of_p = id_table(m->p_ids);
    m->lane_of_m = id_table(m->m_ids);
    m->lanes = malloc((m->p_ids + m->m_ids + 1) * sizeof *m->lanes);
    if (!m->lane_of_p || !m->lane_of_m || !m->lanes)
        return false;
    for (size_t id = 0; id < m->p_ids; id++) {
        m->lane_of_p[id] = (int32_t)m->nlanes;
        m->lanes[m->nlanes++] = (tl_lane){TL_LANE_P, (uint16_t)id};
    }
    for (size_t id = 0; id < m->m_ids; id++) {
        m->lane_of_m[id] = (int32_t)m->nlanes;
        m->lanes[m->nlanes++] = (tl_lane){TL_LANE_M, (uint16_t)id};
    }
    bool driver = false;
    for (size_t i = 0; i < m->n && !driver; i++)
        driver = m->ev[i].p == TR_NONE && m->ev[i].m == TR_NONE && m->ev[i].kind != EV_EXECUTE;
    m->driver_lane = -1;
    if (driver) {
        m->driver_lane = (int32_t)m->nlanes;
        m->lanes[m->nlanes++] = (tl_lane){TL_LANE_DRIVER, 0};
    }
    return true;
}

/* ---- spans ---- */

typedef struct builder {
    tl_model *m;
    uint32_t *open_p, *open_m;   /* span index + 1 running on each P / M; 0: none */
    gmap pending;                /* goid -> flow index + 1 of its last GOREADY */
} builder;

static bool takes_g_off(unsigned kind) {
    switch (kind) {
    case EV_GOSCHED:
    case EV_GOPARK:
    case EV_PREEMPT:
    case EV_GOEXIT:
    case EV_ENTERSYSCALL:
    case EV_GOYIELD:
        return true;
    default:
        return false;
    }
}

static void end_span(builder *b, uint32_t idx1, const tr_event *e, uint64_t seq) {
    tl_span *s = &b->m->spans[idx1 - 1];
    assert(s->seq1 == SPAN_OPEN);
    s->t1 = e->time;
    s->seq1 = seq;
    if (s->p != TR_NONE && b->open_p[s->p] == idx1)
        b->open_p[s->p] = 0;
    if (s->m != TR_NONE && b->open_m[s->m] == idx1)
        b->open_m[s->m] = 0;
}

static void on_execute(builder *b, const tr_event *e, uint64_t seq) {
    if (e->p != TR_NONE && b->open_p[e->p])
        end_span(b, b->open_p[e->p], e, seq);
    if (e->m != TR_NONE && b->open_m[e->m])
        end_span(b, b->open_m[e->m], e, seq);
    tl_model *m = b->m;
    m->spans[m->nspans++] =
        (tl_span){.g = e->a[0], .p = e->p, .m = e->m, .t0 = e->time, .seq0 = seq, .seq1 = SPAN_OPEN};
    uint32_t idx1 = (uint32_t)m->nspans;
    if (e->p != TR_NONE)
        b->open_p[e->p] = idx1;
    if (e->m != TR_NONE)
        b->open_m[e->m] = idx1;
    uint32_t f = gmap_take(&b->pending, e->a[0]);
    if (f != 0)
        m->flows[f - 1].seq1 = seq;
}

static void on_off(builder *b, const tr_event *e, uint64_t seq) {
    uint32_t g = e->a[0];
    uint32_t onp = e->p != TR_NONE ? b->open_p[e->p] : 0;
    uint32_t onm = e->m != TR_NONE ? b->open_m[e->m] : 0;
    if (onp && b->m->spans[onp - 1].g == g)
        end_span(b, onp, e, seq);
    else if (onm && b->m->spans[onm - 1].g == g)
        end_span(b, onm, e, seq);
}

static bool on_goready(builder *b, const tr_event *e, uint64_t seq) {
    tl_model *m = b->m;
    m->flows[m->nflows] = (tl_flow){.g = e->a[0], .seq0 = seq, .seq1 = SPAN_OPEN};
    m->nflows++;
    return gmap_put(&b->pending, e->a[0], (uint32_t)m->nflows);
}

/* Spans still running at the end last until the last event. */
static void close_open_spans(tl_model *m) {
    for (size_t i = 0; i < m->nspans; i++)
        if (m->spans[i].seq1 == SPAN_OPEN) {
            m->spans[i].t1 = m->ev[m->n - 1].time;
            m->spans[i].seq1 = m->seq0 + m->n - 1;
        }
}

/* Keep only flows whose G ran again, in GOREADY order. */
static void drop_unfinished_flows(tl_model *m) {
    size_t k = 0;
    for (size_t i = 0; i < m->nflows; i++)
        if (m->flows[i].seq1 != SPAN_OPEN)
            m->flows[k++] = m->flows[i];
    m->nflows = k;
}

static bool walk_events(builder *b) {
    tl_model *m = b->m;
    for (size_t i = 0; i < m->n; i++) {
        const tr_event *e = &m->ev[i];
        uint64_t seq = m->seq0 + i;
        if (e->kind == EV_EXECUTE) {
            on_execute(b, e, seq);
            continue;
        }
        m->ninstants++;
        bool failed = e->kind == EV_INVARIANT || (e->kind == EV_EXIT && e->a[0] != 0);
        if (failed && (m->failure < 0 || (e->kind == EV_INVARIANT && m->ev[m->failure].kind != EV_INVARIANT)))
            m->failure = (int64_t)i;
        if (takes_g_off(e->kind))
            on_off(b, e, seq);
        else if (e->kind == EV_GOREADY && !on_goready(b, e, seq))
            return false;
    }
    return true;
}

bool tl_build(tl_model *m, const tr_event *ev, size_t n, uint64_t seq0) {
    assert(n < UINT32_MAX);
    memset(m, 0, sizeof *m);
    m->ev = ev;
    m->n = n;
    m->seq0 = seq0;
    m->failure = -1;
    builder b = {.m = m};
    m->spans = malloc((n ? n : 1) * sizeof *m->spans);
    m->flows = malloc((n ? n : 1) * sizeof *m->flows);
    count_ids(m);
    b.open_p = calloc(m->p_ids ? m->p_ids : 1, sizeof *b.open_p);
    b.open_m = calloc(m->m_ids ? m->m_ids : 1, sizeof *b.open_m);
    bool ok = m->spans && m->flows && b.open_p && b.open_m && gmap_init(&b.pending, 64) && find_lanes(m) &&
              walk_events(&b);
    if (ok) {
        if (n > 0)
            close_open_spans(m);
        drop_unfinished_flows(m);
    }
    free(b.open_p);
    free(b.open_m);
    gmap_free(&b.pending);
    if (!ok)
        tl_free(m);
    return ok;
}

void tl_free(tl_model *m) {
    free(m->lanes);
    free(m->lane_of_p);
    free(m->lane_of_m);
    free(m->spans);
    free(m->flows);
    memset(m, 0, sizeof *m);
    m->failure = -1;
}

/* ---- queries ---- */

int32_t tl_instant_lane(const tl_model *m, const tr_event *e) {
    if (e->p != TR_NONE)
        return m->lane_of_p[e->p];
    if (e->m != TR_NONE)
        return m->lane_of_m[e->m];
    return m->driver_lane;
}

int32_t tl_span_p_lane(const tl_model *m, const tl_span *s) { return s->p != TR_NONE ? m->lane_of_p[s->p] : -1; }
int32_t tl_span_m_lane(const tl_model *m, const tl_span *s) { return s->m != TR_NONE ? m->lane_of_m[s->m] : -1; }

int32_t tl_flow_from_lane(const tl_model *m, const tl_flow *f) {
    return tl_instant_lane(m, &m->ev[f->seq0 - m->seq0]);
}

int32_t tl_flow_to_lane(const tl_model *m, const tl_flow *f) {
    const tr_event *to = &m->ev[f->seq1 - m->seq0];
    if (to->p != TR_NONE)
        return m->lane_of_p[to->p];
    return to->m != TR_NONE ? m->lane_of_m[to->m] : -1;
}

void tl_lane_name(const tl_lane *l, char *buf, size_t len) {
    if (l->kind == TL_LANE_DRIVER)
        snprintf(buf, len, "driver");
    else
        snprintf(buf, len, "%c%u", l->kind == TL_LANE_P ? 'P' : 'M', (unsigned)l->id);
}

size_t tl_slices(const tl_model *m) {
    size_t k = 0;
    for (size_t i = 0; i < m->nspans; i++)
        k += (tl_span_p_lane(m, &m->spans[i]) >= 0) + (tl_span_m_lane(m, &m->spans[i]) >= 0);
    return k;
}
