#!/usr/bin/env bash
# The hsdt command-line tool end to end: logins, commands, key sources and exit codes.
#   cli_test.sh HSDT_BINARY SAMPLE_JSON
set -uo pipefail
hsdt=$1
sample=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/err"; failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}
check() { grep -q -- "$1" "$2" || { echo "FAIL: $3"; failures=$((failures + 1)); }; }
check_not() { ! grep -q -- "$1" "$2" || { echo "FAIL: $3"; failures=$((failures + 1)); }; }
mode_is() {  # mode_is MODE PATH DESCRIPTION
  local got; got=$(stat -c %a "$2" 2>/dev/null)
  if [ "$got" = "$1" ]; then echo "ok: $3"; else echo "FAIL: $3: mode $got, expected $1"; failures=$((failures + 1)); fi
}
umask022=(sh -c 'umask 022; exec "$@"' _)
src=(--source-number 12/QĐ-UBND --source-date 2024-02-01)
printf '%s' "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" >"$tmp/key.hex"
printf '%s' "another key that is a passphrase" >"$tmp/other.key"
db=$tmp/db
k=(--db "$db" --key-file "$tmp/key.hex")
admin_pw="quản trị hồ sơ Bình Tân 2024"
editor_pw="cán bộ phường An Lạc 2024"
as_admin=(env HSDT_USER=nv.admin HSDT_PASSWORD="$admin_pw")
as_editor=(env HSDT_USER=anlac.editor HSDT_PASSWORD="$editor_pw")

expect 0 "init with a hex key file and a first administrator" -- env HSDT_ADMIN_PASSWORD="$admin_pw" "$hsdt" init "${k[@]}" --admin nv.admin
expect 8 "init twice is refused" -- env HSDT_ADMIN_PASSWORD="$admin_pw" "$hsdt" init "${k[@]}" --admin nv.admin
expect 9 "a wrong password is refused" -- env HSDT_USER=nv.admin HSDT_PASSWORD=wrong "$hsdt" stats "${k[@]}"
expect 0 "the administrator creates an editor" -- "${as_admin[@]}" HSDT_NEW_PASSWORD="tạm thời biên tập 2024" "$hsdt" account create anlac.editor "${k[@]}" --unit 27460 --role unit_editor
expect 9 "a temporary password must be changed first" -- env HSDT_USER=anlac.editor HSDT_PASSWORD="tạm thời biên tập 2024" "$hsdt" list "${k[@]}"
expect 0 "the editor changes it" -- env HSDT_USER=anlac.editor HSDT_PASSWORD="tạm thời biên tập 2024" HSDT_NEW_PASSWORD="$editor_pw" "$hsdt" password "${k[@]}"
expect 0 "put creates" -- sh -c "\"\$@\" < \"$sample\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" "${src[@]}"
id=$(cut -d' ' -f1 "$tmp/out")
[ "$id" = "HS00000001" ] || { echo "FAIL: unexpected id '$id'"; failures=$((failures + 1)); }
expect 0 "get" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id"
check '"given":"Nhung"' "$tmp/out" "get output lacks the name"
expect 5 "wrong database key" -- "${as_editor[@]}" "$hsdt" get --db "$db" --key-file "$tmp/other.key" "$id"
expect 3 "unknown dossier" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" HS00000099
expect 8 "bad JSON is rejected" -- sh -c "echo '{\"gender\": \"x\"}' | \"\$@\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" "${src[@]}"
check '\$' "$tmp/err" "the error names no JSON path"
sed 's/0908123456/0909999999/' "$sample" >"$tmp/v2.json"
expect 0 "put --id updates" -- sh -c "\"\$@\" < \"$tmp/v2.json\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" --id "$id" --expect 1 "${src[@]}"
expect 4 "stale update conflicts" -- sh -c "\"\$@\" < \"$tmp/v2.json\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" --id "$id" --expect 1 "${src[@]}"
expect 0 "status change" -- "${as_editor[@]}" "$hsdt" status "${k[@]}" --expect 2 "${src[@]}" "$id" nghiHuu
expect 0 "history" -- "${as_editor[@]}" "$hsdt" history "${k[@]}" "$id"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || { echo "FAIL: history should list 3 versions"; failures=$((failures + 1)); }
# Every offset names the same instant: the moment version 2 was recorded, written in three zones.
v2_at=$(sed -n 2p "$tmp/out" | cut -f2)  # 2026-11-26T17:45:14.123456Z
v2_secs=$(date -u -d "${v2_at%.*}Z" +%s); v2_frac=${v2_at#*.}; v2_frac=${v2_frac%Z}
for zone in Asia/Ho_Chi_Minh America/New_York UTC; do
  at="$(TZ=$zone date -d "@$v2_secs" +%Y-%m-%dT%H:%M:%S).$v2_frac$(TZ=$zone date -d "@$v2_secs" +%:z)"
  expect 0 "get --as-of $at (version 2, recorded at $v2_at)" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --as-of "$at"
  check 0909999999 "$tmp/out" "--as-of $at should read version 2"
  check_not nghiHuu "$tmp/out" "--as-of $at read version 3"
done
# The change feed: the three versions in order, for the editor; the accounts only for the admin.
expect 0 "changes" -- "${as_editor[@]}" "$hsdt" changes "${k[@]}"
grep -P '\tdossier\t' "$tmp/out" | cut -f3,4,5 >"$tmp/feed"
printf 'create\t%s\t1\nupdate\t%s\t2\nstatusChange\t%s\t3\n' "$id" "$id" "$id" | diff - "$tmp/feed" >/dev/null ||
  { echo "FAIL: changes should list create, update, statusChange of $id"; cat "$tmp/out"; failures=$((failures + 1)); }
check_not "	account	" "$tmp/out" "an editor sees no account in the feed"
check "next position: " "$tmp/err" "changes ends with the position to resume from"
last=$(grep -P '\tdossier\t' "$tmp/out" | tail -n 1 | cut -f1)
expect 0 "changes --since the last position lists nothing" -- "${as_editor[@]}" "$hsdt" changes "${k[@]}" --since "$last"
[ ! -s "$tmp/out" ] || { echo "FAIL: changes --since $last printed something"; failures=$((failures + 1)); }
expect 0 "the admin's feed has accounts" -- "${as_admin[@]}" "$hsdt" changes "${k[@]}" --limit 5
check "	account	create	anlac.editor	" "$tmp/out" "the admin sees the editor's account created"
expect 0 "the admin's feed, for an inspection" -- "${as_admin[@]}" "$hsdt" changes "${k[@]}" --purpose inspection
check "	dossier	statusChange	$id	3	" "$tmp/out" "with a purpose the admin sees the unit's dossiers"
expect 8 "changes --limit 0 is refused" -- "${as_editor[@]}" "$hsdt" changes "${k[@]}" --limit 0
expect 0 "get --as-of with Z" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --as-of "$v2_at"
check_not nghiHuu "$tmp/out" "--as-of $v2_at read version 3"
expect 8 "an impossible --as-of date is refused, not read as 1 March" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --as-of 2024-02-30
check "as-of" "$tmp/err" "the error names --as-of"
expect 8 "--as-of 0000-00-00 is refused" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --as-of 0000-00-00
expect 8 "--as-of past 2^63 microseconds is refused" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --as-of 99999999999999999999
expect 2 "an unknown option is a usage error, not ignored" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --versoin 1
check "unknown option --versoin" "$tmp/err" "the error names the unknown option"
expect 2 "an unknown option before --db does not swallow it" -- "${as_editor[@]}" "$hsdt" get --verbose --db "$db" --key-file "$tmp/key.hex" "$id"
expect 2 "an option another command takes is still unknown to get" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --batch 5
expect 2 "an option given twice is a usage error" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --version 1 --version 2
expect 2 "put --expect without --id is a usage error" -- sh -c "\"\$@\" < \"$sample\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" --expect 1 "${src[@]}"
expect 3 "...and it created nothing" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" HS00000002
mkdir -p "$tmp/a-directory"
expect 8 "a directory as --key-file is bad input, not an internal error" -- "${as_editor[@]}" "$hsdt" get --db "$db" --key-file "$tmp/a-directory" "$id"
check "a-directory is a directory" "$tmp/err" "the error names the directory"
expect 3 "a missing --key-file is not found" -- "${as_editor[@]}" "$hsdt" get --db "$db" --key-file "$tmp/no-such-key" "$id"
expect 8 "a directory to import is bad input, not an internal error" -- "${as_editor[@]}" "$hsdt" import "${k[@]}" "$tmp/a-directory" "${src[@]}"
check "a-directory is a directory" "$tmp/err" "the import error names the directory"
expect 2 "demo --people past int is a usage error" -- env -u HSDT_PASSPHRASE "$hsdt" demo --db "$tmp/demo-big" --people 1000000000000
expect 2 "demo --seed past 2^64 is a usage error" -- env -u HSDT_PASSPHRASE "$hsdt" demo --db "$tmp/demo-big" --seed 99999999999999999999
expect 0 "diff" -- "${as_editor[@]}" "$hsdt" diff "${k[@]}" "$id" 1 2
check '^\$.phone$' "$tmp/out" "diff should name \$.phone"
expect 0 "get --version" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" --version 1 "$id"
check 0908123456 "$tmp/out" "version 1 lost its phone"
expect 9 "the administrator reads another unit only with a purpose" -- "${as_admin[@]}" "$hsdt" get "${k[@]}" "$id"
expect 0 "...and with one" -- "${as_admin[@]}" "$hsdt" get "${k[@]}" "$id" --purpose statistics
expect 9 "an editor does not run checks" -- "${as_editor[@]}" "$hsdt" check "${k[@]}"
expect 0 "check" -- "${as_admin[@]}" "$hsdt" check "${k[@]}"
expect 0 "unit create" -- "${as_admin[@]}" "$hsdt" unit create 777-TTCN "${k[@]}" --name "Trung tâm Công nghệ thông tin" --kind public_service_unit
expect 0 "grant issue" -- "${as_admin[@]}" "$hsdt" grant issue "${k[@]}" --to-unit 27463 --dossiers "$id" --rights read --purposes training --legal-number 9/CV --legal-date 2024-03-01 --signer "Chủ tịch" --from 2024-01-01 --until 2099-01-01
check GR00000001 "$tmp/out" "the grant id"
expect 0 "explain" -- "${as_admin[@]}" "$hsdt" explain nv.admin read_dossier "$id" "${k[@]}" --at 2099-01-01 --purpose statistics
check "allowed by district-admin" "$tmp/out" "explain should allow the administrator"
# A grant runs from the start of its first day to the end of its last day in Hồ Chí Minh City
# (UTC+7), whatever offset a time is written with.
expect 0 "an account of 27436" -- "${as_admin[@]}" HSDT_NEW_PASSWORD="tạm thời người xem 2024" "$hsdt" account create binhhunghoa.viewer "${k[@]}" --unit 27436 --role unit_viewer
expect 0 "a grant for June 2098" -- "${as_admin[@]}" "$hsdt" grant issue "${k[@]}" --to-user binhhunghoa.viewer --dossiers "$id" --rights read --purposes training --legal-number 10/CV --legal-date 2024-03-01 --signer "Chủ tịch" --from 2098-06-01 --until 2098-06-30
for at in 2098-06-01T00:30:00+07:00 2098-05-31T17:30:00Z 2098-05-31T12:30:00-05:00 2098-06-01T00:30:00 2098-06-01 2098-06-30T23:59:59+07:00 2098-06-30T16:59:59Z 2098-06-30T23:59:59; do
  expect 0 "explain --at $at" -- "${as_admin[@]}" "$hsdt" explain binhhunghoa.viewer read_dossier "$id" "${k[@]}" --at "$at" --purpose training
  check "allowed by grant" "$tmp/out" "explain --at $at should find the grant in force"
done
for at in 2098-05-31T23:30:00+07:00 2098-05-31T16:30:00Z 2098-05-31T11:30:00-05:00 2098-07-01T00:00:00+07:00 2098-06-30T17:00:00Z 2098-07-01; do
  expect 0 "explain --at $at" -- "${as_admin[@]}" "$hsdt" explain binhhunghoa.viewer read_dossier "$id" "${k[@]}" --at "$at" --purpose training
  check "denied" "$tmp/out" "explain --at $at is outside the grant"
done
expect 8 "explain --at an impossible date" -- "${as_admin[@]}" "$hsdt" explain binhhunghoa.viewer read_dossier "$id" "${k[@]}" --at 2024-02-30 --purpose training
expect 8 "grant --until an impossible date" -- "${as_admin[@]}" "$hsdt" grant issue "${k[@]}" --to-unit 27463 --dossiers "$id" --rights read --legal-number 9/CV --legal-date 2024-03-01 --signer "Chủ tịch" --from 2024-01-01 --until 2099-02-29
expect 0 "find by name without diacritics" -- "${as_editor[@]}" "$hsdt" find "${k[@]}" '{"filter": {"name": {"text": "nguyen thi hong nhung", "match": "exact"}}, "fields": ["fullName"]}'
check '"fullName":"Nguyễn Thị Hồng Nhung"' "$tmp/out" "find prints the row"
expect 8 "find names the faulty JSON path" -- "${as_editor[@]}" "$hsdt" find "${k[@]}" '{"filter": {"eq": {"field": "salary", "value": "1"}}}'
check '$.filter.eq.field' "$tmp/err" "find error names the path"
expect 0 "stats --by counts" -- "${as_editor[@]}" "$hsdt" stats "${k[@]}" --by managingUnit,gender
check "27460	nu	1" "$tmp/out" "stats prints the group"
expect 8 "stats --by an identifying field" -- "${as_editor[@]}" "$hsdt" stats "${k[@]}" --by status,nationalId
check 'group_by\[1\]: nationalId identifies a person' "$tmp/err" "stats names the identifying field"
expect 0 "export csv" -- "${as_editor[@]}" "$hsdt" export "${k[@]}" '{"filter": {"eq": {"field": "managingUnit", "value": "27460"}}}' --format csv --out "$tmp/export.csv"
check "Nhung" "$tmp/export.csv" "the export holds the row"
# Personal data written with --out is owner-only (0600) whatever the umask.
expect 0 "export --out under umask 022" -- "${umask022[@]}" "${as_editor[@]}" "$hsdt" export "${k[@]}" '{"filter": {"eq": {"field": "managingUnit", "value": "27460"}}}' --format csv --out "$tmp/private.csv"
mode_is 600 "$tmp/private.csv" "the export file is 0600"
check "Nhung" "$tmp/private.csv" "the private export holds the row"
# Scanned source documents: attached from a file, listed, written back byte for byte (owner-only).
{ printf '%%PDF-1.4\n'; head -c 700000 /dev/urandom; } >"$tmp/scan.pdf"
tab=$'\t'
expect 0 "attach a scan" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.pdf" --kind decision --title "Quyết định nghỉ hưu" "${src[@]}" --pages 2 --reason "bản quét"
check "^TL00000001${tab}1/1${tab}decision${tab}-${tab}application/pdf${tab}700009${tab}2${tab}12/QĐ-UBND" "$tmp/out" "attach prints the new attachment"
check "sha256${tab}$(sha256sum "$tmp/scan.pdf" | cut -d' ' -f1)" "$tmp/out" "attach prints the scan's SHA-256"
expect 0 "attachments lists the dossier's scans" -- "${as_editor[@]}" "$hsdt" attachments "${k[@]}" "$id"
check "Quyết định nghỉ hưu" "$tmp/out" "the listing names the scan"
expect 0 "attachment get under umask 022" -- "${umask022[@]}" "${as_editor[@]}" "$hsdt" attachment get "${k[@]}" TL00000001 --out "$tmp/back.pdf"
if cmp -s "$tmp/scan.pdf" "$tmp/back.pdf"; then echo "ok: the scan comes back byte for byte"
else echo "FAIL: the scan read back differs"; failures=$((failures + 1)); fi
mode_is 600 "$tmp/back.pdf" "the scan written back is 0600"
expect 0 "a better scan supersedes it" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.pdf" --kind decision --title "Quyết định nghỉ hưu (bản rõ)" "${src[@]}" --supersedes TL00000001
expect 0 "attachment history" -- "${as_editor[@]}" "$hsdt" attachment history "${k[@]}" TL00000001
[ "$(grep -c '^TL00000001' "$tmp/out")" -eq 2 ] || { echo "FAIL: history should list 2 versions"; failures=$((failures + 1)); }
printf 'GIF89a not a kept format' >"$tmp/scan.gif"
expect 8 "a GIF is refused" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.gif" --kind other --title "Ảnh"
check "bytes 0 to 7 are not the start of a PDF" "$tmp/err" "the refusal names the bytes"
expect 8 "a decision without its source document" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.pdf" --kind decision --title "Quyết định"
check "source" "$tmp/err" "the refusal names the source"
expect 8 "an unknown kind" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.pdf" --kind photo --title "Ảnh"
expect 3 "a missing file" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/none.pdf" --kind other --title "Ảnh"
expect 2 "attach without --kind" -- "${as_editor[@]}" "$hsdt" attach "${k[@]}" "$id" "$tmp/scan.pdf" --title "Ảnh"
expect 3 "an unknown attachment" -- "${as_editor[@]}" "$hsdt" attachment get "${k[@]}" TL00000009 --out "$tmp/none.pdf"
[ ! -e "$tmp/none.pdf" ] || { echo "FAIL: a failed get left a file"; failures=$((failures + 1)); }
expect 0 "semi-annual report as HTML" -- "${as_admin[@]}" "$hsdt" report "${k[@]}" --due 2026-12-01 --out "$tmp/report.html"
check "BÁO CÁO TÌNH HÌNH QUẢN LÝ HỒ SƠ" "$tmp/report.html" "the report page has its title"
expect 8 "a report date that is not 1 June or 1 December" -- "${as_admin[@]}" "$hsdt" report "${k[@]}" --due 2026-12-02
tr -d '\n' <"$sample" | sed 's/079184012345/079184099001/' >"$tmp/import.jsonl"; echo >>"$tmp/import.jsonl"
tr -d '\n' <"$sample" | sed 's/079184012345/079184099002/; s/1984-03-17/1984-02-30/' >>"$tmp/import.jsonl"; echo >>"$tmp/import.jsonl"
expect 8 "import reports the faulty line" -- "${as_editor[@]}" "$hsdt" import "${k[@]}" "$tmp/import.jsonl" --batch 1 "${src[@]}"
check "line 2: \$.birthDate" "$tmp/out" "import names the line and the path"
check "imported 1, batches committed 1, rejected 1" "$tmp/out" "import commits the good batch only"
expect 0 "index verify" -- "${as_admin[@]}" "$hsdt" index verify "${k[@]}"
expect 9 "an editor does not run index verify" -- "${as_editor[@]}" "$hsdt" index verify "${k[@]}"
expect 0 "audit verify" -- "${as_admin[@]}" "$hsdt" audit verify "${k[@]}"
expect 0 "audit digest" -- "${as_admin[@]}" "$hsdt" audit digest "${k[@]}"
digest=$(cat "$tmp/out")
expect 0 "audit verify against the digest" -- "${as_admin[@]}" "$hsdt" audit verify "${k[@]}" --digest "$digest"
expect 2 "a digest sequence past 64 bits is a usage error" -- "${as_admin[@]}" "$hsdt" audit verify "${k[@]}" --digest "99999999999999999999:${digest#*:}"
expect 8 "a digest that is not hex is bad input, not a rewritten history" -- "${as_admin[@]}" "$hsdt" audit verify "${k[@]}" --digest "${digest%%:*}:not-hex"
check "64 hex digits" "$tmp/err" "the digest error says what is expected"
expect 2 "audit read --limit past 64 bits" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --limit 99999999999999999999
expect 0 "audit read" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --limit 1000
check DENIED "$tmp/out" "the refusals are in the audit log"
expect 0 "audit read filtered for an inspection" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --dossier HS00000099 --outcome denied --since 2020-01-01
check "^sequence${tab}recorded_at${tab}actor${tab}action${tab}target${tab}outcome" "$tmp/out" "audit read has a header line"
check "HS00000099.*DENIED" "$tmp/out" "the filtered read finds the refused read of HS00000099"
check_not "${tab}allowed${tab}" "$tmp/out" "the filtered read shows refusals only"
expect 2 "audit read --outcome takes allowed or denied" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --outcome maybe
expect 9 "an editor does not read the audit log" -- "${as_editor[@]}" "$hsdt" audit read "${k[@]}"
expect 0 "backup" -- "${as_admin[@]}" "$hsdt" backup "${k[@]}" --to "$tmp/backups"
expect 0 "backup-verify" -- "$hsdt" backup-verify "$tmp/backups" --key-file "$tmp/key.hex"
expect 0 "restore" -- "$hsdt" restore --from "$tmp/backups" --db "$tmp/restored" --key-file "$tmp/key.hex"
expect 0 "restored database checks clean" -- "${as_admin[@]}" "$hsdt" check --db "$tmp/restored" --key-file "$tmp/key.hex"
expect 0 "rekey" -- "${as_admin[@]}" "$hsdt" rekey "${k[@]}"
# A second process reads beside the one that has the database open (a follower of the feed).
"${as_editor[@]}" "$hsdt" changes "${k[@]}" --follow >"$tmp/follow.out" 2>"$tmp/follow.err" &
follower=$!
for _ in $(seq 1 300); do  # open once it has printed the feed so far
  [ -s "$tmp/follow.out" ] && break
  sleep 0.1
done
expect 7 "a second writer is busy, and told how to read beside it" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id"
check "read-only" "$tmp/err" "the Busy message names --read-only"
expect 0 "get --read-only beside the primary" -- "${as_editor[@]}" "$hsdt" get "${k[@]}" "$id" --read-only
check '"given":"Nhung"' "$tmp/out" "the view reads the dossier"
expect 7 "put --read-only is refused" -- sh -c "\"\$@\" < \"$sample\"" _ "${as_editor[@]}" "$hsdt" put "${k[@]}" "${src[@]}" --read-only
check "read-only view" "$tmp/err" "the refusal says it is a read-only view"
expect 0 "changes --read-only" -- "${as_editor[@]}" "$hsdt" changes "${k[@]}" --read-only
check "	dossier	" "$tmp/out" "the view reads the feed"
kill -TERM "$follower"
wait "$follower"
[ $? -eq 0 ] && echo "ok: the follower stops on SIGTERM" || { echo "FAIL: the follower did not stop cleanly"; cat "$tmp/follow.err"; failures=$((failures + 1)); }
expect 0 "the primary links the views' audit entries" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --limit 100000
check "(read-only view)" "$tmp/out" "the view's reads are in the audit log"

# A file read in slices (--slice-lines 4 at --batch 2: two batches a slice): batches and line
# numbers, in errors and in audit entries, are those of the whole file, so the batch holding a
# bad line in the third slice is refused whole, and lines are numbered from the file's start.
tr -d '\n' <"$sample" >"$tmp/one.json"
awk '{ for (i = 1; i <= 9; i++) { line = $0; sub(/079184012345/, sprintf("0791847%05d", i), line); print line; if (i == 2) print "" } }' "$tmp/one.json" >"$tmp/sliced.jsonl"
tr -d '\n' <"$sample" | sed 's/079184012345/079184799999/; s/1984-03-17/1984-02-30/' >>"$tmp/sliced.jsonl"; echo >>"$tmp/sliced.jsonl"
expect 8 "an import read in slices" -- "${as_editor[@]}" "$hsdt" import "${k[@]}" "$tmp/sliced.jsonl" --batch 2 --slice-lines 4 "${src[@]}"
check "lines 10, imported 8, batches committed 4, rejected 1" "$tmp/out" "the slices commit the whole file's batches"
check "line 11: \$.birthDate" "$tmp/out" "the bad line is numbered in the whole file"
expect 0 "audit read of the sliced import" -- "${as_admin[@]}" "$hsdt" audit read "${k[@]}" --action create_dossier --since 2020-01-01
check "lines 8-9)" "$tmp/out" "the audit entry of a batch in the second slice numbers its lines in the whole file"
expect 2 "--slice-lines 0" -- "${as_editor[@]}" "$hsdt" import "${k[@]}" "$tmp/sliced.jsonl" --slice-lines 0 "${src[@]}"

expect 0 "account reset" -- "${as_admin[@]}" "$hsdt" account reset anlac.editor "${k[@]}" --report-number 3/BC --report-date 2024-05-02
check "temporary password" "$tmp/out" "reset prints a temporary password"
expect 0 "passwd" -- "${as_admin[@]}" HSDT_NEW_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" passwd "${k[@]}"
expect 5 "the old key no longer opens it" -- "${as_admin[@]}" "$hsdt" check "${k[@]}"
expect 0 "the new passphrase does" -- "${as_admin[@]}" HSDT_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" stats --db "$db"
expect 2 "unknown command" -- "$hsdt" frobnicate --db "$db"
expect 0 "demo" -- env -u HSDT_PASSPHRASE "$hsdt" demo --db "$tmp/demo" --people 150
check "0 lần xuất hiện" "$tmp/out" "demo plaintext scan"
check "nguyên vẹn" "$tmp/out" "demo audit chain"
expect 2 "demo refuses a folder that is not a demo" -- "$hsdt" demo --db "$db" --people 150

# The demo district through the open archive: exported, imported into a new database under a new
# key, exported again: the same files, the audit log longer only by what came after the first.
demo_as=(env HSDT_USER=nv.quantri HSDT_PASSWORD="quản trị hồ sơ quận Bình Tân" HSDT_PASSPHRASE="bình-tân-demo-2026")
expect 0 "archive export of the demo district" -- "${umask022[@]}" "${demo_as[@]}" "$hsdt" archive export --db "$tmp/demo" --out "$tmp/archive"
check "manifest sha256 [0-9a-f]\{64\}" "$tmp/out" "archive export prints the manifest digest"
mode_is 600 "$tmp/archive/dossiers.jsonl" "archive files are owner-only"
mode_is 700 "$tmp/archive" "the archive directory is owner-only"
expect 2 "archive import without --admin" -- "$hsdt" archive import --from "$tmp/archive" --db "$tmp/demo-copy" --key-file "$tmp/key.hex"
expect 0 "archive import into a new database" -- env HSDT_ADMIN_PASSWORD="mật khẩu mới của quản trị 2026" "$hsdt" archive import --from "$tmp/archive" --db "$tmp/demo-copy" --key-file "$tmp/key.hex" --admin nv.quantri
copy_as=(env HSDT_USER=nv.quantri HSDT_PASSWORD="mật khẩu mới của quản trị 2026")
expect 0 "the copy checks clean" -- "${copy_as[@]}" "$hsdt" check --db "$tmp/demo-copy" --key-file "$tmp/key.hex"
expect 0 "the copy's audit log verifies" -- "${copy_as[@]}" "$hsdt" audit verify --db "$tmp/demo-copy" --key-file "$tmp/key.hex"
expect 0 "archive export of the copy" -- "${copy_as[@]}" "$hsdt" archive export --db "$tmp/demo-copy" --key-file "$tmp/key.hex" --out "$tmp/archive2"
same=1
for f in units accounts grants handovers dossiers attachments; do
  cmp -s "$tmp/archive/$f.jsonl" "$tmp/archive2/$f.jsonl" || { echo "FAIL: $f.jsonl differs after the round trip"; failures=$((failures + 1)); same=0; }
done
n=$(wc -c <"$tmp/archive/audit.jsonl")
if head -c "$n" "$tmp/archive2/audit.jsonl" | cmp -s - "$tmp/archive/audit.jsonl"; then echo "ok: the audit log is kept entry for entry"
else echo "FAIL: the audit log changed in the round trip"; failures=$((failures + 1)); fi
[ "$same" -eq 1 ] && echo "ok: the re-export gives the same files"
printf 'x' >>"$tmp/archive/dossiers.jsonl"
expect 6 "a changed archive is refused" -- env HSDT_ADMIN_PASSWORD="mật khẩu mới của quản trị 2026" "$hsdt" archive import --from "$tmp/archive" --db "$tmp/demo-copy2" --key-file "$tmp/key.hex" --admin nv.quantri
check "dossiers.jsonl" "$tmp/err" "the refusal names the file"
[ ! -e "$tmp/demo-copy2" ] || { echo "FAIL: a refused import left a database"; failures=$((failures + 1)); }


# Reports written with --out are owner-only whatever the umask, also over a file that was 0644;
# so are the directories hsdt makes (a backup directory here).
: >"$tmp/was-public.html"; chmod 644 "$tmp/was-public.html"
expect 0 "report --out over a 0644 file under umask 022" -- "${umask022[@]}" "${as_admin[@]}" HSDT_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" report --db "$db" --due 2026-12-01 --out "$tmp/was-public.html"
mode_is 600 "$tmp/was-public.html" "the report file is made 0600"
check "BÁO CÁO" "$tmp/was-public.html" "the report was written"
expect 0 "backup into a new directory under umask 022" -- "${umask022[@]}" "${as_admin[@]}" HSDT_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" backup --db "$db" --to "$tmp/new-backups/nested"
mode_is 700 "$tmp/new-backups" "a directory backup made is 0700"
mode_is 700 "$tmp/new-backups/nested" "the backup directory is 0700"
mode_is 700 "$db" "the database directory init made is 0700"

# Another user (root is never refused by file permissions, so as root the command runs as nobody)
# gets a permission error naming the path, not "no database here".
other=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null && other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
  other=(env)
fi
if [ ${#other[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || chmod 000 "$db"
  expect 7 "a database another user may not open" -- "${other[@]}" env HSDT_USER=nv.admin HSDT_PASSWORD="$admin_pw" HSDT_PASSPHRASE="x" "$hsdt" stats --db "$db"
  check "permission denied" "$tmp/err" "the error says permission denied"
  check "$db" "$tmp/err" "the error names the path"
  [ "$(id -u)" -eq 0 ] || chmod 700 "$db"

  # No core dumps: a running hsdt (blocked opening a key file that is a FIFO) has a core size
  # limit of 0 and is not dumpable (/proc/<pid> then belongs to root, not to the process's user).
  pub=$(mktemp -d); chmod 755 "$pub"; mkfifo -m 666 "$pub/key.fifo"
  (ulimit -S -c unlimited 2>/dev/null; exec "${other[@]}" "$hsdt" init --db "$pub/db" --key-file "$pub/key.fifo" --admin nv.admin) &
  pid=$!
  for _ in $(seq 50); do
    case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */hsdt) break ;; esac
    sleep 0.1
  done
  sleep 0.2
  limits=$(grep "Max core file size" "/proc/$pid/limits" 2>/dev/null)
  owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -rf "$pub"
  if echo "$limits" | grep -Eq "size +0 +0 "; then echo "ok: hsdt runs with core dumps off"
  else echo "FAIL: hsdt allows core dumps: $limits"; failures=$((failures + 1)); fi
  if [ "$owner" = "0" ]; then echo "ok: hsdt is not dumpable"
  else echo "FAIL: hsdt is dumpable (/proc/$pid owned by uid '$owner')"; failures=$((failures + 1)); fi
else
  echo "skipped: running as root without setpriv: permission and core dump checks"
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
