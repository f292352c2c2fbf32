#include "query/select.h"

#include <algorithm>
#include <charconv>

#include "base/coding.h"
#include "query/keys.h"

namespace hsdt::query {
namespace {

using Kind = Filter::Kind;

// A condition the whole filter requires (the filter itself, or one of its top-level and-ed
// conditions) that satisfies `pred`, or null.
template <typename Pred>
const Cond* TopCondition(const Cond& c, Pred pred) {
  if (pred(c)) return &c;
  if (c.kind != Kind::kAnd) return nullptr;
  for (const Cond& x : c.children) {
    if (pred(x)) return &x;
  }
  return nullptr;
}

bool IsUnitEq(const Cond& c) { return c.kind == Kind::kEq && c.field == Field::kManagingUnit; }
bool IsNationalIdEq(const Cond& c) { return c.kind == Kind::kEq && c.field == Field::kNationalId; }
bool IsWholeNameOrPrefix(const Cond& c) { return c.kind == Kind::kName && c.match != NameMatch::kTokens; }

// The position of a row in `sort` order, into `out`: its id; its name sort key and id (its
// unit-order key without the unit); or its ordered folded name and id (its folded-name key
// without the kind byte).
void PositionOf(SortOrder sort, const Summary& s, std::uint64_t id, std::string* out) {
  out->clear();
  if (sort == SortOrder::kName) out->append(s.name_key);
  if (sort == SortOrder::kFullName) PutOrdered(out, s.folded_name);
  base::PutBigEndian64(out, id);
}

char CursorLetter(SortOrder sort) { return sort == SortOrder::kId ? 'i' : sort == SortOrder::kName ? 'n' : 'f'; }

}  // namespace

const Decision& UnitDecisions::Decide(std::uint64_t id, std::string_view unit) {
  if (per_unit_) {
    if (auto it = by_unit_.find(unit); it != by_unit_.end()) return it->second;
  }
  return by_unit_.insert_or_assign(std::string(unit), decide_(id, unit)).first->second;
}

std::string CursorOf(SortOrder sort, std::string_view position) {
  return base::HexOf(CursorLetter(sort) + std::string(position));
}

// Cursors: 'i' <id> after a page in id order, 'n' <name key> <id> after a page in name order,
// 'f' <ordered folded name> <id> in full-name order; hex-encoded. The part after the letter is
// the row's position in its order.
Result<std::string> ParseCursor(std::string_view hex, SortOrder sort) {
  const Status bad = Status::InvalidArgument("cursor: not a cursor of a query in this order");
  if (hex.empty()) return std::string();
  if (hex.size() % 2 != 0 || hex.size() > 4096) return bad;
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != hex.data() + i + 2) return bad;
    raw.push_back(static_cast<char>(v));
  }
  const char want = CursorLetter(sort);
  if (raw.size() < 9 || raw[0] != want || (sort == SortOrder::kId && raw.size() != 9)) return bad;
  return raw.substr(1);  // the position
}

Status Selector::Run(SortOrder sort, const std::string& after, bool allow_scan, bool explain_only, const Emit& emit) {
  ordered_ = sort == SortOrder::kId;
  sort_ = sort;
  after_ = &after;
  emit_ = &emit;
  auto visit = [this](std::uint64_t id, const Summary& s, std::string_view raw) { return Visit(id, s, raw); };
  const std::uint64_t after_id = sort == SortOrder::kId && !after.empty() ? base::GetBigEndian64(after.data()) : 0;
  // Covering entries first: they carry the summary, so the rows come without further reads.
  if (const Cond* national = TopCondition(cond_, IsNationalIdEq)) {
    planner_.Step("nationalId index", 1);
    if (explain_only) return Status::Ok();
    HSDT_RETURN_IF_ERROR(rows_.NationalId(NationalIdKey(national->values[0]), visit));
    return EmitCollected();
  }
  if (const Cond* name = TopCondition(cond_, IsWholeNameOrPrefix)) {
    const std::string key = FoldedNamePrefix(name->folded, name->match != NameMatch::kExact);
    planner_.Step("name index", 0);
    if (explain_only) return Status::Ok();
    if (sort != SortOrder::kFullName) {  // read in full-name order: collected, then sorted
      ordered_ = false;
      HSDT_RETURN_IF_ERROR(rows_.Scan(key, PrefixEnd(key), visit));
      return EmitCollected();
    }
    // The entries are the rows in the order asked: read from the cursor's entry on (its key is
    // the kind byte and the position), and only as far as the caller takes them.
    ordered_ = true;
    const std::string resume = after.empty() ? std::string() : key.substr(0, 1) + after;
    HSDT_RETURN_IF_ERROR(rows_.Scan(std::max(key, resume), PrefixEnd(key), SkippingFirstAt(after)));
    return error_;
  }
  const Cond* unit = TopCondition(cond_, IsUnitEq);
  if (sort == SortOrder::kName && unit != nullptr) {
    // Name order within one unit: its unit-order entries are the rows, already in order.
    ordered_ = true;
    const std::string prefix = UnitOrderPrefix(unit->values[0]);
    planner_.Step("unit-order index of " + unit->values[0], 0);
    if (explain_only) return Status::Ok();
    HSDT_RETURN_IF_ERROR(rows_.Scan(prefix + after, PrefixEnd(prefix), SkippingFirstAt(after)));
    return error_;
  }
  HSDT_ASSIGN_OR_RETURN(auto ids, planner_.Ids(cond_, kUnlimited));
  if (ids) {
    if (explain_only) return Status::Ok();
    HSDT_RETURN_IF_ERROR(rows_.ById(*ids, after_id, visit));
  } else if (!allow_scan) {
    return Status::InvalidArgument(
        "filter: no index serves this query; allow a scan of every dossier's index row (allow_scan)");
  } else {
    planner_.Step("scan of every summary row", 0);
    if (explain_only) return Status::Ok();
    HSDT_RETURN_IF_ERROR(rows_.Scan(SummaryKey(after_id + 1), PrefixEnd(SummaryStart()), visit));
  }
  return EmitCollected();
}

RowSource::Visit Selector::SkippingFirstAt(const std::string& after) {
  return [this, &after, first = !after.empty()](std::uint64_t id, const Summary& s, std::string_view raw) mutable {
    if (first) {  // a resumed scan starts at the cursor's own row, if it is still there
      first = false;
      PositionOf(sort_, s, id, &position_);
      if (position_ == after) return true;
    }
    return Visit(id, s, raw);
  };
}

Status Selector::EmitCollected() {
  HSDT_RETURN_IF_ERROR(error_);
  if (ordered_) return Status::Ok();
  std::sort(collected_.begin(), collected_.end(),
            [](const Collected& a, const Collected& b) { return a.position < b.position; });
  for (const Collected& c : collected_) {
    Summary s;
    if (!DecodeSummary(c.summary, &s)) return Status::Internal("summary changed while sorting");
    ValidTimeRow vt;
    if (!on_date_.empty()) {  // the values in force were read when the row was collected
      vt.values = c.in_force;
      Overlay(s, &vt);
    }
    if (!(*emit_)(c.id, on_date_.empty() ? s : vt.summary, c.visible, c.position)) break;
  }
  return Status::Ok();
}

bool Selector::Visit(std::uint64_t id, const Summary& stored, std::string_view raw) {
  const Decision& d = decisions_.Decide(id, stored[Field::kManagingUnit]);
  if (!d.allowed) return true;
  ValidTimeRow vt;
  if (!on_date_.empty()) {
    auto recruited = InForceRow(load_, id, on_date_, stored, &vt);
    if (!recruited.ok()) {
      error_ = recruited.status();
      return false;
    }
    if (!*recruited) return true;
  }
  const Summary& s = on_date_.empty() ? stored : vt.summary;
  if (!Matches(cond_, Row{&s, d.visibility, reference_date_})) return true;
  PositionOf(sort_, s, id, &position_);
  if (ordered_) return (*emit_)(id, s, d.visibility, position_);
  if (!after_->empty() && position_ <= *after_) return true;
  collected_.push_back({position_, id, std::string(raw), d.visibility, std::move(vt.values)});
  return true;
}

}  // namespace hsdt::query
