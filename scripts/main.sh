#!/usr/bin/env bash
# scripts/main.sh: README's main command.  Installs what is missing, builds,
# and runs a bounded fuzzing campaign (default 60 s) over the built-in
# scenarios with every invariant checked.  Extra arguments go to
# `gmpsim campaign` (e.g. --seconds 300, --mutant ready-skips-wakep).
# Exits non-zero if a run fails; each failure leaves a reproducer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)" --target gmpsim
exec build/default/cmd/gmpsim campaign "$@"
