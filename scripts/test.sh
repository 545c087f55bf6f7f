#!/usr/bin/env bash
# scripts/test.sh: README's test command.  Installs what is missing, then
# builds and runs the whole ctest suite in three builds:
#   default  gcc -O2, assertions on
#   asan     clang-14, AddressSanitizer + UndefinedBehaviorSanitizer
#   o0       gcc -O0 (the cross-build determinism test compares its digests)
# checks that every build's trace digests agree, and smoke-tests the
# libFuzzer harnesses (clang, ASan+UBSan), including finding a seeded bug.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

# ctest, and under CI (the CI environment variable set) a failure if any
# test was skipped or did not run.
run_ctest() {
  local log
  log=$(mktemp)
  ctest "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  if [[ -n "${CI:-}" ]] && grep -Eq '\*\*\*Skipped|Not Run|tests did not run' "$log"; then
    echo "gmpsim: CI: tests were skipped:" >&2
    grep -E '\*\*\*Skipped|Not Run' "$log" >&2
    rc=1
  fi
  rm -f "$log"
  return "$rc"
}

build() {
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j"$jobs"
}

build default
run_ctest --preset default -j"$jobs"
build asan
run_ctest --preset asan -j"$jobs"
build o0
run_ctest --preset o0 -j"$jobs" -R 'determinism|runtime|sim'
scripts/cross-build-determinism.sh build/default build/o0 build/asan
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs" --target fuzz_scenario_text fuzz_scenario_bin fuzz_trace_reader fuzz_sim_run
tests/fuzz/smoke.sh build/fuzz
echo "gmpsim: all tests passed"
