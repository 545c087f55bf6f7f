#!/bin/sh
# tests/debugging/explain.sh GMPSIM SCENARIO: gmpsim explain on mutant traces.
#  - ready-skips-wakep (work conservation): the stranded G is named, the
#    event that queued it is a runqput of that G (checked against dump),
#    no wakeup followed it (the mutant's missing wakep), at least one P was
#    idle, and every M of the run has a line saying why it did not run it;
#  - procresize-drops-runnext (conservation): the G the message names, the
#    runqput into runnext that put it where it was lost, and the procresize
#    after it;
#  - a run that did not fail: exit 1.
set -u
g="$1" sc="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
# failing MUTANT OUT: record the first failing run of seeds 1..20 x stall 0, 16
failing() {
  for s in $(seq 1 20); do
    for st in 0 16; do
      "$g" run "$sc" --check --seed "$s" --stall-rate "$st" --mutant "$1" --trace "$2" >/dev/null 2>&1
      [ $? = 3 ] && return 0
    done
  done
  fail "$1: no failing run of $(basename "$sc") in seeds 1..20"
}

failing ready-skips-wakep "$d/w.gmt"
"$g" explain "$d/w.gmt" >"$d/o" 2>&1 || { cat "$d/o" >&2; fail "explain failed on a ready-skips-wakep trace"; }
grep -q "^failure: invariant work-conservation at event #" "$d/o" || { cat "$d/o" >&2; fail "no work-conservation failure line"; }
gid=$(sed -n 's/^stranded: G\([0-9]*\),.*/\1/p' "$d/o")
[ -n "$gid" ] || { cat "$d/o" >&2; fail "no stranded G"; }
q=$(sed -n 's/^  queued by *#\([0-9]*\) .*/\1/p' "$d/o")
"$g" dump "$d/w.gmt" --from "$q" --to "$q" | grep -q "^#$q .* runqput g=$gid " || fail "#$q is not the runqput of G$gid"
grep -q "^  none: no wakep" "$d/o" || { cat "$d/o" >&2; fail "a wakeup is shown after the queueing, but the mutant skips it"; }
grep -q "^Ps idle at the violation: P" "$d/o" || fail "no idle P named"
grep -q "^in the timeline: .*#event=$q&search=G$gid&lanes=g$" "$d/o" || fail "no timeline link to the queueing of G$gid"
for m in $("$g" dump "$d/w.gmt" | sed -n 's/^#[0-9]* t=[0-9]* M\([0-9]*\) .*/\1/p' | sort -un); do
  grep -q "^  M$m: " "$d/o" || { cat "$d/o" >&2; fail "M$m has no line"; }
done

failing procresize-drops-runnext "$d/p.gmt"
"$g" explain "$d/p.gmt" >"$d/o" 2>&1 || { cat "$d/o" >&2; fail "explain failed on a procresize-drops-runnext trace"; }
gid=$(sed -n 's/^failure: invariant conservation at event #[0-9]*: G\([0-9]*\) .*/\1/p' "$d/o")
[ -n "$gid" ] || { cat "$d/o" >&2; fail "no conservation failure naming a G"; }
grep -q "^reads: each G's status" "$d/o" || fail "the state conservation reads is not named"
sed -n "/^the last events of G$gid:/,/^since then/p" "$d/o" | grep -q "runqput g=$gid .*next=1" \
  || { cat "$d/o" >&2; fail "the runqput of G$gid into runnext is not in its last events"; }
sed -n '/^since then/,$p' "$d/o" | grep -q " procresize old=" || { cat "$d/o" >&2; fail "no procresize after it"; }

"$g" run "$sc" --check --trace "$d/ok.gmt" >/dev/null
"$g" explain "$d/ok.gmt" >/dev/null 2>&1; [ $? = 1 ] || fail "a run that did not fail is not exit 1"
echo "explain: ok (stranded G in the work-conservation case, lost G in the conservation case)"
