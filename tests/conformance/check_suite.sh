#!/bin/sh
# tests/conformance/check_suite.sh DIR MIN: the conformance suite cannot
# shrink unnoticed.  Every DIR/NAME.orders has a programs.tsv line (so its
# ctest is registered); every programs.tsv line has NAME.gmp, NAME.orders
# and its Go source (NAME.go, or the `src` files of NAME.build); and there
# are at least MIN programs.
set -eu
cd "$1"
tab=$(printf '\t')
n=0
for f in *.orders; do
  p=${f%.orders}
  grep -q "^$p$tab" programs.tsv || { echo "$f has no programs.tsv line: its test is not registered"; exit 1; }
  n=$((n + 1))
done
for p in $(grep -v '^#' programs.tsv | cut -f1); do
  for x in gmp orders; do
    test -s "$p.$x" || { echo "$p.$x is missing"; exit 1; }
  done
  src="$p.go"
  if [ -f "$p.build" ]; then
    s=$(sed -n 's/^src //p' "$p.build")
    [ -n "$s" ] && src=$s
  fi
  for f in $src; do
    test -s "$f" || { echo "$p: its Go source $f is missing"; exit 1; }
  done
done
echo "$n fixtures, each registered with its scenario and Go source"
test "$n" -ge "$2" || { echo "fewer than $2 fixtures"; exit 1; }
