/*
 * runtime/sync.c: the sync.Mutex and sync.WaitGroup stand-ins, on
 * runtime semaphores (Go's sema.go, reduced to FIFO queues).
 *
 * Waking a waiter is Go's semrelease: goready, so the woken G goes to the
 * waker's runnext.  The mutex hands ownership straight to the oldest
 * waiter; Go's sync.Mutex does that only in starvation mode, so the type
 * is named rt_handoff_mutex, not sync.Mutex.
 */
#include "internal.h"

rt_handoff_mutex **rt_mutexes;
uint32_t rt_nmutexes;
rt_waitgroup **rt_waitgroups;
uint32_t rt_nwaitgroups;
static uint32_t cap_mutexes, cap_waitgroups;

static void **grow_registry(void **old, uint32_t n, uint32_t *cap) {
    if (n < *cap)
        return old;
    uint32_t ncap = *cap ? *cap * 2 : 8;
    void **arr = plat_alloc(ncap * sizeof(void *));
    for (uint32_t i = 0; i < n; i++)
        arr[i] = old[i];
    *cap = ncap;
    return arr;
}

static void semq_enqueue(sudog **first, sudog **last, sudog *s) {
    s->next = NULL;
    s->prev = *last;
    if (*last != NULL)
        (*last)->next = s;
    else
        *first = s;
    *last = s;
}

static sudog *semq_dequeue(sudog **first, sudog **last) {
    sudog *s = *first;
    if (s == NULL)
        return NULL;
    *first = s->next;
    if (*first != NULL)
        (*first)->prev = NULL;
    else
        *last = NULL;
    s->next = s->prev = NULL;
    xfer_add(getg()->m, s->g);
    return s;
}

/* Park on a semaphore queue; lk is released once the G is off its M. */
static void semq_park(sudog **first, sudog **last, mutex *lk, uint8_t reason, void *obj) {
    g *gp = getg();
    sudog *s = acquireSudog();
    s->g = gp;
    semq_enqueue(first, last, s);
    gopark(parkunlock_c, lk, reason, WAIT_SEMA, obj);
    releaseSudog(s);
}

/* ---- mutex ---- */

void rt_mutex_init(rt_handoff_mutex *mu, int32_t id) {
    *mu = (rt_handoff_mutex){.id = id};
    rt_mutexes = (rt_handoff_mutex **)grow_registry((void **)rt_mutexes, rt_nmutexes, &cap_mutexes);
    rt_mutexes[rt_nmutexes++] = mu;
}

void rt_mutex_lock(rt_handoff_mutex *mu) {
    lock(&mu->lock);
    if (!mu->locked) {
        mu->locked = true;
        unlock(&mu->lock);
        return;
    }
    /* Owned: wait; the unlocker hands the mutex to us. */
    semq_park(&mu->first, &mu->last, &mu->lock, waitReasonSyncMutexLock, mu);
}

void rt_mutex_unlock(rt_handoff_mutex *mu) {
    lock(&mu->lock);
    if (!mu->locked) {
        unlock(&mu->lock);
        gopanic("sync: unlock of unlocked mutex");
    }
    sudog *s = semq_dequeue(&mu->first, &mu->last);
    if (s == NULL)
        mu->locked = false;
    unlock(&mu->lock);
    if (s != NULL)
        goready(s->g);   /* ownership passes to the oldest waiter */
}

/* ---- waitgroup ---- */

void rt_wg_init(rt_waitgroup *wg, int32_t id) {
    *wg = (rt_waitgroup){.id = id};
    rt_waitgroups = (rt_waitgroup **)grow_registry((void **)rt_waitgroups, rt_nwaitgroups, &cap_waitgroups);
    rt_waitgroups[rt_nwaitgroups++] = wg;
}

void rt_wg_add(rt_waitgroup *wg, int64_t delta) {
    lock(&wg->lock);
    wg->counter += delta;
    if (wg->counter < 0) {
        unlock(&wg->lock);
        gopanic("sync: negative WaitGroup counter");
    }
    if (wg->counter > 0 || wg->first == NULL) {
        unlock(&wg->lock);
        return;
    }
    /* Counter hit zero: release every waiter, oldest first. */
    gQueue order = {0};
    for (sudog *s; (s = semq_dequeue(&wg->first, &wg->last)) != NULL;)
        gqueue_pushBack(&order, s->g);
    unlock(&wg->lock);
    for (g *gp; (gp = gqueue_pop(&order)) != NULL;)
        goready(gp);
}

void rt_wg_wait(rt_waitgroup *wg) {
    lock(&wg->lock);
    if (wg->counter == 0) {
        unlock(&wg->lock);
        return;
    }
    semq_park(&wg->first, &wg->last, &wg->lock, waitReasonSyncWaitGroupWait, wg);
}

void sync_reset(void) {
    rt_mutexes = NULL;
    rt_nmutexes = 0;
    rt_waitgroups = NULL;
    rt_nwaitgroups = 0;
    cap_mutexes = cap_waitgroups = 0;
}
