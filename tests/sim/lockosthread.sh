#!/bin/sh
# tests/sim/lockosthread.sh GMPSIM SCENARIO: the lockosthread ops have Go's
# locked-M semantics.  Under --check, over seeds and OS stalls, every run
# ends ok with the marks in order, and the locked goroutine's block and
# wakeup go through stoplockedm/startlockedm beyond runtime.main's own two
# rounds (so at least 3 of each).
set -u
g=$1 sc=$2
for s in 1 2 3 4 5 6 7 8; do
  for st in 0 16; do
    out=$("$g" run "$sc" --check --seed "$s" --stall-rate "$st") || { echo "seed $s stall $st: exit $?"; echo "$out"; exit 1; }
    echo "$out" | grep -q '^marks: woken end$' || { echo "seed $s stall $st: wrong marks"; echo "$out"; exit 1; }
    for k in stoplockedm startlockedm; do
      n=$(echo "$out" | sed -n "s/^ *$k *\([0-9]*\)$/\1/p")
      [ "${n:-0}" -ge 3 ] || { echo "seed $s stall $st: $k ${n:-0} < 3"; echo "$out"; exit 1; }
    done
  done
done
echo "lockosthread: 16 runs ok, each with the locked goroutine handed between Ms"
