/* tests/traces/layout.c: file layout helpers (see layout.h). */
#include "layout.h"

#include <xxhash.h>

uint32_t layout_rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void layout_wr32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t layout_header_end(const uint8_t *b) {
    size_t o = LAYOUT_HEADER_FIXED;
    unsigned n = (unsigned)(b[10] | b[11] << 8);
    for (unsigned i = 0; i < n; i++)
        o += 8 + layout_rd32(b + o + 4);
    return o + 4;
}

size_t layout_chunks(const uint8_t *b, size_t len, size_t *at, size_t max) {
    size_t o = layout_header_end(b), n = 0;
    while (o < len && b[o] == 'C' && n < max) {
        at[n++] = o;
        o += LAYOUT_CHUNK_HEAD + layout_rd32(b + o + 20) + 4;
    }
    at[n] = o;
    return n;
}

void layout_reseal_chunk(uint8_t *b, size_t at) {
    size_t body = LAYOUT_CHUNK_HEAD + layout_rd32(b + at + 20);
    layout_wr32(b + at + body, XXH32(b + at, body, 0));
}

void layout_reseal_header(uint8_t *b) {
    size_t end = layout_header_end(b) - 4;
    layout_wr32(b + end, XXH32(b, end, 0));
}

/* Offset just after the header checksum, or 0 when it does not fit. */
static size_t header_end_within(const uint8_t *b, size_t len) {
    if (len < LAYOUT_HEADER_FIXED)
        return 0;
    size_t o = LAYOUT_HEADER_FIXED;
    unsigned n = (unsigned)(b[10] | b[11] << 8);
    for (unsigned i = 0; i < n; i++) {
        if (len - o < 8 || len - o - 8 < layout_rd32(b + o + 4))
            return 0;
        o += 8 + layout_rd32(b + o + 4);
    }
    return len - o < 4 ? 0 : o + 4;
}

void layout_reseal_all(uint8_t *b, size_t len) {
    size_t o = header_end_within(b, len);
    if (o == 0)
        return;
    layout_wr32(b + o - 4, XXH32(b, o - 4, 0));
    /* each step moves past one chunk, so this ends within len bytes */
    while (len - o >= LAYOUT_CHUNK_HEAD && b[o] == 'C') {
        size_t stored = layout_rd32(b + o + 20);
        if (len - o - LAYOUT_CHUNK_HEAD < stored || len - o - LAYOUT_CHUNK_HEAD - stored < 4)
            return;
        layout_reseal_chunk(b, o);
        o += LAYOUT_CHUNK_HEAD + stored + 4;
    }
}
