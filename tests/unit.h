/*
 * tests/unit.h: the smallest test harness that states what it asserts.
 *
 * A test file defines TESTS as an X-macro list of test functions and
 * includes this header first (for the CHECK macros) and again last, after
 * defining TESTS, to get main():
 *
 *     #define TESTS(X) X(switch_preserves_callee_saved) X(deep_recursion)
 *     #include "unit.h"
 *
 * The binary runs one named test (`./t name`) or all of them.  CHECK
 * failures print the file, line and expression and exit 1.
 */
#ifndef GMP_TESTS_UNIT_H
#define GMP_TESTS_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                    \
    do {                                                                                  \
        long long va_ = (long long)(a), vb_ = (long long)(b);                             \
        if (va_ != vb_) {                                                                 \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n", __FILE__, \
                    __LINE__, #a, #b, va_, vb_);                                          \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

#define CHECK_STR(a, b)                                                                     \
    do {                                                                                    \
        const char *sa_ = (a), *sb_ = (b);                                                  \
        if (strcmp(sa_, sb_) != 0) {                                                        \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s\n  got:  %s\n  want: %s\n",  \
                    __FILE__, __LINE__, #a, #b, sa_, sb_);                                  \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

#endif /* GMP_TESTS_UNIT_H */

#if defined(TESTS) && !defined(GMP_TESTS_UNIT_MAIN)
#define GMP_TESTS_UNIT_MAIN
#define UNIT_DECL_(name) static void name(void);
#define UNIT_ROW_(name) {#name, name},
TESTS(UNIT_DECL_)

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } all[] = {TESTS(UNIT_ROW_)};
    size_t n = sizeof all / sizeof all[0];
    int ran = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], all[i].name) != 0)
            continue;
        all[i].fn();
        ran++;
        if (argc <= 1)
            printf("ok %s\n", all[i].name);
    }
    if (ran == 0) {
        fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(any)");
        return 2;
    }
    return 0;
}

#endif /* TESTS */
