#!/bin/sh
# tests/fuzz/cfl_build.sh SRC_DIR WORK_DIR: .clusterfuzzlite/build.sh run
# without Docker, with the variables OSS-Fuzz exports (clang, ASan + UBSan,
# libFuzzer), then every target it put in $OUT runs its
# seed corpus with its .options (max_len) and .dict.  WORK_DIR (under the
# build folder) keeps the build between runs.
set -eu
src=$1 work=$2
mkdir -p "$work/out" "$work/work" "$work/src"
export CC=${CFL_CC:-clang-14} CXX=${CFL_CXX:-clang++-14}
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer SRC="$work/src" WORK="$work/work" OUT="$work/out" GMPSIM_SRC="$src"
bash "$src/.clusterfuzzlite/build.sh" > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
n=0
for bin in "$OUT"/fuzz_*; do
  case "$bin" in *.dict|*.options|*.zip) continue;; esac
  t=$(basename "$bin")
  for f in "$t.dict" "$t.options" "${t}_seed_corpus.zip"; do
    [ -s "$OUT/$f" ] || { echo "cfl: $f missing from \$OUT"; exit 1; }
  done
  max_len=$(sed -n 's/^max_len *= *//p' "$OUT/$t.options")
  rm -rf "$work/seeds-$t" && mkdir -p "$work/seeds-$t"
  (cd "$work/seeds-$t" && unzip -q "$OUT/${t}_seed_corpus.zip")
  (cd "$work" && "$bin" -runs=50 -max_total_time=15 -max_len="$max_len" -dict="$OUT/$t.dict" -artifact_prefix="$work/$t-" \
      "$work/seeds-$t" > "$work/$t.log" 2>&1) || { echo "cfl: $t failed"; tail -20 "$work/$t.log"; exit 1; }
  echo "cfl: $t ran its seeds and 50 inputs (max_len $max_len)"
  n=$((n + 1))
done
[ "$n" = 4 ] || { echo "cfl: $n targets in \$OUT, want 4"; exit 1; }
