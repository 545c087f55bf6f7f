/*
 * sim/oracle_own.c: who owns each P and each stack.
 *
 * Ps: an M holds a P through m.p (running it) or m.nextp (startm handed
 * it over, the M is waking).  Go's acquirep/releasep/startm keep these one
 * to one.  Stacks: every G (live or on a free list, which keeps its stack
 * for reuse) and every M's g0 owns its stack alone, and a stack in the
 * pool (asm/stack.c) belongs to nobody.
 */
#include <stdio.h>

#include "asm/stack.h"
#include "sim/driver.h"
#include "sim/oracle.h"

/* ---- Ps ---- */

/* The Ps mp holds, at most two (p, nextp); returns how many.  A P in a
 * system call is held by nobody: every M whose oldp it is (a stale oldp
 * survives a retake) may win it back with a CAS, as in Go. */
static int held_ps(const m *mp, const p *out[2]) {
    int n = 0;
    if (mp->p != NULL)
        out[n++] = mp->p;
    if (mp->nextp != NULL && mp->nextp != mp->p)
        out[n++] = mp->nextp;
    return n;
}

/* entersyscall clears pp->m, then the M's p (its oldp keeps the P), then
 * makes the P _Psyscall: in between the P is running but held by nobody. */
static bool entering_syscall_on(const p *pp) {
    if (pp->m != NULL)
        return false;
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->p == NULL && mp->oldp == pp)
            return true;
    return false;
}

static bool running_p_owned(const p *pp, uint8_t holders, const m *h, char *why, size_t len) {
    if (holders == 0 && entering_syscall_on(pp))
        return true;
    if (holders != 1) {
        snprintf(why, len, "running P%d is held by no M", pp->id);
        return false;
    }
    if (pp->m != h || h->p != pp) {
        snprintf(why, len, "running P%d points at M%ld but M%ld holds it", pp->id,
                 pp->m != NULL ? (long)pp->m->id : -1L, (long)h->id);
        return false;
    }
    return true;
}

static uint8_t holders[_MaxGomaxprocs];   /* owned by the checking thread */
static const m *holder[_MaxGomaxprocs];

/* Count the Ps mp holds into holders/holder; false (why filled) if it holds
 * two or shares one. */
static bool count_holds(const m *mp, char *why, size_t len) {
    const p *ps[2];
    int n = held_ps(mp, ps);
    /* startlockedm hands a locked M the P for its G while that M may
     * still be on its way to stoplockedm, which gives its own P away
     * (Go's race too): the one case of two. */
    if (n > 1 && mp->lockedg == NULL) {
        snprintf(why, len, "M%ld holds P%d and P%d", (long)mp->id, ps[0]->id, ps[1]->id);
        return false;
    }
    for (int k = 0; k < n; k++)
        if (ps[k]->id >= 0 && ps[k]->id < allplen) {
            if (holders[ps[k]->id]++ != 0) {
                snprintf(why, len, "P%d is held by M%ld and M%ld", ps[k]->id, (long)holder[ps[k]->id]->id,
                         (long)mp->id);
                return false;
            }
            holder[ps[k]->id] = mp;
        }
    return true;
}

/* An M holds at most one P, a P at most one M, a running P exactly one
 * (pointing back), a P in a system call none.  O(P + M).  The Ms are
 * allm's and sched.freem's: an M whose locked G exited leaves allm for
 * freem (mexit) before it hands its P off, as Go 1.19's mexit does, and
 * holds the P in between. */
bool oracle_p_ownership(char *why, size_t len) {
    for (int32_t i = 0; i < allplen; i++)
        holders[i] = 0;
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if (!count_holds(mp, why, len))
            return false;
    for (const m *mp = sched.freem; mp != NULL; mp = mp->freelink)
        if (!count_holds(mp, why, len))
            return false;
    for (int32_t i = 0; i < allplen; i++) {
        const p *pp = allp[i];
        if (pp->status == _Prunning && !running_p_owned(pp, holders[i], holder[i], why, len))
            return false;
        if (pp->status == _Psyscall && (pp->m != NULL || holders[i] != 0)) {
            snprintf(why, len, "P%d in a system call is held by M%ld", i,
                     pp->m != NULL ? (long)pp->m->id : (long)holder[i]->id);
            return false;
        }
    }
    return true;
}

/* ---- stacks ---- */

static bool overlaps(const gmp_stack *a, const gmp_stack *b) {
    return a->lo < b->hi && b->lo < a->hi;
}

/* s (owned by gp, or by a g0 when gp is that g0) overlaps no other G's or
 * g0's stack and is not in the pool.  O(G + M + pool). */
bool oracle_stack_owned(const g *gp, const gmp_stack *s, char *why, size_t len) {
    if (s->map == NULL)
        return true;
    if (gmp_stack_pool_holds(s->lo, s->hi)) {
        snprintf(why, len, "G%ld's stack is also in the stack pool", gp != NULL ? (long)gp->goid : -1L);
        return false;
    }
    for (uint32_t i = 0; i < allglen; i++) {
        const g *o = allgs[i];
        if (o != gp && o->stack.map != NULL && overlaps(&o->stack, s)) {
            snprintf(why, len, "G%ld's stack overlaps G%ld's", gp != NULL ? (long)gp->goid : -1L, (long)o->goid);
            return false;
        }
    }
    for (const m *mp = allm; mp != NULL; mp = mp->alllink) {
        const g *g0 = mp->g0;
        if (g0 != NULL && g0 != gp && g0->stack.map != NULL && overlaps(&g0->stack, s)) {
            snprintf(why, len, "G%ld's stack overlaps M%ld's g0 stack", gp != NULL ? (long)gp->goid : -1L,
                     (long)mp->id);
            return false;
        }
    }
    return true;
}

static const g *g_by_goid(uint32_t goid) {
    for (uint32_t i = allglen; i-- > 0;)   /* new Gs are at the end */
        if ((uint32_t)allgs[i]->goid == goid)
            return allgs[i];
    return NULL;
}

static const m *m_by_id(uint32_t id) {
    for (const m *mp = allm; mp != NULL; mp = mp->alllink)
        if ((uint32_t)mp->id == id)
            return mp;
    return NULL;
}

/* Stacks change hands at newproc (malg or gfget), gfget, gfput and newm. */
void oracle_own_event(const tr_event *e) {
    const g *gp = NULL;
    switch (e->kind) {
    case EV_NEWPROC:
    case EV_GFPUT:
        gp = g_by_goid(e->a[0]);
        break;
    case EV_GFGET:
        gp = e->a[0] != 0 ? g_by_goid(e->a[0]) : NULL;
        break;
    case EV_NEWM: {
        const m *mp = m_by_id(e->a[0]);
        gp = mp != NULL ? mp->g0 : NULL;
        break;
    }
    default: return;
    }
    char why[160];
    if (gp != NULL && !oracle_stack_owned(gp, &gp->stack, why, sizeof why))
        oracle_fail(OR_STACK_OWNERSHIP, "at %s: %s", tr_kinds[e->kind].name, why);
}
