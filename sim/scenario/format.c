/*
 * sim/scenario/format.c: a scenario in the canonical text form.
 *
 * Canonical means: gomaxprocs first (then start_procs and `imports_os no`
 * when they are not the defaults), then the channels, mutexes,
 * waitgroups and timed events in index order, then the bodies in index
 * order (main where it falls), four spaces per nesting level, `case` at
 * its select's level (as gofmt does), defaults left out (capacity 0,
 * x1, exit 0) and every duration in the largest unit that divides it.
 * Parsing the output gives back a structurally equal scenario.
 */
#include <assert.h>
#include <inttypes.h>

#include "sim/scenario/sc_internal.h"

static void format_duration(sc_out *o, int64_t ns) {
    char d[SC_DURATION_TEXT];
    sc_duration_text(ns, d);
    sc_out_str(o, d);
}

static void format_decls(const scenario *sc, sc_out *o) {
    sc_out_fmt(o, "gomaxprocs %" PRId32 "\n", sc->gomaxprocs);
    if (sc->start_procs != 0)
        sc_out_fmt(o, "start_procs %" PRId32 "\n", sc->start_procs);
    if (sc->no_os)
        sc_out_str(o, "imports_os no\n");
    for (uint32_t i = 0; i < sc->nchans; i++) {
        sc_out_fmt(o, "chan %s", sc->chans[i].name);
        if (sc->chans[i].cap != 0)
            sc_out_fmt(o, " %" PRIu32, sc->chans[i].cap);
        sc_out_str(o, "\n");
    }
    for (uint32_t i = 0; i < sc->nmutexes; i++)
        sc_out_fmt(o, "mutex %s\n", sc->mutexes[i]);
    for (uint32_t i = 0; i < sc->nwgs; i++)
        sc_out_fmt(o, "waitgroup %s\n", sc->wgs[i]);
    for (uint32_t i = 0; i < sc->nevents; i++) {
        sc_out_str(o, "at ");
        format_duration(o, sc->events[i].at_ns);
        sc_out_fmt(o, " gomaxprocs %" PRId64 "\n", sc->events[i].arg);
    }
}

/* The head of one op, without its nested range. */
static void format_op_head(const scenario *sc, const sc_op *op, sc_out *o) {
    if (op->kind == OP_CASE) {
        if (op->n == CASE_DEFAULT)
            sc_out_str(o, "default");
        else
            sc_out_fmt(o, "case %s %s", op->n == CASE_SEND ? "send" : "recv", sc->chans[op->a].name);
        return;
    }
    sc_out_str(o, sc_op_name(op->kind));
    switch (op->kind) {
    case OP_GO:
        sc_out_fmt(o, " %s", sc->bodies[op->a].name);
        if (op->n != 1)
            sc_out_fmt(o, " x%" PRId64, op->n);
        break;
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL:
        sc_out_str(o, " ");
        format_duration(o, op->n);
        break;
    case OP_MAKE:
        sc_out_fmt(o, " %s", sc->chans[op->a].name);
        if (op->n != 0)
            sc_out_fmt(o, " %" PRId64, op->n);
        break;
    case OP_SEND: case OP_RECV: case OP_CLOSE: sc_out_fmt(o, " %s", sc->chans[op->a].name); break;
    case OP_LOCK: case OP_UNLOCK: sc_out_fmt(o, " %s", sc->mutexes[op->a]); break;
    case OP_WGADD: sc_out_fmt(o, " %s %" PRId64, sc->wgs[op->a], op->n); break;
    case OP_WGDONE: case OP_WGWAIT: sc_out_fmt(o, " %s", sc->wgs[op->a]); break;
    case OP_GOMAXPROCS: case OP_LOOP: sc_out_fmt(o, " %" PRId64, op->n); break;
    case OP_MARK: sc_out_fmt(o, " %s", sc->labels[op->a]); break;
    case OP_EXIT:
        if (op->n != 0)
            sc_out_fmt(o, " %" PRId64, op->n);
        break;
    default: break;
    }
}

/* The ops of one body.  Closing braces are written as the walk leaves each
 * nested range; open[] holds the open ranges (bounded as in sc_validate). */
static void format_body_ops(const scenario *sc, const sc_body *b, sc_out *o) {
    struct { uint32_t end; unsigned close_at, restore; } open[2 * SC_MAX_DEPTH + 2];
    uint32_t sp = 0;
    unsigned level = 1;
    uint32_t end = b->start + b->len;
    for (uint32_t i = b->start; i <= end; i++) {
        while (sp > 0 && open[sp - 1].end == i) {
            sp--;
            sc_out_indent(o, open[sp].close_at);
            sc_out_str(o, "}\n");
            level = open[sp].restore;
        }
        if (i == end)
            break;
        const sc_op *op = &sc->ops[i];
        unsigned at = op->kind == OP_CASE ? level - 1 : level;   /* cases sit at the select's level */
        sc_out_indent(o, at);
        format_op_head(sc, op, o);
        bool braces = op->kind == OP_LOOP || op->kind == OP_SELECT ||
                      (op->kind == OP_CASE && op->nchild > 0);
        sc_out_str(o, braces ? " {\n" : "\n");
        if (braces) {
            assert(sp < sizeof open / sizeof open[0]);
            open[sp].end = op->child + op->nchild;
            open[sp].close_at = at;
            open[sp++].restore = level;
            level = at + 1;
        }
    }
}

size_t sc_format(const scenario *sc, char *buf, size_t len) {
    assert(sc != NULL && sc_validate(sc) == NULL);
    sc_out o;
    sc_out_init(&o, buf, len);
    format_decls(sc, &o);
    for (uint32_t i = 0; i < sc->nbodies; i++) {
        const sc_body *b = &sc->bodies[i];
        sc_out_str(&o, "\n");
        if (i == sc->main_body)
            sc_out_str(&o, "main {\n");
        else
            sc_out_fmt(&o, "body %s {\n", b->name);
        format_body_ops(sc, b, &o);
        sc_out_str(&o, "}\n");
    }
    return sc_out_finish(&o);
}
