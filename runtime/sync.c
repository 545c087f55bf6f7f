/*
 * runtime/sync.c: runtime semaphores (Go's sema.go) and the sync.Mutex and
 * sync.WaitGroup algorithms of Go 1.19 built on them.
 *
 * A semaphore's root keeps the Gs blocked in semacquire, FIFO (a
 * re-waiting Mutex waiter goes to the front).  semrelease readies the
 * first one with goready, so it lands in the releaser's runnext; with
 * handoff (a starving Mutex) the semaphore is handed over with the wakeup
 * and the releaser yields its time slice to the woken G.
 */
#include "internal.h"

rt_sema **rt_semas;
uint32_t rt_nsemas;
static uint32_t cap_semas;

/* Active spinning of sync.Mutex (Go's active_spin, active_spin_cnt). */
enum { ACTIVE_SPIN = 4, ACTIVE_SPIN_CNT = 30 };
/* A waiter blocked longer than this switches the Mutex to starvation mode. */
#define starvationThresholdNs (1000 * 1000LL)

void rt_sema_init(rt_sema *s, uint32_t value) {
    *s = (rt_sema){.value = value, .id = rt_nsemas};
    if (rt_nsemas == cap_semas) {
        uint32_t ncap = cap_semas ? cap_semas * 2 : 16;
        rt_sema **arr = plat_alloc(ncap * sizeof(rt_sema *));
        for (uint32_t i = 0; i < rt_nsemas; i++)
            arr[i] = rt_semas[i];
        rt_semas = arr;
        cap_semas = ncap;
    }
    rt_semas[rt_nsemas++] = s;
}

/* ---- semaphores ---- */

static bool cansemacquire(rt_sema *s) {
    for (;;) {
        uint32_t v = atomic_Load(&s->value);
        if (v == 0)
            return false;
        if (atomic_Cas(&s->value, v, v - 1))
            return true;
    }
}

/* Queue s at the back, or at the front if lifo.  root lock held. */
static void sema_queue(rt_sema *s, sudog *sg, bool lifo) {
    if (lifo && s->first != NULL) {
        sg->next = s->first;
        sg->prev = NULL;
        s->first->prev = sg;
        s->first = sg;
        return;
    }
    sg->next = NULL;
    sg->prev = s->last;
    if (s->last != NULL)
        s->last->next = sg;
    else
        s->first = sg;
    s->last = sg;
}

/* Take the first waiter.  root lock held. */
static sudog *sema_dequeue(rt_sema *s) {
    sudog *sg = s->first;
    if (sg == NULL)
        return NULL;
    s->first = sg->next;
    if (s->first != NULL)
        s->first->prev = NULL;
    else
        s->last = NULL;
    sg->next = sg->prev = NULL;
    xfer_add(getg()->m, sg->g);   /* in hand until readied */
    return sg;
}

void semacquire(rt_sema *s, bool lifo, uint8_t reason) {
    if (cansemacquire(s))
        return;
    g *gp = getg();
    sudog *sg = acquireSudog();
    sg->g = gp;
    for (;;) {
        lock(&s->lock);
        atomic_Xadd(&s->nwait, 1);   /* announce the wait before the last check */
        if (cansemacquire(s)) {
            atomic_Xadd(&s->nwait, -1);
            unlock(&s->lock);
            break;
        }
        sema_queue(s, sg, lifo);
        gopark(parkunlock_c, &s->lock, reason, WAIT_SEMA, s);
        if (sg->ticket != 0 || cansemacquire(s))
            break;
    }
    releaseSudog(sg);
}

void semrelease(rt_sema *s, bool handoff) {
    atomic_Xadd(&s->value, 1);
    if (atomic_Load(&s->nwait) == 0)
        return;   /* nobody waits: done, no lock taken */
    lock(&s->lock);
    if (atomic_Load(&s->nwait) == 0) {
        unlock(&s->lock);
        return;
    }
    sudog *sg = sema_dequeue(s);
    if (sg != NULL)
        atomic_Xadd(&s->nwait, -1);
    unlock(&s->lock);
    if (sg == NULL)
        return;
    if (sg->ticket != 0)
        throw("corrupted semaphore ticket");
    if (handoff && cansemacquire(s))
        sg->ticket = 1;
    goready(sg->g);
    if (sg->ticket == 1 && getg()->m->locks == 0)
        rt_goyield();   /* hand the rest of our time slice to the waiter */
}

/* ---- sync.Mutex ---- */

enum { mutexLocked = 1, mutexWoken = 2, mutexStarving = 4, mutexWaiterShift = 3 };

void rt_mutex_init(rt_mutex *mu) {
    mu->state = 0;
    rt_sema_init(&mu->sema, 0);
}

/* sync_runtime_canSpin: spin only a few times, only on a multicore machine
 * with another running P, and only while our local run queue is empty. */
static bool canSpin(int i) {
    if (i >= ACTIVE_SPIN || ncpu <= 1)
        return false;
    uint32_t npidle = atomic_Load(&sched.npidle);   /* two yield points: keep them in order */
    if (gomaxprocs <= (int32_t)(npidle + atomic_Load(&sched.nmspinning)) + 1)
        return false;
    return runqempty(getg()->m->p);
}

static int32_t mu_load(rt_mutex *mu) { return (int32_t)atomic_Load((uint32_t *)&mu->state); }
static bool mu_cas(rt_mutex *mu, int32_t old, int32_t new_) {
    return atomic_Cas((uint32_t *)&mu->state, (uint32_t)old, (uint32_t)new_);
}

/* The new state a waiter proposes, given the old one (lockSlow's middle). */
static int32_t lock_new_state(int32_t old, bool starving, bool awoke) {
    int32_t new_ = old;
    if ((old & mutexStarving) == 0)
        new_ |= mutexLocked;   /* don't try to acquire a starving mutex */
    if ((old & (mutexLocked | mutexStarving)) != 0)
        new_ += 1 << mutexWaiterShift;
    if (starving && (old & mutexLocked) != 0)
        new_ |= mutexStarving;
    if (awoke) {
        if ((new_ & mutexWoken) == 0)
            throw("sync: inconsistent mutex state");
        new_ &= ~mutexWoken;
    }
    return new_;
}

static void lockSlow(rt_mutex *mu) {
    int64_t waitStartTime = 0;
    bool starving = false, awoke = false;
    int iter = 0;
    int32_t old = mu_load(mu);
    for (;;) {
        /* Spin while the owner runs, announcing ourselves as woken so
         * Unlock does not wake another waiter. */
        if ((old & (mutexLocked | mutexStarving)) == mutexLocked && canSpin(iter)) {
            if (!awoke && (old & mutexWoken) == 0 && old >> mutexWaiterShift != 0 &&
                mu_cas(mu, old, old | mutexWoken)) {
                awoke = true;
                TRACE(SYNCMUTEX, mu->sema.id, (uint32_t)old | mutexWoken, 1);
            }
            TRACE(SYNCMUTEX, mu->sema.id, (uint32_t)old, 0);
            plat_procyield(ACTIVE_SPIN_CNT);
            iter++;
            old = mu_load(mu);
            continue;
        }
        int32_t new_ = lock_new_state(old, starving, awoke);
        if (!mu_cas(mu, old, new_)) {
            old = mu_load(mu);
            continue;
        }
        if ((old & (mutexLocked | mutexStarving)) == 0)
            break;   /* locked with the CAS */
        if ((new_ & mutexStarving) != 0 && (old & mutexStarving) == 0)
            TRACE(SYNCMUTEX, mu->sema.id, (uint32_t)new_, 2);
        bool queueLifo = waitStartTime != 0;   /* waited before: to the front */
        if (waitStartTime == 0)
            waitStartTime = nanotime();
        semacquire(&mu->sema, queueLifo, waitReasonSyncMutexLock);
        starving = starving || nanotime() - waitStartTime > starvationThresholdNs;
        old = mu_load(mu);
        if ((old & mutexStarving) != 0) {
            /* Handed over in starvation mode: fix the state up and own it. */
            if ((old & (mutexLocked | mutexWoken)) != 0 || old >> mutexWaiterShift == 0)
                throw("sync: inconsistent mutex state");
            int32_t delta = mutexLocked - (1 << mutexWaiterShift);
            if (!starving || old >> mutexWaiterShift == 1)
                delta -= mutexStarving;   /* the last waiter, or not starving: leave the mode */
            atomic_Xadd((uint32_t *)&mu->state, delta);
            TRACE(SYNCMUTEX, mu->sema.id, (uint32_t)(old + delta), 4);
            break;
        }
        awoke = true;
        iter = 0;
    }
}

void rt_mutex_lock(rt_mutex *mu) {
    if (mu_cas(mu, 0, mutexLocked))
        return;   /* fast path: unlocked */
    lockSlow(mu);
}

static void unlockSlow(rt_mutex *mu, int32_t new_) {
    if (((new_ + mutexLocked) & mutexLocked) == 0)
        gopanic("sync: unlock of unlocked mutex");
    if ((new_ & mutexStarving) != 0) {
        TRACE(SYNCMUTEX, mu->sema.id, (uint32_t)new_, 3);
        semrelease(&mu->sema, true);   /* hand ownership to the next waiter */
        return;
    }
    int32_t old = new_;
    for (;;) {
        /* Nobody to wake, or someone is already woken or has the lock. */
        if (old >> mutexWaiterShift == 0 || (old & (mutexLocked | mutexWoken | mutexStarving)) != 0)
            return;
        new_ = (old - (1 << mutexWaiterShift)) | mutexWoken;
        if (mu_cas(mu, old, new_)) {
            semrelease(&mu->sema, false);
            return;
        }
        old = mu_load(mu);
    }
}

void rt_mutex_unlock(rt_mutex *mu) {
    int32_t new_ = (int32_t)atomic_Xadd((uint32_t *)&mu->state, -mutexLocked);
    if (new_ != 0)
        unlockSlow(mu, new_);
}

/* ---- sync.WaitGroup ---- */

void rt_wg_init(rt_waitgroup *wg) {
    wg->state = 0;
    rt_sema_init(&wg->sema, 0);
}

void rt_wg_add(rt_waitgroup *wg, int64_t delta) {
    uint64_t state = atomic_Xadd64(&wg->state, delta * (int64_t)(1ull << 32));
    int32_t v = (int32_t)(state >> 32);
    uint32_t w = (uint32_t)state;
    if (v < 0)
        gopanic("sync: negative WaitGroup counter");
    if (v > 0 || w == 0)
        return;
    /* Counter is 0 with waiters: reset, then wake them all in order. */
    wg->state = 0;
    for (; w != 0; w--)
        semrelease(&wg->sema, false);
}

void rt_wg_wait(rt_waitgroup *wg) {
    for (;;) {
        plat_atomic_point();
        uint64_t state = RT_LOAD(&wg->state, __ATOMIC_SEQ_CST);
        if ((int32_t)(state >> 32) == 0)
            return;
        plat_atomic_point();
        if (RT_CAS(&wg->state, state, state + 1)) {
            semacquire(&wg->sema, false, waitReasonSyncWaitGroupWait);
            if (wg->state != 0)
                gopanic("sync: WaitGroup is reused before previous Wait has returned");
            return;
        }
    }
}

void sync_reset(void) {
    rt_semas = NULL;
    rt_nsemas = 0;
    cap_semas = 0;
}
