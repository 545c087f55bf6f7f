#!/usr/bin/env bash
# scripts/deps.sh: install the Debian 12 packages gmpsim needs, if missing.
#   deps.sh            build, test and fuzz dependencies
#   deps.sh --bench    also the benchmark baselines (boost.context, Go 1.19)
# Run as root (it calls apt-get); as another user it only reports.
set -euo pipefail

pkgs=(cmake make gcc g++ pkg-config libxxhash-dev libzstd-dev
      clang-14 libclang-rt-14-dev afl++ valgrind python3 chromium)
if [[ "${1:-}" == "--bench" ]]; then
  pkgs+=(libboost-context-dev golang-1.19-go golang-1.19-src)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "gmpsim: missing Debian packages: ${missing[*]}" >&2
  echo "gmpsim: run as root, or: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "gmpsim: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
