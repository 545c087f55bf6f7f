#!/usr/bin/env bash
# tests/fuzz/smoke.sh BUILD_DIR: the libFuzzer harnesses, briefly.
#   1. each harness runs 5 s from its committed corpus without a crash;
#   2. fuzz_sim_run finds a seeded scheduler bug (ready-skips-wakep) and
#      saves the input, within 120 s.
set -euo pipefail
b=${1:?usage: smoke.sh BUILD_DIR (the fuzz preset)}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Whatever a harness saves (crash-, leak-, slow-unit- files) goes under the
# build folder, never into the working directory.
art="$b/fuzz-artifacts"
mkdir -p "$art"
for h in scenario_text scenario_bin trace_reader sim_run; do
  mkdir -p "$work/$h"
  cp "$src/fuzz/$h/corpus/"* "$work/$h/"
  "$b/fuzz/$h/fuzz_$h" -max_total_time=5 -print_final_stats=1 -artifact_prefix="$art/$h-" "$work/$h" > "$work/$h.log" 2>&1 ||
    { echo "fuzz smoke: $h crashed:"; tail -20 "$work/$h.log"; exit 1; }
  echo "fuzz smoke: $h ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$h.log" | grep -o '[0-9]*$') runs)"
done
mkdir -p "$work/hunt"
cp "$src/fuzz/sim_run/corpus/"* "$work/hunt/"
start=$(date +%s)
if GMPSIM_MUTANT=ready-skips-wakep "$b/fuzz/sim_run/fuzz_sim_run" -max_total_time=120 \
     -artifact_prefix="$art/hunt-" "$work/hunt" > "$work/hunt.log" 2>&1; then
  echo "fuzz smoke: the seeded bug ready-skips-wakep was NOT found in 120 s"; exit 1
fi
grep -q "gmpsim fuzz: invariant" "$work/hunt.log" || { tail -20 "$work/hunt.log"; exit 1; }
echo "fuzz smoke: ready-skips-wakep found in $(( $(date +%s) - start )) s: $(grep -m1 'gmpsim fuzz' "$work/hunt.log")"
# 3. `gmpsim fuzz` runs the harness, finds the seeded bug and files a finding
#    whose trace replays (docs/fuzzing.md).
g=${GMPSIM:-$src/build/default/cmd/gmpsim}
out="$art/gmpsim-fuzz"
rm -rf "$out"
rc=0
"$g" fuzz --engine libfuzzer --seconds 20 --mutant ready-skips-wakep --out "$out" \
  --harness "$b/fuzz/sim_run/fuzz_sim_run" > "$work/gfuzz.log" 2>&1 || rc=$?
[ $rc = 3 ] || { echo "fuzz smoke: gmpsim fuzz exited $rc, not 3"; tail -20 "$work/gfuzz.log"; exit 1; }
t=$(find "$out/findings" -name trace.gmt | head -1)
[ -n "$t" ] || { echo "fuzz smoke: gmpsim fuzz filed no finding with a trace"; exit 1; }
"$g" replay "$t" | grep -q '^identical' || { echo "fuzz smoke: $t does not replay"; exit 1; }
echo "fuzz smoke: gmpsim fuzz filed $(ls "$out/findings" | tr '\n' ' ')and its trace replays"
