#!/usr/bin/env bash
# scripts/deps.sh: install the Debian 12 packages gmpsim needs, if missing.
#   deps.sh            build, test and fuzz dependencies
#   deps.sh --bench    also the benchmark baselines (boost.context, Go 1.19's source)
# Run as root (it calls apt-get); as another user it only reports.
set -euo pipefail

# Go 1.19 runs the gen-go test; util-linux gives setarch (ASLR off in the
# cross-build determinism check); chromium draws the HTML timeline test.
pkgs=(cmake make gcc g++ pkg-config libxxhash-dev libzstd-dev
      clang-14 libclang-rt-14-dev afl++ valgrind python3 chromium
      golang-1.19-go util-linux)
if [[ "${1:-}" == "--bench" ]]; then
  pkgs+=(libboost-context-dev golang-1.19-src)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "gmpsim: missing Debian packages: ${missing[*]}" >&2
    echo "gmpsim: run as root, or: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "gmpsim: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q "${missing[@]}" >&2
fi

# Each goroutine stack is two kernel mappings (guard page + body); Debian's
# default vm.max_map_count (65530) caps a run near 30000 live goroutines.
# Raise it so 100000 blocked goroutines fit (docs/simulator.md).
want_maps=262144
if [[ -r /proc/sys/vm/max_map_count ]] && (( $(cat /proc/sys/vm/max_map_count) < want_maps )); then
  if [[ $(id -u) -eq 0 ]]; then
    sysctl -q -w vm.max_map_count=$want_maps || echo "gmpsim: could not raise vm.max_map_count" >&2
  else
    echo "gmpsim: vm.max_map_count < $want_maps; runs are limited to ~30000 live goroutines" >&2
  fi
fi
