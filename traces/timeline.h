/*
 * traces/timeline.h: the picture of a trace that the exporters draw.
 *
 * Lanes: one per P and one per M, idle ones included (every id up to the
 * largest an event, a procresize or a newm/startm names), plus one
 * "driver" lane for events with neither (choices drawn outside any M).
 * The failure: the first INVARIANT event, else an EXIT whose outcome is
 * not ok; both exports mark it.
 * Spans: a G running on a P and M, from its EXECUTE to the next event that
 * takes it off (GOSCHED, GOPARK, PREEMPT, GOEXIT, ENTERSYSCALL, GOYIELD
 * naming it, or the next EXECUTE on that P or M), or to the last event.
 * Instants: every event but EXECUTE (which starts a span), on the P lane
 * when it has a P, else the M lane, else the driver lane.
 * Flows: each GOREADY to the woken G's next EXECUTE (a wakeup without a
 * later EXECUTE draws no flow).
 *
 * Everything is ordered by sequence number, never by address or hash, so
 * the exports of a trace are byte-for-byte reproducible.
 *
 * Ownership: a model borrows the event array it was built from.
 */
#ifndef GMP_TRACES_TIMELINE_H
#define GMP_TRACES_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

typedef enum tl_lane_kind { TL_LANE_P = 0, TL_LANE_M, TL_LANE_DRIVER, TL_LANE__COUNT } tl_lane_kind;

typedef struct tl_lane {
    tl_lane_kind kind;
    uint16_t id;
} tl_lane;

typedef struct tl_span {
    uint32_t g;
    uint16_t p, m;        /* TR_NONE when the EXECUTE had none */
    int64_t t0, t1;
    uint64_t seq0, seq1;  /* the EXECUTE, and the event that ended the span */
} tl_span;

typedef struct tl_flow {
    uint32_t g;
    uint64_t seq0, seq1;  /* the GOREADY, and the woken G's EXECUTE */
} tl_flow;

typedef struct tl_model {
    const tr_event *ev;   /* borrowed */
    size_t n;
    uint64_t seq0;        /* seq of ev[0] */
    tl_lane *lanes;       /* P lanes by id, then M lanes by id, then the driver lane */
    size_t nlanes;
    int32_t *lane_of_p;   /* by P id < p_ids: lane index or -1 */
    int32_t *lane_of_m;   /* by M id < m_ids */
    size_t p_ids, m_ids;  /* 1 + the largest P and M id in the events */
    int32_t driver_lane;  /* -1 when unused */
    tl_span *spans;       /* by EXECUTE order */
    size_t nspans;
    tl_flow *flows;       /* by GOREADY order */
    size_t nflows;
    size_t ninstants;
    int64_t failure;      /* index in ev of the failure event, or -1 */
} tl_model;

/* Build the model of ev[0..n) (ev[0] has sequence number seq0).  Returns
 * false on out of memory. */
bool tl_build(tl_model *m, const tr_event *ev, size_t n, uint64_t seq0);
void tl_free(tl_model *m);

/* The lane an event's instant is drawn on. */
int32_t tl_instant_lane(const tl_model *m, const tr_event *e);
/* The lanes of a span: its P lane and its M lane (-1 when absent). */
int32_t tl_span_p_lane(const tl_model *m, const tl_span *s);
int32_t tl_span_m_lane(const tl_model *m, const tl_span *s);
/* The lanes a flow starts on (the GOREADY's instant lane) and ends on
 * (the EXECUTE's P lane, else its M lane; -1 when it has neither). */
int32_t tl_flow_from_lane(const tl_model *m, const tl_flow *f);
int32_t tl_flow_to_lane(const tl_model *m, const tl_flow *f);
/* "P3", "M0", "driver". */
void tl_lane_name(const tl_lane *l, char *buf, size_t len);

/* Slices drawn: a span counts once per lane it is drawn on. */
size_t tl_slices(const tl_model *m);

#endif
