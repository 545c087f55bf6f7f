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
 * Plugins and other code outside the tree use the stable public interface
 * instead, include/gmpsim/plugin.h (accessors, an ABI version; sim/plugin.c).
 * Built-in checkers in the tree read runtime/runtime2.h's Go-named globals
 * directly, read-only.  The view adds what only the driver knows.  See
 * docs/invariants.md for a worked example.
 *
 * Incremental checking.  A full walk after every event costs O(state) per
 * event.  An invariant may also give a step function: at most check
 * points it is called instead of the full one, with v->changed listing what
 * the events since the previous check changed, and answers in O(changed)
 * whether the invariant may have broken.  "false" is only a suspicion: the
 * checker then runs every full check at that same point, and the full
 * checks alone decide whether (and with which message) the run fails.  So
 * a step function may be conservative but must never answer true where
 * the full check would fail.  Full checks also run at rest points (no P
 * running) and at the end of a run.  An invariant without a step function
 * has its full check run at every check point, as before.
 */
#ifndef GMP_SIM_INVARIANT_H
#define GMP_SIM_INVARIANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct g;
struct p;
struct m;

/* What changed since the previous check point (incremental checking).
 * gs: every G whose status or place (run queue, free list, an M's curg or
 * xfer list, a wait queue it entered or left) may have changed; ps, ms: every
 * P and M whose fields may have changed.  Valid during the call only. */
typedef struct inv_changes {
    struct g *const *gs;
    uint32_t ngs;
    struct p *const *ps;
    uint32_t nps;
    struct m *const *ms;
    uint32_t nms;
} inv_changes;

typedef struct inv_view {
    uint64_t seq;              /* events recorded so far */
    int64_t now;               /* virtual time (ns) */
    bool quiescent;            /* every M is parked, asleep, or running user code */
    uint32_t pending_wakeups;  /* threads woken but not yet running */
    uint32_t nthreads;         /* simulated threads (Ms, sysmon included) */
    bool world_stopped;        /* a stop-the-world is in progress */
    const inv_changes *changed;  /* step functions only (NULL in full checks) */
} inv_view;

/* Return true if the invariant holds; otherwise write a short reason
 * into why (at most why_len bytes) and return false. */
typedef bool (*inv_check_fn)(const inv_view *v, void *ctx, char *why, size_t why_len);

/* Return true if nothing in v->changed can have broken the invariant. */
typedef bool (*inv_step_fn)(const inv_view *v, void *ctx);

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

/* The same, with a step function for incremental checking (above). */
int gmp_invariant_register_step(const char *name, inv_check_fn fn, inv_step_fn step, void *ctx);

/* Forget every registered (non-built-in) invariant. */
void gmp_invariant_clear(void);

/* The name of an invariant id ("conservation", your name, ...). */
const char *gmp_invariant_name(int id);

#endif
