/* replay/replay.c: see replay.h. */
#include "replay.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/driver.h"
#include "sim/invariant.h"
#include "sim/plugin.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/json.h"
#include "traces/values.h"

/* Events of context shown on each side of a divergence; events decoded
 * per refill; decoded events kept between the comparison and the draws
 * read ahead of it. */
enum { CONTEXT = 5, BATCH = 1024, RING = 1 << 15, LINE = 256 };

/* The recorded events, each decoded once: the comparison and the draws
 * (the CHOICE events, which the re-run asks for before it makes them)
 * read the same ring.  Events [cmp, ahead) are in the ring, seq s at
 * ring[s % RING]; draw is where the search for the next draw stands.
 * Should the draws run RING events ahead of the comparison (the runs
 * have diverged), they get a cursor of their own from there. */
typedef struct recorded {
    tr_reader *rd;
    tr_event *ring;
    uint64_t cmp, draw, ahead;
    bool end;                    /* rd has no events left */
    tr_reader *solo;             /* the draws' own cursor, once they ran ahead */
} recorded;

/* One replay.  Owned by the replaying thread; the simulator calls
 * on_event and on_draw during the re-run. */
typedef struct rp_state {
    const rp_opts *o;
    recorded rec;
    bool in_run;                 /* refills go through the service stack */
    tr_error read_err;           /* a refill failed (memory, a file changed) */
    uint64_t got;                /* events the re-run made */
    tr_event before[CONTEXT];    /* the last identical events (ring) */
    uint64_t together;           /* events identical before the divergence */
    bool diverged, stopping, fresh;
    tr_event rec_after[CONTEXT], got_after[CONTEXT];
    size_t nrec_after, ngot_after;
    tr_event last[3];            /* the re-run's last events (ring) */
    bool draw_diverged;
    uint64_t draw_at, draws_made;
    uint64_t fresh_state;        /* --tolerant: splitmix64 state of the fresh draws */
    bool solo_found;             /* solo_next_fn's answer */
    tr_event solo_event;
} rp_state;

/* printf to f unless f is NULL. */
static void say(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *f, const char *fmt, ...) {
    if (f == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
}

/* ---- the recorded events ---- */

static void keep_read_error(rp_state *st, const tr_reader *rd) {
    const tr_error *e = tr_reader_error(rd);
    if (e->cls != TR_OK && st->read_err.cls == TR_OK)
        st->read_err = *e;
}

/* Decode up to BATCH more events into the ring, as far as it has room. */
static void fill_fn(void *arg) {
    rp_state *st = arg;
    recorded *r = &st->rec;
    uint64_t room = RING - (r->ahead - r->cmp), seq;
    for (uint64_t i = 0; i < BATCH && i < room && !r->end; i++) {
        if (tr_reader_next(r->rd, &seq, &r->ring[r->ahead % RING]))
            r->ahead++;
        else
            r->end = true;
    }
    keep_read_error(st, r->rd);
}

/* The draws' own cursor, at event r->draw (decoding up to there again). */
static void solo_fn(void *arg) {
    rp_state *st = arg;
    recorded *r = &st->rec;
    tr_error err = {0};
    r->solo = tr_reader_dup(r->rd, &err);
    if (r->solo == NULL) {
        if (st->read_err.cls == TR_OK)
            st->read_err = err;
        return;
    }
    uint64_t seq;
    tr_event e;
    for (uint64_t i = 0; i < r->draw && tr_reader_next(r->solo, &seq, &e); i++)
        ;
    keep_read_error(st, r->solo);
}

/* The next CHOICE event of the solo cursor. */
static void solo_next_fn(void *arg) {
    rp_state *st = arg;
    recorded *r = &st->rec;
    uint64_t seq;
    tr_event e;
    st->solo_found = false;
    while (!st->solo_found && tr_reader_next(r->solo, &seq, &e))
        if (e.kind == EV_CHOICE) {
            st->solo_found = true;
            st->solo_event = e;
        }
    keep_read_error(st, r->solo);
}

/* Run fn on the service stack during the re-run: a chunk's zstd and
 * decoding do not belong on a goroutine's small stack. */
static void on_service(rp_state *st, void (*fn)(void *)) {
    if (st->in_run)
        sim_on_service(fn, st);
    else
        fn(st);
}

static bool next_recorded(rp_state *st, tr_event *e) {
    recorded *r = &st->rec;
    if (r->cmp == r->ahead && !r->end)
        on_service(st, fill_fn);
    if (r->cmp == r->ahead)
        return false;
    *e = r->ring[r->cmp++ % RING];
    if (r->draw < r->cmp && r->solo == NULL)
        r->draw = r->cmp;   /* no draw was asked for those (seed-only) */
    return true;
}

static bool choice_of(const tr_event *e, choice_record *c) {
    *c = (choice_record){.kind = e->a[2], .n = e->a[0], .value = e->a[1]};
    return true;
}

static bool next_draw(rp_state *st, choice_record *c) {
    recorded *r = &st->rec;
    for (;;) {
        if (r->solo != NULL) {
            on_service(st, solo_next_fn);
            return st->solo_found && choice_of(&st->solo_event, c);
        }
        for (; r->draw < r->ahead; r->draw++)
            if (r->ring[r->draw % RING].kind == EV_CHOICE)
                return choice_of(&r->ring[r->draw++ % RING], c);
        if (r->end)
            return false;
        if (r->ahead - r->cmp < RING)
            on_service(st, fill_fn);
        else
            on_service(st, solo_fn);
        if (st->read_err.cls != TR_OK)
            return false;
    }
}

/* ---- the choice source: the recorded draws, then (--tolerant, after a
 * divergence) fresh ones ---- */

static uint32_t fresh_draw(rp_state *st, uint32_t n) {
    uint32_t x = (uint32_t)(splitmix64(&st->fresh_state) >> 32);
    return n == 0 ? x : (uint32_t)(((uint64_t)x * n) >> 32);
}

static uint32_t on_draw(void *ctx, unsigned kind, uint32_t n) {
    rp_state *st = ctx;
    uint64_t k = st->draws_made++;
    if (st->fresh)
        return fresh_draw(st, n);
    choice_record r;
    if (next_draw(st, &r) && r.kind == kind && r.n == n && (n == 0 || r.value < n))
        return r.value;
    if (!st->draw_diverged) {
        st->draw_diverged = true;
        st->draw_at = k;
    }
    if (st->o->tolerant) {
        st->fresh = true;
        return fresh_draw(st, n);
    }
    return 0;
}

/* ---- the comparison, one event at a time ---- */

static void note_divergence(rp_state *st, uint64_t seq, const tr_event *e) {
    st->diverged = true;
    st->together = seq;
    st->got_after[st->ngot_after++] = *e;
    if (st->o->tolerant)
        st->fresh = true;
}

static void print_state_at(const rp_opts *o, uint64_t seq, const tr_event *e) {
    static char state[1 << 16];
    char line[LINE];
    tr_format(line, sizeof line, seq, e);
    sim_dump_state(state, sizeof state);
    if (!o->json) {
        printf("state after %s\n%s", line, state);
        return;
    }
    js_writer w;
    js_init(&w, stdout, false);
    js_object(&w);
    js_schema(&w, "replay", 1);
    js_kstr(&w, "outcome", "stopped");
    js_key(&w, "state_after");
    tr_event_json(&w, seq, e);
    js_kstr(&w, "state", state);
    js_object_end(&w);
    js_finish(&w);
}

static void on_event(void *ctx, uint64_t seq, const tr_event *e) {
    rp_state *st = ctx;
    st->got = seq + 1;
    st->last[seq % 3] = *e;
    if (!st->diverged) {
        tr_event r;
        bool have = next_recorded(st, &r);
        if (have && memcmp(&r, e, sizeof r) == 0) {
            st->before[seq % CONTEXT] = *e;
        } else {
            if (have)
                st->rec_after[st->nrec_after++] = r;
            note_divergence(st, seq, e);
        }
    } else if (st->ngot_after < CONTEXT) {
        st->got_after[st->ngot_after++] = *e;
    }
    bool final = e->kind == EV_EXIT || e->kind == EV_INVARIANT;
    if (st->o->at && seq == st->o->at_seq) {
        print_state_at(st->o, seq, e);   /* an invariant's N too: the number its message gives */
        if (!final) {
            st->stopping = true;
            sim_stop(OUT_OK, "replay stopped at the requested event");
        }
    }
    if (!st->o->tolerant && st->diverged && st->ngot_after >= CONTEXT && !final && !st->stopping) {
        st->stopping = true;
        sim_stop(OUT_OK, "replay stopped after the divergence");
    }
}

/* ---- loading ---- */

/* The plugins the recorded run had (sim/plugin.h): missing is exit 12. */
static int plugins_loaded(tr_reader *rd, const char *name, FILE *errf) {
    size_t len = 0;
    const char *text = tr_reader_section(rd, TR_SEC_PLUGINS, &len);
    char why[256], note[256];
    int rc = text != NULL ? sim_plugins_check(text, len, why, sizeof why, note, sizeof note) : EXIT_OK;
    if (rc != EXIT_OK)
        say(errf, "gmpsim replay: %s: %s\n", name, why);
    else if (text != NULL && note[0] != 0)
        say(errf, "gmpsim replay: note: %s\n", note);
    return rc;
}

static int load(tr_reader *rd, const char *name, scenario *sc, sim_config *cfg, FILE *errf) {
    char why[240] = "";
    if (sim_trace_sections(rd, sc, cfg, why, sizeof why) != EXIT_OK) {
        say(errf, "gmpsim replay: %s: %s\n", name, why);
        return EXIT_TRACE_REJECTED;
    }
    return plugins_loaded(rd, name, errf);
}

/* The untrusted-input bounds of o over the recorded budgets. */
static void bound(sim_config *cfg, const rp_opts *o) {
    if (o->max_events != 0 && (cfg->max_events == 0 || cfg->max_events > o->max_events))
        cfg->max_events = o->max_events;
    if (o->max_schedules != 0 && (cfg->max_schedules == 0 || cfg->max_schedules > o->max_schedules))
        cfg->max_schedules = o->max_schedules;
    if (o->max_vt_ns != 0 && (cfg->vt_limit_ns == 0 || cfg->vt_limit_ns > o->max_vt_ns))
        cfg->vt_limit_ns = o->max_vt_ns;
    if (o->max_gs != 0 && (cfg->rt.max_gs == 0 || cfg->rt.max_gs > o->max_gs))
        cfg->rt.max_gs = o->max_gs;
}

/* ---- reports ---- */

/* How the recorded run ended: its exit event, the invariant event before
 * it, and the event before those (the last scheduler decision). */
typedef struct ending {
    bool known;
    int outcome, code, invariant;
    uint64_t seq;            /* the exit event's number */
    uint64_t inv_seq;        /* the invariant event's (the number messages give) */
    bool has_site;
    tr_event site;
    uint64_t site_seq;
} ending;

static ending recorded_ending(const tr_reader *rd) {
    ending en = {.invariant = -1};
    const tr_event *t;
    size_t n = tr_reader_tail(rd, &t);
    uint64_t first = tr_reader_info(rd)->events - n;
    if (n == 0 || t[n - 1].kind != EV_EXIT || t[n - 1].a[0] >= OUT__COUNT)
        return en;
    en.known = true;
    en.outcome = (int)t[n - 1].a[0];
    en.code = (int)t[n - 1].a[1];
    en.seq = first + n - 1;
    size_t s = n - 1;
    if (s > 0 && t[s - 1].kind == EV_INVARIANT) {
        en.invariant = (int)t[s - 1].a[0];
        en.inv_seq = first + s - 1;
        s--;
    }
    if (s > 0) {
        en.has_site = true;
        en.site = t[s - 1];
        en.site_seq = first + s - 1;
    }
    return en;
}

static ending rerun_ending(const rp_state *st, const sim_result *res) {
    ending en = {.known = true, .outcome = res->outcome, .code = sim_outcome_exit_code(res->outcome),
                 .invariant = res->outcome == OUT_INVARIANT ? res->invariant : -1, .seq = res->violation_seq};
    if (res->outcome == OUT_INVARIANT) {   /* violation_seq numbers the invariant record; exit follows */
        en.inv_seq = res->violation_seq;
        en.seq = res->violation_seq + 1;
    }
    /* the re-run's last events: ..., site, [invariant,] exit */
    uint64_t back = en.invariant >= 0 ? 3 : 2;
    if (st->got >= back) {
        en.has_site = true;
        en.site_seq = st->got - back;
        en.site = st->last[en.site_seq % 3];
    }
    return en;
}

static void print_ending(FILE *out, const char *who, const ending *en) {
    if (!en->known) {
        say(out, "%s: no exit event (the run did not end normally)\n", who);
        return;
    }
    say(out, "%s: outcome %s (exit %d)", who, sim_outcome_name(en->outcome), en->code);
    if (en->invariant >= 0 || en->outcome == OUT_INVARIANT)
        say(out, ", invariant %s at event %" PRIu64, gmp_invariant_name(en->invariant), en->inv_seq);
    say(out, ", ends at event %" PRIu64 "\n", en->seq);
    if (en->has_site) {
        char line[LINE];
        tr_format(line, sizeof line, en->site_seq, &en->site);
        say(out, "  last decision: %s\n", line);
    }
}

/* --tolerant's question: did the re-run end the recorded way (the same
 * outcome and invariant, wherever it got there)? */
static bool same_outcome(const ending *a, const ending *b) {
    return a->known && b->known && a->outcome == b->outcome && a->invariant == b->invariant;
}

static void print_events(FILE *out, const char *mark, uint64_t first, const tr_event *ev, size_t n) {
    char line[LINE];
    for (size_t i = 0; i < n; i++) {
        tr_format(line, sizeof line, first + i, &ev[i]);
        say(out, "  %s %s\n", i == 0 ? mark : " ", line);
    }
}

static void print_divergence(FILE *out, const rp_state *st) {
    uint64_t at = st->together;
    say(out, "diverged at event %" PRIu64 " (events 0..%" PRIu64 " identical)\n", at, at ? at - 1 : 0);
    uint64_t nb = at < CONTEXT ? at : CONTEXT;
    if (nb > 0)
        say(out, " both runs:\n");
    char line[LINE];
    for (uint64_t s = at - nb; s < at; s++) {
        tr_format(line, sizeof line, s, &st->before[s % CONTEXT]);
        say(out, "    %s\n", line);
    }
    say(out, " recorded:\n");
    if (st->nrec_after == 0)
        say(out, "  > (end of the recorded run)\n");
    print_events(out, ">", at, st->rec_after, st->nrec_after);
    say(out, " re-run:\n");
    if (st->ngot_after == 0)
        say(out, "  > (end of the re-run)\n");
    print_events(out, ">", at, st->got_after, st->ngot_after);
    if (st->draw_diverged)
        say(out, "  (the re-run asked for a different draw at choice %" PRIu64 ")\n", st->draw_at);
}

/* After the run: a re-run that ended early is a divergence at its end;
 * fetch the recorded side's context. */
static void finish_comparison(rp_state *st) {
    st->in_run = false;
    tr_event r;
    if (!st->diverged && next_recorded(st, &r)) {
        st->diverged = true;
        st->together = st->got;
        st->rec_after[st->nrec_after++] = r;
    }
    while (st->diverged && st->nrec_after > 0 && st->nrec_after < CONTEXT && next_recorded(st, &r))
        st->rec_after[st->nrec_after++] = r;
}

/* docs/json.md, "gmpsim.replay/1": the words of the text form. */
static void json_ending(js_writer *w, const char *key, const ending *en) {
    js_key(w, key);
    if (!en->known) {
        js_null(w);
        return;
    }
    js_object(w);
    js_kstr(w, "outcome", sim_outcome_name(en->outcome));
    js_kint(w, "exit", en->code);
    js_key(w, "invariant");
    js_str(w, en->invariant >= 0 || en->outcome == OUT_INVARIANT ? gmp_invariant_name(en->invariant) : NULL);
    js_kuint(w, "end", en->seq);
    js_object_end(w);
}

static void json_side(js_writer *w, const char *key, const tr_event *ev, size_t n, uint64_t at) {
    js_key(w, key);
    if (n > 0)
        tr_event_json(w, at, ev);
    else
        js_null(w);   /* that run had ended */
}

static void report_json(FILE *out, const rp_state *st, const ending *rec, const ending *got, const sim_result *res,
                        bool reproduced) {
    js_writer w;
    js_init(&w, out, false);
    js_object(&w);
    js_schema(&w, "replay", 1);
    js_kstr(&w, "outcome", st->diverged ? "diverged" : "identical");
    js_kuint(&w, "events", st->got);
    js_khex64(&w, "digest", res->digest);
    json_ending(&w, "recorded_end", rec);
    if (!st->diverged || st->o->tolerant)
        json_ending(&w, "re_run_end", got);
    js_kbool(&w, "reproduced", reproduced);
    if (st->diverged) {
        js_kuint(&w, "diverged_at", st->together);
        json_side(&w, "recorded", st->rec_after, st->nrec_after, st->together);
        json_side(&w, "re_run", st->got_after, st->ngot_after, st->together);
        js_key(&w, "choice");
        if (st->draw_diverged)
            js_uint(&w, st->draw_at);
        else
            js_null(&w);
    }
    if (st->o->tolerant)
        js_kuint(&w, "together", st->diverged ? st->together : st->got);
    js_object_end(&w);
    js_finish(&w);
}

static int report(FILE *out, const rp_state *st, const tr_reader *rd, const sim_result *res) {
    const tr_file_info *in = tr_reader_info(rd);
    ending rec = recorded_ending(rd), got = rerun_ending(st, res);
    if (st->o->json) {
        bool same = !st->diverged || (st->o->tolerant && same_outcome(&rec, &got));
        report_json(out, st, &rec, &got, res, same);
        return same ? EXIT_OK : EXIT_DIVERGED;
    }
    print_ending(out, "recorded", &rec);
    if (!st->diverged) {
        print_ending(out, "re-run  ", &got);
        say(out, "reproduced: yes\nidentical: %" PRIu64 " events, digest %016" PRIx64 "\n", st->got, res->digest);
        return EXIT_OK;
    }
    print_divergence(out, st);
    if (!st->o->tolerant) {
        say(out, "reproduced: no (the re-run was stopped %zu events after the divergence)\n", st->ngot_after);
        return EXIT_DIVERGED;
    }
    print_ending(out, "re-run  ", &got);
    bool same = same_outcome(&rec, &got);
    say(out, "together: %" PRIu64 " of %" PRIu64 " recorded events (%.1f%%); the re-run went on for %" PRIu64
        " events on fresh draws\n",
        st->together, in->events, in->events ? 100.0 * (double)st->together / (double)in->events : 100.0,
        st->got - st->together);
    say(out, "reproduced: %s\n", same ? "yes (the recorded outcome, on a different path)" : "no");
    return same ? EXIT_OK : EXIT_DIVERGED;
}

/* ---- the replay ---- */

static int open_cursors(rp_state *st, tr_reader *rd, const char *name, FILE *errf) {
    tr_error err = {0};
    st->rec.rd = tr_reader_dup(rd, &err);
    st->rec.ring = st->rec.rd != NULL ? malloc(RING * sizeof(tr_event)) : NULL;
    if (st->rec.ring == NULL) {
        if (st->rec.rd != NULL) {
            err.cls = TR_ERR_NOMEM;
            snprintf(err.msg, sizeof err.msg, "out of memory for the comparison");
        }
        say(errf, "gmpsim replay: %s: %s\n", name, err.msg);
        return tr_err_exit_code(err.cls);
    }
    return EXIT_OK;
}

static void close_cursors(rp_state *st) {
    tr_reader_close(st->rec.rd);
    tr_reader_close(st->rec.solo);
    free(st->rec.ring);
}

static int run_and_compare(rp_state *st, const scenario *sc, sim_config cfg, tr_reader *rd, const char *name,
                           FILE *out, FILE *errf) {
    if (!st->o->seed_only) {
        cfg.choice_fn = on_draw;
        cfg.choice_ctx = st;
    }
    cfg.hook = on_event;
    cfg.hook_ctx = st;
    st->fresh_state = cfg.seed ^ UINT64_C(0x7265706c6179);   /* "replay" */
    st->in_run = true;
    sim_result res;
    sim_run(sc, &cfg, &res);
    finish_comparison(st);
    int rc;
    if (st->read_err.cls != TR_OK) {
        say(errf, "gmpsim replay: %s: %s\n", name, st->read_err.msg);
        rc = tr_err_exit_code(st->read_err.cls);
    } else if (res.host_memory) {
        say(errf, "gmpsim replay: %s: out of memory: the re-run could not allocate (%s); this says nothing about "
            "determinism\n", name, res.message);
        rc = EXIT_MEMORY;
    } else if (st->o->at) {
        rc = EXIT_OK;
        if (st->o->at_seq >= st->got) {
            say(out, "the re-run ended after %" PRIu64 " events, before event %" PRIu64 "\n", st->got,
                st->o->at_seq);
            rc = EXIT_USAGE;
        }
    } else {
        rc = report(out, st, rd, &res);
    }
    sim_result_free(&res);
    return rc;
}

int rp_replay(tr_reader *rd, const char *name, const rp_opts *o, FILE *out, FILE *errf) {
    static scenario sc;   /* large; one replay at a time */
    sim_config cfg;
    int rc = load(rd, name, &sc, &cfg, errf);
    if (rc != EXIT_OK)
        return rc;
    bound(&cfg, o);
    rp_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        say(errf, "gmpsim replay: out of memory\n");
        return EXIT_MEMORY;
    }
    st->o = o;
    rc = open_cursors(st, rd, name, errf);
    if (rc == EXIT_OK)
        rc = run_and_compare(st, &sc, cfg, rd, name, out, errf);
    close_cursors(st);
    free(st);
    return rc;
}

/* ---- run --check-determinism: run 1 into a trace, run 2 compared with
 * it as it streams ---- */

/* Where run 1 goes: a trace file under $TMPDIR, unlinked as soon as it is
 * open, so memory stays bounded (the page cache holds it, the process
 * does not); a compressed trace in memory (about 2 bytes an event) when
 * no such file can be made. */
static tr_writer *first_writer(char *path, size_t len, tr_error *err) {
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/gmpsim-determinism-%ld.gmt", tmp != NULL && tmp[0] ? tmp : "/tmp", (long)getpid());
    tr_writer *w = tr_writer_open(path, NULL, 0, NULL, err);
    if (w != NULL)
        return w;
    path[0] = 0;
    return tr_writer_open_mem(NULL, 0, NULL, err);
}

static int first_run(const scenario *sc, const sim_config *cfg, tr_reader **rd, uint8_t **buf, FILE *errf) {
    char path[4096];
    tr_error err = {0};
    tr_writer *w = first_writer(path, sizeof path, &err);
    if (w == NULL) {
        say(errf, "gmpsim: --check-determinism: %s\n", err.msg);
        return tr_err_exit_code(err.cls);
    }
    sim_config c = *cfg;
    c.sinks[c.nsinks++] = tr_writer_sink(w);
    sim_result res;
    sim_run(sc, &c, &res);
    bool oom = res.host_memory;
    sim_result_free(&res);
    size_t len = 0;
    int rc = path[0] ? tr_writer_finish(w, &err) : tr_writer_finish_mem(w, buf, &len, &err);
    if (rc == TR_OK && !oom)
        *rd = path[0] ? tr_reader_open_path(path, TR_READ_STRICT | TR_READ_LAZY, &err)
                      : tr_reader_open_mem(*buf, len, TR_READ_STRICT | TR_READ_LAZY, &err);
    if (path[0] && rc == TR_OK)
        unlink(path);
    if (oom || *rd == NULL) {
        say(errf, "gmpsim: --check-determinism: %s in run 1 (%s)%s\n",
            oom || err.cls == TR_ERR_NOMEM ? "out of memory" : "cannot keep the run",
            oom ? "the simulator could not allocate" : err.msg,
            oom || err.cls == TR_ERR_NOMEM ? "; this says nothing about determinism" : "");
        return oom ? EXIT_MEMORY : tr_err_exit_code(err.cls);
    }
    return EXIT_OK;
}

static int second_run(rp_state *st, const scenario *sc, sim_config cfg, FILE *out, FILE *errf) {
    cfg.hook = on_event;
    cfg.hook_ctx = st;
    st->in_run = true;
    sim_result res;
    sim_run(sc, &cfg, &res);
    finish_comparison(st);
    int rc = EXIT_OK;
    if (st->read_err.cls != TR_OK || res.host_memory) {
        say(errf, "gmpsim: --check-determinism: out of memory in run 2 (%s); this says nothing about determinism\n",
            res.host_memory ? res.message : st->read_err.msg);
        rc = res.host_memory ? EXIT_MEMORY : tr_err_exit_code(st->read_err.cls);
    } else if (st->diverged) {
        say(out, "NOT deterministic: runs diverge at event %" PRIu64 "\n", st->together);
        print_divergence(out, st);
        rc = EXIT_DIVERGED;
    } else {
        say(out, "deterministic: 2 runs, %" PRIu64 " events each, digest %016" PRIx64 "\n", st->got, res.digest);
    }
    sim_result_free(&res);
    return rc;
}

int rp_check_determinism(const scenario *sc, const sim_config *cfg, FILE *out, FILE *errf) {
    uint8_t *buf = NULL;
    tr_reader *rd = NULL;
    int rc = first_run(sc, cfg, &rd, &buf, errf);
    rp_opts o = {0};
    rp_state *st = rc == EXIT_OK ? calloc(1, sizeof *st) : NULL;
    if (rc == EXIT_OK && st == NULL) {
        say(errf, "gmpsim: --check-determinism: out of memory\n");
        rc = EXIT_MEMORY;
    } else if (rc == EXIT_OK) {
        st->o = &o;
        rc = open_cursors(st, rd, "run 1", errf);
        if (rc == EXIT_OK)
            rc = second_run(st, sc, *cfg, out, errf);
        close_cursors(st);
    }
    tr_reader_close(rd);
    free(st);
    free(buf);
    return rc;
}

/* ---- the command ---- */

static bool set_at(void *opts, const char *v, char *why, size_t why_len) {
    rp_opts *o = opts;
    return o->at = cf_parse_uint(v, &(cf_range){0, UINT64_MAX}, &o->at_seq, why, why_len);
}

static const cf_flag replay_flags[] = {
    {.name = "at", .type = CF_FUNC, .metavar = "N",
     .help = "stop right after event N and print the scheduler state there", .set = set_at, .example = "12"},
    {.name = "seed-only", .type = CF_BOOL, .help = "re-run from the recorded seed, not the recorded draws",
     CF_AT(rp_opts, seed_only)},
    {.name = "json", .type = CF_BOOL, .help = "print one JSON object instead of text (docs/json.md)",
     CF_AT(rp_opts, json)},
    {.name = "tolerant", .type = CF_BOOL,
     .help = "after a divergence go on with fresh draws; report how long the runs stayed together",
     CF_AT(rp_opts, tolerant)},
};

const cf_command rp_replay_command = {
    .name = "replay", .args = "TRACE", .min_args = 1, .max_args = 1,
    .summary = "Re-run a trace file from its own sections and compare it event by event",
    .about = "Prints the recorded outcome and whether the re-run reproduced it, then `identical: N events,\n"
             "digest D`, or the first event where the runs diverge with five events of context (exit 9).\n"
             "Memory stays bounded whatever the trace's length; running out of it is exit 11.",
    .flags = replay_flags, .nflags = CF_NFLAGS(replay_flags),
};

int rp_cmd_replay(int argc, char **argv) {
    rp_opts o = {0};
    cf_parsed p;
    int prc = cf_parse(&rp_replay_command, argc - 1, argv + 1, &o, &p, stdout, stderr);
    if (prc != CF_OK)
        return cf_exit_code(prc);
    const char *path = p.pos[0];
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT | TR_READ_TIMES | TR_READ_LAZY, &err);
    if (rd == NULL) {
        fprintf(stderr, "gmpsim replay: %s: %s\n", path, err.msg);
        return tr_err_exit_code(err.cls);
    }
    int rc = rp_replay(rd, path, &o, stdout, stderr);
    tr_reader_close(rd);
    return rc;
}
