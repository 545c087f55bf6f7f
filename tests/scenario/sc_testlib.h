/*
 * tests/scenario/sc_testlib.h: what the scenario tests share: a
 * deterministic PRNG, a generator of random valid scenarios, and the
 * example files.
 */
#ifndef GMP_TESTS_SCENARIO_TESTLIB_H
#define GMP_TESTS_SCENARIO_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"

/* splitmix64: the same seed gives the same sequence everywhere. */
typedef struct rng {
    uint64_t s;
} rng;

uint64_t rng_next(rng *r);
/* Uniform in [0, n), n > 0. */
uint32_t rng_below(rng *r, uint32_t n);

/* A random valid scenario.  within_binary: inside the binary form's bounds
 * (sc_binary_misfit is NULL), with short generated names; otherwise up to
 * the text form's bounds in shape (depth, cases, numbers), with random
 * names of every legal length. */
void gen_scenario(rng *r, bool within_binary, scenario *out);

/* The example files, sorted by name: each one's path and malloc'd text
 * (owned by the caller, free with free_examples). */
typedef struct example {
    char path[512];
    char name[64];
    char *text;
    size_t len;
} example;

size_t load_examples(example *out, size_t max);
void free_examples(example *ex, size_t n);

/* Parse text that must be valid; fail the test (with the error) if not. */
void must_parse(const char *text, scenario *out);

#endif
