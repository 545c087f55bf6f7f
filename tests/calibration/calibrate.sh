#!/bin/sh
# Measure gmpsim's cost model on real Go 1.19, on this machine.
#
#   tests/calibration/calibrate.sh [-n RUNS]
#
# Builds the probes against an instrumented copy of Go 1.19's runtime
# (patch_runtime.py writes it and an -overlay file into a temporary
# directory; Go's installation is not touched), then prints, for each
# figure, the number of samples and its p1 p10 p25 p50 p75 p90 p99 in ns:
#   - probe_costs (GOMAXPROCS=2), run 5 times: futex wake latency, thread
#     start, sysmon's usleep(20), procyield(30), osyield, syscall entry;
#   - probe_init and probe_init_noos, RUNS times each (default 300; one
#     sample per process): runtime.main's runtime_init and main_init, with
#     and without os among the imports, bgscavenge's scavenger.init, and
#     the start of the first two threads of a process (sysmon, then the M
#     that takes the P when main first blocks), slower than later ones.
# The figures, the machine and its load go into docs/simulator.md
# ("Costs") and sim/costs.def.  CI never runs this.
set -eu
GO=${GO:-/usr/lib/go-1.19/bin/go}
RUNS=300
[ "${1:-}" = -n ] && RUNS=$2
DIR=$(cd "$(dirname "$0")" && pwd)
case $("$GO" version) in
    "go version go1.19"*) ;;
    *) echo "calibrate.sh: need Go 1.19 at $GO" >&2; exit 2 ;;
esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
python3 "$DIR/patch_runtime.py" "$("$GO" env GOROOT)" "$TMP/rt"
export GOFLAGS= GOCACHE="$TMP/cache" GO111MODULE=off
for p in probe_costs probe_init probe_init_noos; do
    "$GO" build -overlay "$TMP/rt/overlay.json" -o "$TMP/$p" "$DIR/$p.go"
done
echo "# go=$("$GO" env GOVERSION) cpus=$(getconf _NPROCESSORS_ONLN) loadavg=$(cut -d' ' -f1-3 /proc/loadavg) date=$(date -u +%Y-%m-%dT%H:%MZ)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
: > "$TMP/samples"
for i in 1 2 3 4 5; do
    env -i GOMAXPROCS=2 GOGC=off "$TMP/probe_costs" -raw >> "$TMP/samples"
done
i=0
while [ $i -lt "$RUNS" ]; do
    env -i GOMAXPROCS=1 GOGC=off "$TMP/probe_init" | tr ' ' '\n' | sed 's/=/ /' >> "$TMP/samples"
    env -i GOMAXPROCS=1 GOGC=off "$TMP/probe_init_noos" | tr ' ' '\n' | sed 's/=/ /; s/^/noos_/' >> "$TMP/samples"
    i=$((i + 1))
done
sort -k1,1 -k2,2n "$TMP/samples" | awk '
    function flush() {
        if (n == 0) return
        printf "%-22s %6d", name, n
        split("1 10 25 50 75 90 99", q, " ")
        for (j = 1; j <= 7; j++) { k = int(q[j] / 100 * (n - 1)) + 1; printf "  p%s %8d", q[j], v[k] }
        printf "\n"
    }
    $1 != name { flush(); name = $1; n = 0 }
    { v[++n] = $2 }
    END { flush() }'
