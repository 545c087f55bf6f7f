/*
 * traces/values.h: names for coded argument values (traces/values.def) and
 * the long text form of an event that uses them.
 */
#ifndef GMP_TRACES_VALUES_H
#define GMP_TRACES_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "trace.h"

/* Invariant ids are named by the layer that registers them (sim/); the
 * command line sets this so dump and export name them (NULL: numbers). */
extern const char *(*tr_invariant_namer)(uint32_t id);

/* "chan receive" for (EV_GOPARK, 1, 1); NULL when the value has no name. */
const char *tr_value_name(unsigned kind, unsigned arg, uint32_t value);

/* tr_format's line followed by the names of coded values, e.g.
 * "#11 t=2000 M0 P0 G1 gopark g=1 reason=1 obj=7 (chan receive)". */
size_t tr_format_long(char *buf, size_t len, uint64_t seq, const tr_event *e);

/* "gopark chan receive": the kind's name and its first named value (the
 * label of an instant in exports). */
size_t tr_event_label(char *buf, size_t len, const tr_event *e);

/* One event as a JSON object (docs/json.md, "event"): the names of the
 * text form above: event, t, m, p, g (m and p null when none), kind,
 * args {name: value}, values {name: "coded value's name"}. */
void tr_event_json(js_writer *w, uint64_t seq, const tr_event *e);

#endif
