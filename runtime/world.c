/*
 * runtime/world.c: stop-the-world, GOMAXPROCS changes (procresize, P init
 * and destroy), and deadlock detection (checkdead).
 */
#include <string.h>

#include "internal.h"

int32_t newprocs;   /* GOMAXPROCS to apply at the next startTheWorld */

/* worldsema: one stop-the-world at a time (Go's semaphore, initially 1). */
static rt_sema worldsema;
static bool worldsema_inited;

static void p_init(p *pp, int32_t id) {
    pp->id = id;
    pp->status = _Pgcstop;
    pMask_set(timerpMask, id);
    pMask_clear(idlepMask, id);
}

/* Release pp's resources when GOMAXPROCS shrinks.  sched.lock is held and
 * the world is stopped.  Its Gs go to the head of the global queue, in
 * order; its timers move to the current P; its free Gs to the global list. */
static void p_destroy(p *pp) {
    while (pp->runqhead != pp->runqtail) {
        pp->runqtail--;
        globrunqputhead(pp->runq[pp->runqtail % RUNQ_LEN]);
    }
    if (pp->runnext != NULL) {
        if (!MUTANT(PROCRESIZE_DROPS_RUNNEXT))
            globrunqputhead(pp->runnext);
        pp->runnext = NULL;
    }
    if (pp->ntimers > 0) {
        p *plocal = getg()->m->p;
        lock(&plocal->timersLock);
        lock(&pp->timersLock);
        TRACE(TIMER_MOVE, pp->id, pp->ntimers, 0);
        moveTimers(plocal, pp->timers, pp->ntimers);
        pp->ntimers = 0;
        atomic_Store64(&pp->timer0When, 0);
        unlock(&pp->timersLock);
        unlock(&plocal->timersLock);
    }
    gfpurge(pp);
    pp->status = _Pdead;
}

/* Change the number of Ps to nprocs.  sched.lock held, world stopped.
 * Returns the Ps with local work, linked through p.link, for the caller
 * to start Ms on. */
p *procresize(int32_t nprocs) {
    int32_t old = gomaxprocs;
    if (old < 0 || nprocs <= 0 || nprocs > _MaxGomaxprocs)
        throw("procresize: invalid arg");
    TRACE(PROCRESIZE, old, nprocs, 0);
    int64_t now = nanotime();
    if (sched.procresizetime != 0)
        sched.totaltime += (int64_t)old * (now - sched.procresizetime);
    sched.procresizetime = now;

    for (int32_t i = old; i < nprocs; i++) {
        p *pp = allp[i];
        if (pp == NULL)
            pp = plat_alloc(sizeof(p));
        p_init(pp, i);
        atomic_Storep((void **)&allp[i], pp);
    }
    if (nprocs > allplen)
        allplen = nprocs;

    m *mp = getg()->m;
    if (mp->p != NULL && mp->p->id < nprocs) {
        mp->p->status = _Prunning;   /* continue to use the current P */
    } else {
        /* The current P is going away (or there is none): take allp[0]. */
        if (mp->p != NULL)
            mp->p->m = NULL;
        mp->p = NULL;
        trctx_update(mp);
        p *p0 = allp[0];
        p0->m = NULL;
        p0->status = _Pidle;
        acquirep(p0);
    }
    for (int32_t i = nprocs; i < old; i++)
        p_destroy(allp[i]);
    allplen = nprocs;

    p *runnablePs = NULL;
    for (int32_t i = nprocs - 1; i >= 0; i--) {
        p *pp = allp[i];
        if (mp->p == pp)
            continue;
        pp->status = _Pidle;
        if (runqempty(pp)) {
            pidleput(pp, now);
        } else {
            pp->m = mget();
            TRACE(RESIZE_RUNNABLE, pp->id, pp->m != NULL ? (uint32_t)pp->m->id : (uint32_t)TR_NONE, 0);
            pp->link = runnablePs;
            runnablePs = pp;
        }
    }
    stealOrder_reset((uint32_t)nprocs);
    atomic_Store((uint32_t *)&gomaxprocs, (uint32_t)nprocs);
    return runnablePs;
}

/* ---- stop the world ---- */

/* Stop every P: preempt running Gs, take idle Ps and Ps in syscalls, and
 * wait for the rest to notice sched.gcwaiting. */
static void stopTheWorldWithSema(void) {
    m *mp = getg()->m;
    if (mp->locks > 0)
        throw("stopTheWorld: holding locks");
    lock(&sched.lock);
    sched.stopwait = gomaxprocs;
    atomic_Store(&sched.gcwaiting, 1);
    preemptall();
    mp->p->status = _Pgcstop;   /* diagnostic only */
    TRACE(GCSTOP, mp->p->id, _Prunning, 0);
    sched.stopwait--;
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        uint32_t s = pp->status;
        if (s == _Psyscall && atomic_Cas(&pp->status, s, _Pgcstop)) {
            TRACE(GCSTOP, pp->id, _Psyscall, 0);
            pp->syscalltick++;
            sched.stopwait--;
        }
    }
    int64_t now = nanotime();
    for (;;) {
        p *pp = pidleget(now);
        if (pp == NULL)
            break;
        pp->status = _Pgcstop;
        TRACE(GCSTOP, pp->id, _Pidle, 0);
        sched.stopwait--;
    }
    bool wait = sched.stopwait > 0;
    unlock(&sched.lock);
    if (wait) {
        for (;;) {
            /* wait 100us, then try again to preempt */
            if (plat_notetsleep(&sched.stopnote, 100 * 1000)) {
                plat_noteclear(&sched.stopnote);
                break;
            }
            preemptall();
        }
    }
    if (sched.stopwait != 0)
        throw("stopTheWorld: not stopped (stopwait != 0)");
    for (int32_t i = 0; i < allplen; i++)
        if (allp[i]->status != _Pgcstop)
            throw("stopTheWorld: not stopped (status != _Pgcstop)");
}

static void startTheWorldWithSema(void) {
    m *mp = acquirem();
    lock(&sched.lock);
    int32_t procs = gomaxprocs;
    if (newprocs != 0) {
        procs = newprocs;
        newprocs = 0;
    }
    p *p1 = procresize(procs);
    sched.gcwaiting = 0;
    if (sched.sysmonwait != 0) {
        sched.sysmonwait = 0;
        plat_notewakeup(&sched.sysmonnote);
    }
    unlock(&sched.lock);
    while (p1 != NULL) {
        p *pp = p1;
        p1 = p1->link;
        if (pp->m != NULL) {
            m *nmp = pp->m;
            pp->m = NULL;
            if (nmp->nextp != NULL)
                throw("startTheWorld: inconsistent mp->nextp");
            nmp->nextp = pp;
            TRACE(STW_WAKE, nmp->id, pp->id, 0);
            plat_notewakeup(&nmp->park);
        } else {
            newm(NULL, pp, -1);
        }
    }
    wakep();
    releasem(mp);
}

static void stw_stop_sys(void *gpv) {
    g *gp = gpv;
    casgstatus(gp, _Grunning, _Gwaiting);
    stopTheWorldWithSema();
    casgstatus(gp, _Gwaiting, _Grunning);
}

static void stw_start_sys(void *unused) {
    (void)unused;
    startTheWorldWithSema();
}

void stopTheWorld(uint32_t reason) {
    if (!worldsema_inited) {
        rt_sema_init(&worldsema, 1);
        worldsema_inited = true;
    }
    semacquire(&worldsema, false, waitReasonSemacquire);
    g *gp = getg();
    gp->waitkind = WAIT_STW;
    TRACE(STW_START, reason, 0, 0);
    systemstack(stw_stop_sys, gp);
    gp->waitkind = WAIT_NONE;
}

void startTheWorld(void) {
    systemstack(stw_start_sys, NULL);
    TRACE(STW_DONE, 0, 0, 0);
    semrelease(&worldsema, false);
}

/* The current M gives up its P for stop-the-world and parks. */
void gcstopm(void) {
    m *mp = getg()->m;
    if (sched.gcwaiting == 0)
        throw("gcstopm: not waiting for gc");
    if (mp->spinning) {
        mp->spinning = false;
        uint32_t nm = atomic_Xadd(&sched.nmspinning, -1);
        if ((int32_t)nm < 0)
            throw("gcstopm: negative nmspinning");
        TRACE(SPINNING, 0, nm, 0);
    }
    p *pp = releasep();
    lock(&sched.lock);
    pp->status = _Pgcstop;
    TRACE(GCSTOP, pp->id, _Prunning, 0);
    sched.stopwait--;
    if (sched.stopwait == 0)
        plat_notewakeup(&sched.stopnote);
    unlock(&sched.lock);
    stopm();
}

/* runtime.GOMAXPROCS(n) */
void rt_gomaxprocs(int32_t n) {
    lock(&sched.lock);
    int32_t ret = gomaxprocs;
    unlock(&sched.lock);
    TRACE(GOMAXPROCS, n, 0, 0);
    if (n <= 0 || n == ret)
        return;
    if (n > _MaxGomaxprocs)
        n = _MaxGomaxprocs;
    stopTheWorld(1);
    newprocs = n;
    startTheWorld();
}

/* ---- deadlock detection ---- */

static int32_t mcount(void) { return (int32_t)(sched.mnext - sched.nmfreed); }

/* Called when the number of running Ms may have dropped to zero.  If no M
 * is running and no G can run, the program is deadlocked.  sched.lock held. */
void checkdead(void) {
    int32_t run = mcount() - sched.nmidle - sched.nmidlelocked - sched.nmsys - (MUTANT(CHECKDEAD_MISCOUNTS) ? 1 : 0);
    if (run > 0)
        return;
    if (run < 0)
        throw("checkdead: inconsistent counts");
    int grunning = 0;
    for (uint32_t i = 0; i < allglen; i++) {
        g *gp = allgs[i];
        if (gp->issystem)
            continue;
        switch (readgstatus(gp)) {
        case _Gwaiting:
        case _Gpreempted:
            grunning++;
            break;
        case _Grunnable:
        case _Grunning:
        case _Gsyscall:
            throw("checkdead: runnable g");
        default:
            break;
        }
    }
    if (grunning == 0) {
        TRACE(CHECKDEAD, 2, run, 0);
        unlock(&sched.lock);
        plat_fatal(RT_FATAL_NOGOROUTINES, "no goroutines (main called runtime.Goexit) - deadlock!");
    }
    /* Pending timers will wake someone: not dead. */
    for (int32_t i = 0; i < allplen; i++) {
        if (allp[i]->ntimers > 0) {
            TRACE(CHECKDEAD, 0, run, 0);
            return;
        }
    }
    TRACE(CHECKDEAD, 1, run, 0);
    unlock(&sched.lock);
    plat_fatal(RT_FATAL_DEADLOCK, "all goroutines are asleep - deadlock!");
}

void world_reset(void) {
    newprocs = 0;
    worldsema_inited = false;
    worldsema = (rt_sema){0};
}
