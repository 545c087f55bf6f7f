/*
 * sim/scenario.h: the workload a run executes, in one form shared by the
 * text parser (.gmp), the binary codec (fuzzers), the interpreter and the
 * Go translator.
 *
 * A scenario names channels, mutexes and waitgroups at top level, defines
 * goroutine bodies, lists timed events, and picks the body `main` runs.
 * Bodies are runs of ops in one flat array; a loop or select owns the
 * range [child, child + nchild) of ops that follow it, and each select
 * case (OP_CASE) owns its own range the same way.  Every count here is
 * bounded (SC_MAX_*), in every form.
 */
#ifndef GMP_SIM_SCENARIO_H
#define GMP_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SC_MAX_OPS = 4096,        /* ops in all bodies together */
    SC_MAX_BODIES = 64,
    SC_MAX_CHANS = 64,
    SC_MAX_MUTEXES = 16,
    SC_MAX_WGS = 16,
    SC_MAX_LABELS = 256,
    SC_MAX_EVENTS = 32,       /* timed events */
    SC_MAX_DEPTH = 8,         /* loop/select nesting */
    SC_MAX_CASES = 16,        /* cases of one select */
    SC_MAX_NAME = 32,         /* bytes in a name, NUL included */
    SC_MAX_PROCS = 1024,      /* _MaxGomaxprocs */
};
#define SC_MAX_REPEAT 100000LL        /* go xN, loop K, chan capacity */
#define SC_MAX_DURATION_NS (3600LL * 1000 * 1000 * 1000)   /* one hour */

typedef enum op_kind {
    OP_GO = 0,       /* go BODY [xN]          a = body, n = N */
    OP_WORK,         /* work DURATION         n = ns (preemptible compute) */
    OP_GOSCHED,      /* gosched               runtime.Gosched */
    OP_YIELD,        /* yield                 goyield: local queue tail */
    OP_MAKE,         /* make CHAN [cap]       a = chan, n = capacity: a new channel in slot a */
    OP_SEND,         /* send CHAN             a = chan */
    OP_RECV,         /* recv CHAN             a = chan */
    OP_CLOSE,        /* close CHAN            a = chan */
    OP_SELECT,       /* select { case ... }   child range holds OP_CASE ops */
    OP_CASE,         /* a select case         a = chan, n = CASE_*; child range = its body */
    OP_SLEEP,        /* sleep DURATION        n = ns */
    OP_SYSCALL,      /* syscall DURATION      n = ns, a blocking system call */
    OP_LOCK,         /* lock MUTEX            a = mutex */
    OP_UNLOCK,       /* unlock MUTEX          a = mutex */
    OP_WGADD,        /* add WG N              a = wg, n = delta (may be negative) */
    OP_WGDONE,       /* done WG               a = wg */
    OP_WGWAIT,       /* wait WG               a = wg */
    OP_GOMAXPROCS,   /* gomaxprocs N          n = N */
    OP_LOOP,         /* loop K { ... }        n = K, child range = body */
    OP_MARK,         /* mark LABEL            a = label */
    OP_EXIT,         /* exit [CODE]           n = status (os.Exit) */
    OP_PREEMPT,      /* preempt               an injected preemption right here */
    OP_LOCKOSTHREAD,   /* lockosthread        runtime.LockOSThread */
    OP_UNLOCKOSTHREAD, /* unlockosthread      runtime.UnlockOSThread */
    OP__COUNT
} op_kind;

enum { CASE_RECV = 0, CASE_SEND = 1, CASE_DEFAULT = 2 };

typedef struct sc_op {
    uint8_t kind;       /* op_kind */
    uint32_t a;         /* object index: body, channel, mutex, waitgroup, label */
    int64_t n;          /* count, duration (ns), capacity, delta, status, CASE_* */
    uint32_t child;     /* first op of the nested range (loop, select, case) */
    uint32_t nchild;    /* ops in the nested range, transitively */
    uint32_t line, col; /* where the text form had it (0: not from text) */
} sc_op;

typedef struct sc_body {
    char name[SC_MAX_NAME];
    uint32_t start;     /* first op */
    uint32_t len;       /* ops, nested ones included */
} sc_body;

typedef struct sc_chan {
    char name[SC_MAX_NAME];
    uint32_t cap;       /* capacity at start; 0 = unbuffered */
} sc_chan;

enum { EVT_GOMAXPROCS = 0 };

typedef struct sc_event {
    int64_t at_ns;      /* virtual time */
    uint8_t kind;       /* EVT_* */
    int64_t arg;
} sc_event;

typedef struct scenario {
    int32_t gomaxprocs;            /* GOMAXPROCS main runs with, 1..SC_MAX_PROCS: the program's
                                      runtime.GOMAXPROCS call before its first op */
    int32_t start_procs;           /* Ps the runtime starts with (GOMAXPROCS in the environment,
                                      else the CPU count), 1..SC_MAX_PROCS; 0: gomaxprocs, so
                                      main's call changes nothing.  Never equal to gomaxprocs. */
    bool no_os;                    /* the program does not import os (nor set a finalizer), so
                                      Go starts no runfinq before main.main */
    uint32_t main_body;
    uint32_t nbodies, nchans, nmutexes, nwgs, nlabels, nevents, nops;
    sc_body bodies[SC_MAX_BODIES];
    sc_chan chans[SC_MAX_CHANS];
    char mutexes[SC_MAX_MUTEXES][SC_MAX_NAME];
    char wgs[SC_MAX_WGS][SC_MAX_NAME];
    char labels[SC_MAX_LABELS][SC_MAX_NAME];
    sc_event events[SC_MAX_EVENTS];
    sc_op ops[SC_MAX_OPS];
} scenario;

const char *sc_op_name(unsigned kind);

/* The Ps Go starts with: start_procs, or gomaxprocs when that is 0. */
static inline int32_t sc_start_procs(const scenario *sc) {
    return sc->start_procs != 0 ? sc->start_procs : sc->gomaxprocs;
}

/* Structural validity: indices in range, ranges nested, bounds held.
 * Returns NULL or a reason.  Every producer of scenarios ends with it.
 * Besides the bounds above, a valid scenario is in the one canonical
 * layout every form produces (docs/scenario.md):
 *   - bodies tile ops[0, nops) in index order;
 *   - a loop, select or case has child == its own index + 1; every other
 *     op has child == nchild == 0, and operands an op does not use are 0;
 *   - labels are numbered in order of first appearance (in op order), and
 *     every label is used;
 *   - names are identifiers (labels: identifiers or canonical decimal
 *     numbers), unique within their kind; the main body, and only it, is
 *     named "main". */
const char *sc_validate(const scenario *sc);

/* Structural equality (names and source positions ignored). */
bool sc_equal(const scenario *a, const scenario *b);

/* ---- the text form (.gmp), sim/scenario/parse.c and format.c ---- */
typedef struct sc_error {
    uint32_t line, col;
    char msg[160];
} sc_error;

/* The text form's size limit (bytes), so that line and column fit. */
#define SC_MAX_TEXT_BYTES (16LL * 1024 * 1024)

/* Parse text; on failure fill err (line:column and reason) and return
 * false, leaving out unspecified.  On success out is valid (sc_validate). */
bool sc_parse(const char *text, size_t len, scenario *out, sc_error *err);
bool sc_parse_file(const char *path, scenario *out, sc_error *err);

/* A duration "DIGITS[.DIGITS]UNIT" (unit ns, us, ms, s, m or h; "1.5ms")
 * into *out ns, at most max_ns.  The value must be a whole number of ns.
 * Returns NULL, or why the text is not such a duration (a phrase to put
 * after the text: "needs a unit: ns, us, ms, s, m or h").  The one duration
 * syntax of the text form and of the command line's flags. */
const char *sc_duration_parse(const char *s, size_t len, int64_t max_ns, int64_t *out);

/* Write the canonical text form. Returns bytes needed (like snprintf). */
size_t sc_format(const scenario *sc, char *buf, size_t len);

/* ---- the binary form, sim/scenario/binform.c (docs/scenario.md) ---- */

/* The binary form's bounds: tighter than SC_MAX_*, so that every decoded
 * scenario is small and runs briefly.  Durations are 0..999ns or whole
 * microseconds up to SCB_MAX_DURATION_NS; a `go` may only start a body
 * later in spawn order (main first, then the others by index), so no body
 * can spawn itself, even indirectly. */
enum {
    SCB_MAX_BODIES = 8,        /* main included */
    SCB_MAX_OPS = 128,
    SCB_MAX_CHANS = 6,
    SCB_MAX_MUTEXES = 4,
    SCB_MAX_WGS = 4,
    SCB_MAX_LABELS = 16,
    SCB_MAX_EVENTS = 4,
    SCB_MAX_DEPTH = 4,         /* loop/select nesting */
    SCB_MAX_PROCS = 8,         /* initial, in-body and timed GOMAXPROCS */
    SCB_MAX_CAP = 8,           /* channel capacity (chan and make) */
    SCB_MAX_GO = 16,           /* go xN */
    SCB_MAX_LOOP = 16,         /* loop K */
    SCB_MAX_DELTA = 8,         /* |add WG N| */
    SCB_MAX_EXIT = 255,        /* exit CODE */
    SCB_HEADER_BYTES = 25,
    SCB_MAX_RECORDS = 255,     /* records (ops and block ends) in one body */
    SCB_MAX_BYTES = SCB_HEADER_BYTES + SCB_MAX_BODIES * (1 + 3 * SCB_MAX_RECORDS),
};
#define SCB_MAX_DURATION_NS (2LL * 1000 * 1000)   /* 2ms */

/* Total: every byte string decodes to a valid, bounded scenario. */
void sc_decode(const uint8_t *data, size_t len, scenario *out);
/* Encode; decoding the result gives a structurally equal scenario.
 * Returns bytes written, or 0 if buf is too small or sc is outside the
 * binary form's bounds (sc_binary_misfit). */
size_t sc_encode(const scenario *sc, uint8_t *buf, size_t len);
/* NULL if sc is within the binary form's bounds (so sc_encode succeeds
 * given room), else the first bound it exceeds. */
const char *sc_binary_misfit(const scenario *sc);
/* Clamp every number of a valid sc into the binary form's bounds
 * (durations, counts, capacities, GOMAXPROCS, exit codes), keeping its
 * structure.  Returns sc_binary_misfit of the result: NULL when it fits. */
const char *sc_fit_binary(scenario *sc);

/* ---- the Go translation, sim/scenario/gengo.c ----
 * A complete Go 1.19 program running the same workload.  Returns bytes
 * needed (like snprintf). */
size_t sc_gen_go(const scenario *sc, char *buf, size_t len);

/* ---- built-in scenarios (the examples/ files compiled in), sim/scenario/builtin.c ---- */
typedef struct sc_builtin {
    const char *name;
    const char *expect;   /* outcome name every run must end with ("# expect: NAME"; default "ok") */
    const char *text;
} sc_builtin;
extern const sc_builtin sc_builtins[];
extern const size_t sc_nbuiltins;

/* Parse the built-in scenario called name into out.  False, with err
 * filled ("no built-in scenario NAME", or the parse error), otherwise. */
bool sc_parse_builtin(const char *name, scenario *out, sc_error *err);

#endif
