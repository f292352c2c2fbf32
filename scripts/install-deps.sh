#!/usr/bin/env bash
# Installs every Debian 12 package hsdt needs to build, test and benchmark.
# Idempotent: packages already present are skipped; safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  python3-venv python3-setuptools python3-wheel  # the Python package test (pip, no network)
  clang libclang-rt-14-dev  # scripts/build.sh --tsan and --fuzz (ThreadSanitizer, libFuzzer)
  librocksdb-dev libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev libbz2-dev
  capnproto libcapnp-dev
  libsodium-dev
  libboost-dev
  libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libsqlcipher-dev
  cracklib-runtime libcrack2-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
