// The planner: candidate dossier ids for a compiled filter from the index family, within a
// budget of entries read, and a description of how they were found (QueryResult::plan).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "query/filter.h"
#include "storage/store.h"

namespace hsdt::query {

inline constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

class Planner final {
 public:
  explicit Planner(storage::Store& store) : store_(store) {}

  // Sorted ids of every dossier that may match `c` (the rows decide), or nullopt if no index
  // serves it or the indexes would read more than `budget` entries.
  Result<std::optional<std::vector<std::uint64_t>>> Ids(const Cond& c, std::uint64_t budget);

  std::string Describe() const;
  void Step(std::string what, std::size_t n) { steps_.push_back(std::move(what) + " -> " + std::to_string(n)); }

  std::uint64_t examined = 0;  // index entries read

 private:
  // Appends the trailing ids of the keys in [start, end); false if more than *budget entries.
  Result<bool> ScanIds(const std::string& start, const std::string& end, std::uint64_t* budget,
                       std::vector<std::uint64_t>* ids);

  storage::Store& store_;
  std::vector<std::string> steps_;
};

}  // namespace hsdt::query
