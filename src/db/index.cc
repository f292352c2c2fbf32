#include "db/index.h"

#include <hsdt/reference.h>

#include <capnp/schema.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "base/coding.h"
#include "schema/text.h"

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

bool ValidField(Field f) {
  const int n = static_cast<int>(f);
  return n >= 1 && n <= kFieldCount;
}

}  // namespace

const char* FieldName(Field f) { return ValidField(f) ? kFields[static_cast<int>(f)].name : "?"; }

std::optional<Field> ParseField(std::string_view name) {
  for (int i = 1; i <= kFieldCount; ++i) {
    if (name == kFields[i].name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

namespace db {
namespace {

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

template <typename E>
std::string EnumName(E value) {
  auto en = capnp::Schema::from<E>().getEnumerants();
  const auto raw = static_cast<unsigned>(value);
  if (raw == 0 || raw >= en.size()) return "";  // unspecified
  return en[raw].getProto().getName().cStr();
}

std::string NumberText(double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

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

constexpr char kSummaryFormat = 1;

std::string IdBytes(std::uint64_t id) {
  std::string b;
  base::PutBigEndian64(&b, id);
  return b;
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

std::string IndexNameOf(std::string_view key) {
  switch (key.empty() ? '?' : key[0]) {
    case kNationalIdIndex: return "nationalId";
    case kFieldIndex: return key.size() > 1 ? FieldName(static_cast<Field>(key[1])) : "field";
    case kNameTokenIndex: return "nameWord";
    case kFoldedNameIndex: return "name";
    case kSummaryIndex: return "summary";
    case kUnitOrderIndex: return "unitOrder";
    default: return "unknown";
  }
}

void PutOrdered(std::string* out, std::string_view text) {
  for (char c : text) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xFF');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

bool IsIndexedField(Field f) { return ValidField(f) && kFields[static_cast<int>(f)].indexed; }

Visibility FieldVisibility(Field f) {
  return ValidField(f) ? kFields[static_cast<int>(f)].visibility : Visibility::kConfidential;
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

std::string FieldIndexPrefix(Field f, std::string_view value) {
  std::string k(1, kFieldIndex);
  k.push_back(static_cast<char>(static_cast<int>(f)));
  PutOrdered(&k, value);
  return k;
}

std::string SummaryKey(std::uint64_t id) { return std::string(1, kSummaryIndex) + IdBytes(id); }

std::string UnitOrderPrefix(std::string_view unit) {
  std::string k(1, kUnitOrderIndex);
  PutOrdered(&k, unit);
  return k;
}

IndexEntries IndexEntriesOf(schema::Dossier::Reader d, std::uint64_t id) {
  std::array<std::string, kStoredFields + 1> v;
  auto set = [&](Field f, std::string value) { v[static_cast<int>(f)] = std::move(value); };
  set(Field::kManagingUnit, Str(d.getManagingUnit()));
  set(Field::kWorkingUnit, Str(d.getWorkingUnit()));
  set(Field::kStatus, EnumName(d.getStatus()));
  set(Field::kCategory, EnumName(d.getCategory()));
  set(Field::kRank, Str(d.getRank().getCode()));
  set(Field::kRankStep, d.getRank().getStep() == 0 ? "" : std::to_string(d.getRank().getStep()));
  set(Field::kCoefficient, d.getRank().getCoefficient() == 0 ? "" : NumberText(d.getRank().getCoefficient()));
  set(Field::kGender, EnumName(d.getGender()));
  set(Field::kBirthDate, Str(d.getBirthDate()));
  set(Field::kEthnicity, Str(d.getEthnicity()));
  set(Field::kEducation, Str(d.getEducation().getGeneral()));
  set(Field::kPoliticalTheory, Str(d.getEducation().getPoliticalTheory()));
  const bool party = d.hasParty() && (d.getParty().getAdmittedOn().size() > 0 || d.getParty().getOfficialOn().size() > 0);
  set(Field::kPartyMember, party ? "true" : "false");
  set(Field::kRecruitmentDate, Str(d.getRecruitment().getDate()));
  set(Field::kNationalId, Str(d.getNationalId().getNumber()));
  set(Field::kSurname, Str(d.getName().getSurname()));
  set(Field::kMiddle, Str(d.getName().getMiddle()));
  set(Field::kGiven, Str(d.getName().getGiven()));
  const std::string name_key = schema::VietnameseSortKey(v[static_cast<int>(Field::kGiven)]) +
                               schema::VietnameseSortKey(v[static_cast<int>(Field::kMiddle)]) +
                               schema::VietnameseSortKey(v[static_cast<int>(Field::kSurname)]);
  const std::string full = v[static_cast<int>(Field::kSurname)] + " " +
                           v[static_cast<int>(Field::kMiddle)] + " " + v[static_cast<int>(Field::kGiven)];
  const std::string folded = schema::FoldForSearch(full);
  std::string summary(1, kSummaryFormat);
  auto put = [&summary](std::string_view part) {
    PutLength(&summary, part.size());
    summary += part;
  };
  for (int i = 1; i <= kStoredFields; ++i) put(v[i]);
  put(name_key);
  put(folded);

  IndexEntries out;
  const std::string id_bytes = IdBytes(id);
  std::string national(1, kNationalIdIndex);
  national += v[static_cast<int>(Field::kNationalId)];
  out.entries.push_back({national, id_bytes + summary});
  out.unique_keys.push_back(std::move(national));
  for (int i = 1; i <= kStoredFields; ++i) {
    if (!kFields[i].indexed || v[i].empty()) continue;
    out.entries.push_back({FieldIndexPrefix(static_cast<Field>(i), v[i]) + id_bytes, ""});
  }
  std::set<std::string> tokens;
  for (auto& w : schema::SplitWords(folded)) tokens.insert(std::move(w));
  for (const auto& w : tokens) {
    std::string k(1, kNameTokenIndex);
    PutOrdered(&k, w);
    out.entries.push_back({k + id_bytes, ""});
  }
  std::string folded_key(1, kFoldedNameIndex);
  PutOrdered(&folded_key, folded);
  out.entries.push_back({folded_key + id_bytes, summary});
  out.entries.push_back({SummaryKey(id), summary});
  out.entries.push_back({UnitOrderPrefix(v[static_cast<int>(Field::kManagingUnit)]) + name_key + id_bytes, summary});
  return out;
}

std::uint64_t IndexTarget(std::string_view key, std::string_view value) {
  if (!key.empty() && key[0] == kNationalIdIndex) {
    return value.size() >= 8 ? base::GetBigEndian64(value.data()) : 0;
  }
  return key.size() >= 9 ? base::GetBigEndian64(key.data() + key.size() - 8) : 0;
}

}  // namespace db
}  // namespace hsdt
