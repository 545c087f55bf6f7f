/*
 * sim/platform/platform_impl.h: runtime/platform.h implemented by the
 * deterministic driver.  Hot calls are inline: a yield point is an add and
 * a compare unless another thread is due (see sim/driver.h).
 */
#ifndef GMP_SIM_PLATFORM_IMPL_H
#define GMP_SIM_PLATFORM_IMPL_H

#include "sim/driver.h"

/* Every M runs on the one host thread, one at a time: the runtime's
 * atomics need no hardware atomicity (runtime/atomic.h). */
#define PLAT_ONE_HOST_THREAD 1

void plat_newosproc(m *mp);
_Noreturn void plat_exitthread(m *mp);
void plat_notesleep(note *n);
bool plat_notetsleep(note *n, int64_t ns);
void plat_notewakeup(note *n);
void plat_noteclear(note *n);
void plat_usleep(uint32_t us);
_Noreturn void plat_throw(const char *msg);
_Noreturn void plat_fatal(int kind, const char *msg);
_Noreturn void plat_exit(int code);

static inline g *plat_getg(void) { return simw.g; }
static inline void plat_setg(g *gp) { simw.g = gp; }
static inline int64_t plat_nanotime(void) { return simw.cur->vt; }
static inline trace *plat_trace(void) { return &simw.tr; }

/* A step of `cost` virtual ns has been taken; maybe let another thread run. */
static inline void sim_step(int64_t cost) {
    sim_thread *t = simw.cur;
    t->vt += cost;
    simw.yields++;
    if (__builtin_expect(t->vt >= simw.next_vt, 0))
        sim_yield_slow();
}

static inline void plat_atomic_point(void) { sim_step(simw.cost.atomic); }
static inline void plat_spend(int64_t ns) {
    sim_thread *t = simw.cur;
    t->spending = true;
    sim_step(ns);
    t->spending = false;
}
static inline void plat_osyield(void) { sim_step(simw.cost.osyield); }
static inline void plat_procyield(uint32_t n) { plat_spend(simw.cost.procyield * n / 30); }
static inline void plat_syscall(int64_t ns) { plat_spend(ns + simw.cost.syscall); }
int64_t plat_cost(unsigned what);

/* Go's lock2/unlock2 (lock_futex.go).  The speculative grab is an
 * exchange: it leaves key LOCKED even when an M sleeps on it (SLEEPING);
 * the slow path puts SLEEPING back when it takes the lock, so the unlock
 * still wakes the sleeper.  No hand-off: a woken M competes again. */
static inline void plat_lock(mutex *l) {
    sim_step(simw.cost.lock);
    uint32_t v = l->key;
    l->key = MUTEX_LOCKED;
    if (__builtin_expect(v == MUTEX_UNLOCKED, 1)) {
        l->owner = simw.cur->m;
        return;
    }
    sim_lock_slow(l, v);   /* returns owning l */
}

static inline void plat_unlock(mutex *l) {
    if (__builtin_expect(l->owner != simw.cur->m || l->key == MUTEX_UNLOCKED, 0))
        plat_throw("unlock of a lock not held by this M");
    uint32_t v = l->key;
    l->key = MUTEX_UNLOCKED;
    l->owner = NULL;
    if (v == MUTEX_SLEEPING)
        sim_futexwakeup(l);   /* one sleeper wakes and competes */
    sim_step(simw.cost.unlock);
}

static inline uint32_t plat_fastrand(void) { return sim_choose(CH_FASTRAND, 0); }


static inline bool plat_inject_preempt(int where) {
    (void)where;
    if (simw.preempt_den == 0)
        return false;
    return sim_choose(CH_PREEMPT, simw.preempt_den) == simw.preempt_den - 1;
}

static inline void *plat_alloc(size_t bytes) { return sim_alloc(bytes); }


#endif
