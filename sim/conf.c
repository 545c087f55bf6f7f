/* sim/conf.c: the configuration key table and its text form (see conf.h). */
#include "conf.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

const sim_conf_key sim_conf_keys[] = {
#define X(key, type, field, min, max, unit, doc) \
    {#key, SCT_##type, offsetof(sim_config, field), (uint64_t)(min), (uint64_t)(max), unit, doc},
#include "conf.def"
#undef X
};
const size_t sim_conf_nkeys = sizeof sim_conf_keys / sizeof sim_conf_keys[0];

const cf_range sim_conf_ranges[SIMK__COUNT] = {
#define X(key, type, field, min, max, unit, doc) [SIMK_##key] = {(uint64_t)(min), (uint64_t)(max)},
#include "conf.def"
#undef X
};

/* The repeated-key check of sim_config_parse keeps one bit per key. */
_Static_assert(sizeof sim_conf_keys / sizeof sim_conf_keys[0] <= 64, "at most 64 configuration keys");

/* The widest PCT depth the driver keeps change points for (driver.h). */
enum { PCT_DEPTH_MAX = 16 };

const sim_conf_key *sim_conf_find(const char *name) {
    for (size_t i = 0; i < sim_conf_nkeys; i++)
        if (strcmp(sim_conf_keys[i].name, name) == 0)
            return &sim_conf_keys[i];
    return NULL;
}

static void *field(sim_config *cfg, const sim_conf_key *k) { return (char *)cfg + k->offset; }
static const void *cfield(const sim_config *cfg, const sim_conf_key *k) { return (const char *)cfg + k->offset; }

uint64_t sim_conf_get(const sim_config *cfg, const sim_conf_key *k) {
    const void *f = cfield(cfg, k);
    switch (k->type) {
    case SCT_U64: return *(const uint64_t *)f;
    case SCT_I64: return (uint64_t) * (const int64_t *)f;
    case SCT_U32: return *(const uint32_t *)f;
    case SCT_I32: return (uint64_t)(int64_t) * (const int32_t *)f;
    case SCT_SIZE: return *(const size_t *)f;
    case SCT_BOOL: return *(const bool *)f;
    case SCT_STRATEGY: return (uint64_t)cfg->pct_depth;
    default: return (uint64_t)(int64_t) * (const int *)f;
    }
}

/* Is the stored value within the row?  Signed fields compare as signed, so
 * a negative value is out of range rather than huge. */
static bool in_range(const sim_config *cfg, const sim_conf_key *k) {
    const void *f = cfield(cfg, k);
    switch (k->type) {
    case SCT_I64: return *(const int64_t *)f >= (int64_t)k->min && *(const int64_t *)f <= (int64_t)k->max;
    case SCT_I32: return *(const int32_t *)f >= (int64_t)k->min && *(const int32_t *)f <= (int64_t)k->max;
    case SCT_STRATEGY:
        return cfg->strategy == STRAT_RANDOM || cfg->strategy == STRAT_RR ||
               (cfg->strategy == STRAT_PCT && cfg->pct_depth >= 1 && cfg->pct_depth <= PCT_DEPTH_MAX);
    case SCT_MUTANT: return cfg->rt.mutant >= 0 && cfg->rt.mutant < MUT__COUNT;
    default: {
        uint64_t v = sim_conf_get(cfg, k);
        return v >= k->min && v <= k->max;
    }
    }
}

static void duration_text(int64_t ns, char *buf, size_t len);

static void range_why(const sim_conf_key *k, const char *shown, char *why, size_t why_len) {
    char max[48] = "";
    if (strcmp(k->unit, "ns") == 0) {
        char d[32];
        duration_text((int64_t)k->max, d, sizeof d);
        snprintf(max, sizeof max, " (at most %s)", d);
    }
    if (k->type == SCT_STRATEGY || k->type == SCT_MUTANT)
        snprintf(why, why_len, "%s=%s is not valid (%s)", k->name, shown, k->doc);
    else
        snprintf(why, why_len, "%s=%s is out of range %" PRIu64 "..%" PRIu64 "%s%s%s", k->name, shown, k->min,
                 k->max, k->unit[0] ? " " : "", k->unit, max);
}

bool sim_conf_set(sim_config *cfg, const sim_conf_key *k, uint64_t v, char *why, size_t why_len) {
    assert(k->type != SCT_STRATEGY && k->type != SCT_MUTANT);
    if (v < k->min || v > k->max) {
        char shown[24];
        snprintf(shown, sizeof shown, "%" PRIu64, v);
        range_why(k, shown, why, why_len);
        return false;
    }
    void *f = field(cfg, k);
    switch (k->type) {
    case SCT_U64: *(uint64_t *)f = v; break;
    case SCT_I64: *(int64_t *)f = (int64_t)v; break;
    case SCT_U32: *(uint32_t *)f = (uint32_t)v; break;
    case SCT_I32: *(int32_t *)f = (int32_t)v; break;
    case SCT_SIZE: *(size_t *)f = (size_t)v; break;
    default: *(bool *)f = v != 0; break;
    }
    return true;
}

/* Decimal digits only (no sign, no blanks), at most UINT64_MAX. */
static bool parse_u64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (*s == 0)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool set_strategy(sim_config *cfg, const char *v) {
    uint64_t d = 0;
    if (strcmp(v, "random") == 0)
        cfg->strategy = STRAT_RANDOM;
    else if (strcmp(v, "rr") == 0)
        cfg->strategy = STRAT_RR;
    else if (strncmp(v, "pct:", 4) == 0 && parse_u64(v + 4, &d) && d >= 1 && d <= PCT_DEPTH_MAX) {
        cfg->strategy = STRAT_PCT;
        cfg->pct_depth = (int)d;
    } else
        return false;
    return true;
}

/* "; did you mean ready-skips-wakep?" after why, when a name is close. */
static void suggest_mutant(const char *text, char *why, size_t why_len) {
    const char *names[MUT__COUNT];
    for (int i = 0; i < MUT__COUNT; i++)
        names[i] = rt_mutant_name(i);
    const char *s = cf_suggest(text, names, MUT__COUNT);
    size_t n = strlen(why);
    if (s != NULL && n < why_len)
        snprintf(why + n, why_len - n, "; did you mean %s?", s);
}

bool sim_conf_set_text(sim_config *cfg, const sim_conf_key *k, const char *text, char *why, size_t why_len) {
    char shown[48];
    snprintf(shown, sizeof shown, "%s", text);
    bool ok = true;
    if (k->type == SCT_STRATEGY) {
        ok = set_strategy(cfg, text);
    } else if (k->type == SCT_MUTANT) {
        int mu = rt_mutant_by_name(text);
        ok = mu >= 0;
        if (ok)
            cfg->rt.mutant = mu;
    } else {
        uint64_t v;
        if (!parse_u64(text, &v)) {
            snprintf(why, why_len, "%s=%s is not a decimal number", k->name, shown);
            return false;
        }
        return sim_conf_set(cfg, k, v, why, why_len);
    }
    if (!ok)
        range_why(k, shown, why, why_len);
    if (!ok && k->type == SCT_MUTANT)
        suggest_mutant(text, why, why_len);
    return ok;
}

bool sim_config_check(const sim_config *cfg, char *why, size_t why_len) {
    for (size_t i = 0; i < sim_conf_nkeys; i++) {
        const sim_conf_key *k = &sim_conf_keys[i];
        if (in_range(cfg, k))
            continue;
        char shown[24];
        if (k->type == SCT_I64 || k->type == SCT_I32 || k->type == SCT_MUTANT)
            snprintf(shown, sizeof shown, "%" PRId64, (int64_t)sim_conf_get(cfg, k));
        else
            snprintf(shown, sizeof shown, "%" PRIu64, sim_conf_get(cfg, k));
        range_why(k, shown, why, why_len);
        return false;
    }
    return true;
}

/* One key's value as sim_config_format writes it. */
static void format_value(const sim_config *cfg, const sim_conf_key *k, char *buf, size_t len) {
    if (k->type == SCT_STRATEGY && cfg->strategy == STRAT_PCT)
        snprintf(buf, len, "pct:%d", cfg->pct_depth);
    else if (k->type == SCT_STRATEGY)
        snprintf(buf, len, "%s", cfg->strategy == STRAT_RR ? "rr" : "random");
    else if (k->type == SCT_MUTANT)
        snprintf(buf, len, "%s", rt_mutant_name(cfg->rt.mutant));
    else if (k->type == SCT_I64 || k->type == SCT_I32)
        snprintf(buf, len, "%" PRId64, (int64_t)sim_conf_get(cfg, k));
    else
        snprintf(buf, len, "%" PRIu64, sim_conf_get(cfg, k));
}

size_t sim_config_format(const sim_config *cfg, char *buf, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < sim_conf_nkeys; i++) {
        char v[48];
        format_value(cfg, &sim_conf_keys[i], v, sizeof v);
        int w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "%s=%s\n", sim_conf_keys[i].name, v);
        if (w < 0)
            return 0;
        n += (size_t)w;
    }
    return n;
}

/* One "key=value" line (NUL-terminated, no newline); seen tracks repeats. */
static bool parse_line(sim_config *cfg, char *kv, uint64_t *seen, char *why, size_t why_len) {
    char *eq = strchr(kv, '=');
    if (eq == NULL) {
        snprintf(why, why_len, "no '=' in \"%.40s\"", kv);
        return false;
    }
    *eq = 0;
    const sim_conf_key *k = sim_conf_find(kv);
    if (k == NULL) {
        snprintf(why, why_len, "unknown key \"%.40s\"", kv);
        return false;
    }
    uint64_t bit = UINT64_C(1) << (k - sim_conf_keys);
    if (*seen & bit) {
        snprintf(why, why_len, "key %s given twice", k->name);
        return false;
    }
    *seen |= bit;
    return sim_conf_set_text(cfg, k, eq + 1, why, why_len);
}

bool sim_config_parse(const char *text, size_t len, sim_config *cfg, char *why, size_t why_len) {
    sim_config_default(cfg);
    uint64_t seen = 0;
    size_t i = 0;
    for (int line = 1; i < len; line++) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        char kv[128];
        if (e - i >= sizeof kv || memchr(text + i, 0, e - i) != NULL) {
            snprintf(why, why_len, "config line %d: longer than %zu bytes or holds a NUL", line, sizeof kv - 1);
            return false;
        }
        memcpy(kv, text + i, e - i);
        kv[e - i] = 0;
        i = e + 1;
        char w[160];
        if (kv[0] != 0 && !parse_line(cfg, kv, &seen, w, sizeof w)) {
            snprintf(why, why_len, "config line %d: %s", line, w);
            return false;
        }
    }
    return true;
}

/* ns in the largest unit that divides it exactly ("76h"). */
static void duration_text(int64_t ns, char *buf, size_t len) {
    static const struct {
        int64_t ns;
        const char *unit;
    } units[] = {{3600000000000, "h"}, {60000000000, "m"}, {1000000000, "s"}, {1000000, "ms"}, {1000, "us"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (ns > 0 && ns % units[i].ns == 0) {
            snprintf(buf, len, "%" PRId64 "%s", ns / units[i].ns, units[i].unit);
            return;
        }
    snprintf(buf, len, "%" PRId64 "ns", ns);
}

bool sim_conf_parse_duration(const char *text, int64_t max_ns, int64_t *ns, char *why, size_t why_len) {
    const char *w = sc_duration_parse(text, strlen(text), max_ns, ns);
    if (w == NULL)
        return true;
    char max[32];
    duration_text(max_ns, max, sizeof max);
    if (strcmp(w, "is longer than the limit") == 0)
        snprintf(why, why_len, "duration '%.40s' is longer than the limit of %s", text, max);
    else
        snprintf(why, why_len, "duration '%.40s' %s", text, w);
    return false;
}

bool sim_conf_parse_one(const char *key, const char *text, sim_config *out, char *why, size_t why_len) {
    sim_config_default(out);
    return sim_conf_set_text(out, sim_conf_find(key), text, why, why_len);
}
