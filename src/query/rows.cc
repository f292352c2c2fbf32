#include "query/rows.h"

#include <algorithm>

#include "base/coding.h"
#include "query/keys.h"
#include "query/valid_time.h"
#include "schema/query_view.h"

namespace hsdt::query {
namespace {

constexpr std::size_t kFetchChunk = 128;

}  // namespace

std::string DossierIdText(std::uint64_t id) { return base::FormatPrefixedId("HS", id); }

Status RowSource::ById(const std::vector<std::uint64_t>& ids, std::uint64_t after, const Visit& visit) {
  auto it = std::upper_bound(ids.begin(), ids.end(), after);
  std::vector<std::string> keys, values;
  std::vector<bool> found;
  while (it != ids.end()) {
    keys.clear();
    for (; it != ids.end() && keys.size() < kFetchChunk; ++it) keys.push_back(SummaryKey(*it));
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

Status RowSource::Scan(std::string_view start, std::string_view end, const Visit& visit) {
  return store_.Scan(storage::kIndexCf, storage::ScanRange::Between(start, end),
                     [&](std::string_view k, std::string_view v) -> Result<storage::Next> {
    ++examined;
    if (k.size() < 9) return Status::Corruption("index: a key of " + std::to_string(k.size()) + " bytes; run index verify");
    HSDT_ASSIGN_OR_RETURN(const bool more, Visit1(TrailingId(k), v, visit));
    return more ? storage::Next::kContinue : storage::Next::kStop;
  });
}

Status RowSource::NationalId(const std::string& key, const Visit& visit) {
  std::string value;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_.Get(storage::kIndexCf, key, &value, &found));
  ++examined;
  if (!found || value.size() <= 8) return Status::Ok();
  Summary s;
  const std::string_view summary = std::string_view(value).substr(8);
  if (!DecodeSummary(summary, &s)) return Status::Corruption("index/nationalId: malformed; run index verify");
  visit(base::GetBigEndian64(value.data()), s, summary);
  return Status::Ok();
}

Result<bool> RowSource::Visit1(std::uint64_t id, std::string_view value, const Visit& visit) {
  Summary s;
  if (!DecodeSummary(value, &s)) {
    return Status::Corruption("index/summary/" + DossierIdText(id) + ": malformed; run index verify");
  }
  return visit(id, s, value);
}

void Overlay(const Summary& in, ValidTimeRow* out) {
  out->summary = in;
  out->summary.values[static_cast<int>(Field::kRank)] = out->values[0];
  out->summary.values[static_cast<int>(Field::kRankStep)] = out->values[1];
  out->summary.values[static_cast<int>(Field::kCoefficient)] = out->values[2];
  out->summary.values[static_cast<int>(Field::kWorkingUnit)] = out->values[3];
}

Result<bool> InForceRow(const Loader& load, std::uint64_t id, const std::string& date, const Summary& in,
                        ValidTimeRow* out) {
  HSDT_ASSIGN_OR_RETURN(auto record, load(id));
  const InForce f = InForceOn(schema::TimelinesOfRecord(record->bytes.words(), record->bytes.size()), date);
  if (!f.recruited) return false;
  out->values = {f.rank, f.rank_step, f.coefficient, f.working_unit};
  Overlay(in, out);
  return true;
}

}  // namespace hsdt::query
