#!/bin/sh
# scripts/update-cli-doc.sh: regenerate the flag tables in docs/cli.md from
# the parser's tables (tests/cmd/cli_doc.py checks them in ctest).
# usage: scripts/update-cli-doc.sh [BUILD_DIR]   (default build/default)
set -eu
cd "$(dirname "$0")/.."
exec python3 tests/cmd/cli_doc.py "${1:-build/default}/cmd/gmpsim" docs/cli.md --update
