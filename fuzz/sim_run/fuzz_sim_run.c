/*
 * fuzz/sim_run: the scheduler under a coverage-guided fuzzer.
 *
 * The input layout and the harness's settings are sim/fuzzinput.h (shared
 * with `gmpsim run --fuzz-input` and `gmpsim fmt-input`).
 *
 * Every invariant is checked after every event.  An invariant violation
 * or a hang stops the process from that invariant's own crash site
 * (fuzz/common/crash.h: gmpsim_crash_conservation, ...), so the fuzzer
 * keeps the input as a crash and crash grouping tells the bugs apart; set
 * GMPSIM_MUTANT=NAME to hunt a seeded bug.  Scheduler states count as
 * coverage too with GMPSIM_STATE_FEEDBACK=1 (fuzz/common/state_feedback.h).
 *
 * Checking costs O(goroutines) per event, so a run is kept small: at most
 * SIM_FUZZ_MAX_GS goroutines (enough to overflow a local run queue into
 * runqputslow) and SIM_FUZZ_MAX_EVENTS events; past either the run ends as
 * 'resource' or 'budget', which are not findings.  Without the caps one
 * input with 3000 goroutines took 16 s.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common/crash.h"
#include "fuzz/common/state_feedback.h"
#include "sim/fuzzinput.h"
#include "sim/scenario.h"
#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mutant(void) {
    static int m = -1;
    if (m < 0)
        m = sim_fuzz_mutant_from_env();
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, size, &sc, &cfg, NULL);
    cfg.rt.mutant = mutant();
    if (gmp_state_feedback_on())
        cfg.hook = gmp_state_feedback_hook;   /* scheduler states as coverage */
    sim_result res;
    int o = sim_run(&sc, &cfg, &res);
    if (sim_fuzz_is_finding(o)) {
        fprintf(stderr, "gmpsim fuzz: %s: %s (event %llu)\ngmpsim fuzz: crash site %s\n", sim_outcome_name(o),
                res.message, (unsigned long long)res.violation_seq, gmp_fuzz_crash_site(&res));
        gmp_fuzz_crash(&res);
    }
    sim_result_free(&res);
    return 0;
}
