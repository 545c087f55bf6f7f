/*
 * sim/interp.c: goroutine bodies.  Each G created for a scenario body
 * runs interp_body on its own stack and turns ops into the rt_* calls a Go
 * program would make.  Every op starts at a safe point (a function
 * prologue in Go), where a requested or injected preemption is taken.
 *
 * Ownership: the runtime objects (channels, mutexes, waitgroups) live in
 * run-owned memory and are created by main before its first op.
 */
#include <stdint.h>

#include "runtime/platform.h"
#include "runtime/runtime.h"
#include "sim/driver.h"
#include "sim/interp.h"
#include "sim/scenario.h"

typedef struct interp_objs {
    hchan *chans[SC_MAX_CHANS];
    rt_mutex mutexes[SC_MAX_MUTEXES];
    rt_waitgroup wgs[SC_MAX_WGS];
} interp_objs;

static interp_objs *objs;          /* this run's objects */
static const scenario *cur_sc;     /* this run's scenario */

static void run_range(uint32_t start, uint32_t len, int depth);

static void body_entry(void *arg) {
    const sc_body *b = &cur_sc->bodies[(uintptr_t)arg];
    run_range(b->start, b->len, 0);
}

static void record_mark(uint32_t label) {
    rt_mark(label);
    if (simw.nmarks == simw.capmarks) {
        uint32_t ncap = simw.capmarks ? simw.capmarks * 2 : 64;
        uint32_t *n = sim_alloc(ncap * sizeof(uint32_t));
        for (uint32_t i = 0; i < simw.nmarks; i++)
            n[i] = simw.marks[i];
        simw.marks = n;
        simw.capmarks = ncap;
    }
    simw.marks[simw.nmarks++] = label;
}

/* select: build the cases, run the chosen case's body. */
static void run_select(const sc_op *op, int depth) {
    rt_scase cases[SC_MAX_CASES];
    uint32_t bodies[SC_MAX_CASES][2];
    int n = 0;
    const sc_op *dflt = NULL;
    uint32_t end = op->child + op->nchild;
    for (uint32_t i = op->child; i < end; i += 1 + cur_sc->ops[i].nchild) {
        const sc_op *c = &cur_sc->ops[i];
        if (c->n == CASE_DEFAULT) {
            dflt = c;
            continue;
        }
        cases[n] = (rt_scase){.c = objs->chans[c->a], .send = c->n == CASE_SEND, .val = rt_goid()};
        bodies[n][0] = c->child;
        bodies[n][1] = c->nchild;
        n++;
    }
    int r = rt_select(cases, n, dflt == NULL);
    if (r < 0) {
        if (dflt != NULL)
            run_range(dflt->child, dflt->nchild, depth + 1);
        return;
    }
    run_range(bodies[r][0], bodies[r][1], depth + 1);
}

static void run_op(const sc_op *op, int depth) {
    int64_t v;
    switch (op->kind) {
    case OP_GO:
        for (int64_t k = 0; k < op->n; k++)
            rt_go(body_entry, (void *)(uintptr_t)op->a);
        break;
    case OP_WORK: rt_work(op->n); break;
    case OP_GOSCHED: rt_gosched(); break;
    case OP_YIELD: rt_goyield(); break;
    case OP_MAKE: objs->chans[op->a] = rt_makechan((uint32_t)op->n); break;
    case OP_SEND: rt_chansend(objs->chans[op->a], rt_goid()); break;
    case OP_RECV: rt_chanrecv(objs->chans[op->a], &v); break;
    case OP_CLOSE: rt_closechan(objs->chans[op->a]); break;
    case OP_SELECT: run_select(op, depth); break;
    case OP_SLEEP: rt_sleep(op->n); break;
    case OP_SYSCALL: rt_syscall(op->n); break;
    case OP_LOCK: rt_mutex_lock(&objs->mutexes[op->a]); break;
    case OP_UNLOCK: rt_mutex_unlock(&objs->mutexes[op->a]); break;
    case OP_WGADD: rt_wg_add(&objs->wgs[op->a], op->n); break;
    case OP_WGDONE: rt_wg_add(&objs->wgs[op->a], -1); break;
    case OP_WGWAIT: rt_wg_wait(&objs->wgs[op->a]); break;
    case OP_GOMAXPROCS: rt_gomaxprocs((int32_t)op->n); break;
    case OP_LOOP:
        for (int64_t k = 0; k < op->n; k++)
            run_range(op->child, op->nchild, depth + 1);
        break;
    case OP_MARK: record_mark(op->a); break;
    case OP_EXIT: rt_exit((int)op->n); break;
    case OP_PREEMPT: rt_preempt_here(); break;
    case OP_LOCKOSTHREAD: rt_lockosthread(); break;
    case OP_UNLOCKOSTHREAD: rt_unlockosthread(); break;
    default: plat_throw("interp: bad op kind");
    }
}

/* Run the top-level ops of [start, start+len); nested ranges belong to
 * the loop or select that owns them. */
static void run_range(uint32_t start, uint32_t len, int depth) {
    if (depth > SC_MAX_DEPTH)
        plat_throw("interp: nesting deeper than SC_MAX_DEPTH");
    uint32_t end = start + len;
    for (uint32_t i = start; i < end; i += 1 + cur_sc->ops[i].nchild) {
        rt_safepoint();
        run_op(&cur_sc->ops[i], depth);
        sim_note_progress();
    }
}

/* The timed events, run by a runtime-internal goroutine (like Go's system
 * goroutines, it does not count for deadlock detection). */
static void timed_events(void *unused) {
    (void)unused;
    rt_mark_system();
    for (uint32_t i = 0; i < cur_sc->nevents; i++) {
        const sc_event *e = &cur_sc->events[i];
        int64_t now = simw.cur->vt;
        if (e->at_ns > now)
            rt_sleep(e->at_ns - now);
        if (e->kind == EVT_GOMAXPROCS)
            rt_gomaxprocs((int32_t)e->arg);
    }
}

/* The program's main: make the declared objects, start the timed events,
 * run the main body. */
void interp_main(void *scv) {
    cur_sc = scv;
    objs = sim_alloc(sizeof *objs);
    for (uint32_t i = 0; i < cur_sc->nchans; i++)
        objs->chans[i] = rt_makechan(cur_sc->chans[i].cap);
    for (uint32_t i = 0; i < cur_sc->nmutexes; i++)
        rt_mutex_init(&objs->mutexes[i]);
    for (uint32_t i = 0; i < cur_sc->nwgs; i++)
        rt_wg_init(&objs->wgs[i]);
    if (simw.main_gomaxprocs > 0)
        rt_gomaxprocs(simw.main_gomaxprocs);   /* Go's main calls runtime.GOMAXPROCS first */
    if (cur_sc->nevents > 0)
        rt_go(timed_events, NULL);
    body_entry((void *)(uintptr_t)cur_sc->main_body);
}
