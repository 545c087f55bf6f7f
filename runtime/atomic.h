/*
 * runtime/atomic.h: Go's runtime/internal/atomic, as yield points.
 *
 * Every atomic first calls plat_atomic_point(): under the simulator that is
 * where another M may run, so the races Go's lock-free code must survive
 * (a steal between a load and a CAS, say) are reachable.  Acquire/release
 * names follow Go: LoadAcq, StoreRel, CasRel.
 *
 * The memory operation itself is the platform's choice: a backend whose
 * threads are simulated on one host thread (PLAT_ONE_HOST_THREAD, sim/)
 * needs plain loads and stores, since only one M ever runs at a time; a
 * real-threads backend gets C11 atomics with the orders Go uses.
 */
#ifndef GMP_RUNTIME_ATOMIC_H
#define GMP_RUNTIME_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

#if PLAT_ONE_HOST_THREAD
#define RT_LOAD(p, mo) (*(p))
#define RT_STORE(p, v, mo) (*(p) = (v))
#define RT_ADD_FETCH(p, d) (*(p) += (d))
#define RT_OR_FETCH(p, v) (*(p) |= (v))
#define RT_AND_FETCH(p, v) (*(p) &= (v))
#define RT_XCHG(p, v, old) ((old) = *(p), *(p) = (v))
#define RT_CAS(p, oldv, newv) (*(p) == (oldv) ? (*(p) = (newv), true) : false)
#else
#define RT_LOAD(p, mo) __atomic_load_n((p), (mo))
#define RT_STORE(p, v, mo) __atomic_store_n((p), (v), (mo))
#define RT_ADD_FETCH(p, d) __atomic_add_fetch((p), (d), __ATOMIC_SEQ_CST)
#define RT_OR_FETCH(p, v) __atomic_or_fetch((p), (v), __ATOMIC_SEQ_CST)
#define RT_AND_FETCH(p, v) __atomic_and_fetch((p), (v), __ATOMIC_SEQ_CST)
#define RT_XCHG(p, v, old) ((old) = __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST))
#define RT_CAS(p, oldv, newv) rt_cas_((p), (oldv), (newv))
#define rt_cas_(p, oldv, newv)                                                                  \
    ({                                                                                         \
        __typeof__(*(p)) e_ = (oldv);                                                          \
        __atomic_compare_exchange_n((p), &e_, (newv), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    })
#endif

static inline uint32_t atomic_Load(const uint32_t *p) {
    plat_atomic_point();
    return RT_LOAD(p, __ATOMIC_SEQ_CST);
}
static inline uint32_t atomic_LoadAcq(const uint32_t *p) {
    plat_atomic_point();
    return RT_LOAD(p, __ATOMIC_ACQUIRE);
}
static inline int64_t atomic_Load64(const int64_t *p) {
    plat_atomic_point();
    return RT_LOAD(p, __ATOMIC_SEQ_CST);
}
static inline void *atomic_Loadp(void *const *p) {
    plat_atomic_point();
    return RT_LOAD(p, __ATOMIC_SEQ_CST);
}
static inline void atomic_Store(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    RT_STORE(p, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_StoreRel(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    RT_STORE(p, v, __ATOMIC_RELEASE);
}
static inline void atomic_Store64(int64_t *p, int64_t v) {
    plat_atomic_point();
    RT_STORE(p, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_Storep(void **p, void *v) {
    plat_atomic_point();
    RT_STORE(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t atomic_Xadd(uint32_t *p, int32_t d) {
    plat_atomic_point();
    return RT_ADD_FETCH(p, (uint32_t)d);
}
static inline uint64_t atomic_Xadd64(uint64_t *p, int64_t d) {
    plat_atomic_point();
    return RT_ADD_FETCH(p, (uint64_t)d);
}
static inline int64_t atomic_Xchg64(int64_t *p, int64_t v) {
    plat_atomic_point();
    int64_t old;
    RT_XCHG(p, v, old);
    return old;
}
static inline bool atomic_Cas(uint32_t *p, uint32_t old, uint32_t new_) {
    plat_atomic_point();
    return RT_CAS(p, old, new_);
}
static inline bool atomic_CasRel(uint32_t *p, uint32_t old, uint32_t new_) {
    plat_atomic_point();
    return RT_CAS(p, old, new_);
}
static inline bool atomic_Casp(void **p, void *old, void *new_) {
    plat_atomic_point();
    return RT_CAS(p, old, new_);
}
static inline bool atomic_Cas8(bool *p, bool old, bool new_) {
    plat_atomic_point();
    return RT_CAS(p, old, new_);
}
static inline void atomic_Or(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    RT_OR_FETCH(p, v);
}
static inline void atomic_And(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    RT_AND_FETCH(p, v);
}

#endif
