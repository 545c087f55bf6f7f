/*
 * tests/sim/test_conf.c: the configuration key table (sim/conf.def) is the
 * one range check for a trace's settings, the CLI's flags and a run's own
 * configuration.
 */
#include "sim/conf.h"

#include "sim/scenario.h"
#include "tests/unit.h"

static bool is_numeric(const sim_conf_key *k) { return k->type != SCT_STRATEGY && k->type != SCT_MUTANT; }

static void every_key_round_trips_at_both_ends_of_its_range(void) {
    for (size_t i = 0; i < sim_conf_nkeys; i++) {
        const sim_conf_key *k = &sim_conf_keys[i];
        if (!is_numeric(k))
            continue;
        for (int end = 0; end < 2; end++) {
            sim_config a, b;
            sim_config_default(&a);
            char why[200] = "", text[4096];
            uint64_t v = end ? k->max : k->min;
            CHECK(sim_conf_set(&a, k, v, why, sizeof why));
            CHECK(sim_config_check(&a, why, sizeof why));
            size_t n = sim_config_format(&a, text, sizeof text);
            CHECK(n > 0 && n < sizeof text);
            if (!sim_config_parse(text, n, &b, why, sizeof why))
                fprintf(stderr, "%s=%llu: %s\n", k->name, (unsigned long long)v, why);
            CHECK_EQ(sim_conf_get(&b, k), v);
        }
    }
}

/* Each key one past either end of its range, in a trace's text and
 * through the setter: refused, and the message names the key. */
static void every_value_out_of_range_is_refused_naming_the_key(void) {
    int refused = 0;
    for (size_t i = 0; i < sim_conf_nkeys; i++) {
        const sim_conf_key *k = &sim_conf_keys[i];
        if (!is_numeric(k))
            continue;
        uint64_t bad[2];
        int nbad = 0;
        if (k->min > 0)
            bad[nbad++] = k->min - 1;
        if (k->max < UINT64_MAX)
            bad[nbad++] = k->max + 1;
        for (int j = 0; j < nbad; j++) {
            sim_config cfg;
            sim_config_default(&cfg);
            char why[200] = "", text[128];
            CHECK(!sim_conf_set(&cfg, k, bad[j], why, sizeof why));
            CHECK(strstr(why, k->name) != NULL);
            int n = snprintf(text, sizeof text, "seed=3\n%s=%llu\n", k->name, (unsigned long long)bad[j]);
            why[0] = 0;
            CHECK(!sim_config_parse(text, (size_t)n, &cfg, why, sizeof why));
            CHECK(strstr(why, k->name) != NULL && strstr(why, "line 2") != NULL);
            refused++;
        }
    }
    CHECK(refused >= 20);   /* most keys have at least one bounded end */
}

/* The settings that crashed, hung, overflowed or wrapped before the table
 * (issue 13): each is now refused with the key named. */
static void settings_that_once_crashed_are_refused(void) {
    static const char *const texts[] = {
        "max_stack_bytes=0\n",           /* SIGSEGV: m0's stack could not be allocated */
        "work_quantum_ns=0\n",           /* a work op never advanced: a hang */
        "cost_atomic=9223372036854775807\n", /* signed overflow of virtual time */
        "cost_wake_latency=4611686018427387904\n",
        "jitter_ns=4294967296\n",        /* wrapped to 0 in a uint32_t */
        "vt_limit_ns=281474976710656\n", /* past the 48-bit time field */
        "procs=1025\n",
        "stack_bytes=0\n",
        "strategy=pct:0\n",
        "mutant=no-such-bug\n",
        "check=2\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sim_config cfg;
        char why[200] = "";
        CHECK(!sim_config_parse(texts[i], strlen(texts[i]), &cfg, why, sizeof why));
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(strchr(texts[i], '=') - texts[i]), texts[i]);
        if (strstr(why, key) == NULL)
            fprintf(stderr, "%s: %s\n", texts[i], why);
        CHECK(strstr(why, key) != NULL);
    }
}

static void malformed_config_text_is_refused(void) {
    static const char *const texts[] = {
        "seed=1\nseed=2\n",     /* repeated */
        "bogus=2\n",            /* unknown */
        "seed\n",               /* no '=' */
        "seed=-1\n",            /* a sign */
        "seed=+1\n", "seed= 1\n", "seed=1x\n", "seed=\n",
        "seed=18446744073709551616\n",   /* 2^64 */
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sim_config cfg;
        char why[200] = "";
        CHECK(!sim_config_parse(texts[i], strlen(texts[i]), &cfg, why, sizeof why));
        CHECK(strncmp(why, "config line ", 12) == 0);
    }
    char big[300];
    memset(big, 'a', sizeof big);
    sim_config cfg;
    char why[200];
    CHECK(!sim_config_parse(big, sizeof big, &cfg, why, sizeof why));
    CHECK(!sim_config_parse("seed=1\0\n", 8, &cfg, why, sizeof why));
    /* every seed, including those above 2^63, is carried */
    CHECK(sim_config_parse("seed=18446744073709551615\n", 26, &cfg, why, sizeof why));
    CHECK(cfg.seed == UINT64_MAX);
}

static void a_run_with_a_config_outside_the_table_is_rejected(void) {
    static scenario sc;
    sc_error err;
    CHECK(sc_parse("main { gosched }", 16, &sc, &err));
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.jitter_ns = 2000000;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_REJECTED);
    CHECK(strstr(r.message, "jitter_ns") != NULL);
    sim_config_default(&cfg);
    cfg.vt_limit_ns = SIM_VT_LIMIT_MAX + 1;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_REJECTED);
    CHECK(strstr(r.message, "vt_limit_ns") != NULL);
    sim_config_default(&cfg);
    cfg.costs.lock = -1;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_REJECTED);
    CHECK(strstr(r.message, "cost_lock=-1") != NULL);
}

/* A limit too small for m0's own stack ends the run 'resource' before it
 * boots (it used to crash on a NULL g). */
static void a_stack_limit_below_m0s_stack_is_a_resource_outcome(void) {
    static scenario sc;
    sc_error err;
    CHECK(sc_parse("main { gosched }", 16, &sc, &err));
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.rt.max_stack_bytes = 1 << 20;
    cfg.rt.g0_stack_bytes = 2 << 20;
    sim_result r;
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_RESOURCE);
    CHECK(strstr(r.message, "stack memory limit") != NULL);
    sim_result_free(&r);
    sim_config_default(&cfg);   /* the run after it is unaffected */
    CHECK_EQ(sim_run(&sc, &cfg, &r), OUT_OK);
    sim_result_free(&r);
}

static void duration_flags_take_fractions_and_refuse_past_the_limit(void) {
    int64_t ns = 0;
    char why[200] = "";
    CHECK(sim_conf_parse_duration("1.5ms", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK_EQ(ns, 1500000);
    CHECK(sim_conf_parse_duration("76h", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK_EQ(ns, SIM_VT_LIMIT_MAX);
    CHECK(!sim_conf_parse_duration("76.000000001h", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK(strstr(why, "longer than the limit of 76h") != NULL);
    CHECK(!sim_conf_parse_duration("100h", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK(!sim_conf_parse_duration("99999999999999999999s", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK(!sim_conf_parse_duration("1", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK(strstr(why, "needs a unit") != NULL);
    CHECK(!sim_conf_parse_duration("-1s", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
    CHECK(!sim_conf_parse_duration("0.5ns", SIM_VT_LIMIT_MAX, &ns, why, sizeof why));
}

#define TESTS(X)                                                  \
    X(every_key_round_trips_at_both_ends_of_its_range)            \
    X(every_value_out_of_range_is_refused_naming_the_key)         \
    X(settings_that_once_crashed_are_refused)                     \
    X(malformed_config_text_is_refused)                           \
    X(a_run_with_a_config_outside_the_table_is_rejected)          \
    X(a_stack_limit_below_m0s_stack_is_a_resource_outcome)        \
    X(duration_flags_take_fractions_and_refuse_past_the_limit)
#include "tests/unit.h"
