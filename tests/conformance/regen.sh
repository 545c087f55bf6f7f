#!/bin/sh
# Regenerate the real-Go conformance fixtures (NAME.orders, start.state).
#
#   tests/conformance/regen.sh [-a] [-n RUNS] [NAME...]
#
# For every program in programs.tsv (or only the NAMEs given): build
# NAME.go + rec_common.go + rec.go with Go 1.19, run it RUNS times
# (default 2000) with GOMAXPROCS=1 and GOGC=off in an otherwise empty
# environment (or as its NAME.build recipe says, see recipe()), and write
# every distinct order of marks with its count to NAME.orders:
#
#   # program=NAME go=go1.19.8 goos=linux goarch=amd64 runs=2000 sessions=1 date=... env=GOMAXPROCS=1,GOGC=off cpus=2 loadavg=0.42
#   COUNT<TAB>label label label ...
#
# sorted by count (descending), then by the order text (bytewise).  A full
# run (no NAMEs) also runs probe_start.go as often and writes start.state in
# the same format: P0's state when main.main starts.
#
# -a accumulates: this session's counts are added to the existing file's
# (same Go version, environment and CPU count only), so rare orders seen in
# earlier sessions stay recorded; runs and sessions count the total, loadavg
# lists each session's one-minute load average.
#
# Needs Go 1.19 ($GO, default /usr/lib/go-1.19/bin/go).  CI never runs
# this: the fixtures are committed.  A full run takes about six minutes
# with the default count.
set -eu

GO=${GO:-/usr/lib/go-1.19/bin/go}
RUNS=2000
accumulate=false
while [ $# -gt 0 ]; do
    case $1 in
        -a) accumulate=true; shift ;;
        -n) RUNS=${2:-}; shift 2 ;;
        -*) echo "usage: regen.sh [-a] [-n RUNS] [NAME...]" >&2; exit 2 ;;
        *) break ;;
    esac
done
case $RUNS in
    '' | *[!0-9]* | 0) echo "regen.sh: -n wants a positive count" >&2; exit 2 ;;
esac

DIR=$(cd "$(dirname "$0")" && pwd)
export LC_ALL=C
TAB=$(printf '\t')

version=$("$GO" version)
case $version in
    "go version go1.19"*) ;;
    *) echo "regen.sh: need Go 1.19, $GO is: $version" >&2; exit 2 ;;
esac
gover=$("$GO" env GOVERSION)
goos=$("$GO" env GOOS)
goarch=$("$GO" env GOARCH)
date=$(date -u +%Y-%m-%d)
cpus=$(getconf _NPROCESSORS_ONLN)
loadavg=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
DEFAULT_ENV="GOMAXPROCS=1 GOGC=off"
RUNENV=$DEFAULT_ENV
envtag=$(echo $RUNENV | tr ' ' ,)

# A program's recipe: NAME.build, if present, has lines "KEY VALUE":
#   src FILES  the Go source files (default NAME.go)
#   rec FILE   the output half of the recorder: rec.go (default) or rec_noos.go
#   env VARS   the environment (default GOMAXPROCS=1 GOGC=off; a program
#              started on the CPU count leaves GOMAXPROCS out)
#   start S    the GOMAXPROCS Go starts with (default 1)
#   procs N    the GOMAXPROCS main sets first (default 1)
recipe() {
    [ -f "$DIR/$2.build" ] && sed -n "s|^$1 ||p" "$DIR/$2.build" | head -n 1
    return 0
}

# NICE=-20 runs the programs at that nice level (root only), so that on a
# shared, loaded host the other processes delay Go's threads less; the
# header records it.  Default: not set (the inherited level).
NICE=${NICE:-}
NICECMD=${NICE:+nice -n $NICE}
nicetag=${NICE:+ nice=$NICE}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

full=false
if [ $# -eq 0 ]; then
    full=true
    set -- $(grep -v '^#' "$DIR/programs.tsv" | cut -f1)
fi

# Run $1 (a built program) RUNS times into $TMP/raw, each run's output
# joined to one line; fail on the first run that exits non-zero.
runs() {
    : > "$TMP/raw"
    i=0
    while [ $i -lt "$RUNS" ]; do
        if ! $NICECMD env -i $RUNENV "$1" > "$TMP/out"; then
            echo "regen.sh: $1 failed on run $((i + 1))" >&2
            exit 1
        fi
        paste -sd' ' "$TMP/out" >> "$TMP/raw"
        i=$((i + 1))
    done
}

# Value of key $1 in header line $2.
field() {
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# Count $TMP/raw's distinct lines (plus, with -a, file $1's old counts) and
# write them to $1 under a header for program $2.
tally() {
    total=$RUNS sessions=1 loads=$loadavg
    : > "$TMP/old"
    if $accumulate && [ -f "$1" ]; then
        hdr=$(head -n 1 "$1")
        if [ "$(field go "$hdr")" != "$gover" ] || [ "$(field env "$hdr")" != "$envtag" ] ||
            [ "$(field cpus "$hdr")" != "$cpus" ]; then
            echo "regen.sh: $1 comes from another Go, environment or CPU count; regenerate without -a" >&2
            exit 2
        fi
        total=$(($(field runs "$hdr") + RUNS))
        sessions=$(($(field sessions "$hdr") + 1))
        loads="$(field loadavg "$hdr"),$loadavg"
        grep -v '^#' "$1" > "$TMP/old" || true
    fi
    {
        echo "# program=$2 go=$gover goos=$goos goarch=$goarch runs=$total sessions=$sessions date=$date env=$envtag cpus=$cpus loadavg=$loads$nicetag"
        {
            sort "$TMP/raw" | uniq -c | awk '{ c = $1; sub(/^ *[0-9]+ /, ""); printf "%d\t%s\n", c, $0 }'
            cat "$TMP/old"
        } | awk -F "$TAB" '{ n[$2] += $1 } END { for (o in n) printf "%d\t%s\n", n[o], o }' |
            sort -t "$TAB" -k1,1nr -k2,2
    } > "$TMP/tally"
    mv "$TMP/tally" "$1"
    echo "$(basename "$1"): $(($(wc -l < "$1") - 1)) distinct line(s) in $total runs"
}

# start.state: P0's scheduler state at main.main's first instruction.
if $full; then
    "$GO" build -o "$TMP/probe_start" "$DIR/probe_start.go"
    runs "$TMP/probe_start"
    tally "$DIR/start.state" probe_start
fi

for name in "$@"; do
    src=$(recipe src "$name"); src=${src:-$name.go}
    rec=$(recipe rec "$name"); rec=${rec:-rec.go}
    RUNENV=$(recipe env "$name"); RUNENV=${RUNENV:-$DEFAULT_ENV}
    envtag=$(echo $RUNENV | tr ' ' ,)
    start=$(recipe start "$name"); procs=$(recipe procs "$name")
    files=
    for f in $src rec_common.go $rec; do
        [ -f "$DIR/$f" ] || { echo "regen.sh: no $f" >&2; exit 2; }
        files="$files $DIR/$f"
    done
    [ -f "$DIR/$name.gmp" ] || { echo "regen.sh: no $name.gmp" >&2; exit 2; }
    "$GO" build -ldflags "-X main.startProcs=${start:-1} -X main.mainProcs=${procs:-1}" \
        -o "$TMP/$name" $files
    runs "$TMP/$name"
    tally "$DIR/$name.orders" "$name"
done
