// Database: one hsdt database, a directory holding an encrypted RocksDB and its keyring.
//
// Every dossier is a chain of immutable versions. Each write is one atomic, fsynced (by default)
// RocksDB batch; nothing is ever physically deleted. See docs/format.md for the on-disk format
// and the durability of each mode.
//
// Every call is made in a Session (Login), decided by one policy evaluator and written to a
// hash-chained audit log, allowed or denied (docs/security.md).
//
// Threads: a Database is safe to use from many threads at once. Concurrent updates of one dossier
// are serialised; exactly one of several updates that expect the same version succeeds, the
// others fail with Conflict and write nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/accounts.h>
#include <hsdt/audit.h>
#include <hsdt/backup.h>
#include <hsdt/dossier.h>
#include <hsdt/key.h>
#include <hsdt/maintenance.h>
#include <hsdt/options.h>
#include <hsdt/policy.h>
#include <hsdt/query.h>
#include <hsdt/report.h>
#include <hsdt/session.h>
#include <hsdt/status.h>

namespace hsdt {

namespace testing_hooks {
struct Opener;  // src/db/testing.h
}  // namespace testing_hooks

class Database final {
 public:
  // Opens (or, with options.create_if_missing, creates) the database in `dir`. Creating one
  // requires options.first_admin; the units of data/units.csv are registered with it.
  // Returns:   the open database; BadKey if `key` does not unwrap its data key; NotFound if
  //            there is none and create_if_missing is false; AlreadyExists with error_if_exists;
  //            InvalidArgument for a missing or weak first administrator; UnsupportedFormat for
  //            a newer format; Corruption; Busy if another process has it open; IOError.
  // Ownership: borrows `key` for the call only. Since: 1.0
  static Result<std::unique_ptr<Database>> Open(const std::string& dir, const Key& key,
                                                const OpenOptions& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // Closes the database; errors are lost (call Close() to see them).
  ~Database();

  // Flushes the audit log and closes. Further calls fail with IOError. Safe to call twice.
  Status Close();

  // ---------------------------------------------------------------- sessions (articles 6, 17)
  // Logs in. Every attempt is audited; after options.lockout_failures consecutive failures the
  // account is locked for options.lockout_micros (the count survives restarts). An unknown user
  // name costs the same work and gets the same answer as a wrong password.
  // Returns: the session; PermissionDenied "login refused" (wrong name or password, locked,
  //          revoked); IOError.
  Result<Session> Login(std::string_view user_name, std::string_view password);
  // Ends the session (and every copy of it).
  Status Logout(const Session& session);
  // Changes the session's own password; the old one is required. Ends the account's other
  // sessions. Returns: Ok; PermissionDenied for a wrong old password; InvalidArgument naming the
  // rule a new password breaks.
  Status ChangePassword(const Session& session, std::string_view old_password,
                        std::string_view new_password);

  // ---------------------------------------------------------------- dossiers
  // Creates a dossier at version 1 (editors of its managing unit); the engine assigns its id and
  // every row's recordedAt.
  // Returns:   the new id and version; PermissionDenied (audited); InvalidArgument naming the
  //            JSON path; IOError (the handle may then be read-only); ResourceExhausted.
  Result<WriteResult> Create(const Session& session, const DossierDraft& draft,
                             const ChangeContext& context);
  Result<WriteResult> Create(const Session& session, std::string_view json,
                             const ChangeContext& context);

  // Replaces dossier `id` by a new version, if its latest version is `expected_version`.
  // Status and managing unit cannot change here (ChangeStatus; hand-over).
  // Returns:   the new version; Conflict if the version moved (nothing written); NotFound;
  //            PermissionDenied; InvalidArgument naming the JSON path; IOError.
  Result<WriteResult> Update(const Session& session, std::string_view id,
                             std::uint32_t expected_version, const DossierDraft& draft,
                             const ChangeContext& context);
  Result<WriteResult> Update(const Session& session, std::string_view id,
                             std::uint32_t expected_version, std::string_view json,
                             const ChangeContext& context);

  // Records a status change (retired, resigned, deceased, transferred out...) as a new version.
  // `status` is a status enumerant of docs/format.md, e.g. "nghiHuu".
  Result<WriteResult> ChangeStatus(const Session& session, std::string_view id,
                                   std::uint32_t expected_version, std::string_view status,
                                   const ChangeContext& context);

  // Reads the latest version, a given version, or the version in force at transaction time
  // `micros`. A read outside the session's own unit names its `purpose` (article 11). Fields
  // above what the policy lets the session see are removed. Every read is audited.
  // Returns:   the dossier; NotFound; PermissionDenied; Corruption naming the key.
  Result<Dossier> Get(const Session& session, std::string_view id,
                      Purpose purpose = Purpose::kNone);
  Result<Dossier> GetVersion(const Session& session, std::string_view id, std::uint32_t version,
                             Purpose purpose = Purpose::kNone);
  Result<Dossier> GetAsOf(const Session& session, std::string_view id, std::int64_t micros,
                          Purpose purpose = Purpose::kNone);

  // Lists every version of dossier `id`, oldest first.
  Result<std::vector<VersionInfo>> History(const Session& session, std::string_view id,
                                           Purpose purpose = Purpose::kNone);

  // What the timelines of dossier `id` say was in force on `date` ("YYYY-MM-DD"): rank, salary
  // step and coefficient, positions, working unit (valid time; see InForce). A read (audited).
  Result<InForce> InForceOn(const Session& session, std::string_view id, std::string_view date,
                            Purpose purpose = Purpose::kNone);

  // JSON paths whose values differ between two versions, in document order: "$.rank.step",
  // "$.salaryHistory[3]" (a row added or removed), "$.status". Paths of fields the session may
  // not see are left out.
  Result<std::vector<std::string>> Diff(const Session& session, std::string_view id,
                                        std::uint32_t from_version, std::uint32_t to_version,
                                        Purpose purpose = Purpose::kNone);

  // Ids of the dossiers `unit` manages ("" for every unit: tier 2 only), in order, after `after`
  // ("" for the first), at most `limit` of them.
  Result<std::vector<std::string>> ListIds(const Session& session, std::string_view unit,
                                           std::string_view after, std::size_t limit);

  // ---------------------------------------------------------------- queries (article 3.5)
  // Finds the dossiers matching `query` that the session may read (each row decided by the
  // policy as a read, with `query.purpose`), fields redacted as the policy decides; one page of
  // at most query.limit rows. Answered from the index family's summary rows: no record is
  // decrypted, except with query.on_date (valid time). Audited as one entry (the filter and the
  // number of rows).
  // Returns:   the page; InvalidArgument naming the query field at fault, or when no index
  //            serves the filter and query.allow_scan is false; PermissionDenied (district
  //            auditors: no dossier content); IOError.
  Result<QueryResult> Find(const Session& session, const Query& query);
  // How Find would answer `query`: the plan, and how many index entries planning read.
  Result<QueryResult> ExplainQuery(const Session& session, const Query& query);
  // Counts the dossiers matching `query.filter`, grouped. Tier 2 counts every unit, tier 1 its
  // own. Audited as one entry.
  Result<CountResult> Count(const Session& session, const CountQuery& query);
  // Writes every dossier `query` selects (its limit and cursor are ignored), in its order, to
  // `sink` in chunks of about 64 KiB. Each row is decided by the policy as an export
  // (Action::kExportDossier); values above what it lets through are left empty (CSV) or out (JSON).
  // Audited as one entry, written before this returns, even when the sink fails.
  // Returns:   the number of rows written; InvalidArgument as Find; the sink's error;
  //            PermissionDenied.
  Result<std::uint64_t> Export(const Session& session, const Query& query, const ExportOptions& options,
                               const std::function<Status(std::string_view chunk)>& sink);
  // Creates the dossiers of `jsonl` (JSON Lines, UTF-8, an optional byte-order mark), as Create
  // would one by one, but in batches that are each one atomic commit with one audit entry: a
  // batch with any line at fault (invalid, denied, a national ID already used or repeated) is not
  // written, and every fault is reported with its line. `context` is every version's reason.
  // Returns:   the report (Ok even when lines were rejected); InvalidArgument for bad options or
  //            context; PermissionDenied for a session that is not valid; IOError.
  Result<ImportReport> Import(const Session& session, std::string_view jsonl, const ImportOptions& options,
                              const ChangeContext& context);
  // Checks every index entry against the records (district admin); with `repair`, rewrites the
  // entries that are missing or wrong and deletes the stray ones, under each dossier's lock.
  Result<IndexReport> VerifyIndexes(const Session& session, bool repair);

  // ---------------------------------------------------------------- deadlines and reports (9, 13)
  // Article 9 over a period: dossiers created more than 60 days after their recruitment
  // decision, state-side events recorded more than 15 days after their effective date, serving
  // officials without the year's supplementary declaration; counts per unit and the late items.
  // Tier 2 checks every unit, tier 1 its own. Reads (decrypts) every record checked. Audited.
  // Returns: the report; InvalidArgument naming a bad period; PermissionDenied.
  Result<ComplianceReport> CheckDeadlines(const Session& session, const ComplianceQuery& query);
  // The article 13 report due on `due` ("YYYY-06-01" or "YYYY-12-01"), per unit and for the
  // district; render it with ReportToJson, ReportToCsv or ReportToHtml. Audited.
  Result<SemiAnnualReport> MakeSemiAnnualReport(const Session& session, std::string_view due);

  // ---------------------------------------------------------------- hand-over (article 10)
  // An editor of the receiving unit asks for a dossier, citing the unit's written request.
  Result<HandOverInfo> RequestHandOver(const Session& session, std::string_view dossier_id,
                                       const SourceDocument& written_request,
                                       std::string_view reason);
  // The managing unit's editor or a district admin approves (the dossier's managing unit changes
  // in a new version) or rejects.
  Result<HandOverInfo> DecideHandOver(const Session& session, std::string_view hand_over_id,
                                      bool approve, const ChangeContext& context);
  Result<std::vector<HandOverInfo>> ListHandOvers(const Session& session);

  // ---------------------------------------------------------------- accounts and units (3.3, 14.3)
  Result<AccountInfo> CreateAccount(const Session& session, const AccountSpec& spec,
                                    const ChangeContext& context);
  Result<AccountInfo> SetAccountState(const Session& session, std::string_view user_name,
                                      AccountState state, const ChangeContext& context);
  Result<AccountInfo> SetAccountRole(const Session& session, std::string_view user_name, Role role,
                                     const ChangeContext& context);
  // Article 17.6: issues a temporary password after a written report of a lost one; the holder
  // must change it at the next login. Returns the temporary password.
  Result<std::string> ResetPassword(const Session& session, std::string_view user_name,
                                    const SourceDocument& report);
  Result<std::vector<AccountInfo>> ListAccounts(const Session& session);

  Result<UnitInfo> CreateUnit(const Session& session, const UnitSpec& spec,
                              const ChangeContext& context);
  Result<UnitInfo> SetUnitActive(const Session& session, std::string_view code, bool active,
                                 const ChangeContext& context);
  Result<std::vector<UnitInfo>> ListUnits(const Session& session);

  // ---------------------------------------------------------------- grants (article 8.2)
  Result<GrantInfo> IssueGrant(const Session& session, const GrantSpec& spec,
                               const ChangeContext& context);
  Result<GrantInfo> RevokeGrant(const Session& session, std::string_view grant_id,
                                const ChangeContext& context);
  Result<std::vector<GrantInfo>> ListGrants(const Session& session);

  // Replays the decision for `user_name` doing `action` on dossier `dossier_id` as the accounts,
  // units, grants and dossier were at transaction time `micros`.
  Result<Decision> Explain(const Session& session, std::string_view user_name, Action action,
                           std::string_view dossier_id, std::int64_t micros, Purpose purpose);

  // ---------------------------------------------------------------- audit
  Result<AuditVerification> VerifyAudit(const Session& session, const AuditDigest* against);
  Result<AuditDigest> DigestAudit(const Session& session);
  Result<std::vector<AuditRecord>> ReadAudit(const Session& session, std::uint64_t from_sequence,
                                             std::size_t limit);

  // ---------------------------------------------------------------- maintenance (district admin)
  // Makes every acknowledged commit durable (useful with Durability::kNoSync).
  Status Sync(const Session& session);
  Result<CheckReport> Check(const Session& session);
  Status ChangeKey(const Session& session, const Key& new_key);
  Result<RekeyProgress> Rekey(const Session& session, std::uint64_t max_values);
  Result<std::uint32_t> TrainDictionary(const Session& session);
  Result<BackupInfo> Backup(const Session& session, const std::string& backup_dir);
  Result<DatabaseStats> Stats(const Session& session);

  class Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  friend struct testing_hooks::Opener;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hsdt
