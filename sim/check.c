/*
 * sim/check.c: the built-in invariants of docs/invariants.md and the
 * registry for researchers' own.
 *
 * They run at yield points, never in the middle of a step: every G taken
 * out of one container and not yet in another is in its M's xfer list
 * (runtime2.h), so "every G is in exactly one place" can be checked at
 * any yield point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "sim/check_internal.h"
#include "sim/driver.h"
#include "sim/invariant.h"
#include "sim/oracle.h"

/* ---- registry ---- */

typedef struct user_inv {
    char name[48];
    inv_check_fn fn;
    inv_step_fn step;          /* NULL: the full check runs at every check point */
    void *ctx;
} user_inv;

static user_inv user_invs[INV_MAX_USER];   /* process-wide, set up before runs */
static int nuser;

int gmp_invariant_register_step(const char *name, inv_check_fn fn, inv_step_fn step, void *ctx) {
    if (nuser >= INV_MAX_USER || fn == NULL)
        return -1;
    snprintf(user_invs[nuser].name, sizeof user_invs[nuser].name, "%s", name);
    user_invs[nuser].fn = fn;
    user_invs[nuser].step = step;
    user_invs[nuser].ctx = ctx;
    return INV_USER_FIRST + nuser++;
}

int gmp_invariant_register(const char *name, inv_check_fn fn, void *ctx) {
    return gmp_invariant_register_step(name, fn, NULL, ctx);
}

void gmp_invariant_clear(void) { nuser = 0; }

const char *gmp_invariant_name(int id) {
    static const char *const names[INV_BUILTIN_COUNT] = {
        [INV_RUNTIME_THROW] = "runtime-throw",
        [INV_CONSERVATION] = "conservation",
        [INV_QUEUE_BOUNDS] = "queue-bounds",
        [INV_P_STATE] = "p-state",
        [INV_M_STATE] = "m-state",
        [INV_WORK_CONSERVATION] = "work-conservation",
        [INV_BOUNDED_WAIT] = "bounded-wait",
        [INV_DEADLOCK] = "deadlock-detection",
        [INV_LIFECYCLE] = "lifecycle",
    };
    if (id == -2)
        return names[INV_RUNTIME_THROW];
    if (id >= 0 && id < INV_BUILTIN_COUNT)
        return names[id];
    if (oracle_name(id) != NULL)
        return oracle_name(id);
    if (id >= INV_USER_FIRST && id < INV_USER_FIRST + nuser)
        return user_invs[id - INV_USER_FIRST].name;
    return "?";
}

/* ---- the driver's view ---- */

uint32_t check_pending_wakeups(void) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < simw.nthreads; i++)
        if (simw.threads[i]->woken)
            n++;
    return n;
}

void check_make_view(inv_view *v) {
    memset(v, 0, sizeof *v);
    v->seq = tr_seq(&simw.tr);
    v->now = simw.cur != NULL ? simw.cur->vt : 0;
    v->nthreads = simw.nthreads;
    v->world_stopped = sched.gcwaiting != 0;
    v->quiescent = check_quiescent();
    v->pending_wakeups = check_pending_wakeups();
}

/* Every thread is parked on a note, asleep, or inside user code (work or
 * a syscall), or has a wakeup pending: no M is in the middle of a step. */
bool check_quiescent(void) {
    for (uint32_t i = 0; i < simw.nthreads; i++) {
        const sim_thread *t = simw.threads[i];
        if (t->woken || t->spending || t->state == TH_DEAD || t->state == TH_SLEEPING)
            continue;
        if (t->state == TH_BLOCKED && t->waitnote != NULL)
            continue;
        return false;
    }
    return true;
}

/* Every failure of a full check goes through here.  When comparing
 * (CHECK_COMPARE), a failure the incremental filter did not suspect is a
 * miss, counted for tests/sim/test_check_incr.c. */
static void note_failure(void) {
    if (simw.check_unsuspected && !simw.ending) {
        if (simw.check_misses++ == 0)
            simw.check_first_miss = tr_seq(&simw.tr);
    }
}

#define FAIL(id, ...)                                  \
    do {                                               \
        note_failure();                                \
        sim_fail(id, __VA_ARGS__);                     \
        return;                                        \
    } while (0)

/* ---- 2: queue bounds ---- */

/* Fields guarded by sched.lock are only compared while nobody holds it:
 * an M holding it may be between two updates (Go reads npidle unlocked
 * for the same reason). */
static bool sched_unlocked(void) { return sched.lock.key == 0; }

/* O(P): every local run queue within [0, 256]. */
static void check_runq_bounds(void) {
    for (int32_t i = 0; i < allplen; i++) {
        uint32_t n = allp[i]->runqtail - allp[i]->runqhead;
        if (n > RUNQ_LEN)
            FAIL(INV_QUEUE_BOUNDS, "P%d: runq length %u outside [0, 256]", i, n);
    }
}

/* O(queue lengths): the counts kept beside the lists match the lists. */
static void check_queue_bounds(void) {
    check_runq_bounds();
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        int32_t nf = 0;
        for (g *gp = pp->gFree.list.head; gp != NULL && nf <= pp->gFree.n; gp = gp->schedlink)
            nf++;
        if (nf != pp->gFree.n)
            FAIL(INV_QUEUE_BOUNDS, "P%d: gFree.n=%d but the list holds %d", i, pp->gFree.n, nf);
    }
    if (!sched_unlocked())
        return;
    int32_t n = 0;
    for (g *gp = sched.runq.head; gp != NULL && n <= sched.runqsize; gp = gp->schedlink)
        n++;
    if (n != sched.runqsize)
        FAIL(INV_QUEUE_BOUNDS, "runqsize=%d but the global queue holds %d%s", sched.runqsize, n,
             n > sched.runqsize ? " or more" : "");
    if ((sched.runq.head == NULL) != (sched.runq.tail == NULL))
        FAIL(INV_QUEUE_BOUNDS, "global queue head/tail disagree");
}

/* Is some M entering a syscall from pp (pp->m already cleared)? */
static bool entering_syscall(const p *pp) {
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->oldp == pp)
            return true;
    return false;
}

static void check_p_state(void) {
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        if (pp->status == _Prunning && pp->m == NULL && entering_syscall(pp))
            continue;
        if (pp->status == _Prunning && (pp->m == NULL || pp->m->p != pp))
            FAIL(INV_P_STATE, "running P%d and its M do not point at each other", i);
    }
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->p != NULL && mp->p->m != mp)
            FAIL(INV_P_STATE, "M%ld holds P%d but P%d's m is another M", (long)mp->id, mp->p->id, mp->p->id);
    if (!sched_unlocked())
        return;
    uint32_t nidle = 0;
    for (p *pp = sched.pidle; pp != NULL; pp = pp->link) {
        if (++nidle > (uint32_t)allplen)
            FAIL(INV_P_STATE, "pidle list is longer than allp (a P is on it twice)");
        if (pp->status != _Pidle)
            FAIL(INV_P_STATE, "P%d on the idle list with status %s", pp->id, rt_pstatus_name(pp->status));
        if (pp->id >= gomaxprocs)
            FAIL(INV_P_STATE, "P%d on the idle list beyond GOMAXPROCS=%d", pp->id, gomaxprocs);
    }
    if (nidle != sched.npidle)
        FAIL(INV_P_STATE, "npidle=%u but the idle list holds %u", sched.npidle, nidle);
    for (int32_t i = gomaxprocs; i < _MaxGomaxprocs && allp[i] != NULL; i++) {
        p *pp = allp[i];
        if (pp->status != _Pdead)
            FAIL(INV_P_STATE, "P%d beyond GOMAXPROCS=%d is %s, not _Pdead", i, gomaxprocs,
                 rt_pstatus_name(pp->status));
        if (pp->runqhead != pp->runqtail || pp->runnext != NULL || pp->ntimers != 0)
            FAIL(INV_P_STATE, "destroyed P%d still holds Gs or timers", i);
    }
}

/* ---- 4: M state ---- */

/* At a quiescent point with no wakeup pending, every nmspinning credit
 * belongs to a spinning M; otherwise a woken M may still carry one. */
static void check_m_state(bool quiescent) {
    uint32_t spinning = 0;
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->spinning)
            spinning++;
    if (sched.nmspinning < spinning)
        FAIL(INV_M_STATE, "nmspinning=%u but %u Ms are spinning", sched.nmspinning, spinning);
    if (quiescent && sched.nmspinning != spinning)
        FAIL(INV_M_STATE, "at a quiescent point nmspinning=%u but %u Ms are spinning", sched.nmspinning,
             spinning);
}

/* ---- 1 and 8: conservation and lifecycle ---- */

static void count_sudogs(gcount *c, const sudog *first, uint8_t *seen) {
    uint32_t guard = 0;
    for (const sudog *s = first; s != NULL && guard++ <= rt_nsudogs; s = s->next) {
        const g *gp = s->g;
        if (gp == NULL)
            continue;
        if (s->isSelect && gp->selectDone)
            continue;   /* a select another channel already won: cleanup pending */
        if (!seen[gp->allgidx]) {
            seen[gp->allgidx] = 1;
            c[gp->allgidx].wait++;
        }
    }
}

/* Scratch for the conservation check, reused from event to event (it runs
 * after every event, so allocating per check dominated fuzzing); grown
 * with allglen, owned by the checking thread.  goids: an open-addressing
 * set of the live goids seen in this check, its slots valid only when
 * they carry this check's epoch, so it is never cleared. */
typedef struct goid_slot {
    int64_t goid;
    uint32_t epoch;
} goid_slot;

static struct {
    gcount *c;
    uint8_t *seen;
    uint32_t cap;          /* entries in c and seen */
    goid_slot *goids;
    uint32_t goid_mask;    /* goids has goid_mask + 1 slots, a power of two */
    uint32_t epoch;
} scratch;

static bool scratch_reserve(uint32_t n) {
    if (n > scratch.cap) {
        uint32_t cap = n < 256 ? 256 : n + n / 2;
        gcount *c = realloc(scratch.c, cap * sizeof *c);
        if (c != NULL)
            scratch.c = c;
        uint8_t *seen = realloc(scratch.seen, cap);
        if (seen != NULL)
            scratch.seen = seen;
        if (c == NULL || seen == NULL)
            return false;
        scratch.cap = cap;
    }
    if (2ull * n > scratch.goid_mask + 1ull || scratch.goids == NULL) {
        uint32_t slots = 512;
        while (slots < 2ull * n)
            slots *= 2;
        goid_slot *s = calloc(slots, sizeof *s);
        if (s == NULL)
            return false;
        free(scratch.goids);
        scratch.goids = s;
        scratch.goid_mask = slots - 1;
        scratch.epoch = 0;
    }
    memset(scratch.c, 0, n * sizeof *scratch.c);
    memset(scratch.seen, 0, n);
    if (++scratch.epoch == 0) {   /* wrapped: old stamps could look current */
        memset(scratch.goids, 0, (scratch.goid_mask + 1ull) * sizeof *scratch.goids);
        scratch.epoch = 1;
    }
    return true;
}

/* Add goid to this check's set; false if it is already there.  The set
 * holds at most allglen goids in twice as many slots, so probing ends. */
static bool goid_insert(int64_t goid) {
    uint32_t i = (uint32_t)(((uint64_t)goid * 0x9E3779B97F4A7C15ull) >> 32) & scratch.goid_mask;
    for (;; i = (i + 1) & scratch.goid_mask) {
        goid_slot *s = &scratch.goids[i];
        if (s->epoch != scratch.epoch) {
            *s = (goid_slot){goid, scratch.epoch};
            return true;
        }
        if (s->goid == goid)
            return false;
    }
}

static void count_places(gcount *c, uint8_t *seen) {
    for (int32_t i = 0; i < allplen; i++) {
        p *pp = allp[i];
        for (uint32_t h = pp->runqhead; h != pp->runqtail && h - pp->runqhead <= RUNQ_LEN; h++)
            c[pp->runq[h % RUNQ_LEN]->allgidx].runq++;
        if (pp->runnext != NULL)
            c[pp->runnext->allgidx].runq++;
        for (g *gp = pp->gFree.list.head; gp != NULL; gp = gp->schedlink)
            c[gp->allgidx].freel++;
        for (int32_t t = 0; t < pp->ntimers; t++)
            c[((g *)pp->timers[t]->arg)->allgidx].wait++;
    }
    for (g *gp = sched.runq.head; gp != NULL; gp = gp->schedlink)
        c[gp->allgidx].runq++;
    for (g *gp = sched.gFree.stack.head; gp != NULL; gp = gp->schedlink)
        c[gp->allgidx].freel++;
    for (g *gp = sched.gFree.noStack.head; gp != NULL; gp = gp->schedlink)
        c[gp->allgidx].freel++;
    for (m *mp = allm; mp != NULL; mp = mp->alllink) {
        for (uint32_t k = 0; k < mp->nxfer; k++)
            c[mp->xfer[k]->allgidx].xfer++;
        if (mp->curg != NULL)
            c[mp->curg->allgidx].curg++;
    }
    for (uint32_t i = 0; i < nallchans; i++) {
        count_sudogs(c, allchans[i]->recvq.first, seen);
        count_sudogs(c, allchans[i]->sendq.first, seen);
    }
    for (uint32_t i = 0; i < rt_nsemas; i++)
        count_sudogs(c, rt_semas[i]->first, seen);
}

/* Where a G of each status may be, given its counts.  NULL if fine. */
const char *check_misplaced(const g *gp, const gcount *k) {
    switch (gp->atomicstatus) {
    case _Grunnable:
        if (k->runq + k->xfer + k->curg != 1 || k->freel || k->wait)
            return "runnable";
        return NULL;
    case _Grunning:
    case _Gsyscall:
        if (k->curg != 1 || k->runq || k->xfer || k->freel)
            return "running";
        return NULL;
    case _Gwaiting: {
        uint32_t places = k->xfer + k->curg + (k->wait ? 1u : 0u);
        bool nowhere_ok = gp->waitkind == WAIT_FOREVER;
        if (k->runq || k->freel || places > 1 || (places == 0 && !nowhere_ok))
            return "waiting";
        return NULL;
    }
    case _Gdead:
        if (k->freel + k->xfer + k->curg != 1 || k->runq || k->wait)
            return "dead";
        return NULL;
    case _Gidle:
        return k->xfer == 1 ? NULL : "idle";
    default:
        return "in an unknown status";
    }
}

static void check_conservation(void) {
    if (!scratch_reserve(allglen + 1))
        sim_end(OUT_RESOURCE, "out of memory (invariant checker)");
    gcount *c = scratch.c;
    count_places(c, scratch.seen);
    char why[200] = "";
    int64_t dup = 0;   /* the first goid seen twice; reported only if no G is misplaced */
    for (uint32_t i = 0; i < allglen && why[0] == 0; i++) {
        const g *gp = allgs[i];
        const gcount *k = &c[i];
        const char *bad = check_misplaced(gp, k);
        if (bad != NULL)
            snprintf(why, sizeof why,
                     "G%ld (%s, %s) is %s but found in runq=%u xfer=%u curg=%u wait=%u free=%u",
                     (long)gp->goid, rt_gstatus_name(gp->atomicstatus), rt_waitreason_name(gp->waitreason),
                     bad, k->runq, k->xfer, k->curg, k->wait, k->freel);
        /* newproc1 makes a fresh G _Grunnable before it draws the goid
         * (as Go does), so goid 0 is "not yet numbered", not a duplicate. */
        if (dup == 0 && gp->atomicstatus != _Gdead && gp->atomicstatus != _Gidle && gp->goid != 0 &&
            !goid_insert(gp->goid))
            dup = gp->goid;
    }
    if (why[0] != 0)
        FAIL(INV_CONSERVATION, "%s", why);
    if (dup != 0)
        FAIL(INV_LIFECYCLE, "goid %ld is used by two live goroutines", (long)dup);
}

/* ---- 5: work conservation ----
 *
 * Go's promise (proc.go, "Worker thread parking/unparking"): when work is
 * submitted (newproc, ready) while a P is idle, either wakep starts a
 * spinning M or an M already spinning is responsible for it, and a
 * spinner that gives up rechecks every run queue.  So at a quiescent
 * point, work submitted under that promise is never left with an idle P,
 * no spinning M and no pending wakeup.
 *
 * Go 1.19 promises nothing for Gs that became runnable by yielding
 * (Gosched, preemption) or that were submitted while every P was busy: an
 * M that then idles its P without spinning does not recheck (the
 * golang/go#45867 family).  The strict variant (sim_config.strict_work)
 * checks every queued G and so reports those gaps too. */

/* The first G (in allgs order) left queued against the promise, or NULL. */
static const g *stranded_g(bool strict) {
    for (uint32_t i = 0; i < allglen; i++) {
        const g *gp = allgs[i];
        if (gp->atomicstatus == _Grunnable && gp->m == NULL &&
            (strict || (gp->fresh && gp->wake_promised)))
            return gp;
    }
    return NULL;
}

bool check_promised_work_queued(bool strict) { return stranded_g(strict) != NULL; }

static void check_work_conservation(const inv_view *v) {
    if (!v->quiescent || v->world_stopped || sched.npidle == 0)
        return;
    const g *gp;
    if (sched.nmspinning != 0 || v->pending_wakeups != 0 || (gp = stranded_g(simw.strict_work)) == NULL)
        return;
    /* The decision site is the submission the promise was broken for, not
     * whatever the quiescent point happened to follow. */
    if (gp->fresh && gp->submit_fn != NULL)
        sim_fail_site(gp->submit_fn, gp->submit_kind);
    FAIL(INV_WORK_CONSERVATION, "runnable work%s and %u P(s) idle, but no spinning M and no pending wakeup",
         simw.strict_work ? "" : " submitted while a P was idle", sched.npidle);
}

/* ---- 6: bounded wait ----
 *
 * Go 1.19 bounds how long a queued G waits in scheduling rounds of the Ps
 * that can take it, not in schedule() calls of the whole system: while
 * the M holding a P is descheduled, the Gs in that P's queue wait for it
 * (or for a spinner, and no M spins while every P has local work) however
 * often the other Ps schedule.  So a wait is counted per stint in one kind
 * of queue, in schedticks (executes that do not inherit the time slice),
 * and only the ticks that can serve it: a local stint (runnext or a run
 * queue, across steals) in the ticks of the P holding it, a global stint
 * in the ticks of all Ps.  The runtime's checking bookkeeping records
 * each stint at the queue insertion (g.stint*, runtime/internal.h);
 * docs/invariants.md derives the bounds.  simw.bounded_wait overrides
 * both. */

static uint64_t wait_bound(uint8_t stint) {
    if (simw.bounded_wait)
        return simw.bounded_wait;
    if (stint == STINT_LOCAL)
        return RUNQ_LEN + (RUNQ_LEN + 60) / 61 + 1;
    return 61ull * allglen + 121ull * (uint64_t)allplen;
}

/* Ticks gp has waited in its current stint; false if it is in none. */
static bool stint_waited(const g *gp, uint64_t *waited) {
    if (gp->atomicstatus != _Grunnable || gp->stint == STINT_NONE || gp->stint_spell != gp->runnable_sched)
        return false;
    uint64_t now = gp->stint == STINT_LOCAL ? allp[gp->stint_p]->schedtick : sched.nschedtick;
    *waited = gp->stint_acc + (now - gp->stint_tick0);
    return true;
}

uint64_t check_wait_deadline(const g *gp) {
    uint64_t waited, bound;
    if (!stint_waited(gp, &waited))
        return UINT64_MAX;
    bound = wait_bound(gp->stint);
    return waited > bound ? 0 : sched.nschedtick + (bound - waited);
}

static void check_bounded_wait(void) {
    for (uint32_t i = 0; i < allglen; i++) {
        const g *gp = allgs[i];
        uint64_t waited, bound = wait_bound(gp->stint);
        if (!stint_waited(gp, &waited) || waited <= bound)
            continue;
        if (gp->stint == STINT_GLOBAL)
            FAIL(INV_BOUNDED_WAIT, "G%ld waited %llu schedticks of all Ps in the global queue (bound %llu)",
                 (long)gp->goid, (unsigned long long)waited, (unsigned long long)bound);
        FAIL(INV_BOUNDED_WAIT, "G%ld waited %llu schedticks of P%d in its run queue (bound %llu)", (long)gp->goid,
             (unsigned long long)waited, gp->stint_p, (unsigned long long)bound);
    }
}

/* ---- entry points ---- */

static void run_user(const inv_view *v, bool only_unstepped) {
    for (int i = 0; i < nuser; i++) {
        if (only_unstepped && user_invs[i].step != NULL)
            continue;
        char why[160] = "";
        if (!user_invs[i].fn(v, user_invs[i].ctx, why, sizeof why)) {
            note_failure();
            sim_fail(INV_USER_FIRST + i, "%s: %s", user_invs[i].name, why);
        }
    }
}

/* The cheap subset, always on (at every M block): O(P + M). */
void check_cheap(void) {
    if (sched.gcwaiting != 0 || gomaxprocs == 0)
        return;
    check_runq_bounds();
    check_p_state();
}

/* Every full check: O(state).  They alone decide failures and messages;
 * afterwards the incremental filter's shadow is rebuilt from the state. */
static void check_full(void) {
    if (simw.ending || gomaxprocs == 0)
        return;
    simw.full_checks++;
    inv_view v;
    check_make_view(&v);
    check_queue_bounds();
    if (!v.world_stopped) {
        check_p_state();
        check_m_state(v.quiescent && v.pending_wakeups == 0);
        check_work_conservation(&v);
    }
    check_conservation();
    check_bounded_wait();
    oracle_check();
    run_user(&v, false);
    if (!simw.ending && simw.check_mode != CHECK_FULL)
        check_incr_sync();
}

static void full_on_service(void *unused) {
    (void)unused;
    check_full();
}

static void user_on_service(void *unused) {
    (void)unused;
    inv_view v;
    check_make_view(&v);
    run_user(&v, true);
}

/* Step functions of registered invariants: false if one suspects. */
static bool user_steps(const inv_view *fast, const inv_changes *ch, bool *unstepped) {
    inv_view v;
    check_make_view(&v);
    v.changed = ch;
    (void)fast;
    bool ok = true;
    for (int i = 0; i < nuser; i++) {
        if (user_invs[i].step == NULL)
            *unstepped = true;
        else if (!user_invs[i].step(&v, user_invs[i].ctx))
            ok = false;
    }
    return ok;
}

static bool owners_pending;   /* P ownership to judge again (host thread, one run) */

/* A rest point: no P is running and no M is between steps. */
static bool at_rest(void) { return sched.npidle == (uint32_t)gomaxprocs && check_quiescent(); }

/* After an event, at the next yield point, on the running thread's stack:
 * the incremental filter, then (on the service stack) the full checks if
 * it suspects anything, at a rest point, or always (CHECK_FULL). */
void check_run_all(void) {
    if (simw.ending || gomaxprocs == 0)
        return;
    simw.checks++;
    if (simw.check_mode == CHECK_FULL) {
        sim_on_service(full_on_service, NULL);
        return;
    }
    inv_view v = {.seq = tr_seq(&simw.tr), .world_stopped = sched.gcwaiting != 0};
    inv_changes ch = {0};
    bool suspect = check_incr_step(&v, nuser > 0 ? &ch : NULL);
    char why[200];
    /* oracle_check's condition, O(P + M), once what it reads has moved
     * (it is not judged while the world is stopped) */
    owners_pending |= check_incr_owners_changed();
    if (owners_pending && sched.gcwaiting == 0) {
        owners_pending = false;
        if (!suspect && !oracle_p_ownership(why, sizeof why))
            suspect = true;
    }
    bool unstepped = false;
    if (nuser > 0 && !user_steps(&v, &ch, &unstepped))
        suspect = true;
    if (simw.check_mode == CHECK_COMPARE) {
        simw.check_unsuspected = !suspect;
        sim_on_service(full_on_service, NULL);
        simw.check_unsuspected = false;
        return;
    }
    if (suspect || at_rest())
        sim_on_service(full_on_service, NULL);
    else if (unstepped)
        sim_on_service(user_on_service, NULL);
}

/* A new run: forget the previous run's shadow. */
void check_begin_run(void) {
    check_incr_reset();
    owners_pending = true;
}

/* Before a run ends with "deadlock" or "ok": no G may still be runnable
 * or running when checkdead declares a deadlock (golang/go#40368). */
void check_at_end(void) {
    if (simw.ending)
        return;
    check_cheap();
    if (simw.outcome_pending_deadlock) {
        for (uint32_t i = 0; i < allglen; i++) {
            uint32_t s = allgs[i]->atomicstatus;
            if (!allgs[i]->issystem && (s == _Grunnable || s == _Grunning || s == _Gsyscall))
                FAIL(INV_DEADLOCK, "deadlock reported while G%ld is %s", (long)allgs[i]->goid,
                     rt_gstatus_name(s));
        }
    }
    if (simw.check) {
        simw.checks++;
        check_full();
    }
}
