/*
 * sim/check_incr.c: incremental invariant checking, a filter in front of
 * the full checks of check.c.
 *
 * A shadow of every container a G can be in (local rings and runnext,
 * free lists, the global queue, each M's curg and xfer list) is kept from
 * check to check, with the per-G counts the conservation invariant judges.
 * A check diffs each container against its shadow through an O(1)
 * signature (ring head/tail, list head/tail/length) and walks only what
 * changed; every G whose counts moved, plus the running Gs, is "dirty" and
 * judged alone.  Wait-queue and timer membership is read from the G's side
 * (its sudogs' links, its timer's heap), since a G enters or leaves them
 * only while its status or other places change.
 *
 * The filter never decides a failure: it only says "suspect", and then
 * check.c runs every full check, whose verdict and message are the
 * outcome.  It must never miss a failure the full checks would see at the
 * same point; tests/sim/test_check_incr.c compares both at every check of
 * random runs (with each seeded bug), and rest points and the end of a run
 * re-walk everything anyway.
 *
 * Ownership: one run at a time on the host thread; buffers are reused from
 * run to run (grown, never shrunk).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/check_internal.h"
#include "sim/driver.h"

typedef struct gvec {
    g **v;
    uint32_t n, cap;
} gvec;

/* A shadow of a schedlink list (the global run queue, the global free
 * lists): a ring of its Gs in order; Gs on it carry its id in inlist[]. */
typedef struct gdeque {
    g **v;
    uint32_t head, n, cap;     /* cap: a power of two (or 0) */
    uint8_t id;
} gdeque;

/* The shadow of one P. */
typedef struct pshadow {
    uint32_t head, tail;       /* runqhead/runqtail at the last check */
    g *runnext;
    g *gfhead;                 /* gFree.list.head and .n */
    int32_t gfn;
    uint32_t status;
    uint32_t status_seen;      /* status when owners were last compared */
    m *m;                      /* its M at the last check */
    int32_t ntimers;           /* its timer heap's size at the last check */
    g *ring[RUNQ_LEN];         /* ring[i % RUNQ_LEN] for i in [head, tail) */
    gvec gfree;
} pshadow;

/* The shadow of one M (indexed by id). */
typedef struct mshadow {
    g *curg;
    gvec xfer;
    bool spinning;
    p *p, *nextp, *oldp;       /* what the P-ownership oracle reads */
    g *lockedg;
} mshadow;

static struct {
    bool valid;                /* the shadow mirrors the state of the last check */
    /* per G, by allgidx */
    gcount *c;
    uint8_t *dirty;
    uint8_t *live;             /* counted in the goid multiset under goid[] */
    int64_t *goid;
    uint32_t capg;
    uint32_t gused;            /* per-G entries at or above this are zero */
    uint8_t *tw;               /* per G: counted in ntw (waiting on its sleep timer) */
    uint32_t ntw;              /* Gs waiting on a timer, as last judged */
    int64_t ntimers_sum;       /* timers in the heaps of allp[0..allplen) */
    uint32_t *dlist;           /* dirty allgidx, in marking order */
    uint32_t ndirty;
    g **dgs;                   /* the dirty Gs handed to step functions */
    /* Ps and Ms */
    pshadow *ps;
    uint32_t nps;              /* shadows valid for allp[0..nps) */
    mshadow *ms;
    uint32_t capm;
    p **chgp;                  /* copies handed to step functions */
    m **chgm;
    p **chp;                   /* dirty Ps (events named them), then the changed ones */
    uint32_t nchp;
    uint32_t pdirty[_MaxGomaxprocs];   /* the epoch it was marked in (0: not dirty) */
    bool all_dirty;            /* procresize, stop-the-world: every P and M */
    m **chm;                   /* dirty Ms (ran or were named) */
    uint32_t nchm;
    uint32_t mdirty[SIM_MAX_THREADS];
    uint32_t epoch;            /* thread switches so far (from 1): marks of the running
                                  thread's epoch stay dirty until it is switched out,
                                  since it may change what it named after a check */
    uint32_t spinning;         /* Ms spinning at the last check (sum of mshadow.spinning) */
    uint32_t pmax, mmax;       /* marks this run are below these ids */
    /* sched */
    uint8_t *inlist;           /* per G: the gdeque id holding it (0: none) */
    g *rqhead, *rqtail;
    int32_t rqsize;
    gdeque rq;
    g *gfshead, *gfnhead;
    int32_t gfn;
    gdeque gfs, gfnl;
    p *pidle;
    uint32_t npidle;
    int32_t gomaxprocs;
    /* lifecycle: live goids -> count (open addressing, never deleted) */
    struct gslot {
        int64_t goid;
        uint32_t count;
    } *goids;
    uint32_t goid_mask, goid_used;
    /* bounded wait: no runnable G can exceed the bound before this */
    uint64_t bw_deadline;
    bool suspect;
    bool owners_changed;       /* an M's p/nextp/oldp/lockedg or a P's status/m moved */
} inc;

/* ---- growing buffers ---- */

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t elem) {
    if (need <= *cap)
        return true;
    uint32_t n = *cap < 64 ? 64 : *cap;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (q == NULL)
        return false;
    memset((char *)q + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
    *p = q;
    *cap = n;
    return true;
}

static bool gvec_push(gvec *v, g *gp) {
    if (!grow((void **)&v->v, &v->cap, v->n + 1, sizeof *v->v))
        return false;
    v->v[v->n++] = gp;
    return true;
}

/* Per-G arrays cover allglen. */
static bool reserve_gs(uint32_t n) {
    if (n <= inc.capg)
        return true;
    uint32_t cap = inc.capg, c2 = inc.capg, c3 = inc.capg, c4 = inc.capg, c5 = inc.capg, c6 = inc.capg;
    uint32_t c7 = inc.capg, c8 = inc.capg;
    bool ok = grow((void **)&inc.c, &cap, n, sizeof *inc.c) && grow((void **)&inc.dirty, &c2, n, 1) &&
              grow((void **)&inc.inlist, &c7, n, 1) && grow((void **)&inc.tw, &c8, n, 1) &&
              grow((void **)&inc.live, &c3, n, 1) && grow((void **)&inc.goid, &c4, n, sizeof *inc.goid) &&
              grow((void **)&inc.dlist, &c5, n, sizeof *inc.dlist) &&
              grow((void **)&inc.dgs, &c6, n, sizeof *inc.dgs);
    if (!ok)
        return false;
    inc.capg = cap;
    return true;
}

/* ---- per-G counts ---- */

static void mark(const g *gp) {
    uint32_t i = gp->allgidx;
    if (i >= allglen || allgs[i] != gp) {
        inc.suspect = true;   /* not a G of this run: let the full check judge */
        return;
    }
    if (!inc.dirty[i]) {
        inc.dirty[i] = 1;
        inc.dlist[inc.ndirty++] = i;
    }
}

enum { K_RUNQ, K_XFER, K_CURG, K_FREE };

static void count(const g *gp, int kind, int delta) {
    if (gp == NULL)
        return;
    mark(gp);
    if (inc.suspect && (gp->allgidx >= allglen || allgs[gp->allgidx] != gp))
        return;
    gcount *k = &inc.c[gp->allgidx];
    uint16_t *f = kind == K_RUNQ ? &k->runq : kind == K_XFER ? &k->xfer : kind == K_CURG ? &k->curg : &k->freel;
    *f = (uint16_t)(*f + delta);
}

static void count_vec(const gvec *v, int kind, int delta) {
    for (uint32_t i = 0; i < v->n; i++)
        count(v->v[i], kind, delta);
}

/* Re-read a schedlink list into v (the old contents counted out, the new
 * in).  Returns its length, or -1 if it does not end within allglen. */
static int64_t resync_list(gvec *v, g *head, int kind) {
    count_vec(v, kind, -1);
    v->n = 0;
    int64_t n = 0;
    for (g *gp = head; gp != NULL; gp = gp->schedlink) {
        if (++n > (int64_t)allglen || !gvec_push(v, gp))
            return -1;
    }
    count_vec(v, kind, +1);
    return n;
}

/* ---- schedlink lists ---- */

static bool valid_g(const g *gp) { return gp->allgidx < allglen && allgs[gp->allgidx] == gp; }

static g *dq_at(const gdeque *d, uint32_t k) { return d->v[(d->head + k) & (d->cap - 1)]; }

static bool dq_reserve(gdeque *d) {
    if (d->n < d->cap)
        return true;
    uint32_t cap = d->cap ? 2 * d->cap : 64;
    g **v = malloc(cap * sizeof *v);
    if (v == NULL)
        return false;
    for (uint32_t k = 0; k < d->n; k++)
        v[k] = dq_at(d, k);
    free(d->v);
    d->v = v;
    d->head = 0;
    d->cap = cap;
    return true;
}

static bool dq_push(gdeque *d, g *gp, bool front, int kind) {
    if (!valid_g(gp) || inc.inlist[gp->allgidx] != 0 || !dq_reserve(d))
        return false;   /* not a G, twice on lists, or no memory */
    if (front) {
        d->head = (d->head - 1) & (d->cap - 1);
        d->v[d->head] = gp;
    } else {
        d->v[(d->head + d->n) & (d->cap - 1)] = gp;
    }
    d->n++;
    inc.inlist[gp->allgidx] = d->id;
    count(gp, kind, +1);
    return true;
}

static void dq_pop(gdeque *d, int kind) {
    g *gp = d->v[d->head];
    d->head = (d->head + 1) & (d->cap - 1);
    d->n--;
    inc.inlist[gp->allgidx] = 0;
    count(gp, kind, -1);
}

static void dq_clear(gdeque *d, int kind) {
    while (d->n > 0)
        dq_pop(d, kind);
}

/* Re-read the whole list; false if it does not end within allglen or
 * holds a G twice. */
static bool dq_resync(gdeque *d, g *head, int kind) {
    dq_clear(d, kind);
    uint32_t n = 0;
    for (g *gp = head; gp != NULL; gp = gp->schedlink)
        if (++n > allglen || !dq_push(d, gp, false, kind))
            return false;
    return true;
}

/* The list changed only at its ends (Go's queues and stacks do): Gs left
 * at the front, arrived at the front or the back.  O(changed).  False if
 * that does not explain it (then it is re-read whole). */
static bool dq_diff_ends(gdeque *d, g *head, int kind) {
    uint32_t nf = 0;
    g *x = head;
    for (; x != NULL && (!valid_g(x) || inc.inlist[x->allgidx] != d->id); x = x->schedlink)
        if (++nf > allglen || !valid_g(x))
            return false;
    if (x == NULL) {   /* nothing old is left: all of it is new */
        dq_clear(d, kind);
        for (g *gp = head; gp != NULL; gp = gp->schedlink)
            if (!dq_push(d, gp, false, kind))
                return false;
        return true;
    }
    if (nf > 64)
        return false;
    g *front[64];
    nf = 0;
    for (g *gp = head; gp != x; gp = gp->schedlink)
        front[nf++] = gp;
    while (d->n > 0 && d->v[d->head] != x)
        dq_pop(d, kind);
    if (d->n == 0)
        return false;
    g *last = dq_at(d, d->n - 1);
    uint32_t guard = 0;
    for (g *gp = last->schedlink; gp != NULL; gp = gp->schedlink)
        if (++guard > allglen || !dq_push(d, gp, false, kind))
            return false;
    for (uint32_t k = nf; k-- > 0;)
        if (!dq_push(d, front[k], true, kind))
            return false;
    return true;
}

/* Bring d up to date with the list at head (tail: the list's tail if it
 * keeps one); false if the list is malformed. */
static bool dq_update(gdeque *d, g *head, g *tail, int kind) {
    if (dq_diff_ends(d, head, kind) && (d->n == 0 ? head == NULL : tail == NULL || dq_at(d, d->n - 1) == tail))
        return true;
    return dq_resync(d, head, kind);
}

/* ---- Ps ---- */

static void note_p(p *pp) {
    if (pp == NULL || pp->id < 0 || pp->id >= _MaxGomaxprocs)
        return;
    if (!inc.pdirty[pp->id])
        inc.chp[inc.nchp++] = pp;
    inc.pdirty[pp->id] = inc.epoch;
    if ((uint32_t)pp->id >= inc.pmax)
        inc.pmax = (uint32_t)pp->id + 1;
}

static void note_p_id(uint32_t id) {
    if (id < (uint32_t)allplen)
        note_p(allp[id]);
}

static void note_m(m *mp) {
    if (mp == NULL || mp->id < 0 || mp->id >= SIM_MAX_THREADS || inc.chm == NULL)
        return;
    if (!inc.mdirty[mp->id])
        inc.chm[inc.nchm++] = mp;
    inc.mdirty[mp->id] = inc.epoch;
    if ((uint32_t)mp->id >= inc.mmax)
        inc.mmax = (uint32_t)mp->id + 1;
}

void check_note_switch(m *from, m *to) {
    note_m(from);
    if (++inc.epoch == 0)
        inc.epoch = 1;
    note_m(to);
}

static void note_m_id(uint32_t id) {
    if (id < simw.nthreads)
        note_m(simw.threads[id]->m);
}

/* What an event names besides its own M and P (traces/events.def). */
void check_note_event(const tr_event *e) {
    if (!inc.valid || inc.chp == NULL)
        return;
    note_m_id(e->m);
    note_p_id(e->p);
    switch (e->kind) {
    case EV_PIDLEPUT: case EV_PIDLEGET: case EV_ACQUIREP: case EV_RELEASEP: case EV_HANDOFFP:
    case EV_RETAKE: case EV_PREEMPTONE: case EV_GFPURGE: case EV_GCSTOP: case EV_RUNQSTEAL:
    case EV_RUNQGRAB_NEXT: case EV_TIMER_MOVE:
        note_p_id(e->a[0]);
        break;
    case EV_NEWM: case EV_STARTM: case EV_STW_WAKE:
        note_m_id(e->a[0]);
        note_p_id(e->a[1]);
        break;
    case EV_RESIZE_RUNNABLE:
        note_p_id(e->a[0]);
        note_m_id(e->a[1]);
        break;
    case EV_STOLEN: case EV_TIMER_FIRE:
        note_p_id(e->a[1]);
        break;
    case EV_STARTLOCKEDM:
        note_m_id(e->a[1]);
        break;
    case EV_PROCRESIZE: case EV_GOMAXPROCS: case EV_STW_START: case EV_STW_DONE:
        inc.all_dirty = true;
        break;
    default:
        break;
    }
}

static void resync_ring(pshadow *s, const p *pp) {
    for (uint32_t i = s->head; i != s->tail && i - s->head <= RUNQ_LEN; i++)
        count(s->ring[i % RUNQ_LEN], K_RUNQ, -1);
    for (uint32_t i = pp->runqhead; i != pp->runqtail && i - pp->runqhead <= RUNQ_LEN; i++) {
        s->ring[i % RUNQ_LEN] = pp->runq[i % RUNQ_LEN];
        count(s->ring[i % RUNQ_LEN], K_RUNQ, +1);
    }
}

/* The ring only advances: Gs left at head, arrived at tail.  Anything
 * else is re-read whole. */
static void diff_ring(pshadow *s, const p *pp) {
    uint32_t h = pp->runqhead, t = pp->runqtail;
    if ((int32_t)(h - s->head) < 0 || (int32_t)(t - s->tail) < 0 || t - h > RUNQ_LEN ||
        s->tail - s->head > RUNQ_LEN) {
        resync_ring(s, pp);
    } else {
        uint32_t rm_end = (int32_t)(h - s->tail) < 0 ? h : s->tail;
        for (uint32_t i = s->head; i != rm_end; i++)
            count(s->ring[i % RUNQ_LEN], K_RUNQ, -1);
        uint32_t add_from = (int32_t)(h - s->tail) > 0 ? h : s->tail;
        for (uint32_t i = add_from; i != t; i++) {
            s->ring[i % RUNQ_LEN] = pp->runq[i % RUNQ_LEN];
            count(s->ring[i % RUNQ_LEN], K_RUNQ, +1);
        }
    }
    s->head = h;
    s->tail = t;
}

static bool entering_syscall(const p *pp) {
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->oldp == pp)
            return true;
    return false;
}

static bool changed_status(const p *pp, const pshadow *s) { return s->status_seen != pp->status; }

static void step_p(int32_t i, bool *status_changed) {
    p *pp = allp[i];
    pshadow *s = &inc.ps[i];
    bool changed = false;
    if (pp->runqhead != s->head || pp->runqtail != s->tail) {
        diff_ring(s, pp);
        changed = true;
    }
    if (pp->runqtail - pp->runqhead > RUNQ_LEN)
        inc.suspect = true;
    if (pp->runnext != s->runnext) {
        count(s->runnext, K_RUNQ, -1);
        count(pp->runnext, K_RUNQ, +1);
        s->runnext = pp->runnext;
        changed = true;
    }
    if (pp->gFree.list.head != s->gfhead || pp->gFree.n != s->gfn) {
        int64_t n = resync_list(&s->gfree, pp->gFree.list.head, K_FREE);
        if (n != pp->gFree.n)
            inc.suspect = true;
        s->gfhead = pp->gFree.list.head;
        s->gfn = pp->gFree.n;
        changed = true;
    }
    if (pp->status != s->status) {
        s->status = pp->status;
        *status_changed = changed = true;
    }
    if (pp->ntimers != s->ntimers) {
        inc.ntimers_sum += pp->ntimers - s->ntimers;
        s->ntimers = pp->ntimers;
    }
    if (pp->m != s->m || changed_status(pp, s)) {
        inc.owners_changed = true;
        s->status_seen = pp->status;
    }
    if (pp->m != s->m) {
        if (s->m != NULL && s->m->p == pp)
            inc.suspect = true;   /* its old M still holds it */
        s->m = pp->m;
    }
    if (pp->status == _Prunning && (pp->m == NULL || pp->m->p != pp) && !(pp->m == NULL && entering_syscall(pp)))
        inc.suspect = true;
    if (i >= gomaxprocs && (pp->status != _Pdead || pp->runqhead != pp->runqtail || pp->runnext != NULL ||
                            pp->ntimers != 0))
        inc.suspect = true;
    (void)changed;
}

static void sync_p(int32_t i) {
    p *pp = allp[i];
    pshadow *s = &inc.ps[i];
    s->head = s->tail = pp->runqhead;
    s->runnext = NULL;
    s->gfhead = NULL;
    s->gfn = -1;
    s->status = s->status_seen = pp->status;
    s->gfree.n = 0;   /* empty shadow: the diff adds everything the P holds */
    s->m = NULL;
    s->ntimers = 0;
    bool unused;
    step_p(i, &unused);
}

/* ---- Ms ---- */

static bool xfer_same(const gvec *v, const m *mp) {
    if (v->n != mp->nxfer)
        return false;
    for (uint32_t k = 0; k < v->n; k++)
        if (v->v[k] != mp->xfer[k])
            return false;
    return true;
}

static void step_m(m *mp) {
    if (mp->id < 0 || !grow((void **)&inc.ms, &inc.capm, (uint32_t)mp->id + 1, sizeof *inc.ms)) {
        inc.suspect = true;
        return;
    }
    mshadow *s = &inc.ms[mp->id];
    if (mp->curg != s->curg) {
        count(s->curg, K_CURG, -1);
        count(mp->curg, K_CURG, +1);
        s->curg = mp->curg;
    }
    if (!xfer_same(&s->xfer, mp)) {
        count_vec(&s->xfer, K_XFER, -1);
        s->xfer.n = 0;
        for (uint32_t k = 0; k < mp->nxfer; k++)
            if (!gvec_push(&s->xfer, mp->xfer[k]))
                inc.suspect = true;
        count_vec(&s->xfer, K_XFER, +1);
    }
    if (mp->p != NULL && mp->p->m != mp)
        inc.suspect = true;
    if (mp->p != s->p || mp->nextp != s->nextp || mp->oldp != s->oldp || mp->lockedg != s->lockedg) {
        inc.owners_changed = true;
        note_p(s->p);
        note_p(s->nextp);
        note_p(s->oldp);
        s->p = mp->p, s->nextp = mp->nextp, s->oldp = mp->oldp, s->lockedg = mp->lockedg;
    }
    if (mp->spinning != s->spinning) {
        inc.spinning += mp->spinning ? 1u : (uint32_t)-1;
        s->spinning = mp->spinning;
    }
    if (mp->curg != NULL)
        mark(mp->curg);   /* a G may change status in place on its M */
    note_p(mp->p);
    note_p(mp->oldp);
    note_p(mp->nextp);
}

/* ---- sched ---- */

static void step_sched(bool pstatus_changed) {
    if (sched.runq.head != inc.rqhead || sched.runq.tail != inc.rqtail || sched.runqsize != inc.rqsize) {
        if (!dq_update(&inc.rq, sched.runq.head, sched.runq.tail, K_RUNQ))
            inc.suspect = true;
        inc.rqhead = sched.runq.head;
        inc.rqtail = sched.runq.tail;
        inc.rqsize = sched.runqsize;
    }
    bool unlocked = sched.lock.key == 0;
    if (unlocked && ((int64_t)inc.rq.n != sched.runqsize || (sched.runq.head == NULL) != (sched.runq.tail == NULL)))
        inc.suspect = true;
    if (sched.gFree.stack.head != inc.gfshead || sched.gFree.noStack.head != inc.gfnhead ||
        sched.gFree.n != inc.gfn) {
        if (!dq_update(&inc.gfs, sched.gFree.stack.head, NULL, K_FREE) ||
            !dq_update(&inc.gfnl, sched.gFree.noStack.head, NULL, K_FREE))
            inc.suspect = true;
        inc.gfshead = sched.gFree.stack.head;
        inc.gfnhead = sched.gFree.noStack.head;
        inc.gfn = sched.gFree.n;
    }
    if (!unlocked)
        return;
    if (!pstatus_changed && sched.pidle == inc.pidle && sched.npidle == inc.npidle && gomaxprocs == inc.gomaxprocs)
        return;
    inc.pidle = sched.pidle;
    inc.npidle = sched.npidle;
    inc.gomaxprocs = gomaxprocs;
    uint32_t nidle = 0;
    for (p *pp = sched.pidle; pp != NULL; pp = pp->link) {
        if (++nidle > (uint32_t)allplen || pp->status != _Pidle || pp->id >= gomaxprocs) {
            inc.suspect = true;
            return;
        }
    }
    if (nidle != sched.npidle)
        inc.suspect = true;
}

/* ---- per dirty G ---- */

static bool sudog_linked(const sudog *s) {
    if (s->prev != NULL)
        return s->prev->next == s;
    return s->c != NULL && (s->c->recvq.first == s || s->c->sendq.first == s);
}

/* Is gp on some wait queue (as check.c's count_sudogs counts it)?  Read
 * from its side: its sudogs (channels, select), its semaphore's queue. */
static uint16_t wait_places(const g *gp) {
    uint16_t w = 0;
    if (!(gp->selectDone)) {
        uint32_t guard = 0;
        for (const sudog *s = gp->waiting; s != NULL && guard++ <= rt_nsudogs; s = s->waitlink)
            if (s->g == gp && sudog_linked(s)) {
                w = 1;
                break;
            }
    } else {
        for (const sudog *s = gp->waiting; s != NULL; s = s->waitlink)
            if (s->g == gp && !s->isSelect && sudog_linked(s))
                w = 1;
    }
    if (w == 0 && gp->atomicstatus == _Gwaiting && gp->waitkind == WAIT_SEMA && gp->waitobj != NULL) {
        const rt_sema *sm = gp->waitobj;
        uint32_t guard = 0;
        for (const sudog *s = sm->first; s != NULL && guard++ <= rt_nsudogs; s = s->next)
            if (s->g == gp) {
                w = 1;
                break;
            }
    }
    const timer *t = gp->timer;
    if (t != NULL && t->pp != NULL && t->arg == gp) {
        const p *pp = t->pp;
        for (int32_t k = 0; k < pp->ntimers; k++)
            if (pp->timers[k] == t)
                w++;
    }
    return w;
}

/* Wait queues this walk cannot see from the G's side: a sudog whose G
 * left without unlinking it.  Those Gs are judged by the full walks. */
static void lifecycle(uint32_t i, const g *gp) {
    bool live = gp->atomicstatus != _Gdead && gp->atomicstatus != _Gidle && gp->goid != 0;
    if (inc.live[i] && (!live || inc.goid[i] != gp->goid)) {
        struct gslot *s = &inc.goids[((uint64_t)inc.goid[i] * 0x9E3779B97F4A7C15ull >> 32) & inc.goid_mask];
        for (uint32_t k = 0; s->goid != inc.goid[i] && k <= inc.goid_mask; k++)
            s = &inc.goids[(s - inc.goids + 1) & inc.goid_mask];
        if (s->goid == inc.goid[i] && s->count > 0)
            s->count--;
        inc.live[i] = 0;
    }
    if (live && !inc.live[i]) {
        if (2u * (inc.goid_used + 1) > inc.goid_mask + 1u) {
            inc.suspect = true;   /* the table is full: resynced after the full check */
            return;
        }
        uint32_t h = (uint32_t)(((uint64_t)gp->goid * 0x9E3779B97F4A7C15ull) >> 32) & inc.goid_mask;
        while (inc.goids[h].count != 0 || (inc.goids[h].goid != 0 && inc.goids[h].goid != gp->goid)) {
            if (inc.goids[h].goid == gp->goid)
                break;
            h = (h + 1) & inc.goid_mask;
        }
        if (inc.goids[h].goid == 0) {
            inc.goids[h].goid = gp->goid;
            inc.goid_used++;
        }
        if (++inc.goids[h].count > 1)
            inc.suspect = true;
        inc.live[i] = 1;
        inc.goid[i] = gp->goid;
    }
}

/* A sleeping G is counted: a timer that vanishes from every heap leaves
 * fewer timers than sleepers, though the G itself did not change.  A
 * sleeper in an M's hand (its timer being run) or still its M's curg is
 * not counted: its timer may already be out of the heap. */
static void count_sleeper(uint32_t i, const g *gp) {
    uint8_t w = gp->atomicstatus == _Gwaiting && gp->waitkind == WAIT_TIMER && inc.c[i].xfer == 0 &&
                inc.c[i].curg == 0;
    if (w != inc.tw[i]) {
        inc.ntw += w ? 1u : (uint32_t)-1;
        inc.tw[i] = w;
    }
}

static void judge(uint32_t i) {
    const g *gp = allgs[i];
    count_sleeper(i, gp);
    gcount k = inc.c[i];
    k.wait = wait_places(gp);
    if (check_misplaced(gp, &k) != NULL)
        inc.suspect = true;
    lifecycle(i, gp);
    uint64_t d = check_wait_deadline(gp);
    if (d < inc.bw_deadline)
        inc.bw_deadline = d;
}

/* The earliest tick count (sched.nschedtick) at which a runnable G
 * overstays its stint, O(G); suspect if one already has. */
static void bounded_wait_rescan(void) {
    uint64_t deadline = UINT64_MAX;
    for (uint32_t i = 0; i < allglen; i++) {
        uint64_t d = check_wait_deadline(allgs[i]);
        if (d < sched.nschedtick || d == 0)
            inc.suspect = true;
        if (d < deadline)
            deadline = d;
    }
    inc.bw_deadline = deadline;
}

/* ---- the global conditions ---- */

static void step_m_state(const inv_view *v, uint32_t spinning) {
    if (v->world_stopped)
        return;
    if (sched.nmspinning < spinning)
        inc.suspect = true;
    else if (sched.nmspinning != spinning && check_quiescent() && check_pending_wakeups() == 0)
        inc.suspect = true;
}

static void step_work_conservation(const inv_view *v) {
    if (v->world_stopped || sched.npidle == 0 || sched.nmspinning != 0)
        return;
    if (check_quiescent() && check_pending_wakeups() == 0 && check_promised_work_queued(simw.strict_work))
        inc.suspect = true;
}

/* ---- entry points ---- */

static bool reserve_all(void) {
    uint32_t np = (uint32_t)allplen, capp = inc.nps;
    if (np > _MaxGomaxprocs || !reserve_gs(allglen + 1))
        return false;
    if (allglen + 1 > inc.gused)
        inc.gused = allglen + 1;
    if (inc.chp == NULL) {
        inc.chp = calloc(_MaxGomaxprocs, sizeof *inc.chp);
        inc.chm = calloc(SIM_MAX_THREADS, sizeof *inc.chm);
        inc.chgp = calloc(_MaxGomaxprocs, sizeof *inc.chp);
        inc.chgm = calloc(SIM_MAX_THREADS, sizeof *inc.chm);
        if (inc.chp == NULL || inc.chm == NULL || inc.chgp == NULL || inc.chgm == NULL)
            return false;
        inc.epoch = 1;
    }
    if (inc.ps == NULL) {
        inc.ps = calloc(_MaxGomaxprocs, sizeof *inc.ps);
        if (inc.ps == NULL)
            return false;
    }
    (void)capp;
    if (inc.goids == NULL || 2u * (allglen + 1) > inc.goid_mask + 1u) {
        uint32_t slots = 64;
        while (slots < 4u * (allglen + 1))
            slots *= 2;
        free(inc.goids);
        inc.goids = calloc(slots, sizeof *inc.goids);
        if (inc.goids == NULL)
            return false;
        inc.goid_mask = slots - 1;
        inc.goid_used = 0;
        memset(inc.live, 0, inc.gused);
    }
    return true;
}

/* Forget the marks, but those of the running thread's epoch (all of them
 * if all). */
static void clear_dirty(bool all) {
    for (uint32_t k = 0; k < inc.ndirty; k++)
        inc.dirty[inc.dlist[k]] = 0;
    inc.ndirty = 0;
    uint32_t n = 0;
    for (uint32_t k = 0; k < inc.nchp; k++) {
        p *pp = inc.chp[k];
        if (!all && inc.pdirty[pp->id] == inc.epoch)
            inc.chp[n++] = pp;
        else
            inc.pdirty[pp->id] = 0;
    }
    inc.nchp = n;
    n = 0;
    for (uint32_t k = 0; k < inc.nchm; k++) {
        m *mp = inc.chm[k];
        if (!all && inc.mdirty[mp->id] == inc.epoch)
            inc.chm[n++] = mp;
        else
            inc.mdirty[mp->id] = 0;
    }
    inc.nchm = n;
}

static void mark_all(void) {
    for (int32_t i = 0; i < allplen; i++)
        note_p(allp[i]);
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        note_m(mp);
    inc.all_dirty = false;
}

bool check_incr_owners_changed(void) { return inc.owners_changed || !inc.valid; }

bool check_incr_step(const inv_view *v, inv_changes *ch) {
    if (!inc.valid || !reserve_all())
        return true;
    inc.suspect = false;
    inc.owners_changed = false;
    bool pstatus_changed = false;
    for (uint32_t i = inc.nps; i < (uint32_t)allplen; i++)
        sync_p((int32_t)i);   /* a P procresize just made */
    if ((uint32_t)allplen > inc.nps) {
        inc.nps = (uint32_t)allplen;
        inc.all_dirty = true;
    }
    bool resum = inc.all_dirty;
    if (inc.all_dirty)
        mark_all();
    note_m(simw.cur->m);
    for (uint32_t k = 0; k < inc.nchm; k++)   /* may add Ps */
        step_m(inc.chm[k]);
    for (uint32_t k = 0; k < inc.nchp; k++) {
        int32_t i = inc.chp[k]->id;
        if (i < allplen && allp[i] == inc.chp[k])
            step_p(i, &pstatus_changed);
        else
            inc.suspect = true;
    }
    if (pstatus_changed || inc.nchp > 0)
        for (int32_t i = allplen; i < _MaxGomaxprocs && allp[i] != NULL; i++)
            if (allp[i]->status != _Pdead || allp[i]->runqhead != allp[i]->runqtail || allp[i]->runnext != NULL ||
                allp[i]->ntimers != 0)
                inc.suspect = true;
    step_sched(pstatus_changed);
    for (uint32_t k = 0; k < inc.ndirty; k++)
        judge(inc.dlist[k]);
    if (sched.nschedtick > inc.bw_deadline)
        bounded_wait_rescan();
    if (resum) {   /* procresize: Ps came or went */
        inc.ntimers_sum = 0;
        for (int32_t i = 0; i < allplen; i++)
            inc.ntimers_sum += inc.ps[i].ntimers = allp[i]->ntimers;
    }
    if ((int64_t)inc.ntw > inc.ntimers_sum)
        inc.suspect = true;   /* a sleeper's timer is in no heap */
    step_m_state(v, inc.spinning);
    step_work_conservation(v);
    if (ch != NULL) {   /* for step functions */
        for (uint32_t k = 0; k < inc.ndirty; k++)
            inc.dgs[k] = allgs[inc.dlist[k]];
        for (uint32_t k = 0; k < inc.nchp; k++)
            inc.chgp[k] = inc.chp[k];
        for (uint32_t k = 0; k < inc.nchm; k++)
            inc.chgm[k] = inc.chm[k];
        *ch = (inv_changes){inc.dgs, inc.ndirty, inc.chgp, inc.nchp, inc.chgm, inc.nchm};
    }
    clear_dirty(false);
    return inc.suspect;
}

static void free_shadow_lists(void) {
    for (uint32_t i = 0; i < inc.nps; i++)
        inc.ps[i].gfree.n = 0;
    for (uint32_t i = 0; i < inc.capm; i++) {
        inc.ms[i].xfer.n = 0;
        inc.ms[i].curg = NULL;
        inc.ms[i].spinning = false;
        inc.ms[i].p = inc.ms[i].nextp = inc.ms[i].oldp = NULL;
        inc.ms[i].lockedg = NULL;
    }
    inc.rq.n = inc.gfs.n = inc.gfnl.n = 0;
    inc.rq.id = 1;
    inc.gfs.id = 2;
    inc.gfnl.id = 3;
    memset(inc.inlist, 0, inc.gused);
}

void check_incr_sync(void) {
    inc.valid = false;
    inc.suspect = false;
    if (!reserve_all())
        return;
    free_shadow_lists();
    memset(inc.c, 0, inc.gused * sizeof *inc.c);   /* above gused they are still zero */
    memset(inc.live, 0, inc.gused);
    memset(inc.dirty, 0, inc.gused);
    memset(inc.tw, 0, inc.gused);
    inc.gused = allglen + 1;
    inc.ntw = 0;
    inc.ntimers_sum = 0;
    memset(inc.goids, 0, (inc.goid_mask + 1u) * sizeof *inc.goids);
    inc.goid_used = 0;
    inc.ndirty = 0;
    inc.valid = true;
    inc.nps = (uint32_t)allplen;
    for (int32_t i = 0; i < allplen; i++)
        sync_p(i);
    inc.rqhead = inc.rqtail = NULL;
    inc.rqsize = -1;
    inc.gfshead = inc.gfnhead = NULL;
    inc.gfn = -1;
    inc.pidle = NULL;
    inc.npidle = UINT32_MAX;
    inc.spinning = 0;
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        step_m(mp);
    step_sched(true);
    for (uint32_t i = 0; i < allglen; i++) {
        lifecycle(i, allgs[i]);
        count_sleeper(i, allgs[i]);
    }
    bounded_wait_rescan();
    clear_dirty(false);
    inc.valid = !inc.suspect;
}

void check_incr_reset(void) {
    inc.valid = false;
    inc.nps = 0;
    inc.ndirty = inc.nchp = inc.nchm = 0;   /* the previous run's objects are gone */
    inc.all_dirty = false;
    memset(inc.pdirty, 0, (size_t)inc.pmax * sizeof *inc.pdirty);   /* what the last run marked */
    memset(inc.mdirty, 0, (size_t)inc.mmax * sizeof *inc.mdirty);
    inc.pmax = inc.mmax = 0;
    if (inc.dirty != NULL)
        memset(inc.dirty, 0, inc.gused);
}
