#!/bin/sh
# tests/campaign/campaign.sh GMPSIM CASE: one end-to-end case of `gmpsim campaign`.
G=$1
PLUGIN=$3   # an invariant plugin (examples/invariants), for the plugin case
W=$(mktemp -d "${TMPDIR:-/tmp}/gmpsim-campaign.XXXXXX")
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# field FILE KEY: the value of "KEY: value" in FILE (the first)
field() { sed -n "s/^$2: //p" "$1" | head -n 1; }

case_crash_is_a_finding_with_a_working_reproducer() {
  "$G" campaign --runs 40 --jobs 2 --mutant test-crash-on-steal --out "$W/c" >"$W/out" 2>&1
  rc=$?; cat "$W/out"
  [ $rc = 3 ] || fail "exit $rc, wanted 3"
  grep -q "^campaign summary" "$W/out" || fail "no summary"
  grep -Eq "^  runs +40 " "$W/out" || fail "the campaign did not go on after the crash to all 40 runs"
  grep -Eq "^FAILURE crash SIGSEGV at .*: the process was killed by SIGSEGV" "$W/out" || fail "no crash FAILURE line"
  n=0
  for d in "$W"/c/findings/crash__SIGSEGV__*/; do
    [ -f "$d/finding.txt" ] || continue
    n=$((n + 1))
    r=$d$(field "$d/finding.txt" reproducer)
    [ "$(field "$r/result.txt" reproduced)" = "yes (crashed again)" ] || fail "$r: not reproduced"
    GMPSIM="$G" sh "$r/repro.sh" >/dev/null 2>&1; code=$?
    [ $code -ge 128 ] || fail "$r/repro.sh exited $code; a crash (signal) wanted"
  done
  [ $n -gt 0 ] || fail "no crash finding"
  grep -q '"crash": [1-9]' "$W/c/summary.json" || fail "summary.json does not count the crashes"
  # A clean run of the same campaign has none: the crashes are the mutant's.
  "$G" campaign --runs 40 --jobs 2 --out "$W/d" >"$W/out2" 2>&1
  grep -q "crash=" "$W/out2" && fail "crashes without the mutant"
  return 0
}

case_timeout_is_a_finding() {
  # Each run of long_spin.gmp lasts far longer than the supervisor's 20 ms
  # poll, so the 1 ms limit is seen whatever the machine's load.
  "$G" campaign --runs 12 --jobs 1 --run-timeout 1ms --scenario "$(dirname "$0")/long_spin.gmp" --out "$W/t" >"$W/out" 2>&1
  rc=$?; cat "$W/out"
  [ $rc = 3 ] || fail "exit $rc, wanted 3"
  grep -Eq "outcomes .*timeout=" "$W/out" || fail "no timeout outcome"
  grep -Eq "^  runs +12 " "$W/out" || fail "the campaign did not go on after a timeout"
  [ "$(field "$W/t/findings/timeout/finding.txt" outcome)" = timeout ] || fail "no timeout finding"
}

case_bad_out_is_exit_10_before_any_run() {
  "$G" campaign --runs 5 --out /dev/null/x >"$W/out" 2>&1; rc=$?; cat "$W/out"
  [ $rc = 10 ] || fail "exit $rc, wanted 10"
  grep -q "cannot write into --out /dev/null/x" "$W/out" || fail "no message"
  grep -q "runs" "$W/out" && fail "runs happened"
  : >"$W/file"
  "$G" campaign --runs 5 --out "$W/file" >/dev/null 2>&1; rc=$?
  [ $rc = 10 ] || fail "--out over a file: exit $rc, wanted 10"
  return 0
}

case_sigint_writes_the_summary() {
  for sig in INT TERM; do
    env --default-signal=INT "$G" campaign --seconds 60 --jobs 2 --mutant ready-skips-wakep --out "$W/s$sig" \
      >"$W/out" 2>&1 &
    pid=$!
    sleep 1; kill -$sig $pid; wait $pid; rc=$?; cat "$W/out"
    [ $rc = 3 ] || fail "SIG$sig: exit $rc, wanted 3 (the mutant's failures)"
    grep -q "^campaign summary (interrupted)" "$W/out" || fail "SIG$sig: no summary"
    grep -q "^FAILURE" "$W/out" || fail "SIG$sig: no findings reported"
    grep -q '"interrupted": true' "$W/s$sig/summary.json" || fail "SIG$sig: summary.json not written"
    grep -q "<testcase" "$W/s$sig/junit.xml" || fail "SIG$sig: junit.xml not written"
    sleep 0.2
    pgrep -P $pid >/dev/null && fail "SIG$sig: workers left running"
  done
  return 0
}

case_runs_repeat_across_job_counts() {
  "$G" campaign --runs 120 --jobs 1 --seed 7 --mutant ready-skips-wakep --out "$W/a" >"$W/a.out" 2>&1
  "$G" campaign --runs 120 --jobs 2 --seed 7 --mutant ready-skips-wakep --out "$W/b" >"$W/b.out" 2>&1
  cat "$W/a.out"
  # the totals and each signature's hits (the lines between "failures" and "first")
  a=$(sed -n '/^  runs /,/^  first /p' "$W/a.out" | grep -v '^  first' | sed 's/(.*//' | sort)
  b=$(sed -n '/^  runs /,/^  first /p' "$W/b.out" | grep -v '^  first' | sed 's/(.*//' | sort)
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "--jobs 1 and --jobs 2 differ: [$a] [$b]"
  [ "$(ls "$W/a/findings")" = "$(ls "$W/b/findings")" ] || fail "different signatures"
}

# The same seeded bug found by campaigns with different seeds is one
# signature: its hits add up, the smallest reproducer is kept.
case_two_campaigns_merge_into_one_signature() {
  "$G" campaign --runs 150 --seed 1 --mutant ready-skips-wakep --out "$W/m" >"$W/1.out" 2>&1
  "$G" campaign --runs 150 --seed 2 --mutant ready-skips-wakep --out "$W/m" >"$W/2.out" 2>&1
  cat "$W/1.out" "$W/2.out"
  hits() { sed -n "s/^    $2 *\([0-9]*\) hits.*/\1/p" "$1"; }
  both=0
  for d in "$W"/m/findings/*/; do
    s=$(basename "$d"); h1=$(hits "$W/1.out" "$s"); h2=$(hits "$W/2.out" "$s")
    total=$(field "$d/finding.txt" hits)
    [ "$total" = "$(( ${h1:-0} + ${h2:-0} ))" ] || fail "$s: $total hits in finding.txt, $h1 + $h2 in the campaigns"
    [ -n "$h1" ] && [ -n "$h2" ] && both=$((both + 1))
    # the reproducer is the smallest kept folder
    kept=$(field "$d/finding.txt" reproducer_events)
    for r in "$d"r-*/; do
      e=$(field "$r/result.txt" events)
      [ "$e" -ge "$kept" ] || fail "$s: $r has $e events, smaller than the reproducer's $kept"
    done
    [ "$(grep -c "^example: " "$d/finding.txt")" -le 3 ] || fail "$s: more than three examples"
  done
  [ $both -gt 0 ] || fail "no signature found by both campaigns"
  n=$(ls "$W/m/findings" | wc -l)
  [ "$(grep -c '"signature":' "$W/m/summary.json")" = "$n" ] || fail "summary.json lists a signature twice or misses one"
  [ "$(grep -c '<testcase ' "$W/m/junit.xml")" = "$n" ] || fail "junit.xml: not one test case per signature"
  grep -q '"schema": "gmpsim.campaign/1"' "$W/m/summary.json" || fail "no schema"
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$W/m/summary.json" 2>/dev/null || \
    { command -v python3 >/dev/null && fail "summary.json is not JSON"; }
  return 0
}

# "invariant X at event N": N is the invariant record's number in dump,
# in replay --at, in the reproducer's result.txt and in run's message.
case_one_event_numbering() {
  "$G" campaign --runs 60 --seed 3 --mutant ready-skips-wakep --out "$W/n" >"$W/out" 2>&1
  d=$(ls -d "$W"/n/findings/invariant__*/ | head -n 1); [ -n "$d" ] || fail "no invariant finding"
  r=$d$(field "$d/finding.txt" reproducer)
  n=$(field "$r/result.txt" event)
  inv=$(field "$r/result.txt" invariant)
  "$G" dump "$r/trace.gmt" | grep -q "^#$n .* invariant " || fail "dump: #$n is not the invariant record"
  "$G" replay "$r/trace.gmt" --at "$n" | head -n 1 | grep -q "^state after #$n .* invariant " || \
    fail "replay --at $n does not stop at the invariant record"
  "$G" replay "$r/trace.gmt" | grep -q "invariant $inv at event $n," || fail "replay does not name event $n"
  sed -n 's/^exec "[^"]*" //p' "$r/repro.sh" >/dev/null
  GMPSIM="$G" sh "$r/repro.sh" | grep -q "^invariant: $inv at event $n$" || fail "run does not say event $n"
}

# repro.sh runs the gmpsim that wrote it (no GMPSIM, no PATH), from any
# folder, with every plugin, even under an --out whose path needs quoting.
case_plugin_reproducer_reproduces() {
  P=$PLUGIN
  out="$W/it's a \$dir"
  "$G" campaign --runs 12 --jobs 1 --scenario builtin:preemption --plugin "$P" --out "$out" >"$W/out" 2>&1
  rc=$?; cat "$W/out"
  [ $rc = 3 ] || fail "exit $rc, wanted 3"
  n=0
  for d in "$out"/findings/invariant__runq-latency__*/; do
    [ -f "$d/finding.txt" ] || continue
    r=$d$(field "$d/finding.txt" reproducer)
    grep -q -- "--plugin '$P'" "$r/repro.sh" || fail "$r/repro.sh does not load the plugin"
    (cd / && env -u GMPSIM PATH=/nonexistent /bin/sh "$r/repro.sh") >"$W/re" 2>&1; code=$?
    [ $code = 3 ] && grep -q "^invariant: runq-latency at event $(field "$r/result.txt" event)$" "$W/re" || \
      { cat "$W/re"; fail "$r/repro.sh did not reproduce (exit $code)"; }
    n=$((n + 1))
  done
  [ $n -gt 0 ] || fail "no runq-latency finding"
  # GMPSIM still overrides the recorded path.
  r=$(ls -d "$out"/findings/*/r-*/ | head -n 1)
  GMPSIM=/bin/false sh "$r/repro.sh" >/dev/null 2>&1 && fail "GMPSIM did not override the recorded gmpsim"
  return 0
}

# One seeded bug, one signature: campaigns with different seeds file each of
# these mutants under the same single signature (the decision site is the
# bug's decision: the submission a work-conservation failure strands, the
# function that threw, the oracle's judged decision).  Not every mutant has
# one: a bug caught by two checks, or through two submission paths, has one
# signature per check or path (docs/findings.md).
case_one_signature_per_seeded_bug() {
  for m in ready-skips-wakep runqputslow-forgets-g globrunqget-takes-all runqgrab-greedy ready-puts-at-tail \
           gfput-spills-all close-wakes-fifo checkdead-miscounts runnext-no-inherit gosched-at-head; do
    for seed in 1 2; do
      "$G" campaign --runs 3000 --seed $seed --until-failure --mutant $m --out "$W/$m" >"$W/out" 2>&1
      [ $? = 3 ] || { cat "$W/out"; fail "$m, seed $seed: no failure found"; }
    done
    n=$(ls "$W/$m/findings" | wc -l)
    [ "$n" = 1 ] || { ls "$W/$m/findings"; fail "$m: $n signatures from two seeds, wanted one"; }
    [ "$(field "$W/$m/findings/"*/finding.txt hits)" -ge 2 ] || fail "$m: the two hits did not merge"
    echo "$m: $(ls "$W/$m/findings")"
  done
}

case_$2
