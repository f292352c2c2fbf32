// The queryable fields of a dossier as the index family keeps them: which are indexed, who may
// see them, and the summary row that carries their values (docs/format.md, "Index column
// family"), decoded without opening the dossier's record.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <hsdt/policy.h>
#include <hsdt/query.h>

#include "schema/query_view.h"

namespace hsdt::query {

// Fields 1..kStoredFields are stored in a summary; the others are derived from them.
inline constexpr int kStoredFields = 18;
static_assert(std::tuple_size_v<schema::StoredValues> == kStoredFields + 1);

bool IsValidField(Field f);
// True for fields with an 'x' index.
bool IsIndexedField(Field f);
// The least visibility that shows `f`.
Visibility FieldVisibility(Field f);
// True for the fields that identify a person: nationalId, surname, middle, given, fullName and
// the exact birthDate (ageBand is its statistical form). Counts neither group nor filter by them.
bool IsIdentifyingField(Field f);

// A decoded summary: views into the encoded bytes, which must outlive it.
struct Summary {
  std::array<std::string_view, kStoredFields + 1> values{};  // by Field number; [0] unused
  std::string_view name_key;     // Vietnamese sort key of given, middle, surname
  std::string_view folded_name;  // FoldForSearch of the full name
  std::string_view operator[](Field f) const { return values[static_cast<int>(f)]; }
};

// The summary value of a dossier with values `v`, its name sort key and folded full name.
std::string EncodeSummary(const schema::StoredValues& v, std::string_view name_key, std::string_view folded_name);
// Decodes a summary value; false if malformed.
bool DecodeSummary(std::string_view bytes, Summary* out);

// The stored or derived value of `f` in `s` ("" when absent). `reference_date` (YYYY-MM-DD) is
// for kAgeBand.
std::string FieldValue(const Summary& s, Field f, std::string_view reference_date);

}  // namespace hsdt::query
