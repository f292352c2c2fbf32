#!/usr/bin/env bash
# libhsdt exports exactly the hsdt_* functions listed in bindings/c/hsdt.symbols, each with the
# symbol version listed there.
#   check_symbols.sh LIBHSDT_SO HSDT_SYMBOLS
set -euo pipefail
actual=$(nm -D --defined-only --format=posix "$1" | awk '$2 != "A" {print $1}' | sed 's/@@*/ /' | sort -u)
expected=$(grep -v '^#' "$2" | sort -u)
if [ "$actual" != "$expected" ]; then
  echo "exported symbols differ from $2:"
  diff <(echo "$expected") <(echo "$actual") || true
  exit 1
fi
if echo "$actual" | grep -qvE '^hsdt_[a-z0-9_]+ HSDT_1\.[0-9]+$'; then
  echo "a symbol outside the hsdt_ prefix, or without a version, is exported"; exit 1
fi
echo "$(echo "$actual" | wc -l) symbols, all hsdt_*: 1 passed, 0 failed"
