// Database::Impl, shared by the db layer's files: the store, the audit log, the registry, the
// record cache and the session checks. database.cc holds the dossier operations, access.cc the
// sessions and the one authorisation path, admin.cc the registry, audit and maintenance calls.
#pragma once

#include <hsdt/database.h>
#include <hsdt/query.h>
#include <hsdt/report.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>

#include "audit/audit_log.h"
#include "db/changes.h"
#include "db/internal.h"
#include "policy/evaluator.h"
#include "policy/registry.h"
#include "schema/civil_time.h"
#include "storage/attachment_store.h"

namespace hsdt::schema {
struct ArchiveManifest;
}  // namespace hsdt::schema
namespace hsdt::db::archive {
class ArchiveDir;
}  // namespace hsdt::db::archive

namespace hsdt {

namespace db {
// `message` with every double-quoted part replaced by "?": error messages quote the values at
// fault, and an audit entry holds no value (docs/security.md).
std::string WithoutQuotedValues(std::string_view message);
}  // namespace db

class Session::Impl final {
 public:
  std::uint64_t owner = 0;  // Database::Impl::instance() of the database that issued it
  std::string user;    // as created
  std::string folded;  // registry key
  std::string unit;
  Role role = Role::kUnitViewer;
  std::int64_t created_micros = 0;
  std::atomic<std::int64_t> last_used_micros{0};
  std::atomic<std::uint32_t> epoch{0};
  std::atomic<bool> must_change_password{false};
  std::atomic<bool> ended{false};
};

class Database::Impl final {
 public:
  // Database::Open over `base_fs` (null: the local file system). With `import`
  // (Database::ImportArchive), a database being created is not given its first administrator:
  // `import` fills it instead, and if it fails the creation is undone.
  static Result<std::unique_ptr<Database>> Open(const std::string& dir, const Key& key, const OpenOptions& options,
                                                storage::BaseFileSystem base_fs,
                                                const std::function<Status(Impl&)>& import);
  Impl(std::unique_ptr<storage::Store> store, const OpenOptions& options, schema::CivilZone zone)
      : store_(std::move(store)), cache_(options.record_cache_bytes), options_(options),
        clock_(options.clock != nullptr ? options.clock : &base::SystemClock()), zone_(std::move(zone)) {}

  storage::Store& store() { return *store_; }
  storage::RecordCache& cache() { return cache_; }
  policy::Registry& registry() { return *registry_; }
  audit::AuditLog& audit() { return *audit_; }
  db::ChangeNotifier& notifier() { return notifier_; }
  storage::AttachmentStore& attachments() { return *attachments_; }
  // Attachment writers and readers alive (Close refuses while there are any).
  std::atomic<int> open_attachment_handles{0};
  const OpenOptions& options() const { return options_; }
  std::int64_t Now() const { return clock_->NowMicros(); }
  // The database's time zone (OpenOptions::time_zone): civil dates are taken in it.
  const schema::CivilZone& zone() const { return zone_; }
  // Today's date in the database's time zone.
  std::string Today() const { return zone_.DateOf(Now()); }
  // Unique in the process for its lifetime (not an address: a reopened database may reuse one).
  std::uint64_t instance() const { return instance_; }
  static std::uint64_t NextInstance() {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1);
  }

  // Opening: the audit log, the registry, and for a new database its first administrator; on
  // the primary, the audit entries read-only views spooled.
  Status Start();
  Status Close();
  // The primary: links what the views spooled into the audit chain (AuditLog::IngestSpools).
  Status IngestSpools();
  // A read-only view: catches up with the primary if `now`, or if catch_up_micros passed since
  // the last time; a primary: Ok (InvalidArgument with `now`).
  Status CatchUp(bool now);
  // The directory a view made for its own files, removed at Close.
  void set_scratch_dir(std::string dir) { scratch_dir_ = std::move(dir); }
  // Created for Database::ImportArchive: Start gives it no first administrator and leaves the
  // indexes to the import.
  void set_importing() { importing_ = true; }
  // The meta key an import writes first and removes in its last, synced write; a database that
  // still has it is refused at open (Corruption): the import was cut off.
  static constexpr char kImportMarker[] = "import-incomplete";
  Status RefuseUnfinishedImport();
  // Checks, on a view, that the indexes are in this library's layout (only the primary upgrades).
  Status CheckIndexFormat();

  // ---- sessions and the one authorisation path (access.cc)
  // What an allowed call may do, and who made it.
  struct Access {
    policy::Principal who;
    Decision decision;
    std::string actor;  // the user name as created
  };
  Result<Session> Login(std::string_view user, std::string_view password);
  Status Logout(const Session& session);
  Status ChangePassword(const Session& session, std::string_view old_password,
                        std::string_view new_password);
  // Checks the session and asks the policy; a refusal is audited and returned as
  // PermissionDenied. `target` names what the call is about in the audit log.
  Result<Access> Authorize(const Session& session, Action action, const policy::Resource& what,
                           Purpose purpose, std::string_view target);
  // Authorize for a call about the session's own unit as a whole (listings, queries, reports):
  // the resource is the unit the session was issued for.
  Result<Access> AuthorizeOwnUnit(const Session& session, Action action, Purpose purpose,
                                  std::string_view target);
  // Authorize for a call about something that does not exist: asks the policy about `what`
  // as Authorize does (a refusal is audited and returned); if allowed, audits the miss (refused,
  // "not-found") and returns `missing`. So a caller learns of a miss only where it may act.
  Status AuthorizeMissing(const Session& session, Action action, const policy::Resource& what,
                          std::string_view target, const Status& missing);
  // The audit entry of an allowed call.
  AuditRecord EntryFor(const Access& access, Action action, std::string_view target,
                       Purpose purpose, std::string_view reason) const;
  // Audits a read of something that does not exist (refused, "not-found") and returns `missing`,
  // or the session's refusal if the session itself is not valid (it learns nothing).
  Status AuditMiss(const Session& session, Action action, std::string_view target, Purpose purpose,
                   const Status& missing);

  // ---- the one write path (access.cc; docs/architecture.md)
  // How long the caller of a change waits. An allowed read does not wait for its entry
  // (docs/security.md says what a crash can lose); a refusal waits until it is written, so no
  // crash loses it; a change waits until it is durable.
  enum class Wait { kQueued, kWritten, kDurable };
  // One change, the only way anything reaches the store: the access decided, as its audit
  // entry; the operations written in the same atomic batch; what to do once they are written
  // (the registry's memory copy, the record cache); and what it changed, for the change feed
  // (stored in the same batch at the entry's sequence). Nothing of it is applied if the write
  // fails.
  struct Change {
    Change(AuditRecord e, std::vector<storage::BatchOp> o = {}, Wait w = Wait::kDurable,
           std::function<void()> then = {})
        : entry(std::move(e)), ops(std::move(o)), wait(w), applied(std::move(then)) {}
    AuditRecord entry;
    std::vector<storage::BatchOp> ops;
    Wait wait = Wait::kDurable;
    std::function<void()> applied;
    std::vector<storage::FeedItem> feed;
  };
  // Writes `change` through the commit queue, then runs its `applied` and, if it changed
  // something, tells the change observers.
  // Returns: the entry's audit sequence (0 for kQueued); IOError if the batch failed.
  Result<std::uint64_t> Apply(Change change);
  // Stages the next version of a registry record into `change`: its op and its feed item.
  template <typename Record>
  Status StageRecord(Record* record, std::int64_t now, Change* change) {
    HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, registry_->Stage(record, now));
    change->ops.push_back(std::move(op));
    change->feed.push_back(db::FeedItemOf(*record));
    return Status::Ok();
  }
  // A registry record's next version as one change: stages `record` (setting its version and
  // time), writes it with `entry` and `extra`, then makes it the registry's latest.
  // REQUIRES: registry().write_mutex() held.
  template <typename Record>
  Status ApplyRecord(AuditRecord entry, Record* record, std::vector<storage::BatchOp> extra = {}) {
    Change change{std::move(entry), std::move(extra), Wait::kDurable, [this, record] { registry_->Apply(*record); }};
    HSDT_RETURN_IF_ERROR(StageRecord(record, Now(), &change));
    return Apply(std::move(change)).status();
  }
  // Authorize → run → audit, for a call whose one write is its audit entry (listings, the
  // audit calls, Explain, maintenance): `run(access, reason)` gives the answer and sets the
  // reason its entry records; a failure is audited too, as "failed: " and its message without
  // values. Returns run's result, or the refusal, or the audit log's failure.
  template <typename Fn>
  auto Audited(const Session& session, Action action, const policy::Resource& what, std::string_view target,
               Wait wait, Fn&& run) -> std::invoke_result_t<Fn&, const Access&, std::string&> {
    HSDT_ASSIGN_OR_RETURN(Access access, Authorize(session, action, what, Purpose::kNone, target));
    std::string reason;
    auto result = run(static_cast<const Access&>(access), reason);
    if (!result.ok()) reason = "failed: " + db::WithoutQuotedValues(result.status().message());
    AuditRecord entry = EntryFor(access, action, target, Purpose::kNone, reason);
    HSDT_RETURN_IF_ERROR(wait == Wait::kQueued ? AuditRead(std::move(entry))
                                               : Apply({std::move(entry), {}, wait}).status());
    return result;
  }
  // The resource of a call about the session's own unit as a whole (AuthorizeOwnUnit).
  static policy::Resource OwnUnit(const Session& session);
  // Audits an allowed read (Wait::kQueued).
  Status AuditRead(AuditRecord entry);
  // Audits an allowed call that writes nothing else, waiting until it is durable.
  Status AuditNow(AuditRecord entry);
  policy::Principal PrincipalOf(const policy::AccountRecord& account) const;
  policy::Principal PrincipalOf(const policy::AccountRecord& account, std::string folded) const;
  int TierOf(std::string_view unit) const;
  crypto::PwhashParams PasswordParams() const;
  bool audit_reads = true;  // benchmarks only: db/testing.h

  // ---- dossiers (database.cc)
  Result<WriteResult> Create(const Session& s, const DossierDraft& draft, const ChangeContext& ctx);
  Result<WriteResult> Update(const Session& s, std::string_view id, std::uint32_t expected,
                             const DossierDraft* draft, std::string_view new_status,
                             const ChangeContext& ctx);
  // Reads version `version` (0: latest) of `id` for the session, redacted and audited.
  Result<Dossier> Read(const Session& s, std::string_view id, std::uint32_t version,
                       Purpose purpose, Action action);
  // Version `version` (0: latest) of `id`, from the record cache or the store. Readers that go
  // through many dossiers once (reports, exports, valid-time queries) pass fill_cache false, so
  // they do not evict the records that sessions keep reading.
  Result<std::shared_ptr<const storage::CachedRecord>> Load(std::uint64_t id, std::uint32_t version,
                                                            bool fill_cache = true);
  // Load for a session's call: a missing dossier is audited (AuditMiss).
  Result<std::shared_ptr<const storage::CachedRecord>> LoadFor(const Session& s, std::uint64_t id,
                                                               std::uint32_t version, Action action,
                                                               Purpose purpose);
  // A new dossier version before the locks: its store request (index changes included) and the
  // keys whose stripes a commit holds.
  struct VersionPlan {
    storage::CommitRequest request;
    std::vector<std::string> lock_keys;
  };
  VersionPlan PlanVersion(std::uint64_t id, std::uint32_t expected, const schema::DossierView& next,
                          const schema::DossierView* previous, ChangeKind kind, const ChangeContext& ctx,
                          const std::string& actor);
  // Under the stripes of the plan: stamps the engine's fields, flattens and seals the version.
  struct SealedVersion {
    storage::PreparedCommit prepared;  // its ops go into the commit's batch
    std::shared_ptr<storage::CachedRecord> record;
  };
  Result<SealedVersion> SealVersion(VersionPlan plan, schema::DossierMessage& next,
                                    const schema::DossierView* previous);
  // After the batch is written: counts it and caches the record.
  void FinishVersion(SealedVersion sealed);
  // A new dossier version as one change: its record, history and indexes join `change` (its
  // audit entry, and registry operations for a hand-over), applied atomically (Apply).
  // REQUIRES nothing locked but the registry mutex.
  Result<WriteResult> Commit(std::uint64_t id, std::uint32_t expected, schema::DossierMessage& next,
                             const schema::DossierView* previous, ChangeKind kind,
                             const ChangeContext& ctx, std::vector<std::string> warnings,
                             Change change);
  // Authenticates and decodes everything; checks chains and indexes (check.cc).
  Result<CheckReport> Check();
  // Compares every index entry with the records; with `repair`, fixes what differs (check.cc).
  Result<IndexReport> VerifyIndexes(bool repair);
  // Makes the index entries `keys` of dossier `id` what its current record needs; returns how
  // many were written or deleted.
  Result<std::uint64_t> RepairIndexEntries(std::uint64_t id, const std::vector<std::string>& keys);
  // At open: rebuilds the indexes of a database whose index format is older (check.cc).
  Status UpgradeIndexes();

  // ---- attachments (attachments.cc)
  Result<std::unique_ptr<AttachmentWriter>> BeginAttachment(const Session& s, const AttachmentSpec& spec,
                                                            const ChangeContext& ctx);
  // The latest version of each attachment of `dossier` (only == 0), or every version of
  // attachment `only`; described as the session may see; audited as one read.
  Result<std::vector<AttachmentInfo>> DescribeAttachments(const Session& s, std::uint64_t dossier,
                                                          std::uint64_t only, Purpose purpose);
  // ---- the archive (archive_export.cc, archive_import.cc)
  // Writes into `out` (begun here); the caller ends it (ArchiveDir::Done) once audited.
  Result<ArchiveInfo> ExportArchive(db::archive::ArchiveDir& out, const std::string& dir,
                                    const ArchiveProgressFn& progress);
  // Fills a database made for the import (set_importing) from a verified archive.
  Status ImportArchive(const std::string& dir, const schema::ArchiveManifest& manifest,
                       const ArchiveProgressFn& progress, ArchiveInfo* info);
  Result<std::unique_ptr<AttachmentReader>> OpenAttachment(const Session& s, std::string_view id,
                                                           std::uint32_t version, Purpose purpose);

  // ---- queries (find.cc)
  // Runs `q` (or with `explain_only`, only plans it) for the session; audited as one entry.
  Result<QueryResult> Find(const Session& s, const Query& q, bool explain_only);
  Result<CountResult> Count(const Session& s, const CountQuery& q);
  Result<std::uint64_t> Export(const Session& s, const Query& q, const ExportOptions& options,
                               const std::function<Status(std::string_view)>& sink);

  // ---- bulk import (import.cc)
  Result<ImportReport> Import(const Session& s, std::string_view jsonl, const ImportOptions& options,
                              const ChangeContext& ctx);
  // Checks a draft a session would create: no client id, known units, the policy (a refusal is
  // audited). Returns the access for the audit entry.
  Result<Access> CheckCreate(const Session& s, const DossierDraft& draft);

  // ---- deadlines and reports (report.cc)
  struct ReportRow {
    std::uint64_t id;
    std::string unit;
    std::string status;
    const schema::DossierView& dossier;  // valid during the call only
    const std::vector<storage::VersionMeta>& history;
  };
  // Calls `fn` on every dossier (of `only_unit`, if given) that `access` may report on, with its
  // latest record and its history.
  Status ForEachReportable(const Access& access, std::string_view only_unit,
                           const std::function<Status(const ReportRow&)>& fn);
  Result<ComplianceReport> CheckDeadlines(const Session& s, const ComplianceQuery& q);
  Result<SemiAnnualReport> MakeSemiAnnualReport(const Session& s, std::string_view due);
  // The managing unit of a stored record.
  static std::string ManagingUnitOf(const storage::CachedRecord& record);

 private:
  Result<Access> Deny(const Session& session, Action action, std::string_view target,
                      Purpose purpose, const Decision& decision);
  // The session's principal if the session is live and may act (not awaiting a password
  // change); marks it used at `now`.
  Result<policy::Principal> Validate(const Session& session, std::int64_t now);
  // The session's account if the session is live: issued here, not logged out, within its idle
  // time and lifetime, its account not revoked and its password not changed since. Ends it
  // otherwise.
  Result<std::shared_ptr<const policy::AccountRecord>> Live(const Session& session, std::int64_t now);
  Status Bootstrap();

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<policy::Registry> registry_;
  std::unique_ptr<storage::AttachmentStore> attachments_;
  db::ChangeNotifier notifier_;
  storage::RecordCache cache_;
  OpenOptions options_;
  const Clock* clock_;
  const schema::CivilZone zone_;
  const std::uint64_t instance_ = NextInstance();
  std::string dummy_hash_;  // verified against for unknown user names (same work, same answer)
  std::string scratch_dir_;
  bool importing_ = false;
  // A view's catching up (rank 3.5 of storage/store.h: takes the store's, the registry's and the
  // cache's leaves; never held with AuditLog::spool_mu_).
  std::mutex catch_up_mu_;
  std::atomic<std::int64_t> last_catch_up_micros_{0};
};

namespace db {
Result<std::uint64_t> IdOf(std::string_view id);
// Maps anything thrown below the public API to a Status.
template <typename Fn>
auto Guard(Fn&& fn) noexcept -> decltype(fn());
// The change record stored with registry changes.
policy::Change ChangeOf(const std::string& actor, const ChangeContext& ctx);
// The copy of `record` a session may see: fields above `visible` removed.
Result<std::shared_ptr<const storage::CachedRecord>> Redacted(
    const std::shared_ptr<const storage::CachedRecord>& record, Visibility visible);
Status CheckReason(const ChangeContext& c, bool source_required);
// Free text shown in lists and the audit log (display names, unit names, signers, reasons):
// UTF-8, no control characters, at most `max` bytes; empty only when `may_be_empty` (admin.cc).
Status CheckText(std::string_view what, std::string_view text, std::size_t max, bool may_be_empty);
// A written document a registry change cites (a report, a legal basis, a written request): a
// number of 1 to 128 bytes and a full date (admin.cc).
Status CheckDocument(std::string_view what, const SourceDocument& d);
}  // namespace db

}  // namespace hsdt

#include "db/guard_inl.h"
