/*
 * triage/explain.c: `gmpsim explain TRACE` (docs/triage.md): the causal
 * slice of a failure.
 *
 * The run is re-run from its own sections (for the invariant's message),
 * and its events up to the violation are walked once, keeping, per G,
 * whether it is runnable and which event made it so; per P, since when it
 * is idle; per M, its last scheduling state and the P it holds.  Then:
 *   work conservation: the stranded G (the earliest still-runnable G put
 *     on a queue while a P was idle), the event that made it runnable, the
 *     Ps idle at that moment, every wakeup attempt after it (or that there
 *     was none), and for each M why it did not pick the work up;
 *   every other invariant: the state it reads (a table per invariant) and
 *     the events that last wrote it, the Gs and Ps its message names
 *     first.
 * Exit: 0 explained, 1 the run did not fail with an invariant, 8, 10.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/invariant.h"
#include "traces/tfile.h"
#include "traces/tools.h"
#include "traces/values.h"
#include "triage/triage.h"

enum { XG_MAX = 1 << 20, XP_MAX = 1024, XM_MAX = 4096, X_WAKEUPS_SHOWN = 8, X_WRITERS = 16 };

typedef struct xg {
    int64_t runnable;    /* the event that put it on a queue, or -1 */
    int64_t readied;     /* the goready/newproc/preempt that made it runnable, or -1 */
    uint32_t idle_at;    /* idle Ps when it was put */
} xg;

typedef struct xm {
    int64_t state;       /* the event that set its scheduling state, or -1 */
    int64_t p_since;     /* acquirep, or -1 */
    int64_t unspun;      /* its last "spinning on=0", or -1 */
    uint32_t p;          /* held P, or TR_NONE */
    bool seen, sysmon;
} xm;

typedef struct xstate {
    const tr_event *ev;
    size_t n, v;         /* events, and the violation (the invariant record) */
    xg *g;               /* by goid < XG_MAX */
    int64_t pidle[XP_MAX];  /* pidleput event, or -1 */
    uint32_t npidle;
    xm m[XM_MAX];
    const char *path;    /* the trace */
} xstate;

static void on_put(xstate *s, uint32_t g, size_t i) {
    if (g >= XG_MAX)
        return;
    if (s->g[g].runnable < 0)
        s->g[g].idle_at = s->npidle;
    s->g[g].runnable = (int64_t)i;
}

static void on_off(xstate *s, uint32_t g) {
    if (g < XG_MAX)
        s->g[g].runnable = s->g[g].readied = -1;
}

static void on_ready(xstate *s, uint32_t g, size_t i) {
    if (g < XG_MAX && s->g[g].runnable < 0)
        s->g[g].readied = (int64_t)i;
}

static void idle_p(xstate *s, uint32_t p, int64_t i) {
    if (p >= XP_MAX || (s->pidle[p] >= 0) == (i >= 0))
        return;
    s->pidle[p] = i;
    s->npidle += i >= 0 ? 1 : (uint32_t)-1;
}

static void step_m(xstate *s, const tr_event *e, size_t i) {
    if (e->m >= XM_MAX)
        return;
    xm *m = &s->m[e->m];
    m->seen = true;
    switch (e->kind) {
    case EV_ACQUIREP: m->p = e->a[0], m->p_since = (int64_t)i; break;
    case EV_RELEASEP: m->p = TR_NONE, m->p_since = -1; break;
    case EV_SYSMON: case EV_SYSMON_SLEEP: case EV_SYSMON_WAKE: case EV_RETAKE: m->sysmon = true; break;
    case EV_SPINNING:
        if (e->a[0] == 0)
            m->unspun = (int64_t)i;
        m->state = (int64_t)i;
        break;
    case EV_STOPM: case EV_EXECUTE: case EV_NOSPIN: case EV_ENTERSYSCALL: case EV_EXITSYSCALL:
    case EV_STOPLOCKEDM: case EV_NETPOLL: case EV_GOPARK: case EV_WAKEP_DECLINE: case EV_STARTM_NOP:
        m->state = (int64_t)i;
        break;
    default: break;
    }
}

static void step(xstate *s, size_t i) {
    const tr_event *e = &s->ev[i];
    step_m(s, e, i);
    switch (e->kind) {
    case EV_NEWPROC: on_ready(s, e->a[0], i); break;
    case EV_GOREADY: case EV_GOSCHED: case EV_GOYIELD: case EV_PREEMPT: on_ready(s, e->a[0], i); break;
    case EV_RUNQPUT: case EV_GLOBRUNQPUT: on_put(s, e->a[0], i); break;
    case EV_EXECUTE: case EV_GOPARK: case EV_GOEXIT: on_off(s, e->a[0]); break;
    case EV_PIDLEPUT: idle_p(s, e->a[0], (int64_t)i); break;
    case EV_PIDLEGET: idle_p(s, e->a[0], -1); break;
    case EV_PROCRESIZE:
        for (uint32_t p = e->a[1]; p < XP_MAX && p < e->a[0]; p++)
            idle_p(s, p, -1);
        break;
    default: break;
    }
}

static void print_ev(const char *indent, const xstate *s, int64_t i) {
    char line[512];
    tr_format_long(line, sizeof line, (uint64_t)i, &s->ev[i]);
    printf("%s%s\n", indent, line);
}

/* Where the slice is in the HTML timeline (traces/viewer.html reads
 * #event=N&search=Q&lanes=g from the URL). */
static void timeline_hint(const xstate *s, int64_t event, uint32_t g) {
    printf("in the timeline: gmpsim export %s --html t.html; open t.html#event=%" PRId64 "&search=G%u&lanes=g\n",
           s->path, event, g);
}

/* ---- work conservation ---- */

static int64_t stranded_g(const xstate *s, uint32_t *goid) {
    int64_t best = -1, any = -1;
    for (uint32_t g = 1; g < XG_MAX; g++) {
        int64_t r = s->g[g].runnable;
        if (r < 0)
            continue;
        if (any < 0 || r < s->g[any].runnable)
            any = g;
        if (s->g[g].idle_at > 0 && (best < 0 || r < s->g[best].runnable))
            best = g;
    }
    *goid = (uint32_t)(best >= 0 ? best : any);
    return best >= 0 ? best : any;
}

static bool is_wakeup(const tr_event *e) {
    return e->kind == EV_WAKEP || e->kind == EV_WAKEP_DECLINE || e->kind == EV_STARTM || e->kind == EV_STARTM_NOP ||
           e->kind == EV_NEWM || e->kind == EV_STW_WAKE || (e->kind == EV_SPINNING && e->a[0] == 1);
}

static void why_m(const xstate *s, uint32_t id, const xm *m) {
    printf("  M%u: ", id);
    if (m->sysmon) {
        printf("sysmon (runs no Gs)\n");
        return;
    }
    if (m->p != TR_NONE)
        printf("holds P%u; ", m->p);
    if (m->state < 0) {
        printf("no scheduling state recorded\n");
        return;
    }
    const tr_event *e = &s->ev[m->state];
    switch (e->kind) {
    case EV_STOPM:
        printf("asleep in stopm: nobody started it since");
        if (m->unspun >= 0 && m->state - m->unspun < 16)
            printf(" (it stopped spinning at #%" PRId64 " and went to sleep)", m->unspun);
        break;
    case EV_EXECUTE: printf("running G%u: an M takes new work only when its G blocks or yields", e->a[0]); break;
    case EV_SPINNING:
        printf(e->a[0] ? "spinning (looking for work)" : "stopped spinning (nmspinning=%u after)", e->a[1]);
        break;
    case EV_NOSPIN: printf("declined to spin (nmspinning=%u, npidle=%u)", e->a[0], e->a[1]); break;
    case EV_ENTERSYSCALL: printf("in a system call with G%u", e->a[0]); break;
    case EV_EXITSYSCALL: printf("back from a system call with G%u", e->a[0]); break;
    case EV_STOPLOCKEDM: printf("waiting for its locked G%u", e->a[0]); break;
    case EV_NETPOLL: printf("blocked in netpoll until a timer"); break;
    case EV_GOPARK: printf("parked G%u, in schedule()", e->a[0]); break;
    default: printf("last did %s", tr_kinds[e->kind].name); break;
    }
    printf(" (#%" PRId64 ")\n", m->state);
}

static void explain_work(const xstate *s) {
    uint32_t g = 0;
    if (stranded_g(s, &g) < 0) {
        printf("stranded: no runnable G found at the violation\n");
        return;
    }
    const xg *x = &s->g[g];
    printf("stranded: G%u, runnable since #%" PRId64 " (%u P(s) idle then)\n", g, x->runnable, x->idle_at);
    if (x->readied >= 0)
        print_ev("  made runnable by ", s, x->readied);
    print_ev("  queued by        ", s, x->runnable);
    printf("Ps idle at the violation:");
    for (uint32_t p = 0; p < XP_MAX; p++)
        if (s->pidle[p] >= 0)
            printf(" P%u (since #%" PRId64 ")", p, s->pidle[p]);
    printf("\nwakeups after G%u was queued:\n", g);
    unsigned shown = 0;
    for (size_t i = (size_t)x->runnable + 1; i < s->v && shown < X_WAKEUPS_SHOWN; i++)
        if (is_wakeup(&s->ev[i]))
            print_ev("  ", s, (int64_t)i), shown++;
    if (shown == 0)
        printf("  none: no wakep, startm or spinning M after it, so no idle P was told about the work\n");
    printf("Ms, and why none ran G%u:\n", g);
    for (uint32_t m = 0; m < XM_MAX; m++)
        if (s->m[m].seen)
            why_m(s, m, &s->m[m]);
    timeline_hint(s, x->runnable, g);
}

/* ---- every other invariant: the state it reads and its last writers ---- */

typedef struct reads_row {
    const char *inv;
    const char *reads;
    uint8_t kinds[X_WRITERS];   /* EV_* + 1, 0 ends */
} reads_row;

#define K(x) (EV_##x + 1)
static const reads_row reads_table[] = {
    {"conservation", "each G's status against where it is (local queue, runnext, global queue, an M, a free list)",
     {K(RUNQPUT), K(RUNQPUTSLOW), K(RUNQGET), K(GLOBRUNQPUT), K(GLOBRUNQPUTBATCH), K(GLOBRUNQGET), K(STOLEN),
      K(EXECUTE), K(GOPARK), K(GOREADY), K(GOEXIT), K(GFPUT), K(GFGET), K(PROCRESIZE)}},
    {"queue-bounds", "each run queue's head, tail and length, and the global queue's size",
     {K(RUNQPUT), K(RUNQPUTSLOW), K(RUNQGET), K(RUNQSTEAL), K(STOLEN), K(GLOBRUNQPUT), K(GLOBRUNQPUTBATCH),
      K(GLOBRUNQGET)}},
    {"p-state", "each P's status and M, and the idle P list",
     {K(ACQUIREP), K(RELEASEP), K(PIDLEPUT), K(PIDLEGET), K(HANDOFFP), K(PROCRESIZE), K(GCSTOP), K(STW_START),
      K(STW_DONE), K(RETAKE)}},
    {"m-state", "each M's spinning flag, sched.nmspinning and the idle M list",
     {K(SPINNING), K(NOSPIN), K(STARTM), K(STARTM_NOP), K(STOPM), K(NEWM), K(WAKEP), K(WAKEP_DECLINE)}},
    {"bounded-wait", "how many schedule() calls each runnable G has waited",
     {K(RUNQPUT), K(GLOBRUNQPUT), K(RUNQGET), K(GLOBRUNQGET), K(EXECUTE)}},
    {"lifecycle", "each G's status through its life (new, runnable, running, waiting, dead, free)",
     {K(NEWPROC), K(GOREADY), K(EXECUTE), K(GOPARK), K(GOEXIT), K(GFPUT), K(GFGET), K(GFPURGE)}},
    {"deadlock", "whether any G can still run: run queues, timers, system calls",
     {K(GOPARK), K(GOREADY), K(TIMER_ADD), K(TIMER_FIRE), K(ENTERSYSCALL), K(CHECKDEAD)}},
};
#undef K

/* Does e name object v: as its own G (what 'g') or P (what 'p'), or in
 * an argument named like one ("g"/"newg", "p"/"victim")? */
static bool names(const tr_event *e, char what, uint32_t v) {
    if ((what == 'g' && e->g == v) || (what == 'p' && e->p == v))
        return true;
    const char *a1 = what == 'g' ? "g" : "p", *a2 = what == 'g' ? "newg" : "victim";
    for (int a = 0; a < 2; a++) {
        const char *name = tr_kinds[e->kind].arg[a];
        if ((strcmp(name, a1) == 0 || strcmp(name, a2) == 0) && e->a[a] == v)
            return true;
    }
    return false;
}

/* After the named G's last event: what happened to the P it was on (a
 * queue it sat in can be moved, stolen or destroyed), and every
 * GOMAXPROCS change. */
static void after_last(const xstate *s, int64_t last) {
    uint32_t p = s->ev[last].p;
    if (p == TR_NONE)
        return;
    printf("since then, on P%u and GOMAXPROCS (the last %d):\n", p, X_WRITERS);
    int64_t idx[X_WRITERS];
    unsigned n = 0;
    for (size_t i = s->v; i-- > (size_t)last + 1 && n < X_WRITERS;) {
        const tr_event *e = &s->ev[i];
        if (tr_kinds[e->kind].cat == TRC_DRV || e->kind == EV_SYSMON || e->kind == EV_PREEMPTONE ||
            e->kind == EV_RETAKE)
            continue;
        if (e->kind == EV_PROCRESIZE || e->kind == EV_GOMAXPROCS || names(e, 'p', p))
            idx[n++] = (int64_t)i;
    }
    if (n == 0)
        printf("  nothing\n");
    while (n > 0)
        print_ev("  ", s, idx[--n]);
}

/* The first "G<n>" in the message (0: none). */
static uint32_t named_g(const char *msg) {
    for (const char *p = msg; (p = strchr(p, 'G')) != NULL; p++)
        if (p[1] >= '0' && p[1] <= '9' && (p == msg || p[-1] == ' ' || p[-1] == '('))
            return (uint32_t)strtoul(p + 1, NULL, 10);
    return 0;
}

static void explain_reads(const xstate *s, const char *inv, const char *msg) {
    const reads_row *row = NULL;
    for (size_t i = 0; i < sizeof reads_table / sizeof reads_table[0]; i++)
        if (strcmp(reads_table[i].inv, inv) == 0)
            row = &reads_table[i];
    uint32_t g = named_g(msg);
    if (row == NULL) {
        printf("reads: the state at its decision (a judge of the event just before the violation)\n");
    } else {
        printf("reads: %s\n", row->reads);
        printf("last written by%s:\n", g ? " (events of the G the message names first)" : "");
        int64_t w[X_WRITERS];
        size_t nw = 0;
        for (size_t k = 0; k < X_WRITERS && row->kinds[k] != 0; k++) {
            unsigned kind = row->kinds[k] - 1u;
            int64_t last = -1, last_g = -1;
            for (size_t i = 0; i < s->v; i++) {
                if (s->ev[i].kind != kind)
                    continue;
                last = (int64_t)i;
                if (g && names(&s->ev[i], 'g', g))
                    last_g = (int64_t)i;
            }
            if (last_g >= 0 || last >= 0)
                w[nw++] = last_g >= 0 ? last_g : last;
        }
        for (size_t a = 1; a < nw; a++)   /* in event order */
            for (size_t b = a; b > 0 && w[b - 1] > w[b]; b--) {
                int64_t t = w[b];
                w[b] = w[b - 1];
                w[b - 1] = t;
            }
        for (size_t a = 0; a < nw; a++)
            print_ev("  ", s, w[a]);
    }
    if (g == 0)
        return;
    printf("the last events of G%u:\n", g);
    int64_t idx[X_WRITERS];
    unsigned n = 0;
    for (size_t i = s->v; i-- > 0 && n < X_WRITERS;)
        if (tr_kinds[s->ev[i].kind].cat != TRC_DRV && names(&s->ev[i], 'g', g))
            idx[n++] = (int64_t)i;
    if (n == 0)
        return;
    int64_t last = idx[0];
    while (n > 0)
        print_ev("  ", s, idx[--n]);
    after_last(s, last);
    timeline_hint(s, last, g);
}

/* ---- the command ---- */

const cf_command tg_explain_command = {
    .name = "explain", .args = "TRACE", .min_args = 1, .max_args = 1,
    .summary = "The causal slice of a failure: what went wrong and the events that led to it (docs/triage.md)",
    .about = "Work conservation: the stranded G, the event that made it runnable, the Ps idle then, every\n"
             "wakeup after it, and for each M why it did not run the G.  Other invariants: the state the\n"
             "invariant reads and the events that last wrote it.  Exit 0 explained, 1 the run did not fail\n"
             "with an invariant.",
};

/* Re-run the trace from its sections for the invariant's message. */
static void rerun_message(const char *path, char *msg, size_t len) {
    tg_recorded *r = malloc(sizeof *r);
    if (r == NULL || tg_load("explain", path, r) != EXIT_OK) {
        free(r);
        return;
    }
    static const choice_record none[1];
    sim_config c = r->cfg;
    c.replay = r->nchoices > 0 ? r->choices : none;
    c.nreplay = r->nchoices;
    sim_result res;
    sim_run(&r->sc, &c, &res);
    if (res.outcome == OUT_INVARIANT)
        snprintf(msg, len, "%s", res.message);
    sim_result_free(&res);
    tg_recorded_free(r);
    free(r);
}

int tg_cmd_explain(int argc, char **argv) {
    cf_parsed p;
    int rc = cf_parse(&tg_explain_command, argc - 1, argv + 1, NULL, &p, stdout, stderr);
    if (rc != CF_OK)
        return cf_exit_code(rc);
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(p.pos[0], TR_READ_STRICT, &err);
    xstate *s = calloc(1, sizeof *s);
    tr_event *ev = NULL;
    size_t n = 0;
    if (rd == NULL || s == NULL || (rc = tr_reader_load(rd, &ev, &n, TR_EXPORT_EVENTS_MAX, &err)) != TR_OK) {
        fprintf(stderr, "gmpsim explain: %s: %s\n", p.pos[0], rd == NULL || rc != TR_OK ? err.msg : "out of memory");
        rc = rd == NULL || rc != TR_OK ? tr_err_exit_code(err.cls) : EXIT_IO;
        tr_reader_close(rd);
        free(s);
        return rc;
    }
    tr_reader_close(rd);
    s->ev = ev, s->n = n, s->v = n, s->path = p.pos[0];
    for (size_t i = 0; i < n && s->v == n; i++)
        if (ev[i].kind == EV_INVARIANT)
            s->v = i;
    s->g = malloc(XG_MAX * sizeof *s->g);
    rc = s->g != NULL ? EXIT_OK : EXIT_IO;
    if (rc == EXIT_OK && s->v == n) {
        printf("%s: the run did not fail with an invariant; nothing to explain\n", p.pos[0]);
        rc = 1;
    } else if (rc == EXIT_OK) {
        memset(s->g, 0xff, XG_MAX * sizeof *s->g);   /* runnable = readied = -1 */
        for (uint32_t i = 0; i < XG_MAX; i++)
            s->g[i].idle_at = 0;
        for (uint32_t i = 0; i < XP_MAX; i++)
            s->pidle[i] = -1;
        for (uint32_t i = 0; i < XM_MAX; i++)
            s->m[i] = (xm){.state = -1, .p_since = -1, .unspun = -1, .p = TR_NONE};
        for (size_t i = 0; i < s->v; i++)
            step(s, i);
        char msg[SIM_MSG_LEN] = "";
        rerun_message(p.pos[0], msg, sizeof msg);
        int id = (int)ev[s->v].a[0];
        const char *inv = gmp_invariant_name(id);
        printf("failure: invariant %s at event #%zu%s%s\n", inv, s->v, msg[0] ? ": " : "", msg);
        for (size_t i = s->v; i-- > 0;)
            if (tr_kinds[ev[i].kind].cat != TRC_DRV) {
                print_ev("last decision: ", s, (int64_t)i);
                break;
            }
        if (id == INV_WORK_CONSERVATION)
            explain_work(s);
        else
            explain_reads(s, inv, msg);
    }
    free(s->g);
    free(s);
    free(ev);
    return rc;
}
