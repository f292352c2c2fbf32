#include "query/keys.h"

#include <set>

#include "base/coding.h"
#include "query/fields.h"
#include "schema/text.h"

namespace hsdt::query {

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

std::string IdBytes(std::uint64_t id) {
  std::string b;
  base::PutBigEndian64(&b, id);
  return b;
}

std::uint64_t TrailingId(std::string_view key) { return base::GetBigEndian64(key.data() + key.size() - 8); }

std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::string NationalIdKey(std::string_view number) {
  std::string k(1, kNationalIdIndex);
  k += number;
  return k;
}

std::string FieldIndexStart(Field f) {
  std::string k(1, kFieldIndex);
  k.push_back(static_cast<char>(static_cast<int>(f)));
  return k;
}

std::string FieldIndexPrefix(Field f, std::string_view value) {
  std::string k = FieldIndexStart(f);
  PutOrdered(&k, value);
  return k;
}

std::string NameWordPrefix(std::string_view folded_word, bool prefix) {
  std::string k(1, kNameTokenIndex);
  if (prefix) {
    k += folded_word;
  } else {
    PutOrdered(&k, folded_word);
  }
  return k;
}

std::string FoldedNamePrefix(std::string_view folded, bool prefix) {
  std::string k(1, kFoldedNameIndex);
  if (prefix) {
    k += folded;
  } else {
    PutOrdered(&k, folded);
  }
  return k;
}

std::string SummaryStart() { return std::string(1, kSummaryIndex); }

std::string SummaryKey(std::uint64_t id) { return SummaryStart() + IdBytes(id); }

std::string UnitOrderPrefix(std::string_view unit) {
  std::string k(1, kUnitOrderIndex);
  PutOrdered(&k, unit);
  return k;
}

IndexEntries IndexEntriesOf(const schema::StoredValues& v, std::uint64_t id) {
  auto at = [&v](Field f) -> const std::string& { return v[static_cast<int>(f)]; };
  const std::string name_key = schema::VietnameseSortKey(at(Field::kGiven)) +
                               schema::VietnameseSortKey(at(Field::kMiddle)) +
                               schema::VietnameseSortKey(at(Field::kSurname));
  const std::string full = at(Field::kSurname) + " " + at(Field::kMiddle) + " " + at(Field::kGiven);
  const std::string folded = schema::FoldForSearch(full);
  const std::string summary = EncodeSummary(v, name_key, folded);

  IndexEntries out;
  const std::string id_bytes = IdBytes(id);
  std::string national = NationalIdKey(at(Field::kNationalId));
  out.entries.push_back({national, id_bytes + summary});
  out.unique_keys.push_back(std::move(national));
  for (int i = 1; i <= kStoredFields; ++i) {
    if (!IsIndexedField(static_cast<Field>(i)) || v[i].empty()) continue;
    out.entries.push_back({FieldIndexPrefix(static_cast<Field>(i), v[i]) + id_bytes, ""});
  }
  std::set<std::string> tokens;
  for (auto& w : schema::SplitWords(folded)) tokens.insert(std::move(w));
  for (const auto& w : tokens) out.entries.push_back({NameWordPrefix(w, false) + id_bytes, ""});
  out.entries.push_back({FoldedNamePrefix(folded, false) + id_bytes, summary});
  out.entries.push_back({SummaryKey(id), summary});
  out.entries.push_back({UnitOrderPrefix(at(Field::kManagingUnit)) + name_key + id_bytes, summary});
  return out;
}

std::uint64_t IndexTarget(std::string_view key, std::string_view value) {
  if (!key.empty() && key[0] == kNationalIdIndex) {
    return value.size() >= 8 ? base::GetBigEndian64(value.data()) : 0;
  }
  return key.size() >= 9 ? TrailingId(key) : 0;
}

}  // namespace hsdt::query
