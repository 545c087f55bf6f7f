/* traces/json.c: see json.h. */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

void js_init(js_writer *w, FILE *out, bool pretty) {
    *w = (js_writer){.out = out, .pretty = pretty};
}

size_t js_utf8_len(const unsigned char *s, size_t len) {
    unsigned c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xbf;   /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

void js_escape(FILE *out, const char *s, size_t len) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        size_t n = js_utf8_len(u + i, len - i);
        if (n == 0) {
            fprintf(out, "\\\\x%02x", c);   /* an invalid byte: the text \xNN */
            i++;
            continue;
        }
        if (n > 1) {
            fwrite(u + i, 1, n, out);
        } else if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc((int)c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        } else {
            fputc((int)c, out);
        }
        i += n;
    }
}

/* Before any value: the comma and, in an object, the check that a key came. */
static void before_value(js_writer *w) {
    assert(w->depth < JS_DEPTH_MAX);
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    assert(w->depth == 0 || !w->is_object[w->depth]);
    if (w->comma[w->depth])
        fputc(',', w->out);
    if (w->pretty && w->depth > 0)
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    w->comma[w->depth] = true;
}

static void open_(js_writer *w, char c, bool object) {
    before_value(w);
    fputc(c, w->out);
    assert(w->depth + 1 < JS_DEPTH_MAX);
    w->depth++;
    w->comma[w->depth] = false;
    w->is_object[w->depth] = object;
}

static void close_(js_writer *w, char c, bool object) {
    (void)object;   /* checked by the assertion only */
    assert(w->depth > 0 && w->is_object[w->depth] == object && !w->after_key);
    bool any = w->comma[w->depth];
    w->depth--;
    if (w->pretty && any)
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    fputc(c, w->out);
}

void js_object(js_writer *w) { open_(w, '{', true); }
void js_object_end(js_writer *w) { close_(w, '}', true); }
void js_array(js_writer *w) { open_(w, '[', false); }
void js_array_end(js_writer *w) { close_(w, ']', false); }

bool js_finish(js_writer *w) {
    assert(w->depth == 0 && !w->after_key);
    fputc('\n', w->out);
    return fflush(w->out) == 0 && !ferror(w->out);
}

void js_key(js_writer *w, const char *key) {
    assert(w->depth > 0 && w->is_object[w->depth] && !w->after_key);
    if (w->comma[w->depth])
        fputc(',', w->out);
    if (w->pretty)
        fprintf(w->out, "\n%*s", 2 * w->depth, "");
    w->comma[w->depth] = true;
    fputc('"', w->out);
    js_escape(w->out, key, strlen(key));
    fputs(w->pretty ? "\": " : "\":", w->out);
    w->after_key = true;
}

void js_strn(js_writer *w, const char *s, size_t len) {
    before_value(w);
    fputc('"', w->out);
    js_escape(w->out, s, len);
    fputc('"', w->out);
}

void js_str(js_writer *w, const char *s) {
    if (s == NULL)
        js_null(w);
    else
        js_strn(w, s, strlen(s));
}

void js_uint(js_writer *w, uint64_t v) {
    before_value(w);
    fprintf(w->out, "%" PRIu64, v);
}

void js_int(js_writer *w, int64_t v) {
    before_value(w);
    fprintf(w->out, "%" PRId64, v);
}

void js_bool(js_writer *w, bool v) {
    before_value(w);
    fputs(v ? "true" : "false", w->out);
}

void js_null(js_writer *w) {
    before_value(w);
    fputs("null", w->out);
}

void js_hex64(js_writer *w, uint64_t v) {
    before_value(w);
    fprintf(w->out, "\"%016" PRIx64 "\"", v);
}

void js_fixed(js_writer *w, double v, int decimals) {
    if (!isfinite(v)) {
        js_null(w);
        return;
    }
    before_value(w);
    fprintf(w->out, "%.*f", decimals, v);
}

void js_kstr(js_writer *w, const char *key, const char *s) { js_key(w, key), js_str(w, s); }
void js_kuint(js_writer *w, const char *key, uint64_t v) { js_key(w, key), js_uint(w, v); }
void js_kint(js_writer *w, const char *key, int64_t v) { js_key(w, key), js_int(w, v); }
void js_kbool(js_writer *w, const char *key, bool v) { js_key(w, key), js_bool(w, v); }
void js_khex64(js_writer *w, const char *key, uint64_t v) { js_key(w, key), js_hex64(w, v); }

void js_schema(js_writer *w, const char *kind, int version) {
    char buf[64];
    snprintf(buf, sizeof buf, "gmpsim.%s/%d", kind, version);
    js_kstr(w, "schema", buf);
}
