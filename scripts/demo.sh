#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build, and run `hsdt demo` (the demo
# district database is created in ./hsdt-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh --no-bench >/dev/null 2>&1 || ./scripts/build.sh --no-bench >/dev/null
exec ./build/examples/cli/hsdt demo "$@"
