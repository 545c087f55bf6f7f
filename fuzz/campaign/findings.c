/* fuzz/campaign/findings.c: see findings.h. */
#include "findings.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "traces/json.h"

enum { PATH_LEN = 1400, META_TEXT = 512, META_MAX_BYTES = 16384 };

/* "a/b" into buf; false (and an empty buf) when it does not fit. */
static bool join(char *buf, size_t len, const char *a, const char *b) {
    int n = snprintf(buf, len, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = 0;
        return false;
    }
    return true;
}

/* ---- signatures ---- */

static size_t put_field(char *buf, size_t len, size_t o, const char *s) {
    if (o > 0 && o + 2 < len) {
        buf[o++] = '_';
        buf[o++] = '_';
    }
    for (; *s && o + 1 < len; s++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '.' || ch == '-';
        buf[o++] = ok ? ch : '-';
    }
    buf[o] = 0;
    return o;
}

void fnd_signature(char *buf, size_t len, const char *outcome, const char *detail, const char *kind,
                   const char *fn) {
    size_t o = 0;
    buf[0] = 0;
    o = put_field(buf, len, o, outcome);
    if (detail != NULL && *detail)
        o = put_field(buf, len, o, detail);
    if (kind != NULL && fn != NULL) {
        o = put_field(buf, len, o, kind);
        put_field(buf, len, o, fn);
    }
    if (buf[0] == '.')   /* never "." or ".." or a hidden name */
        buf[0] = '-';
}

/* ---- finding.txt ---- */

typedef struct meta {
    char signature[FND_SIG_LEN], outcome[64], detail[128], site[128], message[META_TEXT];
    char first_seen[32], last_seen[32], reproducer[80];
    char examples[FND_EXAMPLES][80];
    int nexamples;
    uint64_t hits, events;
} meta;

static void copy_value(char *dst, size_t len, const char *v, size_t n) {
    if (n >= len)
        n = len - 1;
    memcpy(dst, v, n);
    dst[n] = 0;
}

static void parse_line(meta *m, const char *line, size_t n) {
    const char *colon = memchr(line, ':', n);
    if (colon == NULL || colon + 1 >= line + n || colon[1] != ' ')
        return;
    size_t klen = (size_t)(colon - line);
    const char *v = colon + 2;
    size_t vlen = n - klen - 2;
#define KEY(k) (klen == sizeof k - 1 && memcmp(line, k, klen) == 0)
#define TEXT(k, f) else if (KEY(k)) copy_value(m->f, sizeof m->f, v, vlen)
    if (KEY("hits"))
        m->hits = strtoull(v, NULL, 10);
    else if (KEY("reproducer_events"))
        m->events = strtoull(v, NULL, 10);
    TEXT("signature", signature);
    TEXT("outcome", outcome);
    TEXT("detail", detail);
    TEXT("site", site);
    TEXT("message", message);
    TEXT("first_seen", first_seen);
    TEXT("last_seen", last_seen);
    TEXT("reproducer", reproducer);
    else if (KEY("example") && m->nexamples < FND_EXAMPLES)
        copy_value(m->examples[m->nexamples++], sizeof m->examples[0], v, vlen);
#undef KEY
#undef TEXT
}

/* Read sigdir/finding.txt into *m; false if there is none (a new finding). */
static bool read_meta(const char *sigdir, meta *m) {
    memset(m, 0, sizeof *m);
    char path[PATH_LEN];
    if (!join(path, sizeof path, sigdir, "finding.txt"))
        return false;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    static char buf[META_MAX_BYTES];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    for (const char *p = buf, *end = buf + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        parse_line(m, p, len);
        p += len + 1;
    }
    return m->hits > 0;
}

/* One line of text with no newline in it. */
static void put_kv(FILE *f, const char *k, const char *v) {
    fprintf(f, "%s: ", k);
    for (; *v; v++)
        fputc(*v == '\n' || *v == '\r' ? ' ' : *v, f);
    fputc('\n', f);
}

static int write_meta(const char *sigdir, const meta *m) {
    char path[PATH_LEN];
    if (!join(path, sizeof path, sigdir, "finding.txt"))
        return ENAMETOOLONG;
    af_file af;
    int e = af_open(&af, path);
    if (e != 0)
        return e;
    put_kv(af.f, "signature", m->signature);
    put_kv(af.f, "outcome", m->outcome);
    put_kv(af.f, "detail", m->detail);
    put_kv(af.f, "site", m->site);
    put_kv(af.f, "message", m->message);
    fprintf(af.f, "hits: %" PRIu64 "\n", m->hits);
    put_kv(af.f, "first_seen", m->first_seen);
    put_kv(af.f, "last_seen", m->last_seen);
    put_kv(af.f, "reproducer", m->reproducer);
    fprintf(af.f, "reproducer_events: %" PRIu64 "\n", m->events);
    for (int i = 0; i < m->nexamples; i++)
        put_kv(af.f, "example", m->examples[i]);
    return af_commit(&af);
}

/* ---- folders ---- */

static void make_dirs(const char *path) {
    char buf[PATH_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0777);
            *p = '/';
        }
    mkdir(buf, 0777);
}

/* Remove a reproducer folder (regular files only, one level). */
static void remove_folder(const char *path) {
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    int fd = dirfd(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(fd, e->d_name, 0);
    closedir(d);
    rmdir(path);
}

static void now_utc(char *buf, size_t len) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* An exclusive lock on DIR/findings/.lock, held until close. */
static int lock_dir(const char *dir) {
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/findings/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0)
        flock(fd, LOCK_EX);
    return fd;
}

/* What a writer killed with -9 left: temporaries in findings/ and in each
 * signature's folder (af_sweep_stale removes those of dead processes). */
static void sweep(const char *findings) {
    af_sweep_stale(findings);
    DIR *d = opendir(findings);
    if (d == NULL)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        char sub[PATH_LEN];
        if (e->d_name[0] != '.' && join(sub, sizeof sub, findings, e->d_name)) {
            af_sweep_stale(sub);
            rmdir(sub);   /* a signature folder left empty (killed before its first file) */
        }
    }
    closedir(d);
}

int fnd_prepare(const char *dir) {
    char path[PATH_LEN], probe[PATH_LEN + 16];
    snprintf(path, sizeof path, "%s/findings", dir);
    make_dirs(path);
    struct stat st;
    if (stat(path, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    snprintf(probe, sizeof probe, "%s/.probe", path);
    int e = af_write_file(probe, "", 0);
    if (e == 0)
        unlink(probe);
    sweep(path);
    return e;
}

/* Write the reproducer r-<tag> with the caller's fill().  0 when written
 * (or already there from the same run), else an error. */
static int write_repro(const char *sigdir, const fnd_case *c, char *name, size_t name_len) {
    char path[PATH_LEN];
    char tag[64];
    fnd_signature(tag, sizeof tag, c->tag, NULL, NULL, NULL);
    snprintf(name, name_len, "r-%s", tag);
    if (!join(path, sizeof path, sigdir, name))
        return ENAMETOOLONG;
    af_dir d;
    int e = af_dir_open(&d, path);
    if (e != 0)
        return e;
    if (!c->fill(c->ctx, &d)) {
        af_dir_abort(&d);
        return EIO;
    }
    return af_dir_commit(&d);
}

static bool is_example(const meta *m, const char *name) {
    for (int i = 0; i < m->nexamples; i++)
        if (strcmp(m->examples[i], name) == 0)
            return true;
    return false;
}

static void set_text(char *dst, size_t len, const char *s) {
    s = s ? s : "";
    copy_value(dst, len, s, strlen(s));
}

static void take_reproducer(meta *m, const fnd_case *c, const char *name) {
    set_text(m->reproducer, sizeof m->reproducer, name);
    set_text(m->message, sizeof m->message, c->message);
    m->events = c->events;
}

int fnd_record(const char *dir, const fnd_case *c, fnd_verdict *v) {
    memset(v, 0, sizeof *v);
    char sigdir[PATH_LEN];
    snprintf(sigdir, sizeof sigdir, "%s/findings/%s", dir, c->signature);
    int lock = lock_dir(dir);
    mkdir(sigdir, 0777);
    meta m;
    v->is_new = !read_meta(sigdir, &m);
    if (v->is_new) {
        set_text(m.signature, sizeof m.signature, c->signature);
        set_text(m.outcome, sizeof m.outcome, c->outcome);
        set_text(m.detail, sizeof m.detail, c->detail);
        set_text(m.site, sizeof m.site, c->site);
        now_utc(m.first_seen, sizeof m.first_seen);
    }
    bool smaller = m.reproducer[0] == 0 || (c->events > 0 && (m.events == 0 || c->events < m.events));
    char old[80], name[80];
    set_text(old, sizeof old, m.reproducer);
    int e = 0;
    if (smaller || m.nexamples < FND_EXAMPLES) {
        e = write_repro(sigdir, c, name, sizeof name);
        if (e == 0 || e == EEXIST) {
            if (m.nexamples < FND_EXAMPLES && !is_example(&m, name))
                set_text(m.examples[m.nexamples++], sizeof m.examples[0], name);
            if (smaller && strcmp(old, name) != 0) {
                take_reproducer(&m, c, name);
                v->replaced = true;
            }
            e = 0;
        }
    }
    m.hits++;
    now_utc(m.last_seen, sizeof m.last_seen);
    int we = write_meta(sigdir, &m);
    if (we == 0 && v->replaced && old[0] && !is_example(&m, old)) {   /* the larger one goes */
        char path[PATH_LEN];
        if (join(path, sizeof path, sigdir, old))
            remove_folder(path);
    }
    v->hits = m.hits;
    set_text(v->reproducer, sizeof v->reproducer, m.reproducer);
    if (lock >= 0)
        close(lock);
    return e != 0 ? e : we;
}

/* ---- summary.json and junit.xml ---- */

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int not_hidden(const struct dirent *e) { return e->d_name[0] != '.'; }

static void xml_text(FILE *f, const char *s) {
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '<')
            fputs("&lt;", f);
        else if (ch == '>')
            fputs("&gt;", f);
        else if (ch == '&')
            fputs("&amp;", f);
        else if (ch == '"')
            fputs("&quot;", f);
        else if (ch < 0x20 || ch >= 0x7f)
            fputc('?', f);   /* XML 1.0 forbids most control bytes; keep it ASCII */
        else
            fputc(ch, f);
    }
}

static void json_finding(js_writer *w, const meta *m) {
    char path[FND_SIG_LEN + 100];
    js_object(w);
    js_kstr(w, "signature", m->signature);
    js_kstr(w, "outcome", m->outcome);
    js_kstr(w, "detail", m->detail[0] ? m->detail : NULL);
    js_kstr(w, "site", m->site[0] ? m->site : NULL);
    js_kstr(w, "message", m->message);
    js_kuint(w, "hits", m->hits);
    js_kstr(w, "first_seen", m->first_seen);
    js_kstr(w, "last_seen", m->last_seen);
    snprintf(path, sizeof path, "findings/%s/%s", m->signature, m->reproducer);
    js_kstr(w, "reproducer", path);
    js_kuint(w, "reproducer_events", m->events);
    js_key(w, "examples");
    js_array(w);
    for (int i = 0; i < m->nexamples; i++) {
        snprintf(path, sizeof path, "findings/%s/%s", m->signature, m->examples[i]);
        js_str(w, path);
    }
    js_array_end(w);
    js_object_end(w);
}

static void json_campaign(js_writer *w, const fnd_campaign *c) {
    js_key(w, "campaign");
    js_object(w);
    js_kstr(w, "command", c->command);
    js_kuint(w, "seed", c->seed);
    js_kuint(w, "runs", c->runs);
    js_kuint(w, "jobs", c->jobs);
    js_key(w, "seconds");
    js_fixed(w, c->seconds, 3);
    js_kuint(w, "checks", c->checks);
    js_kuint(w, "events", c->events);
    js_kuint(w, "failures", c->failures);
    js_kstr(w, "mutant", c->mutant);
    js_kbool(w, "interrupted", c->interrupted);
    js_kint(w, "exit_code", c->exit_code);
    js_key(w, "outcomes");
    js_object(w);
    for (int i = 0; i < c->noutcomes; i++)
        if (c->outcome_counts[i] > 0)
            js_kuint(w, c->outcome_names[i], c->outcome_counts[i]);
    js_object_end(w);
    js_object_end(w);
}

/* The gmpsim.campaign/1 document (docs/json.md): pretty for the file, one
 * line for --json. */
static void json_summary(FILE *f, bool pretty, const fnd_campaign *c, const meta *ms, int nm) {
    js_writer w;
    js_init(&w, f, pretty);
    js_object(&w);
    js_schema(&w, "campaign", 1);
    json_campaign(&w, c);
    js_key(&w, "findings");
    js_array(&w);
    for (int i = 0; i < nm; i++)
        json_finding(&w, &ms[i]);
    js_array_end(&w);
    js_object_end(&w);
    js_finish(&w);
}

static void junit_case(FILE *f, const meta *m) {
    fputs("  <testcase classname=\"gmpsim.findings\" name=\"", f);
    xml_text(f, m->signature);
    fputs("\">\n    <failure type=\"", f);
    xml_text(f, m->outcome);
    fputs("\" message=\"", f);
    xml_text(f, m->message);
    fprintf(f, "\">hits: %" PRIu64 "\nreproducer: findings/", m->hits);
    xml_text(f, m->signature);
    fputc('/', f);
    xml_text(f, m->reproducer);
    fputs("/repro.sh\n</failure>\n  </testcase>\n", f);
}

int fnd_summary(const char *dir, const fnd_campaign *c) {
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/findings", dir);
    struct dirent **names = NULL;
    int n = scandir(path, &names, not_hidden, by_name);
    if (n < 0)
        n = 0;
    meta *ms = calloc((size_t)n + 1, sizeof *ms);
    int nm = 0;
    for (int i = 0; i < n; i++) {
        char sigdir[PATH_LEN + 256];
        snprintf(sigdir, sizeof sigdir, "%s/%s", path, names[i]->d_name);
        if (ms != NULL && read_meta(sigdir, &ms[nm]))
            nm++;
        free(names[i]);
    }
    free(names);
    if (ms == NULL)
        return ENOMEM;
    af_file af;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    int e = af_open(&af, path);
    if (e == 0) {
        json_summary(af.f, true, c, ms, nm);
        e = af_commit(&af);
    }
    if (c->json_out != NULL)
        json_summary(c->json_out, false, c, ms, nm);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    int e2 = af_open(&af, path);
    if (e2 == 0) {
        fprintf(af.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuite name=\"gmpsim %s\" tests=\"%d\" failures=\"%d\">\n",
                c->command, nm, nm);
        for (int i = 0; i < nm; i++)
            junit_case(af.f, &ms[i]);
        fputs("</testsuite>\n", af.f);
        e2 = af_commit(&af);
    }
    free(ms);
    return e != 0 ? e : e2;
}
