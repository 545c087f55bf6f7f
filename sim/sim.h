/*
 * sim/sim.h: run a scenario on the runtime, deterministically.
 *
 * One run: boot the runtime on simulated Ms under a virtual clock, execute
 * the scenario's goroutine bodies, take every nondeterministic choice from
 * the choice source, record every decision in the trace, and end with an
 * outcome.  The same scenario and configuration always give the same
 * outcome, the same events and the same digest.
 */
#ifndef GMP_SIM_SIM_H
#define GMP_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/runtime.h"
#include "sim/choice.h"
#include "traces/trace.h"

struct scenario;

/* Outcomes and the exit codes `gmpsim` uses for them (docs/cli.md). */
enum sim_outcome {
    OUT_OK = 0,          /* exit 0: main returned or the program exited */
    OUT_DEADLOCK,        /* exit 2: "all goroutines are asleep - deadlock!" */
    OUT_INVARIANT,       /* exit 3: an invariant was violated (or the runtime threw) */
    OUT_HANG,            /* exit 4: every M blocked for good, or a budget ran out with no recent progress */
    OUT_RESOURCE,        /* exit 5: too many goroutines/threads or stack memory */
    OUT_PANIC,           /* exit 6: the Go program panicked (send on closed channel, ...) */
    OUT_REJECTED,        /* exit 7: the input was rejected (text form: line:column) */
    OUT_BUDGET,          /* exit 4: a budget ran out while goroutines still made progress */
    OUT__COUNT
};

enum { EXIT_OK = 0, EXIT_DEADLOCK = 2, EXIT_INVARIANT = 3, EXIT_HANG = 4, EXIT_RESOURCE = 5,
       EXIT_PANIC = 6, EXIT_REJECTED = 7, EXIT_TRACE_REJECTED = 8, EXIT_DIVERGED = 9,
       EXIT_IO = 10, EXIT_MEMORY = 11, EXIT_USAGE = 64 };

const char *sim_outcome_name(int outcome);
int sim_outcome_exit_code(int outcome);

enum sim_strategy { STRAT_RANDOM = 0, STRAT_PCT, STRAT_RR };

/* Virtual cost (ns) of each kind of step; see docs/design-sim.md. */
typedef struct sim_costs {
    int64_t atomic;        /* one atomic operation */
    int64_t lock;          /* acquire an uncontended runtime lock */
    int64_t unlock;
    int64_t note_sleep;    /* entering a futex sleep */
    int64_t note_wake;     /* the futex wake system call */
    int64_t wake_latency;  /* from wakeup until the woken thread runs */
    int64_t newosproc;     /* clone() until the new thread runs */
    int64_t osyield;       /* sched_yield */
    int64_t procyield;     /* procyield(30): 30 PAUSE instructions */
    int64_t syscall;       /* a system call's entry and exit in the kernel */
} sim_costs;

typedef struct sim_config {
    rt_config rt;
    int strategy;             /* STRAT_* */
    int pct_depth;            /* PCT: d */
    uint64_t pct_steps;       /* PCT: k, the expected number of steps */
    uint64_t seed;            /* PRNG producer */
    const uint8_t *bytes;     /* BYTES producer when non-NULL */
    size_t nbytes;
    const choice_record *replay;   /* REPLAY producer when non-NULL */
    size_t nreplay;
    choice_fn choice_fn;      /* FUNC producer when non-NULL (replay/ streams draws through it) */
    void *choice_ctx;
    bool trace_on;            /* record events and the digest (off only for benchmarks) */
    bool check;               /* check every invariant after every event */
    uint8_t check_mode;       /* CHECK_INCREMENTAL (default), CHECK_FULL, CHECK_COMPARE */
    bool strict_work;         /* strict work conservation (reports Go 1.19's own gaps) */
    uint32_t stall_den;       /* 0: no OS stalls; else 1/stall_den per switch point */
    uint32_t preempt_den;     /* 0: no injected preemption; else 1/preempt_den per point */
    uint32_t jitter_ns;       /* 0: none; else each contended step takes 0..jitter_ns ns more */
    int64_t vt_limit_ns;      /* virtual time budget */
    uint64_t max_schedules;   /* schedule() budget */
    uint64_t max_events;      /* trace event budget (0: none) */
    uint64_t bounded_wait;    /* schedticks a queued G may wait (0: derive both bounds) */
    sim_costs costs;
    bool fixed_costs;         /* use each cost's median, never draw (sim/costs.def) */
    tr_sink sinks[4];         /* extra trace consumers (file writer, capture); they run on
                                 the driver's service stack, never on a goroutine's */
    int nsinks;
    tr_hook_fn hook;          /* extra per-event hook (replay comparison, stop-at) */
    void *hook_ctx;
} sim_config;

void sim_config_default(sim_config *cfg);

/* How checking runs (sim/check.c, docs/invariants.md).  Incremental: an
 * O(changed) filter after every event, the full walks only where it
 * suspects something, at rest points and at the end; the same verdicts as
 * full.  Full: every full walk after every event.  Compare: both at every
 * check point, counting failures the filter did not suspect (tests). */
enum { CHECK_INCREMENTAL = 0, CHECK_FULL = 1, CHECK_COMPARE = 2 };

/* The largest virtual time budget: 76 hours.  Event times are 48-bit
 * (traces/trace.h: below 2^48 ns, 78.2 hours).  The budget is checked at
 * every yield point and before a sleeping thread is woken past it, so a
 * run passes its budget by at most one step: a system call of a scenario's
 * longest duration (one hour) plus a few costs, a stall and a jitter.  The
 * two hours left above the maximum hold that step (sim/run.c asserts it).
 * vt_limit_ns = 0 means this maximum. */
#define SIM_VT_LIMIT_MAX (76LL * 3600 * 1000 * 1000 * 1000)

enum { SIM_MSG_LEN = 256 };

typedef struct sim_result {
    int outcome;                  /* OUT_* */
    int exit_status;              /* the program's own exit status (OUT_OK) */
    char message[SIM_MSG_LEN];    /* human-readable cause */
    int invariant;                /* which invariant (OUT_INVARIANT), or -1 */
    uint64_t violation_seq;       /* index of the invariant record (OUT_INVARIANT), as `dump`
                                     numbers records; else of the exit record */
    uint64_t digest;              /* XXH3-64 of the trace */
    uint64_t events;
    uint64_t counts[EV__COUNT];
    int64_t end_time_ns;
    uint32_t *marks;              /* label indices in mark order (malloc'd) */
    uint32_t nmarks;
    uint64_t choices;
    uint64_t schedules;
    uint64_t checks;              /* invariant checks run */
    uint64_t full_checks;         /* of which full walks */
    uint64_t check_misses;        /* CHECK_COMPARE: full failures the filter missed */
    uint64_t check_first_miss;    /* event number of the first */
    uint32_t gs;                  /* goroutines allocated */
    uint32_t ms;                  /* threads created */
    uint64_t yield_points;        /* steps at which another thread could run */
    uint64_t yield_switches;      /* ... and did: the interleaving (another M ran) */
    bool replay_diverged;
    uint64_t replay_diverged_at;  /* index of the first mismatching draw */
    bool host_memory;             /* OUT_RESOURCE because this machine's memory ran out, not a
                                     modelled limit (replay: exit 11, never "diverged") */
    const char *site_fn;          /* the runtime function of the last runtime event (a static
                                     string), NULL if none: the failure's decision site */
    int site_kind;                /* that event's EV_* kind, SIM_SITE_THROW (site_fn threw), or -1 */
} sim_result;

/* Run scenario sc.  Returns the outcome (also in res). */
int sim_run(const struct scenario *sc, const sim_config *cfg, sim_result *res);
void sim_result_free(sim_result *res);

/* Run a C function as the program's main goroutine instead of a scenario
 * (white-box tests, and Go-like programs written directly against rt_*). */
int sim_run_program(gofunc mainfn, void *arg, int32_t procs, const sim_config *cfg, sim_result *res);

/* Scheduler state at the moment a hook runs (for replay's "state at N"). */
void sim_dump_state(char *buf, size_t len);

/* Ask the current run to end now with OUT_INVARIANT (from a hook or an
 * invariant); the run ends at the next safe moment. */
void sim_fail(int invariant, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sim_result.site_kind of a runtime throw: site_fn is the function that
 * called throw() (kind name "throw", sim_site_kind_name). */
enum { SIM_SITE_THROW = EV__COUNT };

/* The site kind's name for signatures: the event's, "throw", or NULL. */
const char *sim_site_kind_name(int kind);

/* Before sim_fail: the failure's decision site is this runtime function
 * and event kind, not the last event (sim_result.site_*). */
void sim_fail_site(const char *fn, unsigned kind);

/* Stop the run now (from a hook) with the given outcome and message. */
_Noreturn void sim_stop(int outcome, const char *msg);

#endif
