/* sim/fuzzinput.c: the fuzz/sim_run input layout (see fuzzinput.h). */
#include "fuzzinput.h"

#include <stdlib.h>

static uint8_t at(const uint8_t *data, size_t size, size_t i) { return i < size ? data[i] : 0; }

void sim_fuzz_input_decode(const uint8_t *data, size_t size, scenario *sc, sim_config *cfg,
                           sim_fuzz_input *layout) {
    size_t len = (size_t)at(data, size, 4) | (size_t)at(data, size, 5) << 8;
    size_t off = size < 6 ? size : 6;
    if (len > size - off)
        len = size - off;
    sc_decode(data + off, len, sc);
    sim_config_default(cfg);
    cfg->check = true;
    cfg->vt_limit_ns = 2LL * 1000 * 1000 * 1000;
    cfg->max_schedules = 200000;
    cfg->max_events = SIM_FUZZ_MAX_EVENTS;
    cfg->rt.max_gs = SIM_FUZZ_MAX_GS;
    uint8_t b0 = at(data, size, 0), b1 = at(data, size, 1), b2 = at(data, size, 2), b3 = at(data, size, 3);
    cfg->rt.gomaxprocs = b0 ? 1 + b0 % 8 : 0;
    cfg->strategy = b1 % 4 == 2 ? STRAT_PCT : b1 % 4 == 3 ? STRAT_RR : STRAT_RANDOM;
    cfg->pct_depth = 1 + (b1 >> 2) % 4;
    cfg->stall_den = b2 ? 4 + b2 % 61 : 0;
    cfg->preempt_den = b3 ? 2 + b3 % 31 : 0;
    cfg->bytes = data + off + len;
    cfg->nbytes = size - off - len;
    if (layout != NULL)
        *layout = (sim_fuzz_input){off, len, off + len, size - off - len};
}

int sim_fuzz_mutant_from_env(void) {
    const char *e = getenv("GMPSIM_MUTANT");
    int m = e != NULL ? rt_mutant_by_name(e) : MUT_NONE;
    return m < 0 ? MUT_NONE : m;
}
