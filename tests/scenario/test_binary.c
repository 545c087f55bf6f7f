/* tests/scenario: the binary form: totality, bounds, round trips. */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "tests/scenario/sc_testlib.h"
#include "tests/unit.h"

static scenario sa, sb, sc2;   /* large: kept off the stack */
static uint8_t buf[SCB_MAX_BYTES], buf2[SCB_MAX_BYTES];

static uint32_t spawn_rank(const scenario *sc, uint32_t b) {
    return b == sc->main_body ? 0 : b < sc->main_body ? b + 1 : b;
}

/* What every decoded scenario must be: valid, within the binary bounds,
 * free of spawn cycles, and a fixed point of encode-then-decode. */
static void check_decoded(const uint8_t *data, size_t len) {
    sc_decode(data, len, &sa);
    const char *why = sc_validate(&sa);
    if (why != NULL)
        fprintf(stderr, "decoded scenario invalid: %s\n", why);
    CHECK(why == NULL);
    why = sc_binary_misfit(&sa);
    if (why != NULL)
        fprintf(stderr, "decoded scenario outside the binary bounds: %s\n", why);
    CHECK(why == NULL);
    for (uint32_t b = 0; b < sa.nbodies; b++)
        for (uint32_t i = sa.bodies[b].start; i < sa.bodies[b].start + sa.bodies[b].len; i++)
            if (sa.ops[i].kind == OP_GO)
                CHECK(spawn_rank(&sa, sa.ops[i].a) > spawn_rank(&sa, b));
    size_t n = sc_encode(&sa, buf2, sizeof buf2);
    CHECK(n >= SCB_HEADER_BYTES);
    sc_decode(buf2, n, &sb);
    CHECK(sc_equal(&sa, &sb));
}

static void decode_of_empty_input_is_an_empty_main(void) {
    sc_decode(NULL, 0, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.gomaxprocs, 1);
    CHECK_EQ(sa.nbodies, 1);
    CHECK_EQ(sa.main_body, 0);
    CHECK_STR(sa.bodies[0].name, "main");
    CHECK_EQ(sa.nops, 0);
    CHECK_EQ(sa.nchans + sa.nmutexes + sa.nwgs + sa.nevents + sa.nlabels, 0);
    /* a header of zeros is the same scenario */
    uint8_t zeros[SCB_HEADER_BYTES + 1] = {0};
    sc_decode(zeros, sizeof zeros, &sb);
    CHECK(sc_equal(&sa, &sb));
}

static void decode_takes_header_fields_modulo_their_counts(void) {
    uint8_t h[SCB_HEADER_BYTES] = {
        8 + 3,        /* GOMAXPROCS 4 */
        8 + 2,        /* 3 bodies */
        5,            /* main = 5 % 3 = 2 */
        7 + 6,        /* 6 channels */
        5 + 1, 5 + 2, /* 1 mutex, 2 waitgroups */
        5 + 2,        /* 2 events */
        0, 1, 9 + 2, 3, 4, 17,   /* capacities 0 1 2 3 4 8 */
        0xe8, 0x03 + 0, 9,       /* event 0: code 1000 = 0us, GOMAXPROCS 9 % 8 + 1 = 2 */
        5, 0, 0,                 /* event 1: 5ns, GOMAXPROCS 1 */
    };
    sc_decode(h, sizeof h, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.gomaxprocs, 4);
    CHECK_EQ(sa.nbodies, 3);
    CHECK_EQ(sa.main_body, 2);
    CHECK_STR(sa.bodies[2].name, "main");
    CHECK_STR(sa.bodies[0].name, "b0");
    CHECK_EQ(sa.nchans, 6);
    CHECK_EQ(sa.nmutexes, 1);
    CHECK_EQ(sa.nwgs, 2);
    CHECK_EQ(sa.chans[2].cap, 2);
    CHECK_EQ(sa.chans[5].cap, 8);
    CHECK_EQ(sa.nevents, 2);
    /* sorted: 0ns before 5ns */
    CHECK_EQ(sa.events[0].at_ns, 0);
    CHECK_EQ(sa.events[0].arg, 2);
    CHECK_EQ(sa.events[1].at_ns, 5);
}

/* A header with one channel, one mutex, one waitgroup and two bodies
 * (main first), then main's records. */
static size_t with_records(const uint8_t *records, size_t nrec) {
    uint8_t h[SCB_HEADER_BYTES] = {0, 1, 0, 1, 1, 1, 0};
    memcpy(buf, h, sizeof h);
    buf[SCB_HEADER_BYTES] = (uint8_t)nrec;
    memcpy(buf + SCB_HEADER_BYTES + 1, records, 3 * nrec);
    return SCB_HEADER_BYTES + 1 + 3 * nrec;
}

static void decode_maps_record_bytes_to_ops(void) {
    const uint8_t rec[] = {
        OP_GO, 7, 17,                 /* go b1 x2 (the only later body) */
        OP_WORK + OP__COUNT, 0xe8, 0x03 + 2, /* kind modulo OP__COUNT; code 1000+512: 512us */
        OP_SLEEP, 0x10, 0x00,         /* 16ns */
        OP_LOOP, 20, 0,               /* loop 20 % 17 = 3 */
        OP_MARK, 21, 0,               /* label raw 21 % 16 = 5, the first: index 0 */
        OP_CASE, 0, 0,                /* end of the loop */
        OP_SELECT, 0, 0,
        2, 0, 1,                      /* case default, with a body */
        OP_MARK, 5, 0,                /* the same label */
        OP_CASE, 0, 0,                /* end of the case body */
        0, 3, 0,                      /* case recv c0 (3 % 1) */
        OP_CASE, 0, 0,                /* end of the select */
        OP_WGADD, 0, 0,               /* delta 0 - 8 = -8 */
        OP_EXIT, 200, 0,
    };
    size_t n = with_records(rec, sizeof rec / 3);
    sc_decode(buf, n, &sa);
    CHECK(sc_validate(&sa) == NULL);
    const sc_op *o = sa.ops;
    CHECK_EQ(sa.bodies[0].len, 11);
    CHECK(o[0].kind == OP_GO && o[0].a == 1 && o[0].n == 2);
    CHECK(o[1].kind == OP_WORK && o[1].n == 512000);
    CHECK(o[2].kind == OP_SLEEP && o[2].n == 16);
    CHECK(o[3].kind == OP_LOOP && o[3].n == 3 && o[3].nchild == 1);
    CHECK(o[4].kind == OP_MARK && o[4].a == 0);
    CHECK_STR(sa.labels[0], "5");
    CHECK(o[5].kind == OP_SELECT && o[5].nchild == 3);
    CHECK(o[6].kind == OP_CASE && o[6].n == CASE_DEFAULT && o[6].nchild == 1);
    CHECK(o[7].kind == OP_MARK && o[7].a == 0);
    CHECK(o[8].kind == OP_CASE && o[8].n == CASE_RECV && o[8].a == 0 && o[8].nchild == 0);
    CHECK(o[9].kind == OP_WGADD && o[9].n == -8);
    CHECK(o[10].kind == OP_EXIT && o[10].n == 200);
}

static void decode_turns_impossible_ops_into_gosched(void) {
    /* body b1 is last in spawn order: its go has no target.  Five nested
     * loops: the fifth is too deep. */
    uint8_t data[SCB_HEADER_BYTES + 64] = {0, 1, 0, 0, 0, 0, 0};
    size_t o = SCB_HEADER_BYTES;
    data[o++] = 0;   /* main: no records */
    data[o++] = 7;
    const uint8_t rec[] = {OP_GO, 0, 0, OP_SEND, 0, 0, OP_LOOP, 1, 0, OP_LOOP, 1, 0,
                           OP_LOOP, 1, 0, OP_LOOP, 1, 0, OP_LOOP, 1, 0};
    memcpy(data + o, rec, sizeof rec);
    sc_decode(data, o + sizeof rec, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.bodies[1].len, 7);
    CHECK_EQ(sa.ops[0].kind, OP_GOSCHED);   /* go: no later body */
    CHECK_EQ(sa.ops[1].kind, OP_GOSCHED);   /* send: no channels */
    CHECK_EQ(sa.ops[5].kind, OP_LOOP);
    CHECK_EQ(sa.ops[6].kind, OP_GOSCHED);   /* a fifth loop level */
}

static void decode_ends_a_select_at_a_case_it_cannot_make(void) {
    const uint8_t rec[] = {
        OP_SELECT, 0, 0,
        2, 0, 0,   /* default */
        2, 0, 0,   /* a second default: ends the select */
        OP_GOSCHED, 0, 0,
    };
    size_t n = with_records(rec, sizeof rec / 3);
    sc_decode(buf, n, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.ops[0].nchild, 1);
    CHECK_EQ(sa.ops[2].kind, OP_GOSCHED);
}

static void decode_stops_at_the_op_budget(void) {
    uint8_t data[SCB_HEADER_BYTES + 2 + 2 * 3 * 255] = {0, 1};
    size_t o = SCB_HEADER_BYTES;
    for (int b = 0; b < 2; b++) {
        data[o++] = 255;
        for (int i = 0; i < 255; i++, o += 3)
            data[o] = OP_GOSCHED;
    }
    sc_decode(data, o, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.nops, SCB_MAX_OPS);
    CHECK_EQ(sa.bodies[0].len, SCB_MAX_OPS);
    CHECK_EQ(sa.bodies[1].len, 0);
}

static void decode_is_total_on_100k_random_inputs(void) {
    rng r = {.s = 20240601};
    static uint8_t data[4096];
    for (int i = 0; i < 100000; i++) {
        size_t len = rng_below(&r, 8) == 0 ? rng_below(&r, sizeof data) : rng_below(&r, 400);
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)rng_next(&r);
        /* half the time, make the body record counts small so bodies
         * hold more structure than one long first body */
        if (i % 2 && len > SCB_HEADER_BYTES)
            data[SCB_HEADER_BYTES] %= 40;
        check_decoded(data, len);
    }
}

/* The examples, fitted into the binary bounds and encoded. */
static size_t encoded_example(size_t i, uint8_t *out, size_t cap) {
    must_parse(sc_builtins[i].text, &sc2);
    const char *why = sc_fit_binary(&sc2);
    if (why != NULL) {
        fprintf(stderr, "example %s does not fit: %s\n", sc_builtins[i].name, why);
        exit(1);
    }
    size_t n = sc_encode(&sc2, out, cap);
    CHECK(n > 0);
    return n;
}

static void decode_is_total_on_truncations_and_mutations_of_encoded_examples(void) {
    static uint8_t enc[SCB_MAX_BYTES], mut[SCB_MAX_BYTES];
    static const uint8_t flips[] = {0x01, 0x02, 0x10, 0x80, 0xff, 0x55};
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        size_t n = encoded_example(i, enc, sizeof enc);
        for (size_t k = 0; k <= n; k++)
            check_decoded(enc, k);
        for (size_t k = 0; k < n; k++) {
            for (size_t f = 0; f < sizeof flips; f++) {
                memcpy(mut, enc, n);
                mut[k] ^= flips[f];
                check_decoded(mut, n);
            }
            memcpy(mut, enc, k);       /* one byte deleted */
            memcpy(mut + k, enc + k + 1, n - k - 1);
            check_decoded(mut, n - 1);
        }
    }
}

static void encode_decode_round_trips_every_example_fitted_to_the_bounds(void) {
    static uint8_t enc[SCB_MAX_BYTES];
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        size_t n = encoded_example(i, enc, sizeof enc);
        sc_decode(enc, n, &sa);
        CHECK(sc_equal(&sa, &sc2));
    }
}

static void fit_changes_only_numbers_beyond_the_bounds(void) {
    must_parse("gomaxprocs 64\nchan c 100\nat 1s gomaxprocs 99\nwaitgroup w\n"
               "main { work 1500ns; sleep 3ms; syscall 999ns; go b x20; loop 99 { make c 9 }\n"
               "       add w 10; add w -3; gomaxprocs 9; exit 255 }\nbody b {}", &sa);
    CHECK(sc_fit_binary(&sa) == NULL);
    CHECK_EQ(sa.gomaxprocs, 8);
    CHECK_EQ(sa.chans[0].cap, 8);
    CHECK_EQ(sa.events[0].at_ns, 2000000);
    CHECK_EQ(sa.events[0].arg, 8);
    const sc_op *o = sa.ops;
    CHECK_EQ(o[0].n, 1000);       /* 1500ns rounds down to 1us */
    CHECK_EQ(o[1].n, 2000000);
    CHECK_EQ(o[2].n, 999);
    CHECK_EQ(o[3].n, 16);
    CHECK_EQ(o[4].n, 16);
    CHECK_EQ(o[5].n, 8);
    CHECK_EQ(o[6].n, 8);
    CHECK_EQ(o[7].n, -3);
    CHECK_EQ(o[8].n, 8);
    CHECK_EQ(o[9].n, 255);
}

static void encode_decode_round_trips_random_scenarios_within_the_bounds(void) {
    rng r = {.s = 77};
    for (int i = 0; i < 20000; i++) {
        gen_scenario(&r, true, &sa);
        size_t n = sc_encode(&sa, buf, sizeof buf);
        CHECK(n > 0);
        sc_decode(buf, n, &sb);
        CHECK(sc_equal(&sa, &sb));
        /* and the encoding is canonical: encoding the decoded scenario
         * gives the same bytes */
        CHECK_EQ(sc_encode(&sb, buf2, sizeof buf2), n);
        CHECK(memcmp(buf, buf2, n) == 0);
    }
}

static void encode_refuses_scenarios_beyond_the_bounds(void) {
    static const struct { const char *text; const char *why; } cases[] = {
        {"gomaxprocs 9\nmain {}", "GOMAXPROCS above the binary form's limit"},
        {"main { work 1001ns }", "a duration the binary form cannot hold"},
        {"main { sleep 3ms }", "a duration the binary form cannot hold"},
        {"body b {}\nmain { go b x17 }", "a go count above the binary form's limit"},
        {"body b { go b }\nmain { go b }", "a go of a body earlier in spawn order (main, then by index)"},
        {"body b { go main }\nmain { go b }", "a go of a body earlier in spawn order (main, then by index)"},
        {"main { loop 17 {} }", "a loop count above the limit"},
        {"chan c 9\nmain {}", "a channel capacity above the binary form's limit"},
        {"chan a;chan b;chan c;chan d;chan e;chan f;chan g\nmain {}",
         "too many channels, mutexes or waitgroups for the binary form"},
        {"main { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 {} } } } } }",
         "loops and selects nested deeper than the binary form's limit"},
        {"at 3ms gomaxprocs 2\nmain {}", "a timed event outside the binary form's limits"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        must_parse(cases[i].text, &sa);
        const char *why = sc_binary_misfit(&sa);
        CHECK(why != NULL);
        CHECK_STR(why, cases[i].why);
        CHECK_EQ(sc_encode(&sa, buf, sizeof buf), 0);
    }
    /* too many ops, bodies and records */
    char text[8192] = "main {\n";
    for (int i = 0; i < SCB_MAX_OPS + 1; i++)
        strcat(text, "gosched\n");
    strcat(text, "}");
    must_parse(text, &sa);
    CHECK_STR(sc_binary_misfit(&sa), "too many bodies or ops for the binary form");
}

static void encode_refuses_a_buffer_too_small(void) {
    must_parse(sc_builtins[0].text, &sa);
    CHECK(sc_fit_binary(&sa) == NULL);
    size_t n = sc_encode(&sa, buf, sizeof buf);
    CHECK(n > SCB_HEADER_BYTES);
    CHECK_EQ(sc_encode(&sa, buf2, n - 1), 0);
    CHECK_EQ(sc_encode(&sa, NULL, 0), 0);
    CHECK_EQ(sc_encode(&sa, buf2, n), n);
    CHECK(memcmp(buf, buf2, n) == 0);
}

static void encode_fits_the_largest_scenario_in_the_bounds(void) {
    /* Every op a block that closes before its body's end: 128 ops and 127
     * end records in one body. */
    char text[8192] = "main {\n";
    for (int i = 0; i < SCB_MAX_OPS; i++)
        strcat(text, "loop 1 {}\n");
    strcat(text, "}");
    must_parse(text, &sa);
    size_t n = sc_encode(&sa, buf, sizeof buf);
    CHECK_EQ(n, SCB_HEADER_BYTES + 1 + 3 * (2 * SCB_MAX_OPS - 1));
    sc_decode(buf, n, &sb);
    CHECK(sc_equal(&sa, &sb));
}

#define TESTS(X)                                                                \
    X(decode_of_empty_input_is_an_empty_main)                                   \
    X(decode_takes_header_fields_modulo_their_counts)                           \
    X(decode_maps_record_bytes_to_ops)                                          \
    X(decode_turns_impossible_ops_into_gosched)                                 \
    X(decode_ends_a_select_at_a_case_it_cannot_make)                            \
    X(decode_stops_at_the_op_budget)                                            \
    X(decode_is_total_on_100k_random_inputs)                                    \
    X(decode_is_total_on_truncations_and_mutations_of_encoded_examples)         \
    X(encode_decode_round_trips_every_example_fitted_to_the_bounds)             \
    X(fit_changes_only_numbers_beyond_the_bounds)                               \
    X(encode_decode_round_trips_random_scenarios_within_the_bounds)             \
    X(encode_refuses_scenarios_beyond_the_bounds)                               \
    X(encode_refuses_a_buffer_too_small)                                        \
    X(encode_fits_the_largest_scenario_in_the_bounds)
#include "tests/unit.h"
