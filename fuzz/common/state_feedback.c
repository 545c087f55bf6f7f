/*
 * fuzz/common/state_feedback.c: scheduler-state counters (state_feedback.h).
 *
 * Ownership: the counters belong to the fuzzing process's one thread; the
 * engine reads (libFuzzer) or resets (both) them between inputs.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common/state_feedback.h"
#include "runtime/runtime2.h"

enum { RUNQ_BUCKETS = 5, IDLE_BUCKETS = 4, SPIN_BUCKETS = 3, SYSCALL_BUCKETS = 3,
       STATES = RUNQ_BUCKETS * IDLE_BUCKETS * SPIN_BUCKETS * SYSCALL_BUCKETS, NCOUNTERS = EV__COUNT * STATES };

/* libFuzzer reads every byte of this section as a coverage counter. */
__attribute__((section("__libfuzzer_extra_counters"), used)) static uint8_t counters[NCOUNTERS];

static uint8_t seen[NCOUNTERS];   /* states ever reached in this process */
static uint32_t nseen;

/* AFL++'s shared map and its size, present only in afl-clang-fast builds.
 * Looked up at run time: afl-clang-fast's pass declares __afl_area_ptr
 * itself, so a declaration here would clash with it. */
static uint8_t **afl_area;
static uint32_t *afl_map_size;

static void find_afl(void) {
    static bool done;
    if (done)
        return;
    done = true;
    afl_area = dlsym(RTLD_DEFAULT, "__afl_area_ptr");
    afl_map_size = dlsym(RTLD_DEFAULT, "__afl_map_size");
}

bool gmp_state_feedback_on(void) {
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("GMPSIM_STATE_FEEDBACK");
        on = e != NULL && strcmp(e, "1") == 0;
    }
    return on;
}

static uint32_t bucket_runq(uint32_t n) { return n == 0 ? 0 : n == 1 ? 1 : n < 4 ? 2 : n < 16 ? 3 : 4; }
static uint32_t cap(uint32_t n, uint32_t max) { return n < max ? n : max; }

static uint32_t state_of(const tr_event *e) {
    uint32_t runq = 0, insyscall = 0;
    if (e->p < (uint32_t)allplen && allp[e->p] != NULL) {
        const p *pp = allp[e->p];
        runq = pp->runqtail - pp->runqhead + (pp->runnext != NULL);
    }
    for (int32_t i = 0; i < allplen && i < gomaxprocs; i++)
        insyscall += allp[i]->status == _Psyscall;
    uint32_t s = bucket_runq(runq);
    s = s * IDLE_BUCKETS + cap(sched.npidle, IDLE_BUCKETS - 1);
    s = s * SPIN_BUCKETS + cap(sched.nmspinning, SPIN_BUCKETS - 1);
    s = s * SYSCALL_BUCKETS + cap(insyscall, SYSCALL_BUCKETS - 1);
    return s;
}

void gmp_state_feedback_hook(void *ctx, uint64_t seq, const tr_event *e) {
    (void)ctx, (void)seq;
    if (e->kind >= EV__COUNT)
        return;
    uint32_t i = e->kind * STATES + state_of(e);
    if (counters[i] != 255)
        counters[i]++;
    if (!seen[i]) {
        seen[i] = 1;
        nseen++;
    }
    find_afl();
    if (afl_area != NULL && *afl_area != NULL) {
        uint32_t size = afl_map_size != NULL && *afl_map_size ? *afl_map_size : 65536;
        uint32_t h = (i * 2654435761u) % size;   /* spread over the map */
        (*afl_area)[h]++;
    }
}

uint32_t gmp_state_feedback_seen(void) { return nseen; }
