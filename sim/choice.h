/*
 * sim/choice.h: the one source of nondeterminism.
 *
 *   uint32_t choose(kind, n)  ->  a value in [0, n)   (n == 0 means 2^32)
 *
 * Every random or timing decision of a run goes through choose(), and
 * every draw with n != 1 is recorded as a CHOICE trace event, so the
 * recorded draws replay the run.  Producers:
 *
 *   PRNG    xoshiro256** seeded with splitmix64(seed); ranges are reduced
 *           with Lemire's multiply-shift with rejection (unbiased).
 *   BYTES   the fuzzer's input: 1 byte for n <= 256, 2 for n <= 65536,
 *           else 4 (little-endian), taken modulo n.  When the bytes run
 *           out every draw answers 0, the fixed default.
 *   REPLAY  the values of a recorded trace's CHOICE events, in order; a
 *           draw whose kind or n differs from the record is a divergence.
 *
 * Value 0 is always the "natural" answer (no stall, no preemption, the
 * lowest-numbered thread), so exhausted fuzz input degrades to the
 * driver's default behaviour.
 */
#ifndef GMP_SIM_CHOICE_H
#define GMP_SIM_CHOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum choice_kind {
    CH_TIE = 0,      /* which of several threads due at the same time runs */
    CH_STALL,        /* stall (OS-deschedule) the chosen thread? */
    CH_STALL_LEN,    /* for how long, in 10us units */
    CH_PREEMPT,      /* inject a preemption at this safe point / quantum? */
    CH_FASTRAND,     /* the runtime's fastrand() */
    CH_PRIO,         /* PCT: a new thread's priority */
    CH_PCT_CHANGE,   /* PCT: a priority change point (step index) */
    CH_JITTER,       /* extra virtual ns added to a step */
    CH_TIMING,       /* a cost real hardware varies (sim/costs.def), in per mille of its distribution */
    CH__COUNT
};

const char *choice_kind_name(unsigned kind);

enum choice_producer { CP_PRNG = 0, CP_BYTES, CP_REPLAY, CP_FUNC };

/* FUNC producer: a caller's function answers each draw (replay/ streams a
 * trace's recorded draws through it); an answer >= n is taken as 0. */
typedef uint32_t (*choice_fn)(void *ctx, unsigned kind, uint32_t n);

typedef struct choice_record {
    uint32_t kind, n, value;
} choice_record;

typedef struct choice_src {
    int producer;
    uint64_t s[4];                 /* PRNG state */
    const uint8_t *bytes;          /* BYTES input */
    size_t nbytes, pos;
    const choice_record *rec;      /* REPLAY records */
    size_t nrec, recpos;
    choice_fn fn;                  /* FUNC */
    void *fn_ctx;
    bool diverged;                 /* REPLAY: a draw did not match */
    size_t diverged_at;            /* index of the first mismatching draw */
    uint64_t draws;                /* draws made (n != 1) */
} choice_src;

void choice_init_prng(choice_src *c, uint64_t seed);
void choice_init_bytes(choice_src *c, const uint8_t *data, size_t len);
void choice_init_replay(choice_src *c, const choice_record *rec, size_t n);
void choice_init_fn(choice_src *c, choice_fn fn, void *ctx);

/* The raw draw, without recording.  n == 0 means the full 32-bit range. */
uint32_t choice_draw(choice_src *c, unsigned kind, uint32_t n);

/* splitmix64: also used to derive per-run seeds in campaigns. */
uint64_t splitmix64(uint64_t *state);

#endif
