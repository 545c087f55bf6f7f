#!/usr/bin/env bash
# scripts/main.sh: README's main command.  Installs what is missing, builds,
# and runs a bounded fuzzing campaign (default 60 s) over the built-in
# scenarios with every invariant checked.  Extra arguments go to
# `gmpsim campaign` (e.g. --seconds 300, --mutant ready-skips-wakep).
# Exits non-zero if a run fails; each failure leaves a reproducer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
log=$(mktemp)
echo "gmpsim: building (log: $log)" >&2
if ! { cmake --preset default && cmake --build --preset default -j"$(nproc)" --target gmpsim; } >"$log" 2>&1; then
  tail -30 "$log" >&2
  exit 1
fi
exec build/default/cmd/gmpsim campaign "$@"
