/*
 * bench_sim: scheduling decisions per second of the whole simulator, with
 * tracing off and on, for two workloads:
 *   gosched1   GOMAXPROCS=1, main calls Gosched in a loop
 *   mixed8     GOMAXPROCS=8, 1000 goroutines mixing work, channels, sleeps
 * A decision is a trace event; the untraced run makes the same decisions
 * (it is the same run), so its rate is events / untraced time.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim/oracle.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static const char gosched1[] =
    "gomaxprocs 1\n"
    "main { loop 100000 { loop 10 { gosched } } }\n";

static const char mixed8[] =
    "gomaxprocs 8\n"
    "chan jobs 64\n"
    "chan results 0\n"
    "waitgroup wg\n"
    "body worker {\n"
    "  loop 20 { recv jobs; work 20us; send results; sleep 50us; gosched }\n"
    "  done wg\n"
    "}\n"
    "body feeder { loop 20000 { send jobs } }\n"
    "body sink { loop 20000 { recv results } }\n"
    "main { add wg 1000; go worker x1000; go feeder; go sink; wait wg }\n";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* CPU time: other processes on the machine do not count */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double timed_run(const scenario *sc, bool trace_on, bool check, sim_result *res) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.trace_on = trace_on;
    cfg.check = check;
    cfg.max_schedules = 0;
    double t0 = now_s();
    sim_run(sc, &cfg, res);
    return now_s() - t0;
}

static void bench(const char *name, const char *text) {
    static scenario sc;
    sc_error err;
    if (!sc_parse(text, strlen(text), &sc, &err)) {
        fprintf(stderr, "%s: %u:%u: %s\n", name, err.line, err.col, err.msg);
        return;
    }
    double off = 1e9, on = 1e9, chk = 1e9, chk_noor = 1e9;
    uint64_t events = 0, checks = 0, full = 0;
    for (int r = 0; r < 5; r++) {
        sim_result a, b, c;
        double t_on = timed_run(&sc, true, false, &a);
        double t_off = timed_run(&sc, false, false, &b);
        double t_chk = timed_run(&sc, true, true, &c);
        sim_result d;
        oracle_set_enabled(false);   /* what the oracles cost: the same checked run without them */
        double t_noor = timed_run(&sc, true, true, &d);
        oracle_set_enabled(true);
        sim_result_free(&d);
        chk_noor = t_noor < chk_noor ? t_noor : chk_noor;
        events = a.events;
        if (a.outcome != OUT_OK || b.outcome != OUT_OK || c.outcome != OUT_OK)
            fprintf(stderr, "%s: %s %s\n", name, a.message, c.message);
        on = t_on < on ? t_on : on;
        off = t_off < off ? t_off : off;
        chk = t_chk < chk ? t_chk : chk;
        checks = c.checks;
        full = c.full_checks;
        sim_result_free(&a);
        sim_result_free(&b);
        sim_result_free(&c);
    }
    printf("%-10s %10llu decisions  off %6.2f M/s  on %6.2f M/s  (on/off time %.2fx)  checked %6.2f M/s "
           "(checked/on time %.2fx; %llu checks, %llu full)\n", name, (unsigned long long)events, (double)events / off / 1e6,
           (double)events / on / 1e6, on / off, (double)events / chk / 1e6, chk / on,
           (unsigned long long)checks, (unsigned long long)full);
    printf("%-10s oracles: checked without them %6.2f M/s, with them %6.2f M/s (with/without time %.2fx)\n", name,
           (double)events / chk_noor / 1e6, (double)events / chk / 1e6, chk / chk_noor);
}

int main(void) {
    printf("# scheduling decisions (trace events) per second of CPU time, best of 5\n");
    bench("gosched1", gosched1);
    bench("mixed8", mixed8);
    return 0;
}
