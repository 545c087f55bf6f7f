#!/bin/sh
# tests/cmd/invariants_doc.sh GMPSIM SRCDIR CC WORKDIR: docs/invariants.md's
# worked example, as written: compile its C block against the public
# header, run its `gmpsim run` line, and compare the output with the two
# "#   " lines the doc shows under it.
set -u
g="$1" src="$2" cc="$3" w="$4"
fail() { echo "FAIL: $*" >&2; exit 1; }
doc="$src/docs/invariants.md"
mkdir -p "$w" && cd "$w" || fail "no work dir $w"
sed -n '/^## Adding your own/,$p' "$doc" | awk '/^```c$/ && !done {on=1; next} /^```$/ && on {on=0; done=1} on' >runq_latency.c
[ -s runq_latency.c ] || fail "no C block under 'Adding your own' in $doc"
"$cc" -std=c17 -Wall -Wextra -Werror -shared -fPIC -I"$src/include" -o runq_latency.so runq_latency.c ||
  fail "the doc's example does not compile"
line=$(sed -n '/^## Adding your own/,$p' "$doc" | grep -m1 '^gmpsim run ')
want=$(sed -n '/^## Adding your own/,$p' "$doc" | grep '^#   ' | head -2 | sed 's/^#   //')
[ -n "$line" ] && [ -n "$want" ] || fail "no 'gmpsim run' line with its output in $doc"
got=$(cd "$src" && eval "\"\$g\" $(echo "${line#gmpsim }" | sed "s|\./runq_latency.so|$w/runq_latency.so|")" 2>&1 | head -2)
[ "$got" = "$want" ] || fail "docs/invariants.md shows
$want
but the example prints
$got"
echo "invariants.md example: ok"
