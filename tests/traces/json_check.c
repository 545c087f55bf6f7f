/* tests/traces/json_check.c: recursive-descent JSON syntax check. */
#include "json_check.h"

#include <string.h>

typedef struct jp {
    const char *s;
    size_t len, pos;
} jp;

static bool value(jp *p, int depth);

static void ws(jp *p) {
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL && p->s[p->pos] != 0)
        p->pos++;
}

static bool eat(jp *p, char c) {
    ws(p);
    if (p->pos < p->len && p->s[p->pos] == c) {
        p->pos++;
        return true;
    }
    return false;
}

static bool is_digit(jp *p) { return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9'; }

static bool digits(jp *p) {
    if (!is_digit(p))
        return false;
    while (is_digit(p))
        p->pos++;
    return true;
}

static bool number(jp *p) {
    if (p->pos < p->len && p->s[p->pos] == '-')
        p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '0')
        p->pos++;
    else if (!digits(p))
        return false;
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (!digits(p))
            return false;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (!digits(p))
            return false;
    }
    return true;
}

static bool string(jp *p) {
    if (!eat(p, '"'))
        return false;
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (p->pos >= p->len)
            return false;
        char e = p->s[p->pos++];
        if (e == 'u') {
            for (int i = 0; i < 4; i++, p->pos++)
                if (p->pos >= p->len || strchr("0123456789abcdefABCDEF", p->s[p->pos]) == NULL ||
                    p->s[p->pos] == 0)
                    return false;
        } else if (strchr("\"\\/bfnrt", e) == NULL || e == 0) {
            return false;
        }
    }
    return false;
}

static bool literal(jp *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return false;
    p->pos += n;
    return true;
}

/* elements separated by commas up to `close`; member: "key": value */
static bool sequence(jp *p, char close, bool members, int depth) {
    if (eat(p, close))
        return true;
    do {
        if (members && (!string(p) || !eat(p, ':')))
            return false;
        if (!value(p, depth + 1))
            return false;
    } while (eat(p, ','));
    return eat(p, close);
}

static bool value(jp *p, int depth) {
    if (depth > JSON_DEPTH_MAX)
        return false;
    ws(p);
    if (p->pos >= p->len)
        return false;
    switch (p->s[p->pos]) {
    case '{': p->pos++; return sequence(p, '}', true, depth);
    case '[': p->pos++; return sequence(p, ']', false, depth);
    case '"': return string(p);
    case 't': return literal(p, "true");
    case 'f': return literal(p, "false");
    case 'n': return literal(p, "null");
    default: return number(p);
    }
}

bool json_valid(const char *s, size_t len, size_t *at) {
    jp p = {s, len, 0};
    bool ok = value(&p, 0);
    ws(&p);
    ok = ok && p.pos == len;
    *at = p.pos;
    return ok;
}
