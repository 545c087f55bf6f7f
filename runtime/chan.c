/*
 * runtime/chan.c: channels and select (Go 1.19's chan.go and select.go).
 *
 * Values are int64.  A channel's lock guards everything in it.  Wakeup
 * orders are Go's: a blocked receiver is handed a value directly by the
 * sender; the woken G goes to the waker's runnext (goready); close wakes
 * receivers, then senders, collected in a LIFO list, so they become
 * runnable in reverse order of how long they waited.
 */
#include "internal.h"

/* How a channel op that did not block went (CHANOP's third argument). */
enum { CHANOP_SEND_BUF = 0, CHANOP_SEND_DIRECT, CHANOP_RECV_BUF, CHANOP_RECV_DIRECT, CHANOP_RECV_REFILL,
       CHANOP_RECV_CLOSED, CHANOP_CLOSE };
/* How select took its case (SELECT's third argument). */
enum { SELECT_READY = 0, SELECT_WOKEN, SELECT_DEFAULT };

hchan **allchans;
uint32_t nallchans;
static uint32_t capchans;

/* ---- sudogs (run-owned, recycled through a free list) ---- */
static sudog *sudogfree;
uint32_t rt_nsudogs;   /* ever allocated; owned by the running sim thread */

sudog *acquireSudog(void) {
    sudog *s = sudogfree;
    if (s != NULL)
        sudogfree = s->next;
    else {
        s = plat_alloc(sizeof(sudog));
        rt_nsudogs++;
    }
    *s = (sudog){0};
    return s;
}

void releaseSudog(sudog *s) {
    if (s->next != NULL || s->prev != NULL || s->waitlink != NULL || s->c != NULL)
        throw("releaseSudog: sudog still linked");
    s->g = NULL;
    s->next = sudogfree;
    sudogfree = s;
}

_Noreturn void gopanic(const char *msg) { plat_fatal(RT_FATAL_PANIC, msg); }

/* ---- wait queues ---- */

static void waitq_enqueue(waitq *q, sudog *sgp) {
    sgp->next = NULL;
    sudog *x = q->last;
    if (x == NULL) {
        sgp->prev = NULL;
        q->first = sgp;
        q->last = sgp;
        return;
    }
    sgp->prev = x;
    x->next = sgp;
    q->last = sgp;
}

/* Take the first waiter that can still be woken: a select waiter whose
 * select another channel already won is skipped.  The woken G is in the
 * caller's hand until it is readied. */
static sudog *waitq_dequeue(waitq *q) {
    for (;;) {
        sudog *sgp = q->first;
        if (sgp == NULL)
            return NULL;
        /* A select waiter is ours only if we win its selectDone (Go
         * unlinks first and then tries; the order is invisible to other
         * Ms, which need this channel's lock to see the queue). */
        bool won = !sgp->isSelect || atomic_Cas8(&sgp->g->selectDone, false, true);
        sudog *y = sgp->next;
        if (y == NULL) {
            q->first = NULL;
            q->last = NULL;
        } else {
            y->prev = NULL;
            q->first = y;
            sgp->next = NULL;
        }
        if (!won)
            continue;   /* another case of that select already won */
        xfer_add(getg()->m, sgp->g);   /* in our hand until readied */
        return sgp;
    }
}

/* Unlink sgp from q wherever it is (select cleanup). */
static void waitq_dequeueSudoG(waitq *q, sudog *sgp) {
    sudog *x = sgp->prev, *y = sgp->next;
    if (x != NULL) {
        if (y != NULL) {
            x->next = y;
            y->prev = x;
        } else {
            x->next = NULL;
            q->last = x;
        }
        sgp->next = sgp->prev = NULL;
        return;
    }
    if (y != NULL) {
        y->prev = NULL;
        q->first = y;
        sgp->next = NULL;
        return;
    }
    if (q->first == sgp) {   /* x==y==NULL: the only element, or not queued */
        q->first = NULL;
        q->last = NULL;
    }
}

/* ---- make, send, receive, close ---- */

hchan *rt_makechan(uint32_t size) {
    if (size > (1u << 20))
        gopanic("makechan: size out of range");
    hchan *c = plat_alloc(sizeof(hchan));
    c->dataqsiz = size;
    if (size > 0)
        c->buf = plat_alloc(size * sizeof(int64_t));
    if (nallchans == capchans) {
        uint32_t ncap = capchans ? capchans * 2 : 16;
        hchan **n = plat_alloc(ncap * sizeof(hchan *));
        for (uint32_t i = 0; i < nallchans; i++)
            n[i] = allchans[i];
        allchans = n;
        capchans = ncap;
    }
    c->id = (int32_t)nallchans;
    allchans[nallchans++] = c;
    return c;
}

static bool chanparkcommit(g *gp, void *chanLock) {
    (void)gp;
    unlock((mutex *)chanLock);
    return true;
}

/* Deliver v to the blocked receiver sg, then wake it.  c.lock is held
 * and released by unlockf before the wakeup. */
static void send(hchan *c, sudog *sg, int64_t v, void (*unlockf)(void *), void *ul) {
    sg->elem = v;
    g *gp = sg->g;
    TRACE(CHANOP, c->id, GOID(gp), CHANOP_SEND_DIRECT);
    unlockf(ul);
    gp->param = sg;
    sg->success = true;
    goready(gp);
}

/* Take a value from the blocked sender sg (unbuffered: directly; full
 * buffer: the head of the buffer, and sg's value goes to the tail). */
static void recv(hchan *c, sudog *sg, int64_t *v, void (*unlockf)(void *), void *ul) {
    if (c->dataqsiz == 0) {
        *v = sg->elem;
    } else {
        *v = c->buf[c->recvx];
        c->buf[c->recvx] = sg->elem;
        if (++c->recvx == c->dataqsiz)
            c->recvx = 0;
        c->sendx = c->recvx;   /* c->sendx = (c->sendx+1) % c->dataqsiz */
    }
    g *gp = sg->g;
    TRACE(CHANOP, c->id, GOID(gp), c->dataqsiz == 0 ? CHANOP_RECV_DIRECT : CHANOP_RECV_REFILL);
    unlockf(ul);
    gp->param = sg;
    sg->success = true;
    goready(gp);
}

static void unlock_chan(void *c) { unlock(&((hchan *)c)->lock); }

static void block_forever(uint8_t reason) {
    gopark(NULL, NULL, reason, WAIT_FOREVER, NULL);
    throw("unreachable");
}

void rt_chansend(hchan *c, int64_t v) {
    if (c == NULL)
        block_forever(waitReasonChanSendNilChan);
    lock(&c->lock);
    if (c->closed) {
        unlock(&c->lock);
        gopanic("send on closed channel");
    }
    sudog *sg = waitq_dequeue(&c->recvq);
    if (sg != NULL) {
        send(c, sg, v, unlock_chan, c);
        return;
    }
    if (c->qcount < c->dataqsiz) {
        c->buf[c->sendx] = v;
        if (++c->sendx == c->dataqsiz)
            c->sendx = 0;
        c->qcount++;
        TRACE(CHANOP, c->id, 0, CHANOP_SEND_BUF);
        unlock(&c->lock);
        return;
    }
    /* Block until a receiver takes the value. */
    g *gp = getg();
    sudog *mysg = acquireSudog();
    mysg->elem = v;
    mysg->g = gp;
    mysg->c = c;
    gp->waiting = mysg;
    gp->param = NULL;
    waitq_enqueue(&c->sendq, mysg);
    gopark(chanparkcommit, &c->lock, waitReasonChanSend, WAIT_CHAN, c);
    if (mysg != gp->waiting)
        throw("G waiting list is corrupted");
    gp->waiting = NULL;
    bool closed = !mysg->success;
    gp->param = NULL;
    mysg->c = NULL;
    releaseSudog(mysg);
    if (closed) {
        if (!c->closed)
            throw("chansend: spurious wakeup");
        gopanic("send on closed channel");
    }
}

bool rt_chanrecv(hchan *c, int64_t *v) {
    if (c == NULL)
        block_forever(waitReasonChanReceiveNilChan);
    lock(&c->lock);
    if (c->closed && c->qcount == 0) {
        TRACE(CHANOP, c->id, 0, CHANOP_RECV_CLOSED);
        unlock(&c->lock);
        *v = 0;
        return false;
    }
    if (!c->closed) {
        sudog *sg = waitq_dequeue(&c->sendq);
        if (sg != NULL) {
            recv(c, sg, v, unlock_chan, c);
            return true;
        }
    }
    if (c->qcount > 0) {
        *v = c->buf[c->recvx];
        c->buf[c->recvx] = 0;
        if (++c->recvx == c->dataqsiz)
            c->recvx = 0;
        c->qcount--;
        TRACE(CHANOP, c->id, 0, CHANOP_RECV_BUF);
        unlock(&c->lock);
        return true;
    }
    g *gp = getg();
    sudog *mysg = acquireSudog();
    mysg->g = gp;
    mysg->c = c;
    gp->waiting = mysg;
    gp->param = NULL;
    waitq_enqueue(&c->recvq, mysg);
    gopark(chanparkcommit, &c->lock, waitReasonChanReceive, WAIT_CHAN, c);
    if (mysg != gp->waiting)
        throw("G waiting list is corrupted");
    gp->waiting = NULL;
    bool success = mysg->success;
    *v = success ? mysg->elem : 0;
    gp->param = NULL;
    mysg->c = NULL;
    releaseSudog(mysg);
    return success;
}

void rt_closechan(hchan *c) {
    if (c == NULL)
        gopanic("close of nil channel");
    lock(&c->lock);
    if (c->closed) {
        unlock(&c->lock);
        gopanic("close of closed channel");
    }
    c->closed = true;
    gList glist = {0};
    uint32_t nwoken = 0;
    /* release all readers, then all writers */
    for (sudog *sg; (sg = waitq_dequeue(&c->recvq)) != NULL;) {
        sg->elem = 0;
        sg->g->param = sg;
        sg->success = false;
        glist_push(&glist, sg->g);
        nwoken++;
    }
    for (sudog *sg; (sg = waitq_dequeue(&c->sendq)) != NULL;) {
        sg->g->param = sg;
        sg->success = false;
        glist_push(&glist, sg->g);
        nwoken++;
    }
    TRACE(CHANOP, c->id, nwoken, CHANOP_CLOSE);
    unlock(&c->lock);
    if (MUTANT(CLOSE_WAKES_FIFO)) {   /* reverse the stack: first dequeued first */
        gList rev = {0};
        for (g *gp; (gp = glist_pop(&glist)) != NULL;)
            glist_push(&rev, gp);
        glist = rev;
    }
    /* Ready all Gs now that the lock is dropped (LIFO order). */
    for (g *gp; (gp = glist_pop(&glist)) != NULL;) {
        gp->schedlink = NULL;
        goready(gp);
    }
}

/* ---- select ---- */

enum { SELECT_MAX = 64 };

typedef struct selstate {
    rt_scase *cases[SELECT_MAX];   /* sends first, then receives (as Go's compiler orders them) */
    int orig[SELECT_MAX];          /* index in the caller's array */
    uint16_t pollorder[SELECT_MAX];
    uint16_t lockorder[SELECT_MAX];
    int ncases, nsends, norder;
} selstate;

static void sellock(selstate *st) {
    hchan *c = NULL;
    for (int i = 0; i < st->norder; i++) {
        hchan *c0 = st->cases[st->lockorder[i]]->c;
        if (c0 != c) {
            c = c0;
            lock(&c->lock);
        }
    }
}

static void selunlock(selstate *st) {
    /* Unlock in reverse order; once the last lock is released the G may be
     * woken and this frame reused, so nothing is read after it. */
    for (int i = st->norder - 1; i >= 0; i--) {
        hchan *c = st->cases[st->lockorder[i]]->c;
        if (i > 0 && c == st->cases[st->lockorder[i - 1]]->c)
            continue;   /* will unlock it on the next iteration */
        unlock(&c->lock);
    }
}

static void selunlock_cb(void *st) { selunlock(st); }

static bool selparkcommit(g *gp, void *unused) {
    (void)unused;
    hchan *lastc = NULL;
    for (sudog *sg = gp->waiting; sg != NULL; sg = sg->waitlink) {
        if (sg->c != lastc && lastc != NULL)
            unlock(&lastc->lock);
        lastc = sg->c;
    }
    if (lastc != NULL)
        unlock(&lastc->lock);
    return true;
}

/* Sort lockorder by channel id: a stable stand-in for Go's sort by
 * address, so the lock order never depends on where memory landed. */
static void sort_lockorder(selstate *st) {
    for (int i = 1; i < st->norder; i++) {
        uint16_t k = st->lockorder[i];
        int32_t kid = st->cases[k]->c->id;
        int j = i - 1;
        while (j >= 0 && st->cases[st->lockorder[j]]->c->id > kid) {
            st->lockorder[j + 1] = st->lockorder[j];
            j--;
        }
        st->lockorder[j + 1] = k;
    }
}

/* The case select took, in the caller's numbering; traced with how it
 * was taken (SELECT_READY, SELECT_WOKEN; SELECT_DEFAULT for -1). */
static int sel_done(selstate *st, int casi, uint8_t how) {
    int r = casi < 0 ? -1 : st->orig[casi];
    TRACE(SELECT, r < 0 ? UINT32_MAX : (uint32_t)r, st->ncases, how);
    return r;
}

/* Pass 3: after wakeup, take our sudogs off every channel but the winner. */
static int sel_after_wakeup(selstate *st, g *gp, bool *caseSuccess) {
    sudog *sg = gp->param;
    gp->param = NULL;
    int casi = -1;
    for (sudog *sg1 = gp->waiting; sg1 != NULL; sg1 = sg1->waitlink) {
        sg1->isSelect = false;
    }
    sudog *sglist = gp->waiting;
    gp->waiting = NULL;
    for (int i = 0; i < st->norder; i++) {
        int k = st->lockorder[i];
        rt_scase *cas = st->cases[k];
        if (sg == sglist) {
            casi = k;
            *caseSuccess = sglist->success;
            if (k >= st->nsends)
                cas->val = sglist->elem;
        } else if (k < st->nsends) {
            waitq_dequeueSudoG(&cas->c->sendq, sglist);
        } else {
            waitq_dequeueSudoG(&cas->c->recvq, sglist);
        }
        sudog *next = sglist->waitlink;
        sglist->waitlink = NULL;
        sglist->c = NULL;
        releaseSudog(sglist);
        sglist = next;
    }
    if (casi < 0)
        throw("selectgo: bad wakeup");
    return casi;
}

/* Pass 1: a case that can proceed now.  Returns its index or -1; all
 * channel locks are released on success. */
static int sel_poll(selstate *st) {
    for (int i = 0; i < st->norder; i++) {
        int casi = st->pollorder[i];
        rt_scase *cas = st->cases[casi];
        hchan *c = cas->c;
        if (casi >= st->nsends) {
            sudog *sg = waitq_dequeue(&c->sendq);
            if (sg != NULL) {
                recv(c, sg, &cas->val, selunlock_cb, st);
                cas->recvok = true;
                return casi;
            }
            if (c->qcount > 0) {
                cas->val = c->buf[c->recvx];
                c->buf[c->recvx] = 0;
                if (++c->recvx == c->dataqsiz)
                    c->recvx = 0;
                c->qcount--;
                cas->recvok = true;
                TRACE(CHANOP, c->id, 0, CHANOP_RECV_BUF);
                selunlock(st);
                return casi;
            }
            if (c->closed) {
                TRACE(CHANOP, c->id, 0, CHANOP_RECV_CLOSED);
                selunlock(st);
                cas->val = 0;
                cas->recvok = false;
                return casi;
            }
        } else {
            if (c->closed) {
                selunlock(st);
                gopanic("send on closed channel");
            }
            sudog *sg = waitq_dequeue(&c->recvq);
            if (sg != NULL) {
                send(c, sg, cas->val, selunlock_cb, st);
                return casi;
            }
            if (c->qcount < c->dataqsiz) {
                c->buf[c->sendx] = cas->val;
                if (++c->sendx == c->dataqsiz)
                    c->sendx = 0;
                c->qcount++;
                TRACE(CHANOP, c->id, 0, CHANOP_SEND_BUF);
                selunlock(st);
                return casi;
            }
        }
    }
    return -1;
}

/* Pass 2: enqueue on every channel and park until one case fires. */
static int sel_block(selstate *st) {
    g *gp = getg();
    sudog **nextp = &gp->waiting;
    for (int i = 0; i < st->norder; i++) {
        int casi = st->lockorder[i];
        rt_scase *cas = st->cases[casi];
        sudog *sg = acquireSudog();
        sg->g = gp;
        sg->isSelect = true;
        sg->elem = cas->val;
        sg->c = cas->c;
        sg->caseidx = casi;
        *nextp = sg;
        nextp = &sg->waitlink;
        waitq_enqueue(casi < st->nsends ? &cas->c->sendq : &cas->c->recvq, sg);
    }
    gp->param = NULL;
    gopark(selparkcommit, NULL, waitReasonSelect, WAIT_SELECT, NULL);
    sellock(st);
    gp->selectDone = false;
    bool caseSuccess = false;
    int casi = sel_after_wakeup(st, gp, &caseSuccess);
    if (casi < st->nsends) {
        if (!caseSuccess) {
            selunlock(st);
            gopanic("send on closed channel");
        }
    } else {
        st->cases[casi]->recvok = caseSuccess;
    }
    selunlock(st);
    return casi;
}

int rt_select(rt_scase *cases, int ncases, bool block) {
    if (ncases > SELECT_MAX)
        gopanic("select: too many cases");
    selstate st = {0};
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < ncases; i++) {
            if (cases[i].send == (pass == 0)) {
                st.cases[st.ncases] = &cases[i];
                st.orig[st.ncases] = i;
                st.ncases++;
            }
        }
        if (pass == 0)
            st.nsends = st.ncases;
    }
    /* Random poll order over the non-nil cases (Go's fastrandn shuffle). */
    for (int i = 0; i < st.ncases; i++) {
        if (st.cases[i]->c == NULL)
            continue;
        uint32_t j = fastrandn((uint32_t)st.norder + 1);
        st.pollorder[st.norder] = st.pollorder[j];
        st.pollorder[j] = (uint16_t)i;
        st.norder++;
    }
    if (st.norder == 0) {
        if (!block)
            return sel_done(&st, -1, SELECT_DEFAULT);
        block_forever(waitReasonSelectNoCases);
    }
    for (int i = 0; i < st.norder; i++)
        st.lockorder[i] = st.pollorder[i];
    sort_lockorder(&st);
    sellock(&st);
    int casi = sel_poll(&st);
    if (casi >= 0)
        return sel_done(&st, casi, SELECT_READY);
    if (!block) {
        selunlock(&st);
        return sel_done(&st, -1, SELECT_DEFAULT);
    }
    return sel_done(&st, sel_block(&st), SELECT_WOKEN);
}

void chan_reset(void) {
    allchans = NULL;
    nallchans = capchans = 0;
    sudogfree = NULL;
    rt_nsudogs = 0;
}
