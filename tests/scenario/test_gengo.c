/* tests/scenario: the Go translation (sc_gen_go). */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "tests/scenario/sc_testlib.h"
#include "tests/unit.h"

static scenario sa;
static char gbuf[1 << 20], hbuf[1 << 20];

static void gen(const char *text) {
    must_parse(text, &sa);
    size_t n = sc_gen_go(&sa, gbuf, sizeof gbuf);
    CHECK(n < sizeof gbuf && strlen(gbuf) == n);
}

/* The output contains every one of these lines or fragments. */
static void check_contains(const char *const *parts, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (strstr(gbuf, parts[i]) == NULL) {
            fprintf(stderr, "missing: %s\n--- output:\n%s\n", parts[i], gbuf);
            exit(1);
        }
    }
}

#define CHECK_CONTAINS(...)                                                   \
    do {                                                                      \
        static const char *const parts_[] = {__VA_ARGS__};                    \
        check_contains(parts_, sizeof parts_ / sizeof parts_[0]);             \
    } while (0)

static void gen_go_is_deterministic_for_every_example(void) {
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        must_parse(sc_builtins[i].text, &sa);
        size_t n = sc_gen_go(&sa, gbuf, sizeof gbuf);
        CHECK_EQ(sc_gen_go(&sa, hbuf, sizeof hbuf), n);
        CHECK_STR(gbuf, hbuf);
        CHECK(strstr(gbuf, "package main\n") != NULL);
        CHECK(strstr(gbuf, "\nfunc main() {\n") != NULL);
    }
}

static void gen_go_writes_each_op_as_its_go_equivalent(void) {
    gen("gomaxprocs 3\nchan c 2\nchan d\nmutex m\nwaitgroup w\n"
        "body worker {\n work 20us\n sleep 1ms\n syscall 3s\n gosched\n yield\n preempt\n"
        " make c 5\n send c\n recv d\n close c\n lock m\n unlock m\n add w -2\n done w\n wait w\n"
        " gomaxprocs 7\n mark 9\n exit 4\n}\n"
        "main {\n go worker\n go worker x3\n loop 4 {\n  select {\n  case recv c { mark x }\n"
        "  case send d\n  default\n  }\n }\n}\n");
    CHECK_CONTAINS(
        "var ch_c = make(chan int, 2)\n", "var ch_d = make(chan int, 0)\n",
        "var mu_m sync.Mutex\n", "var wg_w sync.WaitGroup\n",
        "var labelNames = [...]string{\n\t\"9\",\n\t\"x\",\n}\n",
        "\nfunc body_worker() {\n",
        "\twork(20 * time.Microsecond)\n",
        "\ttime.Sleep(1 * time.Millisecond)\n",
        "\tblockingSyscall(3 * time.Second)\n",
        "\truntime.Gosched()\n\t// yield: Go's goyield is internal; Gosched is the closest\n\truntime.Gosched()\n",
        "\t// preempt: ",
        "\tch_c = make(chan int, 5)\n", "\tch_c <- 0\n", "\t<-ch_d\n", "\tclose(ch_c)\n",
        "\tmu_m.Lock()\n", "\tmu_m.Unlock()\n",
        "\twg_w.Add(-2)\n", "\twg_w.Done()\n", "\twg_w.Wait()\n",
        "\truntime.GOMAXPROCS(7)\n", "\tmark(0) // 9\n", "\texit(4)\n",
        "\nfunc body_main() {\n\tgo body_worker()\n\tfor i := 0; i < 3; i++ {\n\t\tgo body_worker()\n\t}\n",
        "\tfor i := 0; i < 4; i++ {\n\t\tselect {\n\t\tcase <-ch_c:\n\t\t\tmark(1) // x\n"
        "\t\tcase ch_d <- 0:\n\t\tdefault:\n\t\t}\n\t}\n}\n",
        "func main() {\n\tstartProcs = runtime.GOMAXPROCS(3)\n\tbody_main()\n\tprintMarks()\n}\n",
        /* helpers: marks recorded atomically, printed at the end and before os.Exit */
        "atomic.AddInt64(&markNext, 1)", "func exit(code int) {\n\tprintMarks()\n\tos.Exit(code)\n}",
        "for start := time.Now(); time.Since(start) < d; {", "syscall.SYS_NANOSLEEP");
    CHECK(strstr(gbuf, "timedEvents") == NULL);
}

static void gen_go_starts_timed_events_first_in_main(void) {
    gen("gomaxprocs 4\nat 500us gomaxprocs 1\nat 3ms gomaxprocs 2\nmain { select {} }");
    CHECK_CONTAINS(
        "func timedEvents(start time.Time) {\n"
        "\ttime.Sleep(time.Until(start.Add(500 * time.Microsecond)))\n\truntime.GOMAXPROCS(1)\n"
        "\ttime.Sleep(time.Until(start.Add(3 * time.Millisecond)))\n\truntime.GOMAXPROCS(2)\n}\n",
        "func main() {\n\tstartProcs = runtime.GOMAXPROCS(4)\n\tgo timedEvents(time.Now())\n\tbody_main()\n",
        "\tselect {}\n");
}

/* What real Go sees: the environment (start_procs) and the imports. */
static void gen_go_emits_the_start_state_the_scenario_declares(void) {
    gen("gomaxprocs 1\nstart_procs 4\nimports_os no\nmain { lockosthread; mark a; unlockosthread }");
    CHECK_CONTAINS("//\tstart_procs 4\n//\timports_os no\n", "//gmpsim:env GOMAXPROCS=4\n",
                   "func main() {\n\tstartProcs = runtime.GOMAXPROCS(1)\n",
                   "\tif startProcs != 4 {\n", "\truntime.LockOSThread()\n\tmark(0) // a\n\truntime.UnlockOSThread()\n",
                   "\tsyscall.Exit(code)\n", "syscall.Write(1, b)");
    CHECK(strstr(gbuf, "\"os\"") == NULL && strstr(gbuf, "\"fmt\"") == NULL && strstr(gbuf, "\"bufio\"") == NULL);
    gen("gomaxprocs 3\nmain { }");
    CHECK_CONTAINS("//gmpsim:env GOMAXPROCS=3\n", "\t\"os\"\n", "\tos.Exit(code)\n");
}

static void gen_go_heads_the_program_with_the_scenario_text(void) {
    gen("chan c\nmain { send c }");
    CHECK(strncmp(gbuf, "// Code generated by gmpsim", 27) == 0);
    CHECK_CONTAINS("//\tgomaxprocs 1\n//\tchan c\n//\n//\tmain {\n//\t    send c\n//\t}\n");
}

static void gen_go_translates_the_examples(void) {
    static const struct { const char *example, *part; } want[] = {
        {"pingpong", "\t\tch_pong <- 0\n"},
        {"spawn_storm", "\tfor i := 0; i < 20; i++ {\n\t\tfor i := 0; i < 30; i++ {\n"},
        {"worker_pool", "var ch_jobs = make(chan int, 8)\n"},
        {"mutex_contention", "\t\tmu_m.Lock()\n\t\twork(50 * time.Microsecond)\n"},
        {"select_fanin", "\t\tdefault:\n\t\t\truntime.Gosched()\n"},
        {"timers", "\ttime.Sleep(5 * time.Millisecond)\n"},
        {"syscalls", "\t\tblockingSyscall(500 * time.Microsecond)\n"},
        {"gomaxprocs_change", "\tgo timedEvents(time.Now())\n"},
        {"gomaxprocs_change", "\truntime.GOMAXPROCS(4)\n\tmark("},
        {"deadlock", "\t<-ch_never\n"},
        {"exit_early", "\texit(3)\n"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t k = 0;
        while (k < sc_nbuiltins && strcmp(sc_builtins[k].name, want[i].example) != 0)
            k++;
        CHECK(k < sc_nbuiltins);
        gen(sc_builtins[k].text);
        check_contains(&want[i].part, 1);
    }
}

static void gen_go_reports_bytes_needed_like_snprintf(void) {
    must_parse(sc_builtins[0].text, &sa);
    size_t need = sc_gen_go(&sa, NULL, 0);
    char small[32];
    CHECK_EQ(sc_gen_go(&sa, small, sizeof small), need);
    CHECK_EQ(strlen(small), sizeof small - 1);
    CHECK_EQ(sc_gen_go(&sa, gbuf, need + 1), need);
    CHECK_EQ(strlen(gbuf), need);
}

static void gen_go_handles_random_scenarios(void) {
    rng r = {.s = 99};
    for (int i = 0; i < 500; i++) {
        gen_scenario(&r, i % 2, &sa);
        size_t n = sc_gen_go(&sa, gbuf, sizeof gbuf);
        CHECK(n < sizeof gbuf);
        CHECK_EQ(sc_gen_go(&sa, hbuf, sizeof hbuf), n);
        CHECK(memcmp(gbuf, hbuf, n) == 0);
        /* braces balance */
        long depth = 0;
        for (size_t k = 0; k < n; k++)
            depth += (gbuf[k] == '{') - (gbuf[k] == '}');
        CHECK_EQ(depth, 0);
    }
}

#define TESTS(X)                                                    \
    X(gen_go_is_deterministic_for_every_example)                    \
    X(gen_go_writes_each_op_as_its_go_equivalent)                   \
    X(gen_go_starts_timed_events_first_in_main)                     \
    X(gen_go_emits_the_start_state_the_scenario_declares)           \
    X(gen_go_heads_the_program_with_the_scenario_text)              \
    X(gen_go_translates_the_examples)                               \
    X(gen_go_reports_bytes_needed_like_snprintf)                    \
    X(gen_go_handles_random_scenarios)
#include "tests/unit.h"
