// The Database's dossier calls: the one write path (authorize -> validate -> stamp -> index ->
// seal -> one batch with the audit entry) and the one read path (cache or store -> authorize ->
// redact -> audit).
#include <hsdt/database.h>


#include <algorithm>
#include <map>
#include <set>

#include "base/impl_access.h"
#include "base/clock.h"
#include "base/coding.h"
#include "db/database_impl.h"
#include "query/valid_time.h"
#include "schema/query_view.h"
#include "schema/record.h"
#include "schema/reflect.h"
#include "schema/validate.h"

namespace hsdt {

namespace db {

Result<std::uint64_t> IdOf(std::string_view id) {
  auto v = ParseId(id);
  if (!v) return Status::InvalidArgument("id: \"" + std::string(id.substr(0, 32)) +
                                         "\" is not a dossier id; expected HS and 8 or more digits");
  return *v;
}

}  // namespace db

namespace db {

Result<std::shared_ptr<const storage::CachedRecord>> Redacted(
    const std::shared_ptr<const storage::CachedRecord>& record, Visibility visible) {
  if (visible == Visibility::kConfidential) return record;
  const schema::DossierView reader(record->bytes.words(), record->bytes.size());
  HSDT_ASSIGN_OR_RETURN(auto copy, schema::CopyDossier(reader, db::FormatId(record->id)));
  schema::RedactDossier(*copy, visible);
  auto out = std::make_shared<storage::CachedRecord>();
  out->id = record->id;
  out->version = record->version;
  out->recorded_at_micros = record->recorded_at_micros;
  out->bytes = storage::PlainBytes(schema::FlatSize(*copy));
  schema::WriteFlat(*copy, out->bytes.data(), out->bytes.size());
  return std::shared_ptr<const storage::CachedRecord>(std::move(out));
}

}  // namespace db

namespace {

std::string VersionTarget(std::uint64_t id, std::uint32_t version) {
  return db::FormatId(id) + "@v" + std::to_string(version);
}

}  // namespace

std::string Database::Impl::ManagingUnitOf(const storage::CachedRecord& record) {
  const schema::DossierView r(record.bytes.words(), record.bytes.size());
  return std::string(r.managing_unit());
}

Result<std::shared_ptr<const storage::CachedRecord>> Database::Impl::Load(std::uint64_t id,
                                                                          std::uint32_t version,
                                                                          bool fill_cache) {
  if (store_->closed()) return Status::IOError("the database is closed");
  HSDT_RETURN_IF_ERROR(CatchUp(false));  // a view reads what the primary wrote (before the cache)
  if (auto hit = cache_.Lookup(id, 0); hit && (version == 0 || hit->version == version)) return hit;
  if (version != 0) {
    if (auto hit = cache_.Lookup(id, version)) return hit;
  }
  // Readers that fill the latest slot hold the stripe shared, so a commit cannot slip between
  // their read and their insert and leave an older version cached as the latest.
  std::shared_lock<base::SharedMutex> stripe;
  if (version == 0) stripe = std::shared_lock(store_->StripeOf(id));
  HSDT_ASSIGN_OR_RETURN(storage::StoredRecord stored, store_->ReadRecord(id, version));
  const std::string id_text = db::FormatId(id);
  HSDT_RETURN_IF_ERROR(
      schema::CheckStoredDossier(stored.bytes.words(), stored.bytes.size(), id_text)
          .WithPrefix("dossier " + id_text + " v" + std::to_string(stored.version)));
  auto record = std::make_shared<storage::CachedRecord>();
  record->id = id;
  record->version = stored.version;
  record->bytes = std::move(stored.bytes);
  if (fill_cache) cache_.Insert(id, version == 0 ? 0 : version, record);
  return std::shared_ptr<const storage::CachedRecord>(std::move(record));
}

Result<std::shared_ptr<const storage::CachedRecord>> Database::Impl::LoadFor(
    const Session& s, std::uint64_t id, std::uint32_t version, Action action, Purpose purpose) {
  auto record = Load(id, version);
  if (!record.ok() && record.status().code() == StatusCode::kNotFound) {
    return AuditMiss(s, action, db::FormatId(id), purpose, record.status());
  }
  return record;
}

Result<Dossier> Database::Impl::Read(const Session& s, std::string_view id_text,
                                     std::uint32_t version, Purpose purpose, Action action) {
  HSDT_ASSIGN_OR_RETURN(std::uint64_t id, db::IdOf(id_text));
  auto record = LoadFor(s, id, version, action, purpose);
  if (!record.ok()) return record.status();
  policy::Resource what;
  what.dossier_id = db::FormatId(id);
  what.managing_unit = ManagingUnitOf(**record);
  const std::string target = VersionTarget(id, (*record)->version);
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, action, what, purpose, target));
  HSDT_ASSIGN_OR_RETURN(auto visible, db::Redacted(*record, access.decision.visibility));
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, action, target, purpose, "")));
  return internal::ImplAccess::Make<Dossier>(std::make_shared<const Dossier::Impl>(db::FormatId(id), std::move(visible)));
}

Database::Impl::VersionPlan Database::Impl::PlanVersion(std::uint64_t id, std::uint32_t expected,
                                                        const schema::DossierView& next,
                                                        const schema::DossierView* previous, ChangeKind kind,
                                                        const ChangeContext& ctx, const std::string& actor) {
  // Index entries depend on the content only, so they are found before taking the locks.
  db::IndexEntries after = db::IndexEntriesOf(next, id);
  VersionPlan plan;
  storage::CommitRequest& req = plan.request;
  req.id = id;
  req.expected_version = expected;
  std::map<std::string, std::string> old_entries;  // key -> value
  if (previous != nullptr) {
    for (auto& e : db::IndexEntriesOf(*previous, id).entries) old_entries[std::move(e.key)] = std::move(e.value);
  }
  std::set<std::string> new_keys;
  for (auto& e : after.entries) {
    new_keys.insert(e.key);
    auto old = old_entries.find(e.key);
    if (old == old_entries.end() || old->second != e.value) req.index_puts.push_back(std::move(e));
  }
  for (const auto& [k, v] : old_entries) {
    if (new_keys.count(k) == 0) req.index_deletes.push_back(k);
  }
  for (auto& u : after.unique_keys) {
    if (old_entries.count(u) == 0) req.unique_keys.push_back(std::move(u));
  }
  plan.lock_keys = req.unique_keys;
  plan.lock_keys.insert(plan.lock_keys.end(), req.index_deletes.begin(), req.index_deletes.end());
  req.meta.kind = kind;
  req.meta.status = next.status();
  req.meta.actor = actor;
  req.meta.reason = ctx.reason;
  req.meta.source_number = ctx.source.number;
  req.meta.source_date = ctx.source.date;
  return plan;
}

Result<Database::Impl::SealedVersion> Database::Impl::SealVersion(VersionPlan plan, schema::DossierMessage& next,
                                                                 const schema::DossierView* previous) {
  const std::uint64_t id = plan.request.id;
  // Under the dossier's lock: the transaction time of version v+1 is after that of version v,
  // and every new row's recordedAt is exactly the version's time.
  const std::int64_t now = store_->NextCommitMicros();
  schema::StampEngineFields(next, db::FormatId(id), previous, base::FormatMicrosUtc(now));
  plan.request.meta.recorded_at_micros = now;
  // The flat plaintext goes straight into the cache entry's wiped, aligned memory.
  SealedVersion sealed;
  sealed.record = std::make_shared<storage::CachedRecord>();
  sealed.record->id = id;
  sealed.record->bytes = storage::PlainBytes(schema::FlatSize(next));
  schema::WriteFlat(next, sealed.record->bytes.data(), sealed.record->bytes.size());
  plan.request.record = sealed.record->bytes.view();
  auto prepared = store_->PrepareCommit(std::move(plan.request));
  if (!prepared.ok()) {
    if (prepared.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("$.nationalId.number: another dossier already has this number");
    }
    return prepared.status();
  }
  sealed.prepared = std::move(prepared).value();
  sealed.record->version = sealed.prepared.meta.version;
  sealed.record->recorded_at_micros = now;
  return sealed;
}

void Database::Impl::FinishVersion(SealedVersion sealed) {
  store_->FinishCommit(sealed.prepared);
  const std::uint64_t id = sealed.record->id;
  cache_.Insert(id, 0, std::move(sealed.record));
}

Result<WriteResult> Database::Impl::Commit(std::uint64_t id, std::uint32_t expected,
                                           schema::DossierMessage& next,
                                           const schema::DossierView* previous,
                                           ChangeKind kind, const ChangeContext& ctx,
                                           std::vector<std::string> warnings, Change change) {
  VersionPlan plan = PlanVersion(id, expected, next.reader(), previous, kind, ctx, change.entry.actor);
  storage::StripeLock lock = store_->LockStripes({id}, plan.lock_keys);
  HSDT_ASSIGN_OR_RETURN(SealedVersion sealed, SealVersion(std::move(plan), next, previous));
  const std::uint32_t version = sealed.prepared.meta.version;
  const std::int64_t now = sealed.prepared.meta.recorded_at_micros;
  change.entry.target = VersionTarget(id, version);
  change.entry.recorded_at_micros = now;
  const std::string_view unit = next.reader().managing_unit();
  const bool moved = previous != nullptr && previous->managing_unit() != unit;
  change.feed.push_back(db::DossierFeedItem(id, kind, version, now, std::string(unit),
                                            moved ? std::string(previous->managing_unit()) : std::string()));
  for (auto& op : sealed.prepared.ops) change.ops.push_back(std::move(op));
  // The version becomes visible (to Find, the feed, a reader that misses the cache) when its
  // batch is written, and the cache learns of it after: until then a reader must not find the
  // old version cached as the latest. With the slot empty, a reader takes the stripe shared
  // (Load) and so waits for this commit.
  cache_.Erase(id, 0);
  std::function<void()> then = std::move(change.applied);
  change.applied = [&] {
    FinishVersion(std::move(sealed));
    if (then) then();
  };
  HSDT_RETURN_IF_ERROR(Apply(std::move(change)).status());

  WriteResult result;
  result.id = db::FormatId(id);
  result.version = version;
  result.recorded_at_micros = now;
  result.warnings = std::move(warnings);
  return result;
}

namespace {

// Units named by a dossier must be units of the registry (the managing one active).
Status CheckUnits(policy::Registry& registry, const schema::DossierView& d) {
  const std::string managing(d.managing_unit());
  const std::string working(d.working_unit());
  auto m = registry.FindUnit(managing);
  if (!m) return Status::InvalidArgument("$.managingUnit: \"" + managing.substr(0, 32) + "\" is not a unit of the registry");
  if (!m->active) return Status::InvalidArgument("$.managingUnit: \"" + managing + "\" is not active");
  if (!registry.FindUnit(working)) {
    return Status::InvalidArgument("$.workingUnit: \"" + working.substr(0, 32) + "\" is not a unit of the registry");
  }
  return Status::Ok();
}

}  // namespace

Result<Database::Impl::Access> Database::Impl::CheckCreate(const Session& s, const DossierDraft& draft) {
  schema::DossierMessage& message = *internal::ImplAccess::Of(draft).message;
  policy::Resource what;
  what.managing_unit = message.reader().managing_unit();
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, Action::kCreateDossier, what, Purpose::kNone, "new dossier"));
  if (!message.client_id.empty()) {
    return Status::InvalidArgument("$.id: assigned by the engine; omit it when creating");
  }
  HSDT_RETURN_IF_ERROR(CheckUnits(*registry_, message.reader()));
  return access;
}

Result<WriteResult> Database::Impl::Create(const Session& s, const DossierDraft& draft,
                                           const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, true));
  HSDT_ASSIGN_OR_RETURN(Access access, CheckCreate(s, draft));
  schema::DossierMessage& message = *internal::ImplAccess::Of(draft).message;
  // The draft's own message is committed (stamped in place): no copy.
  return Commit(store_->AllocateId(), 0, message, nullptr, ChangeKind::kCreate, ctx,
                draft.warnings(), {EntryFor(access, Action::kCreateDossier, "", Purpose::kNone, ctx.reason)});
}

Result<WriteResult> Database::Impl::Update(const Session& s, std::string_view id_text,
                                           std::uint32_t expected, const DossierDraft* draft,
                                           std::string_view new_status, const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, true));
  HSDT_ASSIGN_OR_RETURN(std::uint64_t id, db::IdOf(id_text));
  const Action action = draft != nullptr ? Action::kUpdateDossier : Action::kChangeStatus;
  HSDT_ASSIGN_OR_RETURN(auto prev_record, LoadFor(s, id, 0, action, Purpose::kNone));
  policy::Resource what;
  what.dossier_id = db::FormatId(id);
  what.managing_unit = ManagingUnitOf(*prev_record);
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(s, action, what, Purpose::kNone, what.dossier_id));
  if (prev_record->version != expected) {
    return Status::Conflict(db::FormatId(id) + ": expected version " + std::to_string(expected) +
                            ", but the latest is " + std::to_string(prev_record->version) +
                            "; reread and retry");
  }
  const schema::DossierView previous(prev_record->bytes.words(), prev_record->bytes.size());
  std::unique_ptr<schema::DossierMessage> status_message;  // used by status changes only
  schema::DossierMessage* next = nullptr;
  std::vector<std::string> warnings;
  ChangeKind kind = ChangeKind::kUpdate;
  if (draft != nullptr) {
    schema::DossierMessage& message = *internal::ImplAccess::Of(*draft).message;
    const auto source = message.reader();
    if (!message.client_id.empty() && message.client_id != previous.id()) {
      return Status::InvalidArgument("$.id: \"" + message.client_id.substr(0, 32) +
                                     "\" does not match the dossier being updated");
    }
    if (source.status_code() != previous.status_code()) {
      return Status::InvalidArgument("$.status: a status changes only through a status change, "
                                     "which records its decision");
    }
    if (source.managing_unit() != previous.managing_unit()) {
      return Status::InvalidArgument("$.managingUnit: the managing unit changes only through a "
                                     "hand-over (article 10)");
    }
    HSDT_RETURN_IF_ERROR(CheckUnits(*registry_, source));
    next = &message;  // stamped in place: no copy
    warnings = draft->warnings();
  } else {
    const std::optional<schema::DossierStatusCode> status = schema::DossierStatusByName(new_status);
    if (!status) {
      return Status::InvalidArgument("status: \"" + std::string(new_status.substr(0, 32)) +
                                     "\" is not a status; see docs/format.md");
    }
    if (static_cast<std::uint16_t>(*status) == 0) return Status::InvalidArgument("status: \"unspecified\" is not a status");
    if (*status == previous.status_code()) {
      return Status::InvalidArgument("status: the dossier is already " + std::string(new_status));
    }
    HSDT_ASSIGN_OR_RETURN(status_message, schema::CopyDossier(previous, db::FormatId(id)));
    status_message->SetStatus(*status);
    next = status_message.get();
    kind = ChangeKind::kStatusChange;
  }
  return Commit(id, expected, *next, &previous, kind, ctx, std::move(warnings),
                {EntryFor(access, action, "", Purpose::kNone, ctx.reason)});
}

// ------------------------------------------------------------------------------ public calls

Result<Session> Database::Login(std::string_view user, std::string_view password) {
  return db::Guard([&] { return impl_->Login(user, password); });
}

Status Database::Logout(const Session& session) {
  return db::Guard([&] { return impl_->Logout(session); });
}

Status Database::ChangePassword(const Session& session, std::string_view old_password,
                                std::string_view new_password) {
  return db::Guard([&] { return impl_->ChangePassword(session, old_password, new_password); });
}

Result<WriteResult> Database::Create(const Session& session, const DossierDraft& draft,
                                     const ChangeContext& context) {
  return db::Guard([&] { return impl_->Create(session, draft, context); });
}

Result<WriteResult> Database::Create(const Session& session, std::string_view json,
                                     const ChangeContext& context) {
  HSDT_ASSIGN_OR_RETURN(DossierDraft draft, DossierDraft::FromJson(json));
  return Create(session, draft, context);
}

Result<WriteResult> Database::Update(const Session& session, std::string_view id,
                                     std::uint32_t expected_version, const DossierDraft& draft,
                                     const ChangeContext& context) {
  return db::Guard([&] { return impl_->Update(session, id, expected_version, &draft, {}, context); });
}

Result<WriteResult> Database::Update(const Session& session, std::string_view id,
                                     std::uint32_t expected_version, std::string_view json,
                                     const ChangeContext& context) {
  HSDT_ASSIGN_OR_RETURN(DossierDraft draft, DossierDraft::FromJson(json));
  return Update(session, id, expected_version, draft, context);
}

Result<WriteResult> Database::ChangeStatus(const Session& session, std::string_view id,
                                           std::uint32_t expected_version, std::string_view status,
                                           const ChangeContext& context) {
  return db::Guard([&] { return impl_->Update(session, id, expected_version, nullptr, status, context); });
}

Result<Dossier> Database::Get(const Session& session, std::string_view id, Purpose purpose) {
  return db::Guard([&] { return impl_->Read(session, id, 0, purpose, Action::kReadDossier); });
}

Result<Dossier> Database::GetVersion(const Session& session, std::string_view id,
                                     std::uint32_t version, Purpose purpose) {
  if (version == 0) return Status::InvalidArgument("version: versions start at 1");
  return db::Guard([&] { return impl_->Read(session, id, version, purpose, Action::kReadHistory); });
}

Result<Dossier> Database::GetAsOf(const Session& session, std::string_view id, std::int64_t micros,
                                  Purpose purpose) {
  return db::Guard([&]() -> Result<Dossier> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t n, db::IdOf(id));
    auto v = impl_->store().VersionAsOf(n, micros);
    if (!v.ok()) {
      if (v.status().code() == StatusCode::kNotFound) {
        return impl_->AuditMiss(session, Action::kReadHistory, id, purpose, v.status());
      }
      return v.status();
    }
    return impl_->Read(session, id, *v, purpose, Action::kReadHistory);
  });
}

Result<std::vector<VersionInfo>> Database::History(const Session& session, std::string_view id,
                                                   Purpose purpose) {
  return db::Guard([&]() -> Result<std::vector<VersionInfo>> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t n, db::IdOf(id));
    HSDT_ASSIGN_OR_RETURN(auto latest, impl_->LoadFor(session, n, 0, Action::kReadHistory, purpose));
    policy::Resource what;
    what.dossier_id = db::FormatId(n);
    what.managing_unit = Impl::ManagingUnitOf(*latest);
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(session, Action::kReadHistory, what, purpose, what.dossier_id + "/history"));
    HSDT_ASSIGN_OR_RETURN(auto metas, impl_->store().History(n));
    HSDT_RETURN_IF_ERROR(impl_->AuditRead(impl_->EntryFor(access, Action::kReadHistory, what.dossier_id + "/history", purpose, "")));
    std::vector<VersionInfo> out;
    for (auto& m : metas) {
      VersionInfo v;
      v.version = m.version;
      v.recorded_at_micros = m.recorded_at_micros;
      v.kind = m.kind;
      v.status = std::move(m.status);
      v.actor = std::move(m.actor);
      v.reason = std::move(m.reason);
      v.source = {std::move(m.source_number), std::move(m.source_date)};
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<std::vector<std::string>> Database::Diff(const Session& session, std::string_view id,
                                                std::uint32_t from, std::uint32_t to, Purpose purpose) {
  HSDT_ASSIGN_OR_RETURN(Dossier a, GetVersion(session, id, from, purpose));
  HSDT_ASSIGN_OR_RETURN(Dossier b, GetVersion(session, id, to, purpose));
  return db::Guard([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> paths;
    const auto ra = internal::ImplAccess::Of(a).View();
    const auto rb = internal::ImplAccess::Of(b).View();
    schema::DiffDossiers(ra, rb, &paths);
    return paths;
  });
}

Result<std::vector<std::string>> Database::ListIds(const Session& session, std::string_view unit,
                                                   std::string_view after, std::size_t limit) {
  return db::Guard([&]() -> Result<std::vector<std::string>> {
    policy::Resource what;
    what.managing_unit = unit;
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(session, Action::kReadReports, what, Purpose::kNone,
                                           "dossier ids of " + std::string(unit.empty() ? "every unit" : unit)));
    std::uint64_t start = 0;
    if (!after.empty()) {
      HSDT_ASSIGN_OR_RETURN(start, db::IdOf(after));
    }
    std::vector<std::string> out;
    if (unit.empty()) {
      HSDT_ASSIGN_OR_RETURN(auto ids, impl_->store().ListIds(start, limit));
      for (auto n : ids) out.push_back(db::FormatId(n));
    } else {
      const std::string prefix = db::FieldIndexPrefix(Field::kManagingUnit, unit);
      HSDT_RETURN_IF_ERROR(impl_->store().Scan(storage::kIndexCf, storage::ScanRange::Prefix(prefix),
                                               [&](std::string_view k, std::string_view) {
        if (out.size() >= limit) return storage::Next::kStop;
        if (k.size() != prefix.size() + 8) return storage::Next::kContinue;
        const std::uint64_t n = base::GetBigEndian64(k.data() + prefix.size());
        if (n > start) out.push_back(db::FormatId(n));
        return storage::Next::kContinue;
      }));
    }
    HSDT_RETURN_IF_ERROR(impl_->AuditRead(impl_->EntryFor(access, Action::kReadReports, "dossier ids", Purpose::kNone, "")));
    return out;
  });
}

Result<InForce> Database::InForceOn(const Session& session, std::string_view id, std::string_view date,
                                   Purpose purpose) {
  return db::Guard([&]() -> Result<InForce> {
    if (!schema::IsFullDate(date)) {
      return Status::InvalidArgument("date: \"" + std::string(date.substr(0, 32)) + "\" is not a date; expected YYYY-MM-DD");
    }
    HSDT_ASSIGN_OR_RETURN(Dossier d, impl_->Read(session, id, 0, purpose, Action::kReadDossier));
    return query::InForceOn(schema::TimelinesOf(internal::ImplAccess::Of(d).View()), date);
  });
}

Result<QueryResult> Database::Find(const Session& session, const Query& query) {
  return db::Guard([&] { return impl_->Find(session, query, false); });
}

Result<QueryResult> Database::ExplainQuery(const Session& session, const Query& query) {
  return db::Guard([&] { return impl_->Find(session, query, true); });
}

Result<CountResult> Database::Count(const Session& session, const CountQuery& query) {
  return db::Guard([&] { return impl_->Count(session, query); });
}

Result<ImportReport> Database::Import(const Session& session, std::string_view jsonl, const ImportOptions& options,
                                     const ChangeContext& context) {
  return db::Guard([&] { return impl_->Import(session, jsonl, options, context); });
}

Result<std::uint64_t> Database::Export(const Session& session, const Query& query, const ExportOptions& options,
                                       const std::function<Status(std::string_view)>& sink) {
  return db::Guard([&] { return impl_->Export(session, query, options, sink); });
}

}  // namespace hsdt

