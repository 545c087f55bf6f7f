/* traces/values.c: value names from traces/values.def. */
#include "values.h"

#include <stdio.h>

typedef struct value_name {
    uint16_t kind;
    uint8_t arg;
    uint32_t value;
    const char *name;
} value_name;

static const value_name value_names[] = {
#define V(kind, arg, value, name) {EV_##kind, arg, value, name},
#include "values.def"
#undef V
};

enum { VALUE_NAMES = sizeof value_names / sizeof value_names[0] };

const char *(*tr_invariant_namer)(uint32_t id);

const char *tr_value_name(unsigned kind, unsigned arg, uint32_t value) {
    if (kind == EV_INVARIANT && arg == 0 && tr_invariant_namer != NULL)
        return tr_invariant_namer(value);
    for (size_t i = 0; i < VALUE_NAMES; i++) {
        const value_name *v = &value_names[i];
        if (v->kind == kind && v->arg == arg && v->value == value)
            return v->name;
    }
    return NULL;
}

/* Append ", name" (or " (name" for the first) for each named argument;
 * returns the characters it would take, snprintf-style. */
static size_t put_names(char *buf, size_t len, const tr_event *e) {
    size_t o = 0;
    int named = 0;
    for (unsigned i = 0; i < 3 && e->kind < EV__COUNT; i++) {
        const char *name = tr_value_name(e->kind, i, e->a[i]);
        if (name == NULL || tr_kinds[e->kind].arg[i][0] == 0)
            continue;
        o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, "%s%s", named++ ? ", " : " (",
                              name);
    }
    if (named)
        o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, ")");
    return o;
}

size_t tr_format_long(char *buf, size_t len, uint64_t seq, const tr_event *e) {
    size_t o = tr_format(buf, len, seq, e);
    return o + put_names(buf + (o < len ? o : len), o < len ? len - o : 0, e);
}

size_t tr_event_label(char *buf, size_t len, const tr_event *e) {
    if (e->kind >= EV__COUNT)
        return (size_t)snprintf(buf, len, "kind%u", (unsigned)e->kind);
    for (unsigned i = 0; i < 3; i++) {
        const char *name = tr_value_name(e->kind, i, e->a[i]);
        if (name != NULL)
            return (size_t)snprintf(buf, len, "%s %s", tr_kinds[e->kind].name, name);
    }
    return (size_t)snprintf(buf, len, "%s", tr_kinds[e->kind].name);
}

static void put_id_json(js_writer *w, const char *key, unsigned v) {
    js_key(w, key);
    if (v == TR_NONE)
        js_null(w);
    else
        js_uint(w, v);
}

void tr_event_json(js_writer *w, uint64_t seq, const tr_event *e) {
    js_object(w);
    js_kuint(w, "event", seq);
    js_kint(w, "t", e->time);
    put_id_json(w, "m", e->m);
    put_id_json(w, "p", e->p);
    js_kuint(w, "g", e->g);
    if (e->kind >= EV__COUNT) {
        js_kuint(w, "kind", e->kind);
        js_object_end(w);
        return;
    }
    const tr_kind_info *ki = &tr_kinds[e->kind];
    js_kstr(w, "kind", ki->name);
    js_key(w, "args");
    js_object(w);
    for (unsigned i = 0; i < 3; i++)
        if (ki->arg[i][0] != 0)
            js_kuint(w, ki->arg[i], e->a[i]);
    js_object_end(w);
    js_key(w, "values");
    js_object(w);
    for (unsigned i = 0; i < 3; i++) {
        const char *name = ki->arg[i][0] != 0 ? tr_value_name(e->kind, i, e->a[i]) : NULL;
        if (name != NULL)
            js_kstr(w, ki->arg[i], name);
    }
    js_object_end(w);
    js_object_end(w);
}
