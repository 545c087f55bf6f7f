/*
 * sim/oracle_sched.c: schedule's time slices, where a yielding G goes,
 * and sysmon's two duties, judged from the events.
 *
 * Time slices: Go's schedtick advances when execute starts a G without
 * inheriting the slice; runqget hands runnext out with inheritance.  Each
 * P's slice count here is kept from EXECUTE events alone.
 *
 * sysmon: each SYSMON event is one look.  Go's retake preempts a G whose
 * slice has lasted forcePreemptNS since sysmon first saw it, and retakes a
 * P whose system call has lasted 10ms since sysmon first saw it (or at
 * once when the P has work).  A look's event comes before retake reads the
 * clock, and OS stalls and jitter can stretch that gap, so the judge keeps
 * SLACK_NS of margin and lets sysmon miss two further looks before it
 * calls a duty neglected.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/driver.h"
#include "sim/oracle.h"

enum { SRC_RUNNEXT_ = 1, SRC_LOCAL_ = 2, SRC_GLOBAL_FAIR_ = 0 };   /* runtime.h rt_found_source */
enum { DUE_LOOKS = 3 };
#define SLACK_NS (100LL * 1000 * 1000)
#define SYSCALL_RETAKE_NS (10LL * 1000 * 1000)

/* What the oracle knows of one P, from the events. */
typedef struct p_seen {
    uint32_t slices;        /* EXECUTEs that started a slice on this P */
    uint32_t syscalls;      /* ENTERSYSCALLs on this P */
    bool preempted;         /* a PREEMPTONE for this P since its slice began */
    uint32_t look_slice;    /* the slice sysmon's last look saw, and when it first saw it */
    int64_t slice_seen_at;
    uint32_t slice_due;     /* consecutive looks at which a preemption was due */
    uint32_t look_sys;
    int64_t sys_seen_at;
    uint32_t sys_due;
} p_seen;

static p_seen seen[_MaxGomaxprocs];   /* owned by the checking thread */

/* Per M: the G its last runqget took from where, the G it just yielded. */
typedef struct m_seen {
    uint32_t got_goid;
    bool got_next;
    uint32_t yielded_goid;
} m_seen;

static m_seen *ms;
static uint32_t nms;

void oracle_sched_reset(void) {
    memset(seen, 0, sizeof seen);
    if (ms != NULL)
        memset(ms, 0, nms * sizeof *ms);
}

static m_seen *m_of(uint32_t mid) {
    ms = oracle_grow(ms, &nms, mid, sizeof *ms);
    return &ms[mid];
}

/* ---- time slices ---- */

static void judge_execute(m_seen *mm, const tr_event *e) {
    uint32_t goid = e->a[0], src = e->a[1], inherit = e->a[2];
    if (e->p < allplen && !inherit) {
        seen[e->p].slices++;
        seen[e->p].preempted = false;
    }
    mm->yielded_goid = 0;
    bool got = mm->got_goid == goid;
    mm->got_goid = 0;
    if (got) {
        if (inherit != (uint32_t)mm->got_next)
            oracle_fail(OR_EXECUTE_SLICE, "G%u came from %s but %s the time slice", goid,
                        mm->got_next ? "runnext" : "the local queue", inherit ? "inherited" : "did not inherit");
    }
    if (src == SRC_GLOBAL_FAIR_ && e->p < allplen) {
        uint32_t tick = allp[e->p]->schedtick - 1;   /* execute has advanced it */
        if (tick % 61 != 0)
            oracle_fail(OR_EXECUTE_SLICE, "the every-61st look at the global queue ran at schedtick %u", tick);
    }
}

/* ---- yields ---- */

static void judge_globrunqput(m_seen *mm, const tr_event *e) {
    if (e->a[1] != 0 && mm->yielded_goid != 0 && e->a[0] == mm->yielded_goid)
        oracle_fail(OR_GOSCHED_TAIL, "G%u yielded and went to the head of the global queue", e->a[0]);
    mm->yielded_goid = 0;
}

/* ---- sysmon ---- */

static bool runs_a_g(const p *pp) {
    return pp->status == _Prunning && pp->m != NULL && pp->m->curg != NULL;
}

static void look_preempt(p_seen *ps, const p *pp, int64_t now) {
    if (!runs_a_g(pp)) {
        ps->slice_due = 0;
        return;
    }
    if (ps->look_slice != ps->slices || ps->slice_seen_at == 0) {
        ps->look_slice = ps->slices;
        ps->slice_seen_at = now;
        ps->slice_due = 0;
        return;
    }
    if (now < ps->slice_seen_at + forcePreemptNS + SLACK_NS || ps->preempted)
        return;
    if (++ps->slice_due >= DUE_LOOKS)
        oracle_fail(OR_SYSMON_PREEMPT, "P%d's G%ld has run one slice for %lld ms and was never asked to yield",
                    pp->id, (long)pp->m->curg->goid, (long long)((now - ps->slice_seen_at) / 1000000));
}

static void look_retake(p_seen *ps, const p *pp, int64_t now) {
    if (pp->status != _Psyscall) {
        ps->sys_due = 0;
        return;
    }
    if (ps->look_sys != ps->syscalls || ps->sys_seen_at == 0) {
        ps->look_sys = ps->syscalls;
        ps->sys_seen_at = now;
        ps->sys_due = 0;
        return;
    }
    if (now < ps->sys_seen_at + SYSCALL_RETAKE_NS + SLACK_NS)
        return;
    if (++ps->sys_due >= DUE_LOOKS)
        oracle_fail(OR_SYSMON_RETAKE, "P%d has sat in one system call for %lld ms and was never retaken", pp->id,
                    (long long)((now - ps->sys_seen_at) / 1000000));
}

static void sysmon_look(int64_t now) {
    if (sched.gcwaiting != 0)
        return;
    for (int32_t i = 0; i < allplen && i < gomaxprocs; i++) {
        look_preempt(&seen[i], allp[i], now);
        look_retake(&seen[i], allp[i], now);
    }
}

/* ---- dispatch ---- */

void oracle_sched_event(const tr_event *e) {
    if (e->m == TR_NONE)
        return;
    m_seen *mm = m_of(e->m);
    switch (e->kind) {
    case EV_RUNQGET:
        mm->got_goid = e->a[0];
        mm->got_next = e->a[1] != 0;
        break;
    case EV_EXECUTE: judge_execute(mm, e); break;
    case EV_STARTLOCKEDM: mm->got_goid = 0; break;   /* the G runs on its locked M, not inheriting */
    case EV_GOSCHED:
    case EV_PREEMPT: mm->yielded_goid = e->a[0]; break;
    case EV_GLOBRUNQPUT: judge_globrunqput(mm, e); break;
    case EV_PREEMPTONE:
        if (e->a[0] < (uint32_t)allplen)
            seen[e->a[0]].preempted = true;
        break;
    case EV_ENTERSYSCALL:
        if (e->p < allplen)
            seen[e->p].syscalls++;
        break;
    case EV_SYSMON: sysmon_look(e->time); break;
    case EV_ACQUIREP:   /* a P changing hands: judge its slice from the next look */
        if (e->a[0] < (uint32_t)allplen)
            seen[e->a[0]].slice_seen_at = 0;
        break;
    case EV_PROCRESIZE:   /* the current M may go on on another P, mid-slice */
        for (int32_t i = 0; i < allplen; i++)
            seen[i].slice_seen_at = seen[i].sys_seen_at = 0;
        break;
    default: break;
    }
}
