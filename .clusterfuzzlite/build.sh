#!/bin/bash -eu
# .clusterfuzzlite/build.sh: build every libFuzzer target of fuzz/ the
# OSS-Fuzz way.  Reads $CC, $CFLAGS (the sanitizer and coverage flags),
# $LIB_FUZZING_ENGINE, $SRC, $WORK and $OUT; writes into $OUT each target
# fuzz_NAME with fuzz_NAME.dict, fuzz_NAME.options and
# fuzz_NAME_seed_corpus.zip (its committed corpus).
# $GMPSIM_SRC overrides the source folder ($SRC/gmpsim): the ctest
# fuzz.clusterfuzzlite_build_sh_builds_and_runs_every_target runs this
# script without Docker.
src=${GMPSIM_SRC:-$SRC/gmpsim}
targets="sim_run scenario_bin scenario_text trace_reader"
cmake -S "$src" -B "$WORK/gmpsim-build" -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_ASM_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
  -DGMP_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DGMP_BENCH=OFF
cmake --build "$WORK/gmpsim-build" -j"$(nproc)" $(for t in $targets; do printf -- '--target fuzz_%s ' "$t"; done)
for t in $targets; do
  cp "$WORK/gmpsim-build/fuzz/$t/fuzz_$t" "$src/fuzz/$t/fuzz_$t.dict" "$src/fuzz/$t/fuzz_$t.options" "$OUT/"
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  (cd "$src/fuzz/$t/corpus" && zip -q -r "$OUT/fuzz_${t}_seed_corpus.zip" .)
done
