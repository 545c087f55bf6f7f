/*
 * triage/triage.h: what comes after a failure is found: make it small
 * (minimize), compare it with another run (diff), and explain it.
 *
 *   gmpsim minimize TRACE|FINDING -o OUT   (triage/minimize.c)
 *   gmpsim diff A B [--json]               (triage/diff.c)
 *   gmpsim explain TRACE                   (triage/explain.c)
 *
 * The layer sits on sim/ and traces/: it loads a trace's own sections
 * (scenario text, configuration, recorded draws), re-runs variations of
 * the run, and judges each by its failure signature.
 *
 * Ownership: everything here belongs to the one thread running a command;
 * the probe sink is handed to one run at a time.
 */
#ifndef GMP_TRIAGE_TRIAGE_H
#define GMP_TRIAGE_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario.h"
#include "sim/sim.h"
#include "traces/flags.h"
#include "traces/trace.h"

/* ---- a recorded run (triage/load.c) ---- */
typedef struct tg_recorded {
    scenario sc;
    sim_config cfg;
    choice_record *choices;   /* the CHOICE events' draws, in order (malloc'd) */
    size_t nchoices;
    uint64_t events;          /* events in the file */
} tg_recorded;

/* A TRACE, or a FINDING folder: DIR/trace.gmt, a finding's kept
 * reproducer (the "reproducer:" line of DIR/finding.txt), else the first
 * of those (by sorted name) at most three folders down (a campaign's
 * DIR/findings/<signature>/).  Writes the trace's path into path;
 * false with a message on stderr if there is none. */
bool tg_resolve_trace(const char *arg, char *path, size_t len);

/* Load a trace's scenario, configuration and draws.  Returns an exit code
 * (EXIT_OK, 8 rejected, 10 I/O), with a message on stderr naming cmd.
 * Free with tg_recorded_free. */
int tg_load(const char *cmd, const char *path, tg_recorded *r);
void tg_recorded_free(tg_recorded *r);

/* ---- failure signatures (triage/probe.c) ---- */

/* The campaign's signature (fuzz/campaign/findings.h, docs/findings.md):
 * the outcome, the invariant, and for an invariant the decision site: the
 * last event the runtime traced before the failure and the runtime
 * function that traced it. */
typedef struct tg_sig {
    int outcome;     /* OUT_* */
    int invariant;   /* gmp_invariant id or -1 */
    int site;        /* EV_* or -1 */
    const char *fn;  /* the site's runtime function (a static string) or NULL */
} tg_sig;

bool tg_sig_equal(tg_sig a, tg_sig b);
/* As the campaign names a finding's folder:
 * "invariant__work-conservation__runqput__runqput" (fnd_signature). */
void tg_sig_format(tg_sig s, char *buf, size_t len);
/* Is it a failure at all (invariant or hang)? */
bool tg_sig_is_failure(tg_sig s);

/* A recorder sink that keeps every draw of a run (for the next round of
 * minimization). */
typedef struct tg_probe {
    choice_record *choices;         /* malloc'd, grown */
    size_t nchoices, cap;
    bool lost;                      /* a draw could not be kept */
} tg_probe;

tr_sink tg_probe_sink(tg_probe *p);
void tg_probe_reset(tg_probe *p);   /* keeps the allocation */
void tg_probe_free(tg_probe *p);
tg_sig tg_signature(const sim_result *res);

/* ---- minimize as a library call (triage/minimize.c) ---- */
typedef struct tg_minimize_opts {
    uint64_t max_runs;     /* candidate runs at most (the command: 5000) */
    double seconds;        /* wall-clock budget (the command: 60) */
    bool verbose;          /* each pass's sizes on stderr */
} tg_minimize_opts;

typedef struct tg_minimize_result {
    char signature[200];   /* fnd_signature's form */
    uint64_t events_before, events_after, runs;
} tg_minimize_result;

/* Minimize the failing run recorded in trace into the new folder out
 * (scenario.gmp, choices.txt, trace.gmt, repro.sh; atomic).  report: where
 * the signature and sizes go (NULL: nowhere); res may be NULL.  Returns 0,
 * 1 when the trace does not fail, 8 rejected, 10 I/O (out exists), 12
 * plugin missing.  For campaigns that minimize each new signature. */
int tg_minimize(const char *trace, const char *out, const tg_minimize_opts *o, FILE *report,
                tg_minimize_result *res);

/* ---- commands ---- */
extern const cf_command tg_minimize_command, tg_diff_command, tg_explain_command;
int tg_cmd_minimize(int argc, char **argv);
int tg_cmd_diff(int argc, char **argv);      /* triage/diff.c */
int tg_cmd_explain(int argc, char **argv);   /* triage/explain.c */

#endif
