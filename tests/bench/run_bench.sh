#!/usr/bin/env bash
# tests/bench/run_bench.sh: every benchmark, side by side with its
# baselines in one run, on this machine.  Prints figures and ratios; never
# fails on timing.  Builds the `bench` preset (-O2, assertions off).
#   - context switch: gmp_swap vs boost.context jump_fcontext vs swapcontext
#   - runtime: Gosched, spawn+exit, unbuffered channel round trip and bytes
#     per blocked goroutine, tracing off and on, vs real Go 1.19 (GOMAXPROCS=1)
#   - trace: bytes per Gosched on disk, bytes per event (traces/ bench)
# Install the optional baselines with: scripts/deps.sh --bench
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000000}
cmake --preset bench >/dev/null
cmake --build --preset bench -j"$(nproc)" >/dev/null
b=build/bench/tests

echo "== context switch"
"$b/bench_switch" "$n"

echo
echo "== runtime (gmpsim, host ns per operation)"
"$b/bench_runtime" "$n" | tee /tmp/gmpsim-bench-runtime.txt

echo
echo "== simulator: scheduling decisions per second"
"$b/bench_sim"

go=/usr/lib/go-1.19/bin/go
if [[ -x $go ]]; then
  echo
  echo "== real Go 1.19, GOMAXPROCS=1, same workloads"
  tmp=$(mktemp -d)
  cp tests/bench/go/main.go "$tmp/main.go"
  (cd "$tmp" && GOFLAGS=-mod=mod GO111MODULE=off "$go" build -o gobench main.go)
  GOMAXPROCS=1 "$tmp/gobench" -n "$n" -trace | tee /tmp/gmpsim-bench-go.txt
  rm -rf "$tmp"
  echo
  echo "== ratios (gmpsim / Go; goal <= 1.0 tracing off, <= 1.5 tracing on, memory <= 2.0)"
  awk '
    FNR == NR { if ($1 ~ /^go_/) go[$1] = $2; next }
    $1 == "gosched" || $1 == "spawn_exit" || $1 == "chan_rtt" {
      g = go["go_" $1]
      if (g > 0) printf "  %-12s off %.2fx   on %.2fx\n", $1, $2 / g, $3 / g
    }
    $1 == "blocked_mem" { if (go["go_blocked_mem"] > 0) printf "  %-12s %.2fx (%s vs %s bytes)\n", $1, $2 / go["go_blocked_mem"], $2, go["go_blocked_mem"] }
  ' /tmp/gmpsim-bench-go.txt /tmp/gmpsim-bench-runtime.txt
else
  echo "(real Go 1.19 not installed: scripts/deps.sh --bench)"
fi

if [[ -x "$b/traces/bench_trace" ]]; then
  echo
  echo "== trace recording and files"
  "$b/traces/bench_trace"
fi
