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

/* A TRACE, or a FINDING folder: DIR/trace.gmt, else the first trace.gmt
 * (by sorted name) at most three folders down (a campaign's failures/<id>/
 * or findings/<sig>/repro-<id>/).  Writes the trace's path into path;
 * false with a message on stderr if there is none. */
bool tg_resolve_trace(const char *arg, char *path, size_t len);

/* Load a trace's scenario, configuration and draws.  Returns an exit code
 * (EXIT_OK, 8 rejected, 10 I/O), with a message on stderr naming cmd.
 * Free with tg_recorded_free. */
int tg_load(const char *cmd, const char *path, tg_recorded *r);
void tg_recorded_free(tg_recorded *r);

/* ---- failure signatures (triage/probe.c) ---- */

/* Until the campaign's signature function exists: the outcome, the
 * invariant, and the decision site: the kind of the last scheduler event
 * before the violation (driver records and sysmon ticks skipped). */
typedef struct tg_sig {
    int outcome;     /* OUT_* */
    int invariant;   /* gmp_invariant id or -1 */
    int site;        /* EV_* or -1 */
} tg_sig;

bool tg_sig_equal(tg_sig a, tg_sig b);
/* "invariant/work-conservation/runqput" */
void tg_sig_format(tg_sig s, char *buf, size_t len);
/* Is it a failure at all (invariant or hang)? */
bool tg_sig_is_failure(tg_sig s);

enum { TG_PROBE_LAST = 4096 };

/* A recorder sink that keeps the last TG_PROBE_LAST events and every draw
 * (for the next round of minimization). */
typedef struct tg_probe {
    tr_event last[TG_PROBE_LAST];   /* ring, by seq % TG_PROBE_LAST */
    uint64_t seen;                  /* events seen */
    choice_record *choices;         /* malloc'd, grown */
    size_t nchoices, cap;
    bool lost;                      /* a draw could not be kept */
} tg_probe;

tr_sink tg_probe_sink(tg_probe *p);
void tg_probe_reset(tg_probe *p);   /* keeps the allocation */
void tg_probe_free(tg_probe *p);
tg_sig tg_signature(const sim_result *res, const tg_probe *p);

/* ---- commands ---- */
extern const cf_command tg_minimize_command, tg_diff_command, tg_explain_command;
int tg_cmd_minimize(int argc, char **argv);
int tg_cmd_diff(int argc, char **argv);      /* triage/diff.c */
int tg_cmd_explain(int argc, char **argv);   /* triage/explain.c */

#endif
