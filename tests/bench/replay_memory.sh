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
#   --check-determinism  two runs, the first kept in an unlinked file
# Figures are CPU seconds (user + system: the machine may be shared) and
# wall seconds.
set -euo pipefail
g=${1:-build/default/cmd/gmpsim}
loops=${2:-685000}
w=$(mktemp -d "${TMPDIR:-/tmp}/gmpbench-XXXXXX")
trap 'rm -rf "$w"' EXIT
# a loop counts to at most 100000: thousands of 1000
k=$(( (loops + 999) / 1000 ))
printf 'gomaxprocs 4\nchan c 8\nbody p {\n  loop %d { loop 1000 { send c; gosched } }\n}\nmain {\n  go p x4\n  loop 4 { loop %d { loop 1000 { recv c } } }\n}\n' \
  "$k" "$k" > "$w/long.gmp"
flags=(--vt-limit 0s --max-schedules 0 --stall-rate 64 --preempt-rate 8)

measure() {   # measure NAME CMD...: CPU and wall seconds, peak RSS
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$w/time" "$@" > "$w/out" 2>&1 || true
  read -r wall kb user sys < <(tail -1 "$w/time")   # GNU time puts "Command exited with ..." first
  secs=$(echo "$user + $sys" | bc -l)
  printf '%-18s %7.2f s CPU %7.2f s wall %7.1f MB peak RSS   %s\n' "$name" "$secs" "$wall" \
    "$(echo "$kb / 1024" | bc -l)" \
    "$(grep -E 'identical|deterministic|events:|digest' "$w/out" | tr '\n' ' ' | cut -c1-90 || true)"
  echo "$secs" > "$w/$name.secs"
}

echo "scenario: 4 senders x $((k * 1000)) sends + gosched, 4 Ps, ${flags[*]}"
measure run "$g" run "$w/long.gmp" "${flags[@]}"
measure run-trace "$g" run "$w/long.gmp" "${flags[@]}" --trace "$w/long.gmt"
"$g" dump "$w/long.gmt" | head -1 || true
measure replay "$g" replay "$w/long.gmt"
measure check-determinism "$g" run "$w/long.gmp" "${flags[@]}" --check-determinism
printf 'replay speed (CPU) vs run --trace: %.2fx; vs the plain run: %.2fx\n' \
  "$(echo "$(cat "$w/run-trace.secs") / $(cat "$w/replay.secs")" | bc -l)" \
  "$(echo "$(cat "$w/run.secs") / $(cat "$w/replay.secs")" | bc -l)"
