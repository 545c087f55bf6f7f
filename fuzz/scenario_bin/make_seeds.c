/*
 * fuzz/scenario_bin/make_seeds.c: the seed corpora of both scenario
 * harnesses, from the examples (run by the `scenario_corpus` target).
 *
 *   make_seeds EXAMPLES_DIR TEXT_CORPUS BIN_CORPUS
 *
 * For each EXAMPLES_DIR/NAME.gmp: TEXT_CORPUS/NAME.gmp is a copy, and
 * BIN_CORPUS/NAME.bin the binary form of the example with its numbers
 * clamped into the binary bounds (sc_fit_binary).  Output is a function of
 * the examples only, so regenerating changes nothing unless they change.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

static scenario sc;
static uint8_t bin[SCB_MAX_BYTES];

static int write_file(const char *dir, const char *name, const char *ext, const void *data,
                      size_t len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* One example: its text seed and its binary seed. */
static int seed_example(const char *examples, const char *file, const char *text_dir,
                        const char *bin_dir) {
    char path[1024], name[256];
    snprintf(path, sizeof path, "%s/%s", examples, file);
    snprintf(name, sizeof name, "%.*s", (int)(strlen(file) - 4), file);
    sc_error err;
    if (!sc_parse_file(path, &sc, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", path, err.line, err.col, err.msg);
        return 1;
    }
    size_t need = sc_format(&sc, NULL, 0);
    FILE *f = fopen(path, "rb");
    char *text = malloc(1 << 20);
    size_t len = f != NULL && text != NULL ? fread(text, 1, 1 << 20, f) : 0;
    if (f != NULL)
        fclose(f);
    int rc = need == 0 || write_file(text_dir, name, ".gmp", text, len);
    free(text);
    const char *why = sc_fit_binary(&sc);
    if (why != NULL) {
        fprintf(stderr, "make_seeds: %s does not fit the binary form: %s\n", name, why);
        return 1;
    }
    size_t n = sc_encode(&sc, bin, sizeof bin);
    return rc | (n == 0) | write_file(bin_dir, name, ".bin", bin, n);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: make_seeds EXAMPLES_DIR TEXT_CORPUS BIN_CORPUS\n");
        return 64;
    }
    DIR *d = opendir(argv[1]);
    if (d == NULL)
        return 1;
    char *files[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".gmp") == 0)
            files[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(files, n, sizeof *files, cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= seed_example(argv[1], files[i], argv[2], argv[3]);
        free(files[i]);
    }
    /* The empty input: the smallest scenario. */
    rc |= write_file(argv[3], "empty", ".bin", "", 0);
    printf("make_seeds: %zu examples\n", n);
    return rc;
}
