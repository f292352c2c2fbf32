#include "query/fields.h"

#include <hsdt/reference.h>

#include <charconv>

namespace hsdt {
namespace {

struct FieldInfo {
  const char* name;
  bool indexed;
  Visibility visibility;
};

// By Field number.
constexpr FieldInfo kFields[kFieldCount + 1] = {
    {"", false, Visibility::kNormal},
    {"managingUnit", true, Visibility::kNormal},
    {"workingUnit", true, Visibility::kNormal},
    {"status", true, Visibility::kNormal},
    {"category", true, Visibility::kNormal},
    {"rank", true, Visibility::kNormal},
    {"rankStep", false, Visibility::kNormal},
    {"coefficient", false, Visibility::kNormal},
    {"gender", true, Visibility::kNormal},
    {"birthDate", true, Visibility::kNormal},
    {"ethnicity", true, Visibility::kPersonal},
    {"education", true, Visibility::kNormal},
    {"politicalTheory", false, Visibility::kNormal},
    {"partyMember", false, Visibility::kPersonal},
    {"recruitmentDate", true, Visibility::kNormal},
    {"nationalId", false, Visibility::kPersonal},  // its own unique index ('n')
    {"surname", false, Visibility::kNormal},
    {"middle", false, Visibility::kNormal},
    {"given", false, Visibility::kNormal},
    {"fullName", false, Visibility::kNormal},
    {"rankGroup", false, Visibility::kNormal},
    {"ageBand", false, Visibility::kNormal},
};

constexpr char kSummaryFormat = 1;

void PutLength(std::string* out, std::size_t n) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>(0x80 | (n & 0x7F)));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    if (in->empty() || shift > 28) return false;
    const auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    n |= static_cast<std::size_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
  }
  if (in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

// Years between a (possibly partial) birth date and a full reference date, or -1.
int AgeOn(std::string_view birth, std::string_view on) {
  auto num = [](std::string_view s, std::size_t pos, std::size_t len, int fallback) {
    int v = 0;
    if (s.size() < pos + len) return fallback;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return r.ec == std::errc() ? v : fallback;
  };
  const int by = num(birth, 0, 4, -1), ry = num(on, 0, 4, -1);
  if (by < 0 || ry < 0) return -1;
  const int bmd = num(birth, 5, 2, 1) * 100 + num(birth, 8, 2, 1);
  const int rmd = num(on, 5, 2, 1) * 100 + num(on, 8, 2, 1);
  return ry - by - (rmd < bmd ? 1 : 0);
}

}  // namespace

const char* FieldName(Field f) { return query::IsValidField(f) ? kFields[static_cast<int>(f)].name : "?"; }

std::optional<Field> ParseField(std::string_view name) {
  for (int i = 1; i <= kFieldCount; ++i) {
    if (name == kFields[i].name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

namespace query {

bool IsValidField(Field f) {
  const int n = static_cast<int>(f);
  return n >= 1 && n <= kFieldCount;
}

bool IsIndexedField(Field f) { return IsValidField(f) && kFields[static_cast<int>(f)].indexed; }

Visibility FieldVisibility(Field f) {
  return IsValidField(f) ? kFields[static_cast<int>(f)].visibility : Visibility::kConfidential;
}

bool IsIdentifyingField(Field f) {
  switch (f) {
    case Field::kNationalId:
    case Field::kSurname:
    case Field::kMiddle:
    case Field::kGiven:
    case Field::kFullName:
    case Field::kBirthDate:
      return true;
    default:
      return false;
  }
}

std::string EncodeSummary(const schema::StoredValues& v, std::string_view name_key, std::string_view folded_name) {
  std::string summary(1, kSummaryFormat);
  auto put = [&summary](std::string_view part) {
    PutLength(&summary, part.size());
    summary += part;
  };
  for (int i = 1; i <= kStoredFields; ++i) put(v[i]);
  put(name_key);
  put(folded_name);
  return summary;
}

bool DecodeSummary(std::string_view bytes, Summary* out) {
  if (bytes.empty() || bytes[0] != kSummaryFormat) return false;
  bytes.remove_prefix(1);
  for (int i = 1; i <= kStoredFields; ++i) {
    if (!GetLengthPrefixed(&bytes, &out->values[i])) return false;
  }
  return GetLengthPrefixed(&bytes, &out->name_key) && GetLengthPrefixed(&bytes, &out->folded_name) &&
         bytes.empty();
}

std::string FieldValue(const Summary& s, Field f, std::string_view reference_date) {
  const int n = static_cast<int>(f);
  if (n >= 1 && n <= kStoredFields) return std::string(s.values[n]);
  switch (f) {
    case Field::kFullName: {
      std::string name(s[Field::kSurname]);
      if (!s[Field::kMiddle].empty()) name.append(" ").append(s[Field::kMiddle]);
      return name.append(" ").append(s[Field::kGiven]);
    }
    case Field::kRankGroup: {
      const RankRef* r = FindRank(s[Field::kRank]);
      return r != nullptr ? r->group : std::string();
    }
    case Field::kAgeBand: {
      const int age = AgeOn(s[Field::kBirthDate], reference_date);
      if (age < 0) return "";
      if (age <= 30) return "<=30";
      if (age <= 40) return "31-40";
      if (age <= 50) return "41-50";
      if (age <= 60) return "51-60";
      return ">60";
    }
    default:
      return "";
  }
}

}  // namespace query
}  // namespace hsdt
