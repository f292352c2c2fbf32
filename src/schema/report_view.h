// What the semi-annual report (article 13) reads of dossiers beyond the summary row, as plain
// data for its renderings (query/report_render.cc): the optional parts it counts as filled.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hsdt::schema {

struct ExpectedField {
  const char* path;      // the dossier's JSON path, the key of UnitReport::filled
  const char* label_vi;  // its column heading
};
inline constexpr std::size_t kExpectedFieldCount = 10;
// In report order.
extern const ExpectedField kExpectedFields[kExpectedFieldCount];

// Upper case by ICU's Vietnamese rules (for the heading of a page).
std::string UpperVietnamese(std::string_view s);

}  // namespace hsdt::schema
