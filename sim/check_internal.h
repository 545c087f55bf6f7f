/*
 * sim/check_internal.h: what the full checks (check.c) and the incremental
 * filter (check_incr.c) share.  Private to sim/check*.
 */
#ifndef GMP_SIM_CHECK_INTERNAL_H
#define GMP_SIM_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/runtime.h"
#include "sim/invariant.h"

/* Where each G was found: the counts the conservation invariant judges. */
typedef struct gcount {
    uint16_t runq, xfer, curg, wait, freel;
} gcount;

/* Where a G of its status may be, given its counts; NULL if fine. */
const char *check_misplaced(const g *gp, const gcount *k);

/* The sched.nschedtick past which runnable gp would overstay its
 * bounded-wait stint (each tick adds at most one to its wait): 0 if it
 * already has, UINT64_MAX if it is in no stint. */
uint64_t check_wait_deadline(const g *gp);

/* Is runnable work Go promised to find queued (work conservation)? O(G). */
bool check_promised_work_queued(bool strict);

/* Fill the view (O(threads)). */
void check_make_view(inv_view *v);

/* Pending wakeups (O(threads)). */
uint32_t check_pending_wakeups(void);

/* ---- the incremental filter (check_incr.c) ----
 * check_incr_step compares the state with the shadow kept since the
 * previous check, updates the shadow, fills ch (if not NULL) with what changed and says
 * whether anything may be broken (then the full checks must run).
 * check_incr_sync rebuilds the shadow from the state (after a full check);
 * check_incr_reset forgets it (a new run). */
bool check_incr_step(const inv_view *v, inv_changes *ch);
void check_incr_sync(void);
/* Did the last step see an M's p/nextp/oldp/lockedg or a P's status/m
 * change (what the P-ownership oracle reads)? */
bool check_incr_owners_changed(void);
void check_incr_reset(void);

#endif
