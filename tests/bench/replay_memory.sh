#!/usr/bin/env bash
# tests/bench/replay_memory.sh [GMPSIM] [LOOPS]: replay and
# --check-determinism of one long trace, with their time and peak memory
# (issue 13: a 100M-event replay under 256 MB).  LOOPS sets the length:
# 685000 (the default) gives about 100M events.  Prints figures; never
# fails on timing.  Needs GNU time (/usr/bin/time).  Writes the trace
# (about 2 bytes an event) under ${TMPDIR:-/tmp} and removes it.
#
#   run          the plain run (no trace file)
#   run --trace  the run that records the trace
#   replay       the re-run compared with the file as both stream
#   --check-determinism  two runs, the first kept compressed in memory
set -euo pipefail
g=${1:-build/default/cmd/gmpsim}
loops=${2:-685000}
w=$(mktemp -d "${TMPDIR:-/tmp}/gmpbench-XXXXXX")
trap 'rm -rf "$w"' EXIT
printf 'gomaxprocs 4\nchan c 8\nbody p {\n  loop %d { send c; gosched }\n}\nmain {\n  go p x4\n  loop 4 { loop %d { recv c } }\n}\n' \
  "$loops" "$loops" > "$w/long.gmp"
flags=(--vt-limit 0s --stall-rate 64 --preempt-rate 8)

measure() {   # measure NAME CMD...: wall seconds and peak RSS
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$w/time" "$@" > "$w/out" 2>&1 || true
  read -r secs kb < "$w/time"
  printf '%-22s %8.2f s  %8.1f MB peak RSS   %s\n' "$name" "$secs" "$(echo "$kb / 1024" | bc -l)" \
    "$(grep -E 'identical|deterministic|events:|digest' "$w/out" | tr '\n' ' ' | cut -c1-90 || true)"
  echo "$secs" > "$w/$name.secs"
}

echo "scenario: 4 senders x $loops sends + gosched, 4 Ps, ${flags[*]}"
measure run "$g" run "$w/long.gmp" "${flags[@]}"
measure run-trace "$g" run "$w/long.gmp" "${flags[@]}" --trace "$w/long.gmt"
"$g" dump "$w/long.gmt" | head -1 || true
measure replay "$g" replay "$w/long.gmt"
measure check-determinism "$g" run "$w/long.gmp" "${flags[@]}" --check-determinism
printf 'replay speed vs run --trace: %.2fx; vs the plain run: %.2fx\n' \
  "$(echo "$(cat "$w/run-trace.secs") / $(cat "$w/replay.secs")" | bc -l)" \
  "$(echo "$(cat "$w/run.secs") / $(cat "$w/replay.secs")" | bc -l)"
