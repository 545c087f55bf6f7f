/*
 * sim/oracle.h: oracles, the invariants judged at a decision's event.
 *
 * The built-in invariants (sim/check.c) look at the state between events
 * and catch bugs that corrupt it.  An oracle looks at one traced decision
 * (sim/oracle.def lists them) and asks whether Go 1.19 would have made it,
 * so it also catches a bug that keeps the books consistent: the wrong
 * number of Gs taken, the wrong Gs, the wrong order.  Each is an invariant
 * with its own id and name; a violation ends the run at the event.
 *
 * Ownership: the per-run state below belongs to the host thread running
 * sim_run; everything here runs only while checking (sim_config.check).
 */
#ifndef GMP_SIM_ORACLE_H
#define GMP_SIM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/runtime2.h"
#include "traces/trace.h"

enum { INV_ORACLE_FIRST = 40 };   /* between the built-ins and INV_USER_FIRST */

enum oracle_id {
#define X(NAME, name, doc) OR_##NAME,
#include "sim/oracle.def"
#undef X
    OR__COUNT
};

_Static_assert(INV_ORACLE_FIRST + OR__COUNT <= 100, "oracle ids stay below INV_USER_FIRST");

/* Name and doc line of an invariant id in the oracle range, else NULL. */
const char *oracle_name(int inv);
const char *oracle_doc(int inv);

/* Switch every oracle off for the following runs (benchmarks measure what
 * they cost); on by default. */
void oracle_set_enabled(bool on);

/* The driver's side (sim/run.c, sim/check.c). */
void oracle_reset(void);                                 /* a run starts */
void oracle_on_event(uint64_t seq, const tr_event *e);   /* right after each event, checking only */
void oracle_check(void);                                 /* at each check point */

/* The checks themselves, for tests that hand-break a state: true if it
 * holds, else a reason in why. */
bool oracle_p_ownership(char *why, size_t len);
bool oracle_stack_owned(const g *gp, const gmp_stack *s, char *why, size_t len);

/* ---- between oracle*.c ---- */
/* Grow *arr (of *n elements of elem bytes, zeroed when new) to hold index
 * i; ends the run as a resource failure if memory runs out. */
void *oracle_grow(void *arr, uint32_t *n, uint32_t i, size_t elem);
void oracle_fail(int id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oracle_runq_event(const tr_event *e);   /* sim/oracle_runq.c */
void oracle_runq_reset(void);
void oracle_own_event(const tr_event *e);    /* sim/oracle_own.c */
void oracle_sched_event(const tr_event *e);  /* sim/oracle_sched.c */
void oracle_sched_reset(void);

#endif
