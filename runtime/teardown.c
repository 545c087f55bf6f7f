/*
 * runtime/teardown.c: mutant names, status names, and returning every
 * resource of a finished run so the next run in the same process starts
 * from Go's initial state.
 */
#include <string.h>

#include "asm/stack.h"
#include "internal.h"

int rt_mutant;

static const char *const mutant_names[MUT__COUNT] = {
    [MUT_NONE] = "none",
#define X(name, cli, desc) [MUT_##name] = cli,
#include "mutants.def"
#undef X
};

static const char *const mutant_descs[MUT__COUNT] = {
    [MUT_NONE] = "the unmodified Go 1.19 scheduler",
#define X(name, cli, desc) [MUT_##name] = desc,
#include "mutants.def"
#undef X
};

const char *rt_mutant_name(int mut) { return mut >= 0 && mut < MUT__COUNT ? mutant_names[mut] : "?"; }
const char *rt_mutant_desc(int mut) { return mut >= 0 && mut < MUT__COUNT ? mutant_descs[mut] : "?"; }

int rt_mutant_by_name(const char *name) {
    for (int i = 0; i < MUT__COUNT; i++)
        if (strcmp(mutant_names[i], name) == 0)
            return i;
    return -1;
}

const char *rt_gstatus_name(uint32_t s) {
    switch (s) {
    case _Gidle: return "_Gidle";
    case _Grunnable: return "_Grunnable";
    case _Grunning: return "_Grunning";
    case _Gsyscall: return "_Gsyscall";
    case _Gwaiting: return "_Gwaiting";
    case _Gdead: return "_Gdead";
    case _Gpreempted: return "_Gpreempted";
    default: return "_G?";
    }
}

const char *rt_pstatus_name(uint32_t s) {
    static const char *const names[] = {"_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"};
    return s < 5 ? names[s] : "_P?";
}

const char *rt_waitreason_name(uint32_t r) {
    static const char *const names[waitReason_count] = {
        [waitReasonZero] = "",
        [waitReasonChanReceive] = "chan receive",
        [waitReasonChanSend] = "chan send",
        [waitReasonSelect] = "select",
        [waitReasonSelectNoCases] = "select (no cases)",
        [waitReasonSleep] = "sleep",
        [waitReasonSyncMutexLock] = "sync.Mutex.Lock",
        [waitReasonSemacquire] = "semacquire",
        [waitReasonSyncWaitGroupWait] = "sync.WaitGroup.Wait",
        [waitReasonChanReceiveNilChan] = "chan receive (nil chan)",
        [waitReasonChanSendNilChan] = "chan send (nil chan)",
        [waitReasonPreempted] = "preempted",
    };
    return r < waitReason_count ? names[r] : "?";
}

void rt_config_default(rt_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->gomaxprocs = 1;
    cfg->ncpu = 2;
#if GMP_ASAN
    cfg->stack_bytes = 256 * 1024;       /* ASan frames are several times larger */
    cfg->g0_stack_bytes = 1024 * 1024;
#else
    cfg->stack_bytes = 64 * 1024;        /* virtual; a blocked G touches one page */
    cfg->g0_stack_bytes = 256 * 1024;
#endif
    cfg->max_gs = 1000000;
    cfg->max_stack_bytes = 64ull << 30;  /* address space, not memory: pages are touched lazily */
    cfg->work_quantum_ns = 10 * 1000;    /* async preemption latency: 10us */
    cfg->mutant = MUT_NONE;
    cfg->go_init = true;
    cfg->imports_os = true;
}

/* Return every stack to the pool and forget the run.  Memory from
 * plat_alloc belongs to the platform and is released by it. */
void rt_teardown(void) {
    for (uint32_t i = 0; i < allglen; i++)
        gmp_stack_put(&allgs[i]->stack);
    bool m0_listed = false;
    for (m *mp = allm; mp != NULL; mp = mp->alllink) {
        if (mp->g0 != NULL)   /* NULL: the run ended inside allocm */
            gmp_stack_put(&mp->g0->stack);
        m0_listed |= mp == m0;
    }
    for (m *mp = sched.freem; mp != NULL; mp = mp->freelink)
        gmp_stack_put(&mp->g0->stack);   /* exited threads (mexit) */
    if (m0 != NULL && !m0_listed && m0->g0 != NULL)
        gmp_stack_put(&m0->g0->stack);   /* the run ended before schedinit */
    memset(&sched, 0, sizeof sched);
    allgs = NULL;
    allglen = 0;
    allm = NULL;
    memset(allp, 0, sizeof allp);
    allplen = 0;
    gomaxprocs = 0;
    ncpu = 0;
    m0 = NULL;
    mainStarted = false;
    rt_mutant = MUT_NONE;
    memset(idlepMask, 0, sizeof idlepMask);
    memset(timerpMask, 0, sizeof timerpMask);
    proc_reset();
    sync_reset();
    chan_reset();
    time_reset();
    world_reset();
    lockedm_reset();
}
