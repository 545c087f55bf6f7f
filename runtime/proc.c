/*
 * runtime/proc.c: the G/M/P scheduler (Go 1.19's proc.go, first half).
 *
 * G: goroutine.  M: worker thread.  P: the resource an M needs to run Go
 * code; there are exactly GOMAXPROCS of them.  The scheduler's job is to
 * match a ready G with a free M and P.  Ms spin looking for work before
 * they park, so a newly ready G rarely waits for a thread to wake; and
 * wakep starts a spinning M only when there is an idle P and no M is
 * spinning already, so parked threads are not woken for nothing.
 *
 * Contents: globals; bootstrap (rt0_go, schedinit, mcommoninit, mstart);
 * G creation and exit (newproc, newproc1, malg, allgadd, goexit);
 * schedule, findrunnable, stealWork, execute; park and ready; Gosched
 * and preemption; Ms (newm, startm, stopm, handoffp, wakep, mput, mget);
 * Ps (acquirep, releasep, pidleput, pidleget).
 */
#include <string.h>

#include "asm/stack.h"
#include "internal.h"

/* ---- globals ---- */
schedt sched;
g **allgs;               /* guarded by allglock in Go; the sim is one thread */
uint32_t allglen;
static uint32_t allgcap;
m *allm;
p *allp[_MaxGomaxprocs];
int32_t allplen;
int32_t gomaxprocs;
int32_t ncpu;
m *m0;
bool mainStarted;
const rt_config *rt_cfg;
bool rt_xfer_on;
rt_site rt_last_site;
const char *rt_throw_fn;
uint32_t idlepMask[_MaxGomaxprocs / 32];
uint32_t timerpMask[_MaxGomaxprocs / 32];

static void mstart1(void);
static void mcommoninit(m *mp, int64_t id);
static g *findrunnable(bool *inheritTime, uint32_t *src);
static void handoffp_locked(p *pp);
static int64_t mReserveID(void);

/* ---- tracing ---- */

void rt_trace_emit(unsigned kind, uint32_t a0, uint32_t a1, uint32_t a2) {
    const m *mp = getg()->m;
    uint64_t ctx = mp->trctx;
#ifndef NDEBUG
    if (ctx != trctx_of(mp))
        throw("trace context out of date");
#endif
    tr_emit_ctx(plat_trace(), kind, plat_nanotime(), ctx, a0, a1, a2);
}

/* ---- in-hand Gs (checking only) ---- */

void xfer_add_(m *mp, g *gp) {
    if (mp->nxfer >= allglen)
        throw("xfer: more Gs in hand than exist");
    if (mp->nxfer == mp->capxfer) {
        uint32_t cap = mp->capxfer ? 2 * mp->capxfer : RUNQ_LEN / 2 + 1;
        g **n = plat_alloc(cap * sizeof *n);   /* the old array is run memory, freed at teardown */
        if (mp->nxfer)
            memcpy(n, mp->xfer, mp->nxfer * sizeof *n);
        mp->xfer = n;
        mp->capxfer = cap;
    }
    mp->xfer[mp->nxfer++] = gp;
}

void xfer_del_(m *mp, g *gp) {
    for (uint32_t i = mp->nxfer; i-- > 0;) {
        if (mp->xfer[i] == gp) {
            mp->xfer[i] = mp->xfer[--mp->nxfer];
            return;
        }
    }
}

/* ---- allocation ---- */

static void allgadd(g *gp) {
    if (readgstatus(gp) == _Gidle)
        throw("allgadd: bad status Gidle");
    if (allglen == allgcap) {
        uint32_t ncap = allgcap ? allgcap * 2 : 256;
        g **n = plat_alloc(ncap * sizeof(g *));
        if (allglen)
            memcpy(n, allgs, allglen * sizeof(g *));
        allgs = n;     /* the old array is run-owned memory, freed at teardown */
        allgcap = ncap;
    }
    gp->allgidx = allglen;
    allgs[allglen++] = gp;
}

static uint64_t stack_bytes_total;   /* stack address space handed out this run */

/* Allocate a G with a stack of stacksize bytes and its canary. */
g *malg(size_t stacksize) {
    if (stack_bytes_total + stacksize > rt_cfg->max_stack_bytes)
        plat_fatal(RT_FATAL_RESOURCE, "runtime: stack memory limit exceeded");
    stack_bytes_total += stacksize;
    g *newg = plat_alloc(sizeof(g));
    if (!gmp_stack_get(stacksize, &newg->stack))
        plat_fatal(RT_FATAL_RESOURCE, "runtime: cannot allocate goroutine stack (out of memory or map count)");
    *stack_canary(&newg->stack) = STACK_CANARY;
    newg->atomicstatus = _Gidle;
    return newg;
}

/* ---- bootstrap ---- */

m *rt_alloc_m0(const rt_config *cfg) {
    rt_cfg = cfg;
    m *mp = plat_alloc(sizeof(m));
    mp->g0 = malg(cfg->g0_stack_bytes);
    mp->g0->m = mp;
    mp->g0->atomicstatus = _Grunning;
    m0 = mp;
    return mp;
}

static void schedinit(const rt_config *cfg) {
    g *gp = getg();
    memset(rt_withdrawals, 0, sizeof rt_withdrawals);
    sched.maxmcount = MAX_MCOUNT;
    ncpu = cfg->ncpu;
    rt_mutant = cfg->mutant;
    mcommoninit(gp->m, -1);
    lock(&sched.lock);
    sched.lastpoll = nanotime();
    int32_t procs = ncpu;
    if (cfg->gomaxprocs > 0)
        procs = cfg->gomaxprocs;
    if (procresize(procs) != NULL)
        throw("unknown runnable goroutine during bootstrap");
    unlock(&sched.lock);
}

/* Go's runtime.main, reduced to what scheduling needs: start sysmon, run
 * the program's main, exit when it returns. */
typedef struct mainarg {
    gofunc fn;
    void *arg;
} mainarg;
static mainarg the_main;

static void newm_sysmon(void *unused) {
    (void)unused;
    newm(sysmon, NULL, -1);
}

/* ---- what Go's runtime.main does before main.main ----
 *
 * Real Go 1.19 runs its own goroutines before the program's main, and the
 * scheduler state they leave decides the first orders a program sees.
 * This is that code, in the same order:
 *   - runtime.main starts sysmon and locks the main goroutine to m0
 *     (lockOSThread) for the package initialisers;
 *   - the runtime's init starts forcegchelper (goid 2), which parks;
 *   - gcenable starts bgsweep (3) and bgscavenge (4) and receives twice
 *     from a channel each sends on once it has started; then they park;
 *   - os's init calls SetFinalizer on stdin, stdout and stderr, which
 *     starts runfinq (5), left in the P's runnext: only for a program that
 *     imports os (rt_config.imports_os);
 *   - unlockOSThread, then main.main.
 * Each time main blocks while locked, m0 hands the P to another M and
 * sleeps (stoplockedm); the G that readies main puts it in runnext, and the
 * M that picks it hands the P back (startlockedm): an execute that does
 * not inherit the slice.  That leaves schedtick at 4 when main.main
 * starts, as real Go's probe measures most of the time.  The other values
 * come from real timing, modelled here: sysmon's first look at P0 finds
 * schedtick unchanged since its zero sysmontick (nanotime is time since
 * boot, never near 0), so if that look falls while a G runs on P0 it is
 * preempted at its next function call, and the fairness check at
 * schedtick 0 takes it from the global queue.  How long each phase takes
 * is measured (plat_cost, sim/costs.def), and that decides how often it
 * happens. */

static void park_forever(uint8_t reason) { gopark(NULL, NULL, reason, WAIT_FOREVER, NULL); }

/* forcegchelper, runfinq: start, then park until work comes (never here). */
static void system_parker(void *unused) {
    (void)unused;
    rt_mark_system();
    rt_safepoint();
    park_forever(waitReasonZero);
}

/* bgsweep and bgscavenge: initialise (bgscavenge takes a while: initns),
 * say "started" on c, park. */
static void bgworker(hchan *c, int64_t initns) {
    rt_mark_system();
    rt_safepoint();
    rt_work(initns);
    rt_chansend(c, 1);
    rt_safepoint();
    park_forever(waitReasonZero);
}

static void bgsweep(void *c) { bgworker(c, 0); }
static void bgscavenge(void *c) { bgworker(c, plat_cost(COST_SCAVENGER_INIT)); }

/* Go's package initialisers are runtime code: preemptible at their
 * function calls, which rt_work's quanta stand for. */
static void runtime_init(void) {
    bool os = rt_cfg->imports_os;
    rt_work(plat_cost(os ? COST_RUNTIME_INIT : COST_RUNTIME_INIT_NOOS));   /* doInit(&runtime_inittask) */
    rt_go(system_parker, NULL);      /* ... whose proc.go init starts forcegchelper */
    rt_safepoint();                  /* gcenable */
    hchan *c = rt_makechan(2);
    rt_go(bgsweep, c);
    rt_go(bgscavenge, c);
    int64_t v;
    rt_chanrecv(c, &v);
    rt_chanrecv(c, &v);
    rt_work(plat_cost(os ? COST_MAIN_INIT : COST_MAIN_INIT_NOOS));   /* doInit(&main_inittask) */
    if (os)
        rt_go(system_parker, NULL);  /* runfinq, from os's SetFinalizer calls */
}

static void runtime_main(void *arg) {
    (void)arg;
    mainStarted = true;
    systemstack(newm_sysmon, NULL);
    if (rt_cfg->go_init) {
        lockOSThread();
        runtime_init();
        unlockOSThread();
    }
    the_main.fn(the_main.arg);
    rt_exit(0);
}

_Noreturn void rt0_go(const rt_config *cfg, gofunc mainfn, void *arg) {
    if (getg() != m0->g0)
        throw("rt0_go: not on m0's g0");
    schedinit(cfg);
    the_main.fn = mainfn;
    the_main.arg = arg;
    rt_go(runtime_main, NULL);
    mstart1();
    throw("rt0_go: mstart returned");
}

static void checkmcount(void) {
    if (sched.mnext - sched.nmfreed > sched.maxmcount)
        plat_fatal(RT_FATAL_RESOURCE, "runtime: program exceeds 10000-thread limit");
}

static int64_t mReserveID(void) {
    int64_t id = sched.mnext;
    sched.mnext++;
    checkmcount();
    return id;
}

static void mcommoninit(m *mp, int64_t id) {
    lock(&sched.lock);
    mp->id = id >= 0 ? id : mReserveID();
    trctx_update(mp);
    mp->alllink = allm;
    allm = mp;
    unlock(&sched.lock);
}

/* Entry of every M's thread, on its g0 stack (Go's mstart1). */
static void mstart1(void) {
    g *gp = getg();
    if (gp != gp->m->g0)
        throw("bad runtime·mstart");
    m *mp = gp->m;
    if (mp->mstartfn != NULL)
        mp->mstartfn();
    if (mp != m0) {
        acquirep(mp->nextp);
        mp->nextp = NULL;
    }
    schedule();
}

void mstart(void);
void mstart(void) { mstart1(); }

/* ---- goroutine creation ---- */

typedef struct newproc_args {
    gofunc fn;
    void *arg;
    g *callergp;
} newproc_args;

static g *newproc1(gofunc fn, void *arg, g *callergp) {
    if (fn == NULL)
        plat_fatal(RT_FATAL_PANIC, "go of nil func value");
    m *mp = acquirem();
    p *pp = mp->p;
    g *newg = gfget(pp);
    if (newg == NULL) {
        if (allglen >= rt_cfg->max_gs)
            plat_fatal(RT_FATAL_RESOURCE, "runtime: goroutine limit exceeded");
        newg = malg(rt_cfg->stack_bytes);
        casgstatus(newg, _Gidle, _Gdead);
        allgadd(newg);
        xfer_add(mp, newg);
    }
    if (newg->stack.hi == 0)
        throw("newproc1: newg missing stack");
    if (readgstatus(newg) != _Gdead)
        throw("newproc1: new g is not Gdead");
    newg->startfn = fn;
    newg->startarg = arg;
    newg->parentgoid = callergp ? callergp->goid : 0;
    newg->waitkind = WAIT_NONE;
    newg->preempt = false;
    gostartcall(newg);
    casgstatus(newg, _Gdead, _Grunnable);
    if (pp->goidcache == pp->goidcacheend) {
        /* Take the next batch of goids from the shared counter. */
        pp->goidcache = atomic_Xadd64(&sched.goidgen, _GoidCacheBatch);
        pp->goidcache -= _GoidCacheBatch - 1;
        pp->goidcacheend = pp->goidcache + _GoidCacheBatch;
        TRACE(GOIDCACHE, pp->goidcache, 0, 0);
    }
    newg->goid = (int64_t)pp->goidcache++;
    TRACE(NEWPROC, GOID(newg), callergp ? GOID(callergp) : 0, 0);
    releasem(mp);
    return newg;
}

static void newproc_sys(void *argp) {
    newproc_args *a = argp;
    g *newg = newproc1(a->fn, a->arg, a->callergp);
    p *pp = getg()->m->p;
    note_fresh(newg);
    runqput(pp, newg, true);
    note_wake_promise(newg);
    if (mainStarted)
        wakep();
}

/* go fn(arg): the new G goes to runnext of the current P. */
void rt_go(gofunc fn, void *arg) {
    newproc_args a = {fn, arg, getg()->m->curg};
    systemstack(newproc_sys, &a);
}

/* ---- goroutine exit ---- */

static void goexit0(g *gp) {
    m *mp = getg()->m;
    p *pp = mp->p;
    casgstatus(gp, _Grunning, _Gdead);
    gp->m = NULL;
    bool locked = gp->lockedm != NULL;
    gp->lockedm = NULL;
    mp->lockedg = NULL;
    gp->preempt = false;
    gp->waitreason = 0;
    gp->waitkind = WAIT_NONE;
    gp->waitobj = NULL;
    gp->param = NULL;
    dropg();
    if (mp->lockedInt != 0)
        throw("internal lockOSThread error");
    gfput(pp, gp);
    if (locked)
        mexit();   /* the G may have left its thread in an unusual state: end it */
    schedule();
}

/* Called (through gmp_goexit) when a goroutine's function returns. */
static void goexit1(void) {
    TRACE(GOEXIT, GOID(getg()), 0, 0);
    mcall_final(goexit0);
}

/* ---- scheduling ---- */

/* Pick the next G for this M and run it.  Never returns. */
_Noreturn void schedule(void) {
    g *gp0 = getg();
    m *mp = gp0->m;
    if (mp->locks != 0)
        throw("schedule: holding locks");
    if (mp->lockedg != NULL) {
        /* This M runs only its locked G: wait until it is handed back. */
        stoplockedm();
        mp->found_src = SRC_LOCKED;
        execute(mp->lockedg, false);
    }
    for (;;) {
        p *pp = mp->p;
        pp->preempt = false;
        /* A spinning M has no local work by definition (golang/go#10573). */
        if (mp->spinning && (pp->runnext != NULL || pp->runqhead != pp->runqtail))
            throw("schedule: spinning with local work");
        sched.nschedule++;
        bool inheritTime = false;
        uint32_t src = 0;
        g *gp = findrunnable(&inheritTime, &src);   /* blocks until work is available */
        if (mp->spinning && !MUTANT(SPINNING_KEEPS_SPINNING))
            resetspinning_();
        if (gp->lockedm != NULL) {
            /* Hand our P to the M gp is locked to; we come back with another. */
            startlockedm(gp);
            continue;
        }
        mp->found_src = (uint8_t)src;
        execute(gp, inheritTime);
    }
}

/* Run gp on the current M.  If inheritTime, gp uses the rest of the
 * current time slice (schedtick is not advanced). */
_Noreturn void execute(g *gp, bool inheritTime) {
    m *mp = getg()->m;
    mp->curg = gp;
    gp->m = mp;
    trctx_update(mp);
    xfer_del(mp, gp);
    casgstatus(gp, _Grunnable, _Grunning);
    gp->waitsince = 0;
    gp->preempt = false;
    gp->fresh = false;
    if (!inheritTime) {
        mp->p->schedtick++;
        sched.nschedtick++;
    }
    TRACE(EXECUTE, GOID(gp), mp->found_src, inheritTime);
    gogo(&gp->sched);
}

/* An M stops spinning because it found work; wake another if needed. */
void resetspinning_(void) {
    m *mp = getg()->m;
    if (!mp->spinning)
        throw("resetspinning: not a spinning m");
    mp->spinning = false;
    uint32_t nm = atomic_Xadd(&sched.nmspinning, -1);
    if ((int32_t)nm < 0)
        throw("findrunnable: negative nmspinning");
    TRACE(SPINNING, 0, nm, 0);
    wakep();
}

/* Steal a G or timers from the other Ps.  Four passes over all Ps in a
 * random order; timers and runnext only on the last pass. */
static g *stealWork(int64_t now, bool *inheritTime, int64_t *rnow, int64_t *pollUntil,
                    bool *newWork, uint32_t *src) {
    p *pp = getg()->m->p;
    bool ranTimer = false;
    enum { stealTries = 4 };
    *inheritTime = false;
    *newWork = false;
    for (int i = 0; i < stealTries; i++) {
        bool stealTimersOrRunNextG = i == stealTries - 1;
        for (randomEnum e = stealOrder_start(fastrand()); !randomEnum_done(&e); randomEnum_next(&e)) {
            if (sched.gcwaiting != 0) {
                *rnow = now;
                *newWork = true;   /* GC (here: stop-the-world) work may be available */
                return NULL;
            }
            p *p2 = allp[e.pos];
            if (pp == p2)
                continue;
            if (stealTimersOrRunNextG && pMask_read(timerpMask, e.pos)) {
                int64_t tnow, w;
                bool ran;
                checkTimers(p2, now, &tnow, &w, &ran);
                now = tnow;
                if (w != 0 && (*pollUntil == 0 || w < *pollUntil))
                    *pollUntil = w;
                if (ran) {
                    /* The timers readied Gs into our own queue. */
                    g *gp = runqget(pp, inheritTime);
                    if (gp != NULL) {
                        *rnow = now;
                        *newWork = ranTimer;
                        *src = SRC_TIMER_LOCAL;
                        return gp;
                    }
                    ranTimer = true;
                }
            }
            if (!pMask_read(idlepMask, e.pos)) {
                g *gp = runqsteal(pp, p2, stealTimersOrRunNextG);
                if (gp != NULL) {
                    *rnow = now;
                    *newWork = ranTimer;
                    *src = SRC_STEAL;
                    return gp;
                }
            }
        }
    }
    *rnow = now;
    *newWork = ranTimer;
    return NULL;
}

/* With no P: find a P whose run queue is not empty and an idle P to run
 * it on.  Returns the idle P, or NULL. */
static p *checkRunqsNoP(int32_t nallp) {
    for (int32_t id = 0; id < nallp; id++) {
        p *p2 = allp[id];
        if (!pMask_read(idlepMask, (uint32_t)id) && !runqempty(p2)) {
            lock(&sched.lock);
            p *pp = pidleget(0);
            unlock(&sched.lock);
            return pp;   /* NULL: no P to run it on, no point looking further */
        }
    }
    return NULL;
}

/* With no P: the earliest timer across Ps, merged into pollUntil. */
static int64_t checkTimersNoP(int32_t nallp, int64_t pollUntil) {
    for (int32_t id = 0; id < nallp; id++) {
        if (pMask_read(timerpMask, (uint32_t)id)) {
            int64_t w = atomic_Load64(&allp[id]->timer0When);
            if (w != 0 && (pollUntil == 0 || w < pollUntil))
                pollUntil = w;
        }
    }
    return pollUntil;
}

/* ---- Go 1.19's lost-wakeup windows (checking bookkeeping only) ----
 *
 * An M that idles a P without spinning relies on a spinner to find work
 * queued elsewhere.  Go 1.19 breaks that reliance in four windows, all
 * closed by Go 1.21 (sched.needspinning, pidlegetSpinning, and a wakep
 * that takes sched.lock):
 *  - phantom credit: the M declines because 2*nmspinning >= busy Ps, but
 *    part of nmspinning is wakep's credit for an M still in startm; if
 *    that startm then finds no idle P, it drops the credit and nobody
 *    spins;
 *  - unchecked idler: while the M (findrunnable, or handoffp) is between
 *    its decision and pidleput, the last spinner finds work and calls
 *    wakep, which sees npidle == 0 and wakes nobody.
 *  - unrechecked global queue: see withdraw_global_promises.
 *  - dying credit: startm(NULL, spinning) finds no idle P, unlocks
 *    sched.lock, and only then drops its caller's nmspinning credit.  A
 *    wakep in between sees an idle P (one idled meanwhile, its spinner's
 *    recheck already past the submitter's queue) and nmspinning != 0, and
 *    wakes nobody; the credit then vanishes.  Go 1.21's wakep drops it
 *    under sched.lock, and pidlegetSpinning's needspinning makes the next
 *    M idling a P spin instead.
 * Either way work queued under Go's wakeup promise can sit beside an idle
 * P, so Go 1.19 does not keep the promise for work queued at that moment:
 * withdraw it.  None of this reads a yield point or changes a schedule;
 * --strict-work still reports the gap (docs/invariants.md). */
uint64_t rt_withdrawals[RT_WINDOW__COUNT];

static void withdraw_wake_promises(int window) {
    bool any = false;
    for (uint32_t i = 0; i < allglen; i++) {
        if (allgs[i]->fresh) {
            any |= allgs[i]->wake_promised;
            allgs[i]->wake_promised = false;
        }
    }
    rt_withdrawals[window] += any;
}

/* Does nm, just read from sched.nmspinning, count Ms that do not spin? */
static bool phantom_credit(uint32_t nm) {
    if (!rt_xfer_on)
        return false;
    uint32_t spinning = 0;
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        spinning += mp->spinning;
    return nm > spinning;
}

/* The third window: a spinner drops nmspinning after its last look at
 * the global queue and rechecks only the local run queues (Go 1.21
 * rechecks the global queue too).  Work that reached the global queue in
 * between saw a spinner and woke nobody.  Called once nmspinning is down. */
static void withdraw_global_promises(void) {
    g *gp = sched.runq.head;
    bool any = false;
    for (int32_t n = 0; gp != NULL && n < sched.runqsize; n++, gp = gp->schedlink) {
        any |= gp->wake_promised;
        gp->wake_promised = false;
    }
    /* ... and Gs another M holds between the global queue and its local
     * queue (globrunqget's batch, descheduled mid-way): the local recheck
     * cannot see them yet either. */
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        for (uint32_t k = 0; k < mp->nxfer; k++) {
            any |= mp->xfer[k]->wake_promised;
            mp->xfer[k]->wake_promised = false;
        }
    rt_withdrawals[RT_WINDOW_GLOBAL_RECHECK] += any;
}

/* The current M enters or leaves the unchecked-idler window. */
static void unchecked_idle(bool in) {
    if (rt_xfer_on)
        getg()->m->idling_unchecked = in;
}

static bool any_unchecked_idler(void) {
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->idling_unchecked)
            return true;
    return false;
}

/* Is some M in startm's no-idle-P path, holding a spinning credit it is
 * about to drop (the fourth window)? */
static bool any_dying_credit(void) {
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->dying_credit)
            return true;
    return false;
}

/* The idle path of findrunnable: give up the P, recheck, and block in
 * netpoll (waiting for the next timer) or in stopm.  Returns true if the
 * M should start over at the top of findrunnable. */
static g *findrunnable_idle(p *pp, int64_t now, int64_t pollUntil, bool *retry, uint32_t *src) {
    m *mp = getg()->m;
    int32_t nallp = allplen;   /* snapshot, as Go's allpSnapshot */
    *retry = true;
    lock(&sched.lock);
    if (sched.gcwaiting != 0) {
        unlock(&sched.lock);
        unchecked_idle(false);
        return NULL;
    }
    if (sched.runqsize != 0) {
        g *gp = globrunqget(pp, 0);
        unlock(&sched.lock);
        unchecked_idle(false);
        *retry = false;
        *src = SRC_GLOBAL_LAST;
        return gp;
    }
    if (releasep() != pp)
        throw("findrunnable: wrong p");
    now = pidleput(pp, now);
    unlock(&sched.lock);
    unchecked_idle(false);

    /* Drop nmspinning first, then look at every source again, so work
     * submitted concurrently is seen either by us or by its submitter's
     * wakep (golang/go#43997). */
    bool wasSpinning = mp->spinning;
    if (mp->spinning) {
        mp->spinning = false;
        uint32_t nm = atomic_Xadd(&sched.nmspinning, -1);
        if ((int32_t)nm < 0)
            throw("findrunnable: negative nmspinning");
        if (rt_xfer_on)
            withdraw_global_promises();
        TRACE(SPINNING, 0, nm, 0);
        if (!MUTANT(SPIN_NO_RECHECK)) {
            p *p2 = checkRunqsNoP(nallp);
            if (p2 != NULL) {
                acquirep(p2);
                nm = atomic_Xadd(&sched.nmspinning, 1);
                mp->spinning = true;
                TRACE(SPINNING, 1, nm, 0);
                return NULL;
            }
        }
        pollUntil = checkTimersNoP(nallp, pollUntil);
    }

    /* Block until the next timer, as Go blocks in netpoll. */
    if (netpollinited() && pollUntil != 0 && atomic_Xchg64(&sched.lastpoll, 0) != 0) {
        atomic_Store64(&sched.pollUntil, pollUntil);
        if (mp->p != NULL)
            throw("findrunnable: netpoll with p");
        if (mp->spinning)
            throw("findrunnable: netpoll with spinning");
        int64_t delay = pollUntil - nanotime();
        if (delay < 0)
            delay = 0;
        netpoll_block(delay);
        atomic_Store64(&sched.pollUntil, 0);
        atomic_Store64(&sched.lastpoll, now);
        lock(&sched.lock);
        p *p2 = pidleget(now);
        unlock(&sched.lock);
        if (p2 != NULL) {
            acquirep(p2);
            if (wasSpinning) {
                uint32_t nm = atomic_Xadd(&sched.nmspinning, 1);
                mp->spinning = true;
                TRACE(SPINNING, 1, nm, 0);
            }
            return NULL;
        }
        /* no P: nothing to inject (no network), fall through to stopm */
    } else if (pollUntil != 0 && netpollinited()) {
        int64_t pollerPollUntil = atomic_Load64(&sched.pollUntil);
        if (pollerPollUntil == 0 || pollerPollUntil > pollUntil)
            netpollBreak();
    }
    stopm();
    return NULL;
}

/* Find a runnable G: local queue, global queue, steal, or block.  The
 * order is Go 1.19's; the conditions here and in handoffp agree: if
 * findrunnable would return a G to run, handoffp starts an M. */
static g *findrunnable(bool *inheritTime, uint32_t *src) {
    m *mp = getg()->m;
    for (;;) {   /* top: */
        p *pp = mp->p;
        if (sched.gcwaiting != 0) {
            gcstopm();
            continue;
        }
        int64_t now, pollUntil;
        bool ran;
        checkTimers(pp, 0, &now, &pollUntil, &ran);

        /* Once in a while look at the global queue first, so two Gs that
         * keep respawning each other cannot starve it. */
        if (pp->schedtick % 61 == 0 && sched.runqsize > 0) {
            lock(&sched.lock);
            g *gp = globrunqget(pp, 1);
            unlock(&sched.lock);
            if (gp != NULL) {
                *inheritTime = false;
                *src = SRC_GLOBAL_FAIR;
                return gp;
            }
        }
        g *gp = runqget(pp, inheritTime);
        if (gp != NULL) {
            *src = *inheritTime ? SRC_RUNNEXT : SRC_LOCAL;
            return gp;
        }
        if (sched.runqsize != 0) {
            lock(&sched.lock);
            gp = globrunqget(pp, 0);
            unlock(&sched.lock);
            if (gp != NULL) {
                *inheritTime = false;
                *src = SRC_GLOBAL;
                return gp;
            }
        }
        /* Spin and steal, but keep spinning Ms to at most half the busy Ps. */
        uint32_t procs = (uint32_t)gomaxprocs;
        bool spin = mp->spinning, phantom = false;
        if (!spin) {
            unchecked_idle(true);   /* ends if this M spins, else at pidleput */
            uint32_t nm = atomic_Load(&sched.nmspinning);
            phantom = phantom_credit(nm);
            uint32_t npidle = atomic_Load(&sched.npidle);
            spin = 2 * nm < procs - npidle;
            if (!spin)
                TRACE(NOSPIN, nm, npidle, 0);
        }
        if (spin) {
            if (!mp->spinning) {
                unchecked_idle(false);
                /* Count first, then set the M-local flag (Go sets the flag
                 * first; only this M reads it, so the order is invisible to
                 * the scheduler, and nmspinning >= spinning Ms holds at
                 * every yield point). */
                uint32_t nm = atomic_Xadd(&sched.nmspinning, 1);
                mp->spinning = true;
                TRACE(SPINNING, 1, nm, 0);
            }
            int64_t w = 0;
            bool newWork;
            gp = stealWork(now, inheritTime, &now, &w, &newWork, src);
            if (gp != NULL)
                return gp;
            if (newWork)
                continue;
            if (w != 0 && (pollUntil == 0 || w < pollUntil))
                pollUntil = w;
        } else if (phantom) {
            withdraw_wake_promises(RT_WINDOW_PHANTOM);
        }
        bool retry;
        gp = findrunnable_idle(pp, now, pollUntil, &retry, src);
        if (gp != NULL) {
            *inheritTime = false;
            return gp;
        }
    }
}

/* Detach the current G from its M (it goes somewhere else next). */
void dropg(void) {
    m *mp = getg()->m;
    g *gp = mp->curg;
    xfer_add(mp, gp);
    gp->m = NULL;
    mp->curg = NULL;
    trctx_update(mp);
}

/* ---- park and ready ---- */

bool parkunlock_c(g *gp, void *lk) {
    (void)gp;
    unlock((mutex *)lk);
    return true;
}

/* The id of the channel or semaphore gp waits on, for the GOPARK event
 * (UINT32_MAX: none, or several, as for select). */
static uint32_t waitobj_id(const g *gp) {
    if (gp->waitobj == NULL)
        return UINT32_MAX;
    if (gp->waitkind == WAIT_CHAN)
        return (uint32_t)((const hchan *)gp->waitobj)->id;
    if (gp->waitkind == WAIT_SEMA)
        return ((const rt_sema *)gp->waitobj)->id;
    return UINT32_MAX;
}

static void park_m(g *gp) {
    m *mp = getg()->m;
    casgstatus(gp, _Grunning, _Gwaiting);
    dropg();
    TRACE(GOPARK, GOID(gp), waitobj_id(gp), gp->waitreason);
    /* Chan, select and sema waiters are already on their wait queue. */
    if (gp->waitkind != WAIT_TIMER)
        xfer_del(mp, gp);
    bool (*fn)(g *, void *) = mp->waitunlockf;
    if (fn != NULL) {
        bool ok = fn(gp, mp->waitlock);
        mp->waitunlockf = NULL;
        mp->waitlock = NULL;
        if (!ok) {
            casgstatus(gp, _Gwaiting, _Grunnable);
            mp->found_src = SRC_PARK_ABORTED;
            execute(gp, true);   /* schedule it back, never returns */
        }
    }
    schedule();
}

/* Park the current G.  unlockf(gp, lk) runs on g0 after the G is off its
 * M; if it returns false the G resumes at once.  waitkind/waitobj say
 * where the G is recorded while it waits. */
void gopark(bool (*unlockf)(g *, void *), void *lk, uint8_t reason, uint8_t waitkind, void *waitobj) {
    m *mp = acquirem();
    g *gp = mp->curg;
    if (readgstatus(gp) != _Grunning)
        throw("gopark: bad g status");
    mp->waitlock = lk;
    mp->waitunlockf = unlockf;
    gp->waitreason = reason;
    gp->waitkind = waitkind;
    gp->waitobj = waitobj;
    releasem(mp);
    mcall(park_m);
    gp->waitkind = WAIT_NONE;
    gp->waitobj = NULL;
}

/* Mark gp ready to run: onto the current P's queue (runnext if next),
 * then wake a P if one is idle. */
void ready(g *gp, bool next) {
    uint32_t status = readgstatus(gp);
    m *mp = acquirem();
    if (status != _Gwaiting)
        throw("bad g->status in ready");
    casgstatus(gp, _Gwaiting, _Grunnable);
    TRACE(GOREADY, GOID(gp), next, 0);
    note_fresh(gp);
    runqput(mp->p, gp, next && !MUTANT(READY_PUTS_AT_TAIL));
    note_wake_promise(gp);
    if (!MUTANT(READY_SKIPS_WAKEP))
        wakep();
    releasem(mp);
}

static void ready_sys(void *gp) { ready(gp, true); }

void goready(g *gp) { systemstack(ready_sys, gp); }

/* ---- yielding ---- */

void goschedImpl(g *gp) {
    if (readgstatus(gp) != _Grunning)
        throw("bad g status");
    casgstatus(gp, _Grunning, _Grunnable);
    dropg();
    lock(&sched.lock);
    if (MUTANT(GOSCHED_AT_HEAD))
        globrunqputhead(gp);
    else
        globrunqput_quiet(gp);   /* the GOSCHED or PREEMPT event says where it went */
    unlock(&sched.lock);
    schedule();
}

static void gosched_m(g *gp) {
    TRACE(GOSCHED, GOID(gp), 0, 0);
    goschedImpl(gp);
}

void gopreempt_m(g *gp) {
    TRACE(PREEMPT, GOID(gp), gp->preempt_cause, 0);
    goschedImpl(gp);
}

/* runtime.Gosched: to the back of the global queue. */
void rt_gosched(void) { mcall(gosched_m); }

static void goyield_m(g *gp) {
    TRACE(GOYIELD, GOID(gp), 0, 0);
    p *pp = gp->m->p;
    casgstatus(gp, _Grunning, _Grunnable);
    dropg();
    runqput(pp, gp, false);
    schedule();
}

/* goyield: like Gosched, but to the back of the local queue. */
void rt_goyield(void) { mcall(goyield_m); }

static void preempt_now(uint8_t cause) {
    g *gp = getg();
    gp->preempt_cause = cause;
    mcall(gopreempt_m);
}

/* A function prologue: take a requested preemption (Go's stack-guard
 * check in morestack), or an injected one. */
void rt_safepoint(void) {
    g *gp = getg();
    if (gp->preempt)
        preempt_now(PREEMPT_SAFEPOINT);
    else if (plat_inject_preempt(PREEMPT_AT_SAFEPOINT))
        preempt_now(PREEMPT_INJECTED);
}

void rt_preempt_here(void) { preempt_now(PREEMPT_INJECTED); }

/* Compute for ns of virtual time.  Each quantum is an asynchronous
 * preemption point: a preempt request (sysmon, stop-the-world) is taken
 * there, as Go's signal-based preemption would take it. */
void rt_work(int64_t ns) {
    int64_t q = rt_cfg->work_quantum_ns;
    while (ns > 0) {
        int64_t step = ns < q ? ns : q;
        plat_spend(step);
        ns -= step;
        g *gp = getg();
        if (gp->preempt)
            preempt_now(gp->preempt_cause);
        else if (ns > 0 && plat_inject_preempt(PREEMPT_AT_QUANTUM))
            preempt_now(PREEMPT_INJECTED);
    }
}

void rt_mark(uint32_t label) { TRACE(MARK, label, 0, 0); }

_Noreturn void rt_exit(int code) { plat_exit(code); }

int64_t rt_goid(void) { return getg()->goid; }

void rt_mark_system(void) {
    g *gp = getg();
    if (!gp->issystem) {
        gp->issystem = true;
        atomic_Xadd(&sched.ngsys, 1);
    }
}

/* ---- Ms ---- */

/* Put mp on the idle list.  sched.lock held. */
void mput(m *mp) {
    mp->schedlink = sched.midle;
    sched.midle = mp;
    sched.nmidle++;
    checkdead();
}

/* Take an idle M, or NULL.  sched.lock held. */
m *mget(void) {
    m *mp = sched.midle;
    if (mp != NULL) {
        sched.midle = mp->schedlink;
        sched.nmidle--;
    }
    return mp;
}

static m *allocm(void (*fn)(void), int64_t id) {
    m *mp = plat_alloc(sizeof(m));
    mp->mstartfn = fn;
    mcommoninit(mp, id);
    mp->g0 = malg(rt_cfg->g0_stack_bytes);
    mp->g0->m = mp;
    mp->g0->atomicstatus = _Grunning;
    return mp;
}

/* Create a new M that runs fn (or the scheduler) with pp.  An M the
 * program locked does not clone: the template thread does (lockedm.c). */
void newm(void (*fn)(void), p *pp, int64_t id) {
    m *mp = allocm(fn, id);
    mp->nextp = pp;
    if (newm_handoff(mp))
        return;
    newm1(mp);
}

/* Start mp's thread. */
void newm1(m *mp) {
    TRACE(NEWM, mp->id, PID(mp->nextp), mp->mstartfn == mspinning_);
    plat_newosproc(mp);
}

void mspinning_(void) { getg()->m->spinning = true; }

/* Stop the current M until new work arrives; returns holding a P. */
void stopm(void) {
    m *mp = getg()->m;
    if (mp->locks != 0)
        throw("stopm holding locks");
    if (mp->p != NULL)
        throw("stopm holding p");
    if (mp->spinning)
        throw("stopm spinning");
    TRACE(STOPM, 0, 0, 0);
    lock(&sched.lock);
    mput(mp);
    unlock(&sched.lock);
    mp->blocked = true;
    plat_notesleep(&mp->park);
    plat_noteclear(&mp->park);
    mp->blocked = false;
    acquirep(mp->nextp);
    mp->nextp = NULL;
}

/* Run pp (or an idle P) on some M, creating one if needed.  spinning: the
 * caller already counted the new M in nmspinning. */
void startm(p *pp, bool spinning) {
    m *mp = acquirem();
    lock(&sched.lock);
    if (pp == NULL) {
        pp = pidleget(0);
        if (pp == NULL) {
            mp->dying_credit = spinning;   /* checking only: the fourth window */
            unlock(&sched.lock);
            TRACE(STARTM_NOP, 0, 0, spinning);
            if (spinning) {
                /* No idle P after all: undo the caller's increment. */
                uint32_t nm = atomic_Xadd(&sched.nmspinning, -1);
                mp->dying_credit = false;
                if ((int32_t)nm < 0)
                    throw("startm: negative nmspinning");
            }
            releasem(mp);
            return;
        }
    }
    m *nmp = mget();
    if (nmp == NULL) {
        /* Reserve the id before dropping the lock, so checkdead counts the
         * new M as running before it exists. */
        int64_t id = mReserveID();
        unlock(&sched.lock);
        TRACE(STARTM, id, PID(pp), spinning);
        newm(spinning ? mspinning_ : NULL, pp, id);
        releasem(mp);
        return;
    }
    unlock(&sched.lock);
    if (nmp->spinning)
        throw("startm: m is spinning");
    if (nmp->nextp != NULL)
        throw("startm: m has p");
    if (spinning && !runqempty(pp))
        throw("startm: p has runnable gs");
    TRACE(STARTM, nmp->id, PID(pp), spinning);
    nmp->spinning = spinning;
    nmp->nextp = pp;
    plat_notewakeup(&nmp->park);
    releasem(mp);
}

/* Hand off pp from a syscall or a locked M: start an M for it exactly
 * when findrunnable would find work on it. */
void handoffp(p *pp) {
    if ((!MUTANT(HANDOFFP_IGNORES_LOCAL) && !runqempty(pp)) || sched.runqsize != 0) {
        TRACE(HANDOFFP, pp->id, 1, 0);
        startm(pp, false);
        return;
    }
    /* No local work: start a spinning M only if nobody spins or idles. */
    unchecked_idle(true);
    uint32_t nm = atomic_Load(&sched.nmspinning);
    bool phantom = phantom_credit(nm);
    if (nm + atomic_Load(&sched.npidle) == 0 && atomic_Cas(&sched.nmspinning, 0, 1)) {
        unchecked_idle(false);
        TRACE(HANDOFFP, pp->id, 2, 0);
        startm(pp, true);
        return;
    }
    if (phantom)
        withdraw_wake_promises(RT_WINDOW_PHANTOM);
    handoffp_locked(pp);
}

/* handoffp, once it has decided not to start a spinning M. */
static void handoffp_locked(p *pp) {
    lock(&sched.lock);
    if (sched.gcwaiting != 0) {
        pp->status = _Pgcstop;
        sched.stopwait--;
        if (sched.stopwait == 0)
            plat_notewakeup(&sched.stopnote);
        unlock(&sched.lock);
        unchecked_idle(false);
        TRACE(HANDOFFP, pp->id, 3, 0);
        return;
    }
    if (sched.runqsize != 0) {
        unlock(&sched.lock);
        unchecked_idle(false);
        TRACE(HANDOFFP, pp->id, 1, 0);
        startm(pp, false);
        return;
    }
    /* The last running P, and nobody waits in netpoll: keep an M awake to
     * wait for timers. */
    if (sched.npidle == (uint32_t)(gomaxprocs - 1) && atomic_Load64(&sched.lastpoll) != 0) {
        unlock(&sched.lock);
        unchecked_idle(false);
        TRACE(HANDOFFP, pp->id, 1, 0);
        startm(pp, false);
        return;
    }
    int64_t when = nobarrierWakeTime(pp);
    pidleput(pp, 0);
    unlock(&sched.lock);
    unchecked_idle(false);
    TRACE(HANDOFFP, pp->id, 0, 0);
    if (when != 0)
        wakeNetPoller(when);
}

/* Why wakep woke nobody (the WAKEP_DECLINE event's third argument). */
enum { WAKEP_NO_IDLE_P = 0, WAKEP_SPINNING = 1, WAKEP_LOST_CAS = 2 };

/* Try to put one more P to work: called when a G becomes runnable. */
void wakep(void) {
    uint32_t npidle = atomic_Load(&sched.npidle);
    if (npidle == 0) {
        TRACE(WAKEP_DECLINE, 0, 0, WAKEP_NO_IDLE_P);
        if (rt_xfer_on && any_unchecked_idler())
            withdraw_wake_promises(RT_WINDOW_UNCHECKED_IDLER);
        return;
    }
    /* Be conservative: at most one M spins up at a time. */
    uint32_t nm = atomic_Load(&sched.nmspinning);
    if (nm != 0 || !atomic_Cas(&sched.nmspinning, 0, 1)) {
        TRACE(WAKEP_DECLINE, npidle, nm, nm != 0 ? WAKEP_SPINNING : WAKEP_LOST_CAS);
        if (rt_xfer_on && any_dying_credit())
            withdraw_wake_promises(RT_WINDOW_DYING_CREDIT);
        return;
    }
    TRACE(WAKEP, 1, 0, 0);
    startm(NULL, true);
}

/* ---- Ps ---- */

void wirep(p *pp) {
    m *mp = getg()->m;
    if (mp->p != NULL)
        throw("wirep: already in go");
    if (pp->m != NULL || pp->status != _Pidle)
        throw("wirep: invalid p state");
    mp->p = pp;
    pp->m = mp;
    pp->status = _Prunning;
    trctx_update(mp);
}

void acquirep(p *pp) {
    wirep(pp);
    TRACE(ACQUIREP, pp->id, 0, 0);
}

p *releasep(void) {
    m *mp = getg()->m;
    if (mp->p == NULL)
        throw("releasep: invalid arg");
    p *pp = mp->p;
    if (pp->m != mp || pp->status != _Prunning)
        throw("releasep: invalid p state");
    TRACE(RELEASEP, pp->id, 0, 0);
    mp->p = NULL;
    pp->m = NULL;
    pp->status = _Pidle;
    trctx_update(mp);
    return pp;
}

/* Put pp on the idle list.  sched.lock held; pp's queue must be empty. */
int64_t pidleput(p *pp, int64_t now) {
    if (!runqempty(pp))
        throw("pidleput: P has non-empty run queue");
    if (now == 0)
        now = nanotime();
    updateTimerPMask(pp);
    pMask_set(idlepMask, pp->id);
    pp->link = sched.pidle;
    sched.pidle = pp;
    atomic_Xadd(&sched.npidle, 1);
    TRACE(PIDLEPUT, pp->id, 0, 0);
    return now;
}

/* Take an idle P, or NULL.  sched.lock held. */
p *pidleget(int64_t now) {
    (void)now;
    p *pp = sched.pidle;
    if (pp != NULL) {
        pMask_set(timerpMask, pp->id);
        pMask_clear(idlepMask, pp->id);
        sched.pidle = pp->link;
        atomic_Xadd(&sched.npidle, -1);
        TRACE(PIDLEGET, pp->id, 0, 0);
    }
    return pp;
}

void proc_reset(void) {
    allgcap = 0;
    stack_bytes_total = 0;
    the_main = (mainarg){0};
}

/* ---- the goexit hook for asm/ ---- */
__attribute__((constructor)) static void install_goexit(void) { gmp_goexit_fn = goexit1; }
