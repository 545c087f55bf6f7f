/*
 * sim/conf.h: the configuration keys of a run, their ranges, and their
 * text form (the CONF section of a trace file).
 *
 * The keys are the rows of sim/conf.def.  Every path that sets one checks
 * it against that row:
 *   - a trace's CONF text:        sim_config_parse (replay; exit 8 on a bad value)
 *   - a command-line flag:        sim_conf_find + sim_conf_set (after the CLI has
 *                                 turned "1.5ms" or "64" KiB into the key's unit)
 *   - a configuration built in C: sim_config_check, which sim_run calls first
 * A value outside its range is refused with a message naming the key,
 * never clamped or wrapped.
 *
 * Ownership: the table is constant; the functions only touch the
 * sim_config passed in.
 */
#ifndef GMP_SIM_CONF_H
#define GMP_SIM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "traces/flags.h"

enum sim_conf_type {
    SCT_U64, SCT_I64, SCT_U32, SCT_I32, SCT_SIZE, SCT_BOOL,
    SCT_STRATEGY,   /* "random" | "rr" | "pct:D": strategy and pct_depth */
    SCT_MUTANT,     /* a mutant name: rt.mutant */
};

typedef struct sim_conf_key {
    const char *name;     /* "jitter_ns" */
    int type;             /* enum sim_conf_type */
    size_t offset;        /* of the field in sim_config */
    uint64_t min, max;    /* numeric types: the accepted range, in unit */
    const char *unit;     /* "", "ns" or "bytes" */
    const char *doc;
} sim_conf_key;

extern const sim_conf_key sim_conf_keys[];
extern const size_t sim_conf_nkeys;

/* The same rows as ranges for command-line flags (traces/flags.h): a flag
 * that sets key K points its row at &sim_conf_ranges[SIMK_K], so help,
 * docs/cli.md and the range check all show this table's range. */
enum sim_conf_id {
#define X(key, type, field, min, max, unit, doc) SIMK_##key,
#include "sim/conf.def"
#undef X
    SIMK__COUNT
};
extern const cf_range sim_conf_ranges[SIMK__COUNT];

/* The row named name, or NULL. */
const sim_conf_key *sim_conf_find(const char *name);

/* Set a numeric key (not STRATEGY or MUTANT) to v.  false when v is out
 * of range; why gets "jitter_ns=2000000 is out of range 0..1000000 ns". */
bool sim_conf_set(sim_config *cfg, const sim_conf_key *k, uint64_t v, char *why, size_t why_len);

/* Set any key from its text form (what sim_config_format writes). */
bool sim_conf_set_text(sim_config *cfg, const sim_conf_key *k, const char *text, char *why, size_t why_len);

/* One key's text into a fresh default configuration, for a command's own
 * flag (a mutant name, a strategy): false with why when it is refused. */
bool sim_conf_parse_one(const char *key, const char *text, sim_config *out, char *why, size_t why_len);

/* A numeric key's current value (STRATEGY: pct depth; MUTANT: the index). */
uint64_t sim_conf_get(const sim_config *cfg, const sim_conf_key *k);

/* Is every key of cfg within its range?  false with why naming the first
 * key that is not. */
bool sim_config_check(const sim_config *cfg, char *why, size_t why_len);

/* The configuration as "key=value\n" lines, in table order; returns the
 * bytes needed (like snprintf). */
size_t sim_config_format(const sim_config *cfg, char *buf, size_t len);

/* Parse what sim_config_format wrote, over a default configuration.
 * Unknown keys, repeated keys, values that do not parse and values out of
 * range are errors: false, with why = "config line N: ..." naming the key. */
bool sim_config_parse(const char *text, size_t len, sim_config *cfg, char *why, size_t why_len);

/* A duration flag's text ("1.5ms", "76h") into ns, at most max_ns; false
 * with why (sim/scenario.h's sc_duration_parse does the work). */
bool sim_conf_parse_duration(const char *text, int64_t max_ns, int64_t *ns, char *why, size_t why_len);

#endif
