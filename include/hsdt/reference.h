// Reference tables: units, ranks and the code lists that dossier fields refer to (data/*.csv,
// compiled into the library). Immutable; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

struct UnitRef {
  std::string code;     // "777-NV", "27460"
  std::string name_vi;
  std::string kind;     // district, district_office, agency, public_service_unit, ward
  int tier = 1;         // 2: district level (777, 777-NV); 1: every other unit
};

struct RankRef {
  std::string code;     // "01.003"
  std::string name_vi;
  std::string group;    // salary group: A3.1, A2.1, A2.2, A1, A0, B, C1, C2, C3
  std::string category; // cong_chuc, vien_chuc
  double min_coefficient = 0;
  double max_coefficient = 0;
  int steps = 0;
  // The coefficient of `step` in the group's table (linear between min and max).
  double CoefficientOf(int step) const;
};

// A code of a simple list (ethnicities, religions, education levels by dimension).
struct CodeRef {
  std::string dimension;  // for education levels: general_education, professional, ...; else ""
  std::string code;
  std::string name_vi;
};

const std::vector<UnitRef>& Units();
const std::vector<RankRef>& Ranks();
const std::vector<CodeRef>& Ethnicities();
const std::vector<CodeRef>& Religions();
const std::vector<CodeRef>& EducationLevels();

const UnitRef* FindUnit(std::string_view code);
const RankRef* FindRank(std::string_view code);

// Demo data: name parts (data/name_parts.csv): kind is surname, middle or given; gender_hint is
// M, F or U.
struct NamePart {
  std::string part;
  std::string kind;
  char gender_hint = 'U';
};
const std::vector<NamePart>& NameParts();

#pragma GCC visibility pop
}  // namespace hsdt
