#include "schema/internal/refdata.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "base/check.h"

namespace hsdt::schema {
namespace embedded {
extern const std::string_view k_units;
extern const std::string_view k_ranks;
extern const std::string_view k_ethnicities;
extern const std::string_view k_religions;
extern const std::string_view k_education_levels;
extern const std::string_view k_name_parts;
}  // namespace embedded

std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  auto end_row = [&] {
    if (any || !field.empty() || !row.empty()) {
      row.push_back(std::move(field));
      rows.push_back(std::move(row));
    }
    row.clear();
    field.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      end_row();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  end_row();
  if (!rows.empty()) rows.erase(rows.begin());  // header
  return rows;
}

namespace {

std::string At(const std::vector<std::string>& row, std::size_t i) {
  return i < row.size() ? row[i] : std::string();
}

// A number of the compiled-in tables (checked parsing: the tables are ours, a malformed cell is
// our bug and traps in debug builds; release builds read it as 0).
template <typename T>
T NumberAt(const std::vector<std::string>& row, std::size_t i) {
  const std::string s = At(row, i);
  T v{};
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  HSDT_DCHECK(r.ec == std::errc() && r.ptr == s.data() + s.size());
  return r.ec == std::errc() ? v : T{};
}

RefData Load() {
  RefData d;
  for (const auto& r : ParseCsv(embedded::k_units)) {
    d.units.push_back({At(r, 0), At(r, 1), At(r, 2), NumberAt<int>(r, 3)});
  }
  for (const auto& r : ParseCsv(embedded::k_ranks)) {
    d.ranks.push_back({At(r, 0), At(r, 1), At(r, 3), At(r, 4), NumberAt<double>(r, 5),
                       NumberAt<double>(r, 6), NumberAt<int>(r, 7)});
  }
  for (const auto& r : ParseCsv(embedded::k_ethnicities)) d.ethnicities.push_back({"", At(r, 0), At(r, 1)});
  for (const auto& r : ParseCsv(embedded::k_religions)) d.religions.push_back({"", At(r, 0), At(r, 1)});
  for (const auto& r : ParseCsv(embedded::k_education_levels)) {
    d.education.push_back({At(r, 0), At(r, 1), At(r, 2)});
  }
  for (const auto& r : ParseCsv(embedded::k_name_parts)) {
    const std::string hint = At(r, 2);
    d.name_parts.push_back({At(r, 0), At(r, 1), hint.empty() ? 'U' : hint[0]});
  }
  return d;
}

bool HasEducation(std::string_view dimension, std::string_view code) {
  const auto& e = Reference().education;
  return std::any_of(e.begin(), e.end(),
                     [&](const CodeRef& c) { return c.dimension == dimension && c.code == code; });
}

bool HasIn(const std::vector<CodeRef>& list, std::string_view code) {
  return std::any_of(list.begin(), list.end(), [&](const CodeRef& c) { return c.code == code; });
}

}  // namespace

const RefData& Reference() {
  static const RefData data = Load();
  return data;
}

bool HasCode(RefTable table, std::string_view code) {
  const RefData& d = Reference();
  switch (table) {
    // Units live in the database's registry (administrators add them); the Database checks
    // them at commit. Here only the form of a code is checked.
    case RefTable::UNIT: return !code.empty() && code.size() <= 32;
    case RefTable::RANK: return FindRank(code) != nullptr;
    case RefTable::ETHNICITY: return HasIn(d.ethnicities, code);
    case RefTable::RELIGION: return HasIn(d.religions, code);
    case RefTable::GENERAL_EDUCATION: return HasEducation("general_education", code);
    case RefTable::PROFESSIONAL_LEVEL: return HasEducation("professional", code);
    case RefTable::POLITICAL_THEORY: return HasEducation("political_theory", code);
    case RefTable::STATE_MANAGEMENT: return HasEducation("state_management", code);
    case RefTable::IT_LEVEL: return HasEducation("it", code);
    case RefTable::FOREIGN_LANGUAGE: return HasEducation("foreign_language", code);
    case RefTable::TRAINING_MODE: return HasEducation("training_mode", code);
  }
  return false;
}

}  // namespace hsdt::schema

namespace hsdt {

double RankRef::CoefficientOf(int step) const {
  if (steps <= 1) return min_coefficient;
  return min_coefficient + (max_coefficient - min_coefficient) * (step - 1) / (steps - 1);
}

const std::vector<UnitRef>& Units() { return schema::Reference().units; }
const std::vector<RankRef>& Ranks() { return schema::Reference().ranks; }
const std::vector<CodeRef>& Ethnicities() { return schema::Reference().ethnicities; }
const std::vector<CodeRef>& Religions() { return schema::Reference().religions; }
const std::vector<CodeRef>& EducationLevels() { return schema::Reference().education; }
const std::vector<NamePart>& NameParts() { return schema::Reference().name_parts; }

const UnitRef* FindUnit(std::string_view code) {
  for (const auto& u : Units()) if (u.code == code) return &u;
  return nullptr;
}

const RankRef* FindRank(std::string_view code) {
  for (const auto& r : Ranks()) if (r.code == code) return &r;
  return nullptr;
}

}  // namespace hsdt
