// Filters checked and compiled for evaluation (names folded, numbers parsed), evaluated on
// summary rows, and ranked by how well an index serves them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <hsdt/policy.h>
#include <hsdt/query.h>

#include "query/fields.h"
#include "schema/civil_time.h"

namespace hsdt::query {

// A filter checked and prepared for evaluation: names folded, numbers parsed.
struct Cond {
  Filter::Kind kind = Filter::Kind::kAll;
  Field field = Field::kManagingUnit;
  std::vector<std::string> values;
  std::vector<double> numbers;  // per value, for number fields (NaN: empty, or not a number field)
  NameMatch match = NameMatch::kTokens;
  std::string folded;               // kName
  std::vector<std::string> words;   // kName
  std::vector<Cond> children;
  bool indexable = true;  // false for fields that vary in valid time when a query has on_date
};

// Checks `filter` (errors name `path`, e.g. "filter.and[1].eq.value") and compiles it. With
// `valid_time` (a query with on_date), fields that vary in valid time are not indexable.
Result<Cond> Compile(const Filter& filter, std::string_view path, bool valid_time);

// One summary row as a filter sees it.
struct Row {
  const Summary* summary = nullptr;
  Visibility visible = Visibility::kNormal;  // a field above it matches nothing
  std::string_view reference_date;
};
bool Matches(const Cond& c, const Row& row);

// How good an index is for a condition: lower reads fewer entries. kNoIndex: none serves it.
inline constexpr int kNoIndex = 99;
int IndexRank(const Cond& c);

// What a count may group and filter by (statistics, never a person): refuses, as InvalidArgument
// naming the path and the field (never a value), an identifying field (IsIdentifyingField) in
// `group_by` or anywhere in `filter` (inside and, or, not too) and any name condition. Sets
// `*personal` to where the first field above normal visibility (ethnicity, partyMember) is used,
// e.g. "group_by[1]: ethnicity", or to "" when none is. Fields that are not fields and malformed
// trees are left to CheckFields and Compile.
Status CheckStatistical(const std::vector<Field>& group_by, const Filter& filter, std::string* personal);

// Checks the fields a query projects or groups by (`what`: "fields", "group_by").
Status CheckFields(const std::vector<Field>& fields, const char* what);
// Checks a query's referenceDate and onDate (empty, or YYYY-MM-DD).
Status CheckDates(const std::string& reference_date, const std::string& on_date);
// The date ages are counted on: the one asked for, else the valid-time date, else today in
// `zone` at `now`.
std::string ReferenceDate(const std::string& reference_date, const std::string& on_date, std::int64_t now,
                          const schema::CivilZone& zone);

}  // namespace hsdt::query
