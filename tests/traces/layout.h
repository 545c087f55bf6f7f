/*
 * tests/traces/layout.h: the trace file layout of docs/trace-format.md, as
 * the tests and the fuzz corpus generator see it: offsets, and the helpers
 * that patch a file and re-seal its checksums to build precise damage.
 * Written from the document, not from traces/tfile_format.h, so the tests
 * pin the document too.
 */
#ifndef GMP_TESTS_TRACES_LAYOUT_H
#define GMP_TESTS_TRACES_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

enum {
    LAYOUT_HEADER_FIXED = 12, /* magic[8] version:u16 nsections:u16 */
    LAYOUT_CHUNK_HEAD = 24,   /* marker codec reserved:u16 nevents:u32 first_seq:u64 raw_len:u32 stored_len:u32 */
    LAYOUT_FOOTER = 20,       /* marker reserved[3] nevents:u64 digest:u64 */
};

uint32_t layout_rd32(const uint8_t *p);
void layout_wr32(uint8_t *p, uint32_t v);

/* Byte offset of the first chunk (just after the header checksum). */
size_t layout_header_end(const uint8_t *b);

/* at[0..n) get the offsets of the chunks and at[n] the footer's; returns
 * n (at most max chunks are listed). */
size_t layout_chunks(const uint8_t *b, size_t len, size_t *at, size_t max);

/* Recompute the checksum of the chunk at `at`, or of the header. */
void layout_reseal_chunk(uint8_t *b, size_t at);
void layout_reseal_header(uint8_t *b);

/* Recompute every checksum whose extent fits in b[0..len): the header's,
 * then each chunk's while chunks follow.  Lets a fuzzer's mutations reach
 * the decoder behind the checksums.  Never touches bytes past len. */
void layout_reseal_all(uint8_t *b, size_t len);

#endif
