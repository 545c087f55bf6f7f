/*
 * runtime/platform.h: the narrow interface between the scheduler and the
 * machine it runs on.
 *
 * runtime/ never reads a clock, draws a random number, blocks a thread or
 * starts one except through these calls.  sim/ implements them
 * deterministically (one host thread, virtual clock, choice source); a
 * real-threads backend (pthreads, futex, C11 atomics) would implement the
 * same calls without touching runtime/.
 *
 * The backend supplies "platform_impl.h" on the include path.  It must
 * define, usually as static inline functions for the hot ones:
 *
 *   thread-local state
 *     g *plat_getg(void), void plat_setg(g *)     the g of the running stack (Go's TLS g)
 *   threads
 *     void plat_newosproc(m *mp)       start a thread that runs mstart() on mp->g0's stack
 *     void plat_exitthread(m *mp)      the calling thread ends (never returns)
 *   notes (one-shot sleep/wakeup, like futex notes)
 *     void plat_notesleep(note *n), bool plat_notetsleep(note *n, int64_t ns)
 *     void plat_notewakeup(note *n), void plat_noteclear(note *n)
 *   time
 *     int64_t plat_nanotime(void)      this thread's virtual or real clock
 *     void plat_usleep(uint32_t us), void plat_osyield(void)
 *     void plat_spend(int64_t ns)      the thread is busy (computing, in the kernel) for ns
 *     void plat_syscall(int64_t ns)    the thread is in a blocking system call that takes ns
 *                                      (plus the kernel's own entry and exit)
 *     void plat_procyield(uint32_t n)  n PAUSE instructions (Go's procyield)
 *     int64_t plat_cost(unsigned what) how long a piece of Go's own code takes (COST_*):
 *                                      real hardware varies, so the backend may draw it
 *   locks (each acquire and release is a yield point)
 *     void plat_lock(mutex *l), void plat_unlock(mutex *l)
 *   atomics: every atomic in runtime/atomic.h first calls
 *     void plat_atomic_point(void)     a yield point; the backend may switch threads
 *   randomness
 *     uint32_t plat_fastrand(void)     Go's fastrand
 *   safe points
 *     bool plat_inject_preempt(int where)  should the running G be preempted here?
 *   memory model
 *     PLAT_ONE_HOST_THREAD             1 if all Ms share one host thread (plain memory
 *                                      operations suffice), 0 for real threads
 *   trace
 *     trace *plat_trace(void)          the recorder events go to
 *   ends
 *     _Noreturn void plat_throw(const char *msg)   an impossible state (invariant violation)
 *     _Noreturn void plat_fatal(int outcome, const char *msg)  Go's fatal(): deadlock etc.
 *     _Noreturn void plat_exit(int code)            the program exits (main returned, os.Exit)
 *     void *plat_alloc(size_t bytes)   zeroed memory owned by the current run (never NULL)
 */
#ifndef GMP_RUNTIME_PLATFORM_H
#define GMP_RUNTIME_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "traces/trace.h"

typedef struct g g;
typedef struct m m;
typedef struct p p;
typedef struct note note;
typedef struct mutex mutex;

/* Costs of Go's own code the runtime does not run step by step
 * (argument of plat_cost); sim/costs.def has their measured ranges. */
enum {
    COST_RUNTIME_INIT = 0,     /* runtime.main: the runtime's package initialisers */
    COST_RUNTIME_INIT_NOOS,    /* the same, in a program that does not import os */
    COST_MAIN_INIT,            /* runtime.main: the program's package initialisers (os, fmt, ...) */
    COST_MAIN_INIT_NOOS,       /* the same without os */
    COST_SCAVENGER_INIT,       /* bgscavenge's initialisation */
    COST__RUNTIME_COUNT
};

/* Where an injected preemption may happen (argument of plat_inject_preempt). */
enum { PREEMPT_AT_SAFEPOINT = 0, PREEMPT_AT_QUANTUM = 1 };

#include "platform_impl.h"

#endif
