/*
 * traces/capture.h: a recorder sink that keeps every event in memory, for
 * comparing runs (--check-determinism, tests).  Grows geometrically; a
 * failed allocation drops the chunk and sets `lost`.
 * Ownership: the caller owns the capture; free it with tr_capture_free.
 */
#ifndef GMP_TRACES_CAPTURE_H
#define GMP_TRACES_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "trace.h"

typedef struct tr_capture {
    tr_event *ev;
    size_t n, cap;
    bool lost;
} tr_capture;

/* The sink to add to a recorder (or a sim_config). */
tr_sink tr_capture_sink(tr_capture *c);
void tr_capture_free(tr_capture *c);

/* Index of the first event where a and b differ (their common length if
 * one is a prefix of the other). */
size_t tr_capture_first_difference(const tr_capture *a, const tr_capture *b);

#endif
