/* triage/probe.c: failure signatures and the sink that feeds them (triage.h). */
#include "triage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/invariant.h"

static void probe_chunk(void *ctx, const tr_event *ev, size_t n, uint64_t first_seq) {
    tg_probe *p = ctx;
    for (size_t i = 0; i < n; i++) {
        p->last[(first_seq + i) % TG_PROBE_LAST] = ev[i];
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
    p->seen = first_seq + n;
}

tr_sink tg_probe_sink(tg_probe *p) { return (tr_sink){probe_chunk, p}; }

void tg_probe_reset(tg_probe *p) {
    p->seen = 0;
    p->nchoices = 0;
    p->lost = false;
}

void tg_probe_free(tg_probe *p) {
    free(p->choices);
    memset(p, 0, sizeof *p);
}

/* Records that say nothing about where the scheduler went wrong: the
 * driver's own (draws, marks, the violation and the exit), and sysmon's
 * periodic work, which goes on while everything else is stuck (a stranded
 * G is often noticed after a few sysmon ticks). */
static bool is_noise(unsigned kind) {
    return tr_kinds[kind].cat == TRC_DRV || kind == EV_SYSMON || kind == EV_SYSMON_SLEEP ||
           kind == EV_SYSMON_WAKE || kind == EV_RETAKE || kind == EV_PREEMPTONE;
}

tg_sig tg_signature(const sim_result *res, const tg_probe *p) {
    tg_sig s = {res->outcome, res->outcome == OUT_INVARIANT ? res->invariant : -1, -1};
    if (!tg_sig_is_failure(s))
        return s;
    uint64_t n = p->seen < TG_PROBE_LAST ? p->seen : TG_PROBE_LAST;
    for (uint64_t i = 1; i <= n; i++) {
        const tr_event *e = &p->last[(p->seen - i) % TG_PROBE_LAST];
        if (!is_noise(e->kind)) {
            s.site = e->kind;
            break;
        }
    }
    return s;
}

bool tg_sig_equal(tg_sig a, tg_sig b) {
    return a.outcome == b.outcome && a.invariant == b.invariant && a.site == b.site;
}

bool tg_sig_is_failure(tg_sig s) { return s.outcome == OUT_INVARIANT || s.outcome == OUT_HANG; }

void tg_sig_format(tg_sig s, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s/%s", sim_outcome_name(s.outcome), s.invariant >= 0 ? gmp_invariant_name(s.invariant) : "-",
             s.site >= 0 ? tr_kinds[s.site].name : "-");
}
