#!/bin/sh
# tests/expect.sh CODE PATTERN CMD...: run CMD; pass iff it exits with CODE
# and its output (stdout+stderr) matches the extended regex PATTERN.
code=$1; pattern=$2; shift 2
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$code" ]; then echo "expect.sh: exit code $rc, wanted $code" >&2; exit 1; fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then echo "expect.sh: output does not match: $pattern" >&2; exit 1; fi
exit 0
