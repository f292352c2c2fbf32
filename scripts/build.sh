#!/usr/bin/env bash
# Configures and builds hsdt into a build directory.
#   scripts/build.sh [--sanitize | --tsan | --fuzz | --release] [--no-bench]
# --sanitize builds into build-asan with AddressSanitizer + UndefinedBehaviorSanitizer.
# --tsan builds into build-tsan with clang and ThreadSanitizer (which also checks, through
# -Wthread-safety -Werror, the lock annotations).
# --fuzz builds the libFuzzer binaries (target hsdt_fuzzers) into build-fuzz with clang, hsdt's
# code instrumented for coverage and under ASan+UBSan (scripts/fuzz.sh runs them).
# --release builds what a consumer builds (the libraries, the C ABI, the CLI) as CMake's plain
# Release build type, into build-release: it must be warning-free (CI builds it).
# Every build here is a development build: warnings are errors (HSDT_WERROR; off for consumers).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DHSDT_WERROR=ON)
targets=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) dir=build-asan; flags+=(-DHSDT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DHSDT_BUILD_BENCHMARKS=OFF) ;;
    --tsan)
      dir=build-tsan
      export CC=clang CXX=clang++
      flags+=(-DHSDT_SANITIZE_THREAD=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHSDT_BUILD_BENCHMARKS=OFF) ;;
    --fuzz) dir=build-fuzz; targets=(--target hsdt_fuzzers)
            flags+=(-DHSDT_BUILD_FUZZERS=ON -DCMAKE_BUILD_TYPE=Debug -DHSDT_BUILD_BENCHMARKS=OFF
                    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
    --release) dir=build-release
               flags+=(-DCMAKE_BUILD_TYPE=Release -DHSDT_BUILD_TESTS=OFF -DHSDT_BUILD_BENCHMARKS=OFF) ;;
    --no-bench) flags+=(-DHSDT_BUILD_BENCHMARKS=OFF) ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# ccache, when the machine has it, makes rebuilds of other checkouts cheap (not required).
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$PWD")}"
  flags+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# One build at a time on this machine: a second one waits for the first.
exec 9>"${TMPDIR:-/tmp}/hsdt-build.lock"
flock 9
cmake -S . -B "$dir" "${generator[@]}" "${flags[@]}" >/dev/null
cmake --build "$dir" -j "${HSDT_JOBS:-2}" "${targets[@]}" >&2
echo "$dir"
