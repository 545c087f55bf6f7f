/*
 * runtime/runq.c: run queues, the global queue, free-G lists and the
 * random steal order (Go's proc.go, second half).
 */
#include "internal.h"

/* ---- gQueue / gList (intrusive through g.schedlink) ---- */

void gqueue_push(gQueue *q, g *gp) {
    gp->schedlink = q->head;
    q->head = gp;
    if (q->tail == NULL)
        q->tail = gp;
}

void gqueue_pushBack(gQueue *q, g *gp) {
    gp->schedlink = NULL;
    if (q->tail != NULL)
        q->tail->schedlink = gp;
    else
        q->head = gp;
    q->tail = gp;
}

g *gqueue_pop(gQueue *q) {
    g *gp = q->head;
    if (gp != NULL) {
        q->head = gp->schedlink;
        if (q->head == NULL)
            q->tail = NULL;
    }
    return gp;
}

void glist_push(gList *l, g *gp) {
    gp->schedlink = l->head;
    l->head = gp;
}

g *glist_pop(gList *l) {
    g *gp = l->head;
    if (gp != NULL)
        l->head = gp->schedlink;
    return gp;
}

/* ---- global run queue; sched.lock is held ---- */

/* Put gp at the tail of the global queue, without an event: for callers
 * whose own event already says so (GOSCHED and PREEMPT always end here). */
void globrunqput_quiet(g *gp) {
    stint_global(gp);
    gqueue_pushBack(&sched.runq, gp);
    sched.runqsize++;
    xfer_del(getg()->m, gp);
}

void globrunqput(g *gp) {
    globrunqput_quiet(gp);
    TRACE(GLOBRUNQPUT, GOID(gp), 0, 0);
}

void globrunqputhead(g *gp) {
    stint_global(gp);
    gqueue_push(&sched.runq, gp);
    sched.runqsize++;
    xfer_del(getg()->m, gp);
    TRACE(GLOBRUNQPUT, GOID(gp), 1, 0);
}

void globrunqputbatch(gQueue *batch, int32_t n) {
    g *first = batch->head;
    for (g *gp = batch->head; gp != NULL; gp = gp->schedlink)
        stint_global(gp);
    if (batch->head != NULL) {
        if (sched.runq.tail != NULL)
            sched.runq.tail->schedlink = batch->head;
        else
            sched.runq.head = batch->head;
        sched.runq.tail = batch->tail;
    }
    sched.runqsize += n;
    batch->head = batch->tail = NULL;
    TRACE(GLOBRUNQPUTBATCH, GOID(first), n, 0);
}

/* Take a fair share of the global queue: runqsize/gomaxprocs + 1, capped
 * by max (if > 0), by what is there, and by half a local queue.  The
 * first G is returned, the rest go to pp's local queue.  sched.lock held. */
g *globrunqget(p *pp, int32_t max) {
    if (sched.runqsize == 0)
        return NULL;
    int32_t n = MUTANT(GLOBRUNQGET_TAKES_ALL) ? sched.runqsize : sched.runqsize / gomaxprocs + 1;
    if (n > sched.runqsize)
        n = sched.runqsize;
    if (max > 0 && n > max)
        n = max;
    if (n > RUNQ_LEN / 2)
        n = RUNQ_LEN / 2;
    sched.runqsize -= n;
    m *mp = getg()->m;
    g *gp = gqueue_pop(&sched.runq);
    xfer_add(mp, gp);                   /* in hand until execute */
    if (n > 1)   /* a single G is told by its EXECUTE (source: global) */
        TRACE(GLOBRUNQGET, GOID(gp), n, 0);
    for (n--; n > 0; n--) {
        g *gp1 = gqueue_pop(&sched.runq);
        xfer_add(mp, gp1);
        runqput(pp, gp1, false);
    }
    return gp;
}

/* ---- local run queue ---- */

/* True if pp has no local work.  Reads head, tail and runnext without a
 * lock; retries if tail moved, so a concurrent runqput that moves runnext
 * into the queue is not mistaken for emptiness. */
bool runqempty(p *pp) {
    for (;;) {
        uint32_t head = atomic_Load(&pp->runqhead);
        uint32_t tail = atomic_Load(&pp->runqtail);
        g *runnext = atomic_Loadp((void *const *)&pp->runnext);
        if (tail == atomic_Load(&pp->runqtail))
            return head == tail && runnext == NULL;
    }
}

static bool runqputslow(p *pp, g *gp, uint32_t h, uint32_t t);

/* Put gp on pp's local queue.  next: put it in runnext, kicking the old
 * runnext to the tail.  Executed only by the owner P. */
void runqput(p *pp, g *gp, bool next) {
    g *kicked = NULL;
    if (next) {
        g *oldnext;
        stint_local(gp, pp);
        do {
            oldnext = pp->runnext;
        } while (!atomic_Casp((void **)&pp->runnext, oldnext, gp));
        xfer_del(getg()->m, gp);        /* gp is in runnext now */
        TRACE(RUNQPUT, GOID(gp), GOID(oldnext), 1);
        if (oldnext == NULL)
            return;
        xfer_add(getg()->m, oldnext);   /* the kicked G is in hand until queued */
        kicked = oldnext;
        gp = oldnext;    /* kick the old runnext to the regular queue */
    }
    for (;;) {
        uint32_t h = atomic_LoadAcq(&pp->runqhead);   /* load-acquire, synchronize with consumers */
        uint32_t t = pp->runqtail;
        if (t - h < RUNQ_LEN) {
            stint_local(gp, pp);
            pp->runq[t % RUNQ_LEN] = gp;
            atomic_StoreRel(&pp->runqtail, t + 1);   /* store-release, makes the item available */
            xfer_del(getg()->m, gp);
            if (kicked == NULL)
                TRACE(RUNQPUT, GOID(gp), 0, 0);
            return;
        }
        if (runqputslow(pp, gp, h, t))
            return;
        /* the queue is not full now, the put above must succeed */
    }
}

/* Move half of pp's full local queue, plus gp, to the global queue, in
 * order.  Executed only by the owner P. */
static bool runqputslow(p *pp, g *gp, uint32_t h, uint32_t t) {
    g *batch[RUNQ_LEN / 2 + 1];
    uint32_t n = (t - h) / 2;
    if (n != RUNQ_LEN / 2)
        throw("runqputslow: queue is not full");
    for (uint32_t i = 0; i < n; i++)
        batch[i] = pp->runq[(h + i) % RUNQ_LEN];
    if (!atomic_CasRel(&pp->runqhead, h, h + n))   /* cas-release, commits consume */
        return false;
    m *mp = getg()->m;
    for (uint32_t i = 0; i < n; i++)
        xfer_add(mp, batch[i]);
    uint32_t moved = n + 1;
    if (MUTANT(RUNQPUTSLOW_FORGETS_G)) {
        moved = n;   /* the bug: gp is never linked into the batch */
    } else {
        batch[n] = gp;
    }
    if (MUTANT(RUNQPUTSLOW_REVERSES))
        for (uint32_t i = 0; i < moved / 2; i++) {
            g *t = batch[i];
            batch[i] = batch[moved - 1 - i];
            batch[moved - 1 - i] = t;
        }
    for (uint32_t i = 0; i + 1 < moved; i++)
        batch[i]->schedlink = batch[i + 1];
    batch[moved - 1]->schedlink = NULL;
    gQueue q = {batch[0], batch[moved - 1]};
    TRACE(RUNQPUTSLOW, GOID(gp), moved, 0);
    lock(&sched.lock);
    globrunqputbatch(&q, (int32_t)moved);
    for (uint32_t i = 0; i < n; i++)
        xfer_del(mp, batch[i]);
    xfer_del(mp, gp);
    unlock(&sched.lock);
    return true;
}

/* Get a G from pp's local queue; runnext first, and it inherits the
 * time slice.  Executed only by the owner P. */
g *runqget(p *pp, bool *inheritTime) {
    g *next = pp->runnext;
    /* Only the owner sets runnext to non-NULL, so a failed CAS means
     * another P stole it and the queue is the next place to look. */
    if (next != NULL && atomic_Casp((void **)&pp->runnext, next, NULL)) {
        xfer_add(getg()->m, next);      /* in hand until execute */
        *inheritTime = !MUTANT(RUNNEXT_NO_INHERIT);
        TRACE(RUNQGET, GOID(next), 1, 0);
        return next;
    }
    for (;;) {
        uint32_t h = atomic_LoadAcq(&pp->runqhead);   /* load-acquire, synchronize with other consumers */
        uint32_t t = pp->runqtail;
        if (t == h)
            return NULL;
        g *gp = pp->runq[h % RUNQ_LEN];
        if (atomic_CasRel(&pp->runqhead, h, h + 1)) { /* cas-release, commits consume */
            xfer_add(getg()->m, gp);    /* in hand until execute */
            *inheritTime = false;
            TRACE(RUNQGET, GOID(gp), 0, 0);
            return gp;
        }
    }
}

/* Grab half of pp's queue into batch[batchHead...], or its runnext on the
 * last steal pass.  Can be executed by any P. */
static uint32_t runqgrab(p *pp, g **batch, uint32_t batchHead, bool stealRunNextG,
                         uint32_t *seen) {
    for (;;) {
        uint32_t h = atomic_LoadAcq(&pp->runqhead);   /* load-acquire, synchronize with other consumers */
        uint32_t t = atomic_LoadAcq(&pp->runqtail);   /* load-acquire, synchronize with the producer */
        uint32_t n = t - h;
        *seen = n;
        if (MUTANT(RUNQGRAB_GREEDY) && n > 2)
            n = n - 1 > RUNQ_LEN / 2 ? RUNQ_LEN / 2 : n - 1;
        else
            n = n - n / 2;
        if (n == 0) {
            if (stealRunNextG) {
                g *next = pp->runnext;
                if (next != NULL) {
                    /* The victim is running and may be about to schedule
                     * its runnext: back off for a moment, as Go does, so
                     * we do not steal it just before it would run. */
                    if (pp->status == _Prunning) {
                        TRACE(RUNQGRAB_NEXT, pp->id, GOID(next), 0);
                        plat_usleep(3);
                    }
                    if (!atomic_Casp((void **)&pp->runnext, next, NULL)) {
                        TRACE(RUNQGRAB_NEXT, pp->id, GOID(next), 1);
                        continue;
                    }
                    batch[batchHead % RUNQ_LEN] = next;
                    xfer_add(getg()->m, next);
                    *seen = 0;
                    return 1;
                }
            }
            return 0;
        }
        if (n > RUNQ_LEN / 2)   /* read inconsistent h and t */
            continue;
        for (uint32_t i = 0; i < n; i++)
            batch[(batchHead + i) % RUNQ_LEN] = pp->runq[(h + i) % RUNQ_LEN];
        if (atomic_CasRel(&pp->runqhead, h, h + n) || MUTANT(RUNQGRAB_IGNORES_CAS)) { /* cas-release, commits consume */
            m *mp = getg()->m;
            for (uint32_t i = 0; i < n; i++)
                xfer_add(mp, batch[(batchHead + i) % RUNQ_LEN]);
            return n;
        }
    }
}

/* Steal half of p2's queue into pp's and return one of the stolen Gs.
 * Executed only by pp's owner. */
g *runqsteal(p *pp, p *p2, bool stealRunNextG) {
    uint32_t t = pp->runqtail;
    uint32_t seen;
    uint32_t n = runqgrab(p2, pp->runq, t, stealRunNextG, &seen);
    if (n == 0)
        return NULL;
    TRACE(RUNQSTEAL, p2->id, seen, n);
    for (uint32_t i = 0; i < n; i++)
        TRACE(STOLEN, GOID(pp->runq[(t + i) % RUNQ_LEN]), p2->id, 0);
    if (MUTANT(TEST_CRASH_ON_STEAL) && n >= 3)
        *(volatile uint32_t *)(uintptr_t)(n * 8) = n;   /* the dangling pointer: page zero */
    for (uint32_t i = 0; i < n; i++)
        stint_local(pp->runq[(t + i) % RUNQ_LEN], pp);
    n--;
    g *gp = pp->runq[(t + n) % RUNQ_LEN];   /* stays in hand until execute */
    if (n == 0)
        return gp;
    uint32_t h = atomic_LoadAcq(&pp->runqhead);   /* load-acquire, synchronize with consumers */
    if (t - h + n >= RUNQ_LEN)
        throw("runqsteal: runq overflow");
    atomic_StoreRel(&pp->runqtail, t + n);   /* store-release, makes the item available */
    m *mp = getg()->m;
    for (uint32_t i = 0; i < n; i++)
        xfer_del(mp, pp->runq[(t + i) % RUNQ_LEN]);
    return gp;
}

/* ---- free Gs ---- */

/* Splice all of q onto the head of l, keeping q's order (Go's
 * gList.pushAll). */
static void glist_pushAll(gList *l, gQueue *q) {
    if (q->tail == NULL)
        return;
    q->tail->schedlink = l->head;
    l->head = q->head;
    q->head = q->tail = NULL;
}

/* Pop pp's free Gs while it holds at least keep of them, into two queues
 * (with and without a stack) in reverse pop order, then splice both onto
 * the global lists under their lock: Go's order, so the G popped last is
 * the first a refill takes.  Returns how many moved.  Owner P only. */
static int32_t gfree_spill(p *pp, int32_t keep) {
    m *mp = getg()->m;
    gQueue stackQ = {0}, noStackQ = {0};
    int32_t inc = 0;
    while (pp->gFree.list.head != NULL && pp->gFree.n >= keep) {
        g *g1 = glist_pop(&pp->gFree.list);
        pp->gFree.n--;
        gqueue_push(g1->stack.lo == 0 ? &noStackQ : &stackQ, g1);
        xfer_add(mp, g1);   /* in this frame's queues until the lock is held */
        inc++;
    }
    lock(&sched.gFree.lock);
    for (g *g1 = noStackQ.head; g1 != NULL; g1 = g1->schedlink)
        xfer_del(mp, g1);
    for (g *g1 = stackQ.head; g1 != NULL; g1 = g1->schedlink)
        xfer_del(mp, g1);
    glist_pushAll(&sched.gFree.noStack, &noStackQ);
    glist_pushAll(&sched.gFree.stack, &stackQ);
    sched.gFree.n += inc;
    unlock(&sched.gFree.lock);
    return inc;
}

/* Put a dead G on pp's free list; at GFREE_SPILL move all but
 * GFREE_KEEP - 1 to the global list.  Executed only by the owner P. */
void gfput(p *pp, g *gp) {
    if (readgstatus(gp) != _Gdead)
        throw("gfput: bad status (not Gdead)");
    if (*stack_canary(&gp->stack) != STACK_CANARY)
        throw("gfput: stack canary overwritten");
    glist_push(&pp->gFree.list, gp);
    pp->gFree.n++;
    xfer_del(getg()->m, gp);
    int32_t spilled = 0;
    if (pp->gFree.n >= GFREE_SPILL)
        spilled = gfree_spill(pp, MUTANT(GFPUT_SPILLS_ALL) ? 0 : GFREE_KEEP);
    TRACE(GFPUT, GOID(gp), spilled, 0);
}

/* Get a dead G from pp's free list, refilling it from the global list
 * when empty.  Executed only by the owner P. */
g *gfget(p *pp) {
    int32_t refilled = 0;
    int how = 0;
    for (;;) {
        if (pp->gFree.list.head == NULL &&
            (sched.gFree.stack.head != NULL || sched.gFree.noStack.head != NULL)) {
            lock(&sched.gFree.lock);
            while (pp->gFree.n < GFREE_KEEP) {
                g *gp = glist_pop(&sched.gFree.stack);
                if (gp == NULL) {
                    gp = glist_pop(&sched.gFree.noStack);
                    if (gp == NULL)
                        break;
                }
                sched.gFree.n--;
                glist_push(&pp->gFree.list, gp);
                pp->gFree.n++;
                refilled++;
            }
            unlock(&sched.gFree.lock);
            how = 1;
            continue;
        }
        break;
    }
    bool keep = MUTANT(GFGET_KEEPS_ON_LIST) && pp->gFree.n > 1;   /* the bug: peek, do not pop */
    g *gp = keep ? pp->gFree.list.head : glist_pop(&pp->gFree.list);
    if (gp == NULL) {
        TRACE(GFGET, 0, 2, refilled);
        return NULL;
    }
    if (!keep)
        pp->gFree.n--;
    xfer_add(getg()->m, gp);            /* in hand until newproc queues it */
    if (readgstatus(gp) != _Gdead)
        throw("gfget: G on free list is not dead");
    if (*stack_canary(&gp->stack) != STACK_CANARY)
        throw("gfget: reused stack corrupted (canary)");
    TRACE(GFGET, GOID(gp), how, refilled);
    return gp;
}

/* Move all of pp's free Gs to the global lists (P destroyed). */
void gfpurge(p *pp) {
    int32_t inc = gfree_spill(pp, 0);
    TRACE(GFPURGE, pp->id, inc, 0);
}

/* ---- random steal order: visit all Ps starting at a random one, with a
 * random stride coprime to their count, so every P is visited once. */

static uint32_t ord_count;
static uint32_t ord_coprimes[_MaxGomaxprocs];
static uint32_t ord_ncoprimes;

static uint32_t gcd(uint32_t a, uint32_t b) {
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

void stealOrder_reset(uint32_t count) {
    ord_count = count;
    ord_ncoprimes = 0;
    for (uint32_t i = 1; i <= count; i++)
        if (gcd(i, count) == 1)
            ord_coprimes[ord_ncoprimes++] = i;
}

randomEnum stealOrder_start(uint32_t i) {
    randomEnum e = {
        .i = 0,
        .count = ord_count,
        .pos = i % ord_count,
        .inc = ord_coprimes[i / ord_count % ord_ncoprimes],
    };
    return e;
}
