/*
 * traces/flags.h: the one command-line parser every gmpsim command uses.
 *
 * A command describes itself once, in a cf_command next to its code: its
 * name, its positional arguments, a summary and a table of cf_flag rows.
 * Each row drives parsing, the range check, `gmpsim CMD --help`,
 * `gmpsim help CMD` and the flag table in docs/cli.md (a test compares
 * them).  The convention, for every command:
 *
 *   --flag value and --flag=value; -h and --help; "--" ends the flags;
 *   flags and positional arguments in any order;
 *   numbers are unsigned decimal (or 0x hex), checked against the row's
 *   range: "-1" is rejected, never wrapped;
 *   durations are digits, an optional fraction and a unit (ns us ms s m h),
 *   e.g. 250us, 1.5ms, 0s: the one syntax of flags and scenarios;
 *   an unknown flag gets "did you mean --seed?" when one is close.
 *
 * Ownership: tables are static const data; parsing writes only into the
 * caller's options struct.  Nothing here allocates.
 */
#ifndef GMP_TRACES_FLAGS_H
#define GMP_TRACES_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum cf_type {
    CF_BOOL,      /* --flag: stores true into a bool */
    CF_UINT,      /* unsigned integer within range, times scale, into an integer member */
    CF_DURATION,  /* "1.5ms": nanoseconds within range, into an integer member */
    CF_STRING,    /* any text: stores the const char * */
    CF_FUNC,      /* the row's set() parses and stores the value */
} cf_type;

/* An inclusive range; durations are in ns.  Rows may point at a range
 * owned elsewhere (sim/'s configuration key table) so a flag and the key
 * it sets share one range. */
typedef struct cf_range {
    uint64_t min, max;
} cf_range;

typedef struct cf_flag {
    const char *name;         /* without the leading "--" */
    cf_type type;
    const char *metavar;      /* "N", "FILE", "D"; NULL for CF_BOOL */
    const char *help;         /* one line, no trailing period */
    const char *def;          /* the default as a person reads it, or NULL */
    size_t offset;            /* CF_AT: where the value goes in the options struct */
    size_t size;
    bool is_signed;
    const cf_range *range;    /* of the stored value (after scale); NULL: the member's whole range */
    const char *conf_key;     /* the trace configuration key it sets (sim/conf.def), named in errors */
    uint64_t scale;           /* CF_UINT: stored = value * scale (0 means 1), e.g. KiB */
    bool (*set)(void *opts, const char *value, char *why, size_t why_len);  /* CF_FUNC */
    bool repeat;              /* may be given more than once */
    const char *example;      /* a valid value (CF_STRING, CF_FUNC): for tests and docs */
} cf_flag;

#define CF_IS_SIGNED_(x) _Generic((x), signed char: 1, short: 1, int: 1, long: 1, long long: 1, default: 0)
/* .offset/.size/.is_signed of member m (may be nested: cfg.rt.gomaxprocs) of type T. */
#define CF_AT(T, m) .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), .is_signed = CF_IS_SIGNED_(((T *)0)->m)

enum { CF_POS_MAX = 8 };

typedef struct cf_command {
    const char *name;         /* "run" */
    const char *args;         /* positional synopsis, "SCENARIO", or "" */
    int min_args, max_args;   /* how many positional arguments */
    const char *summary;      /* one line for `gmpsim help` */
    const char *about;        /* a paragraph for --help, or NULL */
    const cf_flag *flags;
    size_t nflags;
} cf_command;

#define CF_NFLAGS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct cf_parsed {
    const char *pos[CF_POS_MAX];   /* positional arguments, in order */
    int npos;
} cf_parsed;

/* cf_parse's results: CF_HELP means help went to out (exit 0); CF_USAGE
 * means a message went to err (exit 64, sim/sim.h's EXIT_USAGE). */
enum { CF_OK = 0, CF_HELP = -1, CF_USAGE = 64 };

static inline int cf_exit_code(int rc) { return rc == CF_HELP ? 0 : rc; }

/* Parse argv[0..argc) (the arguments after the command name) into opts
 * (the struct the rows' CF_AT offsets point into) and p. */
int cf_parse(const cf_command *c, int argc, char *const *argv, void *opts, cf_parsed *p, FILE *out, FILE *err);

/* Take the flags of table c out of argv wherever they are (before "--"),
 * storing them into opts; the rest stays in order.  For flags every
 * command accepts (cmd/'s --plugin). */
int cf_take(const cf_command *c, int *argc, char **argv, void *opts, FILE *err);

/* Flags every command accepts (shown in each --help, suggested, and
 * documented); cmd/ registers its table once at start. */
void cf_set_common(const cf_command *common);

/* `--help` text, and the Markdown flag table docs/cli.md embeds. */
void cf_help(const cf_command *c, FILE *out);
void cf_markdown(const cf_command *c, FILE *out);
void cf_flag_line(const cf_flag *f, FILE *out);   /* one row as --help shows it */

/* The candidate closest to word (edit distance <= 2, or word a prefix of
 * it), or NULL. */
const char *cf_suggest(const char *word, const char *const *cands, size_t n);

/* Value parsers, shared with callers that take numbers from elsewhere:
 * false with a reason in why when s is not a number within r. */
bool cf_parse_uint(const char *s, const cf_range *r, uint64_t *v, char *why, size_t why_len);
bool cf_parse_duration(const char *s, const cf_range *r, uint64_t *ns, char *why, size_t why_len);

/* The duration syntax itself (sim/scenario's sc_duration_parse is this):
 * s[0..len) into *out, at most max_ns; NULL, or why it is not a duration,
 * a phrase to put after the text ("needs a unit: ns, us, ms, s, m or h";
 * "is longer than the limit"). */
const char *cf_duration_parse(const char *s, size_t len, int64_t max_ns, int64_t *out);

/* "1.5ms" for 1500000, "76h", "0s": exact, and read back by the parser. */
void cf_format_duration(uint64_t ns, char *buf, size_t len);

/* A table's rows are well formed: names unique, ranges fit their
 * members, metavars where needed.  False with the reason (for tests). */
bool cf_check_command(const cf_command *c, char *why, size_t why_len);

#endif
