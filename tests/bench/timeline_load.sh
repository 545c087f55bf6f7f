#!/usr/bin/env bash
# tests/bench/timeline_load.sh [GMPSIM] [LOOPS]: how long the HTML timeline
# of a ~1M-event trace takes to open in headless Chromium (issue 12: under
# 3 s).  LOOPS (default 27000) sets the length: 27000 gives about 1.02M
# events.  Prints figures; never fails on timing.  Needs chromium and GNU
# time.  Works under ${TMPDIR:-/tmp} and removes what it wrote.
#
#   export        gmpsim export --html: wall time and the page's size
#   page load     from navigation to the end of the first draw, as the page
#                 itself measures it (performance.now(), body data-load-ms)
#   chromium      the whole headless-Chromium process taking a screenshot,
#                 and the same for an empty page (the browser's own start-up)
set -euo pipefail
g=${1:-build/default/cmd/gmpsim}
loops=${2:-27000}
w=$(mktemp -d "${TMPDIR:-/tmp}/gmptl-XXXXXX")
trap 'rm -rf "$w"' EXIT
printf 'gomaxprocs 4\nchan c 8\nwaitgroup wg\nbody w {\n  loop %d { send c; gosched }\n  done wg\n}\nbody r {\n  loop %d { recv c; work 5us }\n  done wg\n}\nmain {\n  add wg 8\n  go w x4\n  go r x4\n  wait wg\n}\n' \
  "$loops" "$loops" > "$w/big.gmp"
"$g" run "$w/big.gmp" --trace "$w/big.gmt" | grep -E '^events' | sed 's/^/trace: /'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times grow with it; CPU times do not)"
/usr/bin/time -f '%e %U %S' -o "$w/t" "$g" export "$w/big.gmt" --html "$w/big.html" >/dev/null
read -r secs user sys < "$w/t"
printf 'export --html: %s s wall, %s s CPU, page %s MB\n' "$secs" "$(echo "$user + $sys" | bc -l)" \
  "$(echo "$(stat -c %s "$w/big.html") / 1048576" | bc -l | cut -c1-5)"
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --window-size=1200,700 --user-data-dir="$w/profile")
# page load, measured by the page (the DOM dump itself is not timed)
chromium "${flags[@]}" --dump-dom "file://$w/big.html" 2>/dev/null | grep -o 'data-load-ms="[0-9]*"' |
  sed 's/data-load-ms="\([0-9]*\)"/page load (navigation to first draw): \1 ms/'
echo '<html><body>empty</body></html>' > "$w/empty.html"
/usr/bin/time -f '%e' -o "$w/t" chromium "${flags[@]}" --screenshot="$w/e.png" "file://$w/empty.html" 2>/dev/null
empty=$(cat "$w/t")
/usr/bin/time -f '%e %M %U %S' -o "$w/t" chromium "${flags[@]}" --screenshot="$w/big.png" "file://$w/big.html" 2>/dev/null
read -r secs kb user sys < "$w/t"
printf 'chromium screenshot: %s s wall, %s s CPU of the browser process (empty page: %s s wall), peak RSS %s MB\n' \
  "$secs" "$(echo "$user + $sys" | bc -l)" "$empty" "$((kb / 1024))"
