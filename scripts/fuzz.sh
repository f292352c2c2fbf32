#!/usr/bin/env bash
# Builds the libFuzzer binaries (scripts/build.sh --fuzz: clang, into build-fuzz) and runs each
# target for the given time over a copy of its corpus (build-fuzz/fuzz-corpus/<target>, seeded
# from tests/fuzz/corpus/<target>; it grows from run to run). Targets run one at a time, each
# under the machine-wide build lock, so a fuzz run never competes with a build.
#   scripts/fuzz.sh [seconds-per-target] [target...]     (default: 60 s, every target)
# Prints executions per second and total executions per target; exits 1 if any target crashed,
# leaked, timed out or ran out of memory (the input is kept in build-fuzz/fuzz-artifacts/: fix
# the bug, then add the input to tests/fuzz/corpus/<target>/ as a regression).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(dossier_json query_json import_jsonl envelope index_key audit_entry c_abi_calls)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# Longest input per target: a dossier is a few KiB of JSON; keys and entries are short; the
# import target skips inputs above 16 KiB itself.
max_len() {
  case "$1" in
    dossier_json) echo 16384 ;;
    query_json) echo 4096 ;;
    import_jsonl) echo 16384 ;;
    envelope) echo 8192 ;;
    c_abi_calls) echo 2048 ;;
    *) echo 1024 ;;
  esac
}
dict() {
  case "$1" in
    dossier_json | query_json | import_jsonl | envelope) echo "-dict=tests/fuzz/json.dict" ;;
  esac
}

dir=$(./scripts/build.sh --fuzz | tail -n 1)
lock="${TMPDIR:-/tmp}/hsdt-build.lock"
artifacts="$dir/fuzz-artifacts"
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${targets[@]}"; do
  bin="$dir/tests/${t}_fuzz"
  [ -x "$bin" ] || { echo "fuzz.sh: no fuzz target $t ($bin)" >&2; exit 2; }
  corpus="$dir/fuzz-corpus/$t"
  mkdir -p "$corpus"
  cp -r "tests/fuzz/corpus/$t/." "$corpus/"
  log="$dir/fuzz-$t.log"
  echo "fuzz.sh: $t for ${seconds}s (log $log)" >&2
  rc=0
  # shellcheck disable=SC2046
  flock "$lock" "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" $(dict "$t") \
    "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n 1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
  line=$(printf '%-14s %8s exec/s %12s execs  cov %6s  new units %5s' "$t" "${rate:-?}" "${execs:-?}" \
         "${cov:-?}" "${added:-?}")
  if [ "$rc" -ne 0 ]; then
    line="$line  FAILED (exit $rc; see $log)"
    failed+=("$t")
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" >&2 || tail -n 20 "$log" >&2
  fi
  summary+=("$line")
done

echo "fuzz.sh: ${seconds}s per target"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
