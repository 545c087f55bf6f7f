#!/bin/sh
# tests/cmd/cli_e2e.sh GMPSIM: the convention seen from the shell, on the
# real binary: help for every command three ways, --version, suggestions
# for commands, and the errors the issue listed (each must exit 64).
set -u
g="$1"
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$(mktemp); trap 'rm -f "$out"' EXIT

# expect CODE PATTERN CMD...: exit status CODE and PATTERN in stdout+stderr
expect() {
  code=$1 pat=$2; shift 2
  "$@" >"$out" 2>&1; rc=$?
  [ "$rc" = "$code" ] || { cat "$out" >&2; fail "$* exited $rc, want $code"; }
  grep -Eq -- "$pat" "$out" || { cat "$out" >&2; fail "$*: no match for '$pat'"; }
}

cmds=$("$g" help | sed -n '/^commands:/,/^$/p' | awk 'NF && !/commands:/ {print $1}')
[ "$(echo "$cmds" | wc -w)" -ge 9 ] || fail "gmpsim help lists too few commands: $cmds"
for c in $cmds; do
  expect 0 "^usage: gmpsim $c" "$g" "$c" --help
  expect 0 "^usage: gmpsim $c" "$g" "$c" -h
  expect 0 "^usage: gmpsim $c" "$g" help "$c"
  a=$("$g" "$c" --help); b=$("$g" help "$c")
  [ "$a" = "$b" ] || fail "$c --help and help $c differ"
done
expect 0 "^usage: gmpsim COMMAND" "$g" -h
expect 0 "^usage: gmpsim COMMAND" "$g" --help
expect 64 "^usage: gmpsim COMMAND" "$g"
expect 0 "^gmpsim [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{7,}(-dirty)?|unknown)\), trace format [0-9]+$" "$g" --version
expect 0 "^gmpsim .*trace format" "$g" version
expect 64 "unknown command rnu; did you mean run\?" "$g" rnu
expect 64 "unknown command nosuch" "$g" help nosuch
expect 64 "unknown flag --sed; did you mean --seed\?" "$g" run builtin:pingpong --sed 3
expect 64 "\-\-seed -1: must not be negative" "$g" run builtin:pingpong --seed -1
expect 64 "\-\-at -1: must not be negative" "$g" replay x.gmt --at -1
expect 64 "\-\-jitter 2ms: out of range 0s..1ms" "$g" run builtin:pingpong --jitter 2ms
expect 64 "\-\-vt-limit 10: duration .10. needs a unit" "$g" run builtin:pingpong --vt-limit 10
expect 64 "did you mean builtin:pingpong\?" "$g" run builtin:pingpng
expect 64 "did you mean ready-skips-wakep\?" "$g" run builtin:pingpong --mutant ready-skip-wakep
expect 64 "unknown event kind \"gopak\"; did you mean gopark\?" "$g" dump x.gmt --kind gopak
expect 64 "\-\-seconds 0: out of range" "$g" campaign --seconds 0
# = and space forms give the same run, byte for byte
a=$("$g" run builtin:timers --seed=3 --jitter=1.5us --json)
b=$("$g" run builtin:timers --seed 3 --jitter 1500ns --json)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "--seed=3 --jitter=1.5us differs from --seed 3 --jitter 1500ns"
echo "cli e2e: ok ($(echo "$cmds" | wc -w) commands)"
