// The one encoder of the index family's keys (docs/format.md, "Index column family"): the
// entries a dossier has (written by the db layer), and the keys and prefixes the planner and
// the row sources read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>

#include "schema/query_view.h"
#include "storage/store.h"

namespace hsdt::query {

// The first byte of every index key.
enum IndexKind : char {
  kNationalIdIndex = 'n',  // n <number> -> id, summary (unique)
  kFieldIndex = 'x',       // x <field> <ordered value> <id>
  kNameTokenIndex = 't',   // t <ordered folded word> <id>
  kFoldedNameIndex = 'f',  // f <ordered folded full name> <id> -> summary
  kSummaryIndex = 'r',     // r <id> -> summary
  kUnitOrderIndex = 'o',   // o <ordered managing unit> <name sort key> <id> -> summary
};
// The index an entry belongs to: "nationalId", "summary", a field name for field entries...
std::string IndexNameOf(std::string_view key);

// Version of the index layout; a database with another one has its indexes rebuilt at open.
inline constexpr std::uint32_t kIndexFormat = 4;
inline constexpr char kIndexFormatKey[] = "index_format";

// Appends the order-preserving encoding of `text` (0x00 -> 0x00 0xFF, then 0x00 0x01).
void PutOrdered(std::string* out, std::string_view text);
// The 8 big-endian bytes that end most keys.
std::string IdBytes(std::uint64_t id);
// The id in the last 8 bytes of `key`. REQUIRES: key.size() >= 8.
std::uint64_t TrailingId(std::string_view key);
// The smallest key greater than every key starting with `prefix` (whose last byte is below 0xFF).
std::string PrefixEnd(std::string prefix);

// Keys and prefixes, by index.
std::string NationalIdKey(std::string_view number);              // n <number>
std::string FieldIndexStart(Field f);                            // x f
std::string FieldIndexPrefix(Field f, std::string_view value);   // x f <ordered value>
// t <ordered word>, or with `prefix` t <word>: every word starting with it.
std::string NameWordPrefix(std::string_view folded_word, bool prefix);
// f <ordered folded name>, or with `prefix` f <folded>: every name starting with it.
std::string FoldedNamePrefix(std::string_view folded, bool prefix);
std::string SummaryStart();                                      // r
std::string SummaryKey(std::uint64_t id);                        // r <id>
std::string UnitOrderPrefix(std::string_view unit);              // o <ordered unit>

// The index entries of a dossier with summary values `v`, and the keys among them that must be
// unique.
struct IndexEntries {
  std::vector<storage::IndexPut> entries;
  std::vector<std::string> unique_keys;
};
IndexEntries IndexEntriesOf(const schema::StoredValues& v, std::uint64_t id);

// The dossier an index entry points at (0 if the entry is malformed).
std::uint64_t IndexTarget(std::string_view key, std::string_view value);

}  // namespace hsdt::query
