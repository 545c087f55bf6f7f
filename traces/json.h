/*
 * traces/json.h: the one JSON writer (docs/json.md).
 *
 * Every --json output, summary file and export that writes JSON goes
 * through it, so all of them agree on escaping and layout:
 *
 *   - strings are emitted as UTF-8: valid multi-byte sequences pass
 *     through unchanged; each byte that is not part of a valid sequence
 *     becomes the six characters \\xNN (a backslash, x and two lowercase
 *     hex digits, so "\xff" reads back as the text \xff), deterministically;
 *     '"', '\\' and control characters are escaped (\n, \t, \u001f, ...);
 *   - numbers are integers (uint64/int64) or fixed-point decimals; 64-bit
 *     digests are hex strings, never numbers (JSON readers lose bits past 2^53);
 *   - a document starts with js_schema(w, "run", 1): the key "schema" with
 *     the value "gmpsim.run/1" (the document kind and its version).
 *
 * The writer streams to a FILE (no buffering of its own) and tracks
 * nesting and commas; mistakes in nesting are assertions.
 * Ownership: one writer per output, used by one thread.
 */
#ifndef GMP_TRACES_JSON_H
#define GMP_TRACES_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { JS_DEPTH_MAX = 32 };

typedef struct js_writer {
    FILE *out;
    int depth;
    bool comma[JS_DEPTH_MAX];   /* a value was already written at this level */
    bool is_object[JS_DEPTH_MAX];
    bool after_key;
    bool pretty;                /* newline + indent between members (for files people read) */
} js_writer;

void js_init(js_writer *w, FILE *out, bool pretty);

void js_object(js_writer *w);   /* { */
void js_object_end(js_writer *w);
void js_array(js_writer *w);    /* [ */
void js_array_end(js_writer *w);
/* After the outermost value: a newline.  True when nothing failed. */
bool js_finish(js_writer *w);

void js_key(js_writer *w, const char *key);
void js_str(js_writer *w, const char *s);            /* NULL: null */
void js_strn(js_writer *w, const char *s, size_t len);
void js_uint(js_writer *w, uint64_t v);
void js_int(js_writer *w, int64_t v);
void js_bool(js_writer *w, bool v);
void js_null(js_writer *w);
void js_hex64(js_writer *w, uint64_t v);              /* "%016x" as a string */
void js_fixed(js_writer *w, double v, int decimals);  /* not finite: null */

/* key + value in one call. */
void js_kstr(js_writer *w, const char *key, const char *s);
void js_kuint(js_writer *w, const char *key, uint64_t v);
void js_kint(js_writer *w, const char *key, int64_t v);
void js_kbool(js_writer *w, const char *key, bool v);
void js_khex64(js_writer *w, const char *key, uint64_t v);

/* "schema": "gmpsim.<kind>/<version>" (the first member of a document). */
void js_schema(js_writer *w, const char *kind, int version);

/* The escaped body of a JSON string (no quotes) for s[0..len), to out. */
void js_escape(FILE *out, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when s[0] starts
 * none (overlong forms, surrogates and code points past U+10FFFF are
 * invalid). */
size_t js_utf8_len(const unsigned char *s, size_t len);

#endif
