/* sim/report.h: a run's result as text for people or one JSON object. */
#ifndef GMP_SIM_REPORT_H
#define GMP_SIM_REPORT_H

#include <stdio.h>

#include "sim/scenario.h"
#include "sim/sim.h"

void sim_report_text(FILE *out, const scenario *sc, const sim_result *res);
void sim_report_json(FILE *out, const scenario *sc, const sim_result *res);

/* The marks as space-separated labels (into buf; truncated with "..."). */
void sim_marks_string(const scenario *sc, const sim_result *res, char *buf, size_t len);

#endif
