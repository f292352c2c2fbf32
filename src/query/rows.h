// Row sources: the summary rows of the index family read by candidate ids or over a key range,
// and the same rows as of a date (valid time), with the time-varying fields in force then.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/fields.h"
#include "storage/record_cache.h"
#include "storage/store.h"

namespace hsdt::query {

// "HS00000042": a dossier id as the public API and error messages write it.
std::string DossierIdText(std::uint64_t id);

// Reads summary rows: by candidate ids, or over a key range of the index family (the summary,
// unit-order or folded-name entries, which carry a summary); `visit` returns false to stop.
class RowSource final {
 public:
  using Visit = std::function<bool(std::uint64_t id, const Summary& s, std::string_view raw)>;

  explicit RowSource(storage::Store& store) : store_(store) {}

  // The rows of `ids` (sorted) above `after`.
  Status ById(const std::vector<std::uint64_t>& ids, std::uint64_t after, const Visit& visit);
  // The rows of the entries in [start, end).
  Status Scan(std::string_view start, std::string_view end, const Visit& visit);
  // The row of national-ID entry `key`, if it exists (visit is not called otherwise).
  Status NationalId(const std::string& key, const Visit& visit);

  std::uint64_t examined = 0;  // entries read

 private:
  static Result<bool> Visit1(std::uint64_t id, std::string_view value, const Visit& visit);

  storage::Store& store_;
};

// The record of a dossier, for valid time (the caller's record cache or store).
using Loader = std::function<Result<std::shared_ptr<const storage::CachedRecord>>(std::uint64_t)>;

// A summary with the values in force on a date over its time-varying fields.
struct ValidTimeRow {
  std::array<std::string, 4> values;  // rank, step, coefficient, working unit
  Summary summary;
};

// Points `out->summary` at `in`, with out->values over its time-varying fields.
void Overlay(const Summary& in, ValidTimeRow* out);

// Fills `out` from `in` and the record of `id` as of `date`; false if the person was not
// recruited yet on that date.
Result<bool> InForceRow(const Loader& load, std::uint64_t id, const std::string& date, const Summary& in,
                        ValidTimeRow* out);

}  // namespace hsdt::query
