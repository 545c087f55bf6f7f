/*
 * bench_runtime: the scheduler's hot paths under the simulator, in host
 * nanoseconds per operation, with tracing off and with full tracing and
 * digest on.  Compare with real Go 1.19 via tests/bench/run_bench.sh,
 * which runs tests/bench/go/ side by side.
 *
 *   gosched       one runtime.Gosched at GOMAXPROCS=1 (a G switch out and in)
 *   spawn_exit    go f() with an empty f, then Gosched so it runs and exits
 *   chan_rtt      an unbuffered channel round trip between two Gs
 *   blocked_mem   resident bytes per goroutine blocked on a channel
 *
 * Usage: bench_runtime [N]   (N: iterations, default 2,000,000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/runtime.h"
#include "sim/sim.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long iters;
static hchan *ping, *pong;
static double t_start, t_end;

static void gosched_main(void *arg) {
    (void)arg;
    t_start = now_ns();
    for (long i = 0; i < iters; i++)
        rt_gosched();
    t_end = now_ns();
}

static void empty_fn(void *arg) { (void)arg; }

static void spawn_main(void *arg) {
    (void)arg;
    t_start = now_ns();
    for (long i = 0; i < iters; i++) {
        rt_go(empty_fn, NULL);
        rt_gosched();
    }
    t_end = now_ns();
}

static void ponger(void *arg) {
    (void)arg;
    int64_t v;
    for (long i = 0; i < iters; i++) {
        rt_chanrecv(ping, &v);
        rt_chansend(pong, v);
    }
}

static void chan_main(void *arg) {
    (void)arg;
    ping = rt_makechan(0);
    pong = rt_makechan(0);
    rt_go(ponger, NULL);
    int64_t v;
    t_start = now_ns();
    for (long i = 0; i < iters; i++) {
        rt_chansend(ping, i);
        rt_chanrecv(pong, &v);
    }
    t_end = now_ns();
}

static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * sysconf(_SC_PAGESIZE);
}

static hchan *block_chan;
static long rss_before, rss_after;
static void blocker(void *arg) {
    (void)arg;
    int64_t v;
    rt_chanrecv(block_chan, &v);
}

static void mem_main(void *arg) {
    (void)arg;
    block_chan = rt_makechan(0);
    rss_before = rss_bytes();
    for (long i = 0; i < iters; i++)
        rt_go(blocker, NULL);
    rt_sleep(1000000);   /* let every G run and block */
    rss_after = rss_bytes();
}

typedef struct bench {
    const char *name;
    gofunc fn;
    long n;
} bench;

static double run_one(const bench *b, bool trace_on) {
    sim_config cfg;
    sim_config_default(&cfg);
    cfg.trace_on = trace_on;
    cfg.vt_limit_ns = SIM_VT_LIMIT_MAX;
    cfg.max_schedules = 0;
    iters = b->n;
    sim_result res;
    sim_run_program(b->fn, NULL, 1, &cfg, &res);
    if (res.outcome != OUT_OK)
        fprintf(stderr, "%s: %s: %s\n", b->name, sim_outcome_name(res.outcome), res.message);
    sim_result_free(&res);
    return (t_end - t_start) / (double)b->n;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    bench benches[] = {
        {"gosched", gosched_main, n},
        {"spawn_exit", spawn_main, n / 2},
        {"chan_rtt", chan_main, n / 2},
    };
    printf("# gmpsim scheduler, GOMAXPROCS=1, host ns per operation (best of 3)\n");
    printf("%-12s %14s %14s %8s\n", "benchmark", "trace off ns", "trace on ns", "on/off");
    for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++) {
        double off = 1e18, on = 1e18;
        for (int r = 0; r < 3; r++) {
            double a = run_one(&benches[i], false), b = run_one(&benches[i], true);
            off = a < off ? a : off;
            on = b < on ? b : on;
        }
        printf("%-12s %14.1f %14.1f %7.2fx\n", benches[i].name, off, on, on / off);
    }
    bench mem = {"blocked_mem", mem_main, 100000};
    run_one(&mem, false);
    printf("%-12s %14.0f bytes per blocked goroutine (100000 goroutines)\n", "blocked_mem",
           (double)(rss_after - rss_before) / 100000.0);
    return 0;
}
