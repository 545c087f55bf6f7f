/*
 * sim/scenario/scenario.c: what a valid scenario is (sc_validate), when
 * two scenarios are the same (sc_equal), and the small helpers every form
 * shares: op names, the bounded text writer, durations and names.
 *
 * Validation walks each body once, front to back, with an explicit stack
 * of the nested ranges that are open (never deeper than SC_MAX_DEPTH
 * loops/selects, each select adding one case level), so arbitrary input
 * cannot make it recurse.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "traces/flags.h"
#include "sim/scenario/sc_internal.h"

const char *const sc_op_names[OP__COUNT] = {
    [OP_GO] = "go",           [OP_WORK] = "work",     [OP_GOSCHED] = "gosched",
    [OP_YIELD] = "yield",     [OP_MAKE] = "make",     [OP_SEND] = "send",
    [OP_RECV] = "recv",       [OP_CLOSE] = "close",   [OP_SELECT] = "select",
    [OP_CASE] = "case",       [OP_SLEEP] = "sleep",   [OP_SYSCALL] = "syscall",
    [OP_LOCK] = "lock",       [OP_UNLOCK] = "unlock", [OP_WGADD] = "add",
    [OP_WGDONE] = "done",     [OP_WGWAIT] = "wait",   [OP_GOMAXPROCS] = "gomaxprocs",
    [OP_LOOP] = "loop",       [OP_MARK] = "mark",     [OP_EXIT] = "exit",
    [OP_PREEMPT] = "preempt", [OP_LOCKOSTHREAD] = "lockosthread",
    [OP_UNLOCKOSTHREAD] = "unlockosthread",
};

const char *sc_op_name(unsigned kind) {
    return kind < OP__COUNT ? sc_op_names[kind] : "?";
}

/* ---- the bounded writer ---- */

void sc_out_init(sc_out *o, char *buf, size_t cap) {
    assert(buf != NULL || cap == 0);
    o->buf = buf;
    o->cap = cap;
    o->pos = 0;
}

void sc_out_str(sc_out *o, const char *s) {
    size_t n = strlen(s);
    if (o->pos < o->cap) {
        size_t room = o->cap - o->pos;
        memcpy(o->buf + o->pos, s, n < room ? n : room);
    }
    o->pos += n;
}

void sc_out_fmt(sc_out *o, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert(n >= 0 && (size_t)n < sizeof tmp);   /* callers format short pieces */
    (void)n;
    sc_out_str(o, tmp);
}

void sc_out_indent(sc_out *o, unsigned depth) {
    for (unsigned i = 0; i < depth; i++)
        sc_out_str(o, "    ");
}

size_t sc_out_finish(sc_out *o) {
    if (o->cap > 0)
        o->buf[o->pos < o->cap ? o->pos : o->cap - 1] = '\0';
    return o->pos;
}

/* ---- durations and names ---- */

void sc_duration_text(int64_t ns, char buf[SC_DURATION_TEXT]) {
    static const struct { int64_t ns; const char *unit; } units[] = {
        {1000000000LL, "s"}, {1000000LL, "ms"}, {1000LL, "us"},
    };
    assert(ns >= 0);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ns > 0 && ns % units[i].ns == 0) {
            snprintf(buf, SC_DURATION_TEXT, "%" PRId64 "%s", ns / units[i].ns, units[i].unit);
            return;
        }
    }
    snprintf(buf, SC_DURATION_TEXT, "%" PRId64 "ns", ns);
}

/* The one duration syntax lives with the command-line parser, the lowest
 * layer that reads text (traces/flags.h). */
const char *sc_duration_parse(const char *s, size_t len, int64_t max_ns, int64_t *out) {
    return cf_duration_parse(s, len, max_ns, out);
}

static bool is_ident_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool sc_is_ident(const char *s, size_t len) {
    if (len == 0 || len >= SC_MAX_NAME || !is_ident_start(s[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!is_ident_start(s[i]) && !is_digit(s[i]))
            return false;
    return true;
}

bool sc_is_canonical_number(const char *s, size_t len) {
    if (len == 0 || len >= SC_MAX_NAME || (s[0] == '0' && len > 1))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

void sc_sort_events(scenario *sc) {
    assert(sc->nevents <= SC_MAX_EVENTS);
    for (uint32_t i = 1; i < sc->nevents; i++) {
        sc_event e = sc->events[i];
        uint32_t j = i;
        for (; j > 0 && sc->events[j - 1].at_ns > e.at_ns; j--)
            sc->events[j] = sc->events[j - 1];
        sc->events[j] = e;
    }
}

/* ---- validation ---- */

static _Thread_local char why_buf[160];   /* the reason sc_validate returns */

static const char *why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *why(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof why_buf, fmt, ap);
    va_end(ap);
    return why_buf;
}

/* A name field: NUL-terminated within SC_MAX_NAME and lexically valid. */
static bool name_ok(const char *name, bool number_allowed) {
    size_t len = strnlen(name, SC_MAX_NAME);
    if (len == SC_MAX_NAME)
        return false;
    return sc_is_ident(name, len) || (number_allowed && sc_is_canonical_number(name, len));
}

/* Names of one kind: valid and pairwise distinct (n <= 256, so the
 * quadratic check is bounded). */
static const char *check_names(const char *what, const char *base, size_t stride, uint32_t n,
                               bool number_allowed) {
    for (uint32_t i = 0; i < n; i++) {
        const char *a = base + (size_t)i * stride;
        if (!name_ok(a, number_allowed))
            return why("%s %" PRIu32 ": bad name", what, i);
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(a, base + (size_t)j * stride) == 0)
                return why("%s %" PRIu32 ": duplicate name '%s'", what, i, a);
    }
    return NULL;
}

static const char *check_counts(const scenario *sc) {
    if (sc->gomaxprocs < 1 || sc->gomaxprocs > SC_MAX_PROCS)
        return why("gomaxprocs %" PRId32 " outside 1..%d", sc->gomaxprocs, SC_MAX_PROCS);
    if (sc->start_procs < 0 || sc->start_procs > SC_MAX_PROCS || sc->start_procs == sc->gomaxprocs)
        return why("start_procs %" PRId32 " outside 1..%d or equal to gomaxprocs (write 0)", sc->start_procs,
                   SC_MAX_PROCS);
    if (sc->nbodies < 1 || sc->nbodies > SC_MAX_BODIES)
        return why("%" PRIu32 " bodies (1..%d)", sc->nbodies, SC_MAX_BODIES);
    if (sc->main_body >= sc->nbodies)
        return why("main body %" PRIu32 " out of range", sc->main_body);
    if (sc->nchans > SC_MAX_CHANS || sc->nmutexes > SC_MAX_MUTEXES || sc->nwgs > SC_MAX_WGS)
        return why("too many channels, mutexes or waitgroups");
    if (sc->nlabels > SC_MAX_LABELS || sc->nevents > SC_MAX_EVENTS || sc->nops > SC_MAX_OPS)
        return why("too many labels, events or ops");
    return NULL;
}

static const char *check_decls(const scenario *sc) {
    const char *r;
    if ((r = check_names("body", sc->bodies[0].name, sizeof sc->bodies[0], sc->nbodies, false)) ||
        (r = check_names("channel", sc->chans[0].name, sizeof sc->chans[0], sc->nchans, false)) ||
        (r = check_names("mutex", sc->mutexes[0], SC_MAX_NAME, sc->nmutexes, false)) ||
        (r = check_names("waitgroup", sc->wgs[0], SC_MAX_NAME, sc->nwgs, false)) ||
        (r = check_names("label", sc->labels[0], SC_MAX_NAME, sc->nlabels, true)))
        return r;
    for (uint32_t i = 0; i < sc->nbodies; i++)
        if ((strcmp(sc->bodies[i].name, "main") == 0) != (i == sc->main_body))
            return why("body %" PRIu32 ": only the main body is named 'main'", i);
    for (uint32_t i = 0; i < sc->nchans; i++)
        if (sc->chans[i].cap > SC_MAX_REPEAT)
            return why("channel %" PRIu32 ": capacity %" PRIu32 " too large", i, sc->chans[i].cap);
    return NULL;
}

static const char *check_events(const scenario *sc) {
    for (uint32_t i = 0; i < sc->nevents; i++) {
        const sc_event *e = &sc->events[i];
        if (e->kind != EVT_GOMAXPROCS)
            return why("event %" PRIu32 ": unknown kind %u", i, e->kind);
        if (e->at_ns < 0 || e->at_ns > SC_MAX_DURATION_NS)
            return why("event %" PRIu32 ": time out of range", i);
        if (e->arg < 1 || e->arg > SC_MAX_PROCS)
            return why("event %" PRIu32 ": gomaxprocs %" PRId64 " outside 1..%d", i, e->arg,
                       SC_MAX_PROCS);
        if (i > 0 && e->at_ns < sc->events[i - 1].at_ns)
            return why("event %" PRIu32 ": events not sorted by time", i);
    }
    return NULL;
}

static const char *check_layout(const scenario *sc) {
    uint32_t next = 0;
    for (uint32_t i = 0; i < sc->nbodies; i++) {
        if (sc->bodies[i].start != next || sc->bodies[i].len > sc->nops - next)
            return why("body %" PRIu32 ": ops do not follow the previous body's", i);
        next += sc->bodies[i].len;
    }
    if (next != sc->nops)
        return why("ops %" PRIu32 "..%" PRIu32 " belong to no body", next, sc->nops);
    return NULL;
}

static bool in_range(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

/* The operands of one op (its range is checked by the walk).  An operand
 * the op does not use must be 0. */
static const char *check_operands(const scenario *sc, const sc_op *op) {
    bool uses_a = true;
    uint32_t objs = 0;      /* how many objects op->a may index */
    bool n_ok = op->n == 0;
    switch (op->kind) {
    case OP_GO: objs = sc->nbodies; n_ok = in_range(op->n, 1, SC_MAX_REPEAT); break;
    case OP_MAKE: objs = sc->nchans; n_ok = in_range(op->n, 0, SC_MAX_REPEAT); break;
    case OP_SEND: case OP_RECV: case OP_CLOSE: objs = sc->nchans; break;
    case OP_CASE:
        n_ok = in_range(op->n, CASE_RECV, CASE_DEFAULT);
        uses_a = op->n != CASE_DEFAULT;
        objs = sc->nchans;
        break;
    case OP_LOCK: case OP_UNLOCK: objs = sc->nmutexes; break;
    case OP_WGADD: objs = sc->nwgs; n_ok = in_range(op->n, -SC_MAX_REPEAT, SC_MAX_REPEAT); break;
    case OP_WGDONE: case OP_WGWAIT: objs = sc->nwgs; break;
    case OP_MARK: objs = sc->nlabels; break;
    default:
        uses_a = false;
        switch (op->kind) {
        case OP_WORK: case OP_SLEEP: case OP_SYSCALL:
            n_ok = in_range(op->n, 0, SC_MAX_DURATION_NS);
            break;
        case OP_GOMAXPROCS: n_ok = in_range(op->n, 1, SC_MAX_PROCS); break;
        case OP_LOOP: n_ok = in_range(op->n, 0, SC_MAX_REPEAT); break;
        case OP_EXIT: n_ok = in_range(op->n, 0, 255); break;
        case OP_GOSCHED: case OP_YIELD: case OP_PREEMPT: case OP_SELECT:
        case OP_LOCKOSTHREAD: case OP_UNLOCKOSTHREAD: break;
        default: return why("unknown op kind %u", op->kind);
        }
    }
    if (!n_ok)
        return why("%s: operand %" PRId64 " out of range", sc_op_name(op->kind), op->n);
    if (uses_a ? op->a >= objs : op->a != 0)
        return why("%s: object %" PRIu32 " out of range", sc_op_name(op->kind), op->a);
    return NULL;
}

/* One open nested range during the walk. */
typedef struct open_range {
    uint32_t end;        /* one past its last op */
    uint8_t kind;        /* OP_LOOP, OP_SELECT or OP_CASE */
    uint8_t ncases, ndefaults;
} open_range;

/* Check op i against its parent range (top of stack) and open its own
 * range if it has one. */
static const char *check_nesting(const sc_op *op, uint32_t i, uint32_t body_end, open_range *stack,
                                 uint32_t *sp, uint32_t *depth) {
    open_range *parent = *sp > 0 ? &stack[*sp - 1] : NULL;
    bool in_select = parent != NULL && parent->kind == OP_SELECT;
    if (in_select != (op->kind == OP_CASE))
        return in_select ? why("op %" PRIu32 ": only cases go directly inside a select", i)
                         : why("op %" PRIu32 ": a case outside a select", i);
    if (in_select) {
        if (++parent->ncases > SC_MAX_CASES)
            return why("op %" PRIu32 ": more than %d cases in one select", i, SC_MAX_CASES);
        if (op->n == CASE_DEFAULT && ++parent->ndefaults > 1)
            return why("op %" PRIu32 ": a second default case", i);
    }
    if (!sc_op_nests(op->kind))
        return op->child == 0 && op->nchild == 0
                   ? NULL : why("op %" PRIu32 ": %s has a nested range", i, sc_op_name(op->kind));
    uint32_t limit = parent != NULL ? parent->end : body_end;
    if (op->child != i + 1 || op->nchild > limit - op->child)
        return why("op %" PRIu32 ": nested range not inside its parent", i);
    if (sc_op_deepens(op->kind) && ++*depth > SC_MAX_DEPTH)
        return why("op %" PRIu32 ": nesting deeper than %d", i, SC_MAX_DEPTH);
    assert(*sp < 2 * SC_MAX_DEPTH + 1);
    stack[(*sp)++] = (open_range){.end = op->child + op->nchild, .kind = op->kind};
    return NULL;
}

static const char *check_body(const scenario *sc, const sc_body *b) {
    open_range stack[2 * SC_MAX_DEPTH + 1];   /* each select adds a case level */
    uint32_t sp = 0, depth = 0;
    uint32_t end = b->start + b->len;
    for (uint32_t i = b->start; i < end; i++) {
        while (sp > 0 && stack[sp - 1].end == i)
            depth -= sc_op_deepens(stack[--sp].kind);
        const char *r = check_operands(sc, &sc->ops[i]);
        if (r == NULL)
            r = check_nesting(&sc->ops[i], i, end, stack, &sp, &depth);
        if (r != NULL)
            return r;
    }
    return NULL;
}

/* Labels are numbered in order of first appearance and all used. */
static const char *check_label_order(const scenario *sc) {
    uint32_t next = 0;
    for (uint32_t i = 0; i < sc->nops; i++) {
        if (sc->ops[i].kind != OP_MARK || sc->ops[i].a < next)
            continue;
        if (sc->ops[i].a > next)
            return why("op %" PRIu32 ": label %" PRIu32 " appears before label %" PRIu32, i,
                       sc->ops[i].a, next);
        next++;
    }
    return next == sc->nlabels ? NULL : why("label %" PRIu32 " is never used", next);
}

const char *sc_validate(const scenario *sc) {
    assert(sc != NULL);
    const char *r;
    if ((r = check_counts(sc)) || (r = check_decls(sc)) || (r = check_events(sc)) ||
        (r = check_layout(sc)))
        return r;
    for (uint32_t i = 0; i < sc->nbodies; i++) {
        if ((r = check_body(sc, &sc->bodies[i])) != NULL) {
            char inner[sizeof why_buf];
            memcpy(inner, r, sizeof inner);
            return why("body %" PRIu32 ": %s", i, inner);
        }
    }
    return check_label_order(sc);
}

/* ---- structural equality ---- */

static bool ops_equal(const sc_op *x, const sc_op *y) {
    return x->kind == y->kind && x->a == y->a && x->n == y->n && x->child == y->child &&
           x->nchild == y->nchild;
}

bool sc_equal(const scenario *a, const scenario *b) {
    assert(a != NULL && b != NULL);
    if (a->gomaxprocs != b->gomaxprocs || a->start_procs != b->start_procs || a->no_os != b->no_os ||
        a->main_body != b->main_body ||
        a->nbodies != b->nbodies || a->nchans != b->nchans || a->nmutexes != b->nmutexes ||
        a->nwgs != b->nwgs || a->nlabels != b->nlabels || a->nevents != b->nevents ||
        a->nops != b->nops)
        return false;
    if (a->nbodies > SC_MAX_BODIES || a->nchans > SC_MAX_CHANS || a->nevents > SC_MAX_EVENTS ||
        a->nops > SC_MAX_OPS)
        return false;
    for (uint32_t i = 0; i < a->nbodies; i++)
        if (a->bodies[i].start != b->bodies[i].start || a->bodies[i].len != b->bodies[i].len)
            return false;
    for (uint32_t i = 0; i < a->nchans; i++)
        if (a->chans[i].cap != b->chans[i].cap)
            return false;
    for (uint32_t i = 0; i < a->nevents; i++)
        if (a->events[i].at_ns != b->events[i].at_ns || a->events[i].kind != b->events[i].kind ||
            a->events[i].arg != b->events[i].arg)
            return false;
    for (uint32_t i = 0; i < a->nops; i++)
        if (!ops_equal(&a->ops[i], &b->ops[i]))
            return false;
    return true;
}

bool sc_parse_builtin(const char *name, scenario *out, sc_error *err) {
    for (size_t i = 0; i < sc_nbuiltins; i++)
        if (strcmp(sc_builtins[i].name, name) == 0)
            return sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), out, err);
    memset(err, 0, sizeof *err);
    snprintf(err->msg, sizeof err->msg, "no built-in scenario %s", name);
    return false;
}
