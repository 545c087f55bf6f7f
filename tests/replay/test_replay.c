/*
 * tests/replay: a trace file alone re-executes its run, event for event;
 * a run that differs is reported at its first differing event.
 */
#include "../unit.h"

#include <unistd.h>

#include "replay/replay.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/tracefile.h"
#include "traces/tfile.h"

static char path[64];

static void record_to(const char *to, const char *builtin, int strategy, uint64_t seed, bool check) {
    static scenario sc;
    sc_error err;
    for (size_t i = 0; i < sc_nbuiltins; i++)
        if (strcmp(sc_builtins[i].name, builtin) == 0)
            CHECK(sc_parse(sc_builtins[i].text, strlen(sc_builtins[i].text), &sc, &err));
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.strategy = strategy;
    cfg.seed = seed;
    cfg.stall_den = 16;
    cfg.preempt_den = 16;
    cfg.check = check;
    sim_result res;
    tr_error terr = {0};
    sim_run_to_file(&sc, &cfg, to, &res, &terr);
    CHECK_EQ(terr.cls, TR_OK);
    sim_result_free(&res);
}

static void record(const char *builtin, int strategy, uint64_t seed, bool check) {
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-%d.gmt", (int)getpid());
    record_to(path, builtin, strategy, seed, check);
}

static int replay(const char *extra) {
    char *argv[] = {"replay", path, (char *)extra, NULL};
    return rp_cmd_replay(extra ? 3 : 2, argv);
}

/* replay --json (and extra) with stdout captured; returns the exit status
 * and the document in out. */
static int replay_json(const char *extra, char *out, size_t len) {
    char tmp[80];
    snprintf(tmp, sizeof tmp, "/tmp/gmpsim-replay-out-%d.json", (int)getpid());
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(tmp, "w+");
    CHECK(saved >= 0 && f != NULL);
    dup2(fileno(f), 1);
    char *argv[] = {"replay", path, "--json", (char *)extra, NULL};
    int rc = rp_cmd_replay(extra ? 4 : 3, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, len - 1, f);
    out[n] = 0;
    fclose(f);
    unlink(tmp);
    return rc;
}

/* The events of a fresh worker_pool run under seed (as record() runs it). */
static tr_event *events_of_seed(uint64_t seed, size_t *n) {
    char p2[80];
    snprintf(p2, sizeof p2, "/tmp/gmpsim-replay-b-%d.gmt", (int)getpid());
    record_to(p2, "worker_pool", STRAT_RANDOM, seed, false);
    tr_error terr = {0};
    tr_reader *rd = tr_reader_open_path(p2, TR_READ_STRICT, &terr);
    CHECK(rd != NULL);
    tr_event *ev;
    CHECK_EQ(tr_reader_load(rd, &ev, n, 1u << 24, &terr), TR_OK);
    tr_reader_close(rd);
    unlink(p2);
    return ev;
}

static void recorded_runs_replay_identically_from_the_file_alone(void) {
    const char *names[] = {"worker_pool", "select_fanin", "syscalls", "gomaxprocs_change", "timers"};
    int strategies[] = {STRAT_RANDOM, STRAT_PCT, STRAT_RR};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        record(names[i], strategies[i % 3], 7 + i, i % 2 == 0);
        CHECK_EQ(replay(NULL), EXIT_OK);            /* the recorded draws */
        CHECK_EQ(replay("--seed-only"), EXIT_OK);   /* the recorded seed */
    }
    unlink(path);
}

/* Rewrite the file's configuration with another seed: re-running from the
 * seed alone must diverge, and say where. */
static void a_different_run_is_reported_at_its_first_divergence(void) {
    record("worker_pool", STRAT_RANDOM, 11, false);
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT, &err);
    CHECK(rd != NULL);
    size_t tlen, clen, n;
    const char *text = tr_reader_section(rd, TR_SEC_SCENARIO_TEXT, &tlen);
    const char *conf = tr_reader_section(rd, TR_SEC_CONFIG, &clen);
    CHECK(text != NULL && conf != NULL);
    char *conf2 = malloc(clen + 8);
    CHECK(strncmp(conf, "seed=11\n", 8) == 0);
    memcpy(conf2, "seed=12\n", 8);
    memcpy(conf2 + 8, conf + 8, clen - 8);
    char *text2 = malloc(tlen);
    memcpy(text2, text, tlen);
    tr_event *ev;
    CHECK_EQ(tr_reader_load(rd, &ev, &n, 1u << 24, &err), TR_OK);
    tr_reader_close(rd);
    tr_section secs[2] = {{TR_SEC_SCENARIO_TEXT, text2, tlen}, {TR_SEC_CONFIG, conf2, clen}};
    CHECK_EQ(tr_write_file(path, secs, 2, ev, n, NULL, &err), TR_OK);
    /* Where the two runs first differ, computed here from both event lists. */
    size_t n12;
    tr_event *ev12 = events_of_seed(12, &n12);
    size_t first = 0;
    while (first < n && first < n12 && memcmp(&ev[first], &ev12[first], sizeof *ev) == 0)
        first++;
    CHECK(first < n || first < n12);
    char doc[8192], want[64];
    CHECK_EQ(replay_json("--seed-only", doc, sizeof doc), EXIT_DIVERGED);
    snprintf(want, sizeof want, "\"diverged_at\":%zu", first);
    if (strstr(doc, want) == NULL)
        fprintf(stderr, "want %s in:\n%s\n", want, doc);
    CHECK(strstr(doc, want) != NULL);
    CHECK_EQ(replay(NULL), EXIT_OK);   /* the recorded draws still reproduce it */
    free(ev12);
    free(ev);
    free(conf2);
    free(text2);
    unlink(path);
}

static void a_trace_without_sections_is_rejected(void) {
    snprintf(path, sizeof path, "/tmp/gmpsim-replay-%d.gmt", (int)getpid());
    tr_event e = {.time = 1, .kind = EV_MARK};
    tr_error err = {0};
    CHECK_EQ(tr_write_file(path, NULL, 0, &e, 1, NULL, &err), TR_OK);
    CHECK_EQ(replay(NULL), EXIT_TRACE_REJECTED);
    unlink(path);
    CHECK_EQ(replay(NULL), EXIT_IO);   /* and a missing file is an I/O error */
}

#define TESTS(X)                                            \
    X(recorded_runs_replay_identically_from_the_file_alone) \
    X(a_different_run_is_reported_at_its_first_divergence)  \
    X(a_trace_without_sections_is_rejected)
#include "../unit.h"
