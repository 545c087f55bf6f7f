/*
 * sim/costs.c: drawing the costs that vary on real hardware (costs.def).
 *
 * Each such cost has seven measured quantiles.  A draw takes a per-mille
 * rank r from the choice source (CH_TIMING, n = 1000) and interpolates
 * linearly between the quantiles around it; below p1 and above p99 it
 * stays at those ends, so one outlier of the measurement is not a
 * pattern.  The rank is (drawn value + 500) % 1000, so the natural answer
 * 0 of an exhausted fuzz input is the median, the usual case.  With
 * sim_config.fixed_costs every draw is the median and no choice is made.
 * WAKE_LATENCY and THREAD_START scale with the configured
 * cost_wake_latency and cost_newosproc (whose defaults are the medians),
 * so a user can make a slower or faster machine.
 */
#include "runtime/platform.h"
#include "sim/driver.h"

static const struct {
    const char *name;
    int64_t q[7];
} tables[SIM_COST__COUNT] = {
#define X(NAME, name, p1, p10, p25, p50, p75, p90, p99) [SIM_COST_##NAME] = {name, {p1, p10, p25, p50, p75, p90, p99}},
#include "sim/costs.def"
#undef X
};

/* Rank (per mille) of each quantile. */
static const int32_t ranks[7] = {10, 100, 250, 500, 750, 900, 990};

_Static_assert((int)SIM_COST_RUNTIME_INIT == (int)COST_RUNTIME_INIT &&
                   (int)SIM_COST_RUNTIME_INIT_NOOS == (int)COST_RUNTIME_INIT_NOOS &&
                   (int)SIM_COST_MAIN_INIT == (int)COST_MAIN_INIT &&
                   (int)SIM_COST_MAIN_INIT_NOOS == (int)COST_MAIN_INIT_NOOS &&
                   (int)SIM_COST_SCAVENGER_INIT == (int)COST_SCAVENGER_INIT &&
                   (int)SIM_COST_WAKE_LATENCY == (int)COST__RUNTIME_COUNT,
               "sim/costs.def starts with runtime/platform.h's COST_* rows, in order");

const char *sim_cost_name(unsigned c) { return c < SIM_COST__COUNT ? tables[c].name : "?"; }

int64_t sim_cost_median(unsigned c) { return tables[c].q[3]; }

static int64_t interpolate(const int64_t *q, int32_t r) {
    if (r <= ranks[0])
        return q[0];
    for (int i = 1; i < 7; i++) {
        if (r <= ranks[i])
            return q[i - 1] + (q[i] - q[i - 1]) * (r - ranks[i - 1]) / (ranks[i] - ranks[i - 1]);
    }
    return q[6];
}

int64_t sim_cost_draw(unsigned c) {
    int64_t v = tables[c].q[3];
    if (!simw.fixed_costs)
        v = interpolate(tables[c].q, (int32_t)((sim_choose(CH_TIMING, 1000) + 500) % 1000));
    /* cost_newosproc scales both thread-start tables by the same factor. */
    int64_t scale = 0, median = tables[c].q[3];
    if (c == SIM_COST_WAKE_LATENCY)
        scale = simw.cost.wake_latency;
    else if (c == SIM_COST_THREAD_START || c == SIM_COST_THREAD_START_EARLY) {
        scale = simw.cost.newosproc;
        median = tables[SIM_COST_THREAD_START].q[3];
    }
    if (scale > 0 && scale != median)
        v = v * scale / median;
    return v;
}

int64_t plat_cost(unsigned what) {
    if (what >= COST__RUNTIME_COUNT)
        plat_throw("plat_cost: unknown cost");
    return sim_cost_draw(what);
}
