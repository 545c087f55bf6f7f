/*
 * sim/dumpstate.c: the scheduler's state as text, in the spirit of
 * GODEBUG=schedtrace=1,scheddetail=1: the global counters, every P, every
 * M, every goroutine.  Read-only; for replay's "state at event N".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "runtime/runtime.h"
#include "sim/driver.h"

typedef struct out {
    char *buf;
    size_t len, o;
} out;

static void put(out *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *w, const char *fmt, ...) {
    if (w->o >= w->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->o, w->len - w->o, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->o += (size_t)n;
}

static long gid(const g *gp) { return gp != NULL ? (long)gp->goid : -1; }

static void dump_ps(out *w) {
    for (int32_t i = 0; i < allplen; i++) {
        const p *pp = allp[i];
        put(w, "  P%d: status=%s schedtick=%u syscalltick=%u m=%ld runqsize=%u runnext=%ld gfreecnt=%d timers=%d\n",
            i, rt_pstatus_name(pp->status), pp->schedtick, pp->syscalltick, pp->m ? (long)pp->m->id : -1L,
            pp->runqtail - pp->runqhead, gid(pp->runnext), pp->gFree.n, pp->ntimers);
    }
}

static void dump_ms(out *w) {
    for (const m *mp = allm; mp != NULL; mp = mp->alllink) {
        const sim_thread *t = mp->plat;
        static const char *const st[] = {"running", "ready", "sleeping", "blocked", "dead"};
        put(w, "  M%ld: p=%d curg=%ld spinning=%d blocked=%d locks=%d%s thread=%s vt=%" PRId64 "\n", (long)mp->id,
            mp->p ? mp->p->id : -1, gid(mp->curg), mp->spinning, mp->blocked, mp->locks,
            mp->issysmon ? " (sysmon)" : "", t ? st[t->state] : "-", t ? t->vt : 0);
    }
}

static void dump_gs(out *w) {
    for (uint32_t i = 0; i < allglen; i++) {
        const g *gp = allgs[i];
        const char *why = gp->atomicstatus == _Gwaiting ? rt_waitreason_name(gp->waitreason) : "";
        put(w, "  G%ld: status=%s%s%s%s m=%ld%s\n", (long)gp->goid, rt_gstatus_name(gp->atomicstatus),
            why[0] ? " (" : "", why, why[0] ? ")" : "", gp->m ? (long)gp->m->id : -1L,
            gp->issystem ? " system" : "");
    }
}

void sim_dump_state(char *buf, size_t len) {
    out w = {buf, len, 0};
    if (len > 0)
        buf[0] = 0;
    put(&w,
        "SCHED %" PRId64 "ns: gomaxprocs=%d idleprocs=%u threads=%ld spinningthreads=%u idlethreads=%d "
        "runqueue=%d gcwaiting=%u nmidlelocked=%d stopwait=%d sysmonwait=%u\n",
        simw.cur ? simw.cur->vt : 0, gomaxprocs, sched.npidle, (long)(sched.mnext - sched.nmfreed),
        sched.nmspinning, sched.nmidle, sched.runqsize, sched.gcwaiting, sched.nmidlelocked, sched.stopwait,
        sched.sysmonwait);
    dump_ps(&w);
    dump_ms(&w);
    dump_gs(&w);
}
