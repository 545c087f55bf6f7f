/*
 * gmpsim/plugin.h: the stable interface for invariant plugins
 * (`gmpsim --plugin FILE.so`, docs/invariants.md).
 *
 * A plugin sees the scheduler only through the read-only accessor
 * functions below, never through the runtime's structs, so a plugin built
 * against this header keeps working across gmpsim versions with the same
 * GMPSIM_PLUGIN_ABI.  gmpsim checks that number when it loads the plugin
 * and refuses another one with exit code 12 (as it does a file that is not
 * a shared object, one without the two symbols GMPSIM_PLUGIN defines, and
 * one that needs a function this gmpsim does not have).
 *
 * A plugin:
 *
 *     #include <gmpsim/plugin.h>
 *     GMPSIM_PLUGIN("runq-latency")
 *     static bool check(const gmpsim_view *v, void *ctx, char *why, size_t why_len) { ... }
 *     void gmpsim_plugin_init(void) { gmpsim_register_invariant("runq-latency", check, NULL); }
 *
 * built with `cc -shared -fPIC $(pkg-config --cflags gmpsim) -o x.so x.c`.
 *
 * Ids: Ps are numbered 0..gmpsim_p_count()-1 (as Go's allp); Gs and Ms are
 * visited by index 0..count-1 and named by their goid / M id.  Accessors
 * given an index out of range return -1 (or 0 for counts).  A view is
 * valid only during the call it is passed to.
 *
 * Ownership: everything is read-only.  A plugin must not keep pointers it
 * did not allocate, and must not call anything but the functions here.
 */
#ifndef GMPSIM_PLUGIN_H
#define GMPSIM_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a function below changes signature or meaning, or is
 * removed.  Adding a function keeps it. */
#define GMPSIM_PLUGIN_ABI 1

#define GMPSIM_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Defines the plugin's ABI version and name, which gmpsim reads before
 * running any of its code. */
#define GMPSIM_PLUGIN(NAME)                                                              \
    GMPSIM_PLUGIN_EXPORT extern const uint32_t gmpsim_plugin_abi;                        \
    GMPSIM_PLUGIN_EXPORT const uint32_t gmpsim_plugin_abi = GMPSIM_PLUGIN_ABI;           \
    GMPSIM_PLUGIN_EXPORT extern const char gmpsim_plugin_name[];                         \
    GMPSIM_PLUGIN_EXPORT const char gmpsim_plugin_name[] = NAME;

/* Called once after loading; registers the plugin's invariants. */
GMPSIM_PLUGIN_EXPORT void gmpsim_plugin_init(void);

typedef struct gmpsim_view gmpsim_view;

/* Return true when the invariant holds; else write a short reason into
 * why (at most why_len bytes, NUL included) and return false. */
typedef bool (*gmpsim_check_fn)(const gmpsim_view *v, void *ctx, char *why, size_t why_len);

/* Register an invariant, checked after every event in checking mode.
 * Returns its id, or -1 when the table is full or the name is empty. */
int gmpsim_register_invariant(const char *name, gmpsim_check_fn fn, void *ctx);

/* ---- the point being checked ---- */
uint64_t gmpsim_event(const gmpsim_view *v);          /* events recorded so far */
int64_t gmpsim_now(const gmpsim_view *v);             /* virtual time, ns */
bool gmpsim_quiescent(const gmpsim_view *v);          /* every M parked, asleep or in user code */
bool gmpsim_world_stopped(const gmpsim_view *v);      /* a stop-the-world is in progress */
uint32_t gmpsim_pending_wakeups(const gmpsim_view *v);

/* ---- counters (Go's sched fields) ---- */
typedef enum gmpsim_counter {
    GMPSIM_GOMAXPROCS,     /* gomaxprocs */
    GMPSIM_NPIDLE,         /* sched.npidle: idle Ps */
    GMPSIM_NMSPINNING,     /* sched.nmspinning */
    GMPSIM_NMIDLE,         /* sched.nmidle: idle Ms */
    GMPSIM_RUNQSIZE,       /* sched.runqsize: the global queue's length */
    GMPSIM_NSCHEDULE,      /* schedule() calls so far */
    GMPSIM_GOIDGEN,        /* sched.goidgen */
    GMPSIM_MCOUNT,         /* Ms created (sched.mnext) */
    GMPSIM_GCWAITING,      /* sched.gcwaiting */
    GMPSIM_COUNTER_COUNT
} gmpsim_counter;

/* The counter's value; 0 for an unknown counter. */
uint64_t gmpsim_counter_get(const gmpsim_view *v, gmpsim_counter c);

/* ---- Ps ---- */
typedef enum gmpsim_pstatus {
    GMPSIM_P_IDLE = 0, GMPSIM_P_RUNNING = 1, GMPSIM_P_SYSCALL = 2, GMPSIM_P_GCSTOP = 3, GMPSIM_P_DEAD = 4
} gmpsim_pstatus;

int32_t gmpsim_p_count(const gmpsim_view *v);               /* len(allp) */
int gmpsim_p_status(const gmpsim_view *v, int32_t p);       /* a gmpsim_pstatus */
int64_t gmpsim_p_m(const gmpsim_view *v, int32_t p);        /* the M id running it, or -1 */
int64_t gmpsim_p_runnext(const gmpsim_view *v, int32_t p);  /* goid in runnext, or -1 */
uint32_t gmpsim_p_runq_len(const gmpsim_view *v, int32_t p);
/* goid of the i-th G of the local run queue from its head, or -1. */
int64_t gmpsim_p_runq_goid(const gmpsim_view *v, int32_t p, uint32_t i);
uint32_t gmpsim_p_schedtick(const gmpsim_view *v, int32_t p);
uint32_t gmpsim_p_timers(const gmpsim_view *v, int32_t p);

/* ---- the global run queue ---- */
/* goid of the i-th G from the head, or -1 (i < GMPSIM_RUNQSIZE). */
int64_t gmpsim_globrunq_goid(const gmpsim_view *v, uint32_t i);

/* ---- Ms (index 0..gmpsim_m_count()-1, oldest first) ---- */
uint32_t gmpsim_m_count(const gmpsim_view *v);
int64_t gmpsim_m_id(const gmpsim_view *v, uint32_t i);
int32_t gmpsim_m_p(const gmpsim_view *v, uint32_t i);       /* its P, or -1 */
int64_t gmpsim_m_curg(const gmpsim_view *v, uint32_t i);    /* goid of its G, or -1 */
bool gmpsim_m_spinning(const gmpsim_view *v, uint32_t i);
bool gmpsim_m_blocked(const gmpsim_view *v, uint32_t i);    /* parked on its note */
bool gmpsim_m_is_sysmon(const gmpsim_view *v, uint32_t i);

/* ---- Gs (index 0..gmpsim_g_count()-1, in creation order) ---- */
typedef enum gmpsim_gstatus {
    GMPSIM_G_IDLE = 0, GMPSIM_G_RUNNABLE = 1, GMPSIM_G_RUNNING = 2, GMPSIM_G_SYSCALL = 3,
    GMPSIM_G_WAITING = 4, GMPSIM_G_DEAD = 6
} gmpsim_gstatus;

uint32_t gmpsim_g_count(const gmpsim_view *v);
int64_t gmpsim_g_goid(const gmpsim_view *v, uint32_t i);
int gmpsim_g_status(const gmpsim_view *v, uint32_t i);      /* a gmpsim_gstatus, or -1 */
int64_t gmpsim_g_m(const gmpsim_view *v, uint32_t i);       /* the M id it runs on, or -1 */
/* Virtual time it last became runnable (meaningful while runnable). */
int64_t gmpsim_g_runnable_since(const gmpsim_view *v, uint32_t i);
/* Go's wait reason while waiting ("chan receive", "sleep", ...); "" when
 * not waiting or waiting for the runtime itself (stop-the-world, a locked M). */
const char *gmpsim_g_wait_reason(const gmpsim_view *v, uint32_t i);
bool gmpsim_g_is_system(const gmpsim_view *v, uint32_t i);  /* runtime-internal (sysmon's helpers) */

#ifdef __cplusplus
}
#endif

#endif
