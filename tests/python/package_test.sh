#!/usr/bin/env bash
# The Python package from a fresh virtual environment: pip-installs bindings/python (no network:
# Debian's setuptools and wheel, through --system-site-packages), then runs its unittest suite and
# the example against the library just built.
#   package_test.sh LIBHSDT_SO SOURCE_DIR SAMPLE_JSON WORK_DIR
set -euo pipefail
lib=$1 src=$2 sample=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
# A copy: setuptools writes its build files beside the sources.
cp -r "$src/bindings/python" "$work/package"
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --quiet --no-build-isolation --no-index "$work/package" >"$work/pip.log" 2>&1 ||
  { cat "$work/pip.log"; exit 1; }
cd "$work"  # import the installed package, not a source tree
export HSDT_LIBRARY=$lib HSDT_SAMPLE=$sample
"$work/venv/bin/python" -c 'import hsdt, sys; assert hsdt.__file__.startswith(sys.prefix), hsdt.__file__'
"$work/venv/bin/python" -m unittest discover -s "$src/bindings/python/tests" -v
out=$("$work/venv/bin/python" "$src/examples/python/unit_listing.py" "$sample")
echo "$out"
# Vietnamese order: An, Ánh, Bảo, Châu, Đức (Đ after D), Hà, Khánh, Yến.
expected="An Ánh Bảo Châu Đức Hà Khánh Yến"
actual=$(echo "$out" | awk 'NR > 1 {print $4}' | paste -sd' ')
[ "$actual" = "$expected" ] || { echo "order: got '$actual', expected '$expected'"; exit 1; }
