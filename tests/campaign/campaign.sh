#!/bin/sh
# tests/campaign/campaign.sh GMPSIM CASE: one end-to-end case of `gmpsim campaign`.
G=$1
W=$(mktemp -d "${TMPDIR:-/tmp}/gmpsim-campaign.XXXXXX")
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# result FOLDER KEY: the value of "KEY: value" in FOLDER/result.txt
result() { sed -n "s/^$2: //p" "$1/result.txt"; }

case_crash_is_a_finding_with_a_working_reproducer() {
  "$G" campaign --runs 40 --jobs 2 --mutant test-crash-on-steal --out "$W/c" >"$W/out" 2>&1
  rc=$?; cat "$W/out"
  [ $rc = 3 ] || fail "exit $rc, wanted 3"
  grep -q "^campaign summary" "$W/out" || fail "no summary"
  grep -Eq "^  runs +40 " "$W/out" || fail "the campaign did not go on after the crash to all 40 runs"
  grep -Eq "^FAILURE .*: crash: the process was killed by SIGSEGV" "$W/out" || fail "no crash FAILURE line"
  n=0
  for f in "$W"/c/failures/*/; do
    [ "$(result "$f" outcome)" = crash ] || continue
    n=$((n + 1))
    [ "$(result "$f" reproduced)" = "yes (crashed again)" ] || fail "$f: not reproduced"
    GMPSIM="$G" sh "$f/repro.sh" >/dev/null 2>&1; r=$?
    [ $r -ge 128 ] || fail "$f/repro.sh exited $r; a crash (signal) wanted"
  done
  [ $n -gt 0 ] || fail "no crash finding"
  # A clean run of the same campaign has none: the crashes are the mutant's.
  "$G" campaign --runs 40 --jobs 2 --out "$W/d" >"$W/out2" 2>&1
  grep -q "crash=" "$W/out2" && fail "crashes without the mutant"
  return 0
}

case_timeout_is_a_finding() {
  "$G" campaign --runs 60 --jobs 1 --run-timeout 1ms --scenario builtin:spawn_storm --out "$W/t" >"$W/out" 2>&1
  rc=$?; cat "$W/out"
  [ $rc = 3 ] || fail "exit $rc, wanted 3"
  grep -Eq "outcomes .*timeout=" "$W/out" || fail "no timeout outcome"
  grep -Eq "^  runs +60 " "$W/out" || fail "the campaign did not go on after a timeout"
  grep -lq "^outcome: timeout" "$W"/t/failures/*/result.txt || fail "no timeout reproducer"
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
    sleep 0.2
    pgrep -P $pid >/dev/null && fail "SIG$sig: workers left running"
  done
  return 0
}

case_runs_repeat_across_job_counts() {
  "$G" campaign --runs 120 --jobs 1 --seed 7 --mutant ready-skips-wakep --out "$W/a" >"$W/a.out" 2>&1
  "$G" campaign --runs 120 --jobs 2 --seed 7 --mutant ready-skips-wakep --out "$W/b" >"$W/b.out" 2>&1
  cat "$W/a.out"
  a=$(grep -E "^  (outcomes|events|runs) " "$W/a.out" | sed 's/(.*//'); b=$(grep -E "^  (outcomes|events|runs) " "$W/b.out" | sed 's/(.*//')
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "--jobs 1 and --jobs 2 differ: [$a] [$b]"
  [ "$(ls "$W/a/failures")" = "$(ls "$W/b/failures")" ] || fail "different findings"
}

case_$2
