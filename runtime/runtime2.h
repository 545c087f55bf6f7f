/*
 * runtime/runtime2.h: the scheduler's data structures (Go's runtime2.go).
 *
 * G is a goroutine, M an OS thread (here a simulated one), P a processor:
 * the right to run Go code, holding a local run queue.  An M must hold a P
 * to run a G; the global scheduler state lives in `sched`.
 *
 * Locking, as in Go: sched.lock guards the global run queue, the idle M
 * and P lists and the counters next to them; p.runq is lock-free (the owner
 * P produces, anyone consumes with CAS); sched.gFree.lock guards the global
 * free G lists; p.timersLock guards a P's timer heap.  Fields read without
 * a lock go through runtime/atomic.h, which makes each access a yield point
 * under the simulator.
 */
#ifndef GMP_RUNTIME_RUNTIME2_H
#define GMP_RUNTIME_RUNTIME2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm/ctx.h"

/* ---- G status (same values as Go) ---- */
enum {
    _Gidle = 0,       /* just allocated, not yet initialised */
    _Grunnable = 1,   /* on a run queue, not executing user code */
    _Grunning = 2,    /* executing user code, owns an M and a P */
    _Gsyscall = 3,    /* in a system call, owns an M but no P */
    _Gwaiting = 4,    /* blocked in the runtime (channel, sleep, mutex, ...) */
    _Gdead = 6,       /* unused: on a free list, or just exited */
    _Gpreempted = 9,  /* stopped for suspendG (unused: no GC here) */
    _Gstatus_count = 10
};

/* ---- P status ---- */
enum {
    _Pidle = 0,      /* not running user code: on the idle list, or in transition */
    _Prunning = 1,   /* owned by an M running user or scheduler code */
    _Psyscall = 2,   /* its M is in a syscall; may be retaken */
    _Pgcstop = 3,    /* halted for stop-the-world */
    _Pdead = 4       /* beyond GOMAXPROCS */
};

/* ---- constants (named and explained where defined) ---- */
enum {
    /* Local run queue length: a power of two so t%len is cheap.  256 keeps
     * a P busy for a long time without touching the global queue. */
    RUNQ_LEN = 256,
    /* goids are taken from sched.goidgen in batches per P, to keep
     * newproc off the shared counter. */
    _GoidCacheBatch = 16,
    /* Go 1.19's bound on GOMAXPROCS. */
    _MaxGomaxprocs = 1 << 10,
    /* Go's sched.maxmcount: more threads than this is a fatal error. */
    MAX_MCOUNT = 10000,
    /* Local free-G list: spill to the global list at 64, keeping 32;
     * refill 32 at a time. */
    GFREE_SPILL = 64,
    GFREE_KEEP = 32,
};

/* The top word of every goroutine stack holds this canary; gfput and
 * gfget check it, so a reused stack is known intact.  The top word sits in
 * the page the G's first frames use anyway, so it costs no memory. */
#define STACK_CANARY 0x5a5a5a5a5a5a5a5aull
#define STACK_CANARY_BYTES 16   /* kept free above a G's first frame */
static inline uint64_t *stack_canary(const gmp_stack *s) { return (uint64_t *)(s->hi - 8); }

/* sysmon preempts a G that has run this long (Go's forcePreemptNS). */
#define forcePreemptNS (10 * 1000 * 1000LL)

/* ---- wait reasons (subset of Go's waitReason) ---- */
enum {
    waitReasonZero = 0,
    waitReasonChanReceive,
    waitReasonChanSend,
    waitReasonSelect,
    waitReasonSelectNoCases,
    waitReasonSleep,
    waitReasonSyncMutexLock,
    waitReasonSemacquire,
    waitReasonSyncWaitGroupWait,
    waitReasonChanReceiveNilChan,
    waitReasonChanSendNilChan,
    waitReasonPreempted,
    waitReason_count
};

/* ---- small types ---- */

/* One-shot sleep/wakeup (Go's note).  key: 0 cleared, 1 woken.  The
 * backend keeps its own sleeper bookkeeping in `plat`. */
struct note {
    uint32_t key;
    void *plat;
};

/* Runtime lock (Go's mutex, not sync.Mutex).  Held by at most one M. */
/* The runtime's lock, Go's lock_futex.go: the key word says whether an M
 * sleeps on it, so unlock knows to wake one.  Owned by whoever set key
 * from MUTEX_UNLOCKED; the backend's queue by the platform. */
enum { MUTEX_UNLOCKED = 0, MUTEX_LOCKED = 1, MUTEX_SLEEPING = 2 };
struct mutex {
    uint32_t key;    /* MUTEX_UNLOCKED, MUTEX_LOCKED, or MUTEX_SLEEPING: an M may sleep on it */
    void *plat;      /* backend's futex queue: the Ms asleep on key */
    struct m *owner; /* for assertions */
};

typedef struct note note;
typedef struct mutex mutex;
typedef struct g g;
typedef struct m m;
typedef struct p p;
typedef struct sudog sudog;
typedef struct hchan hchan;
typedef struct timer timer;

/* Saved G context.  sp is where gmp_swap left the callee-saved frame; pc
 * and bp are read back from that frame for printing only. */
typedef struct gobuf {
    uintptr_t sp;
    uintptr_t pc;
    g *g;
    void *ctxt;
    uintptr_t ret;
    uintptr_t bp;
} gobuf;

/* FIFO of Gs linked through schedlink. */
typedef struct gQueue {
    g *head;
    g *tail;
} gQueue;

/* LIFO of Gs linked through schedlink. */
typedef struct gList {
    g *head;
} gList;

/* Entry point of a goroutine (our funcval). */
typedef void (*gofunc)(void *arg);

/* Where a waiting G is recorded, for the conservation invariant. */
enum {
    WAIT_NONE = 0,
    WAIT_CHAN,       /* on a channel's recvq/sendq (waitobj = hchan) */
    WAIT_SELECT,     /* on several channels' queues through its sudogs */
    WAIT_TIMER,      /* sleeping: its timer is in some P's heap */
    WAIT_SEMA,       /* on a semaphore root (sync.Mutex, WaitGroup) */
    WAIT_FOREVER,    /* select {} or a nil channel: nowhere */
    WAIT_STW,        /* stopping the world on its own M (still its curg) */
    WAIT_kinds
};

/* g.stint: the kind of run queue of a queued G's bounded-wait stint. */
enum { STINT_NONE = 0, STINT_LOCAL, STINT_GLOBAL };

struct g {
    gmp_stack stack;           /* [stack.lo, stack.hi); owned by this G while it lives */
    gobuf sched;
    uint32_t atomicstatus;     /* _G*; changed only by casgstatus */
    int64_t goid;
    m *m;                      /* current M while running or in a syscall */
    g *schedlink;              /* next in a gQueue/gList (run queue, free list) */
    bool preempt;              /* preemption requested (Go's preempt flag + stackguard0) */
    uint8_t preempt_cause;     /* who asked: PREEMPT_SYSMON, _STW, ... (trace only) */
    bool issystem;             /* runtime-internal goroutine, ignored by checkdead */
    uint8_t waitreason;
    uint8_t waitkind;          /* WAIT_*: where a _Gwaiting G is recorded */
    void *waitobj;             /* the object it waits on */
    sudog *waiting;            /* sudogs of a G blocked in select/chan */
    void *param;               /* passed by the waker (chan: the successful sudog) */
    bool selectDone;           /* select: a case won */
    int64_t waitsince;
    bool fresh;                /* submitted work (newproc, ready) that has not run yet */
    bool wake_promised;        /* a P was idle when it was submitted, so Go promises a
                                  spinning M will find it (checking only) */
    const char *submit_fn;     /* the runtime function that submitted it, and the event */
    uint16_t submit_kind;      /* that made it runnable (rt_last_site): a work-conservation
                                  failure's decision site (checking only) */
    int64_t runnable_since;    /* platform time it last became runnable (bounded wait) */
    uint64_t runnable_sched;   /* sched.nschedule when it last became runnable */
    /* The bounded-wait stint (checking bookkeeping, internal.h): queued
     * locally on stint_p or globally since a tick count, in the runnable
     * spell stint_spell (= runnable_sched then). */
    uint8_t stint;             /* STINT_*, below */
    int32_t stint_p;
    uint64_t stint_tick0;      /* local: stint_p's schedtick; global: sched.nschedtick */
    uint64_t stint_acc;        /* ticks of earlier Ps in a local stint (steals) */
    uint64_t stint_spell;
    gofunc startfn;            /* entry function and argument (newproc) */
    void *startarg;
    int64_t parentgoid;
    timer *timer;              /* for sleep; allocated on first use */
    m *lockedm;                /* the M this G is locked to (LockOSThread), or NULL */
    uint32_t syscalltick_dummy;
    uint32_t allgidx;          /* index in allgs */
};

/* Lock-free run queue slot type in Go is guintptr; here plain pointers. */
typedef struct sysmontick {
    uint32_t schedtick;
    int64_t schedwhen;
    uint32_t syscalltick;
    int64_t syscallwhen;
} sysmontick;

struct p {
    int32_t id;
    uint32_t status;           /* _P*; atomic */
    p *link;                   /* next on sched.pidle */
    uint32_t schedtick;        /* incremented on every scheduler call */
    uint32_t syscalltick;      /* incremented on every system call */
    sysmontick sysmontick;     /* last tick observed by sysmon */
    m *m;                      /* back-link to the owning M (NULL if idle) */

    uint64_t goidcache;        /* next goid from this P's batch */
    uint64_t goidcacheend;

    /* Local run queue: lock-free ring.  The owner writes tail (store-
     * release); consumers CAS head.  runnext, if set, runs before runq and
     * inherits the current time slice. */
    uint32_t runqhead;
    uint32_t runqtail;
    g *runq[RUNQ_LEN];
    g *runnext;

    /* Free dead Gs (local, no lock: owner only). */
    struct {
        gList list;
        int32_t n;
    } gFree;

    /* Timers: a 4-ary min-heap on `when`, as in Go 1.19.  Guarded by
     * timersLock; timer0When mirrors the heap's first deadline for
     * lock-free readers (0: none). */
    mutex timersLock;
    timer **timers;
    int32_t ntimers;
    int32_t captimers;
    int64_t timer0When;

    bool preempt;              /* sysmon asked this P's G to yield */
};

struct m {
    uint64_t trctx;            /* the trace context word: goid of curg | id << 32 | P id << 48
                                  (the G, M and P fields of every event this M emits) */
    g *g0;                     /* goroutine with the scheduling stack */
    g *curg;                   /* current running goroutine */
    p *p;                      /* attached P for executing Go code (NULL if not) */
    p *nextp;                  /* P to acquire when woken (startm) */
    p *oldp;                   /* P held before entering a syscall */
    int64_t id;
    int32_t locks;             /* > 0: preemption disabled */
    bool spinning;             /* looking for work, counted in sched.nmspinning */
    bool idling_unchecked;     /* checking bookkeeping: declined to spin, P not yet idle */
    bool dying_credit;         /* checking bookkeeping: in startm, found no idle P, its
                                  caller's nmspinning credit not yet dropped */
    bool blocked;              /* sleeping on park */
    bool issysmon;
    uint8_t found_src;         /* where the next execute's G came from (trace only) */
    note park;
    m *schedlink;              /* next on sched.midle */
    m *alllink;                /* next on allm */
    uint32_t syscalltick;
    void (*mstartfn)(void);
    void (*mcallfn)(g *);      /* fn of the pending mcall */
    gofunc sysfn;              /* fn/arg of the pending systemstack */
    void *sysarg;
    void *plat;                /* backend's thread handle */
    /* Gs this M has taken out of every queue and not yet put anywhere
     * (runqputslow's batch, a steal in flight, newproc before runqput,
     * every waiter of a channel being closed).  The conservation
     * invariant counts them here.  Grown from the run's memory; never
     * more than allglen. */
    g **xfer;
    uint32_t nxfer, capxfer;
    /* LockOSThread: the G locked to this M, and the nesting counts of the
     * program's LockOSThread (lockedExt) and the runtime's own (lockedInt). */
    g *lockedg;
    uint32_t lockedExt;
    uint32_t lockedInt;
    m *freelink;               /* next on sched.freem: Ms whose thread exited */
    /* park_m's unlock callback and its argument (Go's waitunlockf). */
    bool (*waitunlockf)(g *gp, void *lock);
    void *waitlock;
};

/* Global scheduler state (Go's schedt). */
typedef struct schedt {
    uint64_t goidgen;          /* atomic */
    int64_t lastpoll;          /* atomic; 0 while an M blocks in netpoll */
    int64_t pollUntil;         /* atomic; when the blocked netpoll wakes */

    mutex lock;

    m *midle;                  /* idle Ms waiting for work */
    int32_t nmidle;
    int32_t nmidlelocked;
    int64_t mnext;             /* number of Ms created, and the next M id */
    int32_t maxmcount;
    int32_t nmsys;             /* system Ms not counted by checkdead (sysmon) */
    int64_t nmfreed;
    m *freem;                  /* Ms whose thread exited (mexit); their g0 stacks go at teardown */

    uint32_t ngsys;            /* system goroutines */

    p *pidle;                  /* idle Ps */
    uint32_t npidle;           /* atomic */
    uint32_t nmspinning;       /* atomic */

    gQueue runq;               /* global run queue */
    int32_t runqsize;

    struct {
        mutex lock;
        gList stack;           /* Gs with a stack */
        gList noStack;         /* Gs without one */
        int32_t n;
    } gFree;

    uint32_t gcwaiting;        /* stop-the-world in progress */
    int32_t stopwait;
    note stopnote;
    uint32_t sysmonwait;
    note sysmonnote;
    mutex sysmonlock;

    int64_t procresizetime;
    int64_t totaltime;

    uint64_t nschedule;        /* schedule() calls, for the bounded-wait check */
    uint64_t nschedtick;       /* sum of every P's schedtick advances (bounded wait) */
} schedt;

/* A blocked G on a wait queue (Go's sudog). */
struct sudog {
    g *g;
    sudog *next;
    sudog *prev;
    int64_t elem;              /* the value sent or received */
    bool isSelect;
    bool success;              /* woken by a communication (vs. close) */
    hchan *c;
    sudog *waitlink;           /* g.waiting list (select) */
    int32_t caseidx;
    uint32_t ticket;           /* semrelease handed the semaphore over (starving mutex) */
};

typedef struct waitq {
    sudog *first;
    sudog *last;
} waitq;

struct hchan {
    uint32_t qcount;           /* values in the buffer */
    uint32_t dataqsiz;         /* buffer capacity */
    int64_t *buf;
    bool closed;
    uint32_t sendx;
    uint32_t recvx;
    waitq recvq;
    waitq sendq;
    mutex lock;                /* guards every field above */
    int32_t id;                /* index in allchans */
};

/* Timer (Go 1.19's runtime timer, reduced to what sleep needs). */
enum { timerNoStatus = 0, timerWaiting = 1, timerRunning = 2, timerMoving = 9 };

struct timer {
    p *pp;                     /* the P whose heap holds it */
    int64_t when;
    void (*f)(void *arg, uintptr_t seq);
    void *arg;
    uintptr_t seq;
    int64_t nextwhen;
    uint32_t status;
};

/* ---- globals (Go's allgs, allm, allp, gomaxprocs, ncpu, sched) ---- */
extern schedt sched;
extern g **allgs;              /* every G ever created; guarded by allglock */
extern uint32_t allglen;
extern m *allm;
extern p *allp[_MaxGomaxprocs];
extern int32_t allplen;        /* len(allp) */
extern int32_t gomaxprocs;
extern int32_t ncpu;
extern hchan **allchans;       /* every channel made, for the checker */
extern uint32_t nallchans;
extern m *m0;

#endif
