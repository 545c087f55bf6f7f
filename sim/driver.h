/*
 * sim/driver.h: the deterministic driver's state.
 *
 * Every simulated OS thread (an M, sysmon included) is a coroutine on the
 * one host thread.  Exactly one runs at a time; it runs until its next
 * yield point (an atomic, a lock, a note, a safe point), where the driver
 * decides who runs next:
 *
 *   time order    each thread has a virtual time `vt`, the start of its
 *                 next step.  The thread with the earliest vt runs; ties
 *                 are broken by the choice source.  A yield point adds the
 *                 cost of the step just taken to the current thread's vt.
 *   fast path     if no other thread is due before the current one, the
 *                 yield point is an add and a compare: no choice, no switch.
 *   pct / rr      any ready thread may be picked at every yield point;
 *                 time then flows as the maximum over threads.
 *
 * Blocked threads (note, lock) are outside the ready heap; timed sleepers
 * are in it with their wake time.  Ownership: everything here belongs to
 * the host thread running sim_run; one run at a time per process.
 */
#ifndef GMP_SIM_DRIVER_H
#define GMP_SIM_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "asm/ctx.h"
#include "runtime/runtime2.h"
#include "sim/choice.h"
#include "sim/sim.h"
#include "traces/trace.h"

enum th_state { TH_RUNNING = 0, TH_READY, TH_SLEEPING, TH_BLOCKED, TH_DEAD };

/* The costs real hardware varies (sim/costs.def, sim/costs.c). */
enum sim_cost {
#define X(NAME, name, p1, p10, p25, p50, p75, p90, p99) SIM_COST_##NAME,
#include "sim/costs.def"
#undef X
    SIM_COST__COUNT
};
int64_t sim_cost_draw(unsigned c);     /* one use: drawn, or the median with fixed_costs */
int64_t sim_cost_median(unsigned c);
const char *sim_cost_name(unsigned c);

typedef struct sim_thread {
    void *sp;                  /* saved context while not running */
    int64_t vt;                /* virtual time at which its next step starts */
    int64_t key;               /* heap key: vt (ready) or wake time (sleeping) */
    int32_t heapidx;           /* index in the ready heap, -1 if absent */
    uint32_t id;               /* creation order; equals its M's id */
    uint8_t state;             /* TH_* */
    bool timedout;             /* result of a timed note sleep */
    bool woken;                /* notewakeup'd, not yet running (a pending wakeup) */
    bool spending;             /* inside plat_spend: running user code or a syscall */
    note *waitnote;            /* blocked on this note */
    mutex *waitlock;           /* blocked acquiring this lock */
    struct sim_thread *lock_next;  /* next waiter on waitlock */
    m *m;                      /* the runtime M it runs */
    g *tls_g;                  /* the g of its stack while switched out */
    uint32_t prio;             /* PCT priority (higher runs first) */
} sim_thread;

enum { SIM_MAX_THREADS = MAX_MCOUNT + 8 };

typedef struct sim_world {
    /* hot: read by every yield point */
    sim_thread *cur;           /* the running thread */
    int64_t next_vt;           /* a yield point at vt >= next_vt takes the slow path */
    g *g;                      /* Go's TLS g of the running thread */
    sim_costs cost;
    bool fixed_costs;          /* sim_config.fixed_costs */
    trace tr;

    /* threads and the ready heap (ordered by key, then id) */
    sim_thread **threads;
    uint32_t nthreads;
    sim_thread **heap;
    uint32_t nheap;
    int64_t clock;             /* the latest step start handed out (monotonic) */

    /* choices and strategy */
    choice_src choice;
    int strategy;
    uint32_t stall_den;
    uint32_t preempt_den;
    uint32_t jitter_ns;        /* max extra ns per contended step (0: off) */
    uint64_t steps;            /* yield points through the slow path (pct/rr count all) */
    uint64_t yields;           /* yield points (sim_step calls) */
    uint64_t yield_switches;   /* yield points after which another thread ran */
    uint64_t pct_change[16];   /* PCT change points (step numbers) */
    int pct_nchange;
    int pct_next_low;          /* priority given at the next change point */
    uint32_t rr_last;

    /* budgets and checking */
    int64_t vt_limit;
    uint64_t max_schedules;
    uint64_t max_events;
    bool check;
    bool check_pending;
    bool strict_work;          /* work conservation over every queued G */
    bool outcome_pending_deadlock;   /* checkdead fired; verify before reporting */
    uint64_t checks;
    uint64_t full_checks;
    uint8_t check_mode;        /* CHECK_* (sim.h) */
    bool check_unsuspected;    /* CHECK_COMPARE: the filter saw nothing at this point */
    uint64_t check_misses, check_first_miss;
    uint64_t bounded_wait;
    int64_t progress_vt;       /* when a scenario op last completed (sim_note_progress) */
    uint64_t progress_sched;   /* sched.nschedule at that moment */

    /* the end of the run */
    void *host_sp;             /* the host context that called sim_run */
    bool ending;
    int outcome;
    int exit_status;
    int invariant;
    uint64_t violation_seq;    /* the invariant record's index; else the exit record's */
    bool have_violation;       /* violation_seq is set (sim_fail) */
    rt_site site;              /* the decision site at the end (rt_last_site, or fail_site) */
    rt_site fail_site;         /* an invariant's own site (sim_fail_site); fn NULL: none */
    char message[SIM_MSG_LEN];

    /* marks, in order */
    uint32_t *marks;
    uint32_t nmarks, capmarks;

    /* service stack for heavy work (checks, file sinks) */
    gmp_stack service;
    bool on_service;
    void *service_sp;                /* the service fiber, parked between calls (NULL: not started) */
    struct svc_frame *service_req;   /* the call it is to run next */

    const struct scenario *sc;
    int32_t main_gomaxprocs;   /* the program's runtime.GOMAXPROCS call before its first op (0: none) */
    int pct_depth;
    tr_sink user_sinks[4];     /* the caller's sinks, called on the service stack */
} sim_world;

extern sim_world simw;

/* slow paths (driver.c) */
void sim_yield_slow(void);
void sim_block(void);
void sim_lock_slow(mutex *l, uint32_t wait);
void sim_futexwakeup(mutex *l);
void sim_wake(sim_thread *t, int64_t at);
uint32_t sim_choose(unsigned kind, uint32_t n);
void sim_recompute_next(void);
void *sim_alloc(size_t bytes);
void sim_arena_release(void);
sim_thread *sim_new_thread(m *mp);
void sim_on_service(void (*fn)(void *), void *arg);
_Noreturn void sim_end(int outcome, const char *msg);
/* A scenario op just completed: the run is making progress (budgets). */
void sim_note_progress(void);

/* invariant checking (check.c) */
void check_run_all(void);
void check_cheap(void);
void check_at_end(void);
void check_begin_run(void);
/* Incremental checking's marks: an event's objects, a thread that ran. */
void check_note_event(const tr_event *e);
void check_note_switch(m *from, m *to);
bool check_quiescent(void);

#endif
