/* sim/choice.c: the choice source's producers. */
#include "choice.h"

#include <string.h>

static const char *const kind_names[CH__COUNT] = {
    [CH_TIE] = "tie",         [CH_STALL] = "stall",         [CH_STALL_LEN] = "stall_len",
    [CH_PREEMPT] = "preempt", [CH_FASTRAND] = "fastrand",   [CH_PRIO] = "prio",
    [CH_PCT_CHANGE] = "pct_change", [CH_JITTER] = "jitter",
    [CH_TIMING] = "timing",
};

const char *choice_kind_name(unsigned kind) { return kind < CH__COUNT ? kind_names[kind] : "?"; }

uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman and Vigna, 2018). */
static uint64_t xoshiro_next(uint64_t s[4]) {
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void choice_init_prng(choice_src *c, uint64_t seed) {
    memset(c, 0, sizeof *c);
    c->producer = CP_PRNG;
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        c->s[i] = splitmix64(&st);
}

void choice_init_bytes(choice_src *c, const uint8_t *data, size_t len) {
    memset(c, 0, sizeof *c);
    c->producer = CP_BYTES;
    c->bytes = data;
    c->nbytes = len;
}

void choice_init_replay(choice_src *c, const choice_record *rec, size_t n) {
    memset(c, 0, sizeof *c);
    c->producer = CP_REPLAY;
    c->rec = rec;
    c->nrec = n;
}

void choice_init_fn(choice_src *c, choice_fn fn, void *ctx) {
    memset(c, 0, sizeof *c);
    c->producer = CP_FUNC;
    c->fn = fn;
    c->fn_ctx = ctx;
}

static uint32_t fn_range(choice_src *c, unsigned kind, uint32_t n) {
    uint32_t v = c->fn(c->fn_ctx, kind, n);
    return n != 0 && v >= n ? 0 : v;
}

/* Unbiased [0, n) from 32-bit draws (Lemire 2019). */
static uint32_t prng_range(choice_src *c, uint32_t n) {
    uint32_t x = (uint32_t)(xoshiro_next(c->s) >> 32);
    if (n == 0)
        return x;
    uint64_t mm = (uint64_t)x * n;
    uint32_t l = (uint32_t)mm;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            x = (uint32_t)(xoshiro_next(c->s) >> 32);
            mm = (uint64_t)x * n;
            l = (uint32_t)mm;
        }
    }
    return (uint32_t)(mm >> 32);
}

static uint32_t bytes_range(choice_src *c, uint32_t n) {
    size_t need = (n != 0 && n <= 256) ? 1 : (n != 0 && n <= 65536) ? 2 : 4;
    if (c->pos + need > c->nbytes) {
        c->pos = c->nbytes;
        return 0;   /* input exhausted: the fixed default */
    }
    uint32_t v = 0;
    for (size_t i = 0; i < need; i++)
        v |= (uint32_t)c->bytes[c->pos + i] << (8 * i);
    c->pos += need;
    return n == 0 ? v : v % n;
}

static uint32_t replay_range(choice_src *c, unsigned kind, uint32_t n) {
    if (c->recpos >= c->nrec) {
        if (!c->diverged) {
            c->diverged = true;
            c->diverged_at = c->recpos;
        }
        return 0;
    }
    const choice_record *r = &c->rec[c->recpos];
    if (r->kind != kind || r->n != n || (n != 0 && r->value >= n)) {
        if (!c->diverged) {
            c->diverged = true;
            c->diverged_at = c->recpos;
        }
        c->recpos++;
        return 0;
    }
    c->recpos++;
    return r->value;
}

uint32_t choice_draw(choice_src *c, unsigned kind, uint32_t n) {
    if (n == 1)
        return 0;
    c->draws++;
    switch (c->producer) {
    case CP_BYTES: return bytes_range(c, n);
    case CP_REPLAY: return replay_range(c, kind, n);
    case CP_FUNC: return fn_range(c, kind, n);
    default: return prng_range(c, n);
    }
}
