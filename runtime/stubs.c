/*
 * runtime/stubs.c: Go's stack-switching operations on top of asm/'s one
 * primitive (Go's asm_amd64.s: gogo, mcall, systemstack, gostartcall).
 *
 * g0 frames are never resumed: schedule() runs at the top of g0's stack
 * each time an mcall or systemstack enters it, and gogo abandons it, just
 * as Go's g0 stack is reset on every mcall.
 */
#include <string.h>

#include "internal.h"

/* Bytes kept free above a fresh g0 frame (red zone for the frame builder). */
enum { G0_TOP_PAD = 64 };

/* pc and bp of a saved context, read from gmp_swap's frame:
 * [fp ctl][r15][r14][r13][r12][rbx][rbp][pc].  For printing only. */
static void fill_gobuf_from_frame(gobuf *buf) {
    const uintptr_t *f = (const uintptr_t *)buf->sp;
    buf->bp = f[6];
    buf->pc = f[7];
}

_Noreturn void gogo(gobuf *buf) {
    g *gp = buf->g;
    gmp_stack *from = &getg()->stack;   /* g0's: its frames are dropped */
    plat_setg(gp);
    void *abandoned;
    gmp_ctx_switch(&abandoned, (void *)buf->sp, &gp->stack, NULL, from);
    __builtin_unreachable();
}

static void mcall_entry(void *gpv, void *unused) {
    (void)unused;
    g *gp = gpv;
    m *mp = gp->m;
    void (*fn)(g *) = mp->mcallfn;
    mp->mcallfn = NULL;
    fn(gp);
    throw("mcall: fn returned");
}

/* Save the G's context in *save and run fn(gp) at the top of g0's stack.
 * `final`: the G never resumes (it exited), so ASan may drop its frames. */
static void mcall_switch(void (*fn)(g *), void **save, bool final) {
    g *gp = getg();
    m *mp = gp->m;
    if (gp == mp->g0)
        throw("mcall called on m->g0 stack");
    mp->mcallfn = fn;
    void *sp = gmp_ctx_make(&mp->g0->stack, mp->g0->stack.hi - G0_TOP_PAD, mcall_entry, gp, NULL);
    plat_setg(mp->g0);
    gmp_ctx_switch(save, sp, &mp->g0->stack, NULL, final ? &gp->stack : NULL);
}

/* Back here when someone runs gogo(&gp->sched). */
void mcall(void (*fn)(g *)) { mcall_switch(fn, (void **)&getg()->sched.sp, false); }

_Noreturn void mcall_final(void (*fn)(g *)) {
    void *abandoned;
    mcall_switch(fn, &abandoned, true);
    throw("mcall_final: goroutine resumed after exit");
}

/* systemstack: run fn(arg) on g0's stack and come back. */
typedef struct sysframe {
    void (*fn)(void *);
    void *arg;
    void *gsp;
    g *gp;
} sysframe;

static void systemstack_entry(void *fp, void *unused) {
    (void)unused;
    sysframe *f = fp;
    f->fn(f->arg);
    gmp_stack *g0stack = &getg()->stack;
    plat_setg(f->gp);
    void *abandoned;
    gmp_ctx_switch(&abandoned, f->gsp, &f->gp->stack, NULL, g0stack);
}

void systemstack(void (*fn)(void *), void *arg) {
    g *gp = getg();
    m *mp = gp->m;
    if (gp == mp->g0) {
        fn(arg);
        return;
    }
    if (gp != mp->curg)
        throw("systemstack called from unexpected goroutine");
    sysframe f = {fn, arg, NULL, gp};
    void *sp = gmp_ctx_make(&mp->g0->stack, mp->g0->stack.hi - G0_TOP_PAD, systemstack_entry, &f, NULL);
    plat_setg(mp->g0);
    gmp_ctx_switch(&f.gsp, sp, &mp->g0->stack, NULL, NULL);
}

/* A goroutine's first frame: run its function; returning lands in
 * gmp_goexit, which calls goexit1 through gmp_goexit_fn. */
static void gostart(void *gpv, void *unused) {
    (void)unused;
    g *gp = gpv;
    gp->startfn(gp->startarg);
}

/* Go's gostartcall: make newg's saved context call its function with
 * goexit as the return address. */
void gostartcall(g *newg) {
    memset(&newg->sched, 0, sizeof newg->sched);
    newg->sched.sp = (uintptr_t)gmp_ctx_make(&newg->stack, newg->stack.hi - STACK_CANARY_BYTES, gostart, newg, (char *)gmp_goexit + 1);
    newg->sched.g = newg;
    newg->sched.ctxt = newg->startarg;
    fill_gobuf_from_frame(&newg->sched);
}

/* ---- status transitions ---- */

/* Legal transitions of a G's status (the lifecycle invariant).  Go's
 * casgstatus only checks the old value; the table states the whole
 * machine so a mutant that skips a step is caught at the step. */
static bool legal_transition(uint32_t from, uint32_t to) {
    switch (from) {
    case _Gidle: return to == _Gdead;
    case _Gdead: return to == _Grunnable;
    case _Grunnable: return to == _Grunning;
    case _Grunning: return to == _Grunnable || to == _Gwaiting || to == _Gsyscall || to == _Gdead;
    case _Gwaiting: return to == _Grunnable || to == _Grunning;
    case _Gsyscall: return to == _Grunning || to == _Grunnable;
    default: return false;
    }
}

void casgstatus(g *gp, uint32_t oldval, uint32_t newval) {
    if (oldval == newval || !legal_transition(oldval, newval))
        throw("casgstatus: bad incoming values");
    if (!atomic_Cas(&gp->atomicstatus, oldval, newval))
        throw("casgstatus: status is not the expected old value");
    if (newval == _Grunnable) {
        gp->runnable_since = plat_nanotime();
        gp->runnable_sched = sched.nschedule;
    }
}
