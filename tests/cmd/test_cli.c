/*
 * tests/cmd/test_cli.c: the one command-line convention (traces/flags.h),
 * checked over every row of every command's table (cmd_commands), so a
 * flag added anywhere is tested here without a new line.
 */
#include "unit.h"

#include <stdalign.h>

#include "cmd/cmd.h"
#include "traces/flags.h"
#include "traces/json.h"

/* Options buffers: every command's options struct fits (asserted). */
enum { OPTS_BYTES = 1 << 20 };
static alignas(64) char opts_a[OPTS_BYTES], opts_b[OPTS_BYTES];
static char out_buf[1 << 16], err_buf[1 << 12];

typedef struct argv_b {
    char *v[16];
    int n;
    char storage[16][128];
} argv_b;

static void push(argv_b *a, const char *s) {
    CHECK(a->n < 16 && strlen(s) < 128);
    snprintf(a->storage[a->n], 128, "%s", s);
    a->v[a->n] = a->storage[a->n];
    a->n++;
}

/* The command's required positional arguments, then the given ones. */
static int parse(const cf_command *c, void *opts, const char *a1, const char *a2) {
    static argv_b slots[2];   /* CF_STRING rows keep pointers into argv: one per options buffer */
    argv_b *ap = &slots[opts == opts_b], a0 = {0};
    *ap = a0;
#define a (*ap)
    for (int i = 0; i < c->min_args; i++)
        push(&a, "pos");
    if (a1)
        push(&a, a1);
    if (a2)
        push(&a, a2);
    FILE *out = fmemopen(out_buf, sizeof out_buf, "w"), *err = fmemopen(err_buf, sizeof err_buf, "w");
    CHECK(out != NULL && err != NULL);
    cf_parsed p;
    int rc = cf_parse(c, a.n, a.v, opts, &p, out, err);
    fclose(out);
    fclose(err);
    return rc;
#undef a
}

static const cf_flag *each_flag(size_t ci, size_t fi) {
    return fi < cmd_commands[ci].spec->nflags ? &cmd_commands[ci].spec->flags[fi] : NULL;
}

static void example(const cf_flag *f, char *buf, size_t len) {
    if (f->example)
        snprintf(buf, len, "%s", f->example);
    else if (f->type == CF_DURATION)
        snprintf(buf, len, "%s", f->range && f->range->max >= 1000 ? "1us" : "0s");
    else if (f->range != NULL)
        snprintf(buf, len, "%" PRIu64, f->range->max / (f->scale ? f->scale : 1));
    else
        snprintf(buf, len, "7");
}

static void every_table_is_well_formed(void) {
    char why[200];
    cf_set_common(cmd_common_flags);
    CHECK(cmd_ncommands >= 9);
    for (size_t i = 0; i < cmd_ncommands; i++) {
        const cf_command *c = cmd_commands[i].spec;
        if (!cf_check_command(c, why, sizeof why))
            fprintf(stderr, "%s: %s\n", c->name, why), exit(1);
        for (size_t j = 0; j < c->nflags; j++)
            CHECK(c->flags[j].offset + c->flags[j].size <= OPTS_BYTES);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(c->name, cmd_commands[j].spec->name) != 0);
    }
    CHECK(cf_check_command(cmd_common_flags, why, sizeof why));
}

/* --flag value and --flag=value store exactly the same bytes. */
static void every_flag_parses_in_both_forms_alike(void) {
    cf_set_common(cmd_common_flags);
    int checked = 0;
    for (size_t ci = 0; ci < cmd_ncommands; ci++) {
        const cf_command *c = cmd_commands[ci].spec;
        const cf_flag *f;
        for (size_t fi = 0; (f = each_flag(ci, fi)) != NULL; fi++) {
            char name[80], val[128], joined[210];
            snprintf(name, sizeof name, "--%s", f->name);
            memset(opts_a, 0, sizeof opts_a);
            memset(opts_b, 0, sizeof opts_b);
            if (f->type == CF_BOOL) {
                CHECK_EQ(parse(c, opts_a, name, NULL), CF_OK);
                bool t;
                memcpy(&t, opts_a + f->offset, sizeof t);
                CHECK(t);
                snprintf(joined, sizeof joined, "%s=1", name);
                CHECK_EQ(parse(c, opts_b, joined, NULL), CF_USAGE);   /* takes no value */
                CHECK(strstr(err_buf, "takes no value") != NULL);
            } else {
                example(f, val, sizeof val);
                snprintf(joined, sizeof joined, "%s=%s", name, val);
                int ra = parse(c, opts_a, name, val);
                if (ra != CF_OK)
                    fprintf(stderr, "%s %s %s: %s", c->name, name, val, err_buf), exit(1);
                CHECK_EQ(parse(c, opts_b, joined, NULL), CF_OK);
                if (f->type == CF_STRING) {   /* the pointers differ; the texts are the same */
                    const char *sa, *sb;
                    memcpy(&sa, opts_a + f->offset, sizeof sa);
                    memcpy(&sb, opts_b + f->offset, sizeof sb);
                    CHECK_STR(sa, val);
                    CHECK_STR(sb, val);
                } else if (!f->repeat && memcmp(opts_a, opts_b, sizeof opts_a) != 0) {
                    /* (repeatable rows collect argv pointers, which differ) */
                    fprintf(stderr, "%s %s: the two forms stored different bytes\n", c->name, name);
                    exit(1);
                }
                CHECK_EQ(parse(c, opts_a, name, NULL), CF_USAGE);    /* the value is missing */
                CHECK(strstr(err_buf, "needs a value") != NULL);
            }
            if (!f->repeat) {
                CHECK_EQ(parse(c, opts_a, f->type == CF_BOOL ? name : joined, f->type == CF_BOOL ? name : joined),
                         CF_USAGE);
                CHECK(strstr(err_buf, "given twice") != NULL);
            }
            checked++;
        }
    }
    CHECK(checked >= 30);
}

static uint64_t stored(const cf_flag *f, const void *opts) {
    uint64_t v = 0;
    memcpy(&v, (const char *)opts + f->offset, f->size);   /* little-endian, zeroed buffer */
    return v;
}

/* Each numeric flag takes its range's ends, refuses one past them, and
 * never wraps a negative. */
static void numbers_are_range_checked_and_never_wrap(void) {
    cf_set_common(cmd_common_flags);
    int checked = 0;
    for (size_t ci = 0; ci < cmd_ncommands; ci++) {
        const cf_command *c = cmd_commands[ci].spec;
        const cf_flag *f;
        for (size_t fi = 0; (f = each_flag(ci, fi)) != NULL; fi++) {
            if (f->type != CF_UINT && f->type != CF_DURATION)
                continue;
            char name[80], v[64];
            snprintf(name, sizeof name, "--%s", f->name);
            uint64_t scale = f->scale ? f->scale : 1, unit = f->type == CF_DURATION ? 1 : scale;
            uint64_t lo = f->range ? (f->range->min + scale - 1) / scale : 0;
            uint64_t hi = f->range ? f->range->max / scale : UINT64_MAX / scale;
            const char *suffix = f->type == CF_DURATION ? "ns" : "";
            for (int end = 0; end < 2; end++) {
                uint64_t x = end ? hi : lo;
                memset(opts_a, 0, sizeof opts_a);
                snprintf(v, sizeof v, "%" PRIu64 "%s", x, suffix);
                CHECK_EQ(parse(c, opts_a, name, v), CF_OK);
                if (f->size == 8 || x * unit < (UINT64_C(1) << (8 * f->size)))
                    CHECK(stored(f, opts_a) == x * unit);
            }
            if (hi < UINT64_MAX) {
                snprintf(v, sizeof v, "%" PRIu64 "%s", hi + 1, suffix);
                CHECK_EQ(parse(c, opts_a, name, v), CF_USAGE);
                CHECK(strstr(err_buf, "out of range") != NULL);
            }
            CHECK_EQ(parse(c, opts_a, name, f->type == CF_DURATION ? "-1ms" : "-1"), CF_USAGE);
            CHECK(strstr(err_buf, "must not be negative") != NULL);
            CHECK_EQ(parse(c, opts_a, name, "twelve"), CF_USAGE);
            checked++;
        }
    }
    CHECK(checked >= 10);
}

static void help_on_every_command(void) {
    cf_set_common(cmd_common_flags);
    for (size_t ci = 0; ci < cmd_ncommands; ci++) {
        const cf_command *c = cmd_commands[ci].spec;
        for (int form = 0; form < 2; form++) {
            memset(opts_a, 0, sizeof opts_a);
            memset(out_buf, 0, sizeof out_buf);
            argv_b a = {0};
            push(&a, form ? "--help" : "-h");
            FILE *out = fmemopen(out_buf, sizeof out_buf, "w"), *err = fmemopen(err_buf, sizeof err_buf, "w");
            cf_parsed p;
            CHECK_EQ(cf_parse(c, a.n, a.v, opts_a, &p, out, err), CF_HELP);   /* even without the arguments */
            fclose(out);
            fclose(err);
            char want[80];
            snprintf(want, sizeof want, "usage: gmpsim %s", c->name);
            CHECK(strncmp(out_buf, want, strlen(want)) == 0);
            for (size_t fi = 0; fi < c->nflags; fi++) {
                snprintf(want, sizeof want, "  --%s", c->flags[fi].name);
                CHECK(strstr(out_buf, want) != NULL);
            }
            CHECK(strstr(out_buf, "  --plugin FILE.so") != NULL);
        }
    }
}

/* A flag with a letter dropped or doubled is suggested back. */
static void unknown_flags_get_the_closest_suggestion(void) {
    cf_set_common(cmd_common_flags);
    int checked = 0;
    for (size_t ci = 0; ci < cmd_ncommands; ci++) {
        const cf_command *c = cmd_commands[ci].spec;
        const cf_flag *f;
        for (size_t fi = 0; (f = each_flag(ci, fi)) != NULL; fi++) {
            size_t n = strlen(f->name);
            if (n < 4)
                continue;
            char typo[80], want[100];
            for (int kind = 0; kind < 2; kind++) {
                if (kind == 0)   /* drop the second letter */
                    snprintf(typo, sizeof typo, "--%c%s", f->name[0], f->name + 2);
                else             /* double the last letter */
                    snprintf(typo, sizeof typo, "--%s%c", f->name, f->name[n - 1]);
                CHECK_EQ(parse(c, opts_a, typo, NULL), CF_USAGE);
                snprintf(want, sizeof want, "did you mean --%s?", f->name);
                if (strstr(err_buf, want) == NULL)
                    fprintf(stderr, "%s %s: %s", c->name, typo, err_buf), exit(1);
                checked++;
            }
        }
    }
    CHECK(checked >= 20);
    const char *cands[] = {"run", "replay", "dump", "export"};
    CHECK_STR(cf_suggest("rnu", cands, 4), "run");
    CHECK_STR(cf_suggest("exp", cands, 4), "export");
    CHECK(cf_suggest("frobnicate", cands, 4) == NULL);
}

static void durations_take_one_syntax_and_reject_what_they_cannot_hold(void) {
    cf_range all = {0, UINT64_MAX >> 1};
    struct {
        const char *s;
        uint64_t ns;
    } ok[] = {{"0s", 0}, {"1.5ms", 1500000}, {"250us", 250000}, {"40ns", 40}, {"10s", 10000000000ull},
              {"1.5m", 90000000000ull}, {"2h", 7200000000000ull}, {"0.000000001s", 1}, {"1.000000000s", 1000000000}};
    char why[200];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t ns = 7;
        CHECK(cf_parse_duration(ok[i].s, &all, &ns, why, sizeof why));
        CHECK(ns == ok[i].ns);
    }
    const char *bad[] = {"", "0", "10", "1.5ns", "-1ms", "ms", "1e3s", "1.5", "5 ms", "1ms-", "1m30s", "3d",
                         "99999999999h", "1.s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ns = 7;
        CHECK(!cf_parse_duration(bad[i], &all, &ns, why, sizeof why));
        CHECK(ns == 7 && why[0] != 0);
    }
    CHECK(!cf_parse_duration("2ms", &(cf_range){0, 1000000}, &(uint64_t){0}, why, sizeof why));
    CHECK_STR(why, "out of range 0s..1ms");
    const uint64_t round[] = {0, 1, 999, 1000, 1500000, 1000000, 60000000000ull, 273600000000000ull, 1234567891ull};
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
        char buf[40];
        uint64_t back;
        cf_format_duration(round[i], buf, sizeof buf);
        CHECK(cf_parse_duration(buf, &all, &back, why, sizeof why));
        CHECK(back == round[i]);
    }
    char buf[40];
    cf_format_duration(1500000, buf, sizeof buf);
    CHECK_STR(buf, "1500us");
    cf_format_duration(1234567891, buf, sizeof buf);
    CHECK_STR(buf, "1.234567891s");
    cf_format_duration(273600000000000ull, buf, sizeof buf);
    CHECK_STR(buf, "76h");
}

static void numbers_are_decimal_or_hex_and_nothing_else(void) {
    cf_range all = {0, UINT64_MAX};
    char why[200];
    uint64_t v;
    CHECK(cf_parse_uint("0x10", &all, &v, why, sizeof why) && v == 16);
    CHECK(cf_parse_uint("010", &all, &v, why, sizeof why) && v == 10);
    CHECK(cf_parse_uint("18446744073709551615", &all, &v, why, sizeof why) && v == UINT64_MAX);
    const char *bad[] = {"18446744073709551616", "", "+1", "-0", " 1", "1 ", "1k", "0x", "1.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!cf_parse_uint(bad[i], &all, &v, why, sizeof why));
}

/* ---- the JSON writer ---- */

static const char *json_of(void (*fn)(js_writer *)) {
    static char buf[4096];
    memset(buf, 0, sizeof buf);
    FILE *f = fmemopen(buf, sizeof buf, "w");
    js_writer w;
    js_init(&w, f, false);
    fn(&w);
    CHECK(js_finish(&w));
    fclose(f);
    return buf;
}

static void strings_fn(js_writer *w) {
    js_array(w);
    js_str(w, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");         /* valid: passes through */
    js_str(w, "a\xff" "b\xc3");                                         /* invalid bytes, a cut sequence */
    js_str(w, "\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80");              /* overlong, surrogate, > U+10FFFF */
    js_str(w, "q\"b\\n\n\t\x01\x7f");
    js_strn(w, "nul\0in", 6);
    js_str(w, NULL);
    js_array_end(w);
}

static void json_strings_are_valid_utf8_with_invalid_bytes_escaped(void) {
    const char *got = json_of(strings_fn);
    CHECK_STR(got, "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"a\\\\xffb\\\\xc3\","
                   "\"\\\\xc0\\\\xaf \\\\xed\\\\xa0\\\\x80 \\\\xf4\\\\x90\\\\x80\\\\x80\","
                   "\"q\\\"b\\\\n\\n\\t\\u0001\x7f\",\"nul\\u0000in\",null]\n");
}

static void doc_fn(js_writer *w) {
    js_object(w);
    js_schema(w, "test", 3);
    js_kuint(w, "big", UINT64_MAX);
    js_kint(w, "neg", INT64_MIN);
    js_khex64(w, "digest", 0xabcull);
    js_key(w, "list");
    js_array(w);
    js_bool(w, true);
    js_fixed(w, 1.25, 2);
    js_fixed(w, 0.0 / 0.0, 2);
    js_object(w);
    js_object_end(w);
    js_array_end(w);
    js_object_end(w);
}

static void json_documents_nest_and_carry_a_schema(void) {
    CHECK_STR(json_of(doc_fn), "{\"schema\":\"gmpsim.test/3\",\"big\":18446744073709551615,"
                               "\"neg\":-9223372036854775808,\"digest\":\"0000000000000abc\","
                               "\"list\":[true,1.25,null,{}]}\n");
    unsigned char all[4];
    size_t valid = 0;
    for (unsigned a = 0xc0; a < 0x100; a++)   /* every 2-byte lead: valid exactly for c2..df */
        for (unsigned b = 0; b < 0x100; b++) {
            all[0] = (unsigned char)a, all[1] = (unsigned char)b;
            valid += js_utf8_len(all, 2) == 2;
        }
    CHECK_EQ(valid, 30 * 64);
}

#define TESTS(X)                                                                                  \
    X(every_table_is_well_formed) X(every_flag_parses_in_both_forms_alike)                       \
    X(numbers_are_range_checked_and_never_wrap) X(help_on_every_command)                         \
    X(unknown_flags_get_the_closest_suggestion)                                                  \
    X(durations_take_one_syntax_and_reject_what_they_cannot_hold)                                   \
    X(numbers_are_decimal_or_hex_and_nothing_else)                                               \
    X(json_strings_are_valid_utf8_with_invalid_bytes_escaped) X(json_documents_nest_and_carry_a_schema)
#include "unit.h"
