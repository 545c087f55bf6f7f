#!/usr/bin/env bash
# scripts/cross-build-determinism.sh BUILD_DIR...
# Determinism across processes, ASLR and builds: each build's gmpsim runs
# the same sweep (every built-in scenario under a matrix of seeds and
# strategies, plus 1000 random scenarios, each run twice in-process), and
# every output must be byte-identical.  The first build also runs with
# ASLR disabled (setarch -R) and in a second process.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR..." >&2; exit 64; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=(sweep --seeds 2 --random 1000 --twice)
ref="$1/cmd/gmpsim"
# sweep exits non-zero on an unexpected outcome (a built-in ending other
# than as it declares, a random scenario ending with an invariant or a
# hang), so the same violation in every build cannot compare equal.
if ! "$ref" "${args[@]}" > "$out/ref.txt"; then
  echo "cross-build: the sweep itself failed in $1 (see UNEXPECTED lines above)" >&2
  exit 3
fi
"$ref" "${args[@]}" > "$out/second-process.txt"
if command -v setarch >/dev/null; then
  setarch "$(uname -m)" -R "$ref" "${args[@]}" > "$out/no-aslr.txt"
elif [[ -n "${CI:-}" ]]; then
  echo "cross-build: setarch (util-linux) is missing; CI may not skip the no-ASLR run" >&2
  exit 1
else
  echo "cross-build: setarch missing: the no-ASLR run is skipped" >&2
fi
for b in "${@:2}"; do
  "$b/cmd/gmpsim" "${args[@]}" > "$out/$(basename "$b").txt"
done
n=$(wc -l < "$out/ref.txt")
status=0
for f in "$out"/*.txt; do
  if ! cmp -s "$out/ref.txt" "$f"; then
    echo "NOT deterministic: $(basename "$f" .txt) differs from $1:" >&2
    diff "$out/ref.txt" "$f" | head -5 >&2
    status=9
  fi
done
[[ $status -eq 0 ]] && echo "deterministic: $n runs identical across $(ls "$out" | wc -l) processes/builds ($*)"
exit $status
