#!/usr/bin/env bash
# scripts/test.sh: README's test command.  Installs what is missing, then
# builds and runs the whole ctest suite in three builds:
#   default  gcc -O2, assertions on
#   asan     clang-14, AddressSanitizer + UndefinedBehaviorSanitizer
#   o0       gcc -O0 (the cross-build determinism test compares its digests)
# and checks that every build's trace digests agree.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

build() {
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j"$jobs"
}

build default
ctest --preset default
build asan
ctest --preset asan
build o0
ctest --preset o0 -R 'determinism|runtime|sim'
scripts/cross-build-determinism.sh build/default build/o0 build/asan
echo "gmpsim: all tests passed"
