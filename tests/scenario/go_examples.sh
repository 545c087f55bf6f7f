#!/bin/sh
# tests/scenario/go_examples.sh GO GENGO_TOOL EXAMPLES_DIR WORK_DIR
#
# Translates every example to Go, checks the programs are gofmt-clean,
# builds them with the real Go 1.19 toolchain and runs each one: they must
# end as the simulator is meant to (deadlock.gmp with Go's deadlock report
# and exit status 2, exit_early.gmp with status 3, the others with 0), and
# print one line per mark.  Each runs in the environment its translation
# names (//gmpsim:env), so Go starts on the scenario's Ps.
set -eu
go=$1 tool=$2 examples=$3 work=$4
gofmt="$(dirname "$go")/gofmt"
rm -rf "$work"
mkdir -p "$work/src" "$work/bin"
export GOPATH="$work/gopath" GOCACHE="$work/gocache" GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local
cd "$work/src"
printf 'module gmpsim/examples\n\ngo 1.19\n' > go.mod
for f in "$examples"/*.gmp; do
    name=$(basename "$f" .gmp)
    mkdir -p "$name"
    "$tool" "$f" "$name/main.go"
done
unformatted=$("$gofmt" -l . || true)
if [ -n "$unformatted" ]; then
    echo "not gofmt-clean: $unformatted"
    "$gofmt" -d .
    exit 1
fi
"$go" vet ./...
"$go" build -o "$work/bin/" ./...
status=0
for f in "$examples"/*.gmp; do
    name=$(basename "$f" .gmp)
    want=0
    case $name in deadlock) want=2 ;; exit_early) want=3 ;; esac
    set +e
    # the environment the scenario starts in (gen-go's //gmpsim:env line)
    runenv=$(sed -n 's|^//gmpsim:env ||p' "$name/main.go")
    env $runenv timeout 60 "$work/bin/$name" > "$work/$name.out" 2> "$work/$name.err"
    got=$?
    set -e
    marks=$(grep -c '^[[:space:]]*mark ' "$f" || true)
    lines=$(wc -l < "$work/$name.out")
    echo "$name: exit $got (want $want), $lines mark lines"
    if grep -q '^gmpsim: Go started on' "$work/$name.err"; then
        echo "$name: Go did not start on the scenario's Ps"
        status=1
    fi
    if [ "$got" != "$want" ]; then
        cat "$work/$name.err"
        status=1
    fi
    if [ "$name" = deadlock ] && ! grep -q 'all goroutines are asleep - deadlock!' "$work/$name.err"; then
        echo "deadlock: Go did not report the deadlock"
        status=1
    fi
    if [ "$marks" -gt 0 ] && [ "$want" != 2 ] && [ "$lines" -eq 0 ]; then
        echo "$name: no marks printed"
        status=1
    fi
done
exit $status
