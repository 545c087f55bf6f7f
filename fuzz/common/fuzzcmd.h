/*
 * fuzz/common/fuzzcmd.h: `gmpsim fuzz` (fuzzcmd.c, docs/fuzzing.md).
 */
#ifndef GMP_FUZZ_FUZZCMD_H
#define GMP_FUZZ_FUZZCMD_H

#include "traces/flags.h"

extern const cf_command fz_fuzz_command;
int fz_cmd_fuzz(int argc, char **argv);

#endif
