/*
 * traces/export.h: a trace's timeline as Chrome Trace Event JSON (Perfetto,
 * chrome://tracing) and as a self-contained HTML page.
 *
 * Both draw the model of traces/timeline.h.  Perfetto: process 1 holds one
 * thread per P, process 2 one per M, process 3 the driver lane; spans are
 * complete slices ("X", named "G<goid>") on the P and on the M track,
 * events are thread instants ("i") named after the decision ("gopark chan
 * receive"), wakeups are flow events ("s" at the GOREADY, "f" bound to the
 * woken G's next slice).  Virtual ns become microseconds with three
 * decimals.  Output depends only on the events.
 */
#ifndef GMP_TRACES_EXPORT_H
#define GMP_TRACES_EXPORT_H

#include <stdio.h>

#include "timeline.h"

/* Return 0, or an errno value when out reports a write error. */
int tr_export_perfetto(FILE *out, const tl_model *m);
int tr_export_html(FILE *out, const tl_model *m, const char *title);

#endif
