/*
 * fuzz/common/replay_main.c: a main() for harnesses outside libFuzzer.
 *
 *   replay_NAME FILE|DIR ...   run every file (a directory: every file in
 *                              it, sorted by name) through the harness
 *   replay_NAME                read one input from stdin (AFL++)
 *
 * Built with GMP_AFL_PERSISTENT under afl-clang-fast, stdin mode uses
 * AFL++'s persistent loop so one process runs many inputs.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { REPLAY_INPUT_MAX = 1 << 20 };

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    uint8_t *buf = malloc(REPLAY_INPUT_MAX);
    size_t n = buf ? fread(buf, 1, REPLAY_INPUT_MAX, f) : 0;
    fclose(f);
    if (buf == NULL)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int run_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL)
        return run_file(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc |= run_file(names[i]);
        free(names[i]);
    }
    free(names);
    printf("replayed %zu inputs from %s\n", n, dir);
    return rc;
}

#ifdef GMP_AFL_PERSISTENT
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv) {
    if (argc > 1) {
        int rc = 0;
        for (int i = 1; i < argc; i++)
            rc |= run_dir(argv[i]);
        return rc;
    }
#ifdef GMP_AFL_PERSISTENT
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000)) {
        int len = __AFL_FUZZ_TESTCASE_LEN;
        LLVMFuzzerTestOneInput(buf, (size_t)len);
    }
    return 0;
#else
    uint8_t *buf = malloc(REPLAY_INPUT_MAX);
    size_t n = buf ? fread(buf, 1, REPLAY_INPUT_MAX, stdin) : 0;
    if (buf != NULL)
        LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
#endif
}
