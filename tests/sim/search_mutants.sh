#!/bin/sh
# tests/sim/search_mutants.sh GMPSIM DATA: every seeded mutant is found by
# `gmpsim search` within the budget stated here, by the invariant or oracle
# docs/mutants.md names; the printed reproduce command fails the same way;
# and the same scenario and budget without a mutant find nothing.
set -u
g="$1" data="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
# mutant  scenario  runs  invariant (an extended regex when two judges race)
table="
runqputslow-forgets-g       $data/search_overflow.gmp   20  runqputslow-batch
runqputslow-reverses        $data/search_overflow.gmp   20  runqputslow-batch
sysmon-never-retakes        $data/search_overflow.gmp   20  sysmon-retake
ready-skips-wakep           builtin:close_broadcast     60  work-conservation
spin-no-recheck             builtin:close_broadcast    300  work-conservation
close-wakes-fifo            builtin:close_broadcast     20  close-wake-order
procresize-drops-runnext    builtin:gomaxprocs_change   40  conservation
globrunqget-takes-all       builtin:spawn_storm         60  globrunqget-count
runqgrab-greedy             builtin:spawn_storm         20  runqgrab-half
ready-puts-at-tail          builtin:spawn_storm         20  runqput-runnext
gfput-spills-all            builtin:spawn_storm         40  gfree-thresholds
handoffp-ignores-local-work builtin:spawn_storm         20  handoffp-work
spinning-keeps-spinning     builtin:spawn_storm         20  runtime-throw
sysmon-never-preempts       builtin:spawn_storm         20  sysmon-preempt
runnext-no-inherit          builtin:spawn_storm         20  execute-slice
gosched-at-head             builtin:spawn_storm         20  gosched-tail
checkdead-miscounts         builtin:spawn_storm         20  runtime-throw
gfget-keeps-on-list         builtin:spawn_storm         20  conservation
runqgrab-ignores-cas        builtin:spawn_storm         80  (conservation|runqgrab-half)
"
# Every mutant `gmpsim mutants` lists has a row.
for m in $("$g" mutants | awk '{print $1}'); do
  echo "$table" | grep -q "^$m " || fail "$m has no row in search_mutants.sh"
done
echo "$table" | while read -r m sc runs inv; do
  [ -n "$m" ] || continue
  out=$("$g" search "$sc" --runs "$runs" --mutant "$m"); rc=$?
  [ $rc = 3 ] || fail "$m: not found in $runs runs of $sc (exit $rc): $out"
  echo "$out" | head -1 | grep -Eq "^found: invariant $inv after" || fail "$m: found by the wrong invariant: $out"
  repro=$(echo "$out" | sed -n 's/^reproduce: gmpsim //p')
  # shellcheck disable=SC2086
  "$g" $repro | grep -Eq "^invariant: $inv at event" || fail "$m: the reproduce command does not fail with $inv"
  echo "$m: $(echo "$out" | head -1 | sed 's/: [^:]*$//')"
done || exit 1
# No mutant: the same scenarios and the largest budget each got find nothing.
for row in "$data/search_overflow.gmp 20" "builtin:close_broadcast 300" "builtin:gomaxprocs_change 40" \
           "builtin:spawn_storm 80"; do
  set -- $row
  "$g" search "$1" --runs "$2" >/dev/null || fail "$1: a failure in $2 runs without a mutant"
done
echo "search: every mutant found, none without"
