/*
 * sim/plugin.c: the plugin loader (sim/plugin.h) and the read-only
 * accessors of include/gmpsim/plugin.h over the runtime's globals.
 *
 * A registered plugin invariant runs through trampoline(): it wraps the
 * driver's inv_view in a gmpsim_view for the duration of the call.  The
 * M and global-queue tables are built lazily, once per call.
 */
#include "sim/plugin.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "gmpsim/plugin.h"
#include "runtime/runtime2.h"
#include "sim/invariant.h"
#include "sim/sim.h"
#include "traces/trace.h"
#include "traces/values.h"

/* ---- the view ---- */

struct gmpsim_view {
    const inv_view *iv;
};

/* Per-call tables (process-wide: checks run on one thread). */
static struct {
    bool ms_built, gq_built;
    const m **ms;
    uint32_t nms, capms;
    const g **gq;
    uint32_t ngq, capgq;
} cache;

static bool grow(void *pp, uint32_t *cap, uint32_t need, size_t elem) {
    if (need <= *cap)
        return true;
    uint32_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*(void **)pp, n * elem);
    if (q == NULL)
        return false;
    *(void **)pp = q;
    *cap = n;
    return true;
}

static void build_ms(void) {
    if (cache.ms_built)
        return;
    cache.ms_built = true;
    uint32_t n = 0;
    for (const m *mp = allm; mp != NULL && n < UINT32_MAX; mp = mp->alllink)
        n++;
    cache.nms = 0;
    if (!grow(&cache.ms, &cache.capms, n, sizeof *cache.ms))
        return;
    cache.nms = n;
    for (const m *mp = allm; mp != NULL && n > 0; mp = mp->alllink)
        cache.ms[--n] = mp;   /* allm is newest first; index 0 is the oldest */
}

static void build_gq(void) {
    if (cache.gq_built)
        return;
    cache.gq_built = true;
    uint32_t want = sched.runqsize > 0 ? (uint32_t)sched.runqsize : 0;
    cache.ngq = 0;
    if (want > allglen || !grow(&cache.gq, &cache.capgq, want, sizeof *cache.gq))
        return;
    for (const g *gp = sched.runq.head; gp != NULL && cache.ngq < want; gp = gp->schedlink)
        cache.gq[cache.ngq++] = gp;
}

static const m *m_at(uint32_t i) {
    build_ms();
    return i < cache.nms ? cache.ms[i] : NULL;
}

static const g *g_at(uint32_t i) { return i < allglen ? allgs[i] : NULL; }

static const p *p_at(int32_t i) { return i >= 0 && i < allplen ? allp[i] : NULL; }

static int64_t goid_of(const g *gp) { return gp != NULL ? gp->goid : -1; }

/* ---- the point being checked ---- */

uint64_t gmpsim_event(const gmpsim_view *v) { return v->iv->seq; }
int64_t gmpsim_now(const gmpsim_view *v) { return v->iv->now; }
bool gmpsim_quiescent(const gmpsim_view *v) { return v->iv->quiescent; }
bool gmpsim_world_stopped(const gmpsim_view *v) { return v->iv->world_stopped; }
uint32_t gmpsim_pending_wakeups(const gmpsim_view *v) { return v->iv->pending_wakeups; }

uint64_t gmpsim_counter_get(const gmpsim_view *v, gmpsim_counter c) {
    (void)v;
    switch (c) {
    case GMPSIM_GOMAXPROCS: return (uint64_t)gomaxprocs;
    case GMPSIM_NPIDLE: return sched.npidle;
    case GMPSIM_NMSPINNING: return sched.nmspinning;
    case GMPSIM_NMIDLE: return (uint64_t)sched.nmidle;
    case GMPSIM_RUNQSIZE: return (uint64_t)sched.runqsize;
    case GMPSIM_NSCHEDULE: return sched.nschedule;
    case GMPSIM_GOIDGEN: return sched.goidgen;
    case GMPSIM_MCOUNT: return (uint64_t)sched.mnext;
    case GMPSIM_GCWAITING: return sched.gcwaiting;
    case GMPSIM_COUNTER_COUNT: break;
    }
    return 0;
}

/* ---- Ps ---- */

int32_t gmpsim_p_count(const gmpsim_view *v) { return (void)v, allplen; }

int gmpsim_p_status(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL ? (int)pp->status : -1;
}

int64_t gmpsim_p_m(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL && pp->m != NULL ? pp->m->id : -1;
}

int64_t gmpsim_p_runnext(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL ? goid_of(pp->runnext) : -1;
}

uint32_t gmpsim_p_runq_len(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL ? pp->runqtail - pp->runqhead : 0;
}

int64_t gmpsim_p_runq_goid(const gmpsim_view *v, int32_t i, uint32_t k) {
    const p *pp = ((void)v, p_at(i));
    if (pp == NULL || k >= pp->runqtail - pp->runqhead || k >= RUNQ_LEN)
        return -1;
    return goid_of(pp->runq[(pp->runqhead + k) % RUNQ_LEN]);
}

uint32_t gmpsim_p_schedtick(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL ? pp->schedtick : 0;
}

uint32_t gmpsim_p_timers(const gmpsim_view *v, int32_t i) {
    const p *pp = ((void)v, p_at(i));
    return pp != NULL && pp->ntimers > 0 ? (uint32_t)pp->ntimers : 0;
}

int64_t gmpsim_globrunq_goid(const gmpsim_view *v, uint32_t i) {
    (void)v;
    build_gq();
    return i < cache.ngq ? goid_of(cache.gq[i]) : -1;
}

/* ---- Ms ---- */

uint32_t gmpsim_m_count(const gmpsim_view *v) { return (void)v, build_ms(), cache.nms; }

int64_t gmpsim_m_id(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL ? mp->id : -1;
}

int32_t gmpsim_m_p(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL && mp->p != NULL ? mp->p->id : -1;
}

int64_t gmpsim_m_curg(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL ? goid_of(mp->curg) : -1;
}

bool gmpsim_m_spinning(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL && mp->spinning;
}

bool gmpsim_m_blocked(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL && mp->blocked;
}

bool gmpsim_m_is_sysmon(const gmpsim_view *v, uint32_t i) {
    const m *mp = ((void)v, m_at(i));
    return mp != NULL && mp->issysmon;
}

/* ---- Gs ---- */

uint32_t gmpsim_g_count(const gmpsim_view *v) { return (void)v, allglen; }

int64_t gmpsim_g_goid(const gmpsim_view *v, uint32_t i) { return (void)v, goid_of(g_at(i)); }

int gmpsim_g_status(const gmpsim_view *v, uint32_t i) {
    const g *gp = ((void)v, g_at(i));
    return gp != NULL ? (int)gp->atomicstatus : -1;
}

int64_t gmpsim_g_m(const gmpsim_view *v, uint32_t i) {
    const g *gp = ((void)v, g_at(i));
    return gp != NULL && gp->m != NULL ? gp->m->id : -1;
}

int64_t gmpsim_g_runnable_since(const gmpsim_view *v, uint32_t i) {
    const g *gp = ((void)v, g_at(i));
    return gp != NULL ? gp->runnable_since : -1;
}

const char *gmpsim_g_wait_reason(const gmpsim_view *v, uint32_t i) {
    const g *gp = ((void)v, g_at(i));
    if (gp == NULL || gp->atomicstatus != _Gwaiting)
        return "";
    const char *s = tr_value_name(EV_GOPARK, 2, gp->waitreason);
    return s != NULL ? s : "";
}

bool gmpsim_g_is_system(const gmpsim_view *v, uint32_t i) {
    const g *gp = ((void)v, g_at(i));
    return gp != NULL && gp->issystem;
}

/* ---- registration ---- */

typedef struct plugin_inv {
    gmpsim_check_fn fn;
    void *ctx;
} plugin_inv;

static plugin_inv plugin_invs[INV_MAX_USER];   /* process-wide, filled before runs */
static int nplugin_invs;

static bool trampoline(const inv_view *iv, void *ctx, char *why, size_t why_len) {
    const plugin_inv *pi = ctx;
    cache.ms_built = cache.gq_built = false;
    gmpsim_view v = {.iv = iv};
    return pi->fn(&v, pi->ctx, why, why_len);
}

int gmpsim_register_invariant(const char *name, gmpsim_check_fn fn, void *ctx) {
    if (name == NULL || name[0] == 0 || fn == NULL || nplugin_invs >= INV_MAX_USER)
        return -1;
    plugin_inv *pi = &plugin_invs[nplugin_invs];
    *pi = (plugin_inv){fn, ctx};
    int id = gmp_invariant_register(name, trampoline, pi);
    if (id >= 0)
        nplugin_invs++;
    return id;
}

/* ---- loading ---- */

static sim_plugin plugins[SIM_PLUGINS_MAX];
static size_t nplugins;

size_t sim_plugin_count(void) { return nplugins; }
const sim_plugin *sim_plugin_at(size_t i) { return i < nplugins ? &plugins[i] : NULL; }

/* XXH3-64 of the file, and whether it starts like an ELF object. */
static bool hash_file(const char *path, uint64_t *h, bool *elf, char *why, size_t why_len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(why, why_len, "cannot read plugin %s", path);
        return false;
    }
    XXH3_state_t *st = XXH3_createState();
    if (st == NULL) {
        fclose(f);
        snprintf(why, why_len, "out of memory");
        return false;
    }
    XXH3_64bits_reset(st);
    unsigned char buf[1 << 14];
    size_t n, total = 0;
    *elf = false;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (total == 0)
            *elf = n >= 4 && memcmp(buf, "\177ELF", 4) == 0;
        XXH3_64bits_update(st, buf, n);
        total += n;
    }
    bool ok = !ferror(f);
    fclose(f);
    *h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    if (!ok)
        snprintf(why, why_len, "cannot read plugin %s", path);
    return ok;
}

/* dlopen's reason, made actionable. */
static void explain_dlerror(const char *path, const char *e, char *why, size_t why_len) {
    const char *u = e != NULL ? strstr(e, "undefined symbol: ") : NULL;
    if (u != NULL)
        snprintf(why, why_len,
                 "plugin %s needs %s, which this gmpsim does not provide: rebuild it against this gmpsim's "
                 "<gmpsim/plugin.h> and use only its functions",
                 path, u + strlen("undefined symbol: "));
    else
        snprintf(why, why_len, "cannot load plugin %s: %s", path, e != NULL ? e : "unknown error");
}

static int refuse(void *h, char *why, size_t why_len, const char *fmt, const char *path, unsigned a, unsigned b) {
    snprintf(why, why_len, fmt, path, a, b);
    if (h != NULL)
        dlclose(h);
    return EXIT_PLUGIN;
}

static const char abi_mismatch[] = "plugin %s was built for plugin ABI %u, this gmpsim has ABI %u: rebuild it "
                                   "against this gmpsim's <gmpsim/plugin.h> (pkg-config --cflags gmpsim)";

int sim_plugin_load(const char *path, char *why, size_t why_len) {
    if (nplugins >= SIM_PLUGINS_MAX)
        return refuse(NULL, why, why_len, "plugin %s: at most %u plugins", path, SIM_PLUGINS_MAX, 0);
    uint64_t hash;
    bool elf;
    if (!hash_file(path, &hash, &elf, why, why_len))
        return EXIT_PLUGIN;
    if (!elf)
        return refuse(NULL, why, why_len, "plugin %s is not a shared object (build it with cc -shared -fPIC)",
                      path, 0, 0);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        /* Report a plugin built for another ABI as that, not as the first
         * function it misses: look at it once more without binding. */
        char e[400];
        snprintf(e, sizeof e, "%s", dlerror());
        void *lazy = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
        const uint32_t *abi = lazy != NULL ? dlsym(lazy, "gmpsim_plugin_abi") : NULL;
        if (abi != NULL && *abi != GMPSIM_PLUGIN_ABI)
            return refuse(lazy, why, why_len, abi_mismatch, path, *abi, GMPSIM_PLUGIN_ABI);
        if (lazy != NULL)
            dlclose(lazy);
        explain_dlerror(path, e, why, why_len);
        return EXIT_PLUGIN;
    }
    const uint32_t *abi = dlsym(h, "gmpsim_plugin_abi");
    const char *name = dlsym(h, "gmpsim_plugin_name");
    if (abi == NULL || name == NULL)
        return refuse(h, why, why_len,
                      "plugin %s was not built with <gmpsim/plugin.h>: it lacks the GMPSIM_PLUGIN(\"name\") line "
                      "(plugins reading runtime structs are no longer loaded; see docs/invariants.md)",
                      path, 0, 0);
    if (*abi != GMPSIM_PLUGIN_ABI)
        return refuse(h, why, why_len, abi_mismatch, path, *abi, GMPSIM_PLUGIN_ABI);
    void (*init)(void);
    *(void **)&init = dlsym(h, "gmpsim_plugin_init");
    if (init == NULL)
        return refuse(h, why, why_len, "plugin %s has no gmpsim_plugin_init()", path, 0, 0);
    sim_plugin *pl = &plugins[nplugins++];
    snprintf(pl->name, sizeof pl->name, "%.*s", (int)strnlen(name, sizeof pl->name - 1), name);
    pl->hash = hash;
    if (realpath(path, pl->path) == NULL)
        snprintf(pl->path, sizeof pl->path, "%s", path);
    init();
    return EXIT_OK;
}

/* ---- plugins recorded in traces ---- */

size_t sim_plugins_format(char *buf, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < nplugins; i++) {
        int w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "%s %016" PRIx64 "\n", plugins[i].name,
                         plugins[i].hash);
        if (w < 0)
            return 0;
        n += (size_t)w;
    }
    return n;
}

static const sim_plugin *plugin_named(const char *name, size_t len) {
    for (size_t i = 0; i < nplugins; i++)
        if (strlen(plugins[i].name) == len && memcmp(plugins[i].name, name, len) == 0)
            return &plugins[i];
    return NULL;
}

int sim_plugins_check(const char *text, size_t len, char *why, size_t why_len, char *note, size_t note_len) {
    note[0] = 0;
    size_t at = 0;
    for (unsigned line = 0; at < len && line < SIM_PLUGINS_MAX; line++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t ll = nl != NULL ? (size_t)(nl - (text + at)) : len - at;
        const char *sp = memchr(text + at, ' ', ll);
        size_t nlen = sp != NULL ? (size_t)(sp - (text + at)) : ll;
        const char *hash = sp != NULL ? sp + 1 : "";
        int hlen = sp != NULL ? (int)(ll - nlen - 1) : 0;
        const sim_plugin *pl = plugin_named(text + at, nlen);
        if (pl == NULL) {
            snprintf(why, why_len,
                     "the trace was recorded with plugin %.*s (file hash %.*s), which is not loaded: "
                     "replay it with --plugin FILE.so",
                     (int)(nlen < 64 ? nlen : 64), text + at, hlen < 16 ? hlen : 16, hash);
            return EXIT_PLUGIN;
        }
        char mine[17];
        snprintf(mine, sizeof mine, "%016" PRIx64, pl->hash);
        if (note[0] == 0 && (hlen != 16 || memcmp(hash, mine, 16) != 0))
            snprintf(note, note_len, "plugin %s is loaded from a different file than the recorded run's (%.*s, now %s)",
                     pl->name, hlen < 16 ? hlen : 16, hash, mine);
        at += ll + (nl != NULL);
    }
    return EXIT_OK;
}
