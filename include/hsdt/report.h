// Deadline compliance (article 9) and the semi-annual report (article 13): what a Personnel
// Office is asked twice a year about the quantity, quality and timeliness of its dossiers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// A period of days, both ends included ("YYYY-MM-DD").
struct Period {
  std::string from;
  std::string to;
};

enum class LateKind : int {
  kDossierCreated = 1,     // 9.1: created more than 60 days after the recruitment decision
  kStateEvent = 2,         // 9.2a: a state-side event recorded more than 15 days after its effective date
  kNoAnnualSupplement = 3, // 9.2b: a serving official without the year's supplementary declaration
};

struct LateItem {
  std::string dossier_id;
  std::string unit;      // managing unit
  LateKind kind = LateKind::kDossierCreated;
  std::string path;      // the event row ("$.salaryHistory[2]"); empty for the other kinds
  std::string due_from;  // the date the deadline runs from (decision or effective date)
  std::string done_on;   // the date it was recorded; empty when it never was
  int days = 0;          // from due_from to done_on
};

// Counts of one unit (or of the district, unit "").
struct Compliance {
  std::string unit;
  std::uint64_t dossiers = 0;               // dossiers looked at
  std::uint64_t recruitments = 0;           // 9.1: recruitment decisions of the period (or whose
                                            // 60 days run into it)
  std::uint64_t recruitments_late = 0;
  std::uint64_t events = 0;                 // 9.2a: state-side events effective in the period
  std::uint64_t events_late = 0;
  std::uint64_t supplements_due = 0;        // 9.2b: serving officials
  std::uint64_t supplements_missing = 0;
};

struct ComplianceQuery {
  Period period;
  int supplement_year = 0;  // 0: the year before the one period.to falls in
  std::string unit;         // "" every unit the session reports on (tier 2: all; tier 1: its own)
};

struct ComplianceReport {
  Period period;
  int supplement_year = 0;
  std::vector<Compliance> units;  // by unit code
  Compliance district;            // the sum
  std::vector<LateItem> items;    // by unit, dossier
};

// The report due before 1 June (period 1 December - 31 May) or 1 December (1 June - 30 November).
struct UnitReport {
  std::string unit;       // "" for the district
  std::string unit_name;
  std::uint64_t dossiers = 0;
  std::map<std::string, std::uint64_t> by_status;    // enumerant name -> dossiers
  std::map<std::string, std::uint64_t> by_category;
  // Dossiers that have each expected (optional) field filled; required fields are complete in
  // every dossier, since none is accepted without them.
  std::map<std::string, std::uint64_t> filled;
  Compliance timeliness;
  std::uint64_t changes_in_period = 0;  // versions recorded in the period
  std::map<std::string, std::uint64_t> accounts_by_state;  // active, restricted, revoked
};

struct SemiAnnualReport {
  std::string due;  // "2026-12-01"
  Period period;
  int supplement_year = 0;
  std::string generated_at;  // UTC, ISO 8601
  std::string generated_by;
  // The period had not ended when the report was made (its last day is today or later, in the
  // database's time zone): its figures will still change, and every rendering says so. Since 1.1
  bool provisional = false;
  std::string issuer;        // the district (the registry's unit of kind "district"), for the page
  std::vector<UnitReport> units;
  UnitReport district;
};

// Renderings. CSV is UTF-8 with a byte-order mark; CSV and HTML labels are Vietnamese, and the
// HTML page prints on A4.
std::string ReportToJson(const SemiAnnualReport& report);
std::string ReportToCsv(const SemiAnnualReport& report);
std::string ReportToHtml(const SemiAnnualReport& report);
// {"period":{...},"supplementYear":N,"units":[...],"district":{...},"items":[{"dossierId",...}]}
std::string ComplianceToJson(const ComplianceReport& report);

#pragma GCC visibility pop
}  // namespace hsdt
