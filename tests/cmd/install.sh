#!/bin/sh
# tests/cmd/install.sh BUILD_DIR SRC_DIR CC WORKDIR: install into a temporary
# prefix, then use gmpsim from there only (PATH, no build tree): the README
# "A first look" commands, a plugin built with `pkg-config --cflags gmpsim`
# against the installed header, and a campaign reproducer (repro.sh finds
# gmpsim on PATH).
set -u
b="$1" src="$2" cc="$3" w="$4"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$w" && mkdir -p "$w" || fail "cannot make $w"
pre="$w/prefix"
cmake --install "$b" --prefix "$pre" >"$w/install.log" 2>&1 || { cat "$w/install.log" >&2; fail "cmake --install"; }
for f in bin/gmpsim include/gmpsim/plugin.h share/pkgconfig/gmpsim.pc libexec/gmpsim/replay_sim_run \
         share/gmpsim/examples/pingpong.gmp share/gmpsim/examples/invariants/runq_latency.c share/doc/gmpsim/README.md; do
  [ -e "$pre/$f" ] || fail "not installed: $f"
done
PATH="$pre/bin:/usr/bin:/bin"; export PATH
unset GMPSIM
PKG_CONFIG_PATH="$pre/share/pkgconfig"; export PKG_CONFIG_PATH
[ "$(command -v gmpsim)" = "$pre/bin/gmpsim" ] || fail "gmpsim is not the installed one"
gmpsim --version | grep -q "^gmpsim " || fail "gmpsim --version"

# README's first look, with the installed gmpsim and examples, outputs under $w.
cd "$pre/share/gmpsim" || fail "no share/gmpsim"
sed -n '/^## A first look/,/^## /p' "$src/README.md" | awk '/^```sh$/ {on=1; next} /^```$/ {on=0} on' |
  sed -e 's|build/default/cmd/gmpsim|gmpsim|' -e "s|/tmp/|$w/|g" -e 's/  *#.*$//' >"$w/first-look.sh"
[ "$(grep -c '^gmpsim ' "$w/first-look.sh")" -ge 5 ] || fail "README's first look has too few gmpsim commands"
while IFS= read -r line; do
  [ -n "$line" ] || continue
  sh -c "$line" >"$w/out" 2>&1 || { cat "$w/out" >&2; fail "README command failed from the install: $line"; }
done <"$w/first-look.sh"

# A plugin built against the installed header only.
cflags=$(pkg-config --cflags gmpsim) || fail "pkg-config --cflags gmpsim"
case "$cflags" in *"$pre/"*include*) ;; *) fail "pkg-config --cflags gives $cflags, not under $pre" ;; esac
[ "$(pkg-config --variable=plugin_abi gmpsim)" = "$(sed -n 's/^#define GMPSIM_PLUGIN_ABI //p' "$pre/include/gmpsim/plugin.h")" ] ||
  fail "gmpsim.pc's plugin_abi differs from the header's"
# shellcheck disable=SC2086
"$cc" -std=c17 -Wall -Wextra -Werror -shared -fPIC $cflags -o "$w/runq_latency.so" examples/invariants/runq_latency.c ||
  fail "the example plugin does not build against the installed header"
gmpsim run examples/preemption.gmp --plugin "$w/runq_latency.so" >"$w/out" 2>&1
[ $? = 3 ] && grep -q "invariant: runq-latency" "$w/out" || { cat "$w/out" >&2; fail "installed plugin run"; }

# A reproducer from a campaign of the installed gmpsim runs with gmpsim from PATH.
gmpsim campaign --seconds 20 --mutant runqputslow-forgets-g --scenario builtin:spawn_storm --out "$w/camp" \
  --until-failure >"$w/out" 2>&1
repro=$(find "$w/camp" -name repro.sh | head -1)
[ -n "$repro" ] || { cat "$w/out" >&2; fail "the campaign left no repro.sh"; }
cd / && sh "$repro" >"$w/out" 2>&1
[ $? = 3 ] || { cat "$w/out" >&2; fail "$repro did not reproduce (exit 3) from the installed gmpsim"; }
echo "install: ok ($pre)"
