/*
 * sim/scenario/sc_internal.h: helpers shared by the scenario forms (the
 * validator, the text parser and formatter, the binary codec and the Go
 * translator).  Not part of the public interface (sim/scenario.h).
 */
#ifndef GMP_SIM_SCENARIO_INTERNAL_H
#define GMP_SIM_SCENARIO_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/scenario.h"

/* Does the op own a nested range (loop, select, case)? */
static inline bool sc_op_nests(unsigned kind) {
    return kind == OP_LOOP || kind == OP_SELECT || kind == OP_CASE;
}

/* Does the op count toward the loop/select nesting depth? */
static inline bool sc_op_deepens(unsigned kind) {
    return kind == OP_LOOP || kind == OP_SELECT;
}

/* A bounded text writer that counts what it could not write, like
 * snprintf: pos is the number of bytes wanted so far.  Owned by the
 * caller; buf may be NULL when cap is 0. */
typedef struct sc_out {
    char *buf;
    size_t cap;
    size_t pos;
} sc_out;

void sc_out_init(sc_out *o, char *buf, size_t cap);
void sc_out_str(sc_out *o, const char *s);
void sc_out_fmt(sc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_out_indent(sc_out *o, unsigned depth);
/* NUL-terminate (truncating if needed) and return the bytes wanted. */
size_t sc_out_finish(sc_out *o);

/* A duration in the text form's unit syntax: the largest unit that
 * divides it exactly (0 is "0ns").  buf holds at least SC_DURATION_TEXT. */
enum { SC_DURATION_TEXT = 32 };
void sc_duration_text(int64_t ns, char buf[SC_DURATION_TEXT]);

/* Name checks (the text form's lexical rules). */
bool sc_is_ident(const char *s, size_t len);
bool sc_is_canonical_number(const char *s, size_t len);

/* Sort the timed events by time, stably (n <= SC_MAX_EVENTS). */
void sc_sort_events(scenario *sc);

/* The text keyword of an op kind (sc_op_name) indexed by kind. */
extern const char *const sc_op_names[OP__COUNT];

#endif
