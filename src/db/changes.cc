// The change feed: Database::Changes and the observers (include/hsdt/changes.h).
#include "db/changes.h"

#include <algorithm>

#include "base/coding.h"

#include "db/database_impl.h"

namespace hsdt {

namespace db {

namespace {

constexpr std::uint8_t KindOf(std::uint32_t version) {
  return static_cast<std::uint8_t>(version <= 1 ? ChangeKind::kCreate : ChangeKind::kUpdate);
}

storage::FeedItem Item(ChangeSubject subject, std::uint32_t version, std::int64_t micros, std::string id,
                       std::string unit, std::string previous_unit = {}) {
  storage::FeedItem item;
  item.subject = static_cast<std::uint8_t>(subject);
  item.kind = KindOf(version);
  item.version = version;
  item.recorded_at_micros = micros;
  item.id = std::move(id);
  item.unit = std::move(unit);
  item.previous_unit = std::move(previous_unit);
  return item;
}

}  // namespace

storage::FeedItem DossierFeedItem(std::uint64_t id, ChangeKind kind, std::uint32_t version, std::int64_t micros,
                                  std::string unit, std::string previous_unit) {
  storage::FeedItem item = Item(ChangeSubject::kDossier, version, micros, FormatId(id), std::move(unit),
                                std::move(previous_unit));
  item.kind = static_cast<std::uint8_t>(kind);
  return item;
}

storage::FeedItem AttachmentFeedItem(std::string id, std::uint32_t version, std::int64_t micros, std::string unit) {
  return Item(ChangeSubject::kAttachment, version, micros, std::move(id), std::move(unit));
}

storage::FeedItem FeedItemOf(const policy::AccountRecord& r) {
  return Item(ChangeSubject::kAccount, r.version, r.micros, r.user_name, r.unit);
}

storage::FeedItem FeedItemOf(const policy::UnitRecord& r) {
  return Item(ChangeSubject::kUnit, r.version, r.micros, r.code, r.code);
}

storage::FeedItem FeedItemOf(const policy::GrantRecord& r) {
  return Item(ChangeSubject::kGrant, r.version, r.micros, r.view.id,
              r.view.scope_unit.empty() ? r.view.grantee_unit : r.view.scope_unit);
}

storage::FeedItem FeedItemOf(const policy::HandOverRecord& r) {
  return Item(ChangeSubject::kHandOver, r.version, r.micros, r.id, r.to_unit, r.from_unit);
}

std::uint64_t ChangeNotifier::Add(Observer observer) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  // Commits made before anyone observed are not told: the first observer hears of later ones.
  if (observers_.empty()) delivered_ = std::max(delivered_, latest_);
  observers_.emplace(id, std::make_shared<const Observer>(std::move(observer)));
  if (!thread_.joinable() && !stopping_) {
    thread_ = std::thread([this] { Run(); });
    thread_id_ = thread_.get_id();
  }
  return id;
}

bool ChangeNotifier::Remove(std::uint64_t id) {
  std::unique_lock lock(mu_);
  if (observers_.erase(id) == 0) return false;
  if (std::this_thread::get_id() != thread_id_) {
    returned_.wait(lock, [&] { return running_ != id; });
  }
  return true;
}

void ChangeNotifier::Notify(std::uint64_t position) {
  {
    std::lock_guard lock(mu_);
    if (position <= latest_ || observers_.empty()) {
      latest_ = std::max(latest_, position);
      return;
    }
    latest_ = position;
  }
  wake_.notify_one();
}

bool ChangeNotifier::OnThread() {
  std::lock_guard lock(mu_);
  return thread_id_ != std::thread::id() && std::this_thread::get_id() == thread_id_;
}

void ChangeNotifier::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_one();
  if (!thread.joinable()) return;
  if (thread.get_id() == std::this_thread::get_id()) {
    // The destructor run from an observer (documented misuse; Close refuses it): joining
    // itself would throw. The thread ends when the observer returns.
    thread.detach();
    return;
  }
  thread.join();
}

void ChangeNotifier::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || latest_ > delivered_; });
    if (stopping_) return;
    const std::uint64_t position = latest_;
    // Each observer in id order; one removed meanwhile is not called again.
    for (std::uint64_t id = 1; !stopping_;) {
      auto it = observers_.lower_bound(id);
      if (it == observers_.end()) break;
      id = it->first + 1;
      const std::shared_ptr<const Observer> observer = it->second;
      running_ = it->first;
      lock.unlock();
      try {
        (*observer)(position);
      } catch (...) {
        // An observer's exception stays in the library: the feed itself lost nothing.
      }
      lock.lock();
      running_ = 0;
      returned_.notify_all();
    }
    delivered_ = position;
  }
}

}  // namespace db

const char* ChangeSubjectName(ChangeSubject subject) {
  switch (subject) {
    case ChangeSubject::kDossier: return "dossier";
    case ChangeSubject::kAccount: return "account";
    case ChangeSubject::kUnit: return "unit";
    case ChangeSubject::kGrant: return "grant";
    case ChangeSubject::kHandOver: return "handOver";
    case ChangeSubject::kAttachment: return "attachment";
  }
  return "unknown";
}

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kCreate: return "create";
    case ChangeKind::kUpdate: return "update";
    case ChangeKind::kStatusChange: return "statusChange";
    case ChangeKind::kHandOver: return "handOver";
  }
  return "unknown";
}

namespace {

// Whether `who` may see a feed item: a dossier it may read now, for the context's purpose, under
// the unit that manages it or (a hand-over) the unit it left; a hand-over from or to its unit;
// any unit; accounts and grants at tier 2 only.
bool MaySee(const policy::Principal& who, const storage::FeedItem& item, const policy::Context& ctx) {
  switch (static_cast<ChangeSubject>(item.subject)) {
    case ChangeSubject::kDossier:
    case ChangeSubject::kAttachment: {
      policy::Resource what;
      what.dossier_id = item.id;
      for (const std::string* unit : {&item.unit, &item.previous_unit}) {
        if (unit->empty()) continue;
        what.managing_unit = *unit;
        if (policy::Decide(who, Action::kReadDossier, what, ctx).allowed) return true;
      }
      return false;
    }
    case ChangeSubject::kHandOver:
      return who.tier == 2 || item.unit == who.unit || item.previous_unit == who.unit;
    case ChangeSubject::kUnit:
      return true;
    case ChangeSubject::kAccount:
    case ChangeSubject::kGrant:
      return who.tier == 2;
  }
  return false;
}

}  // namespace

Result<ChangesPage> Database::Changes(const Session& session, std::uint64_t since, std::size_t limit,
                                      Purpose purpose) {
  return db::Guard([&]() -> Result<ChangesPage> {
    if (limit == 0 || limit > kMaxChangesPage) {
      return Status::InvalidArgument("limit: " + std::to_string(limit) + "; expected 1 to " +
                                     std::to_string(kMaxChangesPage));
    }
    if (!IsPurpose(purpose)) {
      return Status::InvalidArgument("purpose: " + std::to_string(static_cast<int>(purpose)) +
                                     " is not one of article 11");
    }
    return impl_->Audited(session, Action::kReadReports, Impl::OwnUnit(session), "changes", Impl::Wait::kQueued,
                          [&](const Impl::Access& access, std::string& reason) -> Result<ChangesPage> {
      ChangesPage page;
      page.next = since;
      // A session that sees little of a busy feed gets an empty page after this many positions,
      // not a scan of the whole feed; it resumes from `next`.
      const std::size_t max_positions = std::max<std::size_t>(limit * 16, 4096);
      std::size_t examined = 0;
      policy::Context ctx;
      ctx.now_micros = impl_->Now();
      ctx.purpose = purpose;
      const auto grants = impl_->registry().GrantViews();  // kept alive for the scan
      ctx.grants = *grants;
      Status decoded;
      reason = "since " + std::to_string(since);
      if (purpose != Purpose::kNone) reason += std::string(", for ") + PurposeName(purpose);
      if (since == UINT64_MAX) return page;
      const std::string start = storage::FeedKey(since + 1);
      HSDT_RETURN_IF_ERROR(impl_->store().Scan(storage::kFeedCf, storage::ScanRange::From(start),
                                               [&](std::string_view key, std::string_view value) {
        if (key.size() != 8) {
          decoded = Status::Corruption("changes: a key of " + std::to_string(key.size()) + " bytes");
          return storage::Next::kStop;
        }
        const std::uint64_t position = base::GetBigEndian64(key.data());
        auto items = storage::DecodeFeedEntry(position, value);
        if (!items.ok()) {
          decoded = items.status();
          return storage::Next::kStop;
        }
        std::vector<ChangeEntry> visible;
        for (const storage::FeedItem& item : *items) {
          if (!MaySee(access.who, item, ctx)) continue;
          ChangeEntry e;
          e.position = position;
          e.subject = static_cast<ChangeSubject>(item.subject);
          e.kind = static_cast<ChangeKind>(item.kind);
          e.id = item.id;
          e.version = item.version;
          e.recorded_at_micros = item.recorded_at_micros;
          e.unit = item.unit;
          e.previous_unit = item.previous_unit;
          visible.push_back(std::move(e));
        }
        // A commit's entries stay together: a page ends before a commit that does not fit.
        if (!page.entries.empty() && page.entries.size() + visible.size() > limit) return storage::Next::kStop;
        for (auto& e : visible) page.entries.push_back(std::move(e));
        page.next = position;
        return ++examined >= max_positions || page.entries.size() >= limit ? storage::Next::kStop
                                                                          : storage::Next::kContinue;
      }));
      HSDT_RETURN_IF_ERROR(decoded);
      reason += ": " + std::to_string(page.entries.size()) + " entries";
      return page;
    });
  });
}

Result<std::uint64_t> Database::AddChangeObserver(std::function<void(std::uint64_t)> observer) {
  return db::Guard([&]() -> Result<std::uint64_t> {
    if (!observer) return Status::InvalidArgument("observer: empty");
    return impl_->notifier().Add(std::move(observer));
  });
}

bool Database::RemoveChangeObserver(std::uint64_t id) noexcept { return impl_->notifier().Remove(id); }

}  // namespace hsdt
