/*
 * tests/runtime/sbuild.h: build scenarios in C for tests, without the
 * text parser, so runtime tests pin scheduler behaviour only.
 *
 *   sb_begin(&sc, procs);
 *   int c = sb_chan(&sc, "c", 0);
 *   int w = sb_body(&sc, "worker");  sb_op(&sc, OP_RECV, c, 0);  sb_end_body(&sc);
 *   sb_main(&sc);  sb_op(&sc, OP_GO, w, 10);  ...  sb_end_body(&sc);
 *
 * Nested blocks: sb_open(&sc, OP_LOOP, 0, K) ... sb_close(&sc).
 */
#ifndef GMP_TESTS_SBUILD_H
#define GMP_TESTS_SBUILD_H

#include <string.h>

#include "sim/scenario.h"

static uint32_t sb_stack[SC_MAX_DEPTH + 2];
static int sb_depth;

static inline void sb_begin(scenario *sc, int procs) {
    memset(sc, 0, sizeof *sc);
    sc->gomaxprocs = procs;
    sb_depth = 0;
}

static inline int sb_chan(scenario *sc, const char *name, uint32_t cap) {
    snprintf(sc->chans[sc->nchans].name, SC_MAX_NAME, "%s", name);
    sc->chans[sc->nchans].cap = cap;
    return (int)sc->nchans++;
}

static inline int sb_mutex(scenario *sc, const char *name) {
    snprintf(sc->mutexes[sc->nmutexes], SC_MAX_NAME, "%s", name);
    return (int)sc->nmutexes++;
}

static inline int sb_wg(scenario *sc, const char *name) {
    snprintf(sc->wgs[sc->nwgs], SC_MAX_NAME, "%s", name);
    return (int)sc->nwgs++;
}

static inline int sb_label(scenario *sc, const char *name) {
    for (uint32_t i = 0; i < sc->nlabels; i++)
        if (strcmp(sc->labels[i], name) == 0)
            return (int)i;
    snprintf(sc->labels[sc->nlabels], SC_MAX_NAME, "%s", name);
    return (int)sc->nlabels++;
}

/* Declare a body now (ops follow until sb_end_body). */
static inline int sb_body(scenario *sc, const char *name) {
    sc_body *b = &sc->bodies[sc->nbodies];
    snprintf(b->name, SC_MAX_NAME, "%s", name);
    b->start = sc->nops;
    return (int)sc->nbodies++;
}

static inline int sb_main(scenario *sc) {
    int b = sb_body(sc, "main");
    sc->main_body = (uint32_t)b;
    return b;
}

static inline void sb_end_body(scenario *sc) {
    sc_body *b = &sc->bodies[sc->nbodies - 1];
    b->len = sc->nops - b->start;
}

static inline uint32_t sb_op(scenario *sc, int kind, int a, int64_t n) {
    sc_op *op = &sc->ops[sc->nops];
    memset(op, 0, sizeof *op);
    op->kind = (uint8_t)kind;
    op->a = (uint32_t)a;
    op->n = n;
    return sc->nops++;
}

static inline void sb_mark(scenario *sc, const char *label) { sb_op(sc, OP_MARK, sb_label(sc, label), 0); }

static inline void sb_open(scenario *sc, int kind, int a, int64_t n) {
    uint32_t i = sb_op(sc, kind, a, n);
    sc->ops[i].child = sc->nops;
    sb_stack[sb_depth++] = i;
}

static inline void sb_close(scenario *sc) {
    uint32_t i = sb_stack[--sb_depth];
    sc->ops[i].nchild = sc->nops - sc->ops[i].child;
}

/* body NAME { [KIND A N;] mark LABEL; done WG }  (kind < 0: no first op) */
static inline int sb_marker(scenario *sc, const char *name, int kind, int a, int64_t n, const char *label, int wg) {
    int b = sb_body(sc, name);
    if (kind >= 0)
        sb_op(sc, kind, a, n);
    sb_mark(sc, label);
    sb_op(sc, OP_WGDONE, wg, 0);
    sb_end_body(sc);
    return b;
}

/* main { add WG n; go bodies[0] ... go bodies[n-1]; wait WG [; mark AFTER] } */
static inline void sb_main_spawn_wait(scenario *sc, int wg, const int *bodies, int n, const char *after) {
    sb_main(sc);
    sb_op(sc, OP_WGADD, wg, n);
    for (int i = 0; i < n; i++)
        sb_op(sc, OP_GO, bodies[i], 1);
    sb_op(sc, OP_WGWAIT, wg, 0);
    if (after != NULL)
        sb_mark(sc, after);
    sb_end_body(sc);
}

static inline void sb_event(scenario *sc, int64_t at_ns, int procs) {
    sc->events[sc->nevents++] = (sc_event){.at_ns = at_ns, .kind = EVT_GOMAXPROCS, .arg = procs};
}

#endif
