#!/bin/sh
# tests/cmd/plugin_load.sh GMPSIM PLUGIN_DIR EXAMPLE.so: loading plugins
# through <gmpsim/plugin.h>.  Every refusal exits 12 with a message that
# says what is wrong; a good plugin's invariant runs without --check.
set -u
g="$1" d="$2" example="$3"
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$(mktemp); txt=$(mktemp); trap 'rm -f "$out" "$txt"' EXIT

expect() {
  code=$1 pat=$2; shift 2
  "$@" >"$out" 2>&1; rc=$?
  [ "$rc" = "$code" ] || { cat "$out" >&2; fail "$* exited $rc, want $code"; }
  grep -Eq -- "$pat" "$out" || { cat "$out" >&2; fail "$*: no match for '$pat'"; }
}

run="run builtin:worker_pool --procs 4"
echo "not an ELF file" >"$txt"
expect 12 "is not a shared object" "$g" $run --plugin "$txt"
expect 12 "cannot read plugin" "$g" $run --plugin "$d/no-such-plugin.so"
expect 12 "built for plugin ABI 999, this gmpsim has ABI [0-9]+: rebuild it" "$g" $run --plugin "$d/bad_abi.so"
expect 12 "was not built with <gmpsim/plugin.h>" "$g" $run --plugin "$d/no_macro.so"
expect 12 "needs gmpsim_function_from_the_future, which this gmpsim does not provide" \
  "$g" $run --plugin "$d/missing_symbol.so"
expect 12 "has no gmpsim_plugin_init" "$g" $run --plugin "$d/no_init.so"
# Every accessor, after every event, on runs with several Ps, stalls and preemption.
for s in worker_pool pipeline spawn_storm gomaxprocs_change; do
  expect 0 "^outcome: ok" "$g" run "builtin:$s" --procs 4 --stall-rate 50 --preempt-rate 50 --plugin "$d/accessors.so"
done
# --plugin implies --check: the violation is found without it.
GMPSIM_TEST_MAX_MS=1 expect 3 "invariant: accessors at event [0-9]+" "$g" $run --plugin "$d/accessors.so"
grep -q "Ms exist, more than 1" "$out" || fail "the accessor plugin's reason is not shown"
expect 3 "outcome: invariant: runq-latency: G[0-9]+ has been runnable" "$g" run builtin:preemption --plugin "$example"
# A trace names the plugins its run had; replay needs them (exit 12, not "diverged").
t=$(mktemp -u /tmp/gmpsim-plugin-XXXXXX.gmt); trap 'rm -f "$out" "$txt" "$t"' EXIT
expect 3 "invariant: runq-latency" "$g" run builtin:preemption --plugin "$example" --trace "$t"
expect 0 "section PLUG: runq-latency [0-9a-f]{16}" "$g" dump "$t" --to 0
expect 12 "recorded with plugin runq-latency \(file hash [0-9a-f]{16}\), which is not loaded" "$g" replay "$t"
expect 12 "recorded with plugin runq-latency" "$g" replay "$t" --plugin "$d/accessors.so"
expect 0 "^identical: [0-9]+ events" "$g" replay "$t" --plugin "$example"
echo "plugin load: ok"
