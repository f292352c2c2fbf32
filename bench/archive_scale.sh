#!/usr/bin/env bash
# The archive at scale (docs/benchmarks.md, "Archive"): N dossiers (default 100000) imported, then
# `hsdt archive export`, `hsdt archive import` into a new database and a second export; prints the
# wall time, the archive's size and the peak RSS of each step, and checks the round trip.
#   bench/archive_scale.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build}
n=${2:-100000}
hsdt=$(realpath "$build/examples/cli/hsdt")
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hsdt-archive-scale-XXXXXX")
[ -n "${HSDT_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
printf '%s' "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" >"$work/key.hex"
k=(--key-file "$work/key.hex")
admin=(env HSDT_USER=nv.admin HSDT_PASSWORD="quản trị hồ sơ Bình Tân 2024")
editor=(env HSDT_USER=anlac.editor HSDT_PASSWORD="cán bộ phường An Lạc 2024")
measure() {  # measure LABEL command...: wall seconds and peak RSS on stderr
  local label=$1; shift
  /usr/bin/time -f "$label: %e s, peak RSS %M KiB" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  grep "^$label:" "$work/err"
}

python3 - "$here/tests/data/sample-dossier.json" "$n" >"$work/dossiers.jsonl" <<'PY'
import json, sys
sample = json.load(open(sys.argv[1]))
for i in range(int(sys.argv[2])):
    d = dict(sample)
    d["nationalId"] = dict(sample["nationalId"], number="0791%08d" % i)
    d["staffNumber"] = "BT-27460-%06d" % i
    d["name"] = dict(sample["name"], given=["An", "Bình", "Châu", "Dung", "Hà", "Lan", "Minh", "Nhung"][i % 8])
    print(json.dumps(d, ensure_ascii=False))
PY
env HSDT_ADMIN_PASSWORD="quản trị hồ sơ Bình Tân 2024" "$hsdt" init --db "$work/db" "${k[@]}" --admin nv.admin >/dev/null
"${admin[@]}" HSDT_NEW_PASSWORD="tạm thời biên tập 2024" "$hsdt" account create anlac.editor --db "$work/db" "${k[@]}" \
  --unit 27460 --role unit_editor >/dev/null
env HSDT_USER=anlac.editor HSDT_PASSWORD="tạm thời biên tập 2024" HSDT_NEW_PASSWORD="cán bộ phường An Lạc 2024" \
  "$hsdt" password --db "$work/db" "${k[@]}" >/dev/null
measure "load $n dossiers (hsdt import)" "${editor[@]}" "$hsdt" import --db "$work/db" "${k[@]}" "$work/dossiers.jsonl" \
  --source-number 1/QĐ-UBND --source-date 2024-01-15
measure "archive export" "${admin[@]}" "$hsdt" archive export --db "$work/db" "${k[@]}" --out "$work/archive"
echo "archive: $(du -sb "$work/archive" | cut -f1) bytes ($(du -sb "$work/archive/dossiers.jsonl" | cut -f1) in dossiers.jsonl); database: $(du -sb "$work/db" | cut -f1) bytes"
measure "archive import" env HSDT_ADMIN_PASSWORD="mật khẩu mới của quản trị 2026" "$hsdt" archive import \
  --from "$work/archive" --db "$work/copy" "${k[@]}" --admin nv.admin
measure "archive export of the copy" env HSDT_USER=nv.admin HSDT_PASSWORD="mật khẩu mới của quản trị 2026" \
  "$hsdt" archive export --db "$work/copy" "${k[@]}" --out "$work/archive2"
for f in units accounts grants handovers dossiers attachments; do
  cmp -s "$work/archive/$f.jsonl" "$work/archive2/$f.jsonl" || { echo "round trip: $f.jsonl differs"; exit 1; }
done
echo "round trip: the same files"
