#!/usr/bin/env bash
# fuzz/trace_reader/make_conf_seeds.sh GMPSIM CONF_EDIT DIR: the conf-*
# seeds of the trace_reader corpus: one small real run (a scenario and
# its configuration in the file, so the harness replays it) kept as it is,
# with settings edited into other valid values, and with each
# configuration key set just outside its range (sim/conf.def), which
# replay must reject.  The files are intact (checksums and footer right):
# only the settings are hostile.  Rerun after a change to the format or
# the key table; commit the result.
set -eu
G=$1 CE=$2 D=$3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
printf 'gomaxprocs 2\nchan c 0\nbody w {\n  send c\n}\nmain {\n  go w\n  recv c\n}\n' > "$W/s.gmp"
"$G" run "$W/s.gmp" --stall-rate 64 --preempt-rate 64 --jitter 1us --trace "$W/base.gmt" >/dev/null
rm -f "$D"/conf-*.gmpt
cp "$W/base.gmt" "$D/conf-valid.gmpt"
# valid edits: the recorded draws still drive the run, or stop fitting
"$CE" "$W/base.gmt" "$D/conf-seed.gmpt" seed=99
"$CE" "$W/base.gmt" "$D/conf-stall.gmpt" stall_rate=2
"$CE" "$W/base.gmt" "$D/conf-pct.gmpt" strategy=pct:3
"$CE" "$W/base.gmt" "$D/conf-check.gmpt" check=1 mutant=ready-skips-wakep
"$CE" "$W/base.gmt" "$D/conf-budget.gmpt" max_events=50
"$CE" "$W/base.gmt" "$D/conf-missing.gmpt" work_quantum_ns=
# one value outside each key's range (the keys from the trace itself)
"$G" dump "$W/base.gmt" | sed -n 's/^# section CONF: //p' | tr ' ' '\n' | cut -d= -f1 > "$W/keys"
while read -r k; do
  case $k in
    strategy) v=pct:17 ;;
    mutant) v=no-such-mutant ;;
    seed|max_schedules|max_events|bounded_wait) v=18446744073709551616 ;;
    check|fixed_costs) v=2 ;;
    *_ns|cost_*|max_stack_bytes|stack_bytes|procs|pct_steps|stall_rate|preempt_rate) v=0 ;;
    *) v=-1 ;;
  esac
  # keys whose range starts at 0: one above the largest value instead
  case $k in
    procs) v=1025 ;; jitter_ns) v=1000001 ;; vt_limit_ns) v=273600000000001 ;;
    stall_rate|preempt_rate) v=4294967296 ;;
  esac
  "$CE" "$W/base.gmt" "$D/conf-bad-$k.gmpt" "$k=$v"
done < "$W/keys"
"$CE" "$W/base.gmt" "$D/conf-bad-unknown-key.gmpt" bogus=1
ls "$D"/conf-*.gmpt | wc -l
