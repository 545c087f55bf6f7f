/*
 * tests/traces/streams.h: synthetic event streams for the traces/ tests,
 * the trace benchmark and the trace_reader fuzz corpus generator.
 *
 * Every stream is a pure function of its arguments (a seed, a length), so
 * the files made from them are byte-for-byte reproducible.
 */
#ifndef GMP_TESTS_TRACES_STREAMS_H
#define GMP_TESTS_TRACES_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

/* Events per Gosched in ts_gosched: gosched, globrunqput, globrunqget,
 * execute (with the source schedule found it in). */
enum { TS_GOSCHED_EVENTS = 4 };

/* A G on one M/P calling Gosched in a loop, times advancing by small
 * constant steps.  Writes ngosched * TS_GOSCHED_EVENTS events. */
size_t ts_gosched(tr_event *ev, size_t ngosched);

/* Arbitrary valid records: any kind, extreme times, TR_NONE ids, large
 * arguments, with runs of repeats so every codec prediction is taken. */
void ts_random(tr_event *ev, size_t n, uint64_t seed);

/* Plausible scheduler activity on 4 Ps and 6 Ms: spawns, run queues,
 * parks and wakeups, syscalls, preemption, steals, timers and choices. */
void ts_mixed(tr_event *ev, size_t n, uint64_t seed);

/* A small hand-written timeline for the export tests (24 events):
 * lanes P0 P1 M0 M1 and the global lane; spans G1@P0/M0 [250,2000],
 * G2@P1/M1 [1550,2600], G1@P1/M1 [2750,3500], G2@P1/M1 [3650,4000];
 * one wakeup flow (goready G1 at 2500 -> execute at 2750). */
enum {
    TS_SAMPLE_EVENTS = 24,
    TS_SAMPLE_LANES = 5,
    TS_SAMPLE_SPANS = 4,
    TS_SAMPLE_SLICES = 2 * TS_SAMPLE_SPANS, /* each span on its P and its M lane */
    TS_SAMPLE_INSTANTS = TS_SAMPLE_EVENTS - TS_SAMPLE_SPANS,
    TS_SAMPLE_FLOWS = 1,
};
size_t ts_sample(tr_event *ev);

/* The sample timeline as a trace file with SCENARIO and CONFIG sections
 * (TS_SAMPLE_CONFIG); returns the tr_write_file class (TR_OK). */
#define TS_SAMPLE_CONFIG "seed=7\nstrategy=random\nprocs=2\nmutant=none\n"
int ts_write_sample_file(const char *path);

/* splitmix64: the streams' only source of variety. */
uint64_t ts_next(uint64_t *state);

#endif
