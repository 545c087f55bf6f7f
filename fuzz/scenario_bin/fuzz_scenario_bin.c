/*
 * fuzz/scenario_bin: the binary form decoder on arbitrary bytes.
 *
 * sc_decode is total: whatever the bytes, the scenario is valid, within
 * the binary form's bounds, and survives encode-then-decode unchanged
 * (and encoding it again gives the same bytes).  Its text form and Go
 * translation must not crash, and the text must parse back to it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

static scenario decoded, again;                 /* large: kept off the stack */
static uint8_t enc[SCB_MAX_BYTES], enc2[SCB_MAX_BYTES];
static char text[1 << 16], go[1 << 17];

static void fail(const char *what) {
    fprintf(stderr, "fuzz_scenario_bin: %s\n", what);
    abort();
}

static void check_text_round_trip(const scenario *sc) {
    size_t len = sc_format(sc, text, sizeof text);
    if (len >= sizeof text)
        fail("the text of a binary-bounded scenario is unexpectedly long");
    sc_error err;
    if (!sc_parse(text, len, &again, &err) || !sc_equal(sc, &again))
        fail("the text form of a decoded scenario does not round-trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sc_decode(data, size, &decoded);
    const char *why = sc_validate(&decoded);
    if (why != NULL)
        fail(why);
    why = sc_binary_misfit(&decoded);
    if (why != NULL)
        fail(why);
    size_t n = sc_encode(&decoded, enc, sizeof enc);
    if (n == 0)
        fail("a decoded scenario does not encode");
    sc_decode(enc, n, &again);
    if (!sc_equal(&decoded, &again))
        fail("encode-then-decode changed the scenario");
    if (sc_encode(&again, enc2, sizeof enc2) != n || memcmp(enc, enc2, n) != 0)
        fail("the encoding is not canonical");
    check_text_round_trip(&decoded);
    size_t go_len = sc_gen_go(&decoded, go, sizeof go);
    if (go_len >= sizeof go || strlen(go) != go_len)
        fail("the Go translation of a binary-bounded scenario is unexpectedly long");
    return 0;
}
