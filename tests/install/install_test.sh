#!/usr/bin/env bash
# Installs hsdt into a temporary prefix, checks what was installed, and builds three hosts outside
# the tree against it: C++ with find_package (libhsdt++.so, then COMPONENTS static), and C with
# pkg-config (libhsdt.so.1). Each creates a database, logs in, creates and reads a dossier.
#   install_test.sh BUILD_DIR SAMPLE_JSON WORK_DIR
set -euo pipefail
build=$1 sample=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

fail() { echo "install_test: $*" >&2; exit 1; }
libdir=$(cd "$prefix" && ls -d lib*/ | head -n 1)
libdir=${libdir%/}
for f in bin/hsdt include/hsdt.h include/hsdt/database.h include/hsdt/status.h \
         "$libdir/libhsdt.so.1" "$libdir/libhsdt++.so.1.1" "$libdir/libhsdt++.a" \
         "$libdir/cmake/hsdt/hsdtConfig.cmake" "$libdir/cmake/hsdt/hsdtConfigVersion.cmake" \
         "$libdir/cmake/hsdt/hsdtTargets.cmake" "$libdir/pkgconfig/hsdt.pc" "$libdir/pkgconfig/hsdt++.pc" \
         share/doc/hsdt/abi.md; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# The public headers only: nothing of src/ (no private header, no Cap'n Proto or RocksDB name).
[ -z "$(find "$prefix/include" -name '*.h' ! -path '*/include/hsdt/*' ! -name hsdt.h)" ] ||
  fail "headers outside include/hsdt/: $(find "$prefix/include" -name '*.h')"
if grep -rlE '#include <(rocksdb|capnp|kj|sodium|unicode)/|"(base|storage|schema|db)/' "$prefix/include"; then
  fail "an installed header includes a private or third-party header"
fi
[ "$(readelf -d "$prefix/$libdir/libhsdt.so.1" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" = libhsdt.so.1 ] ||
  fail "libhsdt.so.1 has the wrong SONAME"
[ "$(readelf -d "$prefix/$libdir/libhsdt++.so.1.1" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" = libhsdt++.so.1.1 ] ||
  fail "libhsdt++.so.1.1 has the wrong SONAME"
# libhsdt++ exports the C++ API and nothing else: no implementation class, no internal folder.
leaks=$(nm -DC --defined-only "$prefix/$libdir/libhsdt++.so.1.1" | grep -vE ' hsdt::| HSDT_CXX_1\.1$' |
          grep -v '^$' || true)
[ -z "$leaks" ] || fail "libhsdt++ exports more than hsdt::: $leaks"
internal=$(nm -DC --defined-only "$prefix/$libdir/libhsdt++.so.1.1" |
             grep -E 'hsdt::(base|crypto|schema|storage|audit|policy|query|db|internal)::|::Impl::' || true)
[ -z "$internal" ] || fail "libhsdt++ exports internals: $internal"
"$prefix/bin/hsdt" help >/dev/null || fail "the installed CLI does not run"

for mode in shared static; do
  flag=OFF
  [ "$mode" = static ] && flag=ON
  cmake -S "$here/cxx" -B "$work/cxx-$mode" -DCMAKE_PREFIX_PATH="$prefix" -DCONSUMER_STATIC=$flag \
        -DCMAKE_BUILD_TYPE=Release >"$work/cxx-$mode.log"
  cmake --build "$work/cxx-$mode" >>"$work/cxx-$mode.log" || { cat "$work/cxx-$mode.log"; fail "C++ $mode consumer"; }
  "$work/cxx-$mode/consumer" "$work/db-cxx-$mode" "$sample"
done
if [ "$(readelf -d "$work/cxx-shared/consumer" | grep -c 'libhsdt++.so.1.1')" != 1 ]; then
  fail "the shared C++ consumer does not load libhsdt++.so.1.1"
fi
if readelf -d "$work/cxx-static/consumer" | grep -q 'libhsdt'; then
  fail "the static C++ consumer loads a shared libhsdt"
fi

export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
[ "$(pkg-config --modversion hsdt)" = "$(pkg-config --modversion hsdt++)" ] || fail "pkg-config versions differ"
# shellcheck disable=SC2046
cc -std=c99 -pedantic -Wall -Wextra -Werror "$here/c/main.c" -o "$work/c-consumer" \
   $(pkg-config --cflags --libs hsdt) -Wl,-rpath,"$prefix/$libdir"
"$work/c-consumer" "$work/db-c" "$sample"
echo "install_test: ok"
