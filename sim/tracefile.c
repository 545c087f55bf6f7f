/* sim/tracefile.c: configuration text and runs recorded to trace files. */
#include "tracefile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration text ---- */

static const char *strategy_name(const sim_config *cfg, char *buf, size_t len) {
    if (cfg->strategy == STRAT_PCT)
        snprintf(buf, len, "pct:%d", cfg->pct_depth);
    else
        snprintf(buf, len, "%s", cfg->strategy == STRAT_RR ? "rr" : "random");
    return buf;
}

size_t sim_config_format(const sim_config *cfg, char *buf, size_t len) {
    char strat[32];
    int n = snprintf(buf, len,
                     "seed=%" PRIu64 "\nstrategy=%s\npct_steps=%" PRIu64 "\nprocs=%d\nmutant=%s\ncheck=%d\n"
                     "stall_rate=%u\npreempt_rate=%u\njitter_ns=%u\nvt_limit_ns=%" PRId64 "\nmax_schedules=%" PRIu64
                     "\nmax_events=%" PRIu64 "\nbounded_wait=%" PRIu64 "\nmax_stack_bytes=%" PRIu64 "\nstack_bytes=%zu\nwork_quantum_ns=%" PRId64
                     "\ncost_atomic=%" PRId64 "\ncost_lock=%" PRId64 "\ncost_unlock=%" PRId64
                     "\ncost_note_sleep=%" PRId64 "\ncost_note_wake=%" PRId64 "\ncost_wake_latency=%" PRId64
                     "\ncost_newosproc=%" PRId64 "\ncost_osyield=%" PRId64 "\n",
                     cfg->seed, strategy_name(cfg, strat, sizeof strat), cfg->pct_steps, cfg->rt.gomaxprocs,
                     rt_mutant_name(cfg->rt.mutant), cfg->check ? 1 : 0, cfg->stall_den, cfg->preempt_den, cfg->jitter_ns,
                     cfg->vt_limit_ns, cfg->max_schedules, cfg->max_events, cfg->bounded_wait,
                     cfg->rt.max_stack_bytes, cfg->rt.stack_bytes, cfg->rt.work_quantum_ns, cfg->costs.atomic, cfg->costs.lock,
                     cfg->costs.unlock, cfg->costs.note_sleep, cfg->costs.note_wake, cfg->costs.wake_latency,
                     cfg->costs.newosproc, cfg->costs.osyield);
    return n < 0 ? 0 : (size_t)n;
}

static bool parse_i64(const char *v, int64_t *out) {
    char *end;
    long long x = strtoll(v, &end, 10);
    if (end == v || *end != 0)
        return false;
    *out = x;
    return true;
}

static bool set_strategy(sim_config *cfg, const char *v) {
    if (strcmp(v, "random") == 0)
        cfg->strategy = STRAT_RANDOM;
    else if (strcmp(v, "rr") == 0)
        cfg->strategy = STRAT_RR;
    else if (strncmp(v, "pct:", 4) == 0) {
        int64_t d;
        if (!parse_i64(v + 4, &d) || d < 1 || d > 16)
            return false;
        cfg->strategy = STRAT_PCT;
        cfg->pct_depth = (int)d;
    } else
        return false;
    return true;
}

/* One key: returns false if the key is unknown or the value bad. */
static bool set_key(sim_config *cfg, const char *k, const char *v) {
    int64_t x = 0;
    if (strcmp(k, "strategy") == 0)
        return set_strategy(cfg, v);
    if (strcmp(k, "mutant") == 0) {
        int mu = rt_mutant_by_name(v);
        cfg->rt.mutant = mu;
        return mu >= 0;
    }
    if (!parse_i64(v, &x))
        return false;
    struct {
        const char *key;
        int64_t *i64;
        uint64_t *u64;
        uint32_t *u32;
        int32_t *i32;
    } keys[] = {
        {"seed", NULL, &cfg->seed, NULL, NULL},
        {"pct_steps", NULL, &cfg->pct_steps, NULL, NULL},
        {"procs", NULL, NULL, NULL, &cfg->rt.gomaxprocs},
        {"stall_rate", NULL, NULL, &cfg->stall_den, NULL},
        {"preempt_rate", NULL, NULL, &cfg->preempt_den, NULL},
        {"jitter_ns", NULL, NULL, &cfg->jitter_ns, NULL},
        {"vt_limit_ns", &cfg->vt_limit_ns, NULL, NULL, NULL},
        {"max_schedules", NULL, &cfg->max_schedules, NULL, NULL},
        {"max_events", NULL, &cfg->max_events, NULL, NULL},
        {"bounded_wait", NULL, &cfg->bounded_wait, NULL, NULL},
        {"max_stack_bytes", NULL, &cfg->rt.max_stack_bytes, NULL, NULL},
        {"work_quantum_ns", &cfg->rt.work_quantum_ns, NULL, NULL, NULL},
        {"cost_atomic", &cfg->costs.atomic, NULL, NULL, NULL},
        {"cost_lock", &cfg->costs.lock, NULL, NULL, NULL},
        {"cost_unlock", &cfg->costs.unlock, NULL, NULL, NULL},
        {"cost_note_sleep", &cfg->costs.note_sleep, NULL, NULL, NULL},
        {"cost_note_wake", &cfg->costs.note_wake, NULL, NULL, NULL},
        {"cost_wake_latency", &cfg->costs.wake_latency, NULL, NULL, NULL},
        {"cost_newosproc", &cfg->costs.newosproc, NULL, NULL, NULL},
        {"cost_osyield", &cfg->costs.osyield, NULL, NULL, NULL},
    };
    if (strcmp(k, "check") == 0) {
        cfg->check = x != 0;
        return true;
    }
    if (strcmp(k, "stack_bytes") == 0) {
        if (x < 16384 || x > (1LL << 30))
            return false;
        cfg->rt.stack_bytes = (size_t)x;
        return true;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(k, keys[i].key) != 0)
            continue;
        if (x < 0)
            return false;
        if (keys[i].i64)
            *keys[i].i64 = x;
        else if (keys[i].u64)
            *keys[i].u64 = (uint64_t)x;
        else if (keys[i].u32)
            *keys[i].u32 = (uint32_t)x;
        else if (x <= _MaxGomaxprocs)
            *keys[i].i32 = (int32_t)x;
        else
            return false;
        return true;
    }
    return false;
}

bool sim_config_parse(const char *text, size_t len, sim_config *cfg, char *why, size_t why_len) {
    sim_config_default(cfg);
    size_t i = 0;
    int line = 0;
    while (i < len) {
        line++;
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        char kv[256];
        size_t n = e - i < sizeof kv - 1 ? e - i : sizeof kv - 1;
        memcpy(kv, text + i, n);
        kv[n] = 0;
        i = e + 1;
        if (n == 0)
            continue;
        char *eq = strchr(kv, '=');
        if (eq == NULL) {
            snprintf(why, why_len, "config line %d: no '='", line);
            return false;
        }
        *eq = 0;
        if (!set_key(cfg, kv, eq + 1)) {
            snprintf(why, why_len, "config line %d: bad key or value: %s=%s", line, kv, eq + 1);
            return false;
        }
    }
    return true;
}

/* ---- recording a run ---- */

int sim_run_to_file(const scenario *sc, const sim_config *cfg, const char *path, sim_result *res,
                    tr_error *terr) {
    size_t tlen = sc_format(sc, NULL, 0);
    char *text = malloc(tlen + 1);
    uint8_t *bin = malloc(1 << 16);
    char conf[2048];
    size_t clen = sim_config_format(cfg, conf, sizeof conf);
    size_t blen = 0;
    if (text == NULL || bin == NULL) {
        free(text);
        free(bin);
        memset(res, 0, sizeof *res);
        res->outcome = OUT_RESOURCE;
        terr->cls = TR_ERR_NOMEM;
        return res->outcome;
    }
    sc_format(sc, text, tlen + 1);
    blen = sc_encode(sc, bin, 1 << 16);
    tr_section secs[3] = {
        {TR_SEC_SCENARIO_TEXT, text, tlen},
        {TR_SEC_CONFIG, conf, clen},
        {TR_SEC_SCENARIO, bin, blen},
    };
    tr_writer *w = tr_writer_open(path, secs, blen > 0 ? 3 : 2, NULL, terr);
    int outcome;
    if (w == NULL) {
        outcome = sim_run(sc, cfg, res);
    } else {
        sim_config c = *cfg;
        c.trace_on = true;
        c.sinks[c.nsinks++] = tr_writer_sink(w);
        outcome = sim_run(sc, &c, res);
        tr_writer_finish(w, terr);
    }
    free(text);
    free(bin);
    return outcome;
}
