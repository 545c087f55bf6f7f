/*
 * sim/oracle_runq.c: the run-queue, free-G and wakeup decisions, judged
 * against Go 1.19's rules (proc.go, chan.go) at the event that records
 * them.  Each reads the event and the state right after the decision; a
 * rule that spans two events (runqputslow and its batch, a close and its
 * wakeups, ready and its runqput) keeps what the first event said in the
 * emitting M's record until the second.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/driver.h"
#include "sim/oracle.h"

enum { CHANOP_HOW_CLOSE = 6 };   /* traces/values.def, CHANOP's third argument */

/* What an M's last event promised about its next ones. */
typedef struct m_pending {
    bool slow;              /* RUNQPUTSLOW seen, its batch not yet */
    int32_t slow_p;
    uint32_t slow_head;     /* the victim P's runqhead right after the batch was taken */
    uint32_t slow_goid;
    uint32_t put_goid;      /* NEWPROC/GOREADY: the G whose runqput comes next (0: none) */
    uint8_t put_next;
    uint32_t *close_goids;  /* the close's waiters in the order they must be readied */
    uint32_t close_n, close_i, close_cap;
} m_pending;

static m_pending *pend;     /* indexed by M id; grown, owned by the checking thread */
static uint32_t npend;

void oracle_runq_reset(void) {
    for (uint32_t i = 0; i < npend; i++) {
        uint32_t *keep = pend[i].close_goids;
        uint32_t cap = pend[i].close_cap;
        pend[i] = (m_pending){.close_goids = keep, .close_cap = cap};
    }
}

static m_pending *pending_of(uint32_t mid) {
    pend = oracle_grow(pend, &npend, mid, sizeof *pend);
    return &pend[mid];
}

static p *event_p(const tr_event *e) { return e->p < allplen ? allp[e->p] : NULL; }

/* ---- globrunqget ---- */

static void judge_globrunqget(const tr_event *e) {
    uint32_t n = e->a[1];
    uint32_t before = (uint32_t)sched.runqsize + n;   /* sched.lock is held: the size it saw */
    uint32_t want = before / (uint32_t)gomaxprocs + 1;
    if (want > before)
        want = before;
    if (want > RUNQ_LEN / 2)
        want = RUNQ_LEN / 2;
    if (n != want)   /* the event is only for n > 1, when schedule's max (1) did not apply */
        oracle_fail(OR_GLOBRUNQGET, "took %u of %u global Gs with GOMAXPROCS=%d, Go takes %u", n, before,
                    gomaxprocs, want);
}

/* ---- runqputslow ---- */

static void judge_runqputslow(m_pending *mp, const tr_event *e) {
    if (e->a[1] != RUNQ_LEN / 2 + 1)
        oracle_fail(OR_RUNQPUTSLOW, "moved %u Gs to the global queue, Go moves half the full queue plus the new G: %u",
                    e->a[1], RUNQ_LEN / 2 + 1);
    p *pp = event_p(e);
    if (pp == NULL)
        return;
    *mp = (m_pending){.slow = true, .slow_p = pp->id, .slow_head = pp->runqhead, .slow_goid = e->a[0],
                      .close_goids = mp->close_goids, .close_cap = mp->close_cap};
    if (mp->put_goid == e->a[0])
        mp->put_goid = 0;   /* the put went the slow way */
}

/* The batch just linked at the global queue's tail: the Gs that were at
 * the P's head, oldest first (the ring still holds them: only the owner,
 * this M, writes it), then the new G. */
static void judge_slow_batch(m_pending *mp, const tr_event *e) {
    mp->slow = false;
    uint32_t n = e->a[1];
    if (n == 0 || n > (uint32_t)sched.runqsize)
        return;
    const g *gp = sched.runq.head;
    for (uint32_t skip = (uint32_t)sched.runqsize - n; skip > 0 && gp != NULL; skip--)
        gp = gp->schedlink;
    const p *pp = allp[mp->slow_p];
    uint32_t base = mp->slow_head - RUNQ_LEN / 2;
    for (uint32_t i = 0; i < n && gp != NULL; i++, gp = gp->schedlink) {
        bool last = i == RUNQ_LEN / 2;
        const g *want = last ? NULL : pp->runq[(base + i) % RUNQ_LEN];
        if (last ? (uint32_t)gp->goid != mp->slow_goid : gp != want) {
            oracle_fail(OR_RUNQPUTSLOW, "batch position %u holds G%ld, Go puts G%ld there (P%d's queue order, then the new G)",
                        i, (long)gp->goid, last ? (long)mp->slow_goid : (long)want->goid, pp->id);
            return;
        }
    }
}

/* ---- runqgrab via runqsteal ---- */

static void judge_runqsteal(const tr_event *e) {
    uint32_t victim = e->a[0], seen = e->a[1], n = e->a[2];
    uint32_t want = seen == 0 ? 1 : seen - seen / 2;
    if (n != want) {
        oracle_fail(OR_RUNQGRAB, "stole %u Gs from P%u which had %u queued, Go takes %u", n, victim, seen, want);
        return;
    }
    p *thief = event_p(e);
    if (seen == 0 || thief == NULL || victim >= (uint32_t)allplen)
        return;
    const p *vp = allp[victim];
    uint32_t vbase = vp->runqhead - n;   /* the steal's CAS and this event are one step */
    if (vp->runqtail - vbase > RUNQ_LEN)
        return;   /* the victim has reused those slots since: nothing to compare */
    for (uint32_t i = 0; i < n; i++) {
        const g *got = thief->runq[(thief->runqtail + i) % RUNQ_LEN];
        const g *want_g = vp->runq[(vbase + i) % RUNQ_LEN];
        if (got != want_g) {
            oracle_fail(OR_RUNQGRAB, "stolen position %u is G%ld, Go takes P%u's queue from its head: G%ld", i,
                        got ? (long)got->goid : 0L, victim, want_g ? (long)want_g->goid : 0L);
            return;
        }
    }
}

/* ---- runqput after newproc and ready ---- */

static void judge_runqput(m_pending *mp, const tr_event *e) {
    if (mp->put_goid == 0 || e->a[0] != mp->put_goid)
        return;
    mp->put_goid = 0;
    if (e->a[2] != mp->put_next) {
        oracle_fail(OR_RUNQPUT_NEXT, "G%u was put %s, its waker asked for %s", e->a[0],
                    e->a[2] ? "in runnext" : "at the queue's tail", mp->put_next ? "runnext" : "the tail");
        return;
    }
    p *pp = event_p(e);
    if (e->a[2] && pp != NULL && (pp->runnext == NULL || (uint32_t)pp->runnext->goid != e->a[0]))
        oracle_fail(OR_RUNQPUT_NEXT, "G%u was put in runnext but P%d's runnext is G%ld", e->a[0], pp->id,
                    pp->runnext ? (long)pp->runnext->goid : 0L);
}

/* ---- free Gs ---- */

static void judge_gfput(const tr_event *e) {
    const p *pp = event_p(e);
    if (pp == NULL)
        return;
    uint32_t spilled = e->a[1];
    if (spilled != 0 && (spilled != GFREE_SPILL - GFREE_KEEP + 1 || pp->gFree.n != GFREE_KEEP - 1))
        oracle_fail(OR_GFREE, "gfput spilled %u and kept %d free Gs, Go spills %d at %d and keeps %d", spilled,
                    pp->gFree.n, GFREE_SPILL - GFREE_KEEP + 1, GFREE_SPILL, GFREE_KEEP - 1);
    else if (spilled == 0 && pp->gFree.n >= GFREE_SPILL)
        oracle_fail(OR_GFREE, "gfput kept %d free Gs without spilling, Go spills at %d", pp->gFree.n, GFREE_SPILL);
}

static void judge_gfget(const tr_event *e) {
    const p *pp = event_p(e);
    if (pp == NULL)
        return;
    uint32_t how = e->a[1], refilled = e->a[2];
    if (refilled > GFREE_KEEP || (how == 0 && refilled != 0))
        oracle_fail(OR_GFREE, "gfget refilled %u free Gs (how %u), Go refills at most %d into an empty list", refilled,
                    how, GFREE_KEEP);
    else if (how == 1 && e->a[0] != 0 && (uint32_t)pp->gFree.n + 1 != refilled)
        oracle_fail(OR_GFREE, "gfget refilled %u but P%d holds %d after taking one", refilled, pp->id, pp->gFree.n);
    else if (e->a[0] == 0 && pp->gFree.list.head != NULL)
        oracle_fail(OR_GFREE, "gfget found no free G while P%d's list holds %d", pp->id, pp->gFree.n);
}

/* ---- handoffp ---- */

static void judge_handoffp(const tr_event *e) {
    uint32_t outcome = e->a[1];
    if (e->a[0] >= (uint32_t)allplen || (outcome != 0 && outcome != 2))
        return;
    const p *pp = allp[e->a[0]];
    /* Idled: judge only while still idle (once some M takes it, it may
     * have queued work of its own).  Spinning: nobody runs it yet. */
    if (outcome == 0 && pp->status != _Pidle)
        return;
    if (pp->runqhead != pp->runqtail || pp->runnext != NULL)
        oracle_fail(OR_HANDOFFP, "P%d was %s with %u local Gs%s", pp->id,
                    outcome == 0 ? "idled" : "given a spinning M", pp->runqtail - pp->runqhead,
                    pp->runnext ? " and a runnext" : "");
}

/* ---- close ---- */

/* The closing M holds every waiter it dequeued, in dequeue order, at the
 * end of its in-hand list (runtime2.h, m.xfer): Go readies them from a
 * stack, so last dequeued first. */
static void expect_close(m_pending *mp, uint32_t nwoken) {
    const m *cm = simw.cur != NULL ? simw.cur->m : NULL;
    mp->close_n = mp->close_i = 0;
    if (cm == NULL || nwoken == 0 || nwoken > cm->nxfer)
        return;
    if (nwoken > mp->close_cap) {
        uint32_t *np = realloc(mp->close_goids, nwoken * sizeof *np);
        if (np == NULL)
            sim_end(OUT_RESOURCE, "out of memory (oracles)");
        mp->close_goids = np;
        mp->close_cap = nwoken;
    }
    for (uint32_t i = 0; i < nwoken; i++)
        mp->close_goids[i] = (uint32_t)cm->xfer[cm->nxfer - 1 - i]->goid;
    mp->close_n = nwoken;
}

static void judge_close_wake(m_pending *mp, const tr_event *e) {
    uint32_t want = mp->close_goids[mp->close_i++];
    if (mp->close_i == mp->close_n)
        mp->close_n = 0;
    if (e->a[0] != want) {
        mp->close_n = 0;
        oracle_fail(OR_CLOSE_ORDER, "close readied G%u, Go readies G%u next (last dequeued first)", e->a[0], want);
    }
}

/* ---- dispatch ---- */

void oracle_runq_event(const tr_event *e) {
    if (e->m == TR_NONE)
        return;
    m_pending *mp = pending_of(e->m);
    switch (e->kind) {
    case EV_GLOBRUNQGET: judge_globrunqget(e); break;
    case EV_RUNQPUTSLOW: judge_runqputslow(mp, e); break;
    case EV_GLOBRUNQPUTBATCH:
        if (mp->slow)
            judge_slow_batch(mp, e);
        break;
    case EV_RUNQSTEAL: judge_runqsteal(e); break;
    case EV_NEWPROC:
        mp->put_goid = e->a[0];
        mp->put_next = 1;
        break;
    case EV_GOREADY:
        if (mp->close_n != 0)
            judge_close_wake(mp, e);
        mp->put_goid = e->a[0];
        mp->put_next = (uint8_t)(e->a[1] != 0);
        break;
    case EV_RUNQPUT: judge_runqput(mp, e); break;
    case EV_GFPUT: judge_gfput(e); break;
    case EV_GFGET: judge_gfget(e); break;
    case EV_HANDOFFP: judge_handoffp(e); break;
    case EV_CHANOP:
        if (e->a[2] == CHANOP_HOW_CLOSE)
            expect_close(mp, e->a[1]);
        break;
    default: break;
    }
}
