/*
 * fuzz/campaign/findings.h: findings grouped by a stable signature, kept
 * and merged across campaigns in one folder (docs/findings.md).
 *
 *   DIR/findings/<signature>/finding.txt   "key: value" lines (hits, first and
 *                                          last seen, the reproducer, examples)
 *   DIR/findings/<signature>/r-<tag>/      a reproducer: scenario.gmp, trace.gmt,
 *                                          repro.sh, result.txt (one atomic folder)
 *   DIR/summary.json                       schema gmpsim.campaign/1
 *   DIR/junit.xml                          one test case per signature
 *
 * A signature names the kind of failure, not the run: the outcome, the
 * invariant (or the signal of a crash), and the decision site: the last
 * event the runtime traced before the failure and the runtime function
 * that traced it.  Seeds, scenarios, times and machines do not enter it.
 *
 * fnd_record merges one failing run into DIR: the hit count grows, the
 * first three runs become examples, and a reproducer smaller (in events)
 * than the kept one replaces it.  The caller's fill() writes a reproducer
 * folder only when one is wanted.  Every file and folder is written
 * atomically (traces/atomicfile.h); a lock file serializes writers of one
 * DIR.  Ownership: the caller owns the strings it passes; nothing is kept
 * between calls.
 */
#ifndef GMP_FUZZ_CAMPAIGN_FINDINGS_H
#define GMP_FUZZ_CAMPAIGN_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/atomicfile.h"

enum { FND_SIG_LEN = 200, FND_EXAMPLES = 3 };

/* The signature: "<outcome>[__<detail>][__<event kind>__<function>]",
 * where detail is the invariant's name or the signal's (NULL: left out),
 * and the site is left out when kind or fn is NULL.  Bytes outside
 * [A-Za-z0-9_.-] become '-'. */
void fnd_signature(char *buf, size_t len, const char *outcome, const char *detail, const char *kind,
                   const char *fn);

typedef struct fnd_case {
    const char *signature;
    const char *outcome;        /* "invariant", "hang", "crash", "timeout", ... */
    const char *detail;         /* invariant or signal name, or NULL */
    const char *site;           /* "goready in ready()", or NULL */
    const char *message;
    const char *tag;            /* names the reproducer folder r-<tag>: unique per run, e.g. "s1-r17" */
    uint64_t events;            /* the reproducer's size; 0: unknown (never replaces a known size) */
    /* Write the reproducer's files into d (not committed); false: give up. */
    bool (*fill)(void *ctx, af_dir *d);
    void *ctx;
} fnd_case;

typedef struct fnd_verdict {
    bool is_new;                /* the first hit of this signature in DIR */
    bool replaced;              /* the reproducer is now this run's */
    uint64_t hits;              /* after this one */
    char reproducer[80];        /* the kept reproducer's folder name */
} fnd_verdict;

/* Create DIR/findings and check that DIR can be written: 0 or an errno /
 * AF_E* value (the CLI's exit 10). */
int fnd_prepare(const char *dir);

/* Merge one failing run into DIR.  0, or an errno / AF_E* value. */
int fnd_record(const char *dir, const fnd_case *c, fnd_verdict *v);

/* What summary.json says about the campaign that wrote it. */
typedef struct fnd_campaign {
    const char *command;        /* "campaign", "fuzz", "minimize" */
    uint64_t seed, runs, jobs, checks, events, failures;
    double seconds;
    const char *mutant;
    bool interrupted;
    int exit_code;
    const char *const *outcome_names;   /* outcome i's name, for outcome_counts[i] */
    const uint64_t *outcome_counts;
    int noutcomes;
    FILE *json_out;             /* non-NULL: also print the document there, on one line (--json) */
} fnd_campaign;

/* Rewrite DIR/summary.json and DIR/junit.xml from every finding in DIR. */
int fnd_summary(const char *dir, const fnd_campaign *c);

#endif
