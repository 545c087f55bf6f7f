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

const char *tr_value_name(unsigned kind, unsigned arg, uint32_t value) {
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
