/*
 * tests/traces/json_check.h: a strict JSON syntax checker (RFC 8259) for
 * the export tests and the trace_reader fuzz harness.  Nesting is bounded
 * by JSON_DEPTH_MAX; it never allocates.
 */
#ifndef GMP_TESTS_TRACES_JSON_CHECK_H
#define GMP_TESTS_TRACES_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum { JSON_DEPTH_MAX = 64 };

/* True when s[0..len) is one JSON value (with surrounding whitespace);
 * otherwise *at is the offset of the first byte that does not fit. */
bool json_valid(const char *s, size_t len, size_t *at);

#endif
