/* sim/report.c: printing a result.  Only the result goes into the output
 * (no wall clock, no addresses), so the same run prints the same bytes. */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "sim/invariant.h"
#include "traces/json.h"

void sim_marks_string(const scenario *sc, const sim_result *res, char *buf, size_t len) {
    size_t o = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < res->nmarks; i++) {
        const char *l = res->marks[i] < sc->nlabels ? sc->labels[res->marks[i]] : "?";
        int w = snprintf(buf + o, len - o, "%s%s", i ? " " : "", l);
        if (w < 0 || (size_t)w >= len - o) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            return;
        }
        o += (size_t)w;
    }
}

static void print_ns(FILE *out, int64_t ns) {
    if (ns >= 1000000000)
        fprintf(out, "%.6fs", (double)ns / 1e9);
    else if (ns >= 1000000)
        fprintf(out, "%.3fms", (double)ns / 1e6);
    else if (ns >= 1000)
        fprintf(out, "%.3fus", (double)ns / 1e3);
    else
        fprintf(out, "%" PRId64 "ns", ns);
}

void sim_report_text(FILE *out, const scenario *sc, const sim_result *res) {
    fprintf(out, "outcome: %s", sim_outcome_name(res->outcome));
    if (res->outcome == OUT_OK && res->exit_status != 0)
        fprintf(out, " (exit status %d)", res->exit_status);
    fprintf(out, ": %s\n", res->message);
    if (res->outcome == OUT_INVARIANT)
        fprintf(out, "invariant: %s at event %" PRIu64 "\n", gmp_invariant_name(res->invariant),
                res->violation_seq);
    fprintf(out, "marks:");
    for (uint32_t i = 0; i < res->nmarks; i++)
        fprintf(out, " %s", res->marks[i] < sc->nlabels ? sc->labels[res->marks[i]] : "?");
    fprintf(out, "\nvirtual time: ");
    print_ns(out, res->end_time_ns);
    fprintf(out, " (%" PRId64 " ns)\n", res->end_time_ns);
    fprintf(out, "goroutines: %u  threads: %u  schedules: %" PRIu64 "  choices: %" PRIu64 "\n", res->gs,
            res->ms, res->schedules, res->choices);
    if (res->checks > 0)
        fprintf(out, "invariant checks: %" PRIu64 "\n", res->checks);
    fprintf(out, "events: %" PRIu64 "\n", res->events);
    for (int k = 0; k < EV__COUNT; k++)
        if (res->counts[k] > 0)
            fprintf(out, "  %-18s %" PRIu64 "\n", tr_kinds[k].name, res->counts[k]);
    fprintf(out, "digest: %016" PRIx64 "\n", res->digest);
}

/* docs/json.md, "run": the same names as the text form above. */
void sim_report_json(FILE *out, const scenario *sc, const sim_result *res) {
    js_writer w;
    js_init(&w, out, false);
    js_object(&w);
    js_schema(&w, "run", 1);
    js_kstr(&w, "outcome", sim_outcome_name(res->outcome));
    js_kint(&w, "exit_code", sim_outcome_exit_code(res->outcome));
    js_kint(&w, "exit_status", res->exit_status);
    js_kstr(&w, "message", res->message);
    if (res->outcome == OUT_INVARIANT) {
        js_kstr(&w, "invariant", gmp_invariant_name(res->invariant));
        js_kuint(&w, "event", res->violation_seq);
    }
    js_key(&w, "marks");
    js_array(&w);
    for (uint32_t i = 0; i < res->nmarks; i++)
        js_str(&w, res->marks[i] < sc->nlabels ? sc->labels[res->marks[i]] : "?");
    js_array_end(&w);
    js_kint(&w, "virtual_time_ns", res->end_time_ns);
    js_kuint(&w, "goroutines", res->gs);
    js_kuint(&w, "threads", res->ms);
    js_kuint(&w, "schedules", res->schedules);
    js_kuint(&w, "choices", res->choices);
    js_kuint(&w, "invariant_checks", res->checks);
    js_kuint(&w, "events", res->events);
    js_key(&w, "counts");
    js_object(&w);
    for (int k = 0; k < EV__COUNT; k++)
        if (res->counts[k] > 0)
            js_kuint(&w, tr_kinds[k].name, res->counts[k]);
    js_object_end(&w);
    js_khex64(&w, "digest", res->digest);
    js_object_end(&w);
    js_finish(&w);
}
