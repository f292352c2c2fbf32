// Plain C++ views of a stored dossier for the query layer (src/query/ uses no Cap'n Proto): the
// values its summary row stores, the timelines valid time reads, the enumerant names a filter
// may compare with, and the JSON forms of queries and records.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>
#include <hsdt/status.h>

#include "schema/record.h"

namespace hsdt::schema {

// The values of fields 1..18 (Field numbers; [0] unused) that a dossier's summary row stores,
// as canonical text: codes, enumerant names, dates, numbers; "" when absent.
using StoredValues = std::array<std::string, 19>;

// What valid time reads of a dossier (query/valid_time.h).
struct Timelines {
  struct Rank {
    std::string code;
    unsigned step = 0;
    double coefficient = 0;
    std::string effective_date;
  };
  struct SalaryRow {
    std::string effective_date;
    std::string rank_code;
    unsigned step = 0;
    double coefficient = 0;
  };
  struct Appointment {
    std::string effective_date;
    std::string position;
    std::string term_end;
    bool appointed = false;  // boNhiem or boNhiemLai (not a dismissal or a resignation)
  };
  struct Transfer {
    std::string effective_date;
    std::string from_unit;
    std::string to_unit;
    std::string returned_on;
  };
  std::string recruitment_date;
  Rank rank;
  std::vector<SalaryRow> salary;  // in list order
  std::vector<std::string> current_positions;
  std::vector<Appointment> appointments;
  std::vector<Transfer> transfers;
  std::string working_unit;
};

// The summary row's values and the timelines of a dossier.
StoredValues StoredValuesOf(const DossierView& d);
Timelines TimelinesOf(const DossierView& d);

// The timelines of a stored record (flat message bytes; REQUIRES: 8-byte aligned, size a
// multiple of 8, checked when it was read).
Timelines TimelinesOfRecord(const std::uint64_t* words, std::size_t size_bytes);

// The canonical JSON of a stored record (schema/json.h, EncodeJson), on one line.
Result<std::string> RecordJson(const std::uint64_t* words, std::size_t size_bytes);

// Whether `text` is a date: YYYY-MM-DD, or with `partial` also YYYY-MM or YYYY (schema/validate.h).
bool IsDateText(std::string_view text, bool partial);

// For a field whose values are enumerant names (status, category, gender): whether `name` is one
// of them ("unspecified" is not). nullopt for other fields.
std::optional<bool> IsEnumerantOf(Field f, std::string_view name);

// The JSON form of a filter (schema/query.capnp, FilterJson), member by member.
struct FilterJsonView {
  int members_set = 0;  // how many of all, and, or, not, eq, in, range, name are set
  bool all = false;
  bool has_and = false, has_or = false, has_not = false, has_eq = false, has_in = false, has_range = false;
  std::vector<FilterJsonView> children;  // and, or: the list; not: one
  std::string field;                     // eq, in, range
  std::vector<std::string> values;       // eq: value; in: values; range: from, to; name: text
  std::string match;                     // name
};

// The JSON form of a query (QueryJson) or of a count (CountJson): what was set, as text.
struct QueryJsonView {
  std::optional<FilterJsonView> filter;
  std::string sort;
  std::vector<std::string> fields;  // fields, or groupBy of a count
  std::uint32_t limit = 0;
  std::string cursor;
  bool allow_scan = false;
  std::optional<std::string> purpose;
  std::string reference_date;
  std::string on_date;
};

// Decodes `json` strictly (DecodeStrictJson) as a QueryJson, or with `count` as a CountJson.
// Returns: the view; InvalidArgument naming the JSON path at fault.
Result<QueryJsonView> DecodeQueryJson(std::string_view json, bool count);

}  // namespace hsdt::schema
