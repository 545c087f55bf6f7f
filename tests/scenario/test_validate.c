/* tests/scenario: sc_validate, sc_equal and sc_op_name. */
#include <string.h>

#include "sim/scenario.h"
#include "tests/scenario/sc_testlib.h"
#include "tests/unit.h"

static scenario sa, sb;   /* large: kept off the stack */

/* The base every test breaks in one way:
 *   ops 0..5  body w: loop 2 { select { case recv c { mark a } default } }
 *   ops 6..8  main:   go w x2; lock m; add g 1 */
static const char base_text[] =
    "chan c 1\nmutex m\nwaitgroup g\nat 1ms gomaxprocs 2\nat 2ms gomaxprocs 3\n"
    "body w {\n loop 2 {\n  select {\n  case recv c { mark a }\n  default\n  }\n }\n}\n"
    "main {\n go w x2\n lock m\n add g 1\n}\n";

static void base(void) {
    must_parse(base_text, &sa);
    CHECK(sc_validate(&sa) == NULL);
    CHECK_EQ(sa.nops, 8);
}

/* The reason must mention `part`. */
static void check_invalid(const char *part) {
    const char *why = sc_validate(&sa);
    if (why == NULL || strstr(why, part) == NULL) {
        fprintf(stderr, "want a reason containing \"%s\", got \"%s\"\n", part, why ? why : "(valid)");
        exit(1);
    }
}

static void validate_rejects_object_indices_out_of_range(void) {
    base(); sa.ops[5].a = 2; check_invalid("go: object 2 out of range");
    base(); sa.ops[6].a = 1; check_invalid("lock: object 1 out of range");
    base(); sa.ops[7].a = 1; check_invalid("add: object 1 out of range");
    base(); sa.ops[2].a = 1; check_invalid("case: object 1 out of range");
    base(); sa.ops[3].a = 1; check_invalid("mark: object 1 out of range");
    base(); sa.ops[4].a = 1; check_invalid("case: object 1 out of range");   /* default uses no channel */
    base(); sa.main_body = 2; check_invalid("main body 2 out of range");
    base(); sa.ops[6].kind = OP__COUNT; check_invalid("unknown op kind 24");
}

static void validate_rejects_numbers_out_of_bounds(void) {
    base(); sa.gomaxprocs = 0; check_invalid("gomaxprocs 0 outside 1..1024");
    base(); sa.gomaxprocs = SC_MAX_PROCS + 1; check_invalid("gomaxprocs 1025");
    base(); sa.ops[5].n = 0; check_invalid("go: operand 0 out of range");
    base(); sa.ops[5].n = SC_MAX_REPEAT + 1; check_invalid("go: operand 100001 out of range");
    base(); sa.ops[0].n = -1; check_invalid("loop: operand -1 out of range");
    base(); sa.ops[7].n = -SC_MAX_REPEAT - 1; check_invalid("add: operand -100001 out of range");
    base(); sa.ops[6].n = 1; check_invalid("lock: operand 1 out of range");   /* unused: must be 0 */
    base(); sa.ops[2].n = 3; check_invalid("case: operand 3 out of range");
    base(); sa.ops[6] = (sc_op){.kind = OP_WORK, .n = SC_MAX_DURATION_NS + 1};
    check_invalid("work: operand 3600000000001 out of range");
    base(); sa.ops[6] = (sc_op){.kind = OP_EXIT, .n = 256}; check_invalid("exit: operand 256");
    base(); sa.ops[6] = (sc_op){.kind = OP_GOMAXPROCS, .n = 0}; check_invalid("gomaxprocs: operand 0");
    base(); sa.chans[0].cap = SC_MAX_REPEAT + 1; check_invalid("capacity 100001 too large");
    base(); sa.nchans = SC_MAX_CHANS + 1; check_invalid("too many channels");
    base(); sa.nops = SC_MAX_OPS + 1; check_invalid("too many labels, events or ops");
    base(); sa.nbodies = 0; check_invalid("0 bodies");
}

static void validate_rejects_ranges_not_nested_in_their_parent(void) {
    base(); sa.ops[0].nchild = 5; check_invalid("nested range not inside its parent");
    base(); sa.ops[1].nchild = 4; check_invalid("nested range not inside its parent");
    base(); sa.ops[0].child = 2; check_invalid("nested range not inside its parent");
    base(); sa.ops[6].child = 7; check_invalid("lock has a nested range");
    base(); sa.ops[6].nchild = 1; check_invalid("lock has a nested range");
    base(); sa.bodies[0].len = 4; sa.bodies[1].start = 4; sa.bodies[1].len = 4;
    check_invalid("nested range not inside its parent");
}

static void validate_rejects_bodies_that_do_not_tile_the_ops(void) {
    base(); sa.bodies[1].start = 6; check_invalid("body 1: ops do not follow the previous body's");
    base(); sa.bodies[1].len = 2; check_invalid("ops 7..8 belong to no body");
    base(); sa.bodies[1].len = 4; check_invalid("body 1: ops do not follow");
    base(); sa.bodies[0].start = 1; check_invalid("body 0: ops do not follow");
}

static void validate_rejects_cases_outside_selects_and_other_ops_inside(void) {
    base(); sa.ops[6] = (sc_op){.kind = OP_CASE, .n = CASE_DEFAULT, .child = 7};
    check_invalid("a case outside a select");
    base(); sa.ops[4] = (sc_op){.kind = OP_GOSCHED}; check_invalid("only cases go directly inside a select");
    /* the mark is in a case body, not directly in the select: fine; but a
     * case there is not */
    base(); sa.ops[3] = (sc_op){.kind = OP_CASE, .n = CASE_DEFAULT, .child = 4};
    check_invalid("a case outside a select");
}

static void validate_rejects_two_defaults_and_too_many_cases(void) {
    base(); sa.ops[2].n = CASE_DEFAULT; sa.ops[2].a = 0; check_invalid("a second default case");
    /* 17 cases */
    memset(&sa, 0, sizeof sa);
    sa.gomaxprocs = 1;
    sa.nbodies = 1;
    strcpy(sa.bodies[0].name, "main");
    sa.nchans = 1;
    strcpy(sa.chans[0].name, "c");
    sa.ops[0] = (sc_op){.kind = OP_SELECT, .child = 1, .nchild = SC_MAX_CASES + 1};
    for (uint32_t i = 1; i <= SC_MAX_CASES + 1; i++)
        sa.ops[i] = (sc_op){.kind = OP_CASE, .n = CASE_SEND, .child = i + 1};
    sa.nops = sa.bodies[0].len = SC_MAX_CASES + 2;
    check_invalid("more than 16 cases in one select");
    sa.ops[0].nchild = SC_MAX_CASES;
    sa.ops[SC_MAX_CASES + 1] = (sc_op){.kind = OP_GOSCHED};
    CHECK(sc_validate(&sa) == NULL);
}

/* main: `levels` selects, each one's default case holding the next. */
static void nested_selects(uint32_t levels) {
    memset(&sa, 0, sizeof sa);
    sa.gomaxprocs = 1;
    sa.nbodies = 1;
    strcpy(sa.bodies[0].name, "main");
    uint32_t k = 2 * levels;
    for (uint32_t i = 0; i < k; i++)
        sa.ops[i] = (sc_op){.kind = i % 2 ? OP_CASE : OP_SELECT, .n = i % 2 ? CASE_DEFAULT : 0,
                            .child = i + 1, .nchild = k - i - 1};
    sa.nops = sa.bodies[0].len = k;
}

static void validate_rejects_nesting_deeper_than_max_depth(void) {
    nested_selects(SC_MAX_DEPTH + 1);
    check_invalid("nesting deeper than 8");
    nested_selects(SC_MAX_DEPTH);
    CHECK(sc_validate(&sa) == NULL);
}

static void validate_rejects_unsorted_or_bad_events(void) {
    base(); sa.events[0].at_ns = 3000000; check_invalid("event 1: events not sorted by time");
    base(); sa.events[1].kind = 1; check_invalid("event 1: unknown kind 1");
    base(); sa.events[0].arg = 0; check_invalid("event 0: gomaxprocs 0 outside 1..1024");
    base(); sa.events[0].at_ns = -1; check_invalid("event 0: time out of range");
    base(); sa.events[1].at_ns = 1000000; CHECK(sc_validate(&sa) == NULL);   /* equal times */
}

static void validate_rejects_labels_out_of_first_appearance_order(void) {
    must_parse("main { mark a; mark b; mark a }", &sa);
    CHECK(sc_validate(&sa) == NULL);
    sa.ops[0].a = 1;
    sa.ops[1].a = 0;
    check_invalid("label 1 appears before label 0");
    must_parse("main { mark a; mark b }", &sa);
    sa.nlabels = 3;
    strcpy(sa.labels[2], "c");
    check_invalid("label 2 is never used");
}

static void validate_rejects_bad_or_duplicate_names(void) {
    base(); strcpy(sa.chans[0].name, "9c"); check_invalid("channel 0: bad name");
    base(); strcpy(sa.mutexes[0], ""); check_invalid("mutex 0: bad name");
    base(); memset(sa.wgs[0], 'a', SC_MAX_NAME); check_invalid("waitgroup 0: bad name");
    base(); strcpy(sa.labels[0], "007"); check_invalid("label 0: bad name");
    base(); strcpy(sa.labels[0], "7"); CHECK(sc_validate(&sa) == NULL);
    base(); strcpy(sa.bodies[0].name, "main"); check_invalid("duplicate name 'main'");
    base(); strcpy(sa.bodies[1].name, "w2"); check_invalid("only the main body is named 'main'");
    base(); strcpy(sa.bodies[0].name, "has space"); check_invalid("body 0: bad name");
}

static void equal_ignores_names_and_positions_but_not_structure(void) {
    base();
    must_parse(base_text, &sb);
    CHECK(sc_equal(&sa, &sb));
    strcpy(sb.chans[0].name, "other");
    strcpy(sb.labels[0], "z");
    sb.ops[2].line = 99;
    sb.ops[2].col = 7;
    CHECK(sc_equal(&sa, &sb));
    sb.chans[0].cap = 2;
    CHECK(!sc_equal(&sa, &sb));
    must_parse(base_text, &sb);
    sb.ops[5].n = 3;
    CHECK(!sc_equal(&sa, &sb));
    must_parse(base_text, &sb);
    sb.events[1].arg = 4;
    CHECK(!sc_equal(&sa, &sb));
    must_parse(base_text, &sb);
    sb.gomaxprocs = 5;
    CHECK(!sc_equal(&sa, &sb));
}

static void op_names_are_the_text_keywords(void) {
    CHECK_STR(sc_op_name(OP_GO), "go");
    CHECK_STR(sc_op_name(OP_WGADD), "add");
    CHECK_STR(sc_op_name(OP_WGDONE), "done");
    CHECK_STR(sc_op_name(OP_WGWAIT), "wait");
    CHECK_STR(sc_op_name(OP_PREEMPT), "preempt");
    CHECK_STR(sc_op_name(OP__COUNT), "?");
    for (unsigned k = 0; k < OP__COUNT; k++)
        CHECK(sc_op_name(k) != NULL && strcmp(sc_op_name(k), "?") != 0);
}

#define TESTS(X)                                                                \
    X(validate_rejects_object_indices_out_of_range)                             \
    X(validate_rejects_numbers_out_of_bounds)                                   \
    X(validate_rejects_ranges_not_nested_in_their_parent)                       \
    X(validate_rejects_bodies_that_do_not_tile_the_ops)                         \
    X(validate_rejects_cases_outside_selects_and_other_ops_inside)              \
    X(validate_rejects_two_defaults_and_too_many_cases)                         \
    X(validate_rejects_nesting_deeper_than_max_depth)                           \
    X(validate_rejects_unsorted_or_bad_events)                                  \
    X(validate_rejects_labels_out_of_first_appearance_order)                    \
    X(validate_rejects_bad_or_duplicate_names)                                  \
    X(equal_ignores_names_and_positions_but_not_structure)                      \
    X(op_names_are_the_text_keywords)
#include "tests/unit.h"
