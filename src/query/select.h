// Selection: the rows a query selects, in its order, each with what the caller's decider lets
// through. The decider is the caller's (the db layer asks the policy); the query layer decides
// nothing about access itself, and keeps the per-unit decision cache in one place.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/policy.h>
#include <hsdt/query.h>

#include "query/filter.h"
#include "query/plan.h"
#include "query/rows.h"
#include "storage/store.h"

namespace hsdt::query {

// What may be done with one row: `allowed`, and the visibility of its fields. `id` and `unit`
// are the row's dossier and managing unit.
using Decider = std::function<Decision(std::uint64_t id, std::string_view unit)>;

// The decisions of a decider, remembered per managing unit when they depend on it alone.
class UnitDecisions final {
 public:
  // `per_unit`: the decider's answer depends on the unit only (not on the dossier).
  UnitDecisions(Decider decide, bool per_unit) : decide_(std::move(decide)), per_unit_(per_unit) {}
  const Decision& Decide(std::uint64_t id, std::string_view unit);

 private:
  const Decider decide_;
  const bool per_unit_;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Decision, Hash, std::equal_to<>> by_unit_;
};

// A cursor (QueryResult::next_cursor) after the row at `position` in `sort` order, and back.
std::string CursorOf(SortOrder sort, std::string_view position);
// Returns: the position (empty for an empty cursor); InvalidArgument if not a cursor of `sort`.
Result<std::string> ParseCursor(std::string_view hex, SortOrder sort);

class Selector final {
 public:
  using Emit = std::function<bool(std::uint64_t id, const Summary& s, Visibility visible, std::string_view position)>;

  // With `on_date`, rows are evaluated in valid time (records read through `load`). `cond` and
  // `reference_date` must outlive the selector; `decide` is called at most once per unit when
  // `per_unit`.
  Selector(storage::Store& store, const Cond& cond, std::string_view reference_date, Decider decide, bool per_unit,
           std::string on_date = {}, Loader load = {})
      : planner_(store), rows_(store), decisions_(std::move(decide), per_unit), cond_(cond),
        reference_date_(reference_date), on_date_(std::move(on_date)), load_(std::move(load)) {}

  // Calls `emit` on each selected row after position `after` (a cursor's), in `sort` order,
  // until it returns false. With `explain_only`, only plans. Without an index for the filter,
  // fails unless `allow_scan`.
  Status Run(SortOrder sort, const std::string& after, bool allow_scan, bool explain_only, const Emit& emit);

  std::string plan() const { return planner_.Describe(); }
  std::uint64_t examined() const { return planner_.examined + rows_.examined; }

 private:
  struct Collected {
    std::string position;
    std::uint64_t id;
    std::string summary;
    Visibility visible;
    std::array<std::string, 4> in_force;  // ValidTimeRow::values, with on_date
  };

  Status EmitCollected();
  // Visit, except on the first row when it is the row at `after` (which must outlive it).
  RowSource::Visit SkippingFirstAt(const std::string& after);
  bool Visit(std::uint64_t id, const Summary& stored, std::string_view raw);

  Planner planner_;
  RowSource rows_;
  UnitDecisions decisions_;
  const Cond& cond_;
  const std::string_view reference_date_;
  const std::string on_date_;
  const Loader load_;
  Status error_;
  bool ordered_ = true;
  SortOrder sort_ = SortOrder::kId;
  const std::string* after_ = nullptr;
  const Emit* emit_ = nullptr;
  std::vector<Collected> collected_;
  std::string position_;  // of the row at hand, reused
};

}  // namespace hsdt::query
