#include "query/filter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "schema/text.h"

namespace hsdt::query {
namespace {

using Kind = Filter::Kind;

constexpr std::size_t kMaxValues = 1000;
constexpr int kMaxConditions = 256;
constexpr std::size_t kMaxValueBytes = 512;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsNumberField(Field f) { return f == Field::kRankStep || f == Field::kCoefficient; }
bool IsDateField(Field f) { return f == Field::kBirthDate || f == Field::kRecruitmentDate; }

std::optional<double> NumberOf(std::string_view s) {
  double v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

Status CheckValue(Field f, std::string_view v, const std::string& path) {
  if (v.size() > kMaxValueBytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(v.size()) + " bytes; limit 512");
  }
  const std::string quoted = "\"" + std::string(v.substr(0, 64)) + "\"";
  if (IsNumberField(f) && !NumberOf(v)) {
    return Status::InvalidArgument(path + ": " + quoted + " is not a number");
  }
  if (IsDateField(f) && !schema::IsDateText(v, true)) {
    return Status::InvalidArgument(path + ": " + quoted + " is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY");
  }
  if (f == Field::kPartyMember && v != "true" && v != "false") {
    return Status::InvalidArgument(path + ": " + quoted + " is not true or false");
  }
  if (auto named = schema::IsEnumerantOf(f, v); named && !*named) {
    return Status::InvalidArgument(path + ": " + quoted + " is not a " + FieldName(f) + " (docs/format.md)");
  }
  return Status::Ok();
}

// Fields whose value on a date comes from the timelines (valid time), not from the indexes.
bool VariesInValidTime(Field f) {
  return f == Field::kRank || f == Field::kRankStep || f == Field::kCoefficient || f == Field::kRankGroup ||
         f == Field::kWorkingUnit;
}

Result<Cond> CompileNode(const Filter& filter, const std::string& path, int* conditions, bool valid_time) {
  if (++*conditions > kMaxConditions) {
    return Status::InvalidArgument(path + ": more than " + std::to_string(kMaxConditions) + " conditions");
  }
  const Filter::Node& n = filter.node();
  Cond c;
  c.kind = n.kind;
  c.field = n.field;
  c.match = n.match;
  switch (n.kind) {
    case Kind::kAll:
      return c;
    case Kind::kAnd:
    case Kind::kOr:
    case Kind::kNot: {
      const char* name = n.kind == Kind::kAnd ? ".and" : n.kind == Kind::kOr ? ".or" : ".not";
      if (n.children.empty() || (n.kind == Kind::kNot && n.children.size() != 1)) {
        return Status::InvalidArgument(path + name + ": wrong number of conditions");
      }
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const std::string at = path + name + (n.kind == Kind::kNot ? "" : "[" + std::to_string(i) + "]");
        HSDT_ASSIGN_OR_RETURN(Cond child, CompileNode(n.children[i], at, conditions, valid_time));
        c.children.push_back(std::move(child));
      }
      return c;
    }
    case Kind::kEq:
    case Kind::kIn:
    case Kind::kRange: {
      const std::string at = path + (n.kind == Kind::kEq ? ".eq" : n.kind == Kind::kIn ? ".in" : ".range");
      c.indexable = !(valid_time && VariesInValidTime(n.field));
      const int number = static_cast<int>(n.field);
      if (number < 1 || number > kFieldCount) {
        return Status::InvalidArgument(at + ".field: " + std::to_string(number) + " is not a field");
      }
      const std::size_t want = n.kind == Kind::kRange ? 2 : n.kind == Kind::kEq ? 1 : 0;
      if ((want != 0 && n.values.size() != want) || n.values.empty() || n.values.size() > kMaxValues) {
        return Status::InvalidArgument(at + ": wrong number of values");
      }
      if (n.kind == Kind::kRange && n.values[0].empty() && n.values[1].empty()) {
        return Status::InvalidArgument(at + ": a range needs from, to or both");
      }
      for (std::size_t i = 0; i < n.values.size(); ++i) {
        const std::string& v = n.values[i];
        const std::string vat = at + (n.kind == Kind::kRange ? (i == 0 ? ".from" : ".to")
                                      : n.kind == Kind::kIn ? ".values[" + std::to_string(i) + "]" : ".value");
        if (v.empty() && n.kind != Kind::kRange) return Status::InvalidArgument(vat + ": empty");
        if (n.kind == Kind::kRange && schema::IsEnumerantOf(n.field, "")) {
          return Status::InvalidArgument(at + ".field: " + FieldName(n.field) + " has no order");
        }
        if (!v.empty()) HSDT_RETURN_IF_ERROR(CheckValue(n.field, v, vat));
        c.values.push_back(v);
        c.numbers.push_back(IsNumberField(n.field) ? NumberOf(v).value_or(kNaN) : kNaN);
      }
      return c;
    }
    case Kind::kName: {
      if (n.values.size() != 1 || n.values[0].size() > kMaxValueBytes) {
        return Status::InvalidArgument(path + ".name.text: expected one text of at most 512 bytes");
      }
      if (n.match != NameMatch::kExact && n.match != NameMatch::kPrefix && n.match != NameMatch::kTokens) {
        return Status::InvalidArgument(path + ".name.match: not exact, prefix or tokens");
      }
      c.folded = schema::FoldForSearch(n.values[0]);
      c.words = schema::SplitWords(c.folded);
      if (c.words.empty()) return Status::InvalidArgument(path + ".name.text: no letters to search for");
      return c;
    }
  }
  return Status::InvalidArgument(path + ": unknown condition");
}

bool WordMatches(const std::vector<std::string>& name_words, std::string_view word, bool prefix) {
  for (const auto& w : name_words) {
    if (prefix ? std::string_view(w).substr(0, word.size()) == word : w == word) return true;
  }
  return false;
}

// "<path>: <what> identifies a person; ..." (`use`: "group" or "filter"); never a value.
std::string Identifies(const std::string& path, std::string_view what, std::string_view use) {
  return path + ": " + std::string(what) + " identifies a person; counts " + std::string(use) +
         " by statistical fields only (ageBand instead of birthDate)";
}

// CheckStatistical over one filter node and its children; `*conditions` bounds the walk as
// Compile bounds a filter (beyond it Compile refuses the filter).
Status CheckStatisticalNode(const Filter& filter, const std::string& path, int* conditions, std::string* personal) {
  if (++*conditions > kMaxConditions) return Status::Ok();
  const Filter::Node& n = filter.node();
  switch (n.kind) {
    case Kind::kAll:
      return Status::Ok();
    case Kind::kAnd:
    case Kind::kOr:
    case Kind::kNot: {
      const char* name = n.kind == Kind::kAnd ? ".and" : n.kind == Kind::kOr ? ".or" : ".not";
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const std::string at = path + name + (n.kind == Kind::kNot ? "" : "[" + std::to_string(i) + "]");
        HSDT_RETURN_IF_ERROR(CheckStatisticalNode(n.children[i], at, conditions, personal));
      }
      return Status::Ok();
    }
    case Kind::kEq:
    case Kind::kIn:
    case Kind::kRange: {
      const std::string at = path + (n.kind == Kind::kEq ? ".eq" : n.kind == Kind::kIn ? ".in" : ".range") + ".field";
      if (!IsValidField(n.field)) return Status::Ok();  // Compile names it
      if (IsIdentifyingField(n.field)) return Status::InvalidArgument(Identifies(at, FieldName(n.field), "filter"));
      if (FieldVisibility(n.field) != Visibility::kNormal && personal->empty()) {
        *personal = at + ": " + FieldName(n.field);
      }
      return Status::Ok();
    }
    case Kind::kName:
      return Status::InvalidArgument(Identifies(path + ".name", "a name search (fullName)", "filter"));
  }
  return Status::Ok();  // Compile refuses an unknown condition
}

}  // namespace

Status CheckStatistical(const std::vector<Field>& group_by, const Filter& filter, std::string* personal) {
  personal->clear();
  for (std::size_t i = 0; i < group_by.size(); ++i) {
    const Field f = group_by[i];
    if (!IsValidField(f)) continue;  // CheckFields names it
    const std::string at = "group_by[" + std::to_string(i) + "]";
    if (IsIdentifyingField(f)) return Status::InvalidArgument(Identifies(at, FieldName(f), "group"));
    if (FieldVisibility(f) != Visibility::kNormal && personal->empty()) *personal = at + ": " + FieldName(f);
  }
  int conditions = 0;
  return CheckStatisticalNode(filter, "filter", &conditions, personal);
}

Result<Cond> Compile(const Filter& filter, std::string_view path, bool valid_time) {
  int conditions = 0;
  return CompileNode(filter, std::string(path), &conditions, valid_time);
}

bool Matches(const Cond& c, const Row& row) {
  switch (c.kind) {
    case Kind::kAll:
      return true;
    case Kind::kAnd:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Cond& x) { return Matches(x, row); });
    case Kind::kOr:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Cond& x) { return Matches(x, row); });
    case Kind::kNot:
      return !Matches(c.children[0], row);
    case Kind::kName: {
      const std::string_view name = row.summary->folded_name;
      if (c.match == NameMatch::kExact) return name == c.folded;
      if (c.match == NameMatch::kPrefix) return name.substr(0, c.folded.size()) == c.folded;
      const std::vector<std::string> name_words = schema::SplitWords(name);
      for (std::size_t i = 0; i < c.words.size(); ++i) {
        if (!WordMatches(name_words, c.words[i], i + 1 == c.words.size())) return false;
      }
      return true;
    }
    case Kind::kEq:
    case Kind::kIn:
    case Kind::kRange:
      break;
  }
  // A field the session may not see matches nothing: hidden values cannot be probed by filters.
  if (static_cast<int>(FieldVisibility(c.field)) > static_cast<int>(row.visible)) return false;
  const int number = static_cast<int>(c.field);
  const std::string derived = number > kStoredFields ? FieldValue(*row.summary, c.field, row.reference_date)
                                                         : std::string();
  const std::string_view value = number > kStoredFields ? std::string_view(derived) : row.summary->values[number];
  if (value.empty()) return false;
  if (IsNumberField(c.field)) {
    const double x = NumberOf(value).value_or(kNaN);
    if (std::isnan(x)) return false;
    if (c.kind == Kind::kRange) {
      return (std::isnan(c.numbers[0]) || x >= c.numbers[0]) && (std::isnan(c.numbers[1]) || x <= c.numbers[1]);
    }
    return std::find(c.numbers.begin(), c.numbers.end(), x) != c.numbers.end();
  }
  if (c.kind == Kind::kRange) {
    return (c.values[0].empty() || value >= c.values[0]) && (c.values[1].empty() || value <= c.values[1]);
  }
  return std::find(c.values.begin(), c.values.end(), value) != c.values.end();
}

int IndexRank(const Cond& c) {
  switch (c.kind) {
    case Kind::kEq:
    case Kind::kIn:
      if (c.field == Field::kNationalId) return 0;
      if (!c.indexable || !IsIndexedField(c.field)) return kNoIndex;
      if (c.field == Field::kStatus || c.field == Field::kGender || c.field == Field::kCategory ||
          c.field == Field::kEducation) {
        return 4;  // few distinct values
      }
      return 2;
    case Kind::kRange:
      return c.indexable && IsIndexedField(c.field) ? 3 : kNoIndex;
    case Kind::kName:
      return 1;
    case Kind::kAnd: {
      int best = kNoIndex;
      for (const Cond& x : c.children) best = std::min(best, IndexRank(x));
      return best;
    }
    case Kind::kOr: {
      int worst = 0;
      for (const Cond& x : c.children) worst = std::max(worst, IndexRank(x));
      return worst;
    }
    default:
      return kNoIndex;
  }
}

Status CheckDates(const std::string& reference_date, const std::string& on_date) {
  for (const auto& [name, d] : {std::pair{"referenceDate", &reference_date}, std::pair{"onDate", &on_date}}) {
    if (!d->empty() && !schema::IsDateText(*d, false)) {
      return Status::InvalidArgument(std::string(name) + ": \"" + d->substr(0, 32) + "\" is not a date; expected YYYY-MM-DD");
    }
  }
  return Status::Ok();
}

// The date ages are counted on: the one asked for, else the valid-time date, else today in the
// database's time zone at `now`.
std::string ReferenceDate(const std::string& reference_date, const std::string& on_date, std::int64_t now,
                          const schema::CivilZone& zone) {
  return !reference_date.empty() ? reference_date : !on_date.empty() ? on_date : zone.DateOf(now);
}

Status CheckFields(const std::vector<Field>& fields, const char* what) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const int n = static_cast<int>(fields[i]);
    if (n < 1 || n > kFieldCount) {
      return Status::InvalidArgument(std::string(what) + "[" + std::to_string(i) + "]: " + std::to_string(n) + " is not a field");
    }
  }
  return Status::Ok();
}

}  // namespace hsdt::query
