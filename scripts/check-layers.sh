#!/usr/bin/env bash
# Fails on an include that goes up or sideways in the layers of docs/architecture.md:
#   base -> crypto -> schema -> storage -> {audit, policy, query} -> db -> bindings
# and on a third-party type outside the one folder that may use it:
#   Cap'n Proto (capnp/, kj/, generated *.capnp.h, capnp:: and kj:: names): src/schema/ only,
#     and of src/schema/ only its .cc files and src/schema/internal/ (no header other folders
#     include brings it in, directly or through another header)
#   libsodium (sodium.h, crypto_* and sodium_* calls):                      src/crypto/ only
#   RocksDB (rocksdb/ and rocksdb:: names):                                  src/storage/ only
# Public headers (include/hsdt/) include only <hsdt/...> and the standard library; the C ABI
# (bindings/) and the CLI (examples/) see only the public headers. (The benchmarks and tests
# are not checked: they use the test hooks of src/db/testing.h.)
#   scripts/check-layers.sh        (exit 1 and one line per break)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
[ -d src/db ] && [ -d include/hsdt ] || { echo "check-layers: not in the project tree" >&2; exit 2; }

# What each folder of src/ may include besides itself.
declare -A may=(
  [base]=""
  [crypto]="base"
  [schema]="base"
  [storage]="base crypto schema"
  [audit]="base crypto schema storage"
  [policy]="base crypto schema storage"
  [query]="base crypto schema storage"
  [db]="base crypto schema storage audit policy query"
)
# The only exceptions, each with its reason.
#   src/db/testing.h: the test hook that opens a database over a fault-injecting RocksDB
#   FileSystem (tests only; the library's own code names it storage::BaseFileSystem).
exempt_rocksdb="src/db/testing.h"

breaks=0
report() { echo "check-layers: $1"; breaks=$((breaks + 1)); }

# A name in a comment is not a use: "// ..." is cut off each line before matching.
code_lines() { sed -E 's#//.*$##' "$1" | grep -nE "$2"; }

for folder in "${!may[@]}"; do
  [ -d "src/$folder" ] || continue
  allowed=" $folder ${may[$folder]} "
  while IFS= read -r file; do
    while IFS= read -r line; do
      n=${line%%:*}
      [[ "${line#*:}" == *'"../'* ]] && { report "$file:$n includes by a relative path (name the folder)"; continue; }
      inc=$(sed -nE 's/^\s*#\s*include\s+[<"]([a-z_]+)\/.*/\1/p' <<<"${line#*:}")
      [ -n "$inc" ] && [ -n "${may[$inc]+x}" ] || continue  # a library's header, not a layer's
      [[ "$allowed" == *" $inc "* ]] || report "$file:$n includes $inc/ (a $folder/ file may include only:${may[$folder]:- nothing below it})"
    done < <(grep -nE '^\s*#\s*include\s+[<"]' "$file")
  done < <(find "src/$folder" -type f \( -name '*.h' -o -name '*.cc' \) | sort)
done
for dir in src/*/; do
  folder=$(basename "$dir")
  [ -n "${may[$folder]+x}" ] || report "src/$folder/ is not a layer of docs/architecture.md (add it to this script and to the doc)"
done

# Third-party names outside their folder.
check_outside() {  # folder-allowed, what, pattern, [exempt]
  local allowed=$1 what=$2 pattern=$3 exempt=${4:-}
  while IFS= read -r file; do
    [[ "$file" == "$allowed"* ]] && continue
    [ -n "$exempt" ] && [[ " $exempt " == *" $file "* ]] && continue
    while IFS= read -r hit; do
      report "$file:${hit%%:*} uses $what outside $allowed"
    done < <(code_lines "$file" "$pattern")
  done < <(find src include bindings examples -type f \( -name '*.h' -o -name '*.cc' \) | sort)
}
check_outside src/schema/ "Cap'n Proto" '(#\s*include\s*[<"](capnp|kj)/|\.capnp\.h[">]|\b(capnp|kj)::)'
check_outside src/crypto/ libsodium '(#\s*include\s*[<"]sodium|\bsodium_[a-z]+\(|\bcrypto_(aead|pwhash|kdf|generichash|secretbox|box|sign|stream|auth|kx|shorthash|core|scalarmult|onetimeauth)_)'
check_outside src/storage/ RocksDB '(#\s*include\s*[<"]rocksdb/|\brocksdb::)' "$exempt_rocksdb"

# Cap'n Proto through schema/'s headers. schema/internal/ (and the generated *.capnp.h) is for
# src/schema/ and tests only; the other headers of schema/ are what the folders above include, and
# they bring in no Cap'n Proto, directly or through another header (schema/record.h is the
# dossier as those folders see it).
declare -A capnp_via=()  # schema header -> "" (clean) or the first "file:line" bringing capnp in
capnp_reach() {  # header path under src/ (schema/x.h); sets capnp_via[$1]
  local h=$1
  [ -n "${capnp_via[$h]+x}" ] && return
  capnp_via[$h]=""  # (an include cycle ends here)
  [ -f "src/$h" ] || return
  local line n inc
  while IFS= read -r line; do
    n=${line%%:*}
    if grep -qE '#\s*include\s*[<"]((capnp|kj)/|schema/internal/|[^">]*\.capnp\.h[">])' <<<"${line#*:}"; then
      capnp_via[$h]="src/$h:$n"
      return
    fi
    inc=$(sed -nE 's/^\s*#\s*include\s+"(schema\/[^"]+)".*/\1/p' <<<"${line#*:}")
    [ -n "$inc" ] || continue
    capnp_reach "$inc"
    if [ -n "${capnp_via[$inc]}" ]; then
      capnp_via[$h]=${capnp_via[$inc]}
      return
    fi
  done < <(grep -nE '^\s*#\s*include\s+[<"]' "src/$h")
}
while IFS= read -r file; do
  h=${file#src/}
  capnp_reach "$h"
  [ -z "${capnp_via[$h]}" ] || report "$file (a header other folders may include) brings in Cap'n Proto at ${capnp_via[$h]}; move that to src/schema/internal/"
done < <(find src/schema -maxdepth 1 -type f -name '*.h' | sort)
while IFS= read -r file; do
  [[ "$file" == src/schema/* ]] && continue
  while IFS= read -r hit; do
    report "$file:${hit%%:*} includes a header of src/schema/internal/ (Cap'n Proto: src/schema/ and tests only)"
  done < <(code_lines "$file" '#\s*include\s*[<"]schema/internal/')
done < <(find src include bindings examples -type f \( -name '*.h' -o -name '*.cc' \) | sort)

# Public headers, the C ABI, the CLI: the public API only.
while IFS= read -r file; do
  while IFS= read -r hit; do
    report "$file:${hit%%:*} includes a private header (${hit#*:})"
  done < <(grep -nE '^\s*#\s*include\s+[<"](base|crypto|schema|storage|audit|policy|query|db)/' "$file")
done < <(find include bindings examples -type f \( -name '*.h' -o -name '*.cc' \) | sort)
while IFS= read -r hit; do
  report "$(cut -d: -f1,2 <<<"$hit"): a public header includes something other than <hsdt/...> or the standard library"
done < <(grep -nHE '^\s*#\s*include' include/hsdt/*.h | grep -vE '#\s*include\s*<(hsdt/[a-z_]+\.h|[a-z_]+)>')

if [ "$breaks" -gt 0 ]; then
  echo "check-layers: $breaks break(s); docs/architecture.md says where each kind of code belongs"
  exit 1
fi
echo "check-layers: ok"
