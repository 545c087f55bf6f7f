#!/bin/sh
# tests/campaign/shard.sh GMPSIM WORK: `campaign --shard I/N` splits one
# search: shards 0/3, 1/3 and 2/3 of 8 runs each give the same outcome
# counts and events as the unsharded campaign of 24 runs, their findings
# merge into one folder, and a shard outside 0 <= I < N is a usage error.
set -eu
g=$1 w=$2
rm -rf "$w" && mkdir -p "$w"
"$g" campaign --runs 24 --seed 7 --jobs 1 --out "$w/all" >/dev/null 2>&1 || true
for i in 0 1 2; do
  "$g" campaign --runs 8 --seed 7 --jobs 1 --shard $i/3 --out "$w/s$i" >/dev/null 2>&1 || true
  "$g" campaign --runs 8 --seed 7 --jobs 1 --shard $i/3 --out "$w/merged" >/dev/null 2>&1 || true
done
python3 - "$w" <<'PY'
import json, sys
w = sys.argv[1]
def load(p): return json.load(open(p))
a = load(w + "/all/summary.json")["campaign"]
outs, ev, checks = {}, 0, 0
for i in range(3):
    s = load(w + "/s%d/summary.json" % i)["campaign"]
    for k, v in s["outcomes"].items(): outs[k] = outs.get(k, 0) + v
    ev += s["events"]
    checks += s["checks"]
if outs != a["outcomes"] or ev != a["events"] or checks != a["checks"]:
    sys.exit("shards %s %d events %d checks != unsharded %s %d events %d checks" %
             (outs, ev, checks, a["outcomes"], a["events"], a["checks"]))
m = load(w + "/merged/summary.json")
print("shard: 3 shards of 8 runs = the 24-run search:", outs, ev, "events;", len(m["findings"]), "merged findings")
PY
rc=0; "$g" campaign --runs 1 --shard 3/3 --out "$w/bad" >/dev/null 2>&1 || rc=$?
[ $rc = 64 ] || { echo "--shard 3/3 exits $rc, not 64"; exit 1; }
