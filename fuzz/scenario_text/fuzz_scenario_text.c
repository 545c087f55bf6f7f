/*
 * fuzz/scenario_text: the text form parser on arbitrary bytes.
 *
 * sc_parse must never crash and either reject the input with a position
 * and a reason, or return a valid scenario whose canonical text parses
 * back to an equal scenario and is a fixed point of format-then-parse.
 * The Go translation of an accepted scenario must not crash either.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

static scenario parsed, reparsed;   /* large: kept off the stack */

static void fail(const char *what) {
    fprintf(stderr, "fuzz_scenario_text: %s\n", what);
    abort();
}

/* The canonical text of sc in a malloc'd buffer (owned by the caller). */
static char *format_alloc(const scenario *sc, size_t *len) {
    *len = sc_format(sc, NULL, 0);
    char *text = malloc(*len + 1);
    if (text == NULL)
        fail("out of memory");
    if (sc_format(sc, text, *len + 1) != *len || strlen(text) != *len)
        fail("sc_format wrote a different length than it asked for");
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sc_error err;
    if (!sc_parse((const char *)data, size, &parsed, &err)) {
        if (err.msg[0] == '\0' || err.line == 0 || err.col == 0)
            fail("a rejection without a position or reason");
        return 0;
    }
    if (sc_validate(&parsed) != NULL)
        fail(sc_validate(&parsed));
    size_t len;
    char *text = format_alloc(&parsed, &len);
    if (!sc_parse(text, len, &reparsed, &err)) {
        fprintf(stderr, "%u:%u: %s\n%s", err.line, err.col, err.msg, text);
        fail("the canonical text does not parse");
    }
    if (!sc_equal(&parsed, &reparsed))
        fail("format-then-parse changed the scenario");
    size_t len2;
    char *text2 = format_alloc(&reparsed, &len2);
    if (len2 != len || memcmp(text, text2, len) != 0)
        fail("the canonical text is not a fixed point");
    free(text2);
    free(text);
    size_t go_len = sc_gen_go(&parsed, NULL, 0);
    char *go = malloc(go_len + 1);
    if (go == NULL || sc_gen_go(&parsed, go, go_len + 1) != go_len)
        fail("sc_gen_go wrote a different length than it asked for");
    free(go);
    return 0;
}
