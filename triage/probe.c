/* triage/probe.c: failure signatures and the sink that keeps a run's draws (triage.h). */
#include "triage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/campaign/findings.h"
#include "sim/invariant.h"

_Static_assert(sizeof(((tg_minimize_result *)0)->signature) >= FND_SIG_LEN, "a result holds a whole signature");

static void probe_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    tg_probe *p = ctx;
    (void)first_seq;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind != EV_CHOICE)
            continue;
        if (p->nchoices == p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 1024;
            choice_record *c = realloc(p->choices, cap * sizeof *c);
            if (c == NULL) {
                p->lost = true;
                continue;
            }
            p->choices = c;
            p->cap = cap;
        }
        p->choices[p->nchoices++] = (choice_record){ev[i].a[2], ev[i].a[0], ev[i].a[1]};
    }
}

tr_sink tg_probe_sink(tg_probe *p) { return (tr_sink){probe_chunk, p}; }

void tg_probe_reset(tg_probe *p) {
    p->nchoices = 0;
    p->lost = false;
}

void tg_probe_free(tg_probe *p) {
    free(p->choices);
    memset(p, 0, sizeof *p);
}

tg_sig tg_signature(const sim_result *res) {
    tg_sig s = {res->outcome, res->outcome == OUT_INVARIANT ? res->invariant : -1, -1, NULL};
    if (res->outcome == OUT_INVARIANT && res->site_fn != NULL && sim_site_kind_name(res->site_kind) != NULL) {
        s.site = res->site_kind;
        s.fn = res->site_fn;
    }
    return s;
}

bool tg_sig_equal(tg_sig a, tg_sig b) {
    return a.outcome == b.outcome && a.invariant == b.invariant && a.site == b.site &&
           (a.fn == b.fn || (a.fn != NULL && b.fn != NULL && strcmp(a.fn, b.fn) == 0));
}

bool tg_sig_is_failure(tg_sig s) { return s.outcome == OUT_INVARIANT || s.outcome == OUT_HANG; }

void tg_sig_format(tg_sig s, char *buf, size_t len) {
    fnd_signature(buf, len, sim_outcome_name(s.outcome), s.invariant >= 0 ? gmp_invariant_name(s.invariant) : NULL,
                  sim_site_kind_name(s.site), s.fn);
}
