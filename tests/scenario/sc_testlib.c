/* tests/scenario/sc_testlib.c: PRNG, random valid scenarios, example files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/scenario/sc_testlib.h"
#include "tests/unit.h"

uint64_t rng_next(rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t rng_below(rng *r, uint32_t n) {
    CHECK(n > 0);
    return (uint32_t)(rng_next(r) % n);
}

static int64_t rng_range(rng *r, int64_t lo, int64_t hi) {
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* ---- names ---- */

/* Names that are also keywords: the text form must still read them. */
static const char *const tricky_names[] = {"send", "recv", "case", "default", "loop", "x16",
                                           "chan", "go", "body", "at", "_", "gomaxprocs"};

/* A unique name for object i: short (prefix and index), or a random
 * identifier of any legal length ending in the index. */
static void gen_name(rng *r, bool short_name, const char *prefix, uint32_t i, char *dst) {
    if (short_name) {
        snprintf(dst, SC_MAX_NAME, "%s%u", prefix, i);
        return;
    }
    uint32_t pick = rng_below(r, 4);
    size_t ntricky = sizeof tricky_names / sizeof tricky_names[0];
    if (pick == 0 && i < ntricky) {
        snprintf(dst, SC_MAX_NAME, "%s", tricky_names[i]);   /* index i: unique */
        return;
    }
    char suffix[16];
    int slen = snprintf(suffix, sizeof suffix, "_%u", i);
    size_t len = 1 + rng_below(r, (uint32_t)(SC_MAX_NAME - 1 - slen));
    static const char first[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
    static const char rest[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
    dst[0] = first[rng_below(r, sizeof first - 1)];
    for (size_t k = 1; k < len; k++)
        dst[k] = rest[rng_below(r, sizeof rest - 1)];
    memcpy(dst + len, suffix, (size_t)slen + 1);
    if (strcmp(dst, "main") == 0)
        dst[0] = 'n';
}

/* ---- ops ---- */

typedef struct gen {
    rng *r;
    scenario *sc;
    bool bin;
    uint32_t budget;    /* ops still allowed */
    uint32_t body;
} gen;

static int64_t gen_duration(gen *g) {
    if (g->bin)
        return rng_below(g->r, 2) ? rng_range(g->r, 0, 999) : rng_range(g->r, 0, 2000) * 1000;
    static const int64_t unit[] = {1, 1000, 1000000, 1000000000};
    int64_t u = unit[rng_below(g->r, 4)];
    return rng_range(g->r, 0, SC_MAX_DURATION_NS / u) * u;
}

static uint32_t spawn_rank(const scenario *sc, uint32_t b) {
    return b == sc->main_body ? 0 : b < sc->main_body ? b + 1 : b;
}

/* A `go` target, or false if none is allowed (binary: later in spawn order). */
static bool gen_go_target(gen *g, uint32_t *out) {
    const scenario *sc = g->sc;
    if (!g->bin) {
        *out = rng_below(g->r, sc->nbodies);
        return true;
    }
    uint32_t later[SC_MAX_BODIES], n = 0;
    for (uint32_t b = 0; b < sc->nbodies; b++)
        if (spawn_rank(sc, b) > spawn_rank(sc, g->body))
            later[n++] = b;
    if (n == 0)
        return false;
    *out = later[rng_below(g->r, n)];
    return true;
}

static uint32_t gen_label(gen *g) {
    scenario *sc = g->sc;
    uint32_t max = g->bin ? SCB_MAX_LABELS : SC_MAX_LABELS;
    if (sc->nlabels > 0 && (sc->nlabels == max || rng_below(g->r, 2)))
        return rng_below(g->r, sc->nlabels);
    uint32_t i = sc->nlabels++;
    if (g->bin || rng_below(g->r, 2))
        snprintf(sc->labels[i], SC_MAX_NAME, "%u", g->bin ? i : (uint32_t)rng_below(g->r, 1000) * 1000 + i);
    else
        gen_name(g->r, false, "L", i, sc->labels[i]);
    return i;
}

static uint32_t emit(gen *g, op_kind kind, uint32_t a, int64_t n) {
    scenario *sc = g->sc;
    CHECK(g->budget > 0 && sc->nops < SC_MAX_OPS);
    g->budget--;
    uint32_t i = sc->nops++;
    sc->ops[i] = (sc_op){.kind = (uint8_t)kind, .a = a, .n = n};
    return i;
}

static void close_range(gen *g, uint32_t i) {
    g->sc->ops[i].child = i + 1;
    g->sc->ops[i].nchild = g->sc->nops - (i + 1);
}

static void gen_block(gen *g, unsigned depth);

static void gen_select(gen *g, unsigned depth) {
    scenario *sc = g->sc;
    uint32_t s = emit(g, OP_SELECT, 0, 0);
    uint32_t ncases = rng_below(g->r, g->bin ? 5 : SC_MAX_CASES + 1);
    bool have_default = false;
    for (uint32_t k = 0; k < ncases && g->budget > 0; k++) {
        int64_t mode = rng_below(g->r, 3);
        if (mode != CASE_DEFAULT && sc->nchans == 0)
            mode = CASE_DEFAULT;
        if (mode == CASE_DEFAULT && have_default)
            break;
        have_default |= mode == CASE_DEFAULT;
        uint32_t a = mode == CASE_DEFAULT ? 0 : rng_below(g->r, sc->nchans);
        uint32_t c = emit(g, OP_CASE, a, mode);
        if (rng_below(g->r, 2))
            gen_block(g, depth);
        close_range(g, c);
    }
    close_range(g, s);
}

/* One op at the given depth (loops/selects around it). */
static void gen_op(gen *g, unsigned depth) {
    scenario *sc = g->sc;
    unsigned max_depth = g->bin ? SCB_MAX_DEPTH : SC_MAX_DEPTH;
    op_kind kind = (op_kind)rng_below(g->r, OP__COUNT);
    uint32_t objs[OP__COUNT] = {
        [OP_MAKE] = sc->nchans, [OP_SEND] = sc->nchans, [OP_RECV] = sc->nchans,
        [OP_CLOSE] = sc->nchans, [OP_LOCK] = sc->nmutexes, [OP_UNLOCK] = sc->nmutexes,
        [OP_WGADD] = sc->nwgs, [OP_WGDONE] = sc->nwgs, [OP_WGWAIT] = sc->nwgs,
    };
    bool indexed = kind == OP_MAKE || kind == OP_SEND || kind == OP_RECV || kind == OP_CLOSE ||
                   kind == OP_LOCK || kind == OP_UNLOCK || kind == OP_WGADD ||
                   kind == OP_WGDONE || kind == OP_WGWAIT;
    uint32_t target = 0;
    if (kind == OP_CASE || (indexed && objs[kind] == 0) ||
        ((kind == OP_LOOP || kind == OP_SELECT) && depth >= max_depth) ||
        (kind == OP_GO && !gen_go_target(g, &target)))
        kind = OP_GOSCHED;
    uint32_t a = kind != OP_GOSCHED && indexed ? rng_below(g->r, objs[kind]) : 0;
    int64_t n = 0;
    bool b = g->bin;
    switch (kind) {
    case OP_GO: a = target; n = rng_range(g->r, 1, b ? SCB_MAX_GO : SC_MAX_REPEAT); break;
    case OP_WORK: case OP_SLEEP: case OP_SYSCALL: n = gen_duration(g); break;
    case OP_MAKE: n = rng_range(g->r, 0, b ? SCB_MAX_CAP : SC_MAX_REPEAT); break;
    case OP_WGADD:
        n = b ? rng_range(g->r, -SCB_MAX_DELTA, SCB_MAX_DELTA) : rng_range(g->r, -SC_MAX_REPEAT, SC_MAX_REPEAT);
        break;
    case OP_GOMAXPROCS: n = rng_range(g->r, 1, b ? SCB_MAX_PROCS : SC_MAX_PROCS); break;
    case OP_EXIT: n = rng_range(g->r, 0, 255); break;
    case OP_MARK: a = gen_label(g); break;
    case OP_SELECT: gen_select(g, depth + 1); return;
    case OP_LOOP: {
        uint32_t i = emit(g, OP_LOOP, 0, rng_range(g->r, 0, b ? SCB_MAX_LOOP : SC_MAX_REPEAT));
        gen_block(g, depth + 1);
        close_range(g, i);
        return;
    }
    default: break;
    }
    emit(g, kind, a, n);
}

static void gen_block(gen *g, unsigned depth) {
    uint32_t n = rng_below(g->r, 7);
    for (uint32_t i = 0; i < n && g->budget > 0; i++)
        gen_op(g, depth);
}

/* ---- the scenario ---- */

static void gen_decls(rng *r, bool bin, scenario *sc) {
    sc->gomaxprocs = (int32_t)rng_range(r, 1, bin ? SCB_MAX_PROCS : SC_MAX_PROCS);
    if (rng_below(r, 4) == 0) {   /* Go started elsewhere; main's call changes it */
        sc->start_procs = (int32_t)rng_range(r, 1, bin ? SCB_MAX_PROCS : SC_MAX_PROCS);
        if (sc->start_procs == sc->gomaxprocs)
            sc->start_procs = 0;
    }
    sc->no_os = rng_below(r, 4) == 0;
    sc->nbodies = 1 + rng_below(r, bin ? SCB_MAX_BODIES : 12);
    sc->main_body = rng_below(r, sc->nbodies);
    sc->nchans = rng_below(r, (bin ? SCB_MAX_CHANS : 10) + 1);
    sc->nmutexes = rng_below(r, (bin ? SCB_MAX_MUTEXES : SC_MAX_MUTEXES) + 1);
    sc->nwgs = rng_below(r, (bin ? SCB_MAX_WGS : SC_MAX_WGS) + 1);
    sc->nevents = rng_below(r, (bin ? SCB_MAX_EVENTS : SC_MAX_EVENTS) + 1);
    for (uint32_t i = 0; i < sc->nbodies; i++) {
        if (i == sc->main_body)
            snprintf(sc->bodies[i].name, SC_MAX_NAME, "main");
        else
            gen_name(r, bin, "b", i, sc->bodies[i].name);
    }
    for (uint32_t i = 0; i < sc->nchans; i++) {
        gen_name(r, bin, "c", i, sc->chans[i].name);
        sc->chans[i].cap = (uint32_t)rng_range(r, 0, bin ? SCB_MAX_CAP : SC_MAX_REPEAT);
    }
    for (uint32_t i = 0; i < sc->nmutexes; i++)
        gen_name(r, bin, "mu", i, sc->mutexes[i]);
    for (uint32_t i = 0; i < sc->nwgs; i++)
        gen_name(r, bin, "wg", i, sc->wgs[i]);
    gen dummy = {.r = r, .sc = sc, .bin = bin};
    for (uint32_t i = 0; i < sc->nevents; i++) {
        int64_t at = gen_duration(&dummy);
        uint32_t j = i;
        for (; j > 0 && sc->events[j - 1].at_ns > at; j--)
            sc->events[j] = sc->events[j - 1];
        sc->events[j] = (sc_event){.at_ns = at, .kind = EVT_GOMAXPROCS,
                                   .arg = rng_range(r, 1, bin ? SCB_MAX_PROCS : SC_MAX_PROCS)};
    }
}

void gen_scenario(rng *r, bool within_binary, scenario *out) {
    memset(out, 0, sizeof *out);
    gen_decls(r, within_binary, out);
    gen g = {.r = r, .sc = out, .bin = within_binary,
             .budget = within_binary ? SCB_MAX_OPS : 600};
    for (uint32_t b = 0; b < out->nbodies; b++) {
        g.body = b;
        out->bodies[b].start = out->nops;
        uint32_t n = rng_below(r, 12);
        for (uint32_t i = 0; i < n && g.budget > 0; i++)
            gen_op(&g, 0);
        out->bodies[b].len = out->nops - out->bodies[b].start;
    }
    const char *why = sc_validate(out);
    if (why != NULL)
        fprintf(stderr, "gen_scenario: invalid: %s\n", why);
    CHECK(why == NULL);
    if (within_binary) {
        why = sc_binary_misfit(out);
        if (why != NULL)
            fprintf(stderr, "gen_scenario: misfit: %s\n", why);
        CHECK(why == NULL);
    }
}

/* ---- examples ---- */

static int cmp_example(const void *a, const void *b) {
    return strcmp(((const example *)a)->name, ((const example *)b)->name);
}

size_t load_examples(example *out, size_t max) {
    DIR *d = opendir(GMP_EXAMPLES_DIR);
    CHECK(d != NULL);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".gmp") != 0)
            continue;
        CHECK(n < max && len - 4 < sizeof out[n].name);
        snprintf(out[n].path, sizeof out[n].path, "%s/%s", GMP_EXAMPLES_DIR, e->d_name);
        memcpy(out[n].name, e->d_name, len - 4);
        out[n].name[len - 4] = '\0';
        FILE *f = fopen(out[n].path, "rb");
        CHECK(f != NULL);
        out[n].text = malloc(1 << 20);
        CHECK(out[n].text != NULL);
        out[n].len = fread(out[n].text, 1, (1 << 20) - 1, f);
        out[n].text[out[n].len] = '\0';
        fclose(f);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_example);
    CHECK(n > 0);
    return n;
}

void free_examples(example *ex, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(ex[i].text);
}

void must_parse(const char *text, scenario *out) {
    sc_error err;
    if (!sc_parse(text, strlen(text), out, &err)) {
        fprintf(stderr, "must_parse: %u:%u: %s\n--- text:\n%s\n", err.line, err.col, err.msg, text);
        exit(1);
    }
}
