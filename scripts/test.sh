#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build, and run every test (CTest).
#   scripts/test.sh [--sanitize | --tsan]
#     --sanitize: the ASan+UBSan build, in build-asan
#     --tsan:     the clang ThreadSanitizer build, in build-tsan (suppressions: tests/tsan.supp,
#                 for the uninstrumented system libraries only)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
dir=$(./scripts/build.sh "$@" | tail -n 1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Every report fails the test that caused it; deadlock reports show both stacks. The system
# libraries are not instrumented: only the accesses of interceptors they call are ignored (see
# tests/tsan.supp), never their locks nor anything hsdt's own code does.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$PWD/tests/tsan.supp}
# The I/O-fault loop (hundreds of reopens) runs in the normal build only: under the sanitizers
# it would take most of CI's time; the corruption sweep and log-damage tests run everywhere.
exclude=()
[ "$dir" = build ] || exclude=(-E 'IoFaultTest')
ctest --test-dir "$dir" --output-on-failure -j "${HSDT_JOBS:-2}" "${exclude[@]}"
