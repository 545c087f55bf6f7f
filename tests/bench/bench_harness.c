/*
 * bench_harness: fuzz/sim_run's executions per second on the reference
 * small input class (issue 9): GOMAXPROCS <= 4, <= 32 goroutines, <= 2000
 * decisions (choice draws), full checking, one core.
 *
 *   bench_harness N FILE...
 *   bench_harness --write DIR FILE...   write the class's inputs into DIR
 *                                       (a corpus to measure libFuzzer on)
 *
 * The inputs are the given harness inputs (its corpus), each also with
 * GOMAXPROCS forced to 1..4 and eight sets of random choice bytes; those
 * whose run stays in the class are kept.  Then N executions cycle through
 * them in this process, exactly as the harness runs an input (decode,
 * sim_run, with the scheduler-state counters if GMPSIM_STATE_FEEDBACK=1,
 * free).  Prints exec/s in CPU time and the resident set size
 * after 10,000 executions and at the end (memory must stay flat).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/common/state_feedback.h"
#include "sim/fuzzinput.h"
#include "sim/scenario.h"
#include "sim/sim.h"

enum { MAX_INPUTS = 4096, MAX_LEN = 4096 };

static uint8_t inputs[MAX_INPUTS][MAX_LEN];
static size_t lens[MAX_INPUTS];
static int ninputs;

static double cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int run_input(const uint8_t *data, size_t n, sim_result *res) {
    static scenario sc;
    sim_config cfg;
    sim_fuzz_input_decode(data, n, &sc, &cfg, NULL);
    int procs = cfg.rt.gomaxprocs ? cfg.rt.gomaxprocs : sc.gomaxprocs;
    if (gmp_state_feedback_on())
        cfg.hook = gmp_state_feedback_hook;   /* as the harness does */
    int o = sim_run(&sc, &cfg, res);
    return procs <= 4 ? o : -1;
}

static bool in_class(const uint8_t *data, size_t n) {
    sim_result res;
    int o = run_input(data, n, &res);
    bool ok = o >= 0 && res.gs <= 32 && res.choices <= 2000 && o != OUT_INVARIANT && o != OUT_HANG;
    sim_result_free(&res);
    return ok;
}

static void add_variants(const uint8_t *base, size_t n, uint64_t *seed) {
    for (int v = 0; v < 9 && ninputs < MAX_INPUTS; v++) {
        uint8_t *d = inputs[ninputs];
        size_t len = n < MAX_LEN ? n : MAX_LEN;
        memcpy(d, base, len);
        if (v > 0) {
            d[0] = (uint8_t)(v % 4);   /* GOMAXPROCS 1..4 (0: the scenario's) */
            size_t keep = len >= 6 ? 6 + (size_t)(d[4] | d[5] << 8) : len;
            len = keep < len ? keep : len;
            for (int k = 0; k < 256 && len < MAX_LEN; k++) {
                *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
                d[len++] = (uint8_t)(*seed >> 56);
            }
        }
        if (in_class(d, len))
            lens[ninputs++] = len;
    }
}

static int write_inputs(const char *dir) {
    for (int i = 0; i < ninputs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/small-%04d", dir, i);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(inputs[i], 1, lens[i], f) != lens[i]) {
            fprintf(stderr, "bench_harness: cannot write %s\n", path);
            return 1;
        }
        fclose(f);
    }
    printf("wrote %d inputs into %s\n", ninputs, dir);
    return 0;
}

int main(int argc, char **argv) {
    const char *write_dir = NULL;
    int first = 2;
    if (argc > 2 && strcmp(argv[1], "--write") == 0)
        write_dir = argv[2], first = 3;
    long n = argc > 1 && write_dir == NULL ? strtol(argv[1], NULL, 10) : 0;
    uint64_t seed = 42;
    static uint8_t buf[MAX_LEN];
    for (int a = first; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (f == NULL)
            continue;
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        add_variants(buf, len, &seed);
    }
    if (ninputs == 0) {
        fprintf(stderr, "usage: bench_harness N CORPUS_FILE... (no input in the small class)\n");
        return 2;
    }
    if (write_dir != NULL)
        return write_inputs(write_dir);
    double t0 = cpu_s(), t10k = 0;
    long rss10k = 0;
    for (long i = 0; i < n; i++) {
        sim_result res;
        run_input(inputs[i % ninputs], lens[i % ninputs], &res);
        sim_result_free(&res);
        if (i + 1 == 10000) {
            t10k = cpu_s() - t0;
            rss10k = rss_kib();
        }
    }
    double t = cpu_s() - t0;
    printf("small class: %d inputs; %ld executions in %.2f s CPU: %.0f exec/s\n", ninputs, n, t, (double)n / t);
    if (n >= 10000)
        printf("RSS after 10k executions: %ld KiB (%.0f exec/s over them); after %ld: %ld KiB\n", rss10k,
               10000 / t10k, n, rss_kib());
    return 0;
}
