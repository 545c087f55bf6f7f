/*
 * sim/scenario/gengo.c: a scenario as a complete Go 1.19 program, so the
 * real Go runtime can run the same workload.
 *
 * Each body becomes func body_NAME, channels package-level `chan int`
 * vars (ch_NAME), mutexes and waitgroups sync types (mu_NAME, wg_NAME).
 * The prefixes keep scenario names clear of Go keywords and builtins.
 * Marks go into a preallocated array through an atomic index and are
 * printed, one label per line, only when the program ends: printing is a
 * system call and would change the scheduling it is meant to observe.
 * The output depends only on the scenario, so it is deterministic.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/sc_internal.h"

/* The imports: with os (as almost every Go program has), or, for a
 * scenario that says `imports_os no`, only packages that do not import
 * os, so Go starts no runfinq (output through syscall, println). */
static const char go_package[] = "package main\n\n";

static const char go_imports_noos_note[] =
    "// No package here imports os (nor sets a finalizer): Go starts no\n"
    "// runfinq goroutine before main, as the scenario says (imports_os no).\n";

static const char go_imports[] =
    "import (\n"
    "\t\"bufio\"\n"          /* not in imports_os no */
    "\t\"fmt\"\n"            /* not in imports_os no */
    "\t\"os\"\n"             /* not in imports_os no */
    "\t\"runtime\"\n"
    "\t\"sync\"\n"
    "\t\"sync/atomic\"\n"
    "\t\"syscall\"\n"
    "\t\"time\"\n"
    "\t\"unsafe\"\n"
    ")\n"
    "\n"
    "var _ sync.Mutex // keeps the import when there are no mutexes or waitgroups\n";

/* The imports: with os (as almost every Go program has), or, for a
 * scenario that says `imports_os no`, without the three lines that bring
 * os in, so Go starts no runfinq (output through syscall, println). */
static void go_prelude(const scenario *sc, sc_out *o) {
    sc_out_str(o, go_package);
    if (!sc->no_os) {
        sc_out_str(o, go_imports);
        return;
    }
    sc_out_str(o, go_imports_noos_note);
    for (const char *line = go_imports, *nl; *line != '\0'; line = nl + 1) {
        nl = strchr(line, '\n');
        bool osline = strncmp(line, "\t\"bufio\"", 8) == 0 || strncmp(line, "\t\"fmt\"", 6) == 0 ||
                      strncmp(line, "\t\"os\"", 5) == 0;
        if (!osline)
            sc_out_fmt(o, "%.*s\n", (int)(nl - line), line);
    }
}

static const char go_marks[] =
    "const maxMarks = 1 << 20\n"
    "\n"
    "var (\n"
    "\tmarks      [maxMarks]int32 // label indices in the order the marks ran\n"
    "\tmarkNext   int64\n"
    "\tstartProcs int // GOMAXPROCS Go started with\n"
    ")\n"
    "\n"
    "// mark records label l without a system call.\n"
    "func mark(l int32) {\n"
    "\tif i := atomic.AddInt64(&markNext, 1) - 1; i < maxMarks {\n"
    "\t\tmarks[i] = l\n"
    "\t}\n"
    "}\n"
    "\n";

static const char go_print_os[] =
    "// printMarks writes the recorded labels, one per line.\n"
    "func printMarks() {\n"
    "\tcheckStart()\n"
    "\tn := atomic.LoadInt64(&markNext)\n"
    "\tif n > maxMarks {\n"
    "\t\tfmt.Fprintf(os.Stderr, \"gmpsim: %d marks dropped\\n\", n-maxMarks)\n"
    "\t\tn = maxMarks\n"
    "\t}\n"
    "\tw := bufio.NewWriter(os.Stdout)\n"
    "\tfor _, l := range marks[:n] {\n"
    "\t\tfmt.Fprintln(w, labelNames[l])\n"
    "\t}\n"
    "\tw.Flush()\n"
    "}\n"
    "\n"
    "// exit is os.Exit after printing the marks.\n"
    "func exit(code int) {\n"
    "\tprintMarks()\n"
    "\tos.Exit(code)\n"
    "}\n"
    "\n";

static const char go_print_noos[] =
    "// printMarks writes the recorded labels, one per line.\n"
    "func printMarks() {\n"
    "\tcheckStart()\n"
    "\tn := atomic.LoadInt64(&markNext)\n"
    "\tif n > maxMarks {\n"
    "\t\tprintln(\"gmpsim:\", n-maxMarks, \"marks dropped\")\n"
    "\t\tn = maxMarks\n"
    "\t}\n"
    "\tvar b []byte\n"
    "\tfor _, l := range marks[:n] {\n"
    "\t\tb = append(append(b, labelNames[l]...), '\\n')\n"
    "\t}\n"
    "\tfor len(b) > 0 {\n"
    "\t\tk, err := syscall.Write(1, b)\n"
    "\t\tif err != nil && err != syscall.EINTR {\n"
    "\t\t\treturn\n"
    "\t\t}\n"
    "\t\tif k > 0 {\n"
    "\t\t\tb = b[k:]\n"
    "\t\t}\n"
    "\t}\n"
    "}\n"
    "\n"
    "// exit is the process exit after printing the marks (os.Exit without os).\n"
    "func exit(code int) {\n"
    "\tprintMarks()\n"
    "\tsyscall.Exit(code)\n"
    "}\n"
    "\n";

static const char go_helpers[] =
    "// work computes for d, preemptibly (a busy loop on the clock).\n"
    "func work(d time.Duration) {\n"
    "\tfor start := time.Now(); time.Since(start) < d; {\n"
    "\t}\n"
    "}\n"
    "\n"
    "// blockingSyscall blocks the thread in nanosleep(2) for d, a real\n"
    "// system call (not a timer), so the runtime may hand its P off.\n"
    "func blockingSyscall(d time.Duration) {\n"
    "\tts := syscall.NsecToTimespec(int64(d))\n"
    "\tfor {\n"
    "\t\tp := uintptr(unsafe.Pointer(&ts))\n"
    "\t\t_, _, e := syscall.Syscall(syscall.SYS_NANOSLEEP, p, p, 0) // the rest goes back into ts\n"
    "\t\tif e != syscall.EINTR {\n"
    "\t\t\treturn\n"
    "\t\t}\n"
    "\t}\n"
    "}\n";

/* A duration as a Go constant expression, e.g. 20 * time.Microsecond. */
static void go_duration(sc_out *o, int64_t ns) {
    static const struct { int64_t ns; const char *unit; } units[] = {
        {1000000000LL, "time.Second"}, {1000000LL, "time.Millisecond"},
        {1000LL, "time.Microsecond"}, {1LL, "time.Nanosecond"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ns % units[i].ns == 0) {
            sc_out_fmt(o, "%" PRId64 " * %s", ns / units[i].ns, units[i].unit);
            return;
        }
    }
}

static void go_tabs(sc_out *o, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        sc_out_str(o, "\t");
}

/* The scenario's canonical text as a comment at the top. */
static void go_header(const scenario *sc, sc_out *o) {
    sc_out_str(o, "// Code generated by gmpsim from the scenario below. DO NOT EDIT.\n//\n");
    size_t need = sc_format(sc, NULL, 0) + 1;
    char *text = malloc(need);   /* owned here */
    if (text == NULL) {
        sc_out_str(o, "// (scenario text unavailable: out of memory)\n");
    } else {
        sc_format(sc, text, need);
        for (char *line = text, *nl; *line != '\0'; line = nl + 1) {
            nl = strchr(line, '\n');
            assert(nl != NULL);   /* sc_format ends every line */
            *nl = '\0';
            sc_out_str(o, *line != '\0' ? "//\t" : "//");
            sc_out_str(o, line);
            sc_out_str(o, "\n");
        }
        free(text);
    }
    int32_t start = sc_start_procs(sc);
    sc_out_fmt(o, "//\n"
                  "// Run it with GOMAXPROCS=%" PRId32 " in the environment (or with GOMAXPROCS unset on\n"
                  "// a machine with %" PRId32 " CPUs): Go starts on %" PRId32 " Ps, and main sets %" PRId32 ".\n",
               start, start, start, sc->gomaxprocs);
    sc_out_fmt(o, "//\n"
                  "// Marks are recorded without system calls and printed, one label per\n"
                  "// line, when the program ends (at the end of main or before the exit).\n"
                  "//\n"
                  "//gmpsim:env GOMAXPROCS=%" PRId32 "\n", start);
}

static void go_globals(const scenario *sc, sc_out *o) {
    if (sc->nchans + sc->nmutexes + sc->nwgs > 0)
        sc_out_str(o, "\n");
    for (uint32_t i = 0; i < sc->nchans; i++)
        sc_out_fmt(o, "var ch_%s = make(chan int, %" PRIu32 ")\n", sc->chans[i].name,
                   sc->chans[i].cap);
    for (uint32_t i = 0; i < sc->nmutexes; i++)
        sc_out_fmt(o, "var mu_%s sync.Mutex\n", sc->mutexes[i]);
    for (uint32_t i = 0; i < sc->nwgs; i++)
        sc_out_fmt(o, "var wg_%s sync.WaitGroup\n", sc->wgs[i]);
    sc_out_str(o, "\n// labelNames[i] is the text of label i.\nvar labelNames = [...]string{");
    for (uint32_t i = 0; i < sc->nlabels; i++)
        sc_out_fmt(o, "\n\t\"%s\",", sc->labels[i]);   /* identifiers or digits: no escaping */
    sc_out_str(o, sc->nlabels > 0 ? "\n}\n" : "}\n");
}

/* checkStart: a warning at the end if Go did not start where the
 * scenario says (the environment was not set). */
static void go_start_check(const scenario *sc, sc_out *o) {
    int32_t start = sc_start_procs(sc);
    sc_out_fmt(o, "// checkStart warns if Go did not start on %" PRId32 " Ps, as the scenario does.\n"
                  "func checkStart() {\n"
                  "\tif startProcs != %" PRId32 " {\n"
                  "\t\tprintln(\"gmpsim: Go started on\", startProcs, \"Ps, the scenario on %" PRId32
                  " (set GOMAXPROCS=%" PRId32 ")\")\n"
                  "\t}\n"
                  "}\n"
                  "\n",
               start, start, start, start);
}

/* One op without its nested range: a statement, or the head of a block. */
static void go_op(const scenario *sc, const sc_op *op, sc_out *o, unsigned tabs) {
    switch (op->kind) {
    case OP_GO:
        if (op->n == 1) {
            sc_out_fmt(o, "go body_%s()\n", sc->bodies[op->a].name);
        } else {
            sc_out_fmt(o, "for i := 0; i < %" PRId64 "; i++ {\n", op->n);
            go_tabs(o, tabs + 1);
            sc_out_fmt(o, "go body_%s()\n", sc->bodies[op->a].name);
            go_tabs(o, tabs);
            sc_out_str(o, "}\n");
        }
        break;
    case OP_WORK: sc_out_str(o, "work("); go_duration(o, op->n); sc_out_str(o, ")\n"); break;
    case OP_SLEEP: sc_out_str(o, "time.Sleep("); go_duration(o, op->n); sc_out_str(o, ")\n"); break;
    case OP_SYSCALL:
        sc_out_str(o, "blockingSyscall(");
        go_duration(o, op->n);
        sc_out_str(o, ")\n");
        break;
    case OP_GOSCHED: sc_out_str(o, "runtime.Gosched()\n"); break;
    case OP_YIELD:
        sc_out_str(o, "// yield: Go's goyield is internal; Gosched is the closest\n");
        go_tabs(o, tabs);
        sc_out_str(o, "runtime.Gosched()\n");
        break;
    case OP_PREEMPT: sc_out_str(o, "// preempt: the simulator injects a preemption here; Go has no equivalent\n"); break;
    case OP_MAKE:
        sc_out_fmt(o, "ch_%s = make(chan int, %" PRId64 ")\n", sc->chans[op->a].name, op->n);
        break;
    case OP_SEND: sc_out_fmt(o, "ch_%s <- 0\n", sc->chans[op->a].name); break;
    case OP_RECV: sc_out_fmt(o, "<-ch_%s\n", sc->chans[op->a].name); break;
    case OP_CLOSE: sc_out_fmt(o, "close(ch_%s)\n", sc->chans[op->a].name); break;
    case OP_SELECT: sc_out_str(o, op->nchild > 0 ? "select {\n" : "select {}\n"); break;
    case OP_CASE:
        if (op->n == CASE_DEFAULT)
            sc_out_str(o, "default:\n");
        else if (op->n == CASE_SEND)
            sc_out_fmt(o, "case ch_%s <- 0:\n", sc->chans[op->a].name);
        else
            sc_out_fmt(o, "case <-ch_%s:\n", sc->chans[op->a].name);
        break;
    case OP_LOCK: sc_out_fmt(o, "mu_%s.Lock()\n", sc->mutexes[op->a]); break;
    case OP_UNLOCK: sc_out_fmt(o, "mu_%s.Unlock()\n", sc->mutexes[op->a]); break;
    case OP_WGADD: sc_out_fmt(o, "wg_%s.Add(%" PRId64 ")\n", sc->wgs[op->a], op->n); break;
    case OP_WGDONE: sc_out_fmt(o, "wg_%s.Done()\n", sc->wgs[op->a]); break;
    case OP_WGWAIT: sc_out_fmt(o, "wg_%s.Wait()\n", sc->wgs[op->a]); break;
    case OP_GOMAXPROCS: sc_out_fmt(o, "runtime.GOMAXPROCS(%" PRId64 ")\n", op->n); break;
    case OP_LOOP: sc_out_fmt(o, "for i := 0; i < %" PRId64 "; i++ {\n", op->n); break;
    case OP_MARK: sc_out_fmt(o, "mark(%" PRIu32 ") // %s\n", op->a, sc->labels[op->a]); break;
    case OP_EXIT: sc_out_fmt(o, "exit(%" PRId64 ")\n", op->n); break;
    case OP_LOCKOSTHREAD: sc_out_str(o, "runtime.LockOSThread()\n"); break;
    case OP_UNLOCKOSTHREAD: sc_out_str(o, "runtime.UnlockOSThread()\n"); break;
    default: assert(!"go_op: unknown op kind");
    }
}

/* One body as a func.  Loops and selects close with '}' when the walk
 * leaves their range; a case's range needs no brace. */
static void go_body(const scenario *sc, const sc_body *b, sc_out *o) {
    struct { uint32_t end; unsigned tabs; bool brace; } open[2 * SC_MAX_DEPTH + 2];
    uint32_t sp = 0;
    unsigned tabs = 1;
    uint32_t end = b->start + b->len;
    sc_out_fmt(o, "\nfunc body_%s() {\n", b->name);
    for (uint32_t i = b->start; i <= end; i++) {
        while (sp > 0 && open[sp - 1].end == i) {
            sp--;
            tabs = open[sp].tabs;
            if (open[sp].brace) {
                go_tabs(o, tabs);
                sc_out_str(o, "}\n");
            }
        }
        if (i == end)
            break;
        const sc_op *op = &sc->ops[i];
        unsigned at = op->kind == OP_CASE ? tabs - 1 : tabs;   /* gofmt: case at the select's level */
        go_tabs(o, at);
        go_op(sc, op, o, at);
        if (sc_op_nests(op->kind)) {
            assert(sp < sizeof open / sizeof open[0]);
            open[sp].end = op->child + op->nchild;
            open[sp].tabs = tabs;
            open[sp++].brace = op->kind == OP_LOOP || (op->kind == OP_SELECT && op->nchild > 0);
            tabs = at + 1;
        }
    }
    sc_out_str(o, "}\n");
}

static void go_main(const scenario *sc, sc_out *o) {
    if (sc->nevents > 0) {
        sc_out_str(o, "\n// timedEvents changes GOMAXPROCS at the scenario's times after start.\n"
                      "// (While it sleeps, Go does not report a deadlock.)\n"
                      "func timedEvents(start time.Time) {\n");
        for (uint32_t i = 0; i < sc->nevents; i++) {
            sc_out_str(o, "\ttime.Sleep(time.Until(start.Add(");
            go_duration(o, sc->events[i].at_ns);
            sc_out_fmt(o, ")))\n\truntime.GOMAXPROCS(%" PRId64 ")\n", sc->events[i].arg);
        }
        sc_out_str(o, "}\n");
    }
    sc_out_fmt(o, "\nfunc main() {\n\tstartProcs = runtime.GOMAXPROCS(%" PRId32 ")\n", sc->gomaxprocs);
    if (sc->nevents > 0)
        sc_out_str(o, "\tgo timedEvents(time.Now())\n");
    sc_out_fmt(o, "\tbody_%s()\n\tprintMarks()\n}\n", sc->bodies[sc->main_body].name);
}

size_t sc_gen_go(const scenario *sc, char *buf, size_t len) {
    assert(sc != NULL && sc_validate(sc) == NULL);
    sc_out o;
    sc_out_init(&o, buf, len);
    go_header(sc, &o);
    go_prelude(sc, &o);
    go_globals(sc, &o);
    sc_out_str(&o, "\n");
    sc_out_str(&o, go_marks);
    sc_out_str(&o, sc->no_os ? go_print_noos : go_print_os);
    go_start_check(sc, &o);
    sc_out_str(&o, go_helpers);
    for (uint32_t i = 0; i < sc->nbodies; i++)
        go_body(sc, &sc->bodies[i], &o);
    go_main(sc, &o);
    return sc_out_finish(&o);
}
