/*
 * sim/scenario/parse.c: the text form (.gmp) into a scenario.
 *
 * One pass over the text with one token of lookahead.  Newlines and ';'
 * end statements, '#' starts a comment.  Ops are appended to the flat op
 * array as they are read, so bodies land in definition order and a loop,
 * select or case owns the ops parsed inside its braces.  Channels, mutexes
 * and waitgroups must be declared before use; bodies may be named before
 * they are defined (`go` records a fixup resolved at the end).  Labels are
 * interned in order of first appearance.
 *
 * Every error stops the parse and reports the line:column of the token at
 * fault and a reason.  Nesting is bounded by SC_MAX_DEPTH, so the
 * recursion of parse_block is too.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario/sc_internal.h"

/* ---- tokens ---- */

typedef enum tok_kind {
    T_EOF,
    T_SEP,       /* newline or ';' */
    T_LBRACE,
    T_RBRACE,
    T_WORD,      /* [A-Za-z_][A-Za-z0-9_]* */
    T_NUMBER,    /* -?[0-9]+ followed by an optional suffix of word characters */
    T_BAD,       /* a byte that starts no token */
} tok_kind;

typedef struct tok {
    tok_kind kind;
    const char *s;          /* the token's text (points into the input) */
    size_t len;
    size_t ndigits;         /* T_NUMBER: digits after the optional '-' */
    uint32_t line, col;
} tok;

/* A `go` whose body was not defined yet when it was read. */
typedef struct fixup {
    uint32_t op;
    tok name;
} fixup;

/* Where each declaration was first made, for "duplicate" errors. */
typedef struct decl_pos {
    uint32_t line, col;
} decl_pos;

typedef struct parser {
    const char *text;
    size_t len, pos;
    uint32_t line, col;
    tok cur;                 /* the next unconsumed token */
    scenario *sc;            /* owned by the caller */
    sc_error *err;
    decl_pos chan_pos[SC_MAX_CHANS], mutex_pos[SC_MAX_MUTEXES], wg_pos[SC_MAX_WGS];
    decl_pos body_pos[SC_MAX_BODIES], gomaxprocs_pos, start_procs_pos, imports_os_pos;
    bool have_main, have_gomaxprocs, have_start_procs, have_imports_os;
    fixup *fixups;           /* owned; grows by doubling, at most SC_MAX_OPS */
    uint32_t nfixups, capfixups;
} parser;

static bool is_word_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_word_char(char c) { return is_word_start(c) || is_digit(c); }

static char peek_char(const parser *p, size_t ahead) {
    return p->pos + ahead < p->len ? p->text[p->pos + ahead] : '\0';
}

static void skip_byte(parser *p) {
    if (p->text[p->pos++] == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
}

static void skip_blanks_and_comments(parser *p) {
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            skip_byte(p);
        } else if (c == '#') {
            while (p->pos < p->len && p->text[p->pos] != '\n')
                skip_byte(p);
        } else {
            return;
        }
    }
}

/* Lex the next token into p->cur. */
static void advance(parser *p) {
    skip_blanks_and_comments(p);
    tok t = {.s = p->text + p->pos, .line = p->line, .col = p->col};
    size_t start = p->pos;
    char c = peek_char(p, 0);
    if (p->pos >= p->len) {
        t.kind = T_EOF;
    } else if (c == '\n' || c == ';') {
        t.kind = T_SEP;
        skip_byte(p);
    } else if (c == '{' || c == '}') {
        t.kind = c == '{' ? T_LBRACE : T_RBRACE;
        skip_byte(p);
    } else if (is_word_start(c)) {
        t.kind = T_WORD;
        while (p->pos < p->len && is_word_char(p->text[p->pos]))
            skip_byte(p);
    } else if (is_digit(c) || (c == '-' && is_digit(peek_char(p, 1)))) {
        t.kind = T_NUMBER;
        if (c == '-')
            skip_byte(p);
        size_t digits = p->pos;
        while (p->pos < p->len && is_digit(p->text[p->pos]))
            skip_byte(p);
        t.ndigits = p->pos - digits;
        if (peek_char(p, 0) == '.' && is_digit(peek_char(p, 1))) {   /* a fraction: "1.5ms" */
            skip_byte(p);
            while (p->pos < p->len && is_digit(p->text[p->pos]))
                skip_byte(p);
        }
        while (p->pos < p->len && is_word_char(p->text[p->pos]))
            skip_byte(p);
    } else {
        t.kind = T_BAD;
        skip_byte(p);
    }
    t.len = p->pos - start;
    p->cur = t;
}

static bool tok_is(const tok *t, const char *word) {
    return t->kind == T_WORD && strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}

/* The token as it should appear in a message: printable, at most ~40 bytes. */
static void tok_text(const tok *t, char *buf, size_t cap) {
    assert(cap >= 8);
    if (t->kind == T_EOF) {
        snprintf(buf, cap, "end of input");
        return;
    }
    if (t->kind == T_SEP) {
        snprintf(buf, cap, "%s", t->s[0] == ';' ? "';'" : "end of line");
        return;
    }
    size_t o = 0;
    buf[o++] = '\'';
    for (size_t i = 0; i < t->len && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)t->s[i];
        if (i == 40) {
            o += (size_t)snprintf(buf + o, cap - o, "...");
            break;
        }
        if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
    }
    buf[o++] = '\'';
    buf[o] = '\0';
}

/* ---- errors ---- */

static bool fail_at(parser *p, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail_at(parser *p, uint32_t line, uint32_t col, const char *fmt, ...) {
    p->err->line = line;
    p->err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    return false;
}

#define FAIL(p, t, ...) fail_at((p), (t)->line, (t)->col, __VA_ARGS__)

/* "expected WHAT, got TOKEN" at the current token. */
static bool fail_expected(parser *p, const char *what) {
    char got[64];
    tok_text(&p->cur, got, sizeof got);
    return FAIL(p, &p->cur, "expected %s, got %s", what, got);
}

/* ---- small pieces of syntax ---- */

/* A statement ends at a newline, ';', '}' or the end of input. */
static bool expect_end(parser *p) {
    if (p->cur.kind == T_SEP) {
        advance(p);
        return true;
    }
    if (p->cur.kind == T_RBRACE || p->cur.kind == T_EOF)
        return true;
    char got[64];
    tok_text(&p->cur, got, sizeof got);
    return FAIL(p, &p->cur, "unexpected %s after the statement (one statement per line, or ';')",
                got);
}

static bool expect_lbrace(parser *p) {
    if (p->cur.kind != T_LBRACE)
        return fail_expected(p, "'{' on the same line");
    advance(p);
    return true;
}

/* A name token of the given kind ("channel", "body", ...) into *out. */
static bool expect_name(parser *p, const char *what, tok *out) {
    if (p->cur.kind != T_WORD) {
        char want[48];
        snprintf(want, sizeof want, "a %s name", what);
        return fail_expected(p, want);
    }
    if (p->cur.len >= SC_MAX_NAME) {
        char got[64];
        tok_text(&p->cur, got, sizeof got);
        return FAIL(p, &p->cur, "%s name %s is longer than %d bytes", what, got, SC_MAX_NAME - 1);
    }
    *out = p->cur;
    advance(p);
    return true;
}

static void copy_name(char dst[SC_MAX_NAME], const tok *t) {
    assert(t->len < SC_MAX_NAME);
    memcpy(dst, t->s, t->len);
    dst[t->len] = '\0';
}

static bool name_is(const char *name, const tok *t) {
    return strlen(name) == t->len && memcmp(name, t->s, t->len) == 0;
}

/* The digits of a T_NUMBER as a magnitude; false if it exceeds limit. */
static bool number_magnitude(const tok *t, int64_t limit, int64_t *out) {
    const char *d = t->s + (t->s[0] == '-');
    int64_t v = 0;
    for (size_t i = 0; i < t->ndigits; i++) {
        v = v * 10 + (d[i] - '0');
        if (v > limit)
            return false;
    }
    *out = v;
    return true;
}

/* An integer in [lo, hi], no unit. */
static bool expect_int(parser *p, const char *what, int64_t lo, int64_t hi, int64_t *out) {
    assert(lo <= 0 || lo <= hi);
    const tok *t = &p->cur;
    bool negative = t->kind == T_NUMBER && t->s[0] == '-';
    if (t->kind != T_NUMBER || t->len != t->ndigits + negative) {
        char want[64];
        snprintf(want, sizeof want, "%s (a number)", what);
        return fail_expected(p, want);
    }
    int64_t mag = 0, limit = negative ? (lo < 0 ? -lo : 0) : hi;
    bool fits = number_magnitude(t, limit, &mag);
    int64_t v = negative ? -mag : mag;
    if (!fits || v < lo || v > hi)
        return FAIL(p, t, "%s must be between %" PRId64 " and %" PRId64, what, lo, hi);
    *out = v;
    advance(p);
    return true;
}

/* A duration: digits, an optional fraction and a unit (sc_duration_parse),
 * at most SC_MAX_DURATION_NS. */
static bool expect_duration(parser *p, int64_t *out) {
    const tok *t = &p->cur;
    if (t->kind != T_NUMBER || t->s[0] == '-')
        return fail_expected(p, "a duration (e.g. 20us, 1.5ms)");
    char got[64];
    tok_text(t, got, sizeof got);
    const char *why = sc_duration_parse(t->s, t->len, SC_MAX_DURATION_NS, out);
    if (why != NULL && strcmp(why, "is longer than the limit") == 0)
        return FAIL(p, t, "duration %s is longer than the limit of %llds", got, SC_MAX_DURATION_NS / 1000000000LL);
    if (why != NULL)
        return FAIL(p, t, "duration %s %s", got, why);
    advance(p);
    return true;
}

/* ---- the scenario being built ---- */

static bool emit(parser *p, const tok *at, op_kind kind, uint32_t a, int64_t n, uint32_t *index) {
    scenario *sc = p->sc;
    if (sc->nops >= SC_MAX_OPS)
        return FAIL(p, at, "too many ops (at most %d in all bodies)", SC_MAX_OPS);
    *index = sc->nops++;
    sc->ops[*index] = (sc_op){.kind = (uint8_t)kind, .a = a, .n = n, .line = at->line,
                              .col = at->col};
    return true;
}

/* Close the nested range of the op at index (its ops were just emitted). */
static void close_range(parser *p, uint32_t index) {
    sc_op *op = &p->sc->ops[index];
    op->child = index + 1;
    op->nchild = p->sc->nops - (index + 1);
}

/* Look a declared object up by name; fail with "unknown WHAT 'x'". */
static bool lookup(parser *p, const char *what, const char *names, size_t stride, uint32_t n,
                   uint32_t *out) {
    tok t;
    if (!expect_name(p, what, &t))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        if (name_is(names + (size_t)i * stride, &t)) {
            *out = i;
            return true;
        }
    }
    char got[64];
    tok_text(&t, got, sizeof got);
    return FAIL(p, &t, "unknown %s %s", what, got);
}

static bool lookup_chan(parser *p, uint32_t *out) {
    return lookup(p, "channel", p->sc->chans[0].name, sizeof p->sc->chans[0], p->sc->nchans, out);
}
static bool lookup_mutex(parser *p, uint32_t *out) {
    return lookup(p, "mutex", p->sc->mutexes[0], SC_MAX_NAME, p->sc->nmutexes, out);
}
static bool lookup_wg(parser *p, uint32_t *out) {
    return lookup(p, "waitgroup", p->sc->wgs[0], SC_MAX_NAME, p->sc->nwgs, out);
}

/* A label (identifier or non-negative integer), interned on first use. */
static bool intern_label(parser *p, uint32_t *out) {
    tok t = p->cur;
    char name[SC_MAX_NAME];
    if (t.kind == T_NUMBER && t.s[0] != '-' && t.len == t.ndigits) {
        size_t skip = 0;
        while (skip + 1 < t.len && t.s[skip] == '0')
            skip++;     /* canonical: `mark 007` is `mark 7` */
        t.s += skip;
        t.len -= skip;
    } else if (t.kind != T_WORD) {
        return fail_expected(p, "a label (a name or a number)");
    }
    if (t.len >= SC_MAX_NAME)
        return FAIL(p, &p->cur, "label is longer than %d bytes", SC_MAX_NAME - 1);
    copy_name(name, &t);
    scenario *sc = p->sc;
    for (uint32_t i = 0; i < sc->nlabels; i++) {
        if (strcmp(sc->labels[i], name) == 0) {
            *out = i;
            advance(p);
            return true;
        }
    }
    if (sc->nlabels >= SC_MAX_LABELS)
        return FAIL(p, &p->cur, "too many labels (at most %d)", SC_MAX_LABELS);
    memcpy(sc->labels[sc->nlabels], name, SC_MAX_NAME);
    *out = sc->nlabels++;
    advance(p);
    return true;
}

/* ---- ops ---- */

/* How an op's operands are written after its keyword. */
typedef enum op_form {
    F_NONE, F_CHAN, F_MAKE, F_MUTEX, F_WG, F_WGADD, F_DURATION, F_PROCS, F_GO, F_MARK, F_EXIT,
    F_LOOP, F_SELECT,
} op_form;

static const struct { op_kind kind; op_form form; } op_forms[] = {
    {OP_GO, F_GO},           {OP_WORK, F_DURATION},     {OP_GOSCHED, F_NONE},
    {OP_YIELD, F_NONE},      {OP_PREEMPT, F_NONE},      {OP_MAKE, F_MAKE},
    {OP_SEND, F_CHAN},       {OP_RECV, F_CHAN},         {OP_CLOSE, F_CHAN},
    {OP_SELECT, F_SELECT},   {OP_SLEEP, F_DURATION},    {OP_SYSCALL, F_DURATION},
    {OP_LOCK, F_MUTEX},      {OP_UNLOCK, F_MUTEX},      {OP_WGADD, F_WGADD},
    {OP_WGDONE, F_WG},       {OP_WGWAIT, F_WG},         {OP_GOMAXPROCS, F_PROCS},
    {OP_LOOP, F_LOOP},       {OP_MARK, F_MARK},         {OP_EXIT, F_EXIT},
    {OP_LOCKOSTHREAD, F_NONE}, {OP_UNLOCKOSTHREAD, F_NONE},
};

static bool parse_block(parser *p, unsigned depth, const tok *open);

/* `go NAME [xN]`: the body may be defined later (a fixup). */
static bool parse_go(parser *p, const tok *kw) {
    tok name;
    if (!expect_name(p, "body", &name))
        return false;
    int64_t count = 1;
    if (p->cur.kind == T_WORD && p->cur.s[0] == 'x') {
        tok t = p->cur;
        bool digits = t.len > 1;
        for (size_t i = 1; i < t.len; i++)
            digits = digits && is_digit(t.s[i]);
        if (!digits)
            return fail_expected(p, "a count like x16");
        t.s++;
        t.len--;
        t.ndigits = t.len;
        t.kind = T_NUMBER;
        if (!number_magnitude(&t, SC_MAX_REPEAT, &count) || count < 1)
            return FAIL(p, &p->cur, "go count must be between 1 and %lld", SC_MAX_REPEAT);
        advance(p);
    } else if (p->cur.kind == T_NUMBER) {
        return fail_expected(p, "a count like x16");
    }
    uint32_t index;
    if (!emit(p, kw, OP_GO, 0, count, &index))
        return false;
    for (uint32_t i = 0; i < p->sc->nbodies; i++) {
        if (name_is(p->sc->bodies[i].name, &name)) {
            p->sc->ops[index].a = i;
            return true;
        }
    }
    if (p->nfixups == p->capfixups) {
        assert(p->capfixups < SC_MAX_OPS);   /* one per op at most */
        uint32_t cap = p->capfixups ? 2 * p->capfixups : 16;
        fixup *grown = realloc(p->fixups, cap * sizeof *grown);
        if (grown == NULL)
            return FAIL(p, kw, "out of memory");
        p->fixups = grown;
        p->capfixups = cap;
    }
    p->fixups[p->nfixups++] = (fixup){.op = index, .name = name};
    return true;
}

/* One `case send|recv CHAN [{...}]` or `default [{...}]` of a select, its
 * keyword t already consumed. */
static bool parse_case(parser *p, unsigned depth, const tok *t, tok *first_default) {
    uint32_t chan = 0, c;
    int64_t mode = CASE_DEFAULT;
    if (tok_is(t, "default")) {
        if (first_default->line != 0)
            return FAIL(p, t, "a second default in one select (the first is at %" PRIu32 ":%" PRIu32
                        ")", first_default->line, first_default->col);
        *first_default = *t;
    } else if (tok_is(&p->cur, "send") || tok_is(&p->cur, "recv")) {
        mode = tok_is(&p->cur, "send") ? CASE_SEND : CASE_RECV;
        advance(p);
        if (!lookup_chan(p, &chan))
            return false;
    } else {
        return fail_expected(p, "'send' or 'recv' after 'case'");
    }
    if (!emit(p, t, OP_CASE, chan, mode, &c))
        return false;
    if (p->cur.kind == T_LBRACE) {
        tok open = p->cur;
        advance(p);
        if (!parse_block(p, depth, &open))
            return false;
    }
    close_range(p, c);
    return expect_end(p);
}

/* `select { case send|recv CHAN [{...}] ... default [{...}] }` */
static bool parse_select(parser *p, unsigned depth, const tok *kw) {
    uint32_t index, ncases = 0;
    tok open = p->cur, first_default = {0};
    if (!emit(p, kw, OP_SELECT, 0, 0, &index) || !expect_lbrace(p))
        return false;
    for (;;) {
        tok t = p->cur;
        if (t.kind == T_SEP) {
            advance(p);
            continue;
        }
        if (t.kind == T_RBRACE)
            break;
        if (t.kind == T_EOF)
            return FAIL(p, &t, "missing '}' to close the select opened at %" PRIu32 ":%" PRIu32,
                        open.line, open.col);
        if (!tok_is(&t, "case") && !tok_is(&t, "default"))
            return fail_expected(p, "'case', 'default' or '}' in a select");
        if (++ncases > SC_MAX_CASES)
            return FAIL(p, &t, "too many cases in one select (at most %d)", SC_MAX_CASES);
        advance(p);
        if (!parse_case(p, depth, &t, &first_default))
            return false;
    }
    advance(p);   /* the select's '}' */
    close_range(p, index);
    return true;
}

/* `loop K { ... }` */
static bool parse_loop(parser *p, unsigned depth, const tok *kw) {
    int64_t k;
    uint32_t index;
    if (!expect_int(p, "loop count", 0, SC_MAX_REPEAT, &k) || !emit(p, kw, OP_LOOP, 0, k, &index))
        return false;
    tok open = p->cur;
    if (!expect_lbrace(p) || !parse_block(p, depth, &open))
        return false;
    close_range(p, index);
    return true;
}

/* The operands of a one-line op, then emit it. */
static bool parse_simple_op(parser *p, op_kind kind, op_form form, const tok *kw) {
    uint32_t a = 0, index;
    int64_t n = 0;
    bool ok = true;
    switch (form) {
    case F_NONE: break;
    case F_CHAN: ok = lookup_chan(p, &a); break;
    case F_MAKE:
        ok = lookup_chan(p, &a) &&
             (p->cur.kind != T_NUMBER || expect_int(p, "capacity", 0, SC_MAX_REPEAT, &n));
        break;
    case F_MUTEX: ok = lookup_mutex(p, &a); break;
    case F_WG: ok = lookup_wg(p, &a); break;
    case F_WGADD: ok = lookup_wg(p, &a) && expect_int(p, "delta", -SC_MAX_REPEAT, SC_MAX_REPEAT, &n); break;
    case F_DURATION: ok = expect_duration(p, &n); break;
    case F_PROCS: ok = expect_int(p, "GOMAXPROCS", 1, SC_MAX_PROCS, &n); break;
    case F_MARK: ok = intern_label(p, &a); break;
    case F_EXIT: ok = p->cur.kind != T_NUMBER || expect_int(p, "exit code", 0, 255, &n); break;
    default: assert(!"parse_simple_op: form with its own parser");
    }
    return ok && emit(p, kw, kind, a, n, &index);
}

static bool is_top_level_word(const tok *t) {
    static const char *const words[] = {"chan", "mutex", "waitgroup", "at", "body", "main"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tok_is(t, words[i]))
            return true;
    return false;
}

/* One op inside a body, its keyword being the current token.  depth is the
 * number of loops/selects around it. */
static bool parse_op(parser *p, unsigned depth) {
    tok kw = p->cur;
    char got[64];
    tok_text(&kw, got, sizeof got);
    for (size_t i = 0; i < sizeof op_forms / sizeof op_forms[0]; i++) {
        if (!tok_is(&kw, sc_op_name(op_forms[i].kind)))
            continue;
        advance(p);
        op_form form = op_forms[i].form;
        if ((form == F_LOOP || form == F_SELECT) && depth >= SC_MAX_DEPTH)
            return FAIL(p, &kw, "loops and selects nest at most %d deep", SC_MAX_DEPTH);
        if (form == F_LOOP)
            return parse_loop(p, depth + 1, &kw);
        if (form == F_SELECT)
            return parse_select(p, depth + 1, &kw);
        if (form == F_GO)
            return parse_go(p, &kw);
        return parse_simple_op(p, op_forms[i].kind, form, &kw);
    }
    if (tok_is(&kw, "case") || tok_is(&kw, "default"))
        return FAIL(p, &kw, "%s outside a select", got);
    if (is_top_level_word(&kw))
        return FAIL(p, &kw, "%s is only allowed at top level", got);
    return FAIL(p, &kw, "unknown op %s", got);
}

/* The ops of a block up to and including its '}' (the '{' is consumed). */
static bool parse_block(parser *p, unsigned depth, const tok *open) {
    for (;;) {
        switch (p->cur.kind) {
        case T_SEP: advance(p); continue;
        case T_RBRACE: advance(p); return true;
        case T_EOF:
            return FAIL(p, &p->cur, "missing '}' to close the block opened at %" PRIu32
                        ":%" PRIu32, open->line, open->col);
        case T_WORD:
            if (!parse_op(p, depth) || !expect_end(p))
                return false;
            continue;
        default:
            return fail_expected(p, "an op");
        }
    }
}

/* ---- top level ---- */

/* Declare a named object of one kind (channel, mutex, waitgroup). */
static bool declare(parser *p, const char *what, const char *plural, char *names, size_t stride,
                    uint32_t *n, uint32_t max, decl_pos *pos, uint32_t *index) {
    tok t;
    if (!expect_name(p, what, &t))
        return false;
    char got[64];
    tok_text(&t, got, sizeof got);
    for (uint32_t i = 0; i < *n; i++)
        if (name_is(names + (size_t)i * stride, &t))
            return FAIL(p, &t, "duplicate %s %s (first declared at %" PRIu32 ":%" PRIu32 ")",
                        what, got, pos[i].line, pos[i].col);
    if (*n >= max)
        return FAIL(p, &t, "too many %s (at most %" PRIu32 ")", plural, max);
    *index = (*n)++;
    copy_name(names + (size_t)*index * stride, &t);
    pos[*index] = (decl_pos){t.line, t.col};
    return true;
}

static bool parse_chan_decl(parser *p) {
    scenario *sc = p->sc;
    uint32_t i;
    int64_t cap = 0;
    if (!declare(p, "channel", "channels", sc->chans[0].name, sizeof sc->chans[0], &sc->nchans, SC_MAX_CHANS,
                 p->chan_pos, &i))
        return false;
    if (p->cur.kind == T_NUMBER && !expect_int(p, "capacity", 0, SC_MAX_REPEAT, &cap))
        return false;
    sc->chans[i].cap = (uint32_t)cap;
    return true;
}

/* A top-level setting given at most once: note where, or fail. */
static bool declare_once(parser *p, const tok *kw, bool *have, decl_pos *pos) {
    if (*have) {
        return FAIL(p, kw, "%.*s given twice (first at %" PRIu32 ":%" PRIu32 ")", (int)kw->len, kw->s,
                    pos->line, pos->col);
    }
    *have = true;
    *pos = (decl_pos){kw->line, kw->col};
    return true;
}

static bool parse_gomaxprocs_decl(parser *p, const tok *kw) {
    if (!declare_once(p, kw, &p->have_gomaxprocs, &p->gomaxprocs_pos))
        return false;
    int64_t n;
    if (!expect_int(p, "GOMAXPROCS", 1, SC_MAX_PROCS, &n))
        return false;
    p->sc->gomaxprocs = (int32_t)n;
    return true;
}

/* `start_procs N`: the Ps Go starts with, before main's runtime.GOMAXPROCS. */
static bool parse_start_procs_decl(parser *p, const tok *kw) {
    if (!declare_once(p, kw, &p->have_start_procs, &p->start_procs_pos))
        return false;
    int64_t n;
    if (!expect_int(p, "start_procs", 1, SC_MAX_PROCS, &n))
        return false;
    p->sc->start_procs = (int32_t)n;   /* 0 if it equals gomaxprocs: parse_all */
    return true;
}

/* `imports_os yes|no` */
static bool parse_imports_os_decl(parser *p, const tok *kw) {
    if (!declare_once(p, kw, &p->have_imports_os, &p->imports_os_pos))
        return false;
    if (p->cur.kind != T_WORD || !(tok_is(&p->cur, "yes") || tok_is(&p->cur, "no")))
        return fail_expected(p, "'yes' or 'no' after imports_os");
    p->sc->no_os = tok_is(&p->cur, "no");
    advance(p);
    return true;
}

/* `at DURATION gomaxprocs N` */
static bool parse_event(parser *p, const tok *kw) {
    scenario *sc = p->sc;
    int64_t at, n;
    if (sc->nevents >= SC_MAX_EVENTS)
        return FAIL(p, kw, "too many timed events (at most %d)", SC_MAX_EVENTS);
    if (!expect_duration(p, &at))
        return false;
    if (!tok_is(&p->cur, "gomaxprocs"))
        return fail_expected(p, "'gomaxprocs' (the only timed event)");
    advance(p);
    if (!expect_int(p, "GOMAXPROCS", 1, SC_MAX_PROCS, &n))
        return false;
    sc->events[sc->nevents++] = (sc_event){.at_ns = at, .kind = EVT_GOMAXPROCS, .arg = n};
    return true;
}

/* `body NAME { ... }` or `main { ... }` */
static bool parse_body(parser *p, const tok *kw, bool is_main) {
    scenario *sc = p->sc;
    tok name = *kw;
    if (!is_main) {
        if (!expect_name(p, "body", &name))
            return false;
        if (tok_is(&name, "main"))
            return FAIL(p, &name, "'main' is reserved for the main body: write 'main { ... }'");
    } else if (p->have_main) {
        return FAIL(p, kw, "a second main body (the first is at %" PRIu32 ":%" PRIu32 ")",
                    p->body_pos[sc->main_body].line, p->body_pos[sc->main_body].col);
    }
    char got[64];
    tok_text(&name, got, sizeof got);
    for (uint32_t i = 0; i < sc->nbodies; i++)
        if (name_is(sc->bodies[i].name, &name))
            return FAIL(p, &name, "duplicate body %s (first defined at %" PRIu32 ":%" PRIu32 ")",
                        got, p->body_pos[i].line, p->body_pos[i].col);
    if (sc->nbodies >= SC_MAX_BODIES)
        return FAIL(p, &name, "too many bodies (at most %d, main included)", SC_MAX_BODIES);
    uint32_t b = sc->nbodies++;
    copy_name(sc->bodies[b].name, &name);
    p->body_pos[b] = (decl_pos){name.line, name.col};
    sc->bodies[b].start = sc->nops;
    if (is_main) {
        p->have_main = true;
        sc->main_body = b;
    }
    tok open = p->cur;
    if (!expect_lbrace(p) || !parse_block(p, 0, &open))
        return false;
    sc->bodies[b].len = sc->nops - sc->bodies[b].start;
    return true;
}

static bool parse_top_statement(parser *p) {
    tok kw = p->cur;
    char got[64];
    tok_text(&kw, got, sizeof got);
    if (kw.kind != T_WORD)
        return FAIL(p, &kw, "unexpected %s at top level", got);
    advance(p);
    uint32_t i;
    scenario *sc = p->sc;
    if (tok_is(&kw, "gomaxprocs"))
        return parse_gomaxprocs_decl(p, &kw);
    if (tok_is(&kw, "start_procs"))
        return parse_start_procs_decl(p, &kw);
    if (tok_is(&kw, "imports_os"))
        return parse_imports_os_decl(p, &kw);
    if (tok_is(&kw, "chan"))
        return parse_chan_decl(p);
    if (tok_is(&kw, "mutex"))
        return declare(p, "mutex", "mutexes", sc->mutexes[0], SC_MAX_NAME, &sc->nmutexes, SC_MAX_MUTEXES,
                       p->mutex_pos, &i);
    if (tok_is(&kw, "waitgroup"))
        return declare(p, "waitgroup", "waitgroups", sc->wgs[0], SC_MAX_NAME, &sc->nwgs, SC_MAX_WGS, p->wg_pos,
                       &i);
    if (tok_is(&kw, "at"))
        return parse_event(p, &kw);
    if (tok_is(&kw, "body") || tok_is(&kw, "main"))
        return parse_body(p, &kw, tok_is(&kw, "main"));
    for (unsigned k = 0; k < OP__COUNT; k++)
        if (tok_is(&kw, sc_op_name(k)))
            return FAIL(p, &kw, "%s must be inside a body or main", got);
    return FAIL(p, &kw, "unknown statement %s (expected gomaxprocs, start_procs, imports_os, chan, "
                "mutex, waitgroup, at, body or main)", got);
}

/* ---- finishing ---- */

static bool resolve_fixups(parser *p) {
    for (uint32_t f = 0; f < p->nfixups; f++) {
        const fixup *x = &p->fixups[f];
        uint32_t i = 0;
        while (i < p->sc->nbodies && !name_is(p->sc->bodies[i].name, &x->name))
            i++;
        if (i == p->sc->nbodies) {
            char got[64];
            tok_text(&x->name, got, sizeof got);
            return FAIL(p, &x->name, "unknown body %s", got);
        }
        p->sc->ops[x->op].a = i;
    }
    return true;
}

static bool parse_all(parser *p) {
    advance(p);
    while (p->cur.kind != T_EOF) {
        if (p->cur.kind == T_SEP) {
            advance(p);
            continue;
        }
        if (!parse_top_statement(p) || !expect_end(p))
            return false;
        if (p->cur.kind == T_RBRACE)
            return FAIL(p, &p->cur, "unexpected '}' at top level");
    }
    if (!p->have_main)
        return FAIL(p, &p->cur, "missing main body (write 'main { ... }')");
    if (!resolve_fixups(p))
        return false;
    sc_sort_events(p->sc);   /* equal times keep their text order */
    if (p->sc->start_procs == p->sc->gomaxprocs)
        p->sc->start_procs = 0;  /* canonical: starting where main sets it is the default */
    return true;
}

bool sc_parse(const char *text, size_t len, scenario *out, sc_error *err) {
    assert(out != NULL && (text != NULL || len == 0));
    sc_error spare;
    if (err == NULL)
        err = &spare;
    *err = (sc_error){0};
    if (len > (size_t)SC_MAX_TEXT_BYTES) {
        err->line = err->col = 1;
        snprintf(err->msg, sizeof err->msg, "input is larger than %lld bytes", SC_MAX_TEXT_BYTES);
        return false;
    }
    memset(out, 0, sizeof *out);
    out->gomaxprocs = 1;
    parser p = {.text = text != NULL ? text : "", .len = len, .line = 1, .col = 1, .sc = out,
                .err = err};
    bool ok = parse_all(&p);
    free(p.fixups);
    if (ok) {
        const char *why = sc_validate(out);
        assert(why == NULL);   /* the parser only builds valid scenarios */
        if (why != NULL) {
            snprintf(err->msg, sizeof err->msg, "internal error: %s", why);
            return false;
        }
    }
    return ok;
}

/* Read a whole file of at most SC_MAX_TEXT_BYTES (+1, to notice more)
 * into a malloc'd buffer the caller owns. */
static char *read_file(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0, limit = (size_t)SC_MAX_TEXT_BYTES + 1;
    char *buf = malloc(cap);
    while (buf != NULL && n < limit) {
        if (n == cap) {
            cap = cap * 2 < limit ? cap * 2 : limit;
            char *grown = realloc(buf, cap);
            if (grown == NULL)
                break;
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                break;
            *len = n;
            return buf;
        }
    }
    if (n == limit) {
        *len = n;
        return buf;
    }
    free(buf);
    return NULL;
}

bool sc_parse_file(const char *path, scenario *out, sc_error *err) {
    sc_error spare;
    if (err == NULL)
        err = &spare;
    *err = (sc_error){0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err->msg, sizeof err->msg, "cannot open %.100s: %s", path, strerror(errno));
        return false;
    }
    size_t n = 0;
    errno = 0;
    char *buf = read_file(f, &n);
    int e = errno ? errno : EIO;   /* "Is a directory", out of memory, ... */
    fclose(f);
    if (buf == NULL) {
        snprintf(err->msg, sizeof err->msg, "cannot read %.100s: %s", path, strerror(e));
        return false;
    }
    bool ok = sc_parse(buf, n, out, err);
    free(buf);
    return ok;
}
