/*
 * runtime/lockedm.c: goroutines locked to their thread (Go 1.19's
 * LockOSThread machinery in proc.go).
 *
 * A locked G runs only on its M, and that M runs nothing else.  When the G
 * blocks, its M gives the P away (stoplockedm: handoffp) and sleeps; when
 * some other M's schedule picks the G, that M hands its own P straight to
 * the locked M and goes idle (startlockedm).  Every hand-back is an execute
 * that does not inherit the time slice, so locking shows in schedtick.  A
 * G that exits still locked takes its thread with it (mexit).
 *
 * runtime.main holds the main goroutine locked (lockOSThread, the
 * runtime's own count) while the package initialisers run; the program's
 * LockOSThread uses the external count.  An M locked by the program may
 * be in an unusual OS state, so it never clones threads itself: a
 * template thread, started by the first LockOSThread, makes them.
 */
#include <string.h>

#include "internal.h"

/* The template thread's queue of Ms to start (Go's newmHandoff).
 * lock guards newm, waiting and wake. */
static struct {
    mutex lock;
    m *newm;                   /* to start, linked through schedlink (LIFO) */
    bool waiting;              /* the template thread sleeps on wake */
    note wake;
    uint32_t haveTemplateThread;
} newmHandoff;

/* Adjust the count of Ms idling while locked to a G (checkdead's
 * bookkeeping: they are not running, but not idle either). */
void incidlelocked(int32_t v) {
    lock(&sched.lock);
    sched.nmidlelocked += v;
    if (v > 0)
        checkdead();
    unlock(&sched.lock);
}

static void dolockOSThread(void) {
    g *gp = getg();
    gp->m->lockedg = gp;
    gp->lockedm = gp->m;
}

static void dounlockOSThread(void) {
    g *gp = getg();
    if (gp->m->lockedInt != 0 || gp->m->lockedExt != 0)
        return;
    gp->m->lockedg = NULL;
    gp->lockedm = NULL;
}

/* runtime.main's own lock (lockOSThread). */
void lockOSThread(void) {
    g *gp = getg();
    gp->m->lockedInt++;
    dolockOSThread();
    TRACE(LOCKOSTHREAD, GOID(gp), gp->m->lockedInt, 1);
}

void unlockOSThread(void) {
    g *gp = getg();
    if (gp->m->lockedInt == 0)
        throw("runtime: internal error: misuse of lockOSThread/unlockOSThread");
    gp->m->lockedInt--;
    dounlockOSThread();
    TRACE(LOCKOSTHREAD, GOID(gp), gp->m->lockedInt, 1);
}

/* ---- the template thread ---- */

/* Start every M queued for it, then sleep until more are queued. */
static void templateThread(void) {
    lock(&sched.lock);
    sched.nmsys++;
    checkdead();
    unlock(&sched.lock);
    for (;;) {
        lock(&newmHandoff.lock);
        while (newmHandoff.newm != NULL) {
            m *nmp = newmHandoff.newm;
            newmHandoff.newm = NULL;
            unlock(&newmHandoff.lock);
            while (nmp != NULL) {
                m *next = nmp->schedlink;
                nmp->schedlink = NULL;
                newm1(nmp);
                nmp = next;
            }
            lock(&newmHandoff.lock);
        }
        newmHandoff.waiting = true;
        plat_noteclear(&newmHandoff.wake);
        unlock(&newmHandoff.lock);
        plat_notesleep(&newmHandoff.wake);
    }
}

static void startTemplateThread_sys(void *unused) {
    (void)unused;
    m *mp = acquirem();
    if (atomic_Cas(&newmHandoff.haveTemplateThread, 0, 1))
        newm(templateThread, NULL, -1);
    releasem(mp);
}

/* newm on an M the program locked: queue mp for the template thread.
 * Returns false if the caller may start the thread itself. */
bool newm_handoff(m *mp) {
    if (getg()->m->lockedExt == 0)
        return false;
    lock(&newmHandoff.lock);
    if (newmHandoff.haveTemplateThread == 0)
        throw("on a locked thread with no template thread");
    mp->schedlink = newmHandoff.newm;
    newmHandoff.newm = mp;
    if (newmHandoff.waiting) {
        newmHandoff.waiting = false;
        plat_notewakeup(&newmHandoff.wake);
    }
    unlock(&newmHandoff.lock);
    return true;
}

/* ---- the program's LockOSThread ---- */

void rt_lockosthread(void) {
    if (atomic_Load(&newmHandoff.haveTemplateThread) == 0)
        systemstack(startTemplateThread_sys, NULL);
    g *gp = getg();
    if (++gp->m->lockedExt == 0) {
        gp->m->lockedExt--;
        gopanic("LockOSThread nesting overflow");
    }
    dolockOSThread();
    TRACE(LOCKOSTHREAD, GOID(gp), gp->m->lockedExt, 0);
}

void rt_unlockosthread(void) {
    g *gp = getg();
    if (gp->m->lockedExt == 0)
        return;   /* not locked: a no-op, as in Go */
    gp->m->lockedExt--;
    dounlockOSThread();
    TRACE(LOCKOSTHREAD, GOID(gp), gp->m->lockedExt, 0);
}

/* ---- handing the P between a locked M and the others ---- */

/* The current M is locked to a G that cannot run now: give the P to
 * another M and sleep until some M hands a P back with the G runnable.
 * Returns holding that P.  On g0. */
void stoplockedm(void) {
    m *mp = getg()->m;
    g *lg = mp->lockedg;
    if (lg == NULL || lg->lockedm != mp)
        throw("stoplockedm: inconsistent locking");
    TRACE(STOPLOCKEDM, GOID(lg), 0, 0);
    if (mp->p != NULL)
        handoffp(releasep());
    incidlelocked(1);
    mp->blocked = true;
    plat_notesleep(&mp->park);
    plat_noteclear(&mp->park);
    mp->blocked = false;
    if (readgstatus(lg) != _Grunnable)
        throw("stoplockedm: not runnable");
    acquirep(mp->nextp);
    mp->nextp = NULL;
}

/* gp, which this M's schedule just picked, is locked to another M: hand
 * this M's P to that M and stop.  Returns when this M is given work. */
void startlockedm(g *gp) {
    m *cur = getg()->m;
    m *mp = gp->lockedm;
    if (mp == cur)
        throw("startlockedm: locked to me");
    if (mp->nextp != NULL)
        throw("startlockedm: m has p");
    TRACE(STARTLOCKEDM, GOID(gp), (uint32_t)mp->id, 0);
    incidlelocked(-1);
    p *pp = releasep();
    mp->nextp = pp;
    xfer_del(cur, gp);   /* the G goes with the P, into the locked M's hand */
    xfer_add(mp, gp);
    plat_notewakeup(&mp->park);
    stopm();
}

/* ---- a locked G exits: its thread goes too ---- */

static void allm_remove(m *mp) {
    for (m **pp = &allm; *pp != NULL; pp = &(*pp)->alllink) {
        if (*pp == mp) {
            *pp = mp->alllink;
            return;
        }
    }
    throw("m not found in allm");
}

/* The current M's thread exits (goexit0 of a G still locked to it): give
 * its P away and end the thread.  m0 cannot exit (the process would): it
 * parks for good.  On g0. */
_Noreturn void mexit(void) {
    m *mp = getg()->m;
    if (mp != m0) {
        lock(&sched.lock);
        allm_remove(mp);
        mp->freelink = sched.freem;
        sched.freem = mp;
        unlock(&sched.lock);
    }
    handoffp(releasep());
    lock(&sched.lock);
    sched.nmfreed++;
    checkdead();
    unlock(&sched.lock);
    if (mp == m0) {
        mp->blocked = true;
        plat_notesleep(&mp->park);
        throw("locked m0 woke up");
    }
    plat_exitthread(mp);
}

void lockedm_reset(void) { memset(&newmHandoff, 0, sizeof newmHandoff); }
