// The index family's entries for one dossier (docs/format.md, "Index column family"), and the
// summary row they carry: the queryable fields of a dossier, decoded without opening its record.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>

#include "schema/dossier.capnp.h"
#include "storage/store.h"

namespace hsdt::db {

// Fields 1..kStoredFields are stored in a summary; the others are derived from them.
inline constexpr int kStoredFields = 18;

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

// A decoded summary: views into the encoded bytes, which must outlive it.
struct Summary {
  std::array<std::string_view, kStoredFields + 1> values{};  // by Field number; [0] unused
  std::string_view name_key;     // Vietnamese sort key of given, middle, surname
  std::string_view folded_name;  // FoldForSearch of the full name
  std::string_view operator[](Field f) const { return values[static_cast<int>(f)]; }
};

// Decodes a summary value; false if malformed.
bool DecodeSummary(std::string_view bytes, Summary* out);

// Appends the order-preserving encoding of `text` (0x00 -> 0x00 0xFF, then 0x00 0x01).
void PutOrdered(std::string* out, std::string_view text);

// True for fields with an 'x' index.
bool IsIndexedField(Field f);
// The least visibility that shows `f`.
Visibility FieldVisibility(Field f);
// The stored or derived value of `f` in `s` ("" when absent). `reference_date` (YYYY-MM-DD) is
// for kAgeBand.
std::string FieldValue(const Summary& s, Field f, std::string_view reference_date);

// The index entries of a dossier, and the keys among them that must be unique.
struct IndexEntries {
  std::vector<storage::IndexPut> entries;
  std::vector<std::string> unique_keys;
};
IndexEntries IndexEntriesOf(schema::Dossier::Reader d, std::uint64_t id);

// The dossier an index entry points at (0 if the entry is malformed).
std::uint64_t IndexTarget(std::string_view key, std::string_view value);

// Key prefixes.
std::string FieldIndexPrefix(Field f, std::string_view value);  // x f <ordered value>
std::string SummaryKey(std::uint64_t id);
std::string UnitOrderPrefix(std::string_view unit);

}  // namespace hsdt::db
