/* traces/flags.c: see flags.h. */
#include "flags.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

enum { WHY_BYTES = 200, NAME_BYTES = 64, HELP_COL = 26, SUGGEST_MAX = 64 };

static const cf_command *common_flags;

void cf_set_common(const cf_command *common) { common_flags = common; }

/* ---- values ---- */

bool cf_parse_uint(const char *s, const cf_range *r, uint64_t *v, char *why, size_t why_len) {
    unsigned base = 10;
    const char *p = s;
    if (*p == '-') {
        snprintf(why, why_len, "must not be negative");
        return false;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && p[2] != 0)
        base = 16, p += 2;
    uint64_t x = 0;
    bool over = false;
    for (; *p; p++) {
        unsigned d = *p >= '0' && *p <= '9' ? (unsigned)(*p - '0')
                     : base == 16 && *p >= 'a' && *p <= 'f' ? (unsigned)(*p - 'a' + 10)
                     : base == 16 && *p >= 'A' && *p <= 'F' ? (unsigned)(*p - 'A' + 10)
                                                            : 99;
        if (d >= base) {
            snprintf(why, why_len, "not a whole number");
            return false;
        }
        if (x > (UINT64_MAX - d) / base)
            over = true;
        x = x * base + d;
    }
    if (*s == 0) {
        snprintf(why, why_len, "empty value");
        return false;
    }
    if (over || x < r->min || x > r->max) {
        snprintf(why, why_len, "out of range %" PRIu64 "..%" PRIu64, r->min, r->max);
        return false;
    }
    *v = x;
    return true;
}

/* The duration units, longest name first where one is a prefix of
 * another ("ms" before "m"). */
static const struct {
    const char *name;
    int64_t ns;
} duration_units[] = {
    {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000}, {"h", 3600000000000},
};

static int64_t duration_unit(const char *s, size_t len) {
    for (size_t i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++)
        if (strlen(duration_units[i].name) == len && memcmp(duration_units[i].name, s, len) == 0)
            return duration_units[i].ns;
    return 0;
}

const char *cf_duration_parse(const char *s, size_t len, int64_t max_ns, int64_t *out) {
    assert(max_ns >= 0);
    size_t i = 0;
    int64_t whole = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        whole = whole > INT64_MAX / 10 ? INT64_MAX : whole * 10 + (s[i] - '0');
    if (i == 0)
        return "is not a duration (digits and a unit, e.g. 20us, 1.5ms)";
    size_t frac = i, nfrac = 0;
    if (i < len && s[i] == '.') {
        frac = ++i;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            nfrac++;
        if (nfrac == 0)
            return "is not a duration (digits after the '.', then a unit)";
    }
    if (i == len)
        return "needs a unit: ns, us, ms, s, m or h";
    int64_t unit = duration_unit(s + i, len - i);
    if (unit == 0)
        return "has an unknown unit (use ns, us, ms, s, m or h)";
    if (whole > max_ns / unit)
        return "is longer than the limit";
    int64_t ns = whole * unit, scale = unit;
    for (size_t k = 0; k < nfrac; k++) {
        int d = s[frac + k] - '0';
        if (scale % 10 != 0) {
            if (d != 0)
                return "is finer than a nanosecond";
            continue;
        }
        scale /= 10;
        if (d * scale > max_ns - ns)
            return "is longer than the limit";
        ns += d * scale;
    }
    *out = ns;
    return NULL;
}

bool cf_parse_duration(const char *s, const cf_range *r, uint64_t *ns, char *why, size_t why_len) {
    if (*s == '-') {
        snprintf(why, why_len, "must not be negative");
        return false;
    }
    int64_t v = 0;
    const char *w = cf_duration_parse(s, strlen(s), INT64_MAX, &v);
    if (w == NULL && ((uint64_t)v < r->min || (uint64_t)v > r->max))
        w = "is longer than the limit";
    if (w != NULL && strcmp(w, "is longer than the limit") == 0) {
        char lo[32], hi[32];
        cf_format_duration(r->min, lo, sizeof lo);
        cf_format_duration(r->max, hi, sizeof hi);
        snprintf(why, why_len, "out of range %s..%s", lo, hi);
        return false;
    }
    if (w != NULL) {
        snprintf(why, why_len, "duration '%.40s' %s", s, w);
        return false;
    }
    *ns = (uint64_t)v;
    return true;
}

void cf_format_duration(uint64_t ns, char *buf, size_t len) {
    static const struct {
        const char *name;
        uint64_t ns;
    } u[] = {{"h", 3600000000000ull}, {"m", 60000000000ull}, {"s", 1000000000}, {"ms", 1000000}, {"us", 1000}};
    if (ns == 0) {
        snprintf(buf, len, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)   /* a unit that divides it exactly */
        if (ns % u[i].ns == 0) {
            snprintf(buf, len, "%" PRIu64 "%s", ns / u[i].ns, u[i].name);
            return;
        }
    for (size_t i = 2; i < sizeof u / sizeof u[0]; i++) {   /* else a fraction of the largest unit below it */
        if (ns < u[i].ns)
            continue;
        char frac[16];
        int w = snprintf(frac, sizeof frac, "%0*" PRIu64, i == 2 ? 9 : i == 3 ? 6 : 3, ns % u[i].ns);
        while (w > 0 && frac[w - 1] == '0')
            frac[--w] = 0;
        snprintf(buf, len, "%" PRIu64 ".%s%s", ns / u[i].ns, frac, u[i].name);
        return;
    }
    snprintf(buf, len, "%" PRIu64 "ns", ns);
}

/* ---- rows ---- */

/* The largest value the row's member holds. */
static uint64_t member_max(const cf_flag *f) {
    uint64_t bits = f->size >= 8 ? 64 : 8 * f->size;
    uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    return f->is_signed ? umax >> 1 : umax;
}

/* The row's range in the flag's own units: a shared range is on the
 * stored value, so a scaled flag (KiB into bytes) divides it. */
static cf_range row_range(const cf_flag *f) {
    uint64_t s = f->scale ? f->scale : 1;
    if (f->range == NULL)
        return (cf_range){0, member_max(f) / s};
    return (cf_range){f->range->min / s + (f->range->min % s != 0), f->range->max / s};
}

static void store_uint(void *opts, const cf_flag *f, uint64_t v) {
    char *dst = (char *)opts + f->offset;
    uint8_t u8 = (uint8_t)v;
    uint16_t u16 = (uint16_t)v;
    uint32_t u32 = (uint32_t)v;
    assert(v <= member_max(f));
    switch (f->size) {
    case 1: memcpy(dst, &u8, 1); break;
    case 2: memcpy(dst, &u16, 2); break;
    case 4: memcpy(dst, &u32, 4); break;
    default: assert(f->size == 8); memcpy(dst, &v, 8); break;
    }
}

/* Store value (may be NULL only for CF_BOOL) through row f. */
static bool set_value(void *opts, const cf_flag *f, const char *value, char *why, size_t why_len) {
    cf_range r = row_range(f);
    uint64_t v = 0;
    switch (f->type) {
    case CF_BOOL: {
        bool t = true;
        memcpy((char *)opts + f->offset, &t, sizeof t);
        return true;
    }
    case CF_UINT:
        if (!cf_parse_uint(value, &r, &v, why, why_len))
            return false;
        store_uint(opts, f, v * (f->scale ? f->scale : 1));
        return true;
    case CF_DURATION:
        if (!cf_parse_duration(value, &r, &v, why, why_len))
            return false;
        store_uint(opts, f, v);
        return true;
    case CF_STRING:
        memcpy((char *)opts + f->offset, &value, sizeof value);
        return true;
    default:
        return f->set(opts, value, why, why_len);
    }
}

static const cf_flag *find_in(const cf_command *c, const char *name, size_t len) {
    for (size_t i = 0; c != NULL && i < c->nflags; i++)
        if (strlen(c->flags[i].name) == len && strncmp(c->flags[i].name, name, len) == 0)
            return &c->flags[i];
    return NULL;
}

/* ---- suggestions ---- */

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la >= NAME_BYTES || lb >= NAME_BYTES)
        return SIZE_MAX;
    size_t row[NAME_BYTES + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cf_suggest(const char *word, const char *const *cands, size_t n) {
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, cands[i]);
        if (*word != 0 && strncmp(cands[i], word, strlen(word)) == 0 && d > 1)
            d = 2;   /* a prefix counts as close */
        if (d < best_d)
            best = cands[i], best_d = d;
    }
    return best;
}

static void unknown_flag(const cf_command *c, const char *name, size_t len, FILE *err) {
    const char *cands[SUGGEST_MAX];
    size_t n = 0;
    cands[n++] = "help";
    for (size_t i = 0; i < c->nflags && n < SUGGEST_MAX; i++)
        cands[n++] = c->flags[i].name;
    for (size_t i = 0; common_flags != NULL && i < common_flags->nflags && n < SUGGEST_MAX; i++)
        cands[n++] = common_flags->flags[i].name;
    char word[NAME_BYTES];
    snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), name);
    const char *s = cf_suggest(word, cands, n);
    fprintf(err, "gmpsim %s: unknown flag --%s", c->name, word);
    if (s != NULL)
        fprintf(err, "; did you mean --%s?", s);
    fprintf(err, " (see `gmpsim %s --help`)\n", c->name);
}

/* ---- parsing ---- */

typedef struct walker {
    const cf_command *c;
    void *opts;
    FILE *err;
    uint8_t seen[SUGGEST_MAX];
} walker;

/* argv[*i] is "--name[=value]" and names row f: take its value and store it. */
static int take_flag(walker *w, const cf_flag *f, int argc, char *const *argv, int *i, const char *eq) {
    const char *value = eq != NULL ? eq + 1 : NULL;
    if (f->type == CF_BOOL && value != NULL) {
        fprintf(w->err, "gmpsim %s: --%s takes no value\n", w->c->name, f->name);
        return CF_USAGE;
    }
    if (f->type != CF_BOOL && value == NULL) {
        if (*i + 1 >= argc) {
            fprintf(w->err, "gmpsim %s: --%s needs a value (%s)\n", w->c->name, f->name, f->metavar);
            return CF_USAGE;
        }
        value = argv[++*i];
    }
    size_t row = (size_t)(f - w->c->flags);
    if (row < w->c->nflags && row < SUGGEST_MAX) {
        if (w->seen[row] && !f->repeat) {
            fprintf(w->err, "gmpsim %s: --%s given twice\n", w->c->name, f->name);
            return CF_USAGE;
        }
        w->seen[row] = 1;
    }
    char why[WHY_BYTES] = "bad value";
    if (!set_value(w->opts, f, value, why, sizeof why)) {
        fprintf(w->err, "gmpsim %s: --%s %s: %s", w->c->name, f->name, value, why);
        if (f->conf_key != NULL && f->type != CF_FUNC)
            fprintf(w->err, " (the configuration key %s)", f->conf_key);
        fputc('\n', w->err);
        return CF_USAGE;
    }
    return CF_OK;
}

static int positional(walker *w, cf_parsed *p, const char *arg) {
    if (p->npos >= w->c->max_args || p->npos >= CF_POS_MAX) {
        fprintf(w->err, "gmpsim %s: unexpected argument %s (usage: gmpsim %s %s)\n", w->c->name, arg, w->c->name,
                w->c->args);
        return CF_USAGE;
    }
    p->pos[p->npos++] = arg;
    return CF_OK;
}

int cf_parse(const cf_command *c, int argc, char *const *argv, void *opts, cf_parsed *p, FILE *out, FILE *err) {
    walker w = {.c = c, .opts = opts, .err = err};
    memset(p, 0, sizeof *p);
    bool flags_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc = CF_OK;
        if (flags_done || a[0] != '-' || strcmp(a, "-") == 0) {
            rc = positional(&w, p, a);
        } else if (strcmp(a, "--") == 0) {
            flags_done = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cf_help(c, out);
            return CF_HELP;
        } else if (a[1] != '-') {
            fprintf(err, "gmpsim %s: unknown flag %s (flags are --name; see `gmpsim %s --help`)\n", c->name, a,
                    c->name);
            return CF_USAGE;
        } else {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const cf_flag *f = find_in(c, name, len);
            if (f == NULL && find_in(common_flags, name, len) != NULL) {
                fprintf(err, "gmpsim %s: --%.*s is taken by gmpsim itself, not by this command\n", c->name,
                        (int)len, name);
                return CF_USAGE;
            }
            if (f == NULL) {
                unknown_flag(c, name, len, err);
                return CF_USAGE;
            }
            rc = take_flag(&w, f, argc, argv, &i, eq);
        }
        if (rc != CF_OK)
            return rc;
    }
    if (p->npos < c->min_args) {
        fprintf(err, "gmpsim %s: missing argument (usage: gmpsim %s %s)\n", c->name, c->name, c->args);
        return CF_USAGE;
    }
    return CF_OK;
}

int cf_take(const cf_command *c, int *argc, char **argv, void *opts, FILE *err) {
    walker w = {.c = c, .opts = opts, .err = err};
    int n = 0, i = 0;
    for (; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a + 2, '=') : NULL;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a) - (a[0] == '-' && a[1] == '-' ? 2 : 0);
        const cf_flag *f = strncmp(a, "--", 2) == 0 ? find_in(c, a + 2, len) : NULL;
        if (f == NULL) {
            argv[n++] = argv[i];
            continue;
        }
        int rc = take_flag(&w, f, *argc, argv, &i, eq);
        if (rc != CF_OK)
            return rc;
    }
    for (; i < *argc; i++)
        argv[n++] = argv[i];
    *argc = n;
    return CF_OK;
}

/* ---- help ---- */

/* "1..256", "0..1ms": the row's range when it says more than the type. */
static void range_text(const cf_flag *f, char *buf, size_t len) {
    buf[0] = 0;
    if (f->type == CF_UINT && (f->range != NULL || f->scale > 1)) {
        cf_range r = row_range(f);
        snprintf(buf, len, "%" PRIu64 "..%" PRIu64, r.min, r.max);
    } else if (f->type == CF_DURATION && f->range != NULL) {
        char lo[32], hi[32];
        cf_format_duration(f->range->min, lo, sizeof lo);
        cf_format_duration(f->range->max, hi, sizeof hi);
        snprintf(buf, len, "%.30s..%.30s", lo, hi);
    }
}

void cf_flag_line(const cf_flag *f, FILE *out) {
    char left[NAME_BYTES + 32], range[80];
    snprintf(left, sizeof left, "--%s%s%s", f->name, f->metavar ? " " : "", f->metavar ? f->metavar : "");
    range_text(f, range, sizeof range);
    if (strlen(left) > HELP_COL - 4)
        fprintf(out, "  %s\n  %-*s %s", left, HELP_COL - 3, "", f->help);
    else
        fprintf(out, "  %-*s %s", HELP_COL - 3, left, f->help);
    if (range[0] || f->def || f->repeat)
        fprintf(out, " [%s%s%s%s%s%s]", range[0] ? range : "", range[0] && f->def ? ", " : "",
                f->def ? "default " : "", f->def ? f->def : "", (range[0] || f->def) && f->repeat ? ", " : "",
                f->repeat ? "repeatable" : "");
    fputc('\n', out);
}

void cf_help(const cf_command *c, FILE *out) {
    fprintf(out, "usage: gmpsim %s%s%s%s\n\n%s.\n", c->name, c->args[0] ? " " : "", c->args,
            c->nflags ? " [flags]" : "", c->summary);
    if (c->about != NULL)
        fprintf(out, "\n%s\n", c->about);
    fprintf(out, "\nflags:\n");
    for (size_t i = 0; i < c->nflags; i++)
        cf_flag_line(&c->flags[i], out);
    fprintf(out, "  %-*s %s\n", HELP_COL - 3, "-h, --help", "show this help");
    if (common_flags != NULL && common_flags->nflags > 0) {
        fprintf(out, "\nflags of every command:\n");
        for (size_t i = 0; i < common_flags->nflags; i++)
            cf_flag_line(&common_flags->flags[i], out);
    }
}

/* A Markdown table cell: '|' escaped. */
static void md_cell(FILE *out, const char *s) {
    fputs(" ", out);
    for (; s != NULL && *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputs(" |", out);
}

void cf_markdown(const cf_command *c, FILE *out) {
    fprintf(out, "```\ngmpsim %s%s%s%s\n```\n", c->name, c->args[0] ? " " : "", c->args,
            c->nflags ? " [flags]" : "");
    if (c->nflags == 0)
        return;
    fprintf(out, "\n| flag | meaning | range | default |\n|---|---|---|---|\n");
    for (size_t i = 0; i < c->nflags; i++) {
        const cf_flag *f = &c->flags[i];
        char range[80], left[NAME_BYTES + 64], help[256];
        range_text(f, range, sizeof range);
        snprintf(left, sizeof left, "`--%s%s%s`", f->name, f->metavar ? " " : "", f->metavar ? f->metavar : "");
        snprintf(help, sizeof help, "%s%s", f->help, f->repeat ? " (repeatable)" : "");
        fputc('|', out);
        md_cell(out, left);
        md_cell(out, help);
        md_cell(out, range);
        md_cell(out, f->def);
        fputc('\n', out);
    }
}

/* ---- table checks ---- */

static bool check_row(const cf_flag *f, char *why, size_t why_len) {
    bool numeric = f->type == CF_UINT || f->type == CF_DURATION;
    if (f->name == NULL || f->help == NULL || strlen(f->name) >= NAME_BYTES || f->name[0] == '-')
        snprintf(why, why_len, "a row without a proper name or help");
    else if ((f->type == CF_BOOL) != (f->metavar == NULL))
        snprintf(why, why_len, "--%s: a metavar exactly when it takes a value", f->name);
    else if ((f->type == CF_FUNC || f->type == CF_STRING) && f->example == NULL)
        snprintf(why, why_len, "--%s: no example value", f->name);
    else if (f->type == CF_FUNC && f->set == NULL)
        snprintf(why, why_len, "--%s: CF_FUNC without set()", f->name);
    else if (numeric && f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
        snprintf(why, why_len, "--%s: member of size %zu", f->name, f->size);
    else if (numeric && (row_range(f).min > row_range(f).max ||
                         row_range(f).max > member_max(f) / (f->scale ? f->scale : 1)))
        snprintf(why, why_len, "--%s: range does not fit its member", f->name);
    else if (f->type == CF_BOOL && f->size != sizeof(bool))
        snprintf(why, why_len, "--%s: CF_BOOL into a non-bool", f->name);
    else
        return true;
    return false;
}

bool cf_check_command(const cf_command *c, char *why, size_t why_len) {
    if (c->nflags > SUGGEST_MAX || c->max_args > CF_POS_MAX || c->min_args > c->max_args) {
        snprintf(why, why_len, "%s: too many flags or bad argument counts", c->name);
        return false;
    }
    for (size_t i = 0; i < c->nflags; i++) {
        if (!check_row(&c->flags[i], why, why_len))
            return false;
        bool common = c != common_flags && find_in(common_flags, c->flags[i].name, strlen(c->flags[i].name));
        if (strcmp(c->flags[i].name, "help") == 0 || common) {
            snprintf(why, why_len, "--%s is reserved", c->flags[i].name);
            return false;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->flags[i].name, c->flags[j].name) == 0) {
                snprintf(why, why_len, "--%s twice", c->flags[i].name);
                return false;
            }
    }
    return true;
}
