/*
 * triage/shrink.c: edits of a scenario's AST for minimize (shrink.h):
 * remove an op with its nested range, unwrap a loop, and drop what no op
 * uses any more (bodies main cannot reach, channels, mutexes, waitgroups,
 * labels), renumbering so the result is in the canonical layout
 * sc_validate asks for.
 */
#include "shrink.h"

#include <assert.h>
#include <string.h>

static bool nests(unsigned kind) { return kind == OP_LOOP || kind == OP_SELECT || kind == OP_CASE; }

static uint32_t body_of(const scenario *sc, uint32_t i) {
    for (uint32_t b = 0; b < sc->nbodies; b++)
        if (i >= sc->bodies[b].start && i < sc->bodies[b].start + sc->bodies[b].len)
            return b;
    return UINT32_MAX;
}

/* Every nested op's range starts right after it (the canonical layout). */
static void fix_children(scenario *sc) {
    for (uint32_t i = 0; i < sc->nops; i++)
        sc->ops[i].child = nests(sc->ops[i].kind) ? i + 1 : 0;
}

/* Remove ops [i, i + k) of one body; the ranges that held them shrink. */
static void remove_ops(scenario *sc, uint32_t i, uint32_t k) {
    uint32_t b = body_of(sc, i);
    assert(b != UINT32_MAX && i + k <= sc->bodies[b].start + sc->bodies[b].len);
    for (uint32_t j = sc->bodies[b].start; j < i; j++)
        if (nests(sc->ops[j].kind) && i < j + 1 + sc->ops[j].nchild)
            sc->ops[j].nchild -= k;
    memmove(&sc->ops[i], &sc->ops[i + k], (sc->nops - i - k) * sizeof sc->ops[0]);
    sc->nops -= k;
    sc->bodies[b].len -= k;
    for (uint32_t c = b + 1; c < sc->nbodies; c++)
        sc->bodies[c].start -= k;
    fix_children(sc);
}

bool tg_sc_delete(scenario *sc, uint32_t i) {
    if (i >= sc->nops)
        return false;
    remove_ops(sc, i, 1 + (nests(sc->ops[i].kind) ? sc->ops[i].nchild : 0));
    tg_sc_compact(sc);
    return true;
}

bool tg_sc_unwrap(scenario *sc, uint32_t i) {
    if (i >= sc->nops || sc->ops[i].kind != OP_LOOP)
        return false;
    remove_ops(sc, i, 1);
    tg_sc_compact(sc);
    return true;
}

/* ---- compaction ---- */

/* Bodies reachable from main through `go` (every other body never runs). */
static void reachable(const scenario *sc, bool *reach) {
    memset(reach, 0, SC_MAX_BODIES * sizeof *reach);
    reach[sc->main_body] = true;
    for (bool grew = true; grew;) {
        grew = false;
        for (uint32_t b = 0; b < sc->nbodies; b++) {
            const sc_body *body = &sc->bodies[b];
            for (uint32_t i = body->start; reach[b] && i < body->start + body->len; i++)
                if (sc->ops[i].kind == OP_GO && sc->ops[i].a < sc->nbodies && !reach[sc->ops[i].a])
                    reach[sc->ops[i].a] = grew = true;
        }
    }
}

static void drop_unreachable_bodies(scenario *sc) {
    bool reach[SC_MAX_BODIES];
    reachable(sc, reach);
    uint32_t map[SC_MAX_BODIES] = {0}, nb = 0, nops = 0;
    for (uint32_t b = 0; b < sc->nbodies; b++) {
        map[b] = reach[b] ? nb : UINT32_MAX;
        if (!reach[b])
            continue;
        sc_body body = sc->bodies[b];
        memmove(&sc->ops[nops], &sc->ops[body.start], body.len * sizeof sc->ops[0]);
        body.start = nops;
        nops += body.len;
        sc->bodies[nb++] = body;
    }
    sc->main_body = map[sc->main_body];
    sc->nbodies = nb;
    sc->nops = nops;
    for (uint32_t i = 0; i < nops; i++)
        if (sc->ops[i].kind == OP_GO)
            sc->ops[i].a = map[sc->ops[i].a];
    fix_children(sc);
}

/* Which object table op's operand a indexes (0: none). */
enum { OBJ_NONE, OBJ_CHAN, OBJ_MUTEX, OBJ_WG, OBJ_LABEL };

static int obj_of(const sc_op *op) {
    switch (op->kind) {
    case OP_MAKE: case OP_SEND: case OP_RECV: case OP_CLOSE: return OBJ_CHAN;
    case OP_CASE: return op->n == CASE_DEFAULT ? OBJ_NONE : OBJ_CHAN;
    case OP_LOCK: case OP_UNLOCK: return OBJ_MUTEX;
    case OP_WGADD: case OP_WGDONE: case OP_WGWAIT: return OBJ_WG;
    case OP_MARK: return OBJ_LABEL;
    default: return OBJ_NONE;
    }
}

/* Renumber one object table in order of first use, dropping unused rows.
 * names: the table's name fields (stride bytes apart); extra: a parallel
 * array of per-row data (channel capacities) or NULL. */
static void renumber(scenario *sc, int obj, char *names, size_t stride, uint32_t *count, uint32_t *extra) {
    enum { ROWS_MAX = SC_MAX_LABELS };
    uint32_t map[ROWS_MAX], n = 0;
    char saved[ROWS_MAX][SC_MAX_NAME];
    uint32_t saved_extra[ROWS_MAX];
    assert(*count <= ROWS_MAX);
    for (uint32_t r = 0; r < *count; r++) {
        map[r] = UINT32_MAX;
        memcpy(saved[r], names + r * stride, SC_MAX_NAME);
        saved_extra[r] = extra != NULL ? extra[r * (stride / sizeof *extra)] : 0;
    }
    for (uint32_t i = 0; i < sc->nops; i++) {
        sc_op *op = &sc->ops[i];
        if (obj_of(op) != obj)
            continue;
        if (map[op->a] == UINT32_MAX)
            map[op->a] = n++;
        op->a = map[op->a];
    }
    for (uint32_t r = 0; r < *count; r++) {
        if (map[r] == UINT32_MAX)
            continue;
        memcpy(names + map[r] * stride, saved[r], SC_MAX_NAME);
        if (extra != NULL)
            extra[map[r] * (stride / sizeof *extra)] = saved_extra[r];
    }
    *count = n;
}

void tg_sc_compact(scenario *sc) {
    drop_unreachable_bodies(sc);
    _Static_assert(sizeof(sc_chan) % sizeof(uint32_t) == 0, "channel rows hold whole uint32_t");
    renumber(sc, OBJ_CHAN, sc->chans[0].name, sizeof sc->chans[0], &sc->nchans, &sc->chans[0].cap);
    renumber(sc, OBJ_MUTEX, sc->mutexes[0], SC_MAX_NAME, &sc->nmutexes, NULL);
    renumber(sc, OBJ_WG, sc->wgs[0], SC_MAX_NAME, &sc->nwgs, NULL);
    renumber(sc, OBJ_LABEL, sc->labels[0], SC_MAX_NAME, &sc->nlabels, NULL);
}

/* ---- numbers ---- */

int tg_sc_smaller_values(const sc_op *op, int64_t *out, int max) {
    int n = 0;
    int64_t lo;
    switch (op->kind) {
    case OP_GO: case OP_LOOP: lo = 1; break;
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL: case OP_MAKE: lo = 0; break;
    case OP_GOMAXPROCS: lo = 1; break;
    default: return 0;
    }
    bool count = op->kind == OP_GO || op->kind == OP_LOOP;   /* durations: no 1 ns steps */
    int64_t cand[3] = {lo, op->n / 2, count ? op->n - 1 : lo};
    for (int i = 0; i < 3 && n < max; i++) {
        bool dup = false;
        for (int j = 0; j < n; j++)
            dup |= out[j] == cand[i];
        if (cand[i] >= lo && cand[i] < op->n && !dup)
            out[n++] = cand[i];
    }
    return n;
}
