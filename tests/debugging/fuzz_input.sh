#!/bin/sh
# tests/debugging/fuzz_input.sh GMPSIM REPLAY_SIM_RUN CORPUS: a fuzz/sim_run
# input runs under `gmpsim run --fuzz-input` as under the harness itself
# (same finding, same message, same event), its trace replays, and
# `gmpsim fmt-input` prints a .gmp that parses and runs.
set -u
g="$1" harness="$2" corpus="$3"
fail() { echo "FAIL: $*" >&2; exit 1; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT

# Every corpus input: the harness's verdict (abort or not) and gmpsim's agree,
# with and without a seeded bug; a finding's message and event match too.
found=0
for m in none ready-skips-wakep; do
  for f in "$corpus"/*; do
    GMPSIM_MUTANT=$m "$harness" "$f" >/dev/null 2>"$d/h"; hrc=$?
    GMPSIM_MUTANT=$m "$g" run --fuzz-input "$f" --trace "$d/t.gmt" >"$d/o" 2>&1; grc=$?
    if [ $hrc -ne 0 ]; then
      [ $grc = 3 ] || [ $grc = 4 ] || fail "$f ($m): the harness aborts, gmpsim exits $grc"
      grep -q "^harness: a finding" "$d/o" || fail "$f ($m): gmpsim does not call it a finding"
      msg=$(sed -n 's/^gmpsim fuzz: [a-z]*: \(.*\) (event \([0-9]*\))$/\1/p' "$d/h")
      ev=$(sed -n 's/^gmpsim fuzz: .* (event \([0-9]*\))$/\1/p' "$d/h")
      [ -n "$msg" ] || fail "$f ($m): no message from the harness"
      grep -qF "$msg" "$d/o" || fail "$f ($m): gmpsim's outcome differs from the harness's: $msg"
      grep -q "at event $ev\$" "$d/o" || fail "$f ($m): not at the harness's event $ev"
      "$g" replay "$d/t.gmt" | grep -q '^identical' || fail "$f ($m): its trace does not replay"
      found=$((found + 1))
    else
      grep -q "^harness: not a finding" "$d/o" || fail "$f ($m): the harness passes it, gmpsim: $(cat "$d/o")"
    fi
    # the fmt-input form parses and runs (exit 0..6: any outcome, never
    # rejected); once per input (it does not depend on the mutant)
    [ "$m" = none ] || continue
    "$g" fmt-input "$f" >"$d/s.gmp" || fail "fmt-input $f"
    "$g" run "$d/s.gmp" --check --mutant "$m" --vt-limit 2s >/dev/null 2>&1
    rc=$?; [ $rc -le 6 ] || fail "the fmt-input form of $f does not run (exit $rc)"
  done
done
[ $found -ge 1 ] || fail "no corpus input is a finding under ready-skips-wakep (the test needs one)"

# --mutant overrides GMPSIM_MUTANT; a SCENARIO and --fuzz-input together are a usage error
f=$(ls "$corpus"/* | head -1)
GMPSIM_MUTANT=no-such "$g" run --fuzz-input "$f" --mutant ready-skips-wakep >/dev/null 2>&1
"$g" run builtin:pingpong --fuzz-input "$f" >/dev/null 2>&1; [ $? = 64 ] || fail "SCENARIO with --fuzz-input is not exit 64"
"$g" run --fuzz-input "$d/absent" >/dev/null 2>&1; [ $? = 10 ] || fail "a missing input is not exit 10"
echo "fuzz-input: ok ($found findings agree)"
