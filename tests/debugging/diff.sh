#!/bin/sh
# tests/debugging/diff.sh GMPSIM SCENARIO: gmpsim diff on real traces.
#  - a trace against itself: identical, exit 0;
#  - two seeds: exit 1, and the first difference it names is the first
#    line where the two `gmpsim dump` listings differ with times removed
#    (computed here independently), with the configuration line that
#    differs (the seed);
#  - a run with ready-skips-wakep against the same run without: the first
#    difference is the wakep the mutant skips (a wakep_decline only in A);
#  - --json: alike + only-in-A = A's events, and the same for B.
set -u
g="$1" sc="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
"$g" run "$sc" --check --seed 1 --trace "$d/a.gmt" >/dev/null
"$g" run "$sc" --check --seed 2 --trace "$d/b.gmt" >/dev/null

"$g" diff "$d/a.gmt" "$d/a.gmt" >"$d/o" 2>&1; [ $? = 0 ] || fail "a trace against itself: exit $?"
grep -q "^identical" "$d/o" || fail "a trace against itself is not identical"

"$g" diff "$d/a.gmt" "$d/b.gmt" >"$d/o" 2>&1; rc=$?
[ $rc = 1 ] || { cat "$d/o" >&2; fail "two seeds: exit $rc, want 1"; }
grep -q "^  A seed=1$" "$d/o" && grep -q "^  B seed=2$" "$d/o" || fail "the seed is not named as the configuration that differs"
got=$(sed -n 's/^first difference at event \([0-9]*\) .*/\1/p' "$d/o")
# the first line where the listings differ, times aside (dump: "#N t=T rest")
"$g" dump "$d/a.gmt" | grep '^#[0-9]' | sed 's/ t=[0-9]*//' >"$d/la"
"$g" dump "$d/b.gmt" | grep '^#[0-9]' | sed 's/ t=[0-9]*//' >"$d/lb"
want=$(cmp "$d/la" "$d/lb" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p')
[ -n "$want" ] || fail "the two seeds' listings do not differ"
[ "$got" = $((want - 1)) ] || fail "first difference at event $got; the listings part at event $((want - 1))"

"$g" run "$sc" --check --seed 1 --stall-rate 16 --trace "$d/c.gmt" >/dev/null
"$g" run "$sc" --check --seed 1 --stall-rate 16 --mutant ready-skips-wakep --trace "$d/m.gmt" >/dev/null
"$g" diff "$d/c.gmt" "$d/m.gmt" >"$d/o" 2>&1
grep -q "^  B mutant=ready-skips-wakep$" "$d/o" || fail "the mutant is not named"
sed -n '/^ A:$/,/^ B:$/p' "$d/o" | grep -q "^  > #[0-9]* .* wakep_decline" \
  || { cat "$d/o" >&2; fail "the mutant's first difference is not the wakep it skips"; }

"$g" diff "$d/a.gmt" "$d/b.gmt" --json >"$d/j"; [ $? = 1 ] || fail "--json: exit code differs from the text form"
python3 - "$d/j" <<'PY' || fail "--json: the alignment does not account for every event"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "gmpsim.diff/1" and not d["identical"]
for s in ("a", "b"):
    assert d["alike"] + d[s]["only"] == d[s]["events"], (s, d["alike"], d[s])
assert sum(k["only_a"] for k in d["kinds"]) == d["a"]["only"]
assert d["config_a"] == ["seed=1"] and d["config_b"] == ["seed=2"]
PY
"$g" diff "$d/a.gmt" "$d/none.gmt" >/dev/null 2>&1; [ $? = 10 ] || fail "a missing trace is not exit 10"
echo "diff: ok"
