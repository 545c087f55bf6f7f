/*
 * sim/run.c: configuring, starting and finishing a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/stack.h"
#include "runtime/platform.h"
#include "runtime/runtime.h"
#include "sim/conf.h"
#include "sim/driver.h"
#include "sim/interp.h"
#include "sim/oracle.h"
#include "sim/scenario.h"

/* The headroom above the largest budget holds the longest step a thread can
 * take past it before the next check (sim.h): a scenario's longest system
 * call, the largest costs (conf.def: 1 s each, a wakeup adds two), the
 * longest OS stall (driver.c, stall_ns: under 36 ms) and the largest jitter. */
_Static_assert(SIM_VT_LIMIT_MAX + SC_MAX_DURATION_NS + 4LL * 1000000000 + 36000000 + 1000000 < TR_TIME_MAX,
               "SIM_VT_LIMIT_MAX leaves room for one step below 2^48 ns");

static const char *const outcome_names[OUT__COUNT] = {
    [OUT_OK] = "ok",           [OUT_DEADLOCK] = "deadlock", [OUT_INVARIANT] = "invariant",
    [OUT_HANG] = "hang",       [OUT_RESOURCE] = "resource", [OUT_PANIC] = "panic",
    [OUT_REJECTED] = "rejected", [OUT_BUDGET] = "budget",
};

static const int outcome_codes[OUT__COUNT] = {
    [OUT_OK] = EXIT_OK,         [OUT_DEADLOCK] = EXIT_DEADLOCK, [OUT_INVARIANT] = EXIT_INVARIANT,
    [OUT_HANG] = EXIT_HANG,     [OUT_RESOURCE] = EXIT_RESOURCE, [OUT_PANIC] = EXIT_PANIC,
    [OUT_REJECTED] = EXIT_REJECTED, [OUT_BUDGET] = EXIT_HANG,
};

const char *sim_outcome_name(int o) { return o >= 0 && o < OUT__COUNT ? outcome_names[o] : "?"; }
int sim_outcome_exit_code(int o) { return o >= 0 && o < OUT__COUNT ? outcome_codes[o] : 1; }

void sim_config_default(sim_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    rt_config_default(&cfg->rt);
    cfg->rt.gomaxprocs = 0;              /* 0: take the scenario's */
    cfg->strategy = STRAT_RANDOM;
    cfg->pct_depth = 3;
    cfg->pct_steps = 100000;
    cfg->seed = 1;
    cfg->trace_on = true;
    cfg->vt_limit_ns = 60LL * 1000 * 1000 * 1000;   /* one virtual minute */
    cfg->max_schedules = 50 * 1000 * 1000;
    /* Virtual costs, in ns, of one step of each kind.  Atomics and
     * uncontended locks: roughly what they cost on a current x86 core.
     * The rest were measured on real Go 1.19 on this machine class
     * (tests/calibration, docs/simulator.md "Costs"); wake latency and
     * thread start are the medians of distributions a run draws from
     * (sim/costs.def). */
    cfg->costs = (sim_costs){
        .atomic = 2,
        .lock = 10,
        .unlock = 5,
        .note_sleep = 100,
        .note_wake = 100,
        .wake_latency = sim_cost_median(SIM_COST_WAKE_LATENCY),
        .newosproc = sim_cost_median(SIM_COST_THREAD_START),
        .osyield = 1300,
        .procyield = 600,
        .syscall = 1100,
    };
}

/* Per-event hook: schedule a check at the next yield point, then pass the
 * event to the caller's hook. */
static tr_hook_fn user_hook;
static void *user_hook_ctx;

static void event_hook(void *ctx, uint64_t seq, const tr_event *e) {
    (void)ctx;
    bool judge = simw.check && !simw.ending;
    if (judge) {
        check_note_event(e);
        simw.check_pending = true;
        simw.next_vt = INT64_MIN;
    }
    if (user_hook != NULL)
        user_hook(user_hook_ctx, seq, e);
    /* The oracles judge last: a judge may end the run at this event, and
     * the caller's hook (replay's comparison) must have seen it first. */
    if (judge && !simw.ending)
        oracle_on_event(seq, e);
}

/* A caller's sink runs on the service stack: a chunk may fill on a
 * goroutine's small stack, and sinks compress and write files. */
typedef struct sink_call {
    const tr_sink *sink;
    const tr_event *ev;
    size_t n;
    uint64_t first_seq;
} sink_call;

static void sink_call_fn(void *cv) {
    sink_call *c = cv;
    c->sink->chunk(c->sink->ctx, c->ev, c->n, c->first_seq);
}

static void sink_on_service(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    sink_call c = {ctx, ev, n, first_seq};
    sim_on_service(sink_call_fn, &c);
}

static rt_config run_rt;       /* the runtime configuration of this run */
static gofunc run_main;        /* the program's main and its argument */

static void boot_entry(void *arg, void *unused) {
    (void)unused;
    rt0_go(&run_rt, run_main, arg);
}

static bool setup_world(const scenario *sc, const sim_config *cfg) {
    memset(&simw, 0, sizeof simw);
    simw.sc = sc;
    simw.cost = cfg->costs;
    simw.fixed_costs = cfg->fixed_costs;
    simw.strategy = cfg->strategy;
    simw.stall_den = cfg->stall_den;
    simw.preempt_den = cfg->preempt_den;
    simw.jitter_ns = cfg->jitter_ns;
    /* 0: the largest budget whose last step still has a 48-bit time (sim.h). */
    simw.vt_limit = cfg->vt_limit_ns > 0 ? cfg->vt_limit_ns : SIM_VT_LIMIT_MAX;
    simw.max_schedules = cfg->max_schedules ? cfg->max_schedules : UINT64_MAX;
    simw.max_events = cfg->max_events;
    simw.check = cfg->check;
    simw.check_mode = cfg->check_mode;
    check_begin_run();
    simw.strict_work = cfg->strict_work;
    simw.bounded_wait = cfg->bounded_wait;
    simw.invariant = -1;
    oracle_reset();
    if (!tr_init(&simw.tr, cfg->trace_on || cfg->check || cfg->hook != NULL))
        return false;
    for (int i = 0; i < cfg->nsinks; i++) {
        simw.user_sinks[i] = cfg->sinks[i];
        tr_add_sink(&simw.tr, (tr_sink){sink_on_service, &simw.user_sinks[i]});
    }
    user_hook = cfg->hook;
    user_hook_ctx = cfg->hook_ctx;
    if (cfg->check || cfg->hook != NULL)
        tr_set_hook(&simw.tr, event_hook, NULL);
    if (cfg->choice_fn != NULL)
        choice_init_fn(&simw.choice, cfg->choice_fn, cfg->choice_ctx);
    else if (cfg->replay != NULL)
        choice_init_replay(&simw.choice, cfg->replay, cfg->nreplay);
    else if (cfg->bytes != NULL)
        choice_init_bytes(&simw.choice, cfg->bytes, cfg->nbytes);
    else
        choice_init_prng(&simw.choice, cfg->seed);
    simw.threads = calloc(SIM_MAX_THREADS, sizeof(sim_thread *));
    simw.heap = calloc(SIM_MAX_THREADS, sizeof(sim_thread *));
    if (simw.threads == NULL || simw.heap == NULL)
        return false;
    if (!gmp_stack_get(1u << 20, &simw.service))
        return false;
    return true;
}

static void setup_pct(const sim_config *cfg) {
    simw.pct_next_low = cfg->pct_depth - 1;
    int n = cfg->pct_depth - 1;
    if (n > 16)
        n = 16;
    for (int i = 0; i < n; i++) {
        uint32_t k = cfg->pct_steps > UINT32_MAX ? UINT32_MAX : (uint32_t)cfg->pct_steps;
        simw.pct_change[i] = (uint64_t)sim_choose(CH_PCT_CHANGE, k ? k : 1) + 1;
    }
    simw.pct_nchange = n;
}

/* A 'resource' end that a malloc or mmap of this process caused (the
 * messages of sim_alloc, the checker, setup and the stack allocator), as
 * opposed to a limit of the model (goroutines, threads, max_stack_bytes). */
static bool host_memory(const sim_result *res) {
    return res->outcome == OUT_RESOURCE &&
           (strstr(res->message, "out of memory") != NULL || strstr(res->message, "cannot allocate") != NULL);
}

static void collect(sim_result *res) {
    res->outcome = simw.outcome;
    res->exit_status = simw.exit_status;
    snprintf(res->message, sizeof res->message, "%s", simw.message);
    res->invariant = simw.invariant;
    res->violation_seq = simw.violation_seq;
    res->site_fn = simw.site.fn;
    res->site_kind = simw.site.fn != NULL ? (int)simw.site.kind : -1;
    res->digest = tr_digest(&simw.tr);
    res->events = tr_seq(&simw.tr);
    memcpy(res->counts, simw.tr.counts, sizeof res->counts);
    int64_t end = simw.clock;
    for (uint32_t i = 0; i < simw.nthreads; i++)
        if (simw.threads[i]->vt > end && simw.threads[i]->state == TH_RUNNING)
            end = simw.threads[i]->vt;
    if (simw.cur != NULL && simw.cur->vt > end)
        end = simw.cur->vt;
    res->end_time_ns = end;
    if (simw.nmarks > 0) {
        res->marks = malloc(simw.nmarks * sizeof(uint32_t));
        if (res->marks != NULL) {
            memcpy(res->marks, simw.marks, simw.nmarks * sizeof(uint32_t));
            res->nmarks = simw.nmarks;
        }
    }
    res->choices = simw.choice.draws;
    res->schedules = sched.nschedule;
    res->checks = simw.checks;
    res->full_checks = simw.full_checks;
    res->check_misses = simw.check_misses;
    res->check_first_miss = simw.check_first_miss;
    res->gs = allglen;
    res->ms = simw.nthreads;
    res->yield_points = simw.yields;
    res->yield_switches = simw.yield_switches;
    res->replay_diverged = simw.choice.diverged;
    res->replay_diverged_at = simw.choice.diverged_at;
    res->host_memory = host_memory(res);
}

static void teardown_world(void) {
    rt_teardown();
    gmp_stack_put(&simw.service);
    free(simw.threads);
    free(simw.heap);
    tr_free(&simw.tr);
    sim_arena_release();
    memset(&simw, 0, sizeof simw);
}

/* ---- stack overflow: "goroutine N: stack overflow" ----
 * Runs in the SIGSEGV handler, on its alternate stack: no allocation, no
 * stdio, just a scan of this run's stacks and a hand-made decimal. */
static size_t put_dec(char *buf, size_t len, const char *prefix, int64_t v) {
    size_t o = 0;
    for (; *prefix && o + 1 < len; prefix++)
        buf[o++] = *prefix;
    char digits[24];
    int nd = 0;
    uint64_t u = v < 0 ? 0 : (uint64_t)v;
    do {
        digits[nd++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0 && nd < 23);
    while (nd > 0 && o + 1 < len)
        buf[o++] = digits[--nd];
    buf[o] = 0;
    return o;
}

static bool describe_overflow(void *addr, char *buf, size_t len) {
    for (uint32_t i = 0; i < allglen; i++)
        if (gmp_stack_in_guard(&allgs[i]->stack, addr)) {
            put_dec(buf, len, "goroutine ", allgs[i]->goid);
            return true;
        }
    for (m *mp = allm; mp != NULL; mp = mp->alllink)
        if (mp->g0 != NULL && gmp_stack_in_guard(&mp->g0->stack, addr)) {
            put_dec(buf, len, "g0 of m", mp->id);
            return true;
        }
    if (m0 != NULL && m0->g0 != NULL && gmp_stack_in_guard(&m0->g0->stack, addr)) {
        put_dec(buf, len, "g0 of m", 0);
        return true;
    }
    return false;
}

/* Boot the runtime on m0 with mainfn(arg) as main, run until the end. */
static int run_world(const scenario *sc, gofunc mainfn, void *arg, int32_t procs, const sim_config *cfg,
                     sim_result *res) {
    char why[160];
    if (!sim_config_check(cfg, why, sizeof why)) {
        res->outcome = OUT_REJECTED;
        snprintf(res->message, sizeof res->message, "invalid configuration: %s", why);
        return res->outcome;
    }
    if (!setup_world(sc, cfg)) {
        res->outcome = OUT_RESOURCE;
        snprintf(res->message, sizeof res->message, "cannot allocate the simulator");
        res->host_memory = true;
        teardown_world();
        return res->outcome;
    }
    run_rt = cfg->rt;
    if (run_rt.g0_stack_bytes > run_rt.max_stack_bytes) {
        /* m0's stack is allocated on the host stack, before any thread can
         * end the run: refuse here rather than fail where nothing can. */
        res->outcome = OUT_RESOURCE;
        snprintf(res->message, sizeof res->message,
                 "runtime: stack memory limit exceeded (max_stack_bytes=%llu cannot hold m0's %zu-byte stack)",
                 (unsigned long long)run_rt.max_stack_bytes, run_rt.g0_stack_bytes);
        teardown_world();
        return res->outcome;
    }
    if (run_rt.gomaxprocs <= 0 && sc != NULL) {
        /* Go starts with start_procs Ps, and main's runtime.GOMAXPROCS
         * changes that; --procs overrides both. */
        run_rt.gomaxprocs = sc->start_procs != 0 ? sc->start_procs : procs;
        if (sc->start_procs != 0)
            simw.main_gomaxprocs = procs;
    }
    if (sc != NULL && sc->no_os)
        run_rt.imports_os = false;
    if (run_rt.gomaxprocs <= 0)
        run_rt.gomaxprocs = procs;
    run_main = mainfn;
    rt_xfer_on = cfg->check;
    rt_last_site = (rt_site){NULL, 0};
    rt_throw_fn = NULL;
    if (cfg->strategy == STRAT_PCT) {
        simw.pct_depth = cfg->pct_depth;
        setup_pct(cfg);
    }
    gmp_stack_install_overflow_handler(describe_overflow, EXIT_RESOURCE);
    m *mp0 = rt_alloc_m0(&run_rt);
    sim_thread *t0 = sim_new_thread(mp0);
    t0->sp = gmp_ctx_make(&mp0->g0->stack, mp0->g0->stack.hi, boot_entry, arg, NULL);
    t0->state = TH_RUNNING;
    simw.cur = t0;
    simw.g = mp0->g0;
    sim_recompute_next();
    gmp_ctx_switch(&simw.host_sp, t0->sp, &mp0->g0->stack, NULL, NULL);
    /* The run has ended: sim_end switched back here, to the host stack,
     * which is big enough for the last sink calls. */
    simw.on_service = true;
    collect(res);
    teardown_world();
    rt_xfer_on = false;
    return res->outcome;
}

int sim_run(const scenario *sc, const sim_config *cfg, sim_result *res) {
    memset(res, 0, sizeof *res);
    res->invariant = -1;
    const char *why = sc_validate(sc);
    if (why != NULL) {
        res->outcome = OUT_REJECTED;
        snprintf(res->message, sizeof res->message, "invalid scenario: %s", why);
        return res->outcome;
    }
    return run_world(sc, interp_main, (void *)sc, sc->gomaxprocs, cfg, res);
}

int sim_run_program(gofunc mainfn, void *arg, int32_t procs, const sim_config *cfg, sim_result *res) {
    memset(res, 0, sizeof *res);
    res->invariant = -1;
    return run_world(NULL, mainfn, arg, procs, cfg, res);
}

void sim_result_free(sim_result *res) {
    free(res->marks);
    res->marks = NULL;
    res->nmarks = 0;
}
