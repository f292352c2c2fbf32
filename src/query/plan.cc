#include "query/plan.h"

#include <algorithm>
#include <iterator>

#include "base/coding.h"
#include "query/keys.h"

namespace hsdt::query {
namespace {

using Kind = Filter::Kind;

// An intersection stops once this few candidates are left: the rest is checked on the rows.
constexpr std::size_t kFewCandidates = 32;
// An index is intersected only if it reads at most this many entries per candidate left.
constexpr std::uint64_t kIntersectFactor = 16;

void SortUnique(std::vector<std::uint64_t>* ids) {
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

std::vector<std::uint64_t> Intersect(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::vector<std::uint64_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Result<std::optional<std::vector<std::uint64_t>>> Planner::Ids(const Cond& c, std::uint64_t budget) {
  using Out = std::optional<std::vector<std::uint64_t>>;
  std::vector<std::uint64_t> ids;
  switch (c.kind) {
    case Kind::kEq:
    case Kind::kIn:
      if (c.field == Field::kNationalId) {
        for (const auto& v : c.values) {
          std::string value;
          bool found = false;
          HSDT_RETURN_IF_ERROR(store_.Get(storage::kIndexCf, NationalIdKey(v), &value, &found));
          ++examined;
          if (found && value.size() >= 8) ids.push_back(base::GetBigEndian64(value.data()));
        }
        SortUnique(&ids);
        Step("nationalId index", ids.size());
        return Out(std::move(ids));
      }
      if (IndexRank(c) == kNoIndex) return Out();
      for (const auto& v : c.values) {
        const std::string prefix = FieldIndexPrefix(c.field, v);
        HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(prefix, PrefixEnd(prefix), &budget, &ids));
        if (!within) return Out();
      }
      SortUnique(&ids);
      Step(std::string(FieldName(c.field)) + " index", ids.size());
      return Out(std::move(ids));
    case Kind::kRange: {
      if (IndexRank(c) == kNoIndex) return Out();
      const std::string field_prefix = FieldIndexStart(c.field);
      const std::string start = c.values[0].empty() ? field_prefix : FieldIndexPrefix(c.field, c.values[0]);
      const std::string end = c.values[1].empty() ? PrefixEnd(field_prefix) : PrefixEnd(FieldIndexPrefix(c.field, c.values[1]));
      HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(start, end, &budget, &ids));
      if (!within) return Out();
      SortUnique(&ids);
      Step(std::string(FieldName(c.field)) + " index range", ids.size());
      return Out(std::move(ids));
    }
    case Kind::kName: {
      if (c.match != NameMatch::kTokens) {  // the whole folded name, or its start
        const std::string key = FoldedNamePrefix(c.folded, c.match != NameMatch::kExact);
        HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(key, PrefixEnd(key), &budget, &ids));
        if (!within) return Out();
        SortUnique(&ids);
        Step("name index", ids.size());
        return Out(std::move(ids));
      }
      std::optional<std::vector<std::uint64_t>> acc;
      for (std::size_t i = 0; i < c.words.size(); ++i) {
        const std::string key = NameWordPrefix(c.words[i], i + 1 == c.words.size());
        std::vector<std::uint64_t> word_ids;
        HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(key, PrefixEnd(key), &budget, &word_ids));
        if (!within) return Out();
        SortUnique(&word_ids);
        acc = acc ? Intersect(*acc, word_ids) : std::move(word_ids);
      }
      Step("name word index", acc->size());
      return acc;
    }
    case Kind::kAnd: {
      std::vector<const Cond*> order;
      for (const Cond& x : c.children) order.push_back(&x);
      std::stable_sort(order.begin(), order.end(),
                       [](const Cond* a, const Cond* b) { return IndexRank(*a) < IndexRank(*b); });
      std::optional<std::vector<std::uint64_t>> acc;
      for (const Cond* x : order) {
        if (IndexRank(*x) == kNoIndex || (acc && acc->size() <= kFewCandidates)) break;
        const std::uint64_t b = acc ? std::min<std::uint64_t>(budget, acc->size() * kIntersectFactor) : budget;
        const std::uint64_t before = examined;
        HSDT_ASSIGN_OR_RETURN(auto r, Ids(*x, b));
        budget -= std::min(budget, examined - before);
        if (!r) continue;  // left to the rows
        acc = acc ? Intersect(*acc, *r) : std::move(*r);
        if (steps_.size() > 1) Step("intersect", acc->size());
      }
      return acc;
    }
    case Kind::kOr: {
      for (const Cond& x : c.children) {
        const std::uint64_t before = examined;
        HSDT_ASSIGN_OR_RETURN(auto r, Ids(x, budget));
        if (!r) return Out();
        budget -= std::min(budget, examined - before);
        ids.insert(ids.end(), r->begin(), r->end());
      }
      SortUnique(&ids);
      Step("union", ids.size());
      return Out(std::move(ids));
    }
    default:
      return Out();
  }
}

std::string Planner::Describe() const {
  std::string out;
  for (const auto& s : steps_) out += (out.empty() ? "" : "; ") + s;
  return out;
}

Result<bool> Planner::ScanIds(const std::string& start, const std::string& end, std::uint64_t* budget,
                              std::vector<std::uint64_t>* ids) {
  bool within = true;
  HSDT_RETURN_IF_ERROR(store_.Scan(storage::kIndexCf, storage::ScanRange::Between(start, end),
                                   [&](std::string_view k, std::string_view) -> Result<storage::Next> {
    ++examined;
    if (*budget == 0) {
      within = false;
      return storage::Next::kStop;
    }
    --*budget;
    if (k.size() >= 9) ids->push_back(TrailingId(k));
    return storage::Next::kContinue;
  }));
  return within;
}

}  // namespace hsdt::query
