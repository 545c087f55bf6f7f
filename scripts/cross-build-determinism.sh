#!/usr/bin/env bash
# scripts/cross-build-determinism.sh BUILD_DIR...
# Determinism across processes, ASLR and builds: each build's gmpsim runs
# the same sweeps, and every output must be byte-identical:
#   main     every built-in scenario under a matrix of seeds and strategies,
#            GOMAXPROCS and jitter varied from run to run (--vary), plus
#            1000 random scenarios, each run twice in-process;
#   mutant   the built-ins with a seeded bug (ready-skips-wakep);
#   plugin   the built-ins with an invariant plugin loaded (the accessor
#            plugin of tests/cmd, which reads every public accessor).
# The first build also runs the main sweep with ASLR disabled (setarch -R)
# and in a second process.  The main and plugin sweeps judge outcomes (exit
# 3 on an unexpected one); the mutant sweep must fail that way.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR..." >&2; exit 64; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
main_args=(sweep --seeds 2 --random 1000 --twice --vary)
mutant_args=(sweep --seeds 1 --twice --vary --mutant ready-skips-wakep)

# sweep BUILD NAME WANT_EXIT ARGS...: run one sweep, demand its exit status.
sweep() {
  local b=$1 name=$2 want=$3; shift 3
  local rc=0
  "$b/cmd/gmpsim" "$@" > "$out/$name.txt" 2> "$out/$name.err" || rc=$?
  if [[ $rc -ne $want ]]; then
    echo "cross-build: $name sweep of $b exited $rc, not $want:" >&2
    head -5 "$out/$name.err" >&2
    exit 3
  fi
}

ref=$1
sweep "$ref" "main.ref" 0 "${main_args[@]}"
sweep "$ref" "main.second-process" 0 "${main_args[@]}"
if command -v setarch >/dev/null; then
  rc=0
  setarch "$(uname -m)" -R "$ref/cmd/gmpsim" "${main_args[@]}" > "$out/main.no-aslr.txt" || rc=$?
  [[ $rc -eq 0 ]] || { echo "cross-build: the no-ASLR sweep exited $rc" >&2; exit 3; }
elif [[ -n "${CI:-}" ]]; then
  echo "cross-build: setarch (util-linux) is missing; CI may not skip the no-ASLR run" >&2
  exit 1
else
  echo "cross-build: setarch missing: the no-ASLR run is skipped" >&2
fi
for b in "$@"; do
  tag=$(basename "$b")
  [[ "$b" == "$ref" ]] || sweep "$b" "main.$tag" 0 "${main_args[@]}"
  sweep "$b" "mutant.$tag" 3 "${mutant_args[@]}"
  plugin="$b/tests/cmd/plugins/accessors.so"
  [[ -f "$plugin" ]] || { echo "cross-build: $plugin is not built" >&2; exit 1; }
  rc=0
  "$b/cmd/gmpsim" --plugin "$plugin" sweep --seeds 1 --twice --vary > "$out/plugin.$tag.txt" 2> "$out/plugin.$tag.err" || rc=$?
  [[ $rc -eq 0 ]] || { echo "cross-build: plugin sweep of $b exited $rc:" >&2; head -5 "$out/plugin.$tag.err" >&2; exit 3; }
done

status=0
compare() {   # compare GROUP: every $out/GROUP.*.txt equals the first
  local first=""
  for f in "$out/$1".*.txt; do
    if [[ -z "$first" ]]; then first=$f; continue; fi
    if ! cmp -s "$first" "$f"; then
      echo "NOT deterministic: $(basename "$f" .txt) differs from $(basename "$first" .txt):" >&2
      diff "$first" "$f" | head -5 >&2
      status=9
    fi
  done
}
compare main
compare mutant
compare plugin
n=$(wc -l < "$out/main.ref.txt")
[[ $status -eq 0 ]] && echo "deterministic: $n runs (GOMAXPROCS and jitter varied), a mutant sweep and a plugin sweep identical across $(ls "$out"/*.txt | wc -l) processes/builds ($*)"
exit $status
