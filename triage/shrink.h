/*
 * triage/shrink.h: scenario edits for minimize.  Each edit keeps the
 * scenario in the canonical layout (sim/scenario.h); the caller still runs
 * sc_validate, since an edit can leave, say, a select without cases.
 */
#ifndef GMP_TRIAGE_SHRINK_H
#define GMP_TRIAGE_SHRINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/scenario.h"

/* Remove op i with its nested range, then compact.  false if no op i. */
bool tg_sc_delete(scenario *sc, uint32_t i);

/* Replace loop i by its body (run once), then compact.  false if op i is
 * not a loop. */
bool tg_sc_unwrap(scenario *sc, uint32_t i);

/* Drop bodies main cannot reach and objects no op uses; renumber. */
void tg_sc_compact(scenario *sc);

/* Smaller values for op's number (count, duration, capacity), smallest
 * first, into out (at most max); how many. */
int tg_sc_smaller_values(const sc_op *op, int64_t *out, int max);

#endif
