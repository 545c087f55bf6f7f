/*
 * runtime/time.c: per-P timer heaps and time.Sleep (Go 1.19's time.go),
 * and the netpoller's role in waiting for timers.
 *
 * Each P keeps its timers in a 4-ary min-heap on `when`, guarded by
 * p.timersLock; p.timer0When mirrors the earliest deadline for readers
 * without the lock.  Timers run from checkTimers in the scheduler of the P
 * that holds them (or of a P stealing them).  An M with nothing to do and a
 * timer pending blocks "in netpoll" until that deadline; adding an earlier
 * timer breaks that wait (netpollBreak) or wakes a P (wakep).
 */
#include "internal.h"

bool netpollInited;
static note netpollNote;        /* the blocked netpoll's wakeup */
static uint32_t netpollWakeSig; /* a break is pending; avoids double wakeups */

bool netpollinited(void) { return netpollInited; }

/* A duration for a trace argument: ns, clamped to [0, UINT32_MAX]. */
static uint32_t clamp_ns(int64_t d) {
    if (d < 0)
        return 0;
    return d > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* ---- 4-ary heap ---- */

static void siftupTimer(timer **t, int32_t i) {
    timer *tmp = t[i];
    int64_t when = tmp->when;
    while (i > 0) {
        int32_t parent = (i - 1) / 4;
        if (when >= t[parent]->when)
            break;
        t[i] = t[parent];
        i = parent;
    }
    t[i] = tmp;
}

static void siftdownTimer(timer **t, int32_t n, int32_t i) {
    timer *tmp = t[i];
    int64_t when = tmp->when;
    for (;;) {
        int32_t c = i * 4 + 1;   /* left child */
        int32_t c3 = c + 2;      /* mid child */
        if (c >= n)
            break;
        int64_t w = t[c]->when;
        if (c + 1 < n && t[c + 1]->when < w) {
            w = t[c + 1]->when;
            c++;
        }
        if (c3 < n) {
            int64_t w3 = t[c3]->when;
            if (c3 + 1 < n && t[c3 + 1]->when < w3) {
                w3 = t[c3 + 1]->when;
                c3++;
            }
            if (w3 < w) {
                w = w3;
                c = c3;
            }
        }
        if (w >= when)
            break;
        t[i] = t[c];
        i = c;
    }
    t[i] = tmp;
}

static void timers_grow(p *pp) {
    int32_t ncap = pp->captimers ? pp->captimers * 2 : 16;
    timer **n = plat_alloc((size_t)ncap * sizeof(timer *));
    for (int32_t i = 0; i < pp->ntimers; i++)
        n[i] = pp->timers[i];
    pp->timers = n;   /* old array is run-owned, freed at teardown */
    pp->captimers = ncap;
}

/* Add t to pp's heap.  pp->timersLock held. */
static void doaddtimer(p *pp, timer *t) {
    netpollInited = true;   /* timers rely on the netpoller to wait */
    if (t->pp != NULL)
        throw("doaddtimer: P already set in timer");
    t->pp = pp;
    if (pp->ntimers == pp->captimers)
        timers_grow(pp);
    int32_t i = pp->ntimers++;
    pp->timers[i] = t;
    xfer_del(getg()->m, (g *)t->arg);   /* the sleeping G is in the heap now */
    siftupTimer(pp->timers, i);
    if (t == pp->timers[0])
        atomic_Store64(&pp->timer0When, t->when);
}

/* Remove the first timer of pp's heap.  pp->timersLock held. */
static void dodeltimer0(p *pp) {
    timer *t = pp->timers[0];
    t->pp = NULL;
    int32_t last = --pp->ntimers;
    if (last > 0)
        pp->timers[0] = pp->timers[last];
    pp->timers[last] = NULL;
    if (last > 0)
        siftdownTimer(pp->timers, last, 0);
    atomic_Store64(&pp->timer0When, last > 0 ? pp->timers[0]->when : 0);
}

/* Run the first timer if it is due.  Returns 0 if it ran, -1 if the heap
 * is empty, else the first deadline.  pp->timersLock held; released while
 * the timer's function runs. */
static int64_t runtimer(p *pp, int64_t now) {
    timer *t = pp->timers[0];
    if (t->when > now)
        return t->when;
    if (t->status != timerWaiting)
        throw("runtimer: bad timer status");
    t->status = timerRunning;
    g *gp = t->arg;
    xfer_add(getg()->m, gp);   /* out of the heap, not yet on a run queue */
    dodeltimer0(pp);
    TRACE(TIMER_FIRE, GOID(gp), pp->id, 0);
    t->status = timerNoStatus;
    unlock(&pp->timersLock);
    t->f(t->arg, t->seq);
    lock(&pp->timersLock);
    return 0;
}

/* Run pp's due timers.  now==0: read the clock if needed.  Returns the
 * time used, the next deadline (0: none) and whether any timer ran. */
void checkTimers(p *pp, int64_t now, int64_t *rnow, int64_t *pollUntil, bool *ran) {
    *pollUntil = 0;
    *ran = false;
    int64_t next = atomic_Load64(&pp->timer0When);
    if (next == 0) {
        *rnow = now;
        return;
    }
    if (now == 0)
        now = nanotime();
    *rnow = now;
    if (now < next) {
        *pollUntil = next;
        return;
    }
    lock(&pp->timersLock);
    while (pp->ntimers > 0) {
        int64_t tw = runtimer(pp, now);
        if (tw != 0) {
            if (tw > 0)
                *pollUntil = tw;
            break;
        }
        *ran = true;
    }
    unlock(&pp->timersLock);
}

/* Move timers from a destroyed P to pp.  Both timersLocks held. */
void moveTimers(p *pp, timer **timers, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        timer *t = timers[i];
        if (t->status != timerWaiting)
            throw("moveTimers: bad timer status");
        t->status = timerMoving;
        t->pp = NULL;
        doaddtimer(pp, t);
        t->status = timerWaiting;
        timers[i] = NULL;
    }
}

/* The earliest timer deadline over all Ps (INT64_MAX if none). */
int64_t timeSleepUntil(void) {
    int64_t next = INT64_MAX;
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        if (pp == NULL)
            continue;
        int64_t w = atomic_Load64(&pp->timer0When);
        if (w != 0 && w < next)
            next = w;
    }
    return next;
}

int64_t nobarrierWakeTime(p *pp) { return atomic_Load64(&pp->timer0When); }

/* Clear pp in timerpMask if it has no timers. */
void updateTimerPMask(p *pp) {
    if (pp->ntimers > 0)
        return;
    lock(&pp->timersLock);
    if (pp->ntimers == 0)
        pMask_clear(timerpMask, pp->id);
    unlock(&pp->timersLock);
}

/* A new timer at `when`: make sure some M will wake for it. */
void wakeNetPoller(int64_t when) {
    if (atomic_Load64(&sched.lastpoll) == 0) {
        /* An M is blocked in netpoll: break it if it sleeps past `when`. */
        int64_t pollerPollUntil = atomic_Load64(&sched.pollUntil);
        if (pollerPollUntil == 0 || pollerPollUntil > when)
            netpollBreak();
    } else {
        wakep();
    }
}

void netpollBreak(void) {
    if (!atomic_Cas(&netpollWakeSig, 0, 1))
        return;
    plat_notewakeup(&netpollNote);
}

/* Go's netpoll on Linux waits in epoll_wait, whose timeout is whole
 * milliseconds: under 1ms it waits 1ms, otherwise the delay rounded down.
 * So an M waiting for a timer wakes at ms granularity, and timers due
 * within the same window fire in one batch (readied in deadline order,
 * the last one into runnext). */
static int64_t epoll_wait_ns(int64_t delay) {
    if (delay <= 0)
        return delay;
    if (delay < 1000 * 1000)
        return 1000 * 1000;
    return delay / (1000 * 1000) * (1000 * 1000);
}

/* Block this M until the next timer or a netpollBreak (delay < 0: no
 * timeout).  No network: there is never anything to return. */
void netpoll_block(int64_t delay) {
    int64_t wait = epoll_wait_ns(delay);
    TRACE(NETPOLL, wait < 0 ? UINT32_MAX : clamp_ns(wait), 0, 0);
    if (wait == 0) {
        /* non-blocking: consume a pending break */
    } else if (wait < 0) {
        plat_notesleep(&netpollNote);
    } else {
        plat_notetsleep(&netpollNote, wait);
    }
    if (atomic_Load(&netpollWakeSig) != 0) {
        plat_noteclear(&netpollNote);
        atomic_Store(&netpollWakeSig, 0);
    }
}

/* ---- time.Sleep ---- */

static void goroutineReady(void *arg, uintptr_t seq) {
    (void)seq;
    goready((g *)arg);
}

/* resetForSleep: runs on g0 once the sleeping G is parked. */
static bool resetForSleep(g *gp, void *tv) {
    (void)gp;
    timer *t = tv;
    p *pp = getg()->m->p;
    t->when = t->nextwhen;
    lock(&pp->timersLock);
    doaddtimer(pp, t);
    t->status = timerWaiting;
    unlock(&pp->timersLock);
    TRACE(TIMER_ADD, GOID(gp), clamp_ns(t->when - nanotime()), 0);
    wakeNetPoller(t->when);
    return true;
}

void timeSleep(int64_t ns) {
    if (ns <= 0)
        return;
    g *gp = getg();
    timer *t = gp->timer;
    if (t == NULL) {
        t = plat_alloc(sizeof(timer));
        gp->timer = t;
    }
    t->f = goroutineReady;
    t->arg = gp;
    t->nextwhen = nanotime() + ns;
    if (t->nextwhen < 0)
        t->nextwhen = INT64_MAX;
    gopark(resetForSleep, t, waitReasonSleep, WAIT_TIMER, t);
}

void rt_sleep(int64_t ns) { timeSleep(ns); }

void time_reset(void) {
    netpollInited = false;
    netpollNote = (note){0};
    netpollWakeSig = 0;
}
