#!/bin/sh
# scripts/bench-minimize.sh [BUILD_DIR]: minimize one failing run of
# tests/debugging/late_bug.gmp per seeded mutant, pinned to one core, and
# print a markdown table of the sizes before and after, the candidate runs
# and the wall time (docs/benchmarks.md, "Minimizing a failure").
set -eu
cd "$(dirname "$0")/.."
g="${1:-build/default}/cmd/gmpsim"
pin=; command -v taskset >/dev/null && pin="taskset -c 0"
export MZ_MAX_RUNS=5000
exec $pin sh tests/debugging/minimize.sh "$g" tests/debugging/late_bug.gmp --bench
