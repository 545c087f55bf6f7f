/*
 * sim/invariant.h: registering your own invariants.
 *
 * An invariant is a function that looks at the scheduler state and says
 * whether it holds.  In checking mode (`gmpsim run --check`, the fuzzers)
 * every registered invariant runs after every trace event, at the next
 * point where every M is between atomic steps; a violation ends the run
 * with outcome "invariant", names the invariant and the event number, and
 * is recorded in the trace, so replay stops right there.
 *
 * The state is read-only: include runtime/runtime2.h and read the Go-named
 * globals (sched, allp/allplen, allgs/allglen, allm, gomaxprocs) and their
 * fields.  Never write to them, never call rt_* functions.  The view adds
 * what only the driver knows.  See docs/invariants.md for a worked example.
 */
#ifndef GMP_SIM_INVARIANT_H
#define GMP_SIM_INVARIANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct inv_view {
    uint64_t seq;              /* events recorded so far */
    int64_t now;               /* virtual time (ns) */
    bool quiescent;            /* every M is parked, asleep, or running user code */
    uint32_t pending_wakeups;  /* threads woken but not yet running */
    uint32_t nthreads;         /* simulated threads (Ms, sysmon included) */
    bool world_stopped;        /* a stop-the-world is in progress */
} inv_view;

/* Return true if the invariant holds; otherwise write a short reason
 * into why (at most why_len bytes) and return false. */
typedef bool (*inv_check_fn)(const inv_view *v, void *ctx, char *why, size_t why_len);

enum {
    INV_RUNTIME_THROW = 0,     /* the runtime reached an impossible state (throw) */
    INV_CONSERVATION = 1,
    INV_QUEUE_BOUNDS = 2,
    INV_P_STATE = 3,
    INV_M_STATE = 4,
    INV_WORK_CONSERVATION = 5,
    INV_BOUNDED_WAIT = 6,
    INV_DEADLOCK = 7,
    INV_LIFECYCLE = 8,
    INV_BUILTIN_COUNT = 9,
    INV_USER_FIRST = 100,      /* ids of registered invariants start here */
    INV_MAX_USER = 32,
};

/* Register an invariant for every following run in this process.
 * Returns its id (INV_USER_FIRST + n), or -1 if the table is full. */
int gmp_invariant_register(const char *name, inv_check_fn fn, void *ctx);

/* Forget every registered (non-built-in) invariant. */
void gmp_invariant_clear(void);

/* The name of an invariant id ("conservation", your name, ...). */
const char *gmp_invariant_name(int id);

#endif
