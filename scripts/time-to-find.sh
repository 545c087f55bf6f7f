#!/bin/sh
# scripts/time-to-find.sh [GMPSIM] [SECONDS] [SEEDS]: for every seeded
# mutant, the median wall time and runs `gmpsim search` needs to find it
# under each strategy (random, pct:3, rr), over search seeds 1..SEEDS, with
# a budget of SECONDS per search (default 10 s, 3 seeds); the scenario per
# mutant is the one tests/sim/search_mutants.sh states.  Prints a Markdown
# table (docs/mutants.md "Time to find").  Run it on an idle core: it
# measures wall time.
set -u
cd "$(dirname "$0")/.."
g="${1:-build/default/cmd/gmpsim}" secs="${2:-10}" seeds="${3:-3}"
data=tests/sim/data
rows=$(sed -n '/^table="/,/^"/p' tests/sim/search_mutants.sh | grep -v '"' | sed "s|\$data|$data|")
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print a[int((NR + 1) / 2)]}'; }
printf '| mutant | scenario | random: s / runs | pct:3: s / runs | rr: s / runs |\n|---|---|---|---|---|\n'
echo "$rows" | while read -r m sc runs inv; do
  [ -n "$m" ] || continue
  line="| $m | $(basename "$sc") |"
  for st in random pct:3 rr; do
    ts="" rs="" miss=0
    for s in $(seq 1 "$seeds"); do
      out=$("$g" search "$sc" --mutant "$m" --strategy "$st" --seed "$s" --runs 100000000 --seconds "$secs" | head -1)
      case "$out" in
        found*) ts="$ts $(echo "$out" | sed 's/.*runs (\([0-9.]*\) s).*/\1/')"
                rs="$rs $(echo "$out" | sed 's/.* after \([0-9]*\) runs.*/\1/')" ;;
        *) miss=$((miss + 1)) ;;
      esac
    done
    if [ "$miss" -gt $((seeds / 2)) ]; then cell="not in ${secs} s ($miss of $seeds)"
    else cell="$(echo $ts | tr ' ' '\n' | median) / $(echo $rs | tr ' ' '\n' | median)"
      [ "$miss" -gt 0 ] && cell="$cell ($miss missed)"
    fi
    line="$line $cell |"
  done
  echo "$line"
done
