/* triage/load.c: a recorded run from its trace file (triage.h). */
#include "triage.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/conf.h"
#include "sim/plugin.h"
#include "sim/tracefile.h"
#include "traces/tfile.h"

static bool is_file(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A finding folder's kept reproducer: DIR/<the "reproducer:" line of
 * finding.txt>/trace.gmt (fuzz/campaign/findings.h). */
static bool finding_reproducer(const char *dir, char *path, size_t len) {
    char txt[4096], line[512];
    int n = snprintf(txt, sizeof txt, "%s/finding.txt", dir);
    FILE *f = n > 0 && (size_t)n < sizeof txt ? fopen(txt, "r") : NULL;
    bool found = false;
    while (f != NULL && !found && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "reproducer: ", 12) != 0)
            continue;
        line[strcspn(line, "\n")] = 0;
        n = snprintf(path, len, "%s/%s/trace.gmt", dir, line + 12);
        found = n > 0 && (size_t)n < len && strchr(line + 12, '/') == NULL && is_file(path);
    }
    if (f != NULL)
        fclose(f);
    return found;
}

/* DIR/trace.gmt, a finding's kept reproducer, or the first such below DIR
 * by sorted name, depth levels down at most. */
static bool find_trace(const char *dir, int depth, char *path, size_t len) {
    int n = snprintf(path, len, "%s/trace.gmt", dir);
    if (n > 0 && (size_t)n < len && is_file(path))
        return true;
    if (finding_reproducer(dir, path, len))
        return true;
    if (depth == 0)
        return false;
    DIR *d = opendir(dir);
    if (d == NULL)
        return false;
    enum { NAMES_MAX = 4096 };
    char **names = malloc(NAMES_MAX * sizeof *names);
    size_t k = 0;
    for (struct dirent *e; names != NULL && k < NAMES_MAX && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' && strstr(e->d_name, ".gmpsim-tmp.") == NULL)
            names[k++] = strdup(e->d_name);
    closedir(d);
    bool found = false;
    if (names != NULL)
        qsort(names, k, sizeof *names, by_name);
    for (size_t i = 0; i < k; i++) {
        char sub[4096];
        int m = names[i] != NULL ? snprintf(sub, sizeof sub, "%s/%s", dir, names[i]) : -1;
        if (!found && m > 0 && (size_t)m < sizeof sub && is_dir(sub))
            found = find_trace(sub, depth - 1, path, len);
        free(names[i]);
    }
    free(names);
    return found;
}

bool tg_resolve_trace(const char *arg, char *path, size_t len) {
    if (!is_dir(arg)) {
        snprintf(path, len, "%s", arg);
        return true;
    }
    if (find_trace(arg, 3, path, len))
        return true;
    fprintf(stderr, "gmpsim: %s: a folder without a trace.gmt (at most three levels down)\n", arg);
    return false;
}

static int collect_choices(tr_reader *rd, tg_recorded *r) {
    size_t cap = 1024;
    r->choices = malloc(cap * sizeof *r->choices);
    uint64_t seq;
    tr_event e;
    while (r->choices != NULL && tr_reader_next(rd, &seq, &e)) {
        r->events = seq + 1;
        if (e.kind != EV_CHOICE)
            continue;
        if (r->nchoices == cap) {
            choice_record *c = realloc(r->choices, 2 * cap * sizeof *c);
            if (c == NULL)
                break;
            r->choices = c;
            cap *= 2;
        }
        r->choices[r->nchoices++] = (choice_record){e.a[2], e.a[0], e.a[1]};
    }
    return r->choices != NULL && r->events == tr_reader_info(rd)->events ? EXIT_OK : EXIT_IO;
}

int tg_load(const char *cmd, const char *path, tg_recorded *r) {
    memset(r, 0, sizeof *r);
    tr_error err = {0};
    tr_reader *rd = tr_reader_open_path(path, TR_READ_STRICT, &err);
    if (rd == NULL) {
        fprintf(stderr, "gmpsim %s: %s: %s\n", cmd, path, err.msg);
        return tr_err_exit_code(err.cls);
    }
    char why[240] = "";
    int rc = sim_trace_sections(rd, &r->sc, &r->cfg, why, sizeof why);
    size_t plen = 0;
    const char *plug = rc == EXIT_OK ? tr_reader_section(rd, TR_SEC_PLUGINS, &plen) : NULL;
    char note[256] = "";
    if (plug != NULL)
        rc = sim_plugins_check(plug, plen, why, sizeof why, note, sizeof note);   /* a missing one: exit 12 */
    if (rc != EXIT_OK)
        fprintf(stderr, "gmpsim %s: %s: %s\n", cmd, path, why);
    else if ((rc = collect_choices(rd, r)) != EXIT_OK)
        fprintf(stderr, "gmpsim %s: %s: out of memory reading the draws\n", cmd, path);
    tr_reader_close(rd);
    if (rc != EXIT_OK)
        tg_recorded_free(r);
    return rc;
}

void tg_recorded_free(tg_recorded *r) {
    free(r->choices);
    r->choices = NULL;
    r->nchoices = 0;
}
