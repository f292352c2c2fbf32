// Queries and counts: check the filter, plan it over the index family, read summary rows (never
// the sealed records), let the policy decide each row, and audit the query as one entry.
#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <functional>
#include <limits>
#include <map>

#include "base/clock.h"
#include "base/coding.h"
#include "db/database_impl.h"
#include "db/valid_time.h"
#include "schema/text.h"
#include "schema/validate.h"

namespace hsdt {
namespace {

using Kind = Filter::Kind;

constexpr std::uint32_t kMaxLimit = 1000;
constexpr std::size_t kMaxValues = 1000;
constexpr int kMaxConditions = 256;
constexpr std::size_t kMaxValueBytes = 512;
constexpr std::size_t kMaxGroupBy = 3;
constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
// An intersection stops once this few candidates are left: the rest is checked on the rows.
constexpr std::size_t kFewCandidates = 32;
// An index is intersected only if it reads at most this many entries per candidate left.
constexpr std::uint64_t kIntersectFactor = 16;
constexpr std::size_t kFetchChunk = 128;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool IsNumberField(Field f) { return f == Field::kRankStep || f == Field::kCoefficient; }
bool IsDateField(Field f) { return f == Field::kBirthDate || f == Field::kRecruitmentDate; }

std::optional<double> NumberOf(std::string_view s) {
  double v = 0;
  if (s.empty()) return std::nullopt;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The enumerant names a field takes, or null for fields that are not enums.
std::optional<capnp::EnumSchema> EnumOf(Field f) {
  switch (f) {
    case Field::kStatus: return capnp::Schema::from<schema::DossierStatus>();
    case Field::kCategory: return capnp::Schema::from<schema::Category>();
    case Field::kGender: return capnp::Schema::from<schema::Gender>();
    default: return std::nullopt;
  }
}

Status CheckValue(Field f, std::string_view v, const std::string& path) {
  if (v.size() > kMaxValueBytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(v.size()) + " bytes; limit 512");
  }
  const std::string quoted = "\"" + std::string(v.substr(0, 64)) + "\"";
  if (IsNumberField(f) && !NumberOf(v)) {
    return Status::InvalidArgument(path + ": " + quoted + " is not a number");
  }
  if (IsDateField(f) && !schema::IsValidDate(v, schema::DateForm::PARTIAL)) {
    return Status::InvalidArgument(path + ": " + quoted + " is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY");
  }
  if (f == Field::kPartyMember && v != "true" && v != "false") {
    return Status::InvalidArgument(path + ": " + quoted + " is not true or false");
  }
  if (auto en = EnumOf(f)) {
    KJ_IF_MAYBE(e, en->findEnumerantByName(kj::StringPtr(std::string(v).c_str()))) {
      if (e->getOrdinal() != 0) return Status::Ok();
    }
    return Status::InvalidArgument(path + ": " + quoted + " is not a " + FieldName(f) + " (docs/format.md)");
  }
  return Status::Ok();
}

// A filter checked and prepared for evaluation: names folded, numbers parsed.
struct Cond {
  Kind kind = Kind::kAll;
  Field field = Field::kManagingUnit;
  std::vector<std::string> values;
  std::vector<double> numbers;  // per value, for number fields (NaN: empty, or not a number field)
  NameMatch match = NameMatch::kTokens;
  std::string folded;               // kName
  std::vector<std::string> words;   // kName
  std::vector<Cond> children;
  bool indexable = true;  // false for fields that vary in valid time when a query has on_date
};

// Fields whose value on a date comes from the timelines (valid time), not from the indexes.
bool VariesInValidTime(Field f) {
  return f == Field::kRank || f == Field::kRankStep || f == Field::kCoefficient || f == Field::kRankGroup ||
         f == Field::kWorkingUnit;
}

Result<Cond> Compile(const Filter& filter, const std::string& path, int* conditions, bool valid_time) {
  if (++*conditions > kMaxConditions) {
    return Status::InvalidArgument(path + ": more than " + std::to_string(kMaxConditions) + " conditions");
  }
  const Filter::Node& n = filter.node();
  Cond c;
  c.kind = n.kind;
  c.field = n.field;
  c.match = n.match;
  switch (n.kind) {
    case Kind::kAll:
      return c;
    case Kind::kAnd:
    case Kind::kOr:
    case Kind::kNot: {
      const char* name = n.kind == Kind::kAnd ? ".and" : n.kind == Kind::kOr ? ".or" : ".not";
      if (n.children.empty() || (n.kind == Kind::kNot && n.children.size() != 1)) {
        return Status::InvalidArgument(path + name + ": wrong number of conditions");
      }
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        const std::string at = path + name + (n.kind == Kind::kNot ? "" : "[" + std::to_string(i) + "]");
        HSDT_ASSIGN_OR_RETURN(Cond child, Compile(n.children[i], at, conditions, valid_time));
        c.children.push_back(std::move(child));
      }
      return c;
    }
    case Kind::kEq:
    case Kind::kIn:
    case Kind::kRange: {
      const std::string at = path + (n.kind == Kind::kEq ? ".eq" : n.kind == Kind::kIn ? ".in" : ".range");
      c.indexable = !(valid_time && VariesInValidTime(n.field));
      const int number = static_cast<int>(n.field);
      if (number < 1 || number > kFieldCount) {
        return Status::InvalidArgument(at + ".field: " + std::to_string(number) + " is not a field");
      }
      const std::size_t want = n.kind == Kind::kRange ? 2 : n.kind == Kind::kEq ? 1 : 0;
      if ((want != 0 && n.values.size() != want) || n.values.empty() || n.values.size() > kMaxValues) {
        return Status::InvalidArgument(at + ": wrong number of values");
      }
      if (n.kind == Kind::kRange && n.values[0].empty() && n.values[1].empty()) {
        return Status::InvalidArgument(at + ": a range needs from, to or both");
      }
      for (std::size_t i = 0; i < n.values.size(); ++i) {
        const std::string& v = n.values[i];
        const std::string vat = at + (n.kind == Kind::kRange ? (i == 0 ? ".from" : ".to")
                                      : n.kind == Kind::kIn ? ".values[" + std::to_string(i) + "]" : ".value");
        if (v.empty() && n.kind != Kind::kRange) return Status::InvalidArgument(vat + ": empty");
        if (n.kind == Kind::kRange && EnumOf(n.field)) {
          return Status::InvalidArgument(at + ".field: " + FieldName(n.field) + " has no order");
        }
        if (!v.empty()) HSDT_RETURN_IF_ERROR(CheckValue(n.field, v, vat));
        c.values.push_back(v);
        c.numbers.push_back(IsNumberField(n.field) ? NumberOf(v).value_or(kNaN) : kNaN);
      }
      return c;
    }
    case Kind::kName: {
      if (n.values.size() != 1 || n.values[0].size() > kMaxValueBytes) {
        return Status::InvalidArgument(path + ".name.text: expected one text of at most 512 bytes");
      }
      if (n.match != NameMatch::kExact && n.match != NameMatch::kPrefix && n.match != NameMatch::kTokens) {
        return Status::InvalidArgument(path + ".name.match: not exact, prefix or tokens");
      }
      c.folded = schema::FoldForSearch(n.values[0]);
      c.words = schema::SplitWords(c.folded);
      if (c.words.empty()) return Status::InvalidArgument(path + ".name.text: no letters to search for");
      return c;
    }
  }
  return Status::InvalidArgument(path + ": unknown condition");
}

// One summary row as a filter sees it.
struct Row {
  const db::Summary* summary = nullptr;
  Visibility visible = Visibility::kNormal;
  std::string_view reference_date;
};

bool WordMatches(const std::vector<std::string>& name_words, std::string_view word, bool prefix) {
  for (const auto& w : name_words) {
    if (prefix ? std::string_view(w).substr(0, word.size()) == word : w == word) return true;
  }
  return false;
}

bool Matches(const Cond& c, const Row& row) {
  switch (c.kind) {
    case Kind::kAll:
      return true;
    case Kind::kAnd:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Cond& x) { return Matches(x, row); });
    case Kind::kOr:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Cond& x) { return Matches(x, row); });
    case Kind::kNot:
      return !Matches(c.children[0], row);
    case Kind::kName: {
      const std::string_view name = row.summary->folded_name;
      if (c.match == NameMatch::kExact) return name == c.folded;
      if (c.match == NameMatch::kPrefix) return name.substr(0, c.folded.size()) == c.folded;
      const std::vector<std::string> name_words = schema::SplitWords(name);
      for (std::size_t i = 0; i < c.words.size(); ++i) {
        if (!WordMatches(name_words, c.words[i], i + 1 == c.words.size())) return false;
      }
      return true;
    }
    case Kind::kEq:
    case Kind::kIn:
    case Kind::kRange:
      break;
  }
  // A field the session may not see matches nothing: hidden values cannot be probed by filters.
  if (static_cast<int>(db::FieldVisibility(c.field)) > static_cast<int>(row.visible)) return false;
  const int number = static_cast<int>(c.field);
  const std::string derived = number > db::kStoredFields ? db::FieldValue(*row.summary, c.field, row.reference_date)
                                                         : std::string();
  const std::string_view value = number > db::kStoredFields ? std::string_view(derived) : row.summary->values[number];
  if (value.empty()) return false;
  if (IsNumberField(c.field)) {
    const double x = NumberOf(value).value_or(kNaN);
    if (std::isnan(x)) return false;
    if (c.kind == Kind::kRange) {
      return (std::isnan(c.numbers[0]) || x >= c.numbers[0]) && (std::isnan(c.numbers[1]) || x <= c.numbers[1]);
    }
    return std::find(c.numbers.begin(), c.numbers.end(), x) != c.numbers.end();
  }
  if (c.kind == Kind::kRange) {
    return (c.values[0].empty() || value >= c.values[0]) && (c.values[1].empty() || value <= c.values[1]);
  }
  return std::find(c.values.begin(), c.values.end(), value) != c.values.end();
}

// How good an index is for a condition: lower reads fewer entries. kNoIndex: none serves it.
constexpr int kNoIndex = 99;
int Rank(const Cond& c) {
  switch (c.kind) {
    case Kind::kEq:
    case Kind::kIn:
      if (c.field == Field::kNationalId) return 0;
      if (!c.indexable || !db::IsIndexedField(c.field)) return kNoIndex;
      if (c.field == Field::kStatus || c.field == Field::kGender || c.field == Field::kCategory ||
          c.field == Field::kEducation) {
        return 4;  // few distinct values
      }
      return 2;
    case Kind::kRange:
      return c.indexable && db::IsIndexedField(c.field) ? 3 : kNoIndex;
    case Kind::kName:
      return 1;
    case Kind::kAnd: {
      int best = kNoIndex;
      for (const Cond& x : c.children) best = std::min(best, Rank(x));
      return best;
    }
    case Kind::kOr: {
      int worst = 0;
      for (const Cond& x : c.children) worst = std::max(worst, Rank(x));
      return worst;
    }
    default:
      return kNoIndex;
  }
}

// The smallest key greater than every key starting with `prefix` (whose last byte is below 0xFF).
std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

std::uint64_t TrailingId(std::string_view key) { return base::GetBigEndian64(key.data() + key.size() - 8); }

void SortUnique(std::vector<std::uint64_t>* ids) {
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
}

using Loader = std::function<Result<std::shared_ptr<const storage::CachedRecord>>(std::uint64_t)>;

// A summary with the values in force on a date over its time-varying fields.
struct ValidTimeRow {
  std::array<std::string, 4> values;  // rank, step, coefficient, working unit
  db::Summary summary;
};

// Points `out->summary` at `in`, with out->values over its time-varying fields.
void Overlay(const db::Summary& in, ValidTimeRow* out) {
  out->summary = in;
  out->summary.values[static_cast<int>(Field::kRank)] = out->values[0];
  out->summary.values[static_cast<int>(Field::kRankStep)] = out->values[1];
  out->summary.values[static_cast<int>(Field::kCoefficient)] = out->values[2];
  out->summary.values[static_cast<int>(Field::kWorkingUnit)] = out->values[3];
}

// Fills `out` from `in` and the record of `id` as of `date`; false if the person was not
// recruited yet on that date.
Result<bool> InForceRow(const Loader& load, std::uint64_t id, const std::string& date, const db::Summary& in,
                        ValidTimeRow* out) {
  HSDT_ASSIGN_OR_RETURN(auto record, load(id));
  schema::FlatRecord r(record->bytes.words(), record->bytes.size());
  const InForce f = db::InForceOn(r.dossier(), date);
  if (!f.recruited) return false;
  out->values = {f.rank, f.rank_step, f.coefficient, f.working_unit};
  Overlay(in, out);
  return true;
}

// Candidate ids from the index family.
class Planner {
 public:
  explicit Planner(storage::Store& store) : store_(store) {}

  // Sorted ids of every dossier that may match `c` (the rows decide), or nullopt if no index
  // serves it or the indexes would read more than `budget` entries.
  Result<std::optional<std::vector<std::uint64_t>>> Ids(const Cond& c, std::uint64_t budget) {
    using Out = std::optional<std::vector<std::uint64_t>>;
    std::vector<std::uint64_t> ids;
    switch (c.kind) {
      case Kind::kEq:
      case Kind::kIn:
        if (c.field == Field::kNationalId) {
          for (const auto& v : c.values) {
            std::string value;
            bool found = false;
            HSDT_RETURN_IF_ERROR(store_.Get(storage::kIndexCf, std::string(1, db::kNationalIdIndex) + v, &value, &found));
            ++examined;
            if (found && value.size() >= 8) ids.push_back(base::GetBigEndian64(value.data()));
          }
          SortUnique(&ids);
          Step("nationalId index", ids.size());
          return Out(std::move(ids));
        }
        if (Rank(c) == kNoIndex) return Out();
        for (const auto& v : c.values) {
          const std::string prefix = db::FieldIndexPrefix(c.field, v);
          HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(prefix, PrefixEnd(prefix), &budget, &ids));
          if (!within) return Out();
        }
        SortUnique(&ids);
        Step(std::string(FieldName(c.field)) + " index", ids.size());
        return Out(std::move(ids));
      case Kind::kRange: {
        if (Rank(c) == kNoIndex) return Out();
        const std::string field_prefix = db::FieldIndexPrefix(c.field, "").substr(0, 2);
        const std::string start = c.values[0].empty() ? field_prefix : db::FieldIndexPrefix(c.field, c.values[0]);
        const std::string end = c.values[1].empty() ? PrefixEnd(field_prefix) : PrefixEnd(db::FieldIndexPrefix(c.field, c.values[1]));
        HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(start, end, &budget, &ids));
        if (!within) return Out();
        SortUnique(&ids);
        Step(std::string(FieldName(c.field)) + " index range", ids.size());
        return Out(std::move(ids));
      }
      case Kind::kName: {
        if (c.match != NameMatch::kTokens) {  // the whole folded name, or its start
          std::string key(1, db::kFoldedNameIndex);
          if (c.match == NameMatch::kExact) {
            db::PutOrdered(&key, c.folded);
          } else {
            key += c.folded;
          }
          HSDT_ASSIGN_OR_RETURN(bool within, ScanIds(key, PrefixEnd(key), &budget, &ids));
          if (!within) return Out();
          SortUnique(&ids);
          Step("name index", ids.size());
          return Out(std::move(ids));
        }
        std::optional<std::vector<std::uint64_t>> acc;
        for (std::size_t i = 0; i < c.words.size(); ++i) {
          const bool prefix = i + 1 == c.words.size();
          std::string key(1, db::kNameTokenIndex);
          std::vector<std::uint64_t> word_ids;
          if (prefix) {
            key += c.words[i];
          } else {
            db::PutOrdered(&key, c.words[i]);
          }
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
        std::stable_sort(order.begin(), order.end(), [](const Cond* a, const Cond* b) { return Rank(*a) < Rank(*b); });
        std::optional<std::vector<std::uint64_t>> acc;
        for (const Cond* x : order) {
          if (Rank(*x) == kNoIndex || (acc && acc->size() <= kFewCandidates)) break;
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

  std::string Describe() const {
    std::string out;
    for (const auto& s : steps_) out += (out.empty() ? "" : "; ") + s;
    return out;
  }
  void Step(std::string what, std::size_t n) { steps_.push_back(std::move(what) + " -> " + std::to_string(n)); }

  std::uint64_t examined = 0;

 private:
  static std::vector<std::uint64_t> Intersect(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    std::vector<std::uint64_t> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  }

  // Appends the trailing ids of the keys in [start, end); false if more than *budget entries.
  Result<bool> ScanIds(const std::string& start, const std::string& end, std::uint64_t* budget,
                       std::vector<std::uint64_t>* ids) {
    bool within = true;
    HSDT_RETURN_IF_ERROR(store_.Scan(storage::kIndexCf, storage::ScanRange::Between(start, end), [&](std::string_view k, std::string_view) {
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

  storage::Store& store_;
  std::vector<std::string> steps_;
};

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

// Cursors: 'i' <id> after a page in id order, 'n' <name key> <id> after a page in name order;
// hex-encoded. The part after the letter is the row's position in its order.
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
  const char want = sort == SortOrder::kId ? 'i' : 'n';
  if (raw.size() < 9 || raw[0] != want || (sort == SortOrder::kId && raw.size() != 9)) return bad;
  return raw.substr(1);  // the position: <id> or <name key><id>
}

// The position of a row in name order (its unit-order key without the unit), or in id order.
std::string NamePosition(const db::Summary& s, std::uint64_t id) {
  std::string pos(s.name_key);
  base::PutBigEndian64(&pos, id);
  return pos;
}

std::string IdPosition(std::uint64_t id) {
  std::string pos;
  base::PutBigEndian64(&pos, id);
  return pos;
}

Status CheckDates(const std::string& reference_date, const std::string& on_date) {
  for (const auto& [name, d] : {std::pair{"referenceDate", &reference_date}, std::pair{"onDate", &on_date}}) {
    if (!d->empty() && !schema::IsValidDate(*d, schema::DateForm::FULL)) {
      return Status::InvalidArgument(std::string(name) + ": \"" + d->substr(0, 32) + "\" is not a date; expected YYYY-MM-DD");
    }
  }
  return Status::Ok();
}

// The date ages are counted on: the one asked for, else the valid-time date, else today in the
// database's time zone at `now`.
std::string ReferenceDate(const std::string& reference_date, const std::string& on_date, std::int64_t now,
                          const schema::CivilZone& zone) {
  return !reference_date.empty() ? reference_date : !on_date.empty() ? on_date : zone.DateOf(now);
}

Status CheckFields(const std::vector<Field>& fields, const char* what) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const int n = static_cast<int>(fields[i]);
    if (n < 1 || n > kFieldCount) {
      return Status::InvalidArgument(std::string(what) + "[" + std::to_string(i) + "]: " + std::to_string(n) + " is not a field");
    }
  }
  return Status::Ok();
}

std::string Shorten(std::string s) {
  if (s.size() <= 400) return s;
  std::size_t cut = 400;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole characters
  return s.substr(0, cut) + "...";
}

// How many dossier ids an audit entry of a query or an export names.
constexpr std::size_t kAuditedIds = 20;

// ": HS..1 HS..2 ..." for the audit entry: the first kAuditedIds of the `total` ids returned.
template <typename Ids>
std::string IdList(const Ids& ids, std::uint64_t total) {
  std::string out;
  std::uint64_t named = 0;
  for (const auto& id : ids) {
    if (named == kAuditedIds) break;
    out.append(named == 0 ? ": " : " ").append(id);
    ++named;
  }
  if (total > named) out += " and " + std::to_string(total - named) + " more";
  return out;
}

// Reads summary rows to answer a query: by candidate ids, by the unit-order index, or by scanning
// every summary; `visit` returns false to stop.
class RowSource final {
 public:
  using Visit = std::function<bool(std::uint64_t id, const db::Summary& s, std::string_view raw)>;

  explicit RowSource(storage::Store& store) : store_(store) {}

  Status ById(const std::vector<std::uint64_t>& ids, std::uint64_t after, const Visit& visit) {
    auto it = std::upper_bound(ids.begin(), ids.end(), after);
    std::vector<std::string> keys, values;
    std::vector<bool> found;
    while (it != ids.end()) {
      keys.clear();
      for (; it != ids.end() && keys.size() < kFetchChunk; ++it) keys.push_back(db::SummaryKey(*it));
      HSDT_RETURN_IF_ERROR(store_.MultiGet(storage::kIndexCf, keys, &values, &found));
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!found[i]) continue;  // the dossier changed since the ids were read
        ++examined;
        HSDT_ASSIGN_OR_RETURN(bool more, Visit1(TrailingId(keys[i]), values[i], visit));
        if (!more) return Status::Ok();
      }
    }
    return Status::Ok();
  }

  Status Scan(std::string_view start, std::string_view end, const Visit& visit) {
    return store_.Scan(storage::kIndexCf, storage::ScanRange::Between(start, end),
                       [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
      ++examined;
      HSDT_ASSIGN_OR_RETURN(const bool more, Visit1(TrailingId(k), v, visit));
      return more ? storage::Next::kContinue : storage::Next::kStop;
    });
  }

  std::uint64_t examined = 0;
  storage::Store& store() { return store_; }

 private:
  static Result<bool> Visit1(std::uint64_t id, std::string_view value, const Visit& visit) {
    db::Summary s;
    if (!db::DecodeSummary(value, &s)) {
      return Status::Corruption("index/summary/" + db::FormatId(id) + ": malformed; run index verify");
    }
    return visit(id, s, value);
  }

  storage::Store& store_;
};

// The rows a query selects, in its order, each with what the policy lets `who` see of it for
// `action`. Rows the policy refuses are left out, as are rows whose visible fields do not match.
class Selector final {
 public:
  using Emit = std::function<bool(std::uint64_t id, const db::Summary& s, Visibility visible,
                                  std::string_view position)>;

  // With `on_date`, rows are evaluated in valid time (records read through `load`).
  Selector(storage::Store& store, const policy::Principal& who, Action action, const policy::Context& ctx,
           const Cond& cond, std::string_view reference_date, std::string on_date = {}, Loader load = {})
      : planner_(store), rows_(store), who_(who), action_(action), ctx_(ctx), cond_(cond),
        reference_date_(reference_date), on_date_(std::move(on_date)), load_(std::move(load)),
        // Without grants that list dossiers, a decision depends on the managing unit only.
        per_unit_(std::none_of(ctx.grants.begin(), ctx.grants.end(),
                               [](const policy::GrantView& g) { return !g.dossiers.empty(); })) {}

  // Calls `emit` on each selected row after position `after` (a cursor's), in `sort` order,
  // until it returns false. With `explain_only`, only plans.
  Status Run(SortOrder sort, const std::string& after, bool allow_scan, bool explain_only, const Emit& emit) {
    ordered_ = sort == SortOrder::kId;
    sort_ = sort;
    after_ = &after;
    emit_ = &emit;
    auto visit = [this](std::uint64_t id, const db::Summary& s, std::string_view raw) { return Visit(id, s, raw); };
    const std::uint64_t after_id = sort == SortOrder::kId && !after.empty() ? base::GetBigEndian64(after.data()) : 0;
    // Covering entries first: they carry the summary, so the rows come without further reads.
    if (const Cond* national = TopCondition(cond_, IsNationalIdEq)) {
      planner_.Step("nationalId index", 1);
      if (explain_only) return Status::Ok();
      std::string value;
      bool found = false;
      HSDT_RETURN_IF_ERROR(rows_.store().Get(storage::kIndexCf, std::string(1, db::kNationalIdIndex) + national->values[0], &value, &found));
      ++planner_.examined;
      if (found && value.size() > 8) {
        db::Summary s;
        const std::string_view summary = std::string_view(value).substr(8);
        if (!db::DecodeSummary(summary, &s)) return Status::Corruption("index/nationalId: malformed; run index verify");
        Visit(base::GetBigEndian64(value.data()), s, summary);
      }
      return EmitCollected();
    }
    if (const Cond* name = TopCondition(cond_, IsWholeNameOrPrefix)) {
      std::string key(1, db::kFoldedNameIndex);
      if (name->match == NameMatch::kExact) {
        db::PutOrdered(&key, name->folded);
      } else {
        key += name->folded;
      }
      planner_.Step("name index", 0);
      if (explain_only) return Status::Ok();
      ordered_ = false;  // in folded-name order: sorted afterwards
      HSDT_RETURN_IF_ERROR(rows_.Scan(key, PrefixEnd(key), visit));
      return EmitCollected();
    }
    const Cond* unit = TopCondition(cond_, IsUnitEq);
    if (sort == SortOrder::kName && unit != nullptr) {
      // Name order within one unit: its unit-order entries are the rows, already in order.
      ordered_ = true;
      const std::string prefix = db::UnitOrderPrefix(unit->values[0]);
      planner_.Step("unit-order index of " + unit->values[0], 0);
      if (explain_only) return Status::Ok();
      HSDT_RETURN_IF_ERROR(rows_.Scan(prefix + after, PrefixEnd(prefix), [&](std::uint64_t id, const db::Summary& s, std::string_view raw) {
        if (!after.empty() && NamePosition(s, id) == after) return true;
        return Visit(id, s, raw);
      }));
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
      HSDT_RETURN_IF_ERROR(rows_.Scan(db::SummaryKey(after_id + 1), PrefixEnd(std::string(1, db::kSummaryIndex)), visit));
    }
    return EmitCollected();
  }

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

  // Emits the rows collected from a source out of order, sorted.
  Status EmitCollected() {
    HSDT_RETURN_IF_ERROR(error_);
    if (ordered_) return Status::Ok();
    std::sort(collected_.begin(), collected_.end(),
              [](const Collected& a, const Collected& b) { return a.position < b.position; });
    for (const Collected& c : collected_) {
      db::Summary s;
      if (!db::DecodeSummary(c.summary, &s)) return Status::Internal("summary changed while sorting");
      ValidTimeRow vt;
      if (!on_date_.empty()) {  // the values in force were read when the row was collected
        vt.values = c.in_force;
        Overlay(s, &vt);
      }
      if (!(*emit_)(c.id, on_date_.empty() ? s : vt.summary, c.visible, c.position)) break;
    }
    return Status::Ok();
  }

  const Decision& Decide(std::uint64_t id, std::string_view unit) {
    if (per_unit_) {
      if (auto it = by_unit_.find(unit); it != by_unit_.end()) return it->second;
    }
    policy::Resource what;
    what.dossier_id = db::FormatId(id);
    what.managing_unit = std::string(unit);
    Decision d = policy::Decide(who_, action_, what, ctx_);
    return by_unit_.insert_or_assign(std::string(unit), std::move(d)).first->second;
  }

  bool Visit(std::uint64_t id, const db::Summary& stored, std::string_view raw) {
    const Decision& d = Decide(id, stored[Field::kManagingUnit]);
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
    const db::Summary& s = on_date_.empty() ? stored : vt.summary;
    if (!Matches(cond_, Row{&s, d.visibility, reference_date_})) return true;
    std::string position = sort_ == SortOrder::kId ? IdPosition(id) : NamePosition(s, id);
    if (ordered_) return (*emit_)(id, s, d.visibility, position);
    if (!after_->empty() && position <= *after_) return true;
    collected_.push_back({std::move(position), id, std::string(raw), d.visibility, std::move(vt.values)});
    return true;
  }

  Planner planner_;
  RowSource rows_;
  const policy::Principal& who_;
  const Action action_;
  const policy::Context& ctx_;
  const Cond& cond_;
  const std::string_view reference_date_;
  const std::string on_date_;
  const Loader load_;
  const bool per_unit_;
  Status error_;
  std::map<std::string, Decision, std::less<>> by_unit_;
  bool ordered_ = true;
  SortOrder sort_ = SortOrder::kId;
  const std::string* after_ = nullptr;
  const Emit* emit_ = nullptr;
  std::vector<Collected> collected_;
};

// The values of `fields` in `s`, redacted above `visible`.
std::vector<std::optional<std::string>> RowValues(const std::vector<Field>& fields, const db::Summary& s,
                                                  Visibility visible, std::string_view reference_date) {
  std::vector<std::optional<std::string>> values;
  values.reserve(fields.size());
  for (Field field : fields) {
    if (static_cast<int>(db::FieldVisibility(field)) > static_cast<int>(visible)) {
      values.push_back(std::nullopt);
    } else {
      values.push_back(db::FieldValue(s, field, reference_date));
    }
  }
  return values;
}

const std::vector<Field>& DefaultFields() {
  static const std::vector<Field> fields = {Field::kFullName, Field::kBirthDate, Field::kGender,
                                            Field::kRank,     Field::kStatus,    Field::kManagingUnit};
  return fields;
}

// What Find and Export share before they select rows: the checked filter, the authorisation of
// the query as a whole (as an `action` on one's own unit), the policy context and the dates.
struct QueryScope {
  Cond cond;
  Database::Impl::Access access;
  std::shared_ptr<const std::vector<policy::GrantView>> grants;  // ctx.grants points into it
  policy::Context ctx;
  std::string reference_date;
};

Result<QueryScope> OpenQuery(Database::Impl& impl, const Session& session, const Query& q, Action action,
                             const char* target) {
  HSDT_RETURN_IF_ERROR(CheckFields(q.fields, "fields"));
  HSDT_RETURN_IF_ERROR(CheckDates(q.reference_date, q.on_date));
  int conditions = 0;
  HSDT_ASSIGN_OR_RETURN(Cond cond, Compile(q.filter, "filter", &conditions, !q.on_date.empty()));
  HSDT_ASSIGN_OR_RETURN(Database::Impl::Access access, impl.AuthorizeOwnUnit(session, action, q.purpose, target));
  QueryScope scope{std::move(cond), std::move(access), impl.registry().GrantViews(), {}, {}};
  scope.ctx.now_micros = impl.Now();
  scope.ctx.purpose = q.purpose;
  scope.ctx.grants = *scope.grants;
  scope.reference_date = ReferenceDate(q.reference_date, q.on_date, scope.ctx.now_micros, impl.zone());
  return scope;
}

}  // namespace

Result<QueryResult> Database::Impl::Find(const Session& session, const Query& q, bool explain_only) {
  if (q.limit == 0 || q.limit > kMaxLimit) {
    return Status::InvalidArgument("limit: " + std::to_string(q.limit) + "; expected 1 to 1000");
  }
  HSDT_ASSIGN_OR_RETURN(std::string after, ParseCursor(q.cursor, q.sort));
  HSDT_ASSIGN_OR_RETURN(QueryScope scope, OpenQuery(*this, session, q, Action::kReadDossier, "query"));
  const Access& access = scope.access;
  const std::string& reference_date = scope.reference_date;

  QueryResult result;
  result.fields = q.fields.empty() ? DefaultFields() : q.fields;
  std::string last_position;
  bool more = false;
  Selector selector(*store_, access.who, Action::kReadDossier, scope.ctx, scope.cond, reference_date, q.on_date,
                    [this](std::uint64_t id) { return Load(id, 0, false); });
  HSDT_RETURN_IF_ERROR(selector.Run(q.sort, after, q.allow_scan, explain_only,
                                    [&](std::uint64_t id, const db::Summary& s, Visibility visible, std::string_view position) {
    if (result.rows.size() == q.limit) {
      more = true;
      return false;
    }
    result.rows.push_back(QueryRow{db::FormatId(id), RowValues(result.fields, s, visible, reference_date)});
    last_position.assign(position);
    return true;
  }));
  if (more) result.next_cursor = base::HexOf((q.sort == SortOrder::kId ? "i" : "n") + last_position);
  result.plan = selector.plan();
  result.examined = selector.examined();
  std::vector<std::string_view> ids;
  for (const QueryRow& row : result.rows) ids.push_back(row.id);
  const std::string reason = (explain_only ? "explain " : "") + Shorten(db::FilterShape(q.filter)) +
                             (q.on_date.empty() ? "" : " on " + q.on_date) + " -> " +
                             std::to_string(result.rows.size()) + " rows" + IdList(ids, ids.size());
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadDossier, "query", q.purpose, reason)));
  return result;
}

Result<CountResult> Database::Impl::Count(const Session& session, const CountQuery& q) {
  if (q.group_by.size() > kMaxGroupBy) {
    return Status::InvalidArgument("group_by: " + std::to_string(q.group_by.size()) + " fields; limit 3");
  }
  HSDT_RETURN_IF_ERROR(CheckFields(q.group_by, "group_by"));
  HSDT_RETURN_IF_ERROR(CheckDates(q.reference_date, q.on_date));
  int conditions = 0;
  HSDT_ASSIGN_OR_RETURN(Cond cond, Compile(q.filter, "filter", &conditions, !q.on_date.empty()));
  HSDT_ASSIGN_OR_RETURN(Access access, AuthorizeOwnUnit(session, Action::kReadReports, Purpose::kNone, "count"));
  policy::Context ctx;
  ctx.now_micros = Now();
  const std::string reference_date = ReferenceDate(q.reference_date, q.on_date, ctx.now_micros, zone());

  std::map<std::string, bool, std::less<>> unit_allowed;  // the report rule depends on the unit only
  std::map<std::vector<std::string>, std::uint64_t> groups;
  CountResult result;
  result.group_by = q.group_by;
  Status failed;
  auto visit = [&](std::uint64_t id, const db::Summary& stored, std::string_view) -> bool {
    const std::string_view unit = stored[Field::kManagingUnit];
    auto it = unit_allowed.find(unit);
    if (it == unit_allowed.end()) {
      policy::Resource what;
      what.managing_unit = std::string(unit);
      it = unit_allowed.emplace(std::string(unit), policy::Decide(access.who, Action::kReadReports, what, ctx).allowed).first;
    }
    if (!it->second) return true;
    ValidTimeRow vt;
    if (!q.on_date.empty()) {
      auto recruited = InForceRow([this](std::uint64_t n) { return Load(n, 0, false); }, id, q.on_date, stored, &vt);
      if (!recruited.ok()) failed = recruited.status();
      if (!recruited.ok() || !*recruited) return recruited.ok();
    }
    const db::Summary& s = q.on_date.empty() ? stored : vt.summary;
    // Counts are statistics: every field may group and filter them.
    if (!Matches(cond, Row{&s, Visibility::kConfidential, reference_date})) return true;
    std::vector<std::string> key;
    key.reserve(q.group_by.size());
    for (Field f : q.group_by) key.push_back(db::FieldValue(s, f, reference_date));
    ++groups[std::move(key)];
    ++result.total;
    return true;
  };
  Planner planner(*store_);
  RowSource rows(*store_);
  HSDT_ASSIGN_OR_RETURN(auto ids, planner.Ids(cond, kUnlimited));
  if (ids) {
    HSDT_RETURN_IF_ERROR(rows.ById(*ids, 0, visit));
  } else {
    HSDT_RETURN_IF_ERROR(rows.Scan(std::string(1, db::kSummaryIndex), PrefixEnd(std::string(1, db::kSummaryIndex)), visit));
  }
  HSDT_RETURN_IF_ERROR(failed);
  for (auto& [key, n] : groups) result.rows.push_back(CountRow{key, n});
  std::string by;
  for (Field f : q.group_by) by += std::string(by.empty() ? "" : ",") + FieldName(f);
  const std::string reason = Shorten(db::FilterShape(q.filter) + " by [" + by + "]" +
                                     (q.on_date.empty() ? "" : " on " + q.on_date) + " -> " + std::to_string(result.total));
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadReports, "count", Purpose::kNone, reason)));
  return result;
}

namespace {

constexpr std::size_t kExportChunk = 64 * 1024;
constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

}  // namespace

Result<std::uint64_t> Database::Impl::Export(const Session& session, const Query& q, const ExportOptions& options,
                                             const std::function<Status(std::string_view)>& sink) {
  if (options.format != ExportFormat::kJsonLines && options.format != ExportFormat::kCsv) {
    return Status::InvalidArgument("format: " + std::to_string(static_cast<int>(options.format)) +
                                   " is not an export format");
  }
  if (options.whole_dossiers && options.format != ExportFormat::kJsonLines) {
    return Status::InvalidArgument("whole_dossiers: only JSON Lines carry whole dossiers");
  }
  HSDT_ASSIGN_OR_RETURN(QueryScope scope, OpenQuery(*this, session, q, Action::kExportDossier, "export"));
  const Access& access = scope.access;
  const std::string& reference_date = scope.reference_date;
  const std::vector<Field>& fields = q.fields.empty() ? DefaultFields() : q.fields;

  std::string buffer;
  std::uint64_t rows = 0;
  std::vector<std::string> exported_ids;  // the first kAuditedIds, for the audit entry
  Status failed;
  if (options.format == ExportFormat::kCsv) {
    buffer = kUtf8Bom;
    buffer += "id";
    for (Field f : fields) buffer.append(",").append(FieldName(f));
    buffer += "\r\n";
  }
  auto flush = [&](std::size_t at_least) {
    if (buffer.size() < at_least || !failed.ok()) return;
    failed = sink(buffer);
    buffer.clear();
  };
  Selector selector(*store_, access.who, Action::kExportDossier, scope.ctx, scope.cond, reference_date, q.on_date,
                    [this](std::uint64_t id) { return Load(id, 0, false); });
  const Status run = selector.Run(q.sort, std::string(), q.allow_scan, false,
                                  [&](std::uint64_t id, const db::Summary& s, Visibility visible, std::string_view) {
    const std::string id_text = db::FormatId(id);
    if (exported_ids.size() < kAuditedIds) exported_ids.push_back(id_text);
    if (options.whole_dossiers) {
      auto record = Load(id, 0, false);
      if (!record.ok()) {
        failed = record.status();
        return false;
      }
      auto shown = db::Redacted(*record, visible);
      if (!shown.ok()) {
        failed = shown.status();
        return false;
      }
      schema::FlatRecord r((*shown)->bytes.words(), (*shown)->bytes.size());
      auto json = schema::EncodeJson(r.dossier(), false);
      if (!json.ok()) {
        failed = json.status();
        return false;
      }
      buffer += *json;
      buffer += "\n";
    } else {
      const auto values = RowValues(fields, s, visible, reference_date);
      if (options.format == ExportFormat::kCsv) {
        buffer += id_text;
        for (const auto& v : values) {
          buffer.push_back(',');
          if (v) db::AppendCsvField(&buffer, *v);
        }
        buffer += "\r\n";
      } else {
        buffer += "{\"id\":";
        db::AppendJsonString(&buffer, id_text);
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (!values[i]) continue;
          buffer.push_back(',');
          db::AppendJsonString(&buffer, FieldName(fields[i]));
          buffer.push_back(':');
          db::AppendJsonString(&buffer, *values[i]);
        }
        buffer += "}\n";
      }
    }
    ++rows;
    flush(kExportChunk);
    return failed.ok();
  });
  if (run.ok()) flush(1);
  const Status outcome = !run.ok() ? run : failed;
  std::string reason = Shorten(db::FilterShape(q.filter)) + " -> " + std::to_string(rows) + " rows, " +
                       (options.format == ExportFormat::kCsv ? "csv" : options.whole_dossiers ? "jsonl whole" : "jsonl") +
                       IdList(exported_ids, rows);
  if (!outcome.ok()) reason += "; stopped: " + db::WithoutQuotedValues(outcome.message());
  HSDT_RETURN_IF_ERROR(AuditNow(EntryFor(access, Action::kExportDossier, "export", q.purpose, reason)));
  if (!outcome.ok()) return outcome;
  return rows;
}

}  // namespace hsdt
