/* tests/traces/streams.c: synthetic event streams (see streams.h). */
#include "streams.h"

#include <string.h>

#include "traces/tfile.h"

uint64_t ts_next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n) { return (uint32_t)(ts_next(s) % n); }

static tr_event make(unsigned kind, int64_t t, unsigned m, unsigned p, uint32_t g, uint32_t a0, uint32_t a1,
                     uint32_t a2) {
    return (tr_event){.time = t, .g = g, .kind = (uint16_t)kind, .m = (uint16_t)m, .p = (uint16_t)p,
                      .a = {a0, a1, a2}};
}

size_t ts_gosched(tr_event *ev, size_t ngosched) {
    /* Virtual ns each step takes in the loop. */
    enum { STEP_NS = 34 };
    int64_t t = 0;
    size_t n = 0;
    for (size_t i = 0; i < ngosched; i++) {
        ev[n++] = make(EV_GOSCHED, t += STEP_NS, 0, 0, 1, 1, 0, 0);
        ev[n++] = make(EV_GLOBRUNQPUT, t += STEP_NS, 0, 0, 0, 1, 0, 0);
        ev[n++] = make(EV_GLOBRUNQGET, t += STEP_NS, 0, 0, 0, 1, 1, 0);
        ev[n++] = make(EV_EXECUTE, t += STEP_NS, 0, 0, 1, 1, 3, 0);
    }
    return n;
}

static uint32_t random_arg(uint64_t *s, uint32_t g) {
    switch (below(s, 5)) {
    case 0: return 0;
    case 1: return g;
    case 2: return below(s, 16);
    case 3: return UINT32_MAX - below(s, 4);
    default: return (uint32_t)ts_next(s);
    }
}

/* t + d, wrapping within the canonical record's 48-bit time (no overflow
 * UB), so times stay representable (traces/trace.h). */
static int64_t wrap_add(int64_t t, int64_t d) { return (int64_t)(((uint64_t)t + (uint64_t)d) & (uint64_t)TR_TIME_MAX); }

static int64_t random_time(uint64_t *s, int64_t prev) {
    switch (below(s, 6)) {
    case 0: return prev;
    case 1: return TR_TIME_MAX - (int64_t)below(s, 3);
    case 2: return (int64_t)below(s, 3);
    case 3: return wrap_add(prev, -(int64_t)below(s, 1000));
    default: return wrap_add(prev, (int64_t)below(s, 100000));
    }
}

static uint16_t random_id(uint64_t *s) {
    uint32_t r = below(s, 8);
    return r == 0 ? TR_NONE : r == 1 ? (uint16_t)ts_next(s) : (uint16_t)r;
}

/* Random kinds come from the catalogue's first TS_KINDS rows, so that
 * appending a row to events.def leaves every stream (and the seed corpus
 * made from them) as it was. */
enum { TS_KINDS = 45 };
_Static_assert((int)EV__COUNT >= (int)TS_KINDS, "events.def only grows at the end");

void ts_random(tr_event *ev, size_t n, uint64_t seed) {
    uint64_t s = seed;
    tr_event cur = {0};
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && below(&s, 4) == 0) {
            /* a repeat, with one field changed */
            cur = ev[i - 1];
            switch (below(&s, 4)) {
            case 0: cur.time = wrap_add(cur.time, below(&s, 50)); break;
            case 1: cur.g = below(&s, 8); break;
            case 2: {
                uint32_t i = below(&s, 3); /* drawn before the value: one order on every compiler */
                cur.a[i] = random_arg(&s, cur.g);
                break;
            }
            default: break;
            }
        } else {
            cur.kind = (uint16_t)below(&s, TS_KINDS);
            cur.time = random_time(&s, cur.time);
            cur.m = random_id(&s);
            cur.p = random_id(&s);
            cur.g = below(&s, 3) == 0 ? (uint32_t)ts_next(&s) : below(&s, 40);
            for (int j = 0; j < 3; j++)
                cur.a[j] = random_arg(&s, cur.g);
        }
        cur.zero = 0;
        cur.a[2] &= TR_ARG2_MAX;   /* the third argument is 8 bits */
        ev[i] = cur;
    }
}

/* ---- the mixed stream: one scheduling round per step ----
 * At most one draw per function-call argument list: the order in which a
 * compiler evaluates arguments is unspecified, and the streams must be the
 * same under gcc and clang. */

enum { MIX_PS = 4, MIX_MS = 6, MIX_GS = 64 };

typedef struct mix {
    uint64_t s;
    int64_t t;
    tr_event *ev;
    size_t n, cap;
    uint32_t next_g;
} mix;

static void put(mix *x, unsigned kind, unsigned m, unsigned p, uint32_t g, uint32_t a0, uint32_t a1, uint32_t a2) {
    if (x->n == x->cap)
        return;
    x->t += 20 + below(&x->s, 400);
    x->ev[x->n++] = make(kind, x->t, m, p, g, a0, a1, a2);
}

static void mix_round(mix *x) {
    unsigned p = below(&x->s, MIX_PS), m = (p + 2 * below(&x->s, 2)) % MIX_MS;
    uint32_t g = 1 + below(&x->s, x->next_g), other = 1 + below(&x->s, x->next_g);
    uint32_t src = below(&x->s, 7), inherit = below(&x->s, 2); /* drawn in this order */
    put(x, EV_EXECUTE, m, p, g, g, src, inherit);
    switch (below(&x->s, 8)) {
    case 0:
        if (x->next_g < MIX_GS)
            x->next_g++;
        put(x, EV_NEWPROC, m, p, g, x->next_g, below(&x->s, 5), 0);
        put(x, EV_RUNQPUT, m, p, g, x->next_g, 0, 1);
        put(x, EV_WAKEP, m, p, g, below(&x->s, 2), 0, 0);
        break;
    case 1: {
        uint32_t reason = 1 + below(&x->s, 7), obj = below(&x->s, 32); /* drawn in this order */
        put(x, EV_GOPARK, m, p, g, g, reason, obj);
        put(x, EV_RUNQGET, m, p, 0, other, below(&x->s, 2), 0);
        break;
    }
    case 2:
        put(x, EV_GOREADY, m, p, g, other, 1, 0);
        put(x, EV_GOSCHED, m, p, g, g, 0, 0);
        put(x, EV_GLOBRUNQPUT, m, p, 0, g, 0, 0);
        break;
    case 3:
        put(x, EV_ENTERSYSCALL, m, p, g, g, 1, 0);
        put(x, EV_HANDOFFP, m, p, g, p, below(&x->s, 3), 0);
        put(x, EV_EXITSYSCALL, m, TR_NONE, g, g, 2, 0);
        break;
    case 4: {
        uint32_t kind = below(&x->s, 9), value = below(&x->s, 2); /* drawn in this order */
        put(x, EV_CHOICE, m, p, g, 2, value, kind);
        put(x, EV_PREEMPT, m, p, g, g, below(&x->s, 3), 0);
        break;
    }
    case 5:
        put(x, EV_SPINNING, m, p, 0, 1, below(&x->s, 3), 0);
        put(x, EV_RUNQSTEAL, m, p, 0, (p + 1) % MIX_PS, 1 + below(&x->s, 8), 0);
        break;
    case 6:
        put(x, EV_TIMER_ADD, m, p, g, g, 1000 + below(&x->s, 1000000), 0);
        put(x, EV_GOPARK, m, p, g, g, 5, 0);
        break;
    default:
        put(x, EV_GOEXIT, m, p, g, g, 0, 0);
        put(x, EV_GFPUT, m, p, 0, g, 0, 0);
    }
}

void ts_mixed(tr_event *ev, size_t n, uint64_t seed) {
    mix x = {.s = seed, .ev = ev, .cap = n, .next_g = 1};
    /* each round adds at least two events, so n rounds always suffice */
    for (size_t i = 0; i < n && x.n < n; i++)
        mix_round(&x);
}

size_t ts_sample(tr_event *ev) {
    const tr_event s[TS_SAMPLE_EVENTS] = {
        make(EV_NEWPROC, 0, 0, 0, 0, 1, 0, 0),
        make(EV_RUNQPUT, 100, 0, 0, 0, 1, 0, 1),
        make(EV_RUNQGET, 200, 0, 0, 0, 1, 1, 0),
        make(EV_EXECUTE, 250, 0, 0, 1, 1, 1, 1),
        make(EV_NEWPROC, 1000, 0, 0, 1, 2, 1, 0),
        make(EV_RUNQPUT, 1100, 0, 0, 1, 2, 0, 1),
        make(EV_WAKEP, 1200, 0, 0, 1, 1, 0, 0),
        make(EV_ACQUIREP, 1300, 1, 1, 0, 1, 0, 0),
        make(EV_RUNQSTEAL, 1400, 1, 1, 0, 0, 0, 1),
        make(EV_RUNQGET, 1500, 1, 1, 0, 2, 0, 0),
        make(EV_EXECUTE, 1550, 1, 1, 2, 2, 4, 0),
        make(EV_GOPARK, 2000, 0, 0, 1, 1, 7, 1),
        make(EV_RELEASEP, 2100, 0, 0, 0, 0, 0, 0),
        make(EV_STOPM, 2150, 0, TR_NONE, 0, 0, 0, 0),
        make(EV_GOREADY, 2500, 1, 1, 2, 1, 1, 0),
        make(EV_GOSCHED, 2600, 1, 1, 2, 2, 0, 0),
        make(EV_GLOBRUNQPUT, 2650, 1, 1, 0, 2, 0, 0),
        make(EV_RUNQGET, 2700, 1, 1, 0, 1, 1, 0),
        make(EV_EXECUTE, 2750, 1, 1, 1, 1, 1, 1),
        make(EV_CHOICE, 3000, TR_NONE, TR_NONE, 0, 2, 1, 4),
        make(EV_GOEXIT, 3500, 1, 1, 1, 1, 0, 0),
        make(EV_GLOBRUNQGET, 3600, 1, 1, 0, 2, 1, 0),
        make(EV_EXECUTE, 3650, 1, 1, 2, 2, 3, 0),
        make(EV_EXIT, 4000, 1, 1, 2, 0, 0, 0),
    };
    memcpy(ev, s, sizeof s);
    return TS_SAMPLE_EVENTS;
}

int ts_write_sample_file(const char *path) {
    static const uint8_t scenario[] = {0x01, 0x02, 0x00, 0x7f};
    const tr_section secs[] = {
        {TR_SEC_SCENARIO, scenario, sizeof scenario},
        {TR_SEC_CONFIG, TS_SAMPLE_CONFIG, sizeof TS_SAMPLE_CONFIG - 1},
    };
    tr_event ev[TS_SAMPLE_EVENTS];
    size_t n = ts_sample(ev);
    tr_error err;
    return tr_write_file(path, secs, 2, ev, n, NULL, &err);
}
