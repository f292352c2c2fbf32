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
#include <hsdt/archive.h>
#include <hsdt/attachment.h>
#include <hsdt/audit.h>
#include <hsdt/backup.h>
#include <hsdt/changes.h>
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

namespace internal {
struct ImplAccess;  // the library's own access to the implementation (src/base/impl_access.h)
}  // namespace internal

namespace testing_hooks {
struct Opener;  // src/db/testing.h
}  // namespace testing_hooks

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

class Database final {
 public:
  // Terms of the contract blocks below (each block says which apply):
  //  - "PermissionDenied (audited)": the session is not live (not issued by this Database,
  //    logged out, idle or past its lifetime, account revoked, password changed on another
  //    session, temporary password not yet changed), or the policy refuses (src/policy/
  //    evaluator.cc; the message names the action, the target and the reason). The refusal is
  //    in the audit log (WAL write done, not fsynced) before the call returns.
  //  - "before the session": argument checks that run before the session is checked. Their
  //    InvalidArgument is not audited and is returned even for a session that is not live.
  //  - "write errors": IOError, or ResourceExhausted for a full disk, when a batch cannot be
  //    written; the handle is then read-only until reopened: later writes fail with IOError
  //    naming the first failure. The audit log stays failed too, so from its next group on every
  //    call that writes an audit entry, allowed reads included, fails with the first failure
  //    (docs/security.md; docs/format.md's "reads keep working" does not hold). After Close:
  //    IOError "the database is closed".
  //  - Any call: ResourceExhausted when memory runs out; Internal for a bug (no exception
  //    leaves the library). Only Open returns Busy.
  //  - Default Ownership: arguments are borrowed for the call only and never retained; the
  //    result owns its data and stays valid after Close and destruction. A Session is usable
  //    only with the Database that issued it.
  //  - Default Threads: safe from any thread, concurrently with any other call (one racing
  //    Close may fail with IOError), with the same Session or copies of it too. Calls are not
  //    one snapshot: a listing or query reads while commits go on.

  // Opens (or, with options.create_if_missing, creates) the database in `dir`. Creating one
  // requires options.first_admin; the units of data/units.csv are registered with it.
  // Returns:   the open database; BadKey if `key` does not unwrap its data key; NotFound if
  //            there is none and create_if_missing is false; AlreadyExists with error_if_exists;
  //            InvalidArgument for a missing or weak first administrator or an unknown
  //            options.time_zone; UnsupportedFormat for a newer format; Corruption; Busy if
  //            another process or handle has it open; IOError; ResourceExhausted. A creation
  //            that fails removes what it made.
  // Ownership: borrows `key` and `options` for the call only; options.clock must outlive the
  //            database. Threads: any thread; one handle per directory. Since: 1.0
  static Result<std::unique_ptr<Database>> Open(const std::string& dir, const Key& key,
                                                const OpenOptions& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // Closes the database as Close does; its errors are lost (call Close() to see them).
  // Threads: no call may be in flight or start on another thread. Since: 1.0
  ~Database();

  // Writes the queued audit entries of reads, stops the audit log, flushes every column family
  // into table files and closes RocksDB.
  // Returns:   Ok; the audit log's failure; IOError/ResourceExhausted from flushing. A second
  //            call waits for the first and returns Ok (or the audit log's failure). Every later
  //            call fails with IOError "the database is closed".
  // Ownership: Sessions stay valid objects but are refused; Dossiers stay readable.
  // Threads:   any thread; calls that start later fail with IOError; calls in flight either
  //            finish or fail with IOError, and Close waits, holding no lock, until they have
  //            left. Never from inside an Export sink (it would wait for that Export forever).
  // Since:     1.0
  Status Close();

  // ---------------------------------------------------------------- sessions (articles 6, 17)
  // Logs in. Every attempt is audited (fsynced, except for an unknown name); after
  // options.lockout_failures consecutive wrong passwords the account is locked for
  // options.lockout_micros (the count survives restarts; attempts while locked do not count; a
  // successful login resets it). An unknown user name costs the same work and gets the same
  // answer as a wrong password. A restricted account may log in. A password hash made with
  // other parameters than options.password_cost's is redone.
  // Returns:   the session (must_change_password() after a reset or for a new account: then
  //            only ChangePassword and Logout accept it); PermissionDenied "login refused" for a
  //            wrong name or password, a locked or a revoked account (one message for all);
  //            write errors.
  // Ownership: borrows both strings for the call; the password is not kept. The session shares
  //            one state with its copies (session.h).
  // Threads:   default. The password check runs under no lock; the login state is read, changed
  //            and written under the registry lock (serialised with other logins' state changes
  //            and registry changes). Since: 1.0
  Result<Session> Login(std::string_view user_name, std::string_view password);
  // Ends the session and every copy of it; audited (fsynced).
  // Returns:   Ok, also for a session already ended (nothing audited then); PermissionDenied
  //            for a session of another Database (not audited); write errors (the session is
  //            ended anyway).
  // Ownership: borrows `session`. Threads: default; calls with a copy fail from their next
  //            check. Since: 1.0
  Status Logout(const Session& session);
  // Changes the session's own password; the old one is required. Accepted from a session that
  // must change a temporary password. Ends the account's other sessions; this one stays live.
  // Returns:   Ok; PermissionDenied (audited) for a session that is not live or a wrong old
  //            password (not counted toward the lockout); InvalidArgument naming the rule a new
  //            password breaks, or equal to the old one (not audited); write errors.
  // Ownership: borrows both passwords for the call; neither is kept.
  // Threads:   default; the new hash is computed and written under the registry lock
  //            (serialised with logins' state changes and registry changes). Since: 1.0
  Status ChangePassword(const Session& session, std::string_view old_password,
                        std::string_view new_password);

  // ---------------------------------------------------------------- dossiers
  // Creates a dossier at version 1 (editors of its managing unit); the engine assigns its id and
  // every row's recordedAt. One batch: record, version record, indexes and audit entry.
  // Returns:   the new id and version, with warnings; before the session: InvalidArgument for
  //            `context` (reason over 512 bytes or not UTF-8; source number and date required)
  //            or, for `json`, naming the JSON path; PermissionDenied (audited); then
  //            InvalidArgument for a given $.id or a $.managingUnit / $.workingUnit that is not
  //            a unit of the registry (the managing one active); AlreadyExists
  //            "$.nationalId.number" when another dossier has that number; write errors.
  // Ownership: borrows its arguments for the call. The draft overload stamps the draft's engine
  //            fields in place (no copy), although it is const: see DossierDraft.
  // Threads:   default, but no other thread may use `draft` during the call. Commits of other
  //            dossiers run in parallel; two creates with one national ID number are serialised
  //            by its lock stripe, and the second gets AlreadyExists. Since: 1.0
  Result<WriteResult> Create(const Session& session, const DossierDraft& draft,
                             const ChangeContext& context);
  Result<WriteResult> Create(const Session& session, std::string_view json,
                             const ChangeContext& context);

  // Replaces dossier `id` by a new version, if its latest version is `expected_version`.
  // Status and managing unit cannot change here (ChangeStatus; hand-over).
  // Returns:   the new version; before the session: InvalidArgument for `context`, an `id` that
  //            is not "HS" and 8 or more digits, or the JSON; NotFound (audited; decided before
  //            the policy); PermissionDenied (audited); then Conflict if the latest version is
  //            not `expected_version` (checked again under the dossier's lock; nothing written,
  //            not audited); InvalidArgument for a $.id of another dossier, a changed $.status
  //            or $.managingUnit, or units as Create; AlreadyExists as Create; write errors.
  // Ownership: as Create. Threads: as Create; of concurrent updates that expect one version,
  //            exactly one succeeds. Since: 1.0
  Result<WriteResult> Update(const Session& session, std::string_view id,
                             std::uint32_t expected_version, const DossierDraft& draft,
                             const ChangeContext& context);
  Result<WriteResult> Update(const Session& session, std::string_view id,
                             std::uint32_t expected_version, std::string_view json,
                             const ChangeContext& context);

  // Records a status change (retired, resigned, deceased, transferred out...) as a new version
  // whose other content is the latest version's. `status` is a status enumerant of
  // docs/format.md, e.g. "nghiHuu". Decided as a write (editors of the managing unit).
  // Returns:   the new version; InvalidArgument (context, id) before the session; NotFound
  //            (audited); PermissionDenied (audited); Conflict as Update; InvalidArgument for an
  //            unknown status, "unspecified" or the current status; write errors.
  // Ownership: borrows its arguments for the call. Threads: as Update. Since: 1.0
  Result<WriteResult> ChangeStatus(const Session& session, std::string_view id,
                                   std::uint32_t expected_version, std::string_view status,
                                   const ChangeContext& context);

  // Reads the latest version (Get: action read_dossier), a given version or the version in
  // force at transaction time `micros` (GetVersion, GetAsOf: read_history, the same rule). A
  // read of a dossier another unit manages must name its `purpose` (article 11), else it is
  // denied. Fields above what the policy lets the session see are removed. Every allowed read
  // is audited without waiting (a crash can lose the last milliseconds: docs/security.md).
  // Returns:   the dossier; InvalidArgument for an `id` that is not a dossier id or version 0
  //            (not audited), or a `purpose` outside article 11 (audited); NotFound for no such
  //            dossier or version, or `micros` before version 1 (audited; decided before the
  //            policy); PermissionDenied (audited); Corruption naming the key (not audited);
  //            IOError.
  // Ownership: the Dossier owns its plaintext (shared with the record cache when nothing is
  //            redacted) and may outlive the Database. Threads: default; a read of the latest
  //            version that misses the cache waits for a commit of that dossier in progress.
  // Since:     1.0
  Result<Dossier> Get(const Session& session, std::string_view id,
                      Purpose purpose = Purpose::kNone);
  Result<Dossier> GetVersion(const Session& session, std::string_view id, std::uint32_t version,
                             Purpose purpose = Purpose::kNone);
  Result<Dossier> GetAsOf(const Session& session, std::string_view id, std::int64_t micros,
                          Purpose purpose = Purpose::kNone);

  // Lists every version of dossier `id`, oldest first: who, when, why, kind and status, no
  // content. Decided as read_history; audited as one read (target "<id>/history").
  // Returns:   the versions; errors as Get. Ownership: default. Threads: default.
  // Since:     1.0
  Result<std::vector<VersionInfo>> History(const Session& session, std::string_view id,
                                           Purpose purpose = Purpose::kNone);

  // What the timelines of dossier `id` say was in force on `date` ("YYYY-MM-DD"): rank, salary
  // step and coefficient, positions, working unit (valid time; see InForce), from the latest
  // version as the session may see it. Audited as Get's read of that version.
  // Returns:   the values; InvalidArgument for `date` before the session; otherwise as Get.
  // Ownership: default. Threads: default. Since: 1.0
  Result<InForce> InForceOn(const Session& session, std::string_view id, std::string_view date,
                            Purpose purpose = Purpose::kNone);

  // JSON paths whose values differ between two versions, in document order: "$.rank.step",
  // "$.salaryHistory[3]" (a row added or removed), "$.status". Both versions are read as
  // GetVersion reads them (two audited reads) and redacted first, so paths of fields the
  // session may not see are left out. Equal versions: no paths.
  // Returns:   the paths; the first error of the two reads, as GetVersion.
  // Ownership: default. Threads: default. Since: 1.0
  Result<std::vector<std::string>> Diff(const Session& session, std::string_view id,
                                        std::uint32_t from_version, std::uint32_t to_version,
                                        Purpose purpose = Purpose::kNone);

  // Ids of the dossiers `unit` manages ("" for every unit), ascending, after `after` ("" for
  // the first), at most `limit` of them. Decided as read_reports: tier 2 (administrators and
  // auditors) any unit or every unit, tier 1 its own unit only; ids only, no content. An unknown
  // unit lists nothing. Audited as one read (target "dossier ids").
  // Returns:   the ids; PermissionDenied (audited); InvalidArgument for an `after` that is not
  //            a dossier id; IOError. Ownership: default. Threads: default. Since: 1.0
  Result<std::vector<std::string>> ListIds(const Session& session, std::string_view unit,
                                           std::string_view after, std::size_t limit);

  // ---------------------------------------------------------------- queries (article 3.5)
  // Finds the dossiers matching `query` that the session may read: authorised as a read of its
  // own unit (district auditors are refused), then each row decided by the policy as a read,
  // with `query.purpose` (rows of other units without a purpose, or without a rule or grant,
  // are left out, not refused), fields redacted as the policy decides; one page of at most
  // query.limit rows. Answered from the index family's summary rows: no record is decrypted,
  // except with query.on_date (valid time). Audited as one entry without waiting (the shape of
  // the filter, the number of rows, the first 20 ids).
  // Returns:   the page (next_cursor empty on the last); before the session: InvalidArgument
  //            naming the query field at fault (limit 1 to 1000, cursor, fields, dates,
  //            filter); PermissionDenied (audited); InvalidArgument for a purpose outside
  //            article 11 (audited), or when no index serves the filter and query.allow_scan is
  //            false; Corruption "index/...: malformed; run index verify"; IOError.
  // Ownership: default. Threads: default; pages are not one snapshot. Since: 1.0
  Result<QueryResult> Find(const Session& session, const Query& query);
  // How Find would answer `query`: the plan, and how many index entries planning read; no rows.
  // Returns:   as Find (an unserved filter without allow_scan is still InvalidArgument);
  //            authorised as Find and audited as one entry ("explain ...").
  // Ownership: default. Threads: default. Since: 1.0
  Result<QueryResult> ExplainQuery(const Session& session, const Query& query);
  // Counts the dossiers matching `query.filter`, grouped by 0 to 3 fields, over the units the
  // session may report on (read_reports: tier 2 every unit, tier 1 its own; other units' rows
  // are left out). Counts are statistics, never a way to find a person: each group key is the
  // grouped fields' values, so group_by and the filter (inside and, or, not too) take no
  // identifying field (nationalId, surname, middle, given, fullName, birthDate; ageBand is the
  // statistical form of the birth date) and no Filter::Name, whoever asks. Personal fields
  // (ethnicity, partyMember) are counted only by a session whose read of a dossier of its own
  // unit (read_dossier, no purpose, no grant) shows personal fields: district administrators,
  // unit editors and unit viewers, never district auditors (docs/security.md, "Decisions").
  // Scans every summary row when no index serves the filter (no allow_scan needed). Audited as
  // one entry without waiting.
  // Returns:   the counts; before the session: InvalidArgument (group_by over 3 fields, fields,
  //            an identifying field or a name search, naming its path and field, never a value;
  //            dates, filter); PermissionDenied (audited): the session may not report, or counts
  //            by a personal field without seeing personal fields (rule count-personal-field);
  //            nothing is counted on any of these; Corruption; IOError.
  // Ownership: default. Threads: default; not one snapshot. Since: 1.0
  Result<CountResult> Count(const Session& session, const CountQuery& query);
  // Writes every dossier `query` selects (its limit and cursor are ignored), in its order, to
  // `sink`. Authorised as an export of the session's own unit, then each row is decided as
  // export_dossier (outside the own unit, a grant with the export right and query.purpose);
  // rows refused are left out; values above what it lets through are left empty (CSV) or out
  // (JSON). Audited as one entry (the shape of the filter, the rows, the first 20 ids, and why
  // it stopped), written before this returns, even when the sink fails.
  // Returns:   the number of rows written; before the session: InvalidArgument for a bad format,
  //            whole_dossiers with CSV, or the query as Find; PermissionDenied (audited); then
  //            InvalidArgument for an unserved filter as Find; the sink's error as it returned
  //            it; Corruption; IOError (also when the entry cannot be written: it replaces the
  //            outcome).
  // Ownership: borrows `query`, `options` and `sink` for the call. `sink` is called on the
  //            calling thread, zero or more times, with chunks of at least 64 KiB but the last
  //            (CSV starts with a UTF-8 BOM and the header line: with no rows, CSV gets one call,
  //            JSON Lines none); a chunk is valid only during its call; a non-OK return stops
  //            the export at once.
  // Threads:   default. No library lock is held while `sink` runs, so it may call this Database
  //            again (a read, a write, another Export), but not Close or the destructor: a store
  //            call of this Export is in flight, and Close waits for it forever. Since: 1.0
  Result<std::uint64_t> Export(const Session& session, const Query& query, const ExportOptions& options,
                               const std::function<Status(std::string_view chunk)>& sink);
  // Creates the dossiers of `jsonl` (JSON Lines, UTF-8, an optional byte-order mark; blank lines
  // skipped), as Create would one by one, but in batches of options.batch_lines lines that are
  // each one atomic commit with one audit entry: a batch with any line at fault (invalid,
  // denied, a national ID already used or repeated) is not written, and its faults are reported
  // with their lines (at most 1000 in all). Each denied line is audited as a refused create.
  // `context` is every version's reason.
  // Returns:   the report (Ok even when lines or batches were rejected); before the session:
  //            InvalidArgument for `context` (source required), batch_lines outside 1 to
  //            10000 or first_line 0; PermissionDenied (audited) for a session that is not live, found at the
  //            first line that parses (with none, an Ok report without a session check); write
  //            errors: the batches committed before stay committed, and their report is lost.
  // Ownership: borrows `jsonl`, `options` and `context` for the call.
  // Threads:   default; parses each batch on up to every core (threads it starts and joins);
  //            a batch holds the lock stripes of all its dossiers while it commits. Readers see
  //            batches appear one at a time. Since: 1.0
  Result<ImportReport> Import(const Session& session, std::string_view jsonl, const ImportOptions& options,
                              const ChangeContext& context);
  // Checks every index entry against the records of one snapshot (maintenance: active district
  // administrators); with `repair`, rewrites the entries that are missing or wrong and deletes
  // the stray ones, under each dossier's lock stripe, then syncs. Audited as one maintenance
  // entry ("done" or "failed: ..."), written after the repair, not in its batch.
  // Returns:   the report (at most 100 problems listed); PermissionDenied (audited); Corruption
  //            for a record that fails authentication or decoding (Check lists those instead);
  //            write errors; IOError.
  // Ownership: default. Threads: default. Since: 1.0
  Result<IndexReport> VerifyIndexes(const Session& session, bool repair);

  // ---------------------------------------------------------------- deadlines and reports (9, 13)
  // Article 9 over a period: dossiers created more than 60 days after their recruitment
  // decision, state-side events recorded more than 15 days after their effective date, serving
  // officials without the year's supplementary declaration; counts per unit and the late items.
  // Decided as read_reports on query.unit (empty: the session's unit): tier 2 any or every
  // unit, tier 1 its own. Reads (decrypts) every record checked. Audited as one entry without
  // waiting.
  // Returns:   the report; before the session: InvalidArgument naming a bad period or
  //            supplement_year (1945 to 2200); PermissionDenied (audited); Corruption; IOError.
  // Ownership: default. Threads: default; not one snapshot. Since: 1.0
  Result<ComplianceReport> CheckDeadlines(const Session& session, const ComplianceQuery& query);
  // The article 13 report due on `due` ("YYYY-06-01" or "YYYY-12-01"), per unit and in total
  // (tier 2: every unit and the district; tier 1: its own unit only); render it with
  // ReportToJson, ReportToCsv or ReportToHtml. Reads every record reported on. Audited as one
  // entry without waiting.
  // Returns:   the report; InvalidArgument for `due` before the session; PermissionDenied
  //            (audited); Corruption; IOError. Ownership: default. Threads: as CheckDeadlines.
  // Since:     1.0
  Result<SemiAnnualReport> MakeSemiAnnualReport(const Session& session, std::string_view due);

  // ---------------------------------------------------------------- hand-over (article 10)
  // An editor of the receiving unit (the session's, not the managing one) asks for a dossier,
  // citing the unit's written request; `reason` is stored with the request.
  // Returns:   the pending hand-over; before the session: InvalidArgument for the request
  //            (number 1 to 128 bytes, date), a `reason` over 512 bytes or the id; NotFound
  //            (audited); PermissionDenied (audited); AlreadyExists if one is pending for the
  //            dossier; write errors.
  // Ownership: default. Threads: default; serialised with registry changes (registry lock).
  // Since:     1.0
  Result<HandOverInfo> RequestHandOver(const Session& session, std::string_view dossier_id,
                                       const SourceDocument& written_request,
                                       std::string_view reason);
  // The managing unit's editor or a district admin approves (the dossier's managing unit changes
  // in a new version, in one batch with the decision) or rejects.
  // Returns:   the decided hand-over; InvalidArgument for `context` (a source is required to
  //            approve) before the session; NotFound for no such hand-over or dossier (not
  //            audited: decided before the session and the policy); PermissionDenied (audited);
  //            InvalidArgument if already decided; Conflict if the dossier is no longer managed
  //            by the unit asked, or its version moved meanwhile; write errors.
  // Ownership: default. Threads: default; serialised with registry changes, and with commits
  //            of the dossier (its lock stripe). Since: 1.0
  Result<HandOverInfo> DecideHandOver(const Session& session, std::string_view hand_over_id,
                                      bool approve, const ChangeContext& context);
  // Every hand-over for tier 2; for tier 1, those into or out of its unit. Any live session
  // (read_reports on its own unit); audited as one read.
  // Returns:   the hand-overs; PermissionDenied (audited); IOError.
  // Ownership: default. Threads: default. Since: 1.0
  Result<std::vector<HandOverInfo>> ListHandOvers(const Session& session);

  // ---------------------------------------------------------------- the change feed
  // The feed after position `since` (0: from the start), at most `limit` entries, as the
  // session may see them (include/hsdt/changes.h): a dossier's entries if the session may read
  // it now, for `purpose`, under its managing unit or, for a hand-over, the unit it left (a
  // unit's accounts: their unit's dossiers; with a purpose, also those a grant opens; district
  // administrators, with a purpose: every dossier; auditors: none); hand-overs from or to its
  // unit; units; accounts and grants for district administrators and auditors only. No
  // content: read what changed with Get. Decided as read_reports on the session's own unit;
  // audited as one read (target "changes", the purpose in its reason).
  // A commit's entries are never split across pages: a page holds whole commits, at most
  // `limit` entries unless its first commit alone has more (the creation's units are one
  // commit). A page stops early after 16 × limit positions (at least 4096) without enough
  // entries the session may see, so a call's work is bounded: go on from `next` until
  // next == since.
  // Returns:   the page; InvalidArgument for a limit outside 1..kMaxChangesPage or a purpose
  //            outside article 11 (before the session); PermissionDenied (audited); Corruption
  //            naming a damaged entry; IOError. Ownership: default. Threads: default. Since: 1.0
  Result<ChangesPage> Changes(const Session& session, std::uint64_t since, std::size_t limit,
                              Purpose purpose = Purpose::kNone);

  // Registers `observer`, to be called after commits that change something, with the position
  // of the latest such commit: on one thread of the library, never two calls at once, in
  // increasing positions (calls coalesce while one runs, so a call may stand for several
  // commits: read the feed from the last position you handled). No library lock is held while
  // it runs: it may call this Database (Changes, Get, writes); Close from it is refused
  // (InvalidArgument, nothing closed), and the destructor must not run there.
  // An exception it throws is swallowed. Observers are not called after Close returns.
  // Returns:   its id (1, 2, ...); InvalidArgument for an empty function; ResourceExhausted.
  // Threads:   default. Since: 1.0
  Result<std::uint64_t> AddChangeObserver(std::function<void(std::uint64_t position)> observer);
  // Unregisters an observer; waits until a call of it in progress returns, unless called from
  // an observer. Returns: false for an unknown id. Threads: default. Since: 1.0
  bool RemoveChangeObserver(std::uint64_t id) noexcept;

  // ---------------------------------------------------------------- attachments (article 8.3)
  // Scanned source documents (include/hsdt/attachment.h). BeginAttachment checks the spec, the
  // session and the policy (update_dossier: the managing unit's editor) and returns a writer;
  // its Finish commits the attachment with its audit entry (update_dossier, target
  // "<dossier> attachment <id> v<version>"), fsynced.
  // Returns:   the writer; before the session: InvalidArgument naming the field (dossier_id,
  //            event, kind, title, source, supersedes); NotFound (audited) for no such dossier,
  //            event row or superseded attachment; PermissionDenied (audited); IOError.
  // Ownership: the writer is the caller's; destroy it before the Database. Threads: default.
  // Since:     1.1
  Result<std::unique_ptr<AttachmentWriter>> BeginAttachment(const Session& session,
                                                            const AttachmentSpec& spec,
                                                            const ChangeContext& context);
  // The latest version of each attachment of a dossier, in id order. Decided as read_dossier
  // (a district auditor: read_reports, and sees none described); title, source and digest are
  // given where the decision's visibility reaches the kind's (AttachmentInfo::described).
  // Audited as one read (target "<dossier> attachments").
  // Returns:   the list; InvalidArgument for the id or purpose; NotFound (audited);
  //            PermissionDenied (audited); Corruption; IOError. Threads: default. Since: 1.1
  Result<std::vector<AttachmentInfo>> ListAttachments(const Session& session, std::string_view dossier_id,
                                                      Purpose purpose = Purpose::kNone);
  // Every version of one attachment, oldest first, described as ListAttachments.
  Result<std::vector<AttachmentInfo>> AttachmentHistory(const Session& session, std::string_view attachment_id,
                                                        Purpose purpose = Purpose::kNone);
  // Opens version `version` (0: the latest) of an attachment to read its content: a read of its
  // dossier (read_dossier) that needs the kind's visibility (AttachmentKindVisibility), audited
  // (target "<dossier> attachment <id> v<version>") when opened.
  // Returns:   the reader; InvalidArgument for the id or purpose; NotFound (audited);
  //            PermissionDenied (audited: "below-sensitivity" when the session's visibility is
  //            below the kind's); Corruption; IOError.
  // Ownership: the reader is the caller's; destroy it before the Database. Threads: default.
  // Since:     1.1
  Result<std::unique_ptr<AttachmentReader>> OpenAttachment(const Session& session, std::string_view attachment_id,
                                                           std::uint32_t version = 0,
                                                           Purpose purpose = Purpose::kNone);

  // ---------------------------------------------------------------- the archive (article 12)
  // Writes everything the database holds, as of one snapshot, into `archive_dir` in the open
  // format of docs/archive.md: every version of every dossier with its transaction time, kind,
  // status, actor, reason and source; every version of every account (without its password
  // hash), unit, grant and hand-over; every attachment version and each scan once; the whole
  // audit log, chained; and manifest.json, the size and SHA-256 of each file. `archive_dir` must
  // not exist or be empty; it is created 0700 and every file in it 0600 (plaintext: keep it as
  // the dossiers themselves). Streamed: memory does not grow with the number of dossiers.
  // Decided as maintain (active district administrators); audited once done (target "archive
  // export": "done: <counts>; manifest sha256 <hex>", or "failed: ..."), as an export of
  // everything. A failed export removes what it wrote.
  // Returns:   what the archive holds, with the manifest's SHA-256 (keep it outside);
  //            AlreadyExists for a directory that is not empty; PermissionDenied (audited);
  //            Corruption; IOError. Threads: default. Since: 1.1
  Result<ArchiveInfo> ExportArchive(const Session& session, const std::string& archive_dir,
                                    const ArchiveProgressFn& progress = {});
  // Makes a new database in `db_dir` (which must not hold one) from the archive in
  // `archive_dir`, after checking every file against the manifest (a changed byte anywhere is
  // refused, naming the file): ids, versions, transaction times, actors, sources, the registry's
  // history and the audit log (its chain checked line by line) are kept exactly; then one entry
  // records the import (action import_archive, target "archive", by the first administrator).
  // The archive holds no passwords: options.first_admin must name an active district
  // administrator of the archive, whose latest version is given that password; every other
  // account signs in only after an administrator resets its password. The change feed starts
  // empty. Options as Open (create_if_missing is implied); a failed import leaves nothing.
  // Returns:   what was imported; InvalidArgument naming the file, line and member at fault,
  //            or first_admin; Corruption naming the file whose size or SHA-256 differs;
  //            AlreadyExists; UnsupportedFormat for a newer archive format; IOError.
  // Threads:   any. Since: 1.1
  static Result<ArchiveInfo> ImportArchive(const std::string& archive_dir, const std::string& db_dir,
                                           const Key& key, const OpenOptions& options,
                                           const ArchiveProgressFn& progress = {});

  // ---------------------------------------------------------------- accounts and units (3.3, 14.3)
  // This block covers each method of the group below (CreateAccount ... ListUnits).
  // Decided as manage_accounts or manage_units: active (not restricted) district
  // administrators, never on their own account, never lowering the last active one (article 5);
  // ListUnits is read_reports on one's own unit (any live session). A change is one batch with
  // its audit entry (fsynced); a listing is audited as one read. `context.source` is optional
  // here, but when given needs a number and a date.
  // Returns:   the account, unit or list as it is after the call; before the session:
  //            InvalidArgument naming the field (context, user_name, display_name, code,
  //            name_vi, state, report); PermissionDenied (audited); NotFound for no such account
  //            (SetAccountState, SetAccountRole, ResetPassword: found before the session and the
  //            policy, not audited) or unit (SetUnitActive: after them); then InvalidArgument for
  //            an inactive or unknown unit, a role outside its tier, a weak password, or no
  //            change (already in that state or role; revoked stays revoked; tier-2 units stay
  //            active); AlreadyExists for a user name (case-insensitive) or unit code in use;
  //            write errors.
  // Ownership: default; ResetPassword's result is the only copy of the temporary password.
  // Threads:   default; the changes, their password hashing included, are serialised under the
  //            registry lock (with logins' state changes). Since: 1.0
  // A new account must change its password at its first login.
  Result<AccountInfo> CreateAccount(const Session& session, const AccountSpec& spec,
                                    const ChangeContext& context);
  // Restricting makes the account's sessions read-only from their next call; revoking ends them.
  Result<AccountInfo> SetAccountState(const Session& session, std::string_view user_name,
                                      AccountState state, const ChangeContext& context);
  Result<AccountInfo> SetAccountRole(const Session& session, std::string_view user_name, Role role,
                                     const ChangeContext& context);
  // Article 17.6: issues a temporary password after a written report of a lost one; the holder
  // must change it at the next login. Ends the account's sessions and clears its lockout.
  // Returns the temporary password (20 characters).
  Result<std::string> ResetPassword(const Session& session, std::string_view user_name,
                                    const SourceDocument& report);
  Result<std::vector<AccountInfo>> ListAccounts(const Session& session);

  Result<UnitInfo> CreateUnit(const Session& session, const UnitSpec& spec,
                              const ChangeContext& context);
  Result<UnitInfo> SetUnitActive(const Session& session, std::string_view code, bool active,
                                 const ChangeContext& context);
  Result<std::vector<UnitInfo>> ListUnits(const Session& session);

  // ---------------------------------------------------------------- grants (article 8.2)
  // This block covers IssueGrant, RevokeGrant and ListGrants. Issuing and revoking are
  // manage_grants (active district administrators, never to their own account); ListGrants is
  // read_audit (district administrators and auditors). A change is one batch with its audit
  // entry; the listing is audited as one read.
  // Returns:   the grant or the list; before the session: InvalidArgument naming the field of
  //            `spec` (grantee, scope, dossiers, rights, purposes, legal_basis, signer,
  //            validity) or `context`; RevokeGrant: NotFound (not audited, before the session);
  //            PermissionDenied (audited); InvalidArgument if already revoked; write errors.
  // Ownership: default. Threads: default; changes serialised under the registry lock. A grant
  //            applies to calls decided after it is issued. Since: 1.0
  Result<GrantInfo> IssueGrant(const Session& session, const GrantSpec& spec,
                               const ChangeContext& context);
  Result<GrantInfo> RevokeGrant(const Session& session, std::string_view grant_id,
                                const ChangeContext& context);
  Result<std::vector<GrantInfo>> ListGrants(const Session& session);

  // Replays the decision for `user_name` doing `action` on dossier `dossier_id` ("" for none) as
  // the accounts, units, grants and dossier were at transaction time `micros` (an unknown
  // account or dossier is part of the answer). Decided as read_audit (tier 2); audited (fsynced).
  // Returns:   the decision; PermissionDenied (audited); InvalidArgument for an `action` or
  //            `purpose` out of range, or a `dossier_id` that is not one; Corruption; IOError.
  // Ownership: default. Threads: default. Since: 1.0
  Result<Decision> Explain(const Session& session, std::string_view user_name, Action action,
                           std::string_view dossier_id, std::int64_t micros, Purpose purpose);

  // ---------------------------------------------------------------- audit
  // This block covers VerifyAudit, DigestAudit and ReadAudit: district administrators and
  // auditors (verify_audit, read_audit). Each first writes the queued entries, so the result
  // covers every call made before it, but not its own entry (fsynced after; ReadAudit's is
  // audited as a read).
  // VerifyAudit walks the chain from the first entry and, with `against` (a DigestAudit result
  // kept outside), proves that entry still has its link; ReadAudit returns the entries from
  // `from_sequence` on, at most `limit`.
  // Returns:   the verification (a broken chain is ok=false naming the first bad entry, not an
  //            error), the digest or the entries; InvalidArgument for an `against` that is not
  //            64 hex digits (before the session); PermissionDenied (audited); Corruption for a
  //            malformed block (ReadAudit); IOError.
  // Ownership: default; `against` may be null and is borrowed for the call. Threads: default.
  // Since:     1.0
  Result<AuditVerification> VerifyAudit(const Session& session, const AuditDigest* against);
  Result<AuditDigest> DigestAudit(const Session& session);
  Result<std::vector<AuditRecord>> ReadAudit(const Session& session, std::uint64_t from_sequence,
                                             std::size_t limit);
  // The entries from `from_sequence` on that match `filter`, at most `limit` (1 to 10000), for an
  // inspection (article 14.4): decided as read_audit like ReadAudit, audited as one read whose
  // reason names the filter's fields (ids and names, never dossier content).
  // Returns:   the page (next_sequence 0 at the end of the log); InvalidArgument naming the
  //            filter field or the limit; PermissionDenied (audited); Corruption; IOError.
  // Since:     1.1
  Result<AuditPage> FindAudit(const Session& session, const AuditFilter& filter, std::uint64_t from_sequence,
                              std::size_t limit);

  // ---------------------------------------------------------------- maintenance
  // A read-only view (OpenOptions::read_only): reads now what the primary has written (table
  // files, the tail of its log, the registry), and drops the records it cached. Nothing is
  // audited (nothing is read for a session). Returns: Ok; InvalidArgument on a handle opened for
  // writing; IOError. Threads: default. Since: 1.0
  Status CatchUp();

  // Makes every acknowledged commit and queued audit entry durable (useful with
  // Durability::kNoSync). Any live session may call it (read_reports on its own unit); it is
  // audited as "sync", and that entry is made durable with the rest.
  // Returns:   Ok; PermissionDenied (audited); write errors (a failed sync turns the handle
  //            read-only). Ownership: default. Threads: default. Since: 1.0
  Status Sync(const Session& session);
  // This block covers Check, ChangeKey, Rekey, TrainDictionary, Backup and Stats: maintenance,
  // for active district administrators. Each is audited after it ran, fsynced, as "done" or
  // "failed: <why>"; the entry is not in the batch of what the call wrote, and if it cannot be
  // written the call returns that IOError even when it succeeded.
  // Returns:   the result below; PermissionDenied (audited); the call's own error; IOError.
  // Ownership: default; ChangeKey borrows `new_key` for the call only.
  // Threads:   default. ChangeKey, Rekey, Backup and Stats are serialised by the keyring lock;
  //            Rekey's registry pass holds the registry lock (logins and registry changes
  //            wait). Since: 1.0
  // Authenticates and decodes every record version, verifies every table block and file
  // checksum, checks version chains and index entries, against one snapshot; what is damaged is
  // listed in `problems`, not returned as an error.
  Result<CheckReport> Check(const Session& session);
  // Rewraps the data keys under `new_key` (OpenOptions::kdf_cost for a passphrase); nothing is
  // re-encrypted. Write errors on a read-only handle.
  Status ChangeKey(const Session& session, const Key& new_key);
  // Re-seals up to `max_values` values (0: no limit) under a fresh data key; resumable
  // (docs/format.md, "Re-key"); done when `remaining` is 0. Close stops it at its next value.
  Result<RekeyProgress> Rekey(const Session& session, std::uint64_t max_values);
  // Trains a zstd dictionary (32 KiB) on up to 2000 current records and uses it for later
  // writes. Returns its id; InvalidArgument with fewer than 50 dossiers; write errors.
  Result<std::uint32_t> TrainDictionary(const Session& session);
  // Backs up into `backup_dir` (created 0700 if missing) after writing the queued audit entries.
  Result<BackupInfo> Backup(const Session& session, const std::string& backup_dir);
  Result<DatabaseStats> Stats(const Session& session);

  class __attribute__((visibility("hidden"))) Impl;  // not exported (docs/abi.md)

 private:
  friend struct internal::ImplAccess;
  explicit Database(std::unique_ptr<Impl> impl);
  friend struct testing_hooks::Opener;
  std::unique_ptr<Impl> impl_;
};

#pragma GCC visibility pop
}  // namespace hsdt
