/*
 * runtime/sysmon.c: the system monitor.  It runs on its own M without a
 * P: it preempts Gs that have run for forcePreemptNS and retakes Ps whose
 * M sits in a system call, so one long syscall cannot idle a P.
 */
#include "internal.h"

/* Ask the G running on pp to yield at its next preemption point.
 * Returns false if there is nothing to preempt. */
static bool preemptone_cause(p *pp, uint8_t cause) {
    m *mp = pp->m;
    if (mp == NULL || mp == getg()->m)
        return false;
    g *gp = mp->curg;
    if (gp == NULL || gp == mp->g0)
        return false;
    gp->preempt = true;
    gp->preempt_cause = cause;
    pp->preempt = true;   /* Go also signals the M (async preemption) */
    TRACE(PREEMPTONE, pp->id, GOID(gp), 0);
    return true;
}

bool preemptone(p *pp) { return preemptone_cause(pp, PREEMPT_SYSMON); }

/* Preempt every running G (stop-the-world). */
bool preemptall(void) {
    bool res = false;
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        if (pp->status != _Prunning)
            continue;
        if (preemptone_cause(pp, PREEMPT_STW))
            res = true;
    }
    return res;
}

/* Preempt long-running Gs and retake Ps blocked in syscalls.  Returns the
 * number of Ps retaken from syscalls. */
static uint32_t retake(int64_t now) {
    uint32_t n = 0;
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        if (pp == NULL)
            continue;
        sysmontick *pd = &pp->sysmontick;
        uint32_t s = pp->status;
        bool sysretake = false;
        if (s == _Prunning || s == _Psyscall) {
            /* Preempt G if it has been running for too long. */
            uint32_t t = pp->schedtick;
            if (pd->schedtick != t) {
                pd->schedtick = t;
                pd->schedwhen = now;
            } else if (pd->schedwhen + forcePreemptNS <= now) {
                if (!MUTANT(SYSMON_NEVER_PREEMPTS) && preemptone(pp))
                    TRACE(RETAKE, pp->id, 0, 0);
                /* In case of a syscall, preemptone does nothing: no M. */
                sysretake = true;
            }
        }
        if (s == _Psyscall && !MUTANT(SYSMON_NEVER_RETAKES)) {
            /* Retake the P if it has been in the syscall for a sysmon tick. */
            uint32_t t = pp->syscalltick;
            if (!sysretake && pd->syscalltick != t) {
                pd->syscalltick = t;
                pd->syscallwhen = now;
                TRACE(RETAKE, pp->id, 2, 0);
                continue;
            }
            /* Leave it if it has no work, someone else can take the work,
             * and the syscall is younger than 10ms. */
            if (runqempty(pp) && someone_can_take_work() && pd->syscallwhen + 10 * 1000 * 1000 > now) {
                TRACE(RETAKE, pp->id, 3, 0);
                continue;
            }
            /* Count one more running M while the P changes hands, or the
             * M in the syscall could exit it, park, and make checkdead see
             * no running M at all. */
            incidlelocked(-1);
            if (atomic_Cas(&pp->status, s, _Pidle)) {
                TRACE(RETAKE, pp->id, 1, 0);
                n++;
                pp->syscalltick++;
                handoffp(pp);
            }
            incidlelocked(1);
        }
    }
    return n;
}

/* sysmon's loop: sleep 20us, doubling after 1ms of idleness up to 10ms;
 * sleep until the next timer while every P is idle. */
void sysmon(void) {
    m *mp = getg()->m;
    mp->issysmon = true;
    lock(&sched.lock);
    sched.nmsys++;
    checkdead();
    unlock(&sched.lock);
    int idle = 0;        /* how many cycles in succession we had not woken somebody */
    uint32_t delay = 0;
    for (;;) {
        if (idle == 0)
            delay = 20;            /* start with a 20us sleep... */
        else if (idle > 50)
            delay *= 2;            /* ...doubling after 1ms... */
        if (delay > 10 * 1000)
            delay = 10 * 1000;     /* ...up to 10ms */
        plat_usleep(delay);
        TRACE(SYSMON, delay, idle, 0);
        int64_t now = nanotime();
        if (sched.gcwaiting != 0 || atomic_Load(&sched.npidle) == (uint32_t)gomaxprocs) {
            lock(&sched.lock);
            if (atomic_Load(&sched.gcwaiting) != 0 || atomic_Load(&sched.npidle) == (uint32_t)gomaxprocs) {
                bool syscallWake = false;
                int64_t next = timeSleepUntil();
                if (next > now) {
                    atomic_Store(&sched.sysmonwait, 1);
                    unlock(&sched.lock);
                    /* Go's forcegcperiod/2: sysmon still wakes every minute. */
                    int64_t sleep = 60LL * 1000 * 1000 * 1000;
                    if (next - now < sleep)
                        sleep = next - now;
                    TRACE(SYSMON_SLEEP, sleep > UINT32_MAX ? UINT32_MAX : (uint32_t)sleep, 0, 0);
                    syscallWake = plat_notetsleep(&sched.sysmonnote, sleep);
                    TRACE(SYSMON_WAKE, 0, 0, syscallWake);
                    lock(&sched.lock);
                    atomic_Store(&sched.sysmonwait, 0);
                    plat_noteclear(&sched.sysmonnote);
                }
                if (syscallWake) {
                    idle = 0;
                    delay = 20;
                }
            }
            unlock(&sched.lock);
        }
        lock(&sched.sysmonlock);
        now = nanotime();
        if (retake(now) != 0)
            idle = 0;
        else
            idle++;
        unlock(&sched.sysmonlock);
    }
}
