#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build, and run every test (CTest).
#   scripts/test.sh [--sanitize]   (--sanitize: the ASan+UBSan build, in build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
dir=$(./scripts/build.sh "$@" | tail -n 1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$dir" --output-on-failure -j "${HSDT_JOBS:-2}"
