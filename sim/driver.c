/*
 * sim/driver.c: simulated threads on one host thread, the virtual clock,
 * the ready heap, notes and locks, choices, and the life of a run.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/stack.h"
#include "runtime/platform.h"
#include "runtime/runtime.h"
#include "sim/driver.h"
#include "sim/scenario.h"

sim_world simw;

/* ---- run-owned memory: a bump arena released at the end of the run ---- */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
} arena_chunk;

static arena_chunk *arena;   /* owned by the running sim */

void *sim_alloc(size_t bytes) {
    bytes = (bytes + 15) & ~(size_t)15;
    if (arena == NULL || arena->used + bytes > arena->cap) {
        size_t cap = bytes > (1u << 20) ? bytes : (1u << 20);
        arena_chunk *c = malloc(sizeof(arena_chunk) + cap);
        if (c == NULL)
            sim_end(OUT_RESOURCE, "out of memory");
        c->next = arena;
        c->used = 0;
        c->cap = cap;
        arena = c;
    }
    void *p = (char *)arena->data + arena->used;
    arena->used += bytes;
    memset(p, 0, bytes);
    return p;
}

void sim_arena_release(void) {
    while (arena != NULL) {
        arena_chunk *n = arena->next;
        free(arena);
        arena = n;
    }
}

/* ---- the ready heap: threads that can run at `key` (ready or sleeping) ---- */

static bool heap_less(const sim_thread *a, const sim_thread *b) {
    return a->key < b->key || (a->key == b->key && a->id < b->id);
}

static void heap_swap(uint32_t i, uint32_t j) {
    sim_thread *t = simw.heap[i];
    simw.heap[i] = simw.heap[j];
    simw.heap[j] = t;
    simw.heap[i]->heapidx = (int32_t)i;
    simw.heap[j]->heapidx = (int32_t)j;
}

static void heap_up(uint32_t i) {
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!heap_less(simw.heap[i], simw.heap[parent]))
            break;
        heap_swap(i, parent);
        i = parent;
    }
}

static void heap_down(uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < simw.nheap && heap_less(simw.heap[l], simw.heap[m]))
            m = l;
        if (r < simw.nheap && heap_less(simw.heap[r], simw.heap[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(i, m);
        i = m;
    }
}

static void heap_push(sim_thread *t) {
    if (t->heapidx >= 0)
        plat_throw("sim: thread already in the ready heap");
    uint32_t i = simw.nheap++;
    simw.heap[i] = t;
    t->heapidx = (int32_t)i;
    heap_up(i);
}

static void heap_remove(sim_thread *t) {
    uint32_t i = (uint32_t)t->heapidx;
    uint32_t last = --simw.nheap;
    if (i != last) {
        heap_swap(i, last);
        heap_down(i);
        heap_up(i);
    }
    t->heapidx = -1;
}

/* ---- thread switching ---- */

static void switch_to(sim_thread *next) {
    sim_thread *cur = simw.cur;
    if (next == cur) {
        cur->state = TH_RUNNING;
        sim_recompute_next();
        return;
    }
    if (simw.check)
        check_note_switch(cur->m, next->m);   /* what they change is checked at the next event */
    if (simw.strategy != STRAT_RANDOM) {
        /* pct/rr ignore time order: time flows as the maximum over
         * threads, so a thread picked "early" catches up first. */
        if (cur->vt > simw.clock)
            simw.clock = cur->vt;
        if (next->vt < simw.clock)
            next->vt = simw.clock;
    } else if (next->vt > simw.clock) {
        simw.clock = next->vt;   /* time order: next holds the earliest step */
    }
    cur->tls_g = simw.g;
    simw.cur = next;
    simw.g = next->tls_g;
    next->state = TH_RUNNING;
    next->woken = false;
    sim_recompute_next();
    gmp_ctx_switch(&cur->sp, next->sp, &next->tls_g->stack, NULL, NULL);
    /* resumed: whoever switched to us set simw.cur = cur */
}

static void end_at_time_limit(void);

/* A thread taken from the heap becomes runnable at its key.  A key past
 * the time budget ends the run there instead: no step starts after the
 * budget, so no event time can pass the headroom below 2^48 ns (sim.h). */
static sim_thread *take(sim_thread *t) {
    if (t->key > simw.vt_limit)
        end_at_time_limit();
    heap_remove(t);
    if (t->state == TH_SLEEPING) {
        /* a timed sleep ran out */
        t->timedout = true;
        if (t->waitnote != NULL) {
            t->waitnote->plat = NULL;
            t->waitnote = NULL;
        }
    }
    if (t->vt < t->key)
        t->vt = t->key;
    return t;
}

/* Threads due at the heap's minimum key (a subtree at the root),
 * in id order.  Returns how many, at most max. */
static uint32_t collect_ties(sim_thread **out, uint32_t max) {
    uint32_t n = 0, stack[64], sp = 0;
    if (simw.nheap == 0)
        return 0;
    int64_t k = simw.heap[0]->key;
    stack[sp++] = 0;
    while (sp > 0 && n < max) {
        uint32_t i = stack[--sp];
        if (i >= simw.nheap || simw.heap[i]->key != k)
            continue;
        out[n++] = simw.heap[i];
        if (sp + 2 <= 64) {
            stack[sp++] = 2 * i + 2;
            stack[sp++] = 2 * i + 1;
        }
    }
    /* id order, so the choice does not depend on heap layout */
    for (uint32_t i = 1; i < n; i++) {
        sim_thread *t = out[i];
        uint32_t j = i;
        while (j > 0 && out[j - 1]->id > t->id) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = t;
    }
    return n;
}

static bool enabled(const sim_thread *t) {
    return t->state == TH_READY || (t->state == TH_SLEEPING && t->key <= simw.clock);
}

/* PCT / round robin: pick among the enabled threads (cur included when
 * it is still running).  NULL if none is enabled. */
static sim_thread *pick_strategy(sim_thread *cur) {
    sim_thread *best = (cur != NULL && cur->state == TH_RUNNING) ? cur : NULL;
    if (simw.strategy == STRAT_RR) {
        /* the next enabled id after the last one picked, cyclically */
        sim_thread *after = NULL, *first = best;
        for (uint32_t i = 0; i < simw.nheap; i++) {
            sim_thread *t = simw.heap[i];
            if (!enabled(t))
                continue;
            if (first == NULL || t->id < first->id)
                first = t;
            if (t->id > simw.rr_last && (after == NULL || t->id < after->id))
                after = t;
        }
        if (best != NULL && best->id > simw.rr_last && (after == NULL || best->id < after->id))
            after = best;
        best = after != NULL ? after : first;
        if (best != NULL)
            simw.rr_last = best->id;
        return best;
    }
    for (uint32_t i = 0; i < simw.nheap; i++) {
        sim_thread *t = simw.heap[i];
        if (enabled(t) && (best == NULL || t->prio > best->prio ||
                           (t->prio == best->prio && t->id < best->id)))
            best = t;
    }
    return best;
}

/* How long an OS stall lasts: from 10us, roughly doubling every 7 steps
 * of the drawn value, up to ~35ms (a loaded machine's scheduling delay). */
static int64_t stall_ns(uint32_t v) { return (int64_t)(10000 + (v % 7) * 10000) << (v / 7); }

/* Maybe stall t (an OS deschedule): push its vt forward. */
static bool maybe_stall(sim_thread *t) {
    if (simw.stall_den == 0)
        return false;
    if (sim_choose(CH_STALL, simw.stall_den) != simw.stall_den - 1)
        return false;
    t->vt += stall_ns(sim_choose(CH_STALL_LEN, 64));
    return true;
}

/* A thread about to wake (a timed sleep ran out, or a wakeup) may be woken
 * late, as the OS would under load: push its key back in the heap. */
static bool maybe_wake_late(sim_thread *t) {
    if (simw.stall_den == 0 || !(t->state == TH_SLEEPING || t->woken))
        return false;
    if (sim_choose(CH_STALL, simw.stall_den) != simw.stall_den - 1)
        return false;
    heap_remove(t);
    t->key += stall_ns(sim_choose(CH_STALL_LEN, 64));
    heap_push(t);
    return true;
}

/* Jitter: a contended step takes up to jitter_ns longer than its cost,
 * as real steps vary with caches and interrupts (0: off). */
static void maybe_jitter(sim_thread *t) {
    if (simw.jitter_ns > 0)
        t->vt += sim_choose(CH_JITTER, (uint32_t)simw.jitter_ns + 1);
}

/* Time order: the thread whose next step starts first runs; ties go to
 * the choice source.  cur (NULL when it blocked) competes at cur->vt; an
 * OS stall may first push cur's time forward.  Returns cur to continue. */
static sim_thread *pick_time(sim_thread *cur) {
    if (cur != NULL && simw.nheap > 0) {
        maybe_jitter(cur);
        maybe_stall(cur);
    }
    sim_thread *cand[65];
    uint32_t n = collect_ties(cand, 64);
    for (int late = 0; late < 4 && n > 0 && (cur == NULL || cand[0]->key <= cur->vt); late++) {
        if (!maybe_wake_late(cand[0]))
            break;
        n = collect_ties(cand, 64);   /* decide again without the late thread */
    }
    if (n == 0 || (cur != NULL && cand[0]->key > cur->vt))
        return cur;
    if (cur != NULL && cand[0]->key == cur->vt) {
        uint32_t j = n;   /* insert cur in id order */
        while (j > 0 && cand[j - 1]->id > cur->id) {
            cand[j] = cand[j - 1];
            j--;
        }
        cand[j] = cur;
        n++;
    }
    return cand[n > 1 ? sim_choose(CH_TIE, n) : 0];
}

void sim_recompute_next(void) {
    int64_t nv = simw.vt_limit;
    if (simw.check_pending)
        nv = INT64_MIN;
    else if (simw.nheap > 0) {
        if (simw.strategy != STRAT_RANDOM || simw.stall_den != 0 || simw.jitter_ns != 0)
            nv = INT64_MIN;   /* every yield point is a decision */
        else if (simw.heap[0]->key < nv)
            nv = simw.heap[0]->key;
    }
    simw.next_vt = nv;
}

void sim_note_progress(void) {
    simw.progress_vt = simw.cur->vt;
    simw.progress_sched = sched.nschedule;
}

/* A budget ran out.  It is a hang if no scenario op completed during the
 * last tenth of the virtual time or schedule budget; otherwise the run
 * was merely long (random scenarios under heavy OS stalls can be). */
static void end_over_budget(const char *budget) {
    int64_t idle_vt = simw.cur->vt - simw.progress_vt;
    uint64_t idle_sched = sched.nschedule - simw.progress_sched;
    bool stuck = idle_vt > simw.vt_limit / 10 || idle_sched > simw.max_schedules / 10;
    char msg[160];
    if (stuck) {
        snprintf(msg, sizeof msg, "%s budget exceeded: no goroutine finished an op in the last %" PRId64
                 " ns, %" PRIu64 " schedules (hang or livelock)", budget, idle_vt, idle_sched);
        sim_end(OUT_HANG, msg);
    }
    snprintf(msg, sizeof msg, "%s budget exceeded while goroutines still make progress (a long run, not a hang)",
             budget);
    sim_end(OUT_BUDGET, msg);
}

/* The earliest runtime timer over all Ps, in virtual time (INT64_MAX:
 * none), read directly: the runtime's accessors are yield points. */
static int64_t earliest_timer(void) {
    int64_t next = INT64_MAX;
    for (int32_t i = 0; i < allplen; i++)
        if (allp[i] != NULL && allp[i]->timer0When != 0 && allp[i]->timer0When < next)
            next = allp[i]->timer0When;
    return next == INT64_MAX ? next : next - NANOTIME_AT_BOOT;
}

static bool any_runnable_g(void) {
    if (sched.runqsize > 0)
        return true;
    for (int32_t i = 0; i < allplen; i++)
        if (allp[i] != NULL && (allp[i]->runqhead != allp[i]->runqtail || allp[i]->runnext != NULL))
            return true;
    return false;
}

/* Every thread waits until after the time budget: the run ends at the
 * budget.  Goroutines asleep on a timer that fires after it, with nothing
 * runnable, are waiting, not hung (`main { sleep 3600s }`): outcome budget.
 * Otherwise the usual rule (end_over_budget) tells a hang from a long run. */
static void end_at_time_limit(void) {
    sim_thread *cur = simw.cur;
    if (cur->vt < simw.vt_limit)
        cur->vt = simw.vt_limit;   /* the run ends at its budget, on this M's clock */
    int64_t next = earliest_timer();
    if (next != INT64_MAX && next > simw.vt_limit && !any_runnable_g()) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "virtual time budget reached: goroutines wait for a timer at %" PRId64 " ns, after the limit",
                 next);
        sim_end(OUT_BUDGET, msg);
    }
    end_over_budget("virtual time");
}

static void housekeeping(void) {
    sim_thread *cur = simw.cur;
    if (cur->vt >= simw.vt_limit)
        end_over_budget("virtual time");
    if (sched.nschedule > simw.max_schedules)
        end_over_budget("schedule");
    if (simw.max_events != 0 && tr_seq(&simw.tr) > simw.max_events)
        end_over_budget("event");
    if (simw.check_pending) {
        simw.check_pending = false;
        check_run_all();   /* the filter here; full walks on the service stack */
    }
}

static void pct_step(sim_thread *cur) {
    simw.steps++;
    for (int i = 0; i < simw.pct_nchange; i++) {
        if (simw.pct_change[i] == simw.steps) {
            cur->prio = (uint32_t)simw.pct_next_low--;   /* drop below every initial priority */
        }
    }
}

void sim_yield_slow(void) {
    sim_thread *cur = simw.cur;
    bool for_check = simw.check_pending;
    housekeeping();
    if (for_check) {
        /* Only the check forced this slow path: if no other thread is
         * due, continue as the unchecked fast path would have. */
        sim_recompute_next();
        if (cur->vt < simw.next_vt)
            return;
    }
    sim_thread *next;
    if (simw.strategy == STRAT_RANDOM) {
        next = pick_time(cur);
    } else {
        if (simw.strategy == STRAT_PCT)
            pct_step(cur);
        if (cur->vt > simw.clock)
            simw.clock = cur->vt;
        next = pick_strategy(cur);
        if (next == NULL)
            next = cur;
    }
    if (next == cur) {
        sim_recompute_next();
        return;
    }
    cur->state = TH_READY;
    cur->key = cur->vt;
    heap_push(cur);
    simw.yield_switches++;
    switch_to(take(next));
}

/* The current thread cannot continue (blocked or sleeping): run another.
 * Returns when someone makes it runnable again and it is picked. */
void sim_block(void) {
    sim_thread *cur = simw.cur;
    if (simw.check_pending) {
        simw.check_pending = false;
        check_run_all();
    } else if (!simw.check) {
        check_cheap();   /* the always-on subset, at each M block */
    }
    sim_thread *next = NULL;
    if (simw.strategy != STRAT_RANDOM) {
        if (cur->vt > simw.clock)
            simw.clock = cur->vt;
        next = pick_strategy(NULL);
    }
    if (next == NULL)
        next = pick_time(NULL);
    if (next == NULL) {
        /* Every thread is blocked and none will wake: Go would hang here
         * forever without reporting a deadlock. */
        sim_end(OUT_HANG, "every M is blocked and no timer is pending (lost wakeup)");
    }
    switch_to(take(next));
}

/* Make a blocked or sleeping thread runnable at time `at`. */
void sim_wake(sim_thread *t, int64_t at) {
    if (t->state == TH_SLEEPING)
        heap_remove(t);
    else if (t->state != TH_BLOCKED)
        plat_throw("sim: waking a thread that is not asleep");
    t->state = TH_READY;
    t->woken = true;
    t->timedout = false;
    if (t->vt < at)
        t->vt = at;
    t->key = t->vt;
    heap_push(t);
    sim_recompute_next();
}

/* ---- the platform interface ---- */

static void thread_entry(void *tv, void *unused) {
    (void)tv;
    (void)unused;
    mstart();
}

sim_thread *sim_new_thread(m *mp) {
    if (simw.nthreads >= SIM_MAX_THREADS)
        sim_end(OUT_RESOURCE, "too many threads");
    sim_thread *t = sim_alloc(sizeof(sim_thread));
    t->id = simw.nthreads;
    t->heapidx = -1;
    t->m = mp;
    t->tls_g = mp->g0;
    mp->plat = t;
    simw.threads[simw.nthreads++] = t;
    if (simw.strategy == STRAT_PCT)
        t->prio = (uint32_t)simw.pct_depth + sim_choose(CH_PRIO, 1u << 20);
    return t;
}

void plat_newosproc(m *mp) {
    sim_thread *t = sim_new_thread(mp);
    t->sp = gmp_ctx_make(&mp->g0->stack, mp->g0->stack.hi, thread_entry, t, NULL);
    /* A fresh process starts its first threads much more slowly. */
    t->vt = simw.cur->vt + sim_cost_draw(t->id <= 2 ? SIM_COST_THREAD_START_EARLY : SIM_COST_THREAD_START);
    t->key = t->vt;
    t->state = TH_READY;
    t->woken = true;   /* a pending start counts as a pending wakeup */
    heap_push(t);
    sim_recompute_next();
}

_Noreturn void plat_exitthread(m *mp) {
    (void)mp;
    simw.cur->state = TH_DEAD;
    sim_block();
    plat_throw("sim: a dead thread was resumed");
}

void plat_notesleep(note *n) {
    sim_step(simw.cost.note_sleep);
    if (n->key != 0)
        return;
    if (n->plat != NULL)
        plat_throw("notesleep: note already has a sleeper");
    sim_thread *cur = simw.cur;
    n->plat = cur;
    cur->waitnote = n;
    cur->state = TH_BLOCKED;
    sim_block();
}

bool plat_notetsleep(note *n, int64_t ns) {
    sim_step(simw.cost.note_sleep);
    if (n->key != 0)
        return true;
    if (ns <= 0)
        return false;
    if (n->plat != NULL)
        plat_throw("notetsleep: note already has a sleeper");
    sim_thread *cur = simw.cur;
    n->plat = cur;
    cur->waitnote = n;
    cur->timedout = false;
    cur->state = TH_SLEEPING;
    /* "forever" saturates; otherwise the timer overshoots */
    int64_t slack = sim_cost_draw(SIM_COST_SLEEP_SLACK);
    cur->key = ns > INT64_MAX - cur->vt - slack ? INT64_MAX : cur->vt + ns + slack;
    heap_push(cur);
    sim_block();
    return !cur->timedout;
}

void plat_notewakeup(note *n) {
    if (n->key != 0)
        plat_throw("notewakeup - double wakeup");
    n->key = 1;
    sim_thread *t = n->plat;
    if (t != NULL) {
        n->plat = NULL;
        t->waitnote = NULL;
        sim_wake(t, simw.cur->vt + simw.cost.note_wake + sim_cost_draw(SIM_COST_WAKE_LATENCY));
    }
    sim_step(simw.cost.note_wake);
}

void plat_noteclear(note *n) { n->key = 0; }

void plat_usleep(uint32_t us) {
    sim_thread *cur = simw.cur;
    cur->state = TH_SLEEPING;
    cur->waitnote = NULL;
    cur->key = cur->vt + (int64_t)us * 1000 + sim_cost_draw(SIM_COST_SLEEP_SLACK);
    heap_push(cur);
    sim_block();
}

/* lock_futex.go's contended path: spin ACTIVE_SPIN rounds of procyield
 * (multiprocessors only), one osyield round, then sleep on the key until
 * an unlock wakes this M, and start over.  Each round first tries to take
 * the lock if it is free, setting key to `wait`: LOCKED, or SLEEPING once
 * this M has slept (or found SLEEPING), so that sleepers keep being woken. */
enum { LOCK_ACTIVE_SPIN = 4, LOCK_ACTIVE_SPIN_CNT = 30, LOCK_PASSIVE_SPIN = 1 };

static bool lock_try(mutex *l, uint32_t wait) {
    if (l->key != MUTEX_UNLOCKED)
        return false;
    l->key = wait;   /* a compare-and-swap from UNLOCKED */
    l->owner = simw.cur->m;
    return true;
}

/* futexsleep(&l->key, SLEEPING): sleep unless key changed.  FIFO, like
 * the kernel's futex queue for threads of equal priority. */
static void lock_futexsleep(mutex *l) {
    sim_thread *cur = simw.cur;
    if (l->key != MUTEX_SLEEPING)
        return;
    cur->lock_next = NULL;
    sim_thread **tail = (sim_thread **)&l->plat;
    for (uint32_t n = 0; *tail != NULL; tail = &(*tail)->lock_next)
        if (++n > SIM_MAX_THREADS)
            plat_throw("sim: futex queue longer than the thread count");
    *tail = cur;
    cur->waitlock = l;
    cur->state = TH_BLOCKED;
    sim_block();
}

void sim_lock_slow(mutex *l, uint32_t wait) {
    sim_thread *cur = simw.cur;
    if (l->owner == cur->m)
        plat_throw("lock: lock already held by this M (self-deadlock)");
    int spin = ncpu > 1 ? LOCK_ACTIVE_SPIN : 0;
    for (;;) {
        for (int i = 0; i < spin; i++) {
            if (lock_try(l, wait))
                return;
            /* procyield, as a plain step: an M spinning on a runtime lock
             * is mid-operation, not in user code (plat_procyield's
             * "spending" would make the checkers see a quiescent point) */
            sim_step(simw.cost.procyield * LOCK_ACTIVE_SPIN_CNT / 30);
        }
        for (int i = 0; i < LOCK_PASSIVE_SPIN; i++) {
            if (lock_try(l, wait))
                return;
            plat_osyield();
        }
        uint32_t v = l->key;
        l->key = MUTEX_SLEEPING;   /* an exchange */
        if (v == MUTEX_UNLOCKED) {
            l->owner = cur->m;
            return;
        }
        wait = MUTEX_SLEEPING;
        lock_futexsleep(l);
    }
}

/* futexwakeup(&l->key, 1): the oldest sleeper wakes, after the wake
 * latency, and tries again from the top; it does not own the lock. */
void sim_futexwakeup(mutex *l) {
    sim_thread *w = l->plat;
    if (w == NULL)
        return;   /* it has not gone to sleep yet, or was woken already */
    l->plat = w->lock_next;
    w->lock_next = NULL;
    w->waitlock = NULL;
    sim_wake(w, simw.cur->vt + simw.cost.note_wake + sim_cost_draw(SIM_COST_WAKE_LATENCY));
}

/* ---- choices ---- */

uint32_t sim_choose(unsigned kind, uint32_t n) {
    if (n == 1)
        return 0;
    uint32_t v = choice_draw(&simw.choice, kind, n);
    if (simw.tr.on) {
        sim_thread *t = simw.cur;
        m *mp = t != NULL ? t->m : NULL;
        tr_emit(&simw.tr, EV_CHOICE, t ? t->vt : 0, mp ? (unsigned)mp->id : TR_NONE,
                mp && mp->p ? (unsigned)mp->p->id : TR_NONE,
                mp && mp->curg ? (uint32_t)mp->curg->goid : 0, n, v, kind);
    }
    return v;
}

/* ---- the service stack: checks and file sinks run here, not on a
 * goroutine's small stack ---- */

typedef struct svc_frame {
    void (*fn)(void *);
    void *arg;
    void *back_sp;
    const gmp_stack *back_stack;
} svc_frame;

/* The service fiber: started once per run, it runs one call each time it
 * is switched to and parks again, so its frames return normally (no fresh
 * context, and under ASan no stale redzones to unpoison, per call).  It
 * loops until the run ends, when it is abandoned with everything else. */
static void service_entry(void *unused1, void *unused2) {
    (void)unused1, (void)unused2;
    for (;;) {
        svc_frame *f = simw.service_req;
        f->fn(f->arg);
        simw.on_service = false;
        gmp_ctx_switch(&simw.service_sp, f->back_sp, f->back_stack, NULL, NULL);
    }
}

void sim_on_service(void (*fn)(void *), void *arg) {
    if (simw.on_service || simw.service.map == NULL) {
        fn(arg);
        return;
    }
    svc_frame f = {fn, arg, NULL, simw.g != NULL ? &simw.g->stack : gmp_host_stack()};
    simw.on_service = true;
    simw.service_req = &f;
    if (simw.service_sp == NULL)
        simw.service_sp = gmp_ctx_make(&simw.service, simw.service.hi, service_entry, NULL, NULL);
    gmp_ctx_switch(&f.back_sp, simw.service_sp, &simw.service, NULL, NULL);
}

/* ---- ending a run ---- */

_Noreturn void sim_end(int outcome, const char *msg) {
    if (!simw.ending) {
        simw.ending = true;
        simw.outcome = outcome;
        snprintf(simw.message, sizeof simw.message, "%s", msg);
        simw.site = simw.fail_site.fn != NULL ? simw.fail_site : rt_last_site;
        if (!simw.have_violation)
            simw.violation_seq = tr_seq(&simw.tr);
        if (simw.tr.on && simw.cur != NULL) {
            m *mp = simw.cur->m;
            tr_emit(&simw.tr, EV_EXIT, simw.cur->vt, (unsigned)mp->id,
                    mp->p ? (unsigned)mp->p->id : TR_NONE, mp->curg ? (uint32_t)mp->curg->goid : 0,
                    (uint32_t)outcome, (uint32_t)sim_outcome_exit_code(outcome), 0);
        }
    }
    gmp_stack *here = simw.on_service ? &simw.service : &simw.g->stack;
    simw.on_service = false;
    void *abandoned;
    gmp_ctx_switch(&abandoned, simw.host_sp, gmp_host_stack(), NULL, here);
    abort();
}

_Noreturn void sim_stop(int outcome, const char *msg) { sim_end(outcome, msg); }

const char *sim_site_kind_name(int kind) {
    return kind == SIM_SITE_THROW ? "throw" : kind >= 0 && kind < EV__COUNT ? tr_kinds[kind].name : NULL;
}

void sim_fail_site(const char *fn, unsigned kind) {
    if (!simw.ending)
        simw.fail_site = (rt_site){fn, kind};
}

void sim_fail(int invariant, const char *fmt, ...) {
    if (simw.ending)
        return;
    char buf[SIM_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    simw.invariant = invariant;
    simw.violation_seq = tr_seq(&simw.tr);   /* the index of the invariant record below */
    simw.have_violation = true;
    if (simw.tr.on) {
        sim_thread *t = simw.cur;
        m *mp = t ? t->m : NULL;
        tr_emit(&simw.tr, EV_INVARIANT, t ? t->vt : 0, mp ? (unsigned)mp->id : TR_NONE,
                mp && mp->p ? (unsigned)mp->p->id : TR_NONE,
                mp && mp->curg ? (uint32_t)mp->curg->goid : 0, (uint32_t)invariant, 0, 0);
    }
    sim_end(OUT_INVARIANT, buf);
}

_Noreturn void plat_throw(const char *msg) {
    char buf[SIM_MSG_LEN];
    snprintf(buf, sizeof buf, "runtime: throw: %s", msg);
    simw.invariant = -2;   /* a runtime assertion, not a registered invariant */
    if (rt_throw_fn != NULL)
        sim_fail_site(rt_throw_fn, SIM_SITE_THROW);
    sim_fail(-2, "%s", buf);
    abort();
}

_Noreturn void plat_fatal(int kind, const char *msg) {
    switch (kind) {
    case RT_FATAL_DEADLOCK:
    case RT_FATAL_NOGOROUTINES:
        simw.outcome_pending_deadlock = true;
        check_at_end();   /* checkdead must not fire while a G can run */
        sim_end(OUT_DEADLOCK, msg);
    case RT_FATAL_RESOURCE: sim_end(OUT_RESOURCE, msg);
    default: {
        char buf[SIM_MSG_LEN];
        snprintf(buf, sizeof buf, "panic: %s", msg);
        sim_end(OUT_PANIC, buf);
    }
    }
}

_Noreturn void plat_exit(int code) {
    simw.exit_status = code;
    check_at_end();
    sim_end(OUT_OK, code == 0 ? "main returned" : "program exited");
}
