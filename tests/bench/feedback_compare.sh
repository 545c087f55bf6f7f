#!/bin/sh
# tests/bench/feedback_compare.sh HARNESS SECONDS SEEDS MUTANT...: time to
# find each seeded bug with libFuzzer, code coverage only
# (GMPSIM_STATE_FEEDBACK=0) against code + scheduler-state counters
# (fuzz/common/state_feedback.h).  Each run starts from the committed
# corpus in a scratch folder, libFuzzer -seed=1..SEEDS, at most SECONDS.
# Prints one line per run: mutant, feedback, seed, found?, wall seconds,
# executions.  Issue 9 asks for 3 runs x 120 s; shorter budgets are a
# shortened comparison (say so when reporting).
set -u
h=$1 secs=$2 seeds=$3
shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
printf 'mutant\tfeedback\tseed\tfound\tseconds\texecs\n'
for m in "$@"; do
  for fb in 0 1; do
    s=1
    while [ "$s" -le "$seeds" ]; do
      rm -rf "$w/c" && mkdir "$w/c" && cp "$src/fuzz/sim_run/corpus/"* "$w/c/"
      t0=$(date +%s.%N)
      GMPSIM_MUTANT=$m GMPSIM_STATE_FEEDBACK=$fb "$h" -max_total_time="$secs" -seed="$s" -print_final_stats=1 \
        -artifact_prefix="$w/" "$w/c" > "$w/log" 2>&1
      rc=$?
      t1=$(date +%s.%N)
      n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$w/log" | grep -o '[0-9]*$')
      printf '%s\t%s\t%s\t%s\t%.1f\t%s\n' "$m" "$([ $fb = 1 ] && echo code+state || echo code)" "$s" \
        "$([ $rc -ne 0 ] && echo yes || echo no)" "$(echo "$t1 - $t0" | bc)" "${n:-?}"
      s=$((s + 1))
    done
  done
done
