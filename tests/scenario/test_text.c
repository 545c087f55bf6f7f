/* tests/scenario: the text form: parse errors, examples, canonical format. */
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "tests/scenario/sc_testlib.h"
#include "tests/unit.h"

static scenario sa, sb;   /* large: kept off the stack */
static char fbuf[1 << 20], gbuf[1 << 20];

/* One input that must fail at line:col with exactly this reason. */
typedef struct bad_input {
    const char *text;
    uint32_t line, col;
    const char *msg;
} bad_input;

static void check_errors(const bad_input *cases, size_t n) {
    for (size_t i = 0; i < n; i++) {
        sc_error err;
        bool ok = sc_parse(cases[i].text, strlen(cases[i].text), &sa, &err);
        if (ok || err.line != cases[i].line || err.col != cases[i].col ||
            strcmp(err.msg, cases[i].msg) != 0) {
            fprintf(stderr, "input:\n%s\nwant %u:%u: %s\ngot  %s%u:%u: %s\n", cases[i].text,
                    cases[i].line, cases[i].col, cases[i].msg, ok ? "(parsed!) " : "", err.line,
                    err.col, err.msg);
            exit(1);
        }
    }
}

#define CHECK_ERRORS(...)                                                   \
    do {                                                                    \
        static const bad_input cases_[] = {__VA_ARGS__};                    \
        check_errors(cases_, sizeof cases_ / sizeof cases_[0]);             \
    } while (0)

static void parse_reports_line_and_column_of_unknown_channel(void) {
    CHECK_ERRORS(
        {"chan jobs\nmain {\n    send jbos\n}\n", 3, 10, "unknown channel 'jbos'"},
        {"main { recv c }", 1, 13, "unknown channel 'c'"},
        {"chan a\nmain {\n  select {\n  case recv b\n  }\n}", 4, 13, "unknown channel 'b'"},
        {"main {\n  make c 4\n}", 2, 8, "unknown channel 'c'"},
        /* declared after use: channels must be declared first */
        {"main { close late }\nchan late", 1, 14, "unknown channel 'late'"});
}

static void parse_reports_unknown_mutex_waitgroup_and_body(void) {
    CHECK_ERRORS(
        {"main {\n\tlock mu\n}", 2, 7, "unknown mutex 'mu'"},
        {"mutex m\nmain {\n\tlock m\n\tunlock n\n}", 4, 9, "unknown mutex 'n'"},
        {"main { wait wg }", 1, 13, "unknown waitgroup 'wg'"},
        {"waitgroup wg\nmain { add w 1 }", 2, 12, "unknown waitgroup 'w'"},
        /* bodies may be forward references; unresolved ones are reported at
         * the first use once the whole text is read */
        {"main {\n  go worker\n  go other x2\n}\nbody other {}", 2, 6, "unknown body 'worker'"});
}

static void parse_reports_missing_closing_brace_at_end_of_input(void) {
    CHECK_ERRORS(
        {"main {\n  work 1ms\n", 3, 1, "missing '}' to close the block opened at 1:6"},
        {"main {\n  loop 3 {\n    gosched\n}\n", 5, 1,
         "missing '}' to close the block opened at 1:6"},
        {"chan c\nmain {\n  select {\n  case recv c\n", 5, 1,
         "missing '}' to close the select opened at 3:10"},
        {"chan c\nmain {\n  select {\n  case recv c {\n  }", 5, 4,
         "missing '}' to close the select opened at 3:10"},
        {"main {", 1, 7, "missing '}' to close the block opened at 1:6"});
}

static void parse_reports_misplaced_braces_and_statements(void) {
    CHECK_ERRORS(
        {"main {\n}\n}\n", 3, 1, "unexpected '}' at top level"},
        {"main\n{\n}", 1, 5, "expected '{' on the same line, got end of line"},
        {"body w\nmain {}", 1, 7, "expected '{' on the same line, got end of line"},
        {"main { loop 2\n gosched }", 1, 14, "expected '{' on the same line, got end of line"},
        {"work 1ms\nmain {}", 1, 1, "'work' must be inside a body or main"},
        {"main {\n  chan c\n}", 2, 3, "'chan' is only allowed at top level"},
        {"main {\n  body b {}\n}", 2, 3, "'body' is only allowed at top level"},
        {"main { case recv c }", 1, 8, "'case' outside a select"},
        {"main { default }", 1, 8, "'default' outside a select"},
        {"main { frobnicate }", 1, 8, "unknown op 'frobnicate'"},
        {"frobnicate\nmain {}", 1, 1,
         "unknown statement 'frobnicate' (expected gomaxprocs, start_procs, imports_os, chan, "
         "mutex, waitgroup, at, body or main)"},
        {"main { gosched gosched }", 1, 16,
         "unexpected 'gosched' after the statement (one statement per line, or ';')"},
        {"main { 5 }", 1, 8, "expected an op, got '5'"},
        {"main { work 1ms @ }", 1, 17,
         "unexpected '@' after the statement (one statement per line, or ';')"},
        {"main {}\n\x01", 2, 1, "unexpected '\\x01' at top level"},
        {"chan c\nmain {\n  select {\n    work 1ms\n  }\n}", 4, 5,
         "expected 'case', 'default' or '}' in a select, got 'work'"},
        {"chan c\nmain { select { case c } }", 2, 22,
         "expected 'send' or 'recv' after 'case', got 'c'"});
}

static void parse_reports_duplicates_with_the_first_position(void) {
    CHECK_ERRORS(
        {"chan a\nchan b 1\nchan a\nmain {}", 3, 6, "duplicate channel 'a' (first declared at 1:6)"},
        {"mutex m\nmutex m\nmain {}", 2, 7, "duplicate mutex 'm' (first declared at 1:7)"},
        {"waitgroup w\nwaitgroup w\nmain {}", 2, 11,
         "duplicate waitgroup 'w' (first declared at 1:11)"},
        {"body w {}\nbody w {}\nmain {}", 2, 6, "duplicate body 'w' (first defined at 1:6)"},
        {"main {}\nmain {}", 2, 1, "a second main body (the first is at 1:1)"},
        {"gomaxprocs 2\ngomaxprocs 3\nmain {}", 2, 1, "gomaxprocs given twice (first at 1:1)"},
        {"body main {}", 1, 6, "'main' is reserved for the main body: write 'main { ... }'"},
        {"chan c\nmain {\n select {\n default\n default {}\n }\n}", 5, 2,
         "a second default in one select (the first is at 4:2)"});
}

static void parse_reports_missing_main(void) {
    CHECK_ERRORS(
        {"", 1, 1, "missing main body (write 'main { ... }')"},
        {"# only a comment\n", 2, 1, "missing main body (write 'main { ... }')"},
        {"chan c\nbody w { send c }\n", 3, 1, "missing main body (write 'main { ... }')"});
}

static void parse_rejects_bad_numbers_and_durations(void) {
    CHECK_ERRORS(
        {"main { work 20 }", 1, 13, "duration '20' needs a unit: ns, us, ms, s, m or h"},
        {"main { sleep 3h }", 1, 14, "duration '3h' is longer than the limit of 3600s"},
        {"main { sleep 3d }", 1, 14, "duration '3d' has an unknown unit (use ns, us, ms, s, m or h)"},
        {"main { sleep 1.5ns }", 1, 14, "duration '1.5ns' is finer than a nanosecond"},
        {"main { sleep 1.0000000001s }", 1, 14, "duration '1.0000000001s' is finer than a nanosecond"},
        {"main { sleep 3600.000001s }", 1, 14, "duration '3600.000001s' is longer than the limit of 3600s"},
        {"main { sleep 3601s }", 1, 14, "duration '3601s' is longer than the limit of 3600s"},
        {"main { syscall 99999999999999999999999ns }", 1, 16,
         "duration '99999999999999999999999ns' is longer than the limit of 3600s"},
        {"main { work -1ms }", 1, 13, "expected a duration (e.g. 20us, 1.5ms), got '-1ms'"},
        {"main { work fast }", 1, 13, "expected a duration (e.g. 20us, 1.5ms), got 'fast'"},
        {"gomaxprocs 0\nmain {}", 1, 12, "GOMAXPROCS must be between 1 and 1024"},
        {"gomaxprocs 1025\nmain {}", 1, 12, "GOMAXPROCS must be between 1 and 1024"},
        {"gomaxprocs two\nmain {}", 1, 12, "expected GOMAXPROCS (a number), got 'two'"},
        {"gomaxprocs 2x\nmain {}", 1, 12, "expected GOMAXPROCS (a number), got '2x'"},
        {"chan c 100001\nmain {}", 1, 8, "capacity must be between 0 and 100000"},
        {"chan c -1\nmain {}", 1, 8, "capacity must be between 0 and 100000"},
        {"main { loop 99999999999999999999999 {} }", 1, 13,
         "loop count must be between 0 and 100000"},
        {"main { loop {} }", 1, 13, "expected loop count (a number), got '{'"},
        {"waitgroup w\nmain { add w 100001 }", 2, 14, "delta must be between -100000 and 100000"},
        {"waitgroup w\nmain { add w -100001 }", 2, 14, "delta must be between -100000 and 100000"},
        {"waitgroup w\nmain { add w }", 2, 14, "expected delta (a number), got '}'"},
        {"main { exit 256 }", 1, 13, "exit code must be between 0 and 255"},
        {"main { gomaxprocs 0 }", 1, 19, "GOMAXPROCS must be between 1 and 1024"},
        {"body w {}\nmain { go w x0 }", 2, 13, "go count must be between 1 and 100000"},
        {"body w {}\nmain { go w x100001 }", 2, 13, "go count must be between 1 and 100000"},
        {"body w {}\nmain { go w 5 }", 2, 13, "expected a count like x16, got '5'"},
        {"body w {}\nmain { go w xx }", 2, 13, "expected a count like x16, got 'xx'"},
        {"main { mark -1 }", 1, 13, "expected a label (a name or a number), got '-1'"},
        {"main { mark 5us }", 1, 13, "expected a label (a name or a number), got '5us'"});
}

static void parse_accepts_decimal_durations_and_every_unit(void) {
    static const struct {
        const char *text;
        int64_t ns;
    } cases[] = {
        {"main { sleep 1.5ms }", 1500000},   {"main { sleep 0.25s }", 250000000},
        {"main { sleep 2.000us }", 2000},    {"main { sleep 1m }", 60000000000},
        {"main { sleep 0.5h }", 1800000000000}, {"main { sleep 1h }", 3600000000000},
        {"main { sleep 7ns }", 7},           {"main { sleep 0.001us }", 1},
    };
    static scenario sc;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc_error err = {0};
        if (!sc_parse(cases[i].text, strlen(cases[i].text), &sc, &err))
            fprintf(stderr, "%s: %u:%u: %s\n", cases[i].text, err.line, err.col, err.msg);
        CHECK(err.line == 0);
        CHECK_EQ(sc.ops[0].kind, OP_SLEEP);
        CHECK_EQ(sc.ops[0].n, cases[i].ns);
    }
}

static void parse_rejects_timed_events_other_than_gomaxprocs(void) {
    CHECK_ERRORS(
        {"at 1ms exit\nmain {}", 1, 8, "expected 'gomaxprocs' (the only timed event), got 'exit'"},
        {"at 1ms gomaxprocs\nmain {}", 1, 18, "expected GOMAXPROCS (a number), got end of line"},
        {"at soon gomaxprocs 2\nmain {}", 1, 4, "expected a duration (e.g. 20us, 1.5ms), got 'soon'"});
}

/* start_procs and imports_os: what real Go starts with; canonical text
 * leaves the defaults out. */
static void parse_reads_the_start_state_declarations(void) {
    must_parse("start_procs 4\nimports_os no\ngomaxprocs 1\nmain { lockosthread; unlockosthread }", &sa);
    CHECK_EQ(sa.start_procs, 4);
    CHECK(sa.no_os);
    CHECK(sa.ops[0].kind == OP_LOCKOSTHREAD && sa.ops[1].kind == OP_UNLOCKOSTHREAD);
    sc_format(&sa, fbuf, sizeof fbuf);
    CHECK_STR(fbuf, "gomaxprocs 1\nstart_procs 4\nimports_os no\n\nmain {\n    lockosthread\n    unlockosthread\n}\n");
    must_parse("gomaxprocs 2\nstart_procs 2\nimports_os yes\nmain {}", &sb);
    CHECK_EQ(sb.start_procs, 0);   /* the same as gomaxprocs: the default */
    CHECK(!sb.no_os);
    CHECK(!sc_equal(&sa, &sb));
    CHECK_ERRORS(
        {"start_procs 2\nstart_procs 3\nmain {}", 2, 1, "start_procs given twice (first at 1:1)"},
        {"start_procs 0\nmain {}", 1, 13, "start_procs must be between 1 and 1024"},
        {"imports_os maybe\nmain {}", 1, 12, "expected 'yes' or 'no' after imports_os, got 'maybe'"},
        {"imports_os no\nimports_os no\nmain {}", 2, 1, "imports_os given twice (first at 1:1)"});
}

/* Text of n lines "PREFIX<i>SUFFIX", then the tail. */
static char *repeat_lines(const char *prefix, const char *suffix, unsigned n, const char *tail) {
    size_t cap = (size_t)n * (strlen(prefix) + strlen(suffix) + 16) + strlen(tail) + 1;
    char *t = malloc(cap);
    CHECK(t != NULL);
    size_t o = 0;
    for (unsigned i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "%s%u%s\n", prefix, i, suffix);
    snprintf(t + o, cap - o, "%s", tail);
    return t;
}

static void check_one(const char *text, uint32_t line, uint32_t col, const char *msg) {
    bad_input c = {text, line, col, msg};
    check_errors(&c, 1);
}

static void parse_enforces_every_bound_with_a_clear_error(void) {
    char *t = repeat_lines("chan c", "", SC_MAX_CHANS + 1, "main {}");
    check_one(t, SC_MAX_CHANS + 1, 6, "too many channels (at most 64)");
    free(t);
    t = repeat_lines("mutex m", "", SC_MAX_MUTEXES + 1, "main {}");
    check_one(t, SC_MAX_MUTEXES + 1, 7, "too many mutexes (at most 16)");
    free(t);
    t = repeat_lines("waitgroup w", "", SC_MAX_WGS + 1, "main {}");
    check_one(t, SC_MAX_WGS + 1, 11, "too many waitgroups (at most 16)");
    free(t);
    t = repeat_lines("body b", " {}", SC_MAX_BODIES, "main {}");
    check_one(t, SC_MAX_BODIES + 1, 1, "too many bodies (at most 64, main included)");
    free(t);
    t = repeat_lines("at ", "us gomaxprocs 2", SC_MAX_EVENTS + 1, "main {}");
    check_one(t, SC_MAX_EVENTS + 1, 1, "too many timed events (at most 32)");
    free(t);
    t = repeat_lines("  mark l", "", SC_MAX_LABELS + 1, "}");
    char *u = malloc(strlen(t) + 16);
    sprintf(u, "main {\n%s", t);
    check_one(u, SC_MAX_LABELS + 2, 8, "too many labels (at most 256)");
    free(u);
    free(t);
    t = repeat_lines("  gosched #", "", SC_MAX_OPS + 1, "}");
    u = malloc(strlen(t) + 16);
    sprintf(u, "main {\n%s", t);
    check_one(u, SC_MAX_OPS + 2, 3, "too many ops (at most 4096 in all bodies)");
    free(u);
    free(t);
    CHECK_ERRORS(
        {"chan abcdefghijabcdefghijabcdefghijab\nmain {}", 1, 6,
         "channel name 'abcdefghijabcdefghijabcdefghijab' is longer than 31 bytes"},
        {"main { mark abcdefghijabcdefghijabcdefghijab }", 1, 13, "label is longer than 31 bytes"},
        {"main {\n loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 {\n"
         "   select {}\n }}}}}}}}\n}", 3, 4, "loops and selects nest at most 8 deep"});
    /* 31 bytes is fine, and so is depth 8 */
    must_parse("chan abcdefghijabcdefghijabcdefghija\nmain { send abcdefghijabcdefghijabcdefghija }",
               &sa);
    must_parse("main { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { loop 1 { select {} "
               "}}}}}}} }", &sa);
    /* 17 cases */
    char cases[2048] = "chan c\nmain {\n select {\n";
    for (int i = 0; i < SC_MAX_CASES + 1; i++)
        strcat(cases, "  case recv c\n");
    strcat(cases, " }\n}");
    check_one(cases, 4 + SC_MAX_CASES, 3, "too many cases in one select (at most 16)");
}

static void parse_rejects_text_larger_than_the_limit(void) {
    size_t len = (size_t)SC_MAX_TEXT_BYTES + 1;
    char *t = malloc(len);
    CHECK(t != NULL);
    memset(t, '\n', len);
    sc_error err;
    CHECK(!sc_parse(t, len, &sa, &err));
    CHECK_STR(err.msg, "input is larger than 16777216 bytes");
    free(t);
}

static void parse_accepts_semicolons_comments_crlf_and_forward_references(void) {
    must_parse("gomaxprocs 2 # two Ps\r\nchan c 1; mutex m; waitgroup w\r\n"
               "main { add w 1; go later; wait w; lock m; unlock m } # end\r\n"
               "body later { send c; recv c; done w }\r\n", &sa);
    CHECK_EQ(sa.gomaxprocs, 2);
    CHECK_EQ(sa.nbodies, 2);
    CHECK_EQ(sa.main_body, 0);
    CHECK_EQ(sa.ops[1].kind, OP_GO);
    CHECK_EQ(sa.ops[1].a, 1);
    CHECK_EQ(sa.ops[1].line, 3);
    CHECK_EQ(sa.ops[1].col, 17);
    CHECK_EQ(sa.chans[0].cap, 1);
    /* a select on one line */
    must_parse("chan a; chan b\nmain { select { case recv a; case send b { gosched }; default } }", &sa);
    CHECK_EQ(sa.nops, 5);
    CHECK_EQ(sa.ops[0].nchild, 4);
    CHECK_EQ(sa.ops[1].n, CASE_RECV);
    CHECK_EQ(sa.ops[2].n, CASE_SEND);
    CHECK_EQ(sa.ops[2].nchild, 1);
    CHECK_EQ(sa.ops[4].n, CASE_DEFAULT);
    /* keywords are fine as names */
    must_parse("chan send\nmutex loop\nbody x16 { go x16 x16 }\n"
               "main { go x16; lock loop; unlock loop; send send; select { case send send } }", &sa);
    CHECK_EQ(sa.ops[0].n, 16);
}

static void parse_interns_labels_in_order_of_first_appearance(void) {
    must_parse("body w { mark 9; mark b }\nmain { mark a; mark 009; mark 9; go w; mark 0 }", &sa);
    CHECK_EQ(sa.nlabels, 4);
    CHECK_STR(sa.labels[0], "9");
    CHECK_STR(sa.labels[1], "b");
    CHECK_STR(sa.labels[2], "a");
    CHECK_STR(sa.labels[3], "0");
    CHECK_EQ(sa.ops[0].a, 0);
    CHECK_EQ(sa.ops[1].a, 1);
    CHECK_EQ(sa.ops[2].a, 2);
    CHECK_EQ(sa.ops[3].a, 0);   /* 009 is 9 */
    CHECK_EQ(sa.ops[6].a, 3);
}

static void parse_sorts_timed_events_by_time_keeping_text_order(void) {
    must_parse("at 2ms gomaxprocs 2\nat 1ms gomaxprocs 3\nat 2ms gomaxprocs 4\nat 0ns gomaxprocs 1\n"
               "main {}", &sa);
    CHECK_EQ(sa.nevents, 4);
    CHECK_EQ(sa.events[0].at_ns, 0);
    CHECK_EQ(sa.events[1].at_ns, 1000000);
    CHECK_EQ(sa.events[1].arg, 3);
    CHECK_EQ(sa.events[2].arg, 2);
    CHECK_EQ(sa.events[3].arg, 4);
}

static void parse_builds_nested_ranges_and_bodies_in_definition_order(void) {
    must_parse("chan c\nbody a { loop 2 { select { case recv c { gosched; yield }; default } } }\n"
               "main { go a x3; exit 4 }\nbody z { preempt }", &sa);
    CHECK_EQ(sa.nbodies, 3);
    CHECK_EQ(sa.main_body, 1);
    CHECK_EQ(sa.bodies[0].start, 0);
    CHECK_EQ(sa.bodies[0].len, 6);
    CHECK_EQ(sa.bodies[1].start, 6);
    CHECK_EQ(sa.bodies[1].len, 2);
    CHECK_EQ(sa.bodies[2].start, 8);
    const sc_op *o = sa.ops;
    CHECK(o[0].kind == OP_LOOP && o[0].n == 2 && o[0].child == 1 && o[0].nchild == 5);
    CHECK(o[1].kind == OP_SELECT && o[1].child == 2 && o[1].nchild == 4);
    CHECK(o[2].kind == OP_CASE && o[2].n == CASE_RECV && o[2].nchild == 2);
    CHECK(o[5].kind == OP_CASE && o[5].n == CASE_DEFAULT && o[5].nchild == 0 && o[5].child == 6);
    CHECK(o[6].kind == OP_GO && o[6].a == 0 && o[6].n == 3);
    CHECK(o[7].kind == OP_EXIT && o[7].n == 4);
    CHECK(o[8].kind == OP_PREEMPT);
    CHECK(sc_validate(&sa) == NULL);
}

static void parse_file_reads_files_and_reports_missing_ones(void) {
    sc_error err;
    CHECK(!sc_parse_file("/nonexistent/dir/x.gmp", &sa, &err));
    CHECK(strstr(err.msg, "cannot open /nonexistent/dir/x.gmp") == err.msg);
    example ex[64];
    size_t n = load_examples(ex, 64);
    CHECK(sc_parse_file(ex[0].path, &sa, &err));
    free_examples(ex, n);
}

/* ---- examples and the canonical form ---- */


static void every_example_parses_and_validates(void) {
    example ex[64];
    size_t n = load_examples(ex, 64);
    CHECK(n >= 10);
    bool has_deadlock = false;
    for (size_t i = 0; i < n; i++) {
        sc_error err;
        if (!sc_parse_file(ex[i].path, &sa, &err)) {
            fprintf(stderr, "%s:%u:%u: %s\n", ex[i].path, err.line, err.col, err.msg);
            exit(1);
        }
        CHECK(sc_validate(&sa) == NULL);
        has_deadlock |= strcmp(ex[i].name, "deadlock") == 0;
    }
    CHECK(has_deadlock);
    free_examples(ex, n);
}

static void builtins_are_the_example_files(void) {
    example ex[64];
    size_t n = load_examples(ex, 64);
    CHECK_EQ(sc_nbuiltins, n);
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(sc_builtins[i].name, ex[i].name);
        CHECK_STR(sc_builtins[i].text, ex[i].text);
    }
    free_examples(ex, n);
}

static void format_then_parse_round_trips_every_example(void) {
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        must_parse(sc_builtins[i].text, &sa);
        size_t len = sc_format(&sa, fbuf, sizeof fbuf);
        CHECK(len < sizeof fbuf && strlen(fbuf) == len);
        must_parse(fbuf, &sb);
        CHECK(sc_equal(&sa, &sb));
    }
}

static void format_is_deterministic_and_a_fixed_point(void) {
    for (size_t i = 0; i < sc_nbuiltins; i++) {
        must_parse(sc_builtins[i].text, &sa);
        sc_format(&sa, fbuf, sizeof fbuf);
        sc_format(&sa, gbuf, sizeof gbuf);
        CHECK_STR(fbuf, gbuf);
        must_parse(fbuf, &sb);
        sc_format(&sb, gbuf, sizeof gbuf);
        CHECK_STR(fbuf, gbuf);
    }
}

static void format_writes_the_canonical_text(void) {
    must_parse("chan c 2 ; chan d\nwaitgroup w\nmutex m\nat 1500us gomaxprocs 2\n"
               "main{go w x1;go w x2\nloop 2{select{case recv c{mark 07}\ncase send d\ndefault{sleep 1000ms}}}\n"
               "work 1500ns;syscall 0s;add w -1;make c;make d 3;exit;exit 2}\nbody w{lock m;unlock m;mark x}",
               &sa);
    sc_format(&sa, fbuf, sizeof fbuf);
    CHECK_STR(fbuf,
              "gomaxprocs 1\n"
              "chan c 2\n"
              "chan d\n"
              "mutex m\n"
              "waitgroup w\n"
              "at 1500us gomaxprocs 2\n"
              "\n"
              "main {\n"
              "    go w\n"
              "    go w x2\n"
              "    loop 2 {\n"
              "        select {\n"
              "        case recv c {\n"
              "            mark 7\n"
              "        }\n"
              "        case send d\n"
              "        default {\n"
              "            sleep 1s\n"
              "        }\n"
              "        }\n"
              "    }\n"
              "    work 1500ns\n"
              "    syscall 0ns\n"
              "    add w -1\n"
              "    make c\n"
              "    make d 3\n"
              "    exit\n"
              "    exit 2\n"
              "}\n"
              "\n"
              "body w {\n"
              "    lock m\n"
              "    unlock m\n"
              "    mark x\n"
              "}\n");
}

static void format_reports_bytes_needed_like_snprintf(void) {
    must_parse(sc_builtins[0].text, &sa);
    size_t need = sc_format(&sa, NULL, 0);
    CHECK(need > 20);
    char small[16];
    CHECK_EQ(sc_format(&sa, small, sizeof small), need);
    CHECK_EQ(strlen(small), sizeof small - 1);
    sc_format(&sa, fbuf, sizeof fbuf);
    CHECK(memcmp(small, fbuf, sizeof small - 1) == 0);
    CHECK_EQ(sc_format(&sa, fbuf, need + 1), need);
    CHECK_EQ(strlen(fbuf), need);
}

static void format_then_parse_round_trips_random_scenarios(void) {
    rng r = {.s = 0x5ce7a110};
    for (int i = 0; i < 3000; i++) {
        gen_scenario(&r, i % 2 == 0, &sa);
        size_t len = sc_format(&sa, fbuf, sizeof fbuf);
        CHECK(len < sizeof fbuf);
        sc_error err;
        if (!sc_parse(fbuf, len, &sb, &err)) {
            fprintf(stderr, "%u:%u: %s\n%s", err.line, err.col, err.msg, fbuf);
            exit(1);
        }
        CHECK(sc_equal(&sa, &sb));
        for (uint32_t b = 0; b < sa.nbodies; b++)
            CHECK_STR(sa.bodies[b].name, sb.bodies[b].name);
        for (uint32_t l = 0; l < sa.nlabels; l++)
            CHECK_STR(sa.labels[l], sb.labels[l]);
    }
}

#define TESTS(X)                                                                        \
    X(parse_reports_line_and_column_of_unknown_channel)                                 \
    X(parse_reports_unknown_mutex_waitgroup_and_body)                                   \
    X(parse_reports_missing_closing_brace_at_end_of_input)                              \
    X(parse_reports_misplaced_braces_and_statements)                                    \
    X(parse_reports_duplicates_with_the_first_position)                                 \
    X(parse_reports_missing_main)                                                       \
    X(parse_rejects_bad_numbers_and_durations)                                          \
    X(parse_accepts_decimal_durations_and_every_unit)                                   \
    X(parse_rejects_timed_events_other_than_gomaxprocs)                                 \
    X(parse_reads_the_start_state_declarations)                                         \
    X(parse_enforces_every_bound_with_a_clear_error)                                    \
    X(parse_rejects_text_larger_than_the_limit)                                         \
    X(parse_accepts_semicolons_comments_crlf_and_forward_references)                    \
    X(parse_interns_labels_in_order_of_first_appearance)                                \
    X(parse_sorts_timed_events_by_time_keeping_text_order)                              \
    X(parse_builds_nested_ranges_and_bodies_in_definition_order)                        \
    X(parse_file_reads_files_and_reports_missing_ones)                                  \
    X(every_example_parses_and_validates)                                               \
    X(builtins_are_the_example_files)                                                   \
    X(format_then_parse_round_trips_every_example)                                      \
    X(format_is_deterministic_and_a_fixed_point)                                        \
    X(format_writes_the_canonical_text)                                                 \
    X(format_reports_bytes_needed_like_snprintf)                                        \
    X(format_then_parse_round_trips_random_scenarios)
#include "tests/unit.h"
