/*
 * runtime/internal.h: declarations shared by the runtime's own files, as
 * Go's package-level functions are shared across proc.go, chan.go, ...
 * Nothing outside runtime/ includes this.
 */
#ifndef GMP_RUNTIME_INTERNAL_H
#define GMP_RUNTIME_INTERNAL_H

#include "atomic.h"
#include "platform.h"
#include "runtime.h"

/* ---- basics ---- */
static inline g *getg(void) { return plat_getg(); }
static inline int64_t nanotime(void) { return plat_nanotime() + NANOTIME_AT_BOOT; }
static inline uint32_t fastrand(void) { return plat_fastrand(); }
/* Go's fastrandn: a multiply-shift range reduction of fastrand. */
static inline uint32_t fastrandn(uint32_t n) { return (uint32_t)(((uint64_t)fastrand() * n) >> 32); }
static inline void lock(mutex *l) { plat_lock(l); }
static inline void unlock(mutex *l) { plat_unlock(l); }
/* throw names its caller: a runtime throw's decision site (findings). */
#define throw(msg) (rt_throw_fn = __func__, plat_throw(msg))

static inline m *acquirem(void) {
    m *mp = getg()->m;
    mp->locks++;
    return mp;
}
static inline void releasem(m *mp) { mp->locks--; }

/* ---- tracing: every decision is one call ----
 * Each M keeps the G, M and P fields of its events packed in m.trctx, in
 * the canonical record's layout, refreshed wherever they change (execute,
 * dropg, wirep, releasep, entersyscall, procresize, mcommoninit), so an
 * event costs a handful of stores. */
static inline uint64_t trctx_of(const m *mp) {
    uint64_t gid = mp->curg != NULL ? (uint32_t)mp->curg->goid : 0;
    uint64_t pid = mp->p != NULL ? (uint16_t)mp->p->id : TR_NONE;
    return gid | (uint64_t)(uint16_t)mp->id << 32 | pid << 48;
}
static inline void trctx_update(m *mp) { mp->trctx = trctx_of(mp); }

/* The out-of-line part of an event (proc.c): fill one record. */
void rt_trace_emit(unsigned kind, uint32_t a0, uint32_t a1, uint32_t a2);

/* Inline: only the on/off test and the per-kind count, whose index is a
 * constant at every call site. */
static inline void rt_trace(unsigned kind, uint32_t a0, uint32_t a1, uint32_t a2, const char *fn) {
    trace *t = plat_trace();
    if (!t->on)
        return;
    t->counts[kind]++;
    if (tr_kind_is_site(kind))
        rt_last_site = (rt_site){fn, kind};
    rt_trace_emit(kind, a0, a1, a2);
}
#define TRACE(kind, a0, a1, a2) rt_trace(EV_##kind, (uint32_t)(a0), (uint32_t)(a1), (uint32_t)(a2), __func__)
#define GOID(gp) ((gp) ? (uint32_t)(gp)->goid : 0u)
#define PID(pp) ((pp) ? (uint32_t)(pp)->id : (uint32_t)TR_NONE)

/* Checking bookkeeping for the work-conservation invariant, in two halves
 * around the runqput that publishes a submitted gp (newproc, ready).
 * note_fresh, before: gp is submitted work that has not run.  runqput
 * yields once gp is visible (a kicked runnext is queued after), so another
 * M may steal gp and run it (execute clears fresh) before the submitter
 * goes on.  note_wake_promise, after, where Go's wakep reads npidle: was a
 * P idle?  Only for a gp still fresh: a G that already ran is no longer
 * this submission's work.  Plain reads and writes, not yield points. */
static inline void note_fresh_at(g *gp, const char *fn) {
    gp->fresh = true;
    gp->wake_promised = false;
    gp->submit_fn = fn;
    gp->submit_kind = (uint16_t)rt_last_site.kind;
}
#define note_fresh(gp) note_fresh_at((gp), __func__)

/* Checking bookkeeping for the bounded-wait invariant (docs/invariants.md,
 * "Bounded wait, precisely"), at every insertion into a run queue: a G
 * entering the global queue, or a local queue from anywhere but another
 * local queue, starts a stint; moving between local queues (a steal, or
 * runnext kicked to the tail) keeps it, carrying the ticks of the P it
 * left.  Plain stores, not yield points. */
static inline void stint_local(g *gp, const p *pp) {
    if (gp->stint == STINT_LOCAL && gp->stint_spell == gp->runnable_sched) {
        if (gp->stint_p != pp->id) {
            gp->stint_acc += allp[gp->stint_p]->schedtick - gp->stint_tick0;
            gp->stint_p = pp->id;
            gp->stint_tick0 = pp->schedtick;
        }
        return;
    }
    gp->stint = STINT_LOCAL;
    gp->stint_spell = gp->runnable_sched;
    gp->stint_p = pp->id;
    gp->stint_tick0 = pp->schedtick;
    gp->stint_acc = 0;
}
static inline void stint_global(g *gp) {
    if (gp->stint == STINT_GLOBAL && gp->stint_spell == gp->runnable_sched)
        return;
    gp->stint = STINT_GLOBAL;
    gp->stint_spell = gp->runnable_sched;
    gp->stint_tick0 = sched.nschedtick;
    gp->stint_acc = 0;
}

static inline void note_wake_promise(g *gp) {
    if (rt_xfer_on && gp->fresh)
        gp->wake_promised = RT_LOAD(&sched.npidle, __ATOMIC_RELAXED) > 0;
}

/* nmspinning + npidle > 0, reading them in that order: each read is a
 * yield point, and C leaves the order of a sum's operands open. */
static inline bool someone_can_take_work(void) {
    uint32_t nm = atomic_Load(&sched.nmspinning);
    return nm + atomic_Load(&sched.npidle) > 0;
}

/* ---- g status ---- */
static inline uint32_t readgstatus(const g *gp) { return RT_LOAD(&gp->atomicstatus, __ATOMIC_SEQ_CST); }
void casgstatus(g *gp, uint32_t oldval, uint32_t newval);

/* ---- stack switching (stubs.c): Go's gogo, mcall, systemstack ---- */
_Noreturn void gogo(gobuf *buf);
void mcall(void (*fn)(g *));
_Noreturn void mcall_final(void (*fn)(g *));   /* the G never resumes (goexit) */
void systemstack(void (*fn)(void *), void *arg);
void gostartcall(g *newg);

/* ---- proc.c ---- */
_Noreturn void schedule(void);
_Noreturn void execute(g *gp, bool inheritTime);
void ready(g *gp, bool next);
void goready(g *gp);
void gopark(bool (*unlockf)(g *, void *), void *lk, uint8_t reason, uint8_t waitkind, void *waitobj);
bool parkunlock_c(g *gp, void *lk);
void dropg(void);
void wakep(void);
void startm(p *pp, bool spinning);
void stopm(void);
void handoffp(p *pp);
void newm(void (*fn)(void), p *pp, int64_t id);
void acquirep(p *pp);
void wirep(p *pp);
p *releasep(void);
int64_t pidleput(p *pp, int64_t now);
p *pidleget(int64_t now);
void mput(m *mp);
m *mget(void);
void resetspinning_(void);
void mspinning_(void);
void mstart(void);
void goschedImpl(g *gp);
void gopreempt_m(g *gp);
g *malg(size_t stacksize);
/* Gs "in hand": taken out of every container by mp and not yet put into
 * another.  Kept only while checking (rt_xfer_on), for the conservation
 * invariant; see runtime2.h m.xfer. */
extern bool rt_xfer_on;
void xfer_add_(m *mp, g *gp);
void xfer_del_(m *mp, g *gp);
static inline void xfer_add(m *mp, g *gp) {
    if (rt_xfer_on)
        xfer_add_(mp, gp);
}
static inline void xfer_del(m *mp, g *gp) {
    if (rt_xfer_on)
        xfer_del_(mp, gp);
}
extern bool mainStarted;

/* ---- runq.c ---- */
bool runqempty(p *pp);
void runqput(p *pp, g *gp, bool next);
g *runqget(p *pp, bool *inheritTime);
g *runqsteal(p *pp, p *p2, bool stealRunNextG);
void globrunqput(g *gp);
void globrunqput_quiet(g *gp);
void globrunqputhead(g *gp);
void globrunqputbatch(gQueue *batch, int32_t n);
g *globrunqget(p *pp, int32_t max);
void gfput(p *pp, g *gp);
g *gfget(p *pp);
void gfpurge(p *pp);
void gqueue_push(gQueue *q, g *gp);
void gqueue_pushBack(gQueue *q, g *gp);
g *gqueue_pop(gQueue *q);
void glist_push(gList *l, g *gp);
g *glist_pop(gList *l);

/* Random enumeration of Ps for stealing (Go's randomOrder). */
typedef struct randomEnum {
    uint32_t i, count, pos, inc;
} randomEnum;
void stealOrder_reset(uint32_t count);
randomEnum stealOrder_start(uint32_t i);
static inline bool randomEnum_done(const randomEnum *e) { return e->i == e->count; }
static inline void randomEnum_next(randomEnum *e) {
    e->i++;
    e->pos = (e->pos + e->inc) % e->count;
}

/* Bit masks over P ids (Go's pMask). */
extern uint32_t idlepMask[_MaxGomaxprocs / 32];
extern uint32_t timerpMask[_MaxGomaxprocs / 32];
static inline bool pMask_read(const uint32_t *mask, uint32_t id) {
    return (atomic_Load(&mask[id / 32]) & (1u << (id % 32))) != 0;
}
static inline void pMask_set(uint32_t *mask, int32_t id) { atomic_Or(&mask[id / 32], 1u << (id % 32)); }
static inline void pMask_clear(uint32_t *mask, int32_t id) { atomic_And(&mask[id / 32], ~(1u << (id % 32))); }

/* ---- lockedm.c ---- */
void incidlelocked(int32_t v);
void lockOSThread(void);
void unlockOSThread(void);
void stoplockedm(void);
void startlockedm(g *gp);
_Noreturn void mexit(void);
bool newm_handoff(m *mp);
void newm1(m *mp);

/* ---- syscall.c ---- */
void entersyscall(void);
void exitsyscall(void);

/* ---- world.c ---- */
p *procresize(int32_t nprocs);
void checkdead(void);
void stopTheWorld(uint32_t reason);
void startTheWorld(void);
void gcstopm(void);
extern int32_t newprocs;

/* ---- sysmon.c ---- */
void sysmon(void);
bool preemptone(p *pp);
bool preemptall(void);

/* ---- time.c ---- */
void checkTimers(p *pp, int64_t now, int64_t *rnow, int64_t *pollUntil, bool *ran);
void timeSleep(int64_t ns);
void moveTimers(p *pp, timer **timers, int32_t n);
int64_t timeSleepUntil(void);
int64_t nobarrierWakeTime(p *pp);
void wakeNetPoller(int64_t when);
void updateTimerPMask(p *pp);
bool netpollinited(void);
void netpoll_block(int64_t delay);
void netpollBreak(void);
extern bool netpollInited;

/* ---- chan.c / sync.c ---- */
sudog *acquireSudog(void);
void releaseSudog(sudog *s);
_Noreturn void gopanic(const char *msg);

/* ---- per-file state reset between runs (teardown.c) ---- */
void proc_reset(void);
void sync_reset(void);
void chan_reset(void);
void time_reset(void);
void world_reset(void);
void lockedm_reset(void);

#endif
