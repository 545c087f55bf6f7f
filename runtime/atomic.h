/*
 * runtime/atomic.h: Go's runtime/internal/atomic, as yield points.
 *
 * Every atomic first calls plat_atomic_point(): under the simulator that is
 * where another M may run, so the races Go's lock-free code must survive
 * (a steal between a load and a CAS, say) are reachable.  The operations
 * themselves are C11 atomics, so a real-threads backend needs no change.
 * Acquire/release names follow Go: LoadAcq, StoreRel, CasRel.
 */
#ifndef GMP_RUNTIME_ATOMIC_H
#define GMP_RUNTIME_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

static inline uint32_t atomic_Load(const uint32_t *p) {
    plat_atomic_point();
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline uint32_t atomic_LoadAcq(const uint32_t *p) {
    plat_atomic_point();
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline int64_t atomic_Load64(const int64_t *p) {
    plat_atomic_point();
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline void *atomic_Loadp(void *const *p) {
    plat_atomic_point();
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline void atomic_Store(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_StoreRel(uint32_t *p, uint32_t v) {
    plat_atomic_point();
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline void atomic_Store64(int64_t *p, int64_t v) {
    plat_atomic_point();
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
static inline void atomic_Storep(void **p, void *v) {
    plat_atomic_point();
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}
static inline uint32_t atomic_Xadd(uint32_t *p, int32_t d) {
    plat_atomic_point();
    return __atomic_add_fetch(p, (uint32_t)d, __ATOMIC_SEQ_CST);
}
static inline uint64_t atomic_Xadd64(uint64_t *p, int64_t d) {
    plat_atomic_point();
    return __atomic_add_fetch(p, (uint64_t)d, __ATOMIC_SEQ_CST);
}
static inline int64_t atomic_Xchg64(int64_t *p, int64_t v) {
    plat_atomic_point();
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
static inline bool atomic_Cas(uint32_t *p, uint32_t old, uint32_t new_) {
    plat_atomic_point();
    return __atomic_compare_exchange_n(p, &old, new_, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
static inline bool atomic_CasRel(uint32_t *p, uint32_t old, uint32_t new_) {
    plat_atomic_point();
    return __atomic_compare_exchange_n(p, &old, new_, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}
static inline bool atomic_Casp(void **p, void *old, void *new_) {
    plat_atomic_point();
    return __atomic_compare_exchange_n(p, &old, new_, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#endif
