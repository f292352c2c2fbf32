#!/usr/bin/env bash
# The hsdt command-line tool end to end: commands, key sources and exit codes.
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
src=(--source-number 12/QĐ-UBND --source-date 2024-02-01 --actor cli-test)
printf '%s' "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" >"$tmp/key.hex"
printf '%s' "another key that is a passphrase" >"$tmp/other.key"
db=$tmp/db

expect 0 "init with a hex key file" -- "$hsdt" init --db "$db" --key-file "$tmp/key.hex"
expect 8 "init twice is refused" -- "$hsdt" init --db "$db" --key-file "$tmp/key.hex"
expect 0 "put creates" -- sh -c "\"$hsdt\" put --db \"$db\" --key-file \"$tmp/key.hex\" ${src[*]} < \"$sample\""
id=$(cut -d' ' -f1 "$tmp/out")
[ "$id" = "HS00000001" ] || { echo "FAIL: unexpected id '$id'"; failures=$((failures + 1)); }
expect 0 "get" -- "$hsdt" get --db "$db" --key-file "$tmp/key.hex" "$id"
grep -q '"given":"Nhung"' "$tmp/out" || { echo "FAIL: get output lacks the name"; failures=$((failures + 1)); }
expect 5 "wrong key" -- "$hsdt" get --db "$db" --key-file "$tmp/other.key" "$id"
expect 3 "unknown dossier" -- "$hsdt" get --db "$db" --key-file "$tmp/key.hex" HS00000099
expect 8 "bad JSON is rejected" -- sh -c "echo '{\"gender\": \"x\"}' | \"$hsdt\" put --db \"$db\" --key-file \"$tmp/key.hex\" ${src[*]}"
grep -q '\$' "$tmp/err" || { echo "FAIL: the error names no JSON path"; failures=$((failures + 1)); }
sed 's/0908123456/0909999999/' "$sample" >"$tmp/v2.json"
expect 0 "put --id updates" -- sh -c "\"$hsdt\" put --db \"$db\" --key-file \"$tmp/key.hex\" --id $id --expect 1 ${src[*]} < \"$tmp/v2.json\""
expect 4 "stale update conflicts" -- sh -c "\"$hsdt\" put --db \"$db\" --key-file \"$tmp/key.hex\" --id $id --expect 1 ${src[*]} < \"$tmp/v2.json\""
expect 0 "status change" -- "$hsdt" status --db "$db" --key-file "$tmp/key.hex" --expect 2 "${src[@]}" "$id" nghiHuu
expect 0 "history" -- "$hsdt" history --db "$db" --key-file "$tmp/key.hex" "$id"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || { echo "FAIL: history should list 3 versions"; failures=$((failures + 1)); }
expect 0 "diff" -- "$hsdt" diff --db "$db" --key-file "$tmp/key.hex" "$id" 1 2
grep -qx '\$.phone' "$tmp/out" || { echo "FAIL: diff should name \$.phone"; failures=$((failures + 1)); }
expect 0 "get --version" -- "$hsdt" get --db "$db" --key-file "$tmp/key.hex" --version 1 "$id"
grep -q 0908123456 "$tmp/out" || { echo "FAIL: version 1 lost its phone"; failures=$((failures + 1)); }
expect 0 "check" -- "$hsdt" check --db "$db" --key-file "$tmp/key.hex"
expect 0 "backup" -- "$hsdt" backup --db "$db" --key-file "$tmp/key.hex" --to "$tmp/backups"
expect 0 "backup-verify" -- "$hsdt" backup-verify "$tmp/backups" --key-file "$tmp/key.hex"
expect 0 "restore" -- "$hsdt" restore --from "$tmp/backups" --db "$tmp/restored" --key-file "$tmp/key.hex"
expect 0 "restored database checks clean" -- "$hsdt" check --db "$tmp/restored" --key-file "$tmp/key.hex"
expect 0 "rekey" -- "$hsdt" rekey --db "$db" --key-file "$tmp/key.hex"
expect 0 "passwd" -- env HSDT_NEW_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" passwd --db "$db" --key-file "$tmp/key.hex"
expect 5 "the old key no longer opens it" -- "$hsdt" check --db "$db" --key-file "$tmp/key.hex"
expect 0 "the new passphrase does" -- env HSDT_PASSPHRASE="mật khẩu mới của phòng nội vụ" "$hsdt" get --db "$db" "$id"
expect 2 "unknown command" -- "$hsdt" frobnicate --db "$db"
expect 0 "demo" -- env -u HSDT_PASSPHRASE "$hsdt" demo --db "$tmp/demo" --people 150
grep -q "0 lần xuất hiện" "$tmp/out" || { echo "FAIL: demo plaintext scan"; failures=$((failures + 1)); }
expect 2 "demo refuses a folder that is not a demo" -- "$hsdt" demo --db "$db" --people 150
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
