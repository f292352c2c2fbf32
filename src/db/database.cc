// The Database: the one write path (validate -> stamp -> index -> commit under the dossier's
// stripe) and the one read path (cache -> store -> decode check -> cache).
#include <hsdt/database.h>

#include <algorithm>
#include <set>

#include "base/clock.h"
#include "base/guard.h"
#include "crypto/secret.h"
#include "db/database_impl.h"
#include "schema/reflect.h"
#include "schema/validate.h"

namespace hsdt {

namespace {

Result<std::uint64_t> IdOf(std::string_view id) {
  auto v = db::ParseId(id);
  if (!v) return Status::InvalidArgument("id: \"" + std::string(id.substr(0, 32)) +
                                         "\" is not a dossier id; expected HS and 8 or more digits");
  return *v;
}

Status CheckContext(const ChangeContext& c) {
  if (c.actor.empty() || c.actor.size() > 128) {
    return Status::InvalidArgument("context.actor: expected 1 to 128 bytes");
  }
  if (c.reason.size() > schema::kShortTextBytes) {
    return Status::InvalidArgument("context.reason: " + std::to_string(c.reason.size()) +
                                   " bytes; limit 512");
  }
  if (c.source.number.empty() || c.source.number.size() > 128) {
    return Status::InvalidArgument(
        "context.source.number: every change cites its source document; expected 1 to 128 bytes");
  }
  if (!schema::IsValidDate(c.source.date, schema::DateForm::FULL)) {
    return Status::InvalidArgument("context.source.date: \"" + c.source.date.substr(0, 32) +
                                   "\" is not a date; expected YYYY-MM-DD");
  }
  return Status::Ok();
}

std::string StatusName(schema::DossierStatus s) {
  auto en = capnp::Schema::from<schema::DossierStatus>().getEnumerants();
  const auto raw = static_cast<unsigned>(s);
  return raw < en.size() ? en[raw].getProto().getName().cStr() : "";
}

// Maps anything thrown below the public API to a Status (no exception leaves the library).
template <typename Fn>
auto Guard(Fn&& fn) noexcept -> decltype(fn()) {
  return base::Guard([&]() -> decltype(fn()) {
    try {
      return fn();
    } catch (const kj::Exception& e) {
      return Status::Internal(std::string("unexpected Cap'n Proto error: ") + e.getDescription().cStr());
    }
  });
}

}  // namespace

Result<std::shared_ptr<const storage::CachedRecord>> Database::Impl::Load(std::uint64_t id,
                                                                          std::uint32_t version) {
  if (auto hit = cache_.Lookup(id, 0); hit && (version == 0 || hit->version == version)) return hit;
  if (version != 0) {
    if (auto hit = cache_.Lookup(id, version)) return hit;
  }
  // Readers that fill the latest slot hold the stripe shared, so a commit cannot slip between
  // their read and their insert and leave an older version cached as the latest.
  std::shared_lock<std::shared_mutex> stripe;
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
  // The transaction time lives in the version record; read it only for explicit versions.
  if (version == 0) {
    cache_.Insert(id, 0, record);
  } else {
    cache_.Insert(id, version, record);
  }
  return std::shared_ptr<const storage::CachedRecord>(std::move(record));
}

Result<Dossier> Database::Impl::Read(std::string_view id_text, std::uint32_t version) {
  if (store_->closed()) return Status::IOError("the database is closed");
  HSDT_ASSIGN_OR_RETURN(std::uint64_t id, IdOf(id_text));
  HSDT_ASSIGN_OR_RETURN(auto record, Load(id, version));
  return Dossier(std::make_shared<const Dossier::Impl>(db::FormatId(id), std::move(record)));
}

Result<WriteResult> Database::Impl::Commit(std::uint64_t id, std::uint32_t expected,
                                           capnp::MessageBuilder& next,
                                           const schema::Dossier::Reader* previous,
                                           ChangeKind kind, const ChangeContext& ctx,
                                           std::vector<std::string> warnings) {
  auto root = next.getRoot<schema::Dossier>();
  // Index entries depend on the content only, so they are found before taking the locks.
  db::IndexEntries after = db::IndexEntriesOf(root.asReader(), id);
  storage::CommitRequest req;
  req.id = id;
  req.expected_version = expected;
  std::set<std::string> old_keys;
  if (previous != nullptr) {
    for (auto& e : db::IndexEntriesOf(*previous, id).entries) old_keys.insert(std::move(e.key));
  }
  std::set<std::string> new_keys;
  for (auto& e : after.entries) {
    new_keys.insert(e.key);
    if (old_keys.count(e.key) == 0) req.index_puts.push_back(std::move(e));
  }
  for (const auto& k : old_keys) {
    if (new_keys.count(k) == 0) req.index_deletes.push_back(k);
  }
  for (auto& u : after.unique_keys) {
    if (old_keys.count(u) == 0) req.unique_keys.push_back(std::move(u));
  }
  std::vector<std::string> lock_keys = req.unique_keys;
  lock_keys.insert(lock_keys.end(), req.index_deletes.begin(), req.index_deletes.end());

  req.meta.kind = kind;
  req.meta.status = StatusName(root.getStatus());
  req.meta.actor = ctx.actor;
  req.meta.reason = ctx.reason;
  req.meta.source_number = ctx.source.number;
  req.meta.source_date = ctx.source.date;

  storage::StripeLock lock = store_->LockStripes(id, lock_keys);
  // Under the dossier's lock: the transaction time of version v+1 is after that of version v,
  // and every new row's recordedAt is exactly the version's time.
  const std::int64_t now = store_->NextCommitMicros();
  schema::StampEngineFields(root, db::FormatId(id), previous, base::FormatMicrosUtc(now));
  req.meta.recorded_at_micros = now;
  // The flat plaintext goes straight into the cache entry's wiped, aligned memory.
  auto record = std::make_shared<storage::CachedRecord>();
  record->id = id;
  record->bytes = storage::PlainBytes(schema::FlatSize(next));
  schema::WriteFlat(next, record->bytes.data(), record->bytes.size());
  req.record = record->bytes.view();
  auto committed = store_->Commit(std::move(req));
  if (!committed.ok()) {
    if (committed.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("$.nationalId.number: another dossier already has this number");
    }
    return committed.status();
  }
  record->version = committed->version;
  record->recorded_at_micros = committed->recorded_at_micros;
  cache_.Insert(id, 0, std::move(record));

  WriteResult result;
  result.id = db::FormatId(id);
  result.version = committed->version;
  result.recorded_at_micros = committed->recorded_at_micros;
  result.warnings = std::move(warnings);
  return result;
}

Result<WriteResult> Database::Impl::Create(const DossierDraft& draft, const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(CheckContext(ctx));
  schema::DossierMessage& message = *draft.impl().message;
  if (!message.client_id.empty()) {
    return Status::InvalidArgument("$.id: assigned by the engine; omit it when creating");
  }
  // The draft's own message is committed (stamped in place): no copy.
  return Commit(store_->AllocateId(), 0, message.message, nullptr, ChangeKind::kCreate, ctx,
                draft.warnings());
}

Result<WriteResult> Database::Impl::Update(std::string_view id_text, std::uint32_t expected,
                                           const DossierDraft* draft,
                                           std::string_view new_status, const ChangeContext& ctx) {
  HSDT_RETURN_IF_ERROR(CheckContext(ctx));
  HSDT_ASSIGN_OR_RETURN(std::uint64_t id, IdOf(id_text));
  HSDT_ASSIGN_OR_RETURN(auto prev_record, Load(id, 0));
  if (prev_record->version != expected) {
    return Status::Conflict(db::FormatId(id) + ": expected version " + std::to_string(expected) +
                            ", but the latest is " + std::to_string(prev_record->version) +
                            "; reread and retry");
  }
  schema::FlatRecord prev_reader(prev_record->bytes.words(), prev_record->bytes.size());
  const schema::Dossier::Reader previous = prev_reader.dossier();
  capnp::MallocMessageBuilder status_message;  // used by status changes only
  capnp::MessageBuilder* next = &status_message;
  std::vector<std::string> warnings;
  ChangeKind kind = ChangeKind::kUpdate;
  if (draft != nullptr) {
    schema::DossierMessage& message = *draft->impl().message;
    auto source = message.reader();
    if (!message.client_id.empty() && message.client_id != previous.getId().cStr()) {
      return Status::InvalidArgument("$.id: \"" + message.client_id.substr(0, 32) +
                                     "\" does not match the dossier being updated");
    }
    if (source.getStatus() != previous.getStatus()) {
      return Status::InvalidArgument("$.status: a status changes only through a status change, "
                                     "which records its decision");
    }
    if (source.getManagingUnit() != previous.getManagingUnit()) {
      return Status::InvalidArgument("$.managingUnit: the managing unit changes only through a "
                                     "hand-over (article 10)");
    }
    next = &message.message;  // stamped in place: no copy
    warnings = draft->warnings();
  } else {
    KJ_IF_MAYBE(e, capnp::Schema::from<schema::DossierStatus>().findEnumerantByName(
                       capnp::Text::Reader(new_status.data(), new_status.size()))) {
      if (e->getOrdinal() == 0) return Status::InvalidArgument("status: \"unspecified\" is not a status");
      if (e->getOrdinal() == static_cast<std::uint16_t>(previous.getStatus())) {
        return Status::InvalidArgument("status: the dossier is already " + std::string(new_status));
      }
      status_message.setRoot(previous);
      status_message.getRoot<schema::Dossier>().setStatus(static_cast<schema::DossierStatus>(e->getOrdinal()));
      kind = ChangeKind::kStatusChange;
    } else {
      return Status::InvalidArgument("status: \"" + std::string(new_status.substr(0, 32)) +
                                     "\" is not a status; see docs/format.md");
    }
  }
  return Commit(id, expected, *next, &previous, kind, ctx, std::move(warnings));
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() {
  if (impl_) (void)impl_->store().Close();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& dir, const Key& key,
                                                 const OpenOptions& options) {
  return Guard([&]() -> Result<std::unique_ptr<Database>> {
    storage::StoreOptions so;
    so.create_if_missing = options.create_if_missing;
    so.error_if_exists = options.error_if_exists;
    so.sync = options.durability == Durability::kSync;
    so.kdf_cost = static_cast<int>(options.kdf_cost);
    so.block_cache_bytes = options.block_cache_bytes;
    so.dictionary_training_records = options.dictionary_training_records;
    HSDT_ASSIGN_OR_RETURN(auto store, storage::Store::Open(dir, key, so));
    return std::unique_ptr<Database>(new Database(std::make_unique<Impl>(std::move(store), options)));
  });
}

Status Database::Close() {
  return Guard([&] { return impl_->store().Close(); });
}

Result<WriteResult> Database::Create(const DossierDraft& draft, const ChangeContext& context) {
  return Guard([&] { return impl_->Create(draft, context); });
}

Result<WriteResult> Database::Create(std::string_view json, const ChangeContext& context) {
  HSDT_ASSIGN_OR_RETURN(DossierDraft draft, DossierDraft::FromJson(json));
  return Create(draft, context);
}

Result<WriteResult> Database::Update(std::string_view id, std::uint32_t expected_version,
                                     const DossierDraft& draft, const ChangeContext& context) {
  return Guard([&] { return impl_->Update(id, expected_version, &draft, {}, context); });
}

Result<WriteResult> Database::Update(std::string_view id, std::uint32_t expected_version,
                                     std::string_view json, const ChangeContext& context) {
  HSDT_ASSIGN_OR_RETURN(DossierDraft draft, DossierDraft::FromJson(json));
  return Update(id, expected_version, draft, context);
}

Result<WriteResult> Database::ChangeStatus(std::string_view id, std::uint32_t expected_version,
                                           std::string_view status, const ChangeContext& context) {
  return Guard([&] { return impl_->Update(id, expected_version, nullptr, status, context); });
}

Result<Dossier> Database::Get(std::string_view id) {
  return Guard([&] { return impl_->Read(id, 0); });
}

Result<Dossier> Database::GetVersion(std::string_view id, std::uint32_t version) {
  if (version == 0) return Status::InvalidArgument("version: versions start at 1");
  return Guard([&] { return impl_->Read(id, version); });
}

Result<Dossier> Database::GetAsOf(std::string_view id, std::int64_t micros) {
  return Guard([&]() -> Result<Dossier> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t n, IdOf(id));
    HSDT_ASSIGN_OR_RETURN(std::uint32_t v, impl_->store().VersionAsOf(n, micros));
    return impl_->Read(id, v);
  });
}

Result<std::vector<VersionInfo>> Database::History(std::string_view id) {
  return Guard([&]() -> Result<std::vector<VersionInfo>> {
    HSDT_ASSIGN_OR_RETURN(std::uint64_t n, IdOf(id));
    HSDT_ASSIGN_OR_RETURN(auto metas, impl_->store().History(n));
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

Result<std::vector<std::string>> Database::Diff(std::string_view id, std::uint32_t from,
                                                std::uint32_t to) {
  HSDT_ASSIGN_OR_RETURN(Dossier a, GetVersion(id, from));
  HSDT_ASSIGN_OR_RETURN(Dossier b, GetVersion(id, to));
  return Guard([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> paths;
    auto ra = a.impl().Reader();
    auto rb = b.impl().Reader();
    schema::DiffStructs(ra.dossier(), rb.dossier(), &paths);
    return paths;
  });
}

Result<std::vector<std::string>> Database::ListIds(std::string_view after, std::size_t limit) {
  return Guard([&]() -> Result<std::vector<std::string>> {
    std::uint64_t start = 0;
    if (!after.empty()) {
      HSDT_ASSIGN_OR_RETURN(start, IdOf(after));
    }
    HSDT_ASSIGN_OR_RETURN(auto ids, impl_->store().ListIds(start, limit));
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (auto n : ids) out.push_back(db::FormatId(n));
    return out;
  });
}

Status Database::Sync() {
  return Guard([&] { return impl_->store().Sync(); });
}

Status Database::ChangeKey(const Key& new_key) {
  return Guard([&] {
    return impl_->store().ChangeKey(new_key, static_cast<int>(impl_->options().kdf_cost));
  });
}

Result<RekeyProgress> Database::Rekey(std::uint64_t max_values) {
  return Guard([&] { return impl_->store().Rekey(max_values); });
}

Result<std::uint32_t> Database::TrainDictionary() {
  return Guard([&] { return impl_->store().TrainDictionary(); });
}

Result<BackupInfo> Database::Backup(const std::string& backup_dir) {
  return Guard([&] { return impl_->store().Backup(backup_dir); });
}

Result<DatabaseStats> Database::Stats() {
  return Guard([&]() -> Result<DatabaseStats> {
    HSDT_ASSIGN_OR_RETURN(DatabaseStats st, impl_->store().Stats());
    st.record_cache_hits = impl_->cache().hits();
    st.record_cache_misses = impl_->cache().misses();
    return st;
  });
}

}  // namespace hsdt
