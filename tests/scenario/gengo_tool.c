/*
 * tests/scenario/gengo_tool.c: `gengo_tool IN.gmp OUT.go` writes the Go
 * translation of a scenario file, for the test that builds and runs the
 * translations with the real Go toolchain (go_examples.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/scenario.h"

static scenario sc;

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: gengo_tool IN.gmp OUT.go\n");
        return 64;
    }
    sc_error err;
    if (!sc_parse_file(argv[1], &sc, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", argv[1], err.line, err.col, err.msg);
        return 1;
    }
    size_t n = sc_gen_go(&sc, NULL, 0);
    char *buf = malloc(n + 1);
    FILE *f = fopen(argv[2], "w");
    if (buf == NULL || f == NULL) {
        fprintf(stderr, "gengo_tool: cannot write %s\n", argv[2]);
        return 1;
    }
    sc_gen_go(&sc, buf, n + 1);
    int ok = fwrite(buf, 1, n, f) == n;
    ok &= fclose(f) == 0;
    free(buf);
    return ok ? 0 : 1;
}
