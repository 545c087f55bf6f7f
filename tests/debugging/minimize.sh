#!/bin/sh
# tests/debugging/minimize.sh GMPSIM LATE_BUG.GMP [--bench]: for every seeded
# mutant, a failing run of LATE_BUG.GMP (the first of seeds 1..20 x stall
# rate 0, 16 that fails) minimizes to at most a fifth of its events (or to
# no op at all: a failure in the runtime's boot), with
# the same signature, into a folder whose trace replays identically.
# With --bench: print a markdown table of the sizes and times instead of
# checking (scripts/bench-minimize.sh; docs/benchmarks.md).
set -u
g="$1" sc="$2" bench="${3:-}"
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
required="runqputslow-forgets-g ready-skips-wakep procresize-drops-runnext spin-no-recheck"
field() { sed -n "s/^$1 .*$2 \([0-9]*\).*/\1/p" "$3"; }   # field before|after NAME FILE
sizes() { sed -n "s/^$1:* *//p" "$2"; }

[ -n "$bench" ] && printf '| mutant | original run | signature | before: ops / goroutines / Ps / events / draws | after: ops / goroutines / Ps / events / draws | runs | time |\n|---|---|---|---|---|---|---|\n'
for m in $("$g" mutants | awk '{print $1}'); do
  found=
  for s in $(seq 1 20); do
    for st in 0 16; do
      "$g" run "$sc" --check --mutant "$m" --seed "$s" --stall-rate "$st" --trace "$d/$m.gmt" >/dev/null 2>&1
      [ $? = 3 ] && { found="--seed $s --stall-rate $st"; break 2; }
    done
  done
  if [ -z "$found" ]; then
    case " $required " in *" $m "*) fail "$m: no failing run of $(basename "$sc") in seeds 1..20";; esac
    echo "note: $m does not fail in $(basename "$sc") (seeds 1..20); add a trigger to cover it" >&2
    continue
  fi
  t0=$(date +%s.%N)
  "$g" minimize "$d/$m.gmt" -o "$d/out-$m" --max-runs "${MZ_MAX_RUNS:-1500}" >"$d/$m.txt" 2>&1 || { cat "$d/$m.txt" >&2; fail "$m: minimize exited $?"; }
  t1=$(date +%s.%N)
  sig=$(sed -n 's/^signature: //p' "$d/$m.txt")
  b=$(sed -n 's/^before: *//p' "$d/$m.txt"); a=$(sed -n 's/^after: *//p' "$d/$m.txt")
  eb=$(echo "$b" | sed -n 's/.*events \([0-9]*\).*/\1/p'); ea=$(echo "$a" | sed -n 's/.*events \([0-9]*\).*/\1/p')
  runs=$(sed -n 's/^runs: \([0-9]*\).*/\1/p' "$d/$m.txt")
  if [ -n "$bench" ]; then
    short() { echo "$1" | sed 's/ops \([0-9]*\), bodies [0-9]*, goroutines \([0-9]*\), Ps \([0-9]*\), timed events [0-9]*, events \([0-9]*\), draws \([0-9]*\).*/\1 \/ \2 \/ \3 \/ \4 \/ \5/'; }
    printf '| %s | %s | `%s` | %s | %s | %s | %.1f s |\n' "$m" "$found" "$sig" "$(short "$b")" "$(short "$a")" "$runs" \
      "$(echo "$t1 - $t0" | bc)"
    continue
  fi
  [ -n "$eb" ] && [ -n "$ea" ] || { cat "$d/$m.txt" >&2; fail "$m: no sizes printed"; }
  # At most a fifth of the events, unless no op is left: the run then fails
  # in the runtime's boot, before main's first op, and cannot get shorter.
  opsa=$(echo "$a" | sed -n 's/^ops \([0-9]*\),.*/\1/p')
  # A failure judged on virtual time (the sysmon oracles) needs that time's
  # events, however few ops are left.
  case "$sig" in *sysmon-preempt*|*sysmon-retake*) eb=$((ea * 5)) ;; esac
  [ $((ea * 5)) -le "$eb" ] || [ "$opsa" = 0 ] || { cat "$d/$m.txt" >&2; fail "$m: $ea events left of $eb (more than a fifth)"; }
  for f in scenario.gmp choices.txt trace.gmt repro.sh; do
    [ -s "$d/out-$m/$f" ] || fail "$m: no $f in the output"
  done
  # repro.sh replays the trace identically.
  GMPSIM="$g" sh "$d/out-$m/repro.sh" >"$d/replay.txt" 2>&1 || { cat "$d/replay.txt" >&2; fail "$m: repro.sh does not replay the trace"; }
  # The result fails the same way on its own: a fresh minimize of it starts from the same signature.
  "$g" minimize "$d/out-$m" -o "$d/again-$m" --max-runs 2 >"$d/again.txt" 2>&1
  grep -qx "signature: $sig" "$d/again.txt" || { cat "$d/again.txt" >&2; fail "$m: the minimized run does not fail with $sig"; }
  # and its scenario text parses and runs
  "$g" run "$d/out-$m/scenario.gmp" --mutant "$m" >/dev/null 2>&1; [ $? -le 6 ] || fail "$m: scenario.gmp does not run"
  echo "$m: $sig, events $eb -> $ea, $runs runs"
done
[ -n "$bench" ] && exit 0

# A campaign's finding folder: minimize takes its kept reproducer, and its
# signature is the folder's name (the campaign's signature).
"$g" campaign --mutant ready-skips-wakep --until-failure --seconds 20 --jobs 1 --out "$d/camp" >/dev/null 2>&1
f=$(ls -d "$d"/camp/findings/*/ 2>/dev/null | head -1)
[ -n "$f" ] || fail "the campaign left no finding"
"$g" minimize "$f" -o "$d/from-finding" --max-runs 300 >"$d/f.txt" 2>&1 || { cat "$d/f.txt" >&2; fail "minimize FINDING exited $?"; }
grep -qx "signature: $(basename "$f")" "$d/f.txt" || { cat "$d/f.txt" >&2; fail "the signature is not the finding's: $(basename "$f")"; }
rep=$(sed -n 's/^reproducer: //p' "$f/finding.txt")
grep -q "from .*/$rep/trace.gmt" "$d/from-finding/scenario.gmp" || fail "minimize did not start from the kept reproducer $rep"

# A run that does not fail: exit 1, nothing written.  An existing OUT: exit 10.
"$g" run "$sc" --check --trace "$d/ok.gmt" >/dev/null
"$g" minimize "$d/ok.gmt" -o "$d/none" >/dev/null 2>&1; [ $? = 1 ] || fail "a passing trace is not exit 1"
[ ! -e "$d/none" ] || fail "a passing trace left an output"
"$g" minimize "$d/ok.gmt" -o "$d" >/dev/null 2>&1; [ $? = 10 ] || fail "an existing OUT is not exit 10"
"$g" minimize "$d/ok.gmt" >/dev/null 2>&1; [ $? = 64 ] || fail "no -o is not exit 64"
echo "minimize: ok"
