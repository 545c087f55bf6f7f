/* traces/catalog.c: names, categories and text form, generated from
 * events.def. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace.h"

const tr_kind_info tr_kinds[EV__COUNT] = {
#define X(name, text, cat, a0, a1, a2) [EV_##name] = {text, TRC_##cat, {a0, a1, a2}},
#include "events.def"
#undef X
};

const char *const tr_category_names[TRC__COUNT] = {
    [TRC_GLIFE] = "glife", [TRC_RUNQ] = "runq", [TRC_PM] = "pm",  [TRC_EXEC] = "exec",
    [TRC_BLOCK] = "block", [TRC_SYS] = "sys",   [TRC_DRV] = "drv",
};

int tr_kind_by_name(const char *name) {
    for (int k = 0; k < EV__COUNT; k++)
        if (strcmp(tr_kinds[k].name, name) == 0)
            return k;
    return -1;
}

static size_t put_id(char *buf, size_t len, char tag, unsigned v) {
    if (v == TR_NONE)
        return (size_t)snprintf(buf, len, " %c-", tag);
    return (size_t)snprintf(buf, len, " %c%u", tag, v);
}

size_t tr_format(char *buf, size_t len, uint64_t seq, const tr_event *e) {
    size_t o = 0;
#define ROOM (o < len ? len - o : 0)
#define AT (buf + (o < len ? o : len))
    o += (size_t)snprintf(AT, ROOM, "#%" PRIu64 " t=%" PRId64, seq, e->time);
    o += put_id(AT, ROOM, 'M', e->m);
    o += put_id(AT, ROOM, 'P', e->p);
    o += (size_t)snprintf(AT, ROOM, " G%" PRIu32, e->g);
    if (e->kind >= EV__COUNT) {
        o += (size_t)snprintf(AT, ROOM, " kind%u", (unsigned)e->kind);
        return o;
    }
    const tr_kind_info *ki = &tr_kinds[e->kind];
    o += (size_t)snprintf(AT, ROOM, " %s", ki->name);
    for (int i = 0; i < 3; i++)
        if (ki->arg[i][0] != 0)
            o += (size_t)snprintf(AT, ROOM, " %s=%" PRIu32, ki->arg[i], e->a[i]);
#undef ROOM
#undef AT
    return o;
}
