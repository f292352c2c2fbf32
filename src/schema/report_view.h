// What the deadline checks (article 9) and the semi-annual report (article 13) read of dossiers
// beyond the summary row, as plain data for db/report.cc and the renderings
// (query/report_render.cc): the dates the deadlines run from, the category, the optional parts
// the report counts as filled.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schema/record.h"

namespace hsdt::schema {

struct ExpectedField {
  const char* path;      // the dossier's JSON path, the key of UnitReport::filled
  const char* label_vi;  // its column heading
};
inline constexpr std::size_t kExpectedFieldCount = 10;
// In report order.
extern const ExpectedField kExpectedFields[kExpectedFieldCount];

// Which of kExpectedFields `d` fills.
std::array<bool, kExpectedFieldCount> FilledFields(const DossierView& d);
// The enumerant name of the dossier's category ("unspecified" for 0; "?" if out of range).
std::string CategoryName(const DossierView& d);

// The dates of a dossier the deadline rules of article 9 read. The views point into the
// dossier: REQUIRES that its DossierView outlives them.
struct DeadlineFacts {
  std::string_view recruitment_date;     // $.recruitment.date
  std::string_view recruitment_decided;  // its decision's signing date if set, else the date
  // One state-side event row: a row of $.training, $.appointments, $.transfers,
  // $.salaryHistory, $.rewards or $.disciplines (lists in that order, rows in list order).
  struct Event {
    const char* list;  // "$.training"
    unsigned index;
    std::string_view effective_date;
    std::string_view recorded_at;  // engine-set
  };
  std::vector<Event> events;
  std::vector<int> supplement_years;  // $.annualSupplements[].year
};
DeadlineFacts DeadlineFactsOf(const DossierView& d);

// Upper case by ICU's Vietnamese rules (for the heading of a page).
std::string UpperVietnamese(std::string_view s);

}  // namespace hsdt::schema
