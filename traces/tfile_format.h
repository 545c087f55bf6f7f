/*
 * traces/tfile_format.h: byte layout shared by the trace file writer
 * (tfile.c) and reader (treader.c).  Private to traces/; the reference is
 * docs/trace-format.md.  All integers are little-endian.
 */
#ifndef GMP_TRACES_TFILE_FORMAT_H
#define GMP_TRACES_TFILE_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "tfile.h"

enum {
    /* header: magic[8] version:u16 nsections:u16, then sections, then XXH32 */
    HDR_FIXED_BYTES = 12,
    HDR_VERSION_AT = 8,
    HDR_NSECTIONS_AT = 10,
    SEC_HEAD_BYTES = 8, /* id:u32 len:u32 */
    CHECKSUM_BYTES = 4,

    /* chunk: marker codec reserved:u16 nevents:u32 first_seq:u64 raw_len:u32
     * stored_len:u32, payload[stored_len], XXH32 of everything before it */
    CHUNK_MARKER = 'C',
    CHUNK_HEAD_BYTES = 24,
    CHUNK_CODEC_AT = 1,
    CHUNK_RESERVED_AT = 2,
    CHUNK_NEVENTS_AT = 4,
    CHUNK_FIRST_SEQ_AT = 8,
    CHUNK_RAW_LEN_AT = 16,
    CHUNK_STORED_LEN_AT = 20,
    CODEC_RAW = 0,
    CODEC_ZSTD = 1,

    /* footer: marker reserved[3] nevents:u64 digest:u64, then end of file */
    FOOTER_MARKER = 'F',
    FOOTER_BYTES = 20,
    FOOTER_NEVENTS_AT = 4,
    FOOTER_DIGEST_AT = 12,

    /* zstd frames may not ask for a window above 16 MiB (chunks are smaller) */
    ZSTD_WINDOW_LOG_MAX = 24,
};

static inline void put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void put_u64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_u32(const uint8_t *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
static inline uint64_t get_u64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Fill err (when non-NULL) and return cls. */
int tr_fail(tr_error *err, int cls, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
