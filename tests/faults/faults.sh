#!/usr/bin/env bash
# tests/faults/faults.sh GMPSIM CONF_EDIT [CASE...]: the fault suite.
#
# Each case does something hostile to gmpsim (an output onto a device, a
# kill at a random moment, a hostile setting in a trace, ...) and checks
# what docs/cli.md promises.  It prints one table row per fault:
#   | fault | expected | observed | ok/FAIL |
# and the script exits 1 if any row failed.  With no CASE every case runs
# (the table for the report); ctest runs one case per test.
#
# Kill moments are random (bash $RANDOM, seeded from FAULTS_SEED or the
# clock); the seed is printed, so FAULTS_SEED=N reproduces a run.
set -u
G=$1 CE=$2
shift 2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/gmpfaults-XXXXXX")
trap 'rm -rf "$W"' EXIT
seed=${FAULTS_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
failed=0
INFIX=.gmpsim-tmp.

row() {   # row FAULT EXPECTED OBSERVED OK
  printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$([ "$4" = 1 ] && echo ok || echo FAIL)"
  [ "$4" = 1 ] || failed=1
}

temps() { find "$1" -name "*$INFIX*" 2>/dev/null | wc -l; }

# A scenario that runs for about a second (14M events, a 27 MB trace) and
# a quarter of it for replays.
long_gmp() {
  printf 'gomaxprocs 4\nchan c 8\nbody p {\n  loop %d { send c; gosched }\n}\nmain {\n  go p x4\n  loop 4 { loop %d { recv c } }\n}\n' "$1" "$1" > "$2"
}
LONG_FLAGS="--vt-limit 0s --stall-rate 64 --preempt-rate 8"

# A trace the dump command reads strictly (complete), or no file at all.
whole_or_absent() { [ ! -e "$1" ] || "$G" dump "$1" >/dev/null 2>&1; }

# ---- outputs ----

out_onto() {   # out_onto NAME PATH CHECK-CMD: run --trace PATH
  local rc out
  out=$(timeout 20 "$G" run builtin:pingpong --trace "$2" 2>&1 >/dev/null); rc=$?
  local ok=0
  [ $rc = 10 ] && eval "$3" && [ "$(temps "$W")" = 0 ] && ok=1
  row "run --trace onto $1" "exit 10, $1 untouched, no temp" "exit $rc: ${out#gmpsim: }" $ok
}

case_out_device() {
  if [ "$(id -u)" = 0 ] && mknod "$W/null" c 1 3 2>/dev/null; then
    out_onto "a device node (mknod c 1 3)" "$W/null" '[ -c "$W/null" ]'
  else
    out_onto "a device node (/dev/null)" /dev/null '[ -c /dev/null ]'
  fi
}

case_out_symlink() {
  echo precious > "$W/victim"; ln -sf victim "$W/link"
  out_onto "a symlink" "$W/link" '[ -L "$W/link" ] && [ "$(cat "$W/victim")" = precious ]'
}

case_out_fifo() {
  mkfifo "$W/fifo"
  out_onto "a FIFO" "$W/fifo" '[ -p "$W/fifo" ]'
}

case_out_directory() {
  mkdir -p "$W/dir"
  out_onto "a directory" "$W/dir" '[ -d "$W/dir" ] && [ -z "$(ls -A "$W/dir")" ]'
}

case_out_input() {
  "$G" run builtin:pingpong --trace "$W/in.gmt" >/dev/null
  cp "$W/in.gmt" "$W/in.copy"
  local out rc ok=0
  out=$("$G" export "$W/in.gmt" --perfetto "$W/in.gmt" 2>&1); rc=$?
  [ $rc = 10 ] && cmp -s "$W/in.gmt" "$W/in.copy" && ok=1
  row "export IN --perfetto IN" "exit 10, IN unchanged" "exit $rc: ${out#gmpsim export: }" $ok
  printf 'main { gosched }\n' > "$W/s.gmp"; cp "$W/s.gmp" "$W/s.copy"
  out=$("$G" run "$W/s.gmp" --trace "$W/s.gmp" 2>&1); rc=$?; ok=0
  [ $rc = 10 ] && cmp -s "$W/s.gmp" "$W/s.copy" && ok=1
  row "run S.gmp --trace S.gmp" "exit 10, S.gmp unchanged" "exit $rc: ${out#gmpsim: }" $ok
}

full_disk_run() {   # full_disk_run NAME DIR: a 21 KB trace onto a full DIR
  local out rc ok=0
  out=$("$G" run builtin:worker_pool --stall-rate 3 --jitter 1ms --trace "$2/t.gmt" 2>&1 >/dev/null); rc=$?
  [ $rc = 10 ] && [ ! -e "$2/t.gmt" ] && [ "$(temps "$2")" = 0 ] && ok=1
  row "$1" "exit 10, no file, no temp" "exit $rc: ${out#gmpsim: }" $ok
}

case_out_full_disk() {
  mkdir -p "$W/mnt"
  if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8k tmpfs "$W/mnt" 2>/dev/null; then
    full_disk_run "run --trace onto a full disk (8 KiB tmpfs)" "$W/mnt"
    umount "$W/mnt"
  else
    row "run --trace onto a full disk (8 KiB tmpfs)" "exit 10" "skipped: needs root and mount" 1
  fi
  ( ulimit -f 8; full_disk_run "run --trace past a write limit (ulimit -f 8: EFBIG)" "$W" )
  [ $? = 0 ] || failed=1
}

case_out_stdout_pipe() {
  mkfifo "$W/pipe"
  cat "$W/pipe" > "$W/from-pipe.gmt" &
  local rc ok=0
  "$G" run builtin:pingpong --trace - > "$W/pipe" 2>/dev/null; rc=$?
  wait
  [ $rc = 0 ] && "$G" dump "$W/from-pipe.gmt" >/dev/null 2>&1 && ok=1
  row "run --trace - into a FIFO (asked with -)" "exit 0, the trace through the pipe" "exit $rc, $(wc -c < "$W/from-pipe.gmt") bytes read back whole" $ok
}

# ---- kills at random moments ----

# A random delay in seconds, 0.05..0.85.
delay() { printf '0.%02d' $(( 5 + RANDOM % 80 )); }

kill_run_trace() {   # kill_run_trace SIG ROUNDS
  long_gmp 100000 "$W/long.gmp"
  local i bad=0 killed=0 done_=0 left=0 stale=0 moments=""
  for i in $(seq "$2"); do
    local d; d=$(delay); moments="$moments $d"
    # env --default-signal: a background job of a script starts with SIGINT ignored
    env --default-signal=INT "$G" run "$W/long.gmp" $LONG_FLAGS --trace "$W/k.gmt" >/dev/null 2>&1 &
    local pid=$!
    sleep "$d"; kill -"$1" $pid 2>/dev/null; wait $pid 2>/dev/null; local rc=$?
    [ $rc -gt 128 ] && killed=$((killed + 1)) || done_=$((done_ + 1))
    whole_or_absent "$W/k.gmt" || bad=$((bad + 1))
    rm -f "$W/k.gmt"
    stale=$((stale + $(temps "$W")))
    # kill -9 leaves the temporary file; the next write into the folder removes it
    [ "$1" = KILL ] && { "$G" run builtin:pingpong --trace "$W/next.gmt" >/dev/null; rm -f "$W/next.gmt"; }
    left=$((left + $(temps "$W")))
  done
  local ok=0; [ $bad = 0 ] && [ $left = 0 ] && ok=1
  local promise="no temp left"
  [ "$1" = KILL ] && promise="the next write removes the temp"
  row "kill -$1 during run --trace (at$moments s)" "destination whole or absent; $promise" \
      "$killed killed, $done_ finished; $bad half-written; $stale temps right after the kills, $left left" $ok
}

case_kill9_run() { kill_run_trace KILL 3; }
case_sigterm_run() { kill_run_trace TERM 3; kill_run_trace INT 1; }

# Every reproducer folder holds its four files and a whole trace.
folders_complete() {
  local f
  for f in "$1"/findings/*/r-*/; do
    [ -d "$f" ] || continue
    case $f in *"$INFIX"*) continue ;; esac   # a folder being built (kill -9 leaves it)
    for x in scenario.gmp trace.gmt repro.sh result.txt; do [ -s "$f$x" ] || return 1; done
    "$G" dump "$f/trace.gmt" >/dev/null 2>&1 || return 1
  done
}

kill_campaign() {   # kill_campaign SIG ROUNDS
  local i bad=0 left=0 stale=0 nf=0 moments=""
  for i in $(seq "$2"); do
    local d; d=$(delay); moments="$moments $d"
    rm -rf "$W/camp"
    env --default-signal=INT "$G" campaign --seconds 20 --out "$W/camp" --mutant ready-skips-wakep --seed "$i" \
      >/dev/null 2>&1 &
    local pid=$!
    sleep "$d"; kill -"$1" $pid 2>/dev/null; wait $pid 2>/dev/null
    folders_complete "$W/camp" || bad=$((bad + 1))
    stale=$((stale + $(temps "$W/camp")))
    if [ "$1" = KILL ]; then   # the next campaign into the same folder sweeps what was left
      "$G" campaign --seconds 5 --out "$W/camp" --mutant runqputslow-forgets-g --until-failure --seed 99 >/dev/null 2>&1
      folders_complete "$W/camp" || bad=$((bad + 1))
    fi
    left=$((left + $(temps "$W/camp")))
    nf=$((nf + $(ls -d "$W"/camp/findings/*/r-*/ 2>/dev/null | wc -l)))
  done
  local ok=0; [ $bad = 0 ] && [ $left = 0 ] && ok=1
  row "kill -$1 during campaign (at$moments s)" "every reproducer folder complete; no temp left" \
      "$nf folders, $bad incomplete; $stale temps right after the kills, $left left" $ok
}

case_kill9_campaign() { kill_campaign KILL 1; }
case_sigterm_campaign() { kill_campaign TERM 2; kill_campaign INT 1; }

kill_replay() {   # kill_replay SIG ROUNDS
  long_gmp 10000 "$W/r.gmp"
  "$G" run "$W/r.gmp" $LONG_FLAGS --trace "$W/r.gmt" >/dev/null
  cp "$W/r.gmt" "$W/r.copy"
  local i bad=0 left=0 moments=""
  for i in $(seq "$2"); do
    local d; d=$(delay); moments="$moments $d"
    env --default-signal=INT "$G" replay "$W/r.gmt" >/dev/null 2>&1 &
    local pid=$!
    sleep "$d"; kill -"$1" $pid 2>/dev/null; wait $pid 2>/dev/null
    cmp -s "$W/r.gmt" "$W/r.copy" || bad=$((bad + 1))
    left=$((left + $(temps "$W")))
  done
  local ok=0; [ $bad = 0 ] && [ $left = 0 ] && ok=1
  row "kill -$1 during replay (at$moments s)" "the trace unchanged; no temp left" "$bad changed; $left temps" $ok
}

case_kill_replay() { kill_replay KILL 1; kill_replay TERM 1; }

# ---- hostile settings ----

case_conf() {
  "$G" run builtin:pingpong --trace "$W/c.gmt" >/dev/null
  local kv
  # the four settings issue 13 found crashing, hanging, overflowing and
  # wrapping, and one of each other kind of refusal (tests/sim/test_conf.c
  # checks every key at both ends of its range)
  for kv in max_stack_bytes=0 work_quantum_ns=0 cost_atomic=9223372036854775807 jitter_ns=4294967296 \
            vt_limit_ns=281474976710656 strategy=pct:17 seed=-1 bogus=1; do
    "$CE" "$W/c.gmt" "$W/e.gmt" "$kv" || { row "CONF $kv" "exit 8" "conf_edit failed" 0; continue; }
    local out rc ok=0 key=${kv%%=*}
    out=$(timeout 20 "$G" replay "$W/e.gmt" 2>&1); rc=$?
    [ $rc = 8 ] && printf '%s' "$out" | grep -q "$key" && ok=1
    row "CONF $kv" "exit 8 naming $key" "exit $rc: ${out##*: config }" $ok
  done
}

# every key of sim/conf.def just outside its range: the conf-bad-* seeds of
# the trace_reader fuzz corpus (fuzz/trace_reader/make_conf_seeds.sh)
case_conf_all() {
  local f n=0 bad="" out rc key
  for f in "$SRC"/fuzz/trace_reader/corpus/conf-bad-*.gmpt; do
    key=${f##*/conf-bad-}; key=${key%.gmpt}
    [ "$key" = unknown-key ] && key=bogus
    out=$("$G" replay "$f" 2>&1); rc=$?
    n=$((n + 1))
    { [ $rc = 8 ] && printf '%s' "$out" | grep -q "$key"; } || bad="$bad $key(exit $rc)"
  done
  local ok=0; [ -z "$bad" ] && [ $n -ge 28 ] && ok=1
  row "CONF: each of $n keys just outside its range" "exit 8 naming the key, each" "${bad:-all $n exit 8 naming their key}" $ok
}

case_time_back() {
  "$G" run builtin:pingpong --trace "$W/c.gmt" >/dev/null
  "$CE" --exit-time-zero "$W/c.gmt" "$W/b.gmt"
  local out rc ok=0
  out=$("$G" replay "$W/b.gmt" 2>&1); rc=$?
  [ $rc = 8 ] && printf '%s' "$out" | grep -q "time goes back" && ok=1
  row "the exit event moved to t=0 (checksums redone)" "exit 8: an M's time goes back" "exit $rc: ${out##*: event}" $ok
}

# ---- memory ----

# ASan reserves terabytes of shadow address space: ulimit -v cannot apply.
asan_build() { grep -q __asan_init "$G"; }

# bounded CMD...: run under ulimit -v 120 MB (not under ASan) and GNU
# time; $peak gets the peak RSS in MB.
bounded() {
  local rc
  if asan_build; then
    /usr/bin/time -f %M -o "$W/rss" "$@"; rc=$?
  else
    (ulimit -v 120000; exec /usr/bin/time -f %M -o "$W/rss" "$@"); rc=$?
  fi
  peak=$(( $(tail -1 "$W/rss") / 1024 ))
  return $rc
}

case_memory() {
  long_gmp 20000 "$W/m.gmp"   # about 3M events: 190 MB as an array of events, 6 MB on disk
  "$G" run "$W/m.gmp" $LONG_FLAGS --trace "$W/m.gmt" >/dev/null
  local out rc ok=0 n lim="under ulimit -v 120 MB"
  peak=0
  asan_build && lim="(ASan: no ulimit -v)"
  n=$("$G" dump "$W/m.gmt" | head -1 | sed 's/.*format [0-9]*, \([0-9]*\) events.*/\1/')
  bounded "$G" replay "$W/m.gmt" > "$W/out" 2>&1; rc=$?; out=$(cat "$W/out")
  [ $rc = 0 ] && printf '%s' "$out" | grep -q '^identical' && [ "$peak" -lt 64 ] && ok=1
  row "replay of a $n-event trace $lim" "exit 0, identical, peak RSS < 64 MB" \
      "exit $rc, peak RSS $peak MB: $(printf '%s' "$out" | tail -1)" $ok
  bounded "$G" run "$W/m.gmp" $LONG_FLAGS --check-determinism > "$W/out" 2>&1; rc=$?; out=$(cat "$W/out"); ok=0
  [ $rc = 0 ] && printf '%s' "$out" | grep -q '^deterministic' && [ "$peak" -lt 64 ] && ok=1
  row "run --check-determinism of the same $lim" "exit 0, deterministic, peak RSS < 64 MB" \
      "exit $rc, peak RSS $peak MB: $out" $ok
  if asan_build; then
    row "replay and --check-determinism out of memory" "exit 11" "not run: ulimit -v cannot apply under ASan" 1
    return
  fi
  # 2000 goroutines blocked at once: 2000 stacks do not fit under 100 MB
  printf 'chan c 0\nbody w {\n  recv c\n}\nmain {\n  go w x2000\n  loop 2000 { send c }\n}\n' > "$W/g.gmp"
  "$G" run "$W/g.gmp" --trace "$W/g.gmt" >/dev/null
  out=$(ulimit -v 100000; "$G" replay "$W/g.gmt" 2>&1); rc=$?; ok=0
  [ $rc = 11 ] && printf '%s' "$out" | grep -q 'out of memory' && ! printf '%s' "$out" | grep -q diverged && ok=1
  row "replay needing 2000 goroutine stacks under ulimit -v 100 MB" "exit 11, out of memory, not 'diverged'" "exit $rc: ${out##*: out}" $ok
  out=$(ulimit -v 100000; "$G" run "$W/g.gmp" --check-determinism 2>&1); rc=$?; ok=0
  [ $rc = 11 ] && printf '%s' "$out" | grep -q 'out of memory' && ! printf '%s' "$out" | grep -qi 'not deterministic' && ok=1
  row "run --check-determinism of the same under ulimit -v 100 MB" "exit 11, out of memory, not 'NOT deterministic'" "exit $rc: ${out##*: out}" $ok
}

# ---- time limit ----

case_time_limit() {
  printf 'main {\n  loop 100 { sleep 3600s }\n}\n' > "$W/t.gmp"
  local out rc ok=0 last
  out=$("$G" run "$W/t.gmp" --vt-limit 0s --trace "$W/t.gmt" 2>&1); rc=$?
  last=$("$G" dump "$W/t.gmt" | tail -1 | sed 's/.* t=\([0-9]*\) .*/\1/')
  [ $rc = 4 ] && printf '%s' "$out" | grep -q '^outcome: budget' && [ "$last" -ge 273600000000000 ] &&
    [ "$last" -le 281474976710655 ] && ok=1
  row "run to the largest time limit (--vt-limit 0s = 76h)" "budget, exit 4, last time in [76h, 2^48)" \
      "exit $rc, ${out%%$'\n'*}, last event at t=$last" $ok
  out=$("$G" run "$W/t.gmp" --vt-limit 76.5h 2>&1); rc=$?; ok=0
  [ $rc = 64 ] && ok=1
  row "--vt-limit 76.5h" "exit 64 (past the maximum)" "exit $rc: ${out#gmpsim: }" $ok
}

all="out_device out_symlink out_fifo out_directory out_input out_full_disk out_stdout_pipe kill9_run sigterm_run kill9_campaign sigterm_campaign kill_replay conf conf_all time_back memory time_limit"
echo "fault suite (FAULTS_SEED=$seed)"
echo "| fault | expected | observed | verdict |"
echo "|---|---|---|---|"
for c in ${@:-$all}; do "case_$c"; done
exit $failed
