// Bulk import from JSON Lines: every line checked as Create checks one dossier; each batch is one
// atomic commit (records, histories, indexes and one audit entry in one RocksDB batch), or
// nothing when any of its lines is at fault.
#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <system_error>
#include <thread>

#include "base/impl_access.h"
#include "db/database_impl.h"

namespace hsdt {
namespace {

constexpr std::uint32_t kMaxBatchLines = 10000;
constexpr std::size_t kMaxReportedErrors = 1000;

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Parses lines[first, first + drafts->size()) on every core: parsing and validating JSON is
// most of an import's work, and each line's is independent of the others.
void ParseInParallel(const std::vector<std::pair<std::uint64_t, std::string_view>>& lines, std::size_t first,
                     std::vector<std::optional<Result<DossierDraft>>>* drafts) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < drafts->size(); i = next++) {
      (*drafts)[i].emplace(DossierDraft::FromJson(lines[first + i].second));
    }
  };
  const std::size_t workers = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                                    1 + drafts->size() / 16);
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the calling one does the rest
    }
  }
  work();
  for (auto& t : threads) t.join();
}

}  // namespace

Result<ImportReport> Database::Impl::Import(const Session& s, std::string_view jsonl, const ImportOptions& options,
                                            const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, true));
  if (options.batch_lines == 0 || options.batch_lines > kMaxBatchLines) {
    return Status::InvalidArgument("batch_lines: " + std::to_string(options.batch_lines) + "; expected 1 to 10000");
  }
  if (options.first_line == 0) return Status::InvalidArgument("first_line: 0; lines are numbered from 1");
  if (options.first_line == 1 && jsonl.substr(0, 3) == "\xEF\xBB\xBF") jsonl.remove_prefix(3);
  ImportReport report;
  struct Line {
    std::uint64_t number;
    DossierDraft draft;
  };
  std::vector<Line> batch;
  std::vector<ImportError> faults;  // of the current batch
  std::optional<Access> access;     // the session's, for the batches' audit entries
  auto fault = [&](std::uint64_t line, std::string message) { faults.push_back({line, std::move(message)}); };

  auto commit = [&]() -> Status {
    // National IDs repeated within the batch (the store checks those of other dossiers).
    std::map<std::string, std::uint64_t> seen;
    for (const Line& l : batch) {
      const auto parsed = internal::ImplAccess::Of(l.draft).message->reader();
      auto [it, fresh] = seen.emplace(std::string(parsed.national_id_number()), l.number);
      if (!fresh) fault(l.number, "$.nationalId.number: also on line " + std::to_string(it->second));
    }
    std::vector<SealedVersion> sealed;
    if (faults.empty() && !batch.empty()) {
      std::vector<VersionPlan> plans;
      std::vector<std::uint64_t> ids;
      std::vector<std::string> lock_keys;
      for (Line& l : batch) {
        ids.push_back(store_->AllocateId());
        plans.push_back(PlanVersion(ids.back(), 0, internal::ImplAccess::Of(l.draft).message->reader(), nullptr, ChangeKind::kCreate,
                                    ctx, access->actor));
        lock_keys.insert(lock_keys.end(), plans.back().lock_keys.begin(), plans.back().lock_keys.end());
      }
      storage::StripeLock lock = store_->LockStripes(ids, lock_keys);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        auto v = SealVersion(std::move(plans[i]), *internal::ImplAccess::Of(batch[i].draft).message, nullptr);
        if (v.ok()) {
          sealed.push_back(std::move(v).value());
        } else if (v.status().code() == StatusCode::kAlreadyExists || v.status().code() == StatusCode::kInvalidArgument) {
          fault(batch[i].number, std::string(v.status().message()));
        } else {
          return v.status();
        }
      }
      if (faults.empty()) {
        std::vector<storage::BatchOp> ops;
        std::vector<storage::FeedItem> feed;
        for (std::size_t i = 0; i < sealed.size(); ++i) {
          for (auto& op : sealed[i].prepared.ops) ops.push_back(std::move(op));
          // Each dossier created is in the change feed, the batch one commit.
          feed.push_back(db::DossierFeedItem(ids[i], ChangeKind::kCreate, sealed[i].prepared.meta.version,
                                             sealed[i].prepared.meta.recorded_at_micros,
                                             ManagingUnitOf(*sealed[i].record)));
        }
        const std::string first = db::FormatId(ids.front()), last = db::FormatId(ids.back());
        AuditRecord entry = EntryFor(*access, Action::kCreateDossier, "import " + first + ".." + last, Purpose::kNone,
                                     ctx.reason + " (import of " + std::to_string(batch.size()) + " dossiers, lines " +
                                         std::to_string(batch.front().number) + "-" +
                                         std::to_string(batch.back().number) + ")");
        Change change{std::move(entry), std::move(ops), Wait::kDurable, [&] {
                        for (std::size_t i = 0; i < sealed.size(); ++i) {
                          report.ids.push_back(db::FormatId(ids[i]));
                          FinishVersion(std::move(sealed[i]));
                        }
                      }};
        change.feed = std::move(feed);
        HSDT_RETURN_IF_ERROR(Apply(std::move(change)).status());
        report.imported += batch.size();
        ++report.batches_committed;
      }
    }
    if (!faults.empty()) {
      ++report.batches_rejected;
      for (auto& f : faults) {
        if (report.errors.size() < kMaxReportedErrors) report.errors.push_back(std::move(f));
      }
    }
    batch.clear();
    faults.clear();
    return Status::Ok();
  };

  // The non-blank lines, with their numbers.
  std::vector<std::pair<std::uint64_t, std::string_view>> lines;
  std::uint64_t number = options.first_line - 1;
  for (std::size_t start = 0; start < jsonl.size();) {
    std::size_t end = jsonl.find('\n', start);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = jsonl.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!Blank(line)) lines.emplace_back(number, line);
  }
  report.lines = lines.size();
  for (std::size_t first = 0; first < lines.size(); first += options.batch_lines) {
    const std::size_t n = std::min<std::size_t>(options.batch_lines, lines.size() - first);
    std::vector<std::optional<Result<DossierDraft>>> drafts(n);
    ParseInParallel(lines, first, &drafts);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t line = lines[first + i].first;
      Result<DossierDraft>& draft = *drafts[i];
      if (!draft.ok()) {
        fault(line, std::string(draft.status().message()));
        continue;
      }
      auto allowed = CheckCreate(s, *draft);
      if (allowed.ok()) {
        if (!access) access = std::move(allowed).value();
        batch.push_back({line, std::move(draft).value()});
      } else if (allowed.status().code() == StatusCode::kPermissionDenied ||
                 allowed.status().code() == StatusCode::kInvalidArgument) {
        // A session that is not valid refuses every line: stop at the first.
        if (!Validate(s, Now()).ok()) return allowed.status();
        fault(line, std::string(allowed.status().message()));
      } else {
        return allowed.status();
      }
    }
    HSDT_RETURN_IF_ERROR(commit());
  }
  return report;
}

}  // namespace hsdt
