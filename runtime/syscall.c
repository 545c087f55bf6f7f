/*
 * runtime/syscall.c: entering and leaving blocking system calls.
 *
 * entersyscall leaves the P in _Psyscall without an M; sysmon may retake
 * it.  exitsyscall tries the fast paths (the old P, then any idle P) and
 * otherwise parks the G on the global queue and stops the M.
 */
#include "internal.h"

static void entersyscall_sysmon(void *unused) {
    (void)unused;
    lock(&sched.lock);
    if (atomic_Load(&sched.sysmonwait) != 0) {
        atomic_Store(&sched.sysmonwait, 0);
        plat_notewakeup(&sched.sysmonnote);
    }
    unlock(&sched.lock);
}

static void entersyscall_gcwait(void *unused) {
    (void)unused;
    m *mp = getg()->m;
    p *pp = mp->oldp;
    lock(&sched.lock);
    if (sched.stopwait > 0 && atomic_Cas(&pp->status, _Psyscall, _Pgcstop)) {
        TRACE(GCSTOP, pp->id, _Psyscall, 0);
        pp->syscalltick++;
        if (--sched.stopwait == 0)
            plat_notewakeup(&sched.stopnote);
    }
    unlock(&sched.lock);
}

void entersyscall(void) {
    g *gp = getg();
    m *mp = gp->m;
    mp->locks++;
    casgstatus(gp, _Grunning, _Gsyscall);
    TRACE(ENTERSYSCALL, GOID(gp), 0, 0);
    if (atomic_Load(&sched.sysmonwait) != 0)
        systemstack(entersyscall_sysmon, NULL);
    p *pp = mp->p;
    mp->syscalltick = pp->syscalltick;
    pp->m = NULL;
    mp->oldp = pp;
    mp->p = NULL;
    trctx_update(mp);
    atomic_Store(&pp->status, _Psyscall);
    if (sched.gcwaiting != 0)
        systemstack(entersyscall_gcwait, NULL);
    mp->locks--;
}

static bool exitsyscallfast_pidle(void) {
    lock(&sched.lock);
    p *pp = pidleget(0);
    if (pp != NULL && atomic_Load(&sched.sysmonwait) != 0) {
        atomic_Store(&sched.sysmonwait, 0);
        plat_notewakeup(&sched.sysmonnote);
    }
    unlock(&sched.lock);
    if (pp != NULL) {
        acquirep(pp);
        return true;
    }
    return false;
}

static void exitsyscallfast_pidle_sys(void *okp) { *(bool *)okp = exitsyscallfast_pidle(); }

/* Re-acquire the old P if nobody took it, else any idle P. */
static int exitsyscallfast(p *oldp) {
    if (oldp != NULL && oldp->status == _Psyscall && atomic_Cas(&oldp->status, _Psyscall, _Pidle)) {
        wirep(oldp);
        TRACE(ACQUIREP, oldp->id, 0, 0);
        m *mp = getg()->m;
        if (mp->syscalltick != mp->p->syscalltick)
            mp->p->syscalltick++;   /* the P was retaken and handed back */
        return 0;
    }
    if (sched.pidle != NULL) {
        bool ok = false;
        systemstack(exitsyscallfast_pidle_sys, &ok);
        if (ok)
            return 1;
    }
    return -1;
}

/* The slow path, on g0: queue the G globally (or run it on an idle P). */
static void exitsyscall0(g *gp) {
    casgstatus(gp, _Gsyscall, _Grunnable);
    dropg();
    lock(&sched.lock);
    p *pp = pidleget(0);
    bool locked = false;
    if (pp == NULL) {
        globrunqput(gp);
        /* Read before the lock is dropped: once it is, another M may run gp. */
        locked = gp->lockedm != NULL;
    } else if (atomic_Load(&sched.sysmonwait) != 0) {
        atomic_Store(&sched.sysmonwait, 0);
        plat_notewakeup(&sched.sysmonnote);
    }
    unlock(&sched.lock);
    if (pp != NULL) {
        acquirep(pp);
        getg()->m->found_src = SRC_EXITSYSCALL;
        execute(gp, false);   /* never returns */
    }
    if (locked) {
        /* gp runs only here: wait until some M hands it back with a P. */
        stoplockedm();
        getg()->m->found_src = SRC_LOCKED;
        execute(gp, false);   /* never returns */
    }
    stopm();
    schedule();   /* never returns */
}

void exitsyscall(void) {
    g *gp = getg();
    m *mp = gp->m;
    mp->locks++;
    gp->waitsince = 0;
    p *oldp = mp->oldp;
    mp->oldp = NULL;
    int path = exitsyscallfast(oldp);
    if (path >= 0) {
        TRACE(EXITSYSCALL, GOID(gp), path, 0);
        mp->p->syscalltick++;
        casgstatus(gp, _Gsyscall, _Grunning);
        mp->locks--;
        return;
    }
    TRACE(EXITSYSCALL, GOID(gp), 2, 0);
    mp->locks--;
    mcall(exitsyscall0);
    /* Rescheduled on some M with a P. */
    getg()->m->p->syscalltick++;
}

/* A blocking system call that takes ns of virtual time. */
void rt_syscall(int64_t ns) {
    entersyscall();
    plat_syscall(ns);
    exitsyscall();
}
