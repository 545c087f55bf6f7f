/*
 * runtime/runtime.h: what the layers above see of the scheduler.
 *
 * The driver (sim/) boots the runtime on m0's g0 stack with rt_boot; the
 * goroutine bodies it interprets call the rt_* operations below, from a
 * goroutine's own stack, exactly where a Go program would call go,
 * runtime.Gosched, a channel operation, time.Sleep, and so on.  Checkers
 * read the structures in runtime2.h directly, read-only.
 */
#ifndef GMP_RUNTIME_RUNTIME_H
#define GMP_RUNTIME_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime2.h"

/* ---- mutants ---- */
enum rt_mutant {
    MUT_NONE = 0,
#define X(name, cli, desc) MUT_##name,
#include "mutants.def"
#undef X
    MUT__COUNT
};
extern int rt_mutant;
#define MUTANT(name) (__builtin_expect(rt_mutant == MUT_##name, 0))
const char *rt_mutant_name(int mut);        /* "runqputslow-forgets-g" */
const char *rt_mutant_desc(int mut);
int rt_mutant_by_name(const char *name);    /* MUT_NONE for "none", -1 if unknown */

/* The last event the runtime traced that can be a decision site
 * (tr_kind_is_site) and the runtime function that traced it: a failure's
 * decision site (findings' signatures).  Written by TRACE
 * while tracing is on; reset by the simulator at the start of each run. */
typedef struct rt_site {
    const char *fn;   /* __func__ of the TRACE, NULL before the first */
    unsigned kind;    /* EV_* */
} rt_site;
extern rt_site rt_last_site;
extern const char *rt_throw_fn;   /* the function that called throw() last */

/* Go's nanotime is CLOCK_MONOTONIC: time since the machine booted, never
 * near zero.  Code that starts from a zero timestamp sees that (sysmon's
 * first look at a P, for one), so the runtime's clock runs this far
 * ahead of the platform's.  Trace events carry the platform's time;
 * runtime timestamps (timer deadlines) minus this are platform time. */
#define NANOTIME_AT_BOOT (600LL * 1000 * 1000 * 1000)

/* ---- configuration ---- */
typedef struct rt_config {
    int32_t gomaxprocs;        /* initial GOMAXPROCS, 1.._MaxGomaxprocs */
    int32_t ncpu;              /* what the runtime believes the machine has */
    size_t stack_bytes;        /* goroutine stack size (Go's _StackMin, fixed here) */
    size_t g0_stack_bytes;     /* scheduler stack of each M */
    uint32_t max_gs;           /* resource limit on goroutines ever allocated */
    uint64_t max_stack_bytes;  /* resource limit on stack address space (goroutines and Ms) */
    int64_t work_quantum_ns;   /* async preemption granularity of rt_work */
    int mutant;                /* MUT_NONE or one seeded bug */
    bool go_init;              /* run what Go's runtime.main runs before main.main
                                  (see proc.c, runtime_init) */
    bool imports_os;           /* the program imports os: its init starts runfinq */
} rt_config;

void rt_config_default(rt_config *cfg);

/* Sources recorded by the SCHEDULE event. */
enum rt_found_source {
    SRC_GLOBAL_FAIR = 0,  /* schedtick%61 check of the global queue */
    SRC_RUNNEXT,          /* local runnext (inherits the time slice) */
    SRC_LOCAL,            /* local run queue */
    SRC_GLOBAL,           /* global run queue */
    SRC_STEAL,            /* stolen from another P */
    SRC_GLOBAL_LAST,      /* global queue, last look before dropping the P */
    SRC_TIMER_LOCAL,      /* local queue, after running stolen timers */
    SRC_PARK_ABORTED,     /* not from schedule: park's unlock function said no */
    SRC_EXITSYSCALL,      /* not from schedule: exitsyscall0 found an idle P */
    SRC_LOCKED,           /* a locked M's own G, handed back by startlockedm */
};

/* Preemption causes (PREEMPT event). */
enum { PREEMPT_SYSMON = 0, PREEMPT_INJECTED = 1, PREEMPT_SAFEPOINT = 2, PREEMPT_STW = 3 };

/* Outcomes the runtime can end a run with (plat_fatal). */
enum { RT_FATAL_DEADLOCK = 1, RT_FATAL_NOGOROUTINES, RT_FATAL_RESOURCE, RT_FATAL_PANIC };

/* ---- boot and teardown (driver side) ---- */

/* rt0_go: schedinit, newproc(main), mstart.  Runs on m0's g0 stack, never
 * returns; the run ends through plat_exit/plat_fatal/plat_throw. */
_Noreturn void rt0_go(const rt_config *cfg, gofunc mainfn, void *arg);

/* Allocate m0 and its g0 so the platform can start it (before rt0_go). */
m *rt_alloc_m0(const rt_config *cfg);

/* Free every runtime allocation of the finished run (driver side). */
void rt_teardown(void);

/* ---- goroutine side: what a Go program calls ---- */
void rt_go(gofunc fn, void *arg);              /* go fn(arg) */
void rt_gosched(void);                         /* runtime.Gosched */
void rt_goyield(void);                         /* runtime's goyield */
void rt_work(int64_t ns);                      /* compute for ns, preemptible */
void rt_safepoint(void);                       /* a function prologue: cooperative preemption */
void rt_preempt_here(void);                    /* injected preemption at this point */
void rt_sleep(int64_t ns);                     /* time.Sleep */
void rt_syscall(int64_t ns);                   /* a blocking system call taking ns */
void rt_gomaxprocs(int32_t n);                 /* runtime.GOMAXPROCS(n) */
void rt_lockosthread(void);                    /* runtime.LockOSThread */
void rt_unlockosthread(void);                  /* runtime.UnlockOSThread */
void rt_mark(uint32_t label);                  /* an observable step */
_Noreturn void rt_exit(int code);              /* os.Exit */
int64_t rt_goid(void);
void rt_mark_system(void);                     /* the calling G is runtime-internal */
void mstart(void);                             /* a new M's first function (platform) */

/* Channels. */
hchan *rt_makechan(uint32_t size);
void rt_chansend(hchan *c, int64_t v);
bool rt_chanrecv(hchan *c, int64_t *v);        /* false: closed and drained */
void rt_closechan(hchan *c);

typedef struct rt_scase {
    hchan *c;
    bool send;
    int64_t val;                                /* value to send / value received */
    bool recvok;
} rt_scase;
/* Returns the chosen case, or -1 if !block and no case was ready. */
int rt_select(rt_scase *cases, int ncases, bool block);

/* A runtime semaphore (Go's sema.go): the semaphore word and its root,
 * the queue of Gs blocked in semacquire on it.  FIFO, or LIFO for a
 * re-waiting sync.Mutex waiter, as Go queues them. */
typedef struct rt_sema {
    uint32_t value;            /* the semaphore word */
    uint32_t id;               /* index in rt_semas (trace events name it) */
    uint32_t nwait;            /* waiters, read without the lock */
    mutex lock;                /* the root's lock: guards the queue */
    sudog *first, *last;
} rt_sema;

/* sync.Mutex, Go 1.19's algorithm: a locked bit, a woken bit, a starving
 * bit and a waiter count in one word; spinning while the owner runs;
 * normal mode (a woken waiter competes with newcomers, who usually win)
 * and starvation mode after a waiter has waited 1ms (ownership handed to
 * the oldest waiter). */
typedef struct rt_mutex {
    int32_t state;
    rt_sema sema;
} rt_mutex;
void rt_mutex_init(rt_mutex *mu);
void rt_mutex_lock(rt_mutex *mu);
void rt_mutex_unlock(rt_mutex *mu);

/* sync.WaitGroup: counter and waiter count in one word, waiters on a sema. */
typedef struct rt_waitgroup {
    uint64_t state;            /* counter << 32 | waiters */
    rt_sema sema;
} rt_waitgroup;
void rt_wg_init(rt_waitgroup *wg);
void rt_wg_add(rt_waitgroup *wg, int64_t delta);
void rt_wg_wait(rt_waitgroup *wg);

/* The runtime's own semaphores (Go's semacquire/semrelease). */
void rt_sema_init(rt_sema *s, uint32_t value);
void semacquire(rt_sema *s, bool lifo, uint8_t reason);
void semrelease(rt_sema *s, bool handoff);

/* ---- introspection for checkers and printers (read-only) ---- */
const char *rt_gstatus_name(uint32_t s);
const char *rt_pstatus_name(uint32_t s);
const char *rt_waitreason_name(uint32_t r);
/* Every semaphore of the run, for the checker (Gs waiting on them). */
extern rt_sema **rt_semas;
extern uint32_t rt_nsemas;
/* Sudogs allocated this run: bounds any wait queue's length (a select
 * with duplicate channels queues one G several times on one channel). */
extern uint32_t rt_nsudogs;
extern const rt_config *rt_cfg;
extern bool rt_xfer_on;          /* track in-hand Gs (set by checkers before boot) */
/* Go 1.19's lost-wakeup windows (proc.c, checking only): how many times
 * the work-conservation promise was withdrawn in each, this run.  Reset
 * when a run boots, so they can be read after sim_run returns. */
enum {
    RT_WINDOW_PHANTOM = 0,
    RT_WINDOW_UNCHECKED_IDLER,
    RT_WINDOW_GLOBAL_RECHECK,
    RT_WINDOW_DYING_CREDIT,
    RT_WINDOW__COUNT
};
extern uint64_t rt_withdrawals[RT_WINDOW__COUNT];

#endif
