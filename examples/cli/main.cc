// hsdt: the command-line tool over the hsdt library.
#include <iostream>
#include <algorithm>
#include <fstream>
#include <iterator>

#include "cli.h"
#include "private_io.h"

namespace hsdt::cli {
namespace {

constexpr char kUsage[] = R"(usage: hsdt <command> [options]

Every command takes --db DIR (demo defaults to ./hsdt-demo) and, except init, restore, the
backup-* commands and demo, logs in as --user USER (or $HSDT_USER) with $HSDT_PASSWORD or a
prompt. Every call is checked by the access policy and written to the audit log.

Database:
  init --admin USER [--admin-name NAME]   create a database; its first district administrator's
                                password comes from $HSDT_ADMIN_PASSWORD or a prompt
  password                      change your own password (new one: $HSDT_NEW_PASSWORD or prompt)
  check | stats                 integrity check (exit 6 on a problem) | counts and sizes
  recover                       open a database whose write-ahead log is damaged: keep what precedes
                                the damage, lose what follows, audit it (recover_log); then check
  backup --to DIR               encrypted backup;  backup-verify DIR;  backup-list DIR
  restore --from DIR [--backup N]  restore into --db DIR (must not exist)
  archive export --out DIR      the whole database, every version, the registry's history, the
                                scans and the audit log, in the open format of docs/archive.md
                                (plaintext, owner-only; district administrators)
  archive import --from DIR --db NEW --admin USER   a new database from an archive (key as init;
                                USER, an administrator of the archive, gets $HSDT_ADMIN_PASSWORD)
  rekey [--batch N]             re-encrypt everything under a fresh data key (resumable)
  passwd                        change the database key (--new-key-file or $HSDT_NEW_PASSPHRASE)
Dossiers (reads outside your unit need --purpose recruitment|rank_promotion|salary_raise|
training|appointment|reward|discipline|inspection|statistics):
  put [--id ID --expect N]      create a dossier from the JSON on stdin (update ID if given)
  get ID [--version N | --as-of TIME] [--pretty]
  status ID --expect N STATUS   record a status change (nghiHuu, thoiViec, tuTran, ...)
  history ID | diff ID FROM TO | list [--unit U] [--after ID] [--limit N]
  changes [--since N] [--limit N] [--follow]   the change feed after position N, as you may see
                                it (other units' dossiers with --purpose): position, subject, kind,
                                id, version, time, unit, unit left; --follow waits for more until
                                interrupted (docs/format.md, "Change feed")
  find QUERY [--explain]        run a JSON query (docs/format.md, "Queries"; "-": stdin); prints
                                the page as JSON, with nextCursor for the next one
  stats --by F[,F[,F]] [--filter FILTER] [--on DATE]   counts grouped by up to three fields, as of
                                DATE in valid time if given
                                (managingUnit, gender, ageBand, status, rankGroup, ...; never
                                nationalId, names or birthDate)
  import FILE [--batch N] [--slice-lines M]   create the dossiers of a JSON Lines file ("-":
                                stdin), N lines per atomic batch (default 1000), read M lines at a
                                time (default 2000, whole batches); reports each faulty line (exit 8)
  export QUERY [--format jsonl|csv] [--whole] [--out FILE]   every dossier the query selects
                                (an export right of its own; --whole: whole dossiers, JSON Lines)
  index verify [--repair]       check every index entry against the records (and repair)
Scanned source documents (PDF, JPEG, PNG, TIFF; 20 MiB each by default):
  attach ID FILE --kind KIND --title T [--source-number N --source-date D] [--event LIST.N]
        [--pages N] [--supersedes AID]   attach a scan to a dossier or one of its event rows
                                (salaryHistory.0, disciplines.1); KIND: decision, diploma,
                                personal_form, discipline, asset_declaration, evaluation, other
                                (decisions and disciplinary records need their source document)
  attachments ID | attachment history AID   the dossier's attachments | one's versions
  attachment get AID [--version N] --out FILE   write the scan to FILE (owner-only)
Reports (article 13; tier 2 for the district, tier 1 for its own unit):
  report --due YYYY-06-01|YYYY-12-01 [--format html|csv|json] [--out FILE]   semi-annual report
                                (a period that has not ended is marked provisional, TẠM TÍNH)
  deadlines --from DATE --to DATE [--unit U] [--year Y]   article 9: late dossiers, late events,
                                missing annual supplementary declarations (exit 6 if any)
Registry and audit (district administrators; audit also district auditors):
  account create USER --unit U --role ROLE [--display-name N]   (password: $HSDT_NEW_PASSWORD)
  account state USER active|restricted|revoked | account role USER ROLE | account list
  account reset USER --report-number N --report-date D   prints a temporary password
  unit create CODE --name NAME [--kind KIND] | unit list
  grant issue (--to-user U | --to-unit U) (--dossiers ID,ID | --scope-unit U)
        --rights read[,personal,confidential,export] [--purposes p,p] --legal-number N
        --legal-date D --signer S --from DATE --until DATE
  grant revoke ID | grant list
  handover request ID --request-number N --request-date D | handover decide HO --approve|--reject
  handover list
  audit verify [--digest SEQ:HEX] | audit digest | audit read [--from N] [--limit N]
        [--actor USER] [--unit U] [--dossier ID] [--action A] [--outcome allowed|denied]
        [--since TIME] [--until TIME]   an inspection's reading (article 14.4): a header line,
                                then sequence, recorded at (UTC), actor, action, target, outcome,
                                purpose, rule, reason; "more: --from N" on stderr for the next page
  explain USER ACTION DOSSIER --at TIME [--purpose P]
Demo:
  demo [--people N] [--seed S]  build the demo district and play the tiered scenario

--read-only opens a read-only view beside a process that has the database open for writing
(get, history, find, list, changes, report... work; writes are refused, exit 7); the view's audit
entries reach the database's audit log when that process next syncs or reads its audit log.
Key: --key-file FILE (32 raw bytes, 64 hex digits or a passphrase), else $HSDT_PASSPHRASE, else
a prompt. Changes cite --source-number NUMBER --source-date YYYY-MM-DD, with --reason TEXT.
Times (--as-of, --at, --from, --until): 2026-12-02T02:17:22+07:00 (any offset, or Z), a local
2026-12-02T02:17:22, a date (its start; --until: its end) or microseconds. Local times and dates,
and every civil date the database computes (today, deadlines, reports), are in --time-zone ZONE
(default Asia/Ho_Chi_Minh). An option a command does not take is a usage error.

Exit codes: 0 ok, 1 internal error, 2 usage, 3 not found, 4 version conflict (reread and retry),
5 wrong database key, 6 integrity problem, 7 I/O error or busy, 8 input rejected, 9 denied by the
access policy or login refused.
)";

int Usage(const std::string& why) {
  if (!why.empty()) std::cerr << "hsdt: " << why << "\n";
  std::cerr << kUsage;
  return kExitUsage;
}

std::optional<std::uint32_t> Number(const std::string& s) {
  auto n = ParseNumber(s, 999999999);
  if (!n) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

const char* KindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kCreate: return "create";
    case ChangeKind::kUpdate: return "update";
    case ChangeKind::kStatusChange: return "status";
    case ChangeKind::kHandOver: return "hand-over";
  }
  return "?";
}

int Init(const Args& args) {
  if (!args.Has("db") || !args.Has("admin")) return Usage("init needs --db DIR and --admin USER");
  auto key = LoadKey(args, "key-file", "HSDT_PASSPHRASE", true);
  if (!key.ok()) return Fail(key.status());
  auto password = Secret("HSDT_ADMIN_PASSWORD", "Administrator password: ", true);
  if (!password.ok()) return Fail(password.status());
  OpenOptions o;
  o.time_zone = TimeZoneOf(args);
  o.create_if_missing = true;
  o.error_if_exists = true;
  o.first_admin = {args.Get("admin"), args.Get("admin-name", args.Get("admin")), *password};
  auto db = Database::Open(args.Get("db"), *key, o);
  if (!db.ok()) return Fail(db.status());
  if (Status s = (*db)->Close(); !s.ok()) return Fail(s);
  std::cout << "created " << args.Get("db") << " with district administrator " << args.Get("admin") << "\n";
  return kExitOk;
}

int Put(const Args& args, Database& db, const Session& s) {
  std::string json(std::istreambuf_iterator<char>(std::cin), {});
  Result<WriteResult> r = Status::Internal("unreached");
  if (args.Has("id")) {
    auto expect = Number(args.Get("expect"));
    if (!expect) return Usage("put --id needs --expect N (the version you read)");
    r = db.Update(s, args.Get("id"), *expect, json, ContextFrom(args));
  } else {
    r = db.Create(s, json, ContextFrom(args));
  }
  if (!r.ok()) return Fail(r.status());
  for (const auto& w : r->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << r->id << " " << r->version << "\n";
  return kExitOk;
}

int Get(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 1) return Usage("get takes one dossier id");
  const std::string& id = args.positional[0];
  Result<Dossier> d = Status::Internal("unreached");
  if (args.Has("version")) {
    auto v = Number(args.Get("version"));
    if (!v) return Usage("--version takes a number");
    d = db.GetVersion(s, id, *v, purpose);
  } else if (args.Has("as-of")) {
    auto t = ParseTime(args, "as-of");
    if (!t.ok()) return Fail(t.status());
    d = db.GetAsOf(s, id, *t, purpose);
  } else {
    d = db.Get(s, id, purpose);
  }
  if (!d.ok()) return Fail(d.status());
  auto json = d->ToJson(args.Has("pretty"));
  if (!json.ok()) return Fail(json.status());
  std::cout << *json << "\n";
  return kExitOk;
}

int History(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 1) return Usage("history takes one dossier id");
  auto h = db.History(s, args.positional[0], purpose);
  if (!h.ok()) return Fail(h.status());
  for (const auto& v : *h) {
    std::cout << v.version << "\t" << FormatTime(v.recorded_at_micros) << "\t" << KindName(v.kind) << "\t"
              << v.status << "\t" << v.actor << "\t" << v.source.number << " (" << v.source.date << ")\t"
              << v.reason << "\n";
  }
  return kExitOk;
}

int Diff(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 3) return Usage("diff takes ID FROM TO");
  auto from = Number(args.positional[1]), to = Number(args.positional[2]);
  if (!from || !to) return Usage("diff: FROM and TO are version numbers");
  auto d = db.Diff(s, args.positional[0], *from, *to, purpose);
  if (!d.ok()) return Fail(d.status());
  for (const auto& p : *d) std::cout << p << "\n";
  return kExitOk;
}

int StatusChange(const Args& args, Database& db, const Session& s) {
  auto expect = Number(args.Get("expect"));
  if (args.positional.size() != 2 || !expect) return Usage("status takes ID STATUS and --expect N");
  auto r = db.ChangeStatus(s, args.positional[0], *expect, args.positional[1], ContextFrom(args));
  if (!r.ok()) return Fail(r.status());
  std::cout << r->id << " " << r->version << "\n";
  return kExitOk;
}

int List(const Args& args, Database& db, const Session& s) {
  auto limit = Number(args.Get("limit", "1000"));
  if (!limit) return Usage("--limit takes a number");
  auto ids = db.ListIds(s, args.Get("unit", s.role() == Role::kDistrictAdmin || s.role() == Role::kDistrictAuditor ? "" : s.unit()),
                        args.Get("after"), *limit);
  if (!ids.ok()) return Fail(ids.status());
  for (const auto& id : *ids) std::cout << id << "\n";
  return kExitOk;
}

// A JSON argument, or stdin for "-".
std::string JsonArgument(const std::string& arg) {
  if (arg != "-") return arg;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int Find(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 1) return Usage("find takes one JSON query (or - for stdin)");
  auto q = Query::FromJson(JsonArgument(args.positional[0]));
  if (!q.ok()) return Fail(q.status());
  if (q->purpose == Purpose::kNone) q->purpose = purpose;
  auto r = args.Has("explain") ? db.ExplainQuery(s, *q) : db.Find(s, *q);
  if (!r.ok()) return Fail(r.status());
  std::cout << QueryResultToJson(*r) << "\n";
  return kExitOk;
}

int Export(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 1) return Usage("export takes one JSON query (or - for stdin)");
  auto q = Query::FromJson(JsonArgument(args.positional[0]));
  if (!q.ok()) return Fail(q.status());
  if (q->purpose == Purpose::kNone) q->purpose = purpose;
  ExportOptions o;
  const std::string format = args.Get("format", "jsonl");
  if (format == "csv") o.format = ExportFormat::kCsv;
  else if (format != "jsonl") return Usage("--format takes jsonl or csv");
  o.whole_dossiers = args.Has("whole");
  PrivateFile file;  // personal data: owner-only
  if (args.Has("out")) {
    if (Status st = file.Open(args.Get("out")); !st.ok()) return Fail(st);
  }
  auto n = db.Export(s, *q, o, [&](std::string_view chunk) {
    if (args.Has("out")) return file.Write(chunk);
    std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return std::cout ? Status::Ok() : Status::IOError("writing the export failed");
  });
  if (!n.ok()) return Fail(n.status());
  if (Status st = file.Close(); !st.ok()) return Fail(st);
  std::cout.flush();
  std::cerr << "exported " << *n << " dossiers\n";
  return kExitOk;
}

int Import(const Args& args, Database& db, const Session& s) {
  if (args.positional.size() != 1) return Usage("import takes one JSON Lines file (or - for stdin)");
  auto batch = Number(args.Get("batch", "1000"));
  if (!batch) return Usage("--batch takes a number");
  auto slice = ParseNumber(args.Get("slice-lines", "2000"), 100000000);
  if (!slice || *slice == 0) return Usage("--slice-lines takes a number from 1");
  ImportOptions o;
  o.batch_lines = static_cast<std::uint32_t>(*batch);
  auto r = ImportFile(args.positional[0], *slice, db, s, o, ContextFrom(args));
  if (!r.ok()) return Fail(r.status());
  std::cout << "lines " << r->lines << ", imported " << r->imported << ", batches committed " << r->batches_committed
            << ", rejected " << r->batches_rejected << "\n";
  for (const auto& e : r->errors) std::cout << "line " << e.line << ": " << e.message << "\n";
  return r->errors.empty() ? kExitOk : kExitInvalid;
}

// Writes `text` to --out FILE, or to stdout.
int WriteOut(const Args& args, const std::string& text) {
  if (!args.Has("out")) {
    std::cout << text;
    return kExitOk;
  }
  if (Status st = WritePrivateFile(args.Get("out"), text); !st.ok()) return Fail(st);  // owner-only
  std::cerr << "wrote " << args.Get("out") << "\n";
  return kExitOk;
}

int Report(const Args& args, Database& db, const Session& s) {
  if (!args.Has("due")) return Usage("report needs --due YYYY-06-01 or YYYY-12-01");
  const std::string format = args.Get("format", "html");
  if (format != "html" && format != "csv" && format != "json") return Usage("--format takes html, csv or json");
  auto r = db.MakeSemiAnnualReport(s, args.Get("due"));
  if (!r.ok()) return Fail(r.status());
  if (r->provisional) {
    std::cerr << "hsdt: warning: the period " << r->period.from << " to " << r->period.to
              << " has not ended: the report is provisional (marked TẠM TÍNH)\n";
  }
  return WriteOut(args, format == "html" ? ReportToHtml(*r) : format == "csv" ? ReportToCsv(*r) : ReportToJson(*r) + "\n");
}

int Deadlines(const Args& args, Database& db, const Session& s) {
  ComplianceQuery q;
  q.period = {args.Get("from"), args.Get("to")};
  q.unit = args.Get("unit");
  auto year = Number(args.Get("year", "0"));
  if (!year) return Usage("--year takes a number");
  q.supplement_year = static_cast<int>(*year);
  auto r = db.CheckDeadlines(s, q);
  if (!r.ok()) return Fail(r.status());
  std::cout << "unit\tdossiers\trecruitments\tlate\tevents\tlate\tsupplements due\tmissing\n";
  auto row = [](const Compliance& c, const std::string& name) {
    std::cout << name << "\t" << c.dossiers << "\t" << c.recruitments << "\t" << c.recruitments_late << "\t"
              << c.events << "\t" << c.events_late << "\t" << c.supplements_due << "\t" << c.supplements_missing << "\n";
  };
  for (const auto& c : r->units) row(c, c.unit);
  row(r->district, "total");
  static const char* kKinds[] = {"", "created-late", "event-late", "no-supplement-" };
  for (const auto& i : r->items) {
    std::cout << i.dossier_id << "\t" << i.unit << "\t" << kKinds[static_cast<int>(i.kind)]
              << (i.kind == LateKind::kNoAnnualSupplement ? std::to_string(r->supplement_year) : "") << "\t" << i.path
              << "\t" << i.due_from << "\t" << i.done_on << "\t" << i.days << "\n";
  }
  return r->items.empty() ? kExitOk : kExitCorrupt;
}

int Count(const Args& args, Database& db, const Session& s) {
  std::string json = "{\"groupBy\": [";
  std::string by = args.Get("by");
  for (std::size_t start = 0; start < by.size();) {
    const std::size_t comma = std::min(by.find(',', start), by.size());
    json += (start == 0 ? "\"" : ",\"") + by.substr(start, comma - start) + "\"";
    start = comma + 1;
  }
  json += "]";
  if (args.Has("filter")) json += ", \"filter\": " + args.Get("filter");
  if (args.Has("on")) json += ", \"onDate\": \"" + args.Get("on") + "\"";  // valid time
  auto q = CountQuery::FromJson(json + "}");
  if (!q.ok()) return Fail(q.status());
  auto r = db.Count(s, *q);
  if (!r.ok()) return Fail(r.status());
  for (Field f : r->group_by) std::cout << FieldName(f) << "\t";
  std::cout << "count\n";
  for (const auto& row : r->rows) {
    for (const auto& k : row.key) std::cout << (k.empty() ? "-" : k) << "\t";
    std::cout << row.count << "\n";
  }
  std::cout << "total\t" << r->total << "\n";
  return kExitOk;
}

int Index(const Args& args, Database& db, const Session& s) {
  if (args.positional.size() != 1 || args.positional[0] != "verify") return Usage("index verify [--repair]");
  auto r = db.VerifyIndexes(s, args.Has("repair"));
  if (!r.ok()) return Fail(r.status());
  std::cout << "dossiers " << r->dossiers << ", index entries " << r->entries << ", missing " << r->missing
            << ", stray " << r->stray << ", wrong " << r->wrong << ", repaired " << r->repaired << "\n";
  for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
  const bool clean = r->missing + r->stray + r->wrong == r->repaired;
  return clean ? kExitOk : kExitCorrupt;
}

int Check(Database& db, const Session& s) {
  auto r = db.Check(s);
  if (!r.ok()) return Fail(r.status());
  std::cout << "dossiers " << r->dossiers << ", versions " << r->versions << ", index entries "
            << r->index_entries << ", problems " << r->problems.size() << "\n";
  for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
  return r->problems.empty() ? kExitOk : kExitCorrupt;
}

int Stats(Database& db, const Session& s) {
  auto st = db.Stats(s);
  if (!st.ok()) return Fail(st.status());
  std::cout << "dossiers " << st->dossiers << "\nkey generation " << st->key_generation
            << "\ndictionary " << st->dictionary_id << "\nbytes on disk " << st->disk_bytes
            << "\naudit entries " << st->audit_entries << "\naudit bytes " << st->audit_bytes
            << "\nread-only " << (st->read_only ? "yes: " + st->read_only_reason : "no") << "\n";
  return kExitOk;
}

int Rekey(const Args& args, Database& db, const Session& s) {
  auto batch = Number(args.Get("batch", "0"));
  if (!batch) return Usage("--batch takes a number");
  auto p = db.Rekey(s, *batch);
  if (!p.ok()) return Fail(p.status());
  std::cout << "key generation " << p->key_generation << ": re-sealed " << p->resealed << ", remaining "
            << p->remaining << (p->done ? ", done" : ", run again to continue") << "\n";
  return kExitOk;
}

int Passwd(const Args& args, Database& db, const Session& s) {
  auto key = LoadKey(args, "new-key-file", "HSDT_NEW_PASSPHRASE", true);
  if (!key.ok()) return Fail(key.status());
  if (Status st = db.ChangeKey(s, *key); !st.ok()) return Fail(st);
  std::cout << "database key changed\n";
  return kExitOk;
}

int BackupCommands(const Args& args) {
  const std::string dir = args.command == "restore" ? args.Get("from") : (args.positional.empty() ? "" : args.positional[0]);
  if (dir.empty()) return Usage(args.command + " needs a backup directory");
  auto key = LoadKey(args);
  if (!key.ok()) return Fail(key.status());
  auto id = Number(args.Get("backup", "0"));
  if (!id) return Usage("--backup takes a number");
  if (args.command == "backup-list") {
    auto list = ListBackups(dir, *key);
    if (!list.ok()) return Fail(list.status());
    for (const auto& b : *list) {
      std::cout << b.id << "\t" << FormatTime(b.timestamp_seconds * 1000000) << "\t" << b.file_count << " files\t"
                << b.size_bytes << " bytes\n";
    }
    return kExitOk;
  }
  if (args.command == "backup-verify") {
    if (Status s = VerifyBackup(dir, *key, *id); !s.ok()) return Fail(s);
    std::cout << "backup verified\n";
    return kExitOk;
  }
  if (!args.Has("db")) return Usage("restore needs --db DIR");
  if (Status s = RestoreBackup(dir, *key, *id, args.Get("db")); !s.ok()) return Fail(s);
  std::cout << "restored into " << args.Get("db") << "\n";
  return kExitOk;
}

// Commands that run in a session.
int SessionCommand(const Args& args) {
  const std::string& cmd = args.command;
  // Usage errors found before anything is opened, logged in or written.
  if (cmd == "put" && args.Has("expect") && !args.Has("id")) {
    return Usage("put --expect N updates a dossier: give its --id too (without --id, put creates one)");
  }
  auto c = Connect(args);
  if (!c.ok()) return Fail(c.status());
  Database& db = *c->db;
  const Session& s = *c->session;
  if (s.must_change_password() && cmd != "password") {
    std::cerr << "hsdt: " << s.user() << " must change the temporary password first: hsdt password\n";
    return kExitDenied;
  }
  auto purpose = PurposeFrom(args);
  if (!purpose.ok()) return Fail(purpose.status());
  int rc = kExitOk;
  if (cmd == "password") {
    auto old_password = Secret("HSDT_PASSWORD", "Current password: ", false);
    auto new_password = Secret("HSDT_NEW_PASSWORD", "New password: ", true);
    if (!old_password.ok()) return Fail(old_password.status());
    if (!new_password.ok()) return Fail(new_password.status());
    if (Status st = db.ChangePassword(s, *old_password, *new_password); !st.ok()) return Fail(st);
    std::cout << "password changed\n";
  }
  if (cmd == "put") rc = Put(args, db, s);
  if (cmd == "get") rc = Get(args, db, s, *purpose);
  if (cmd == "status") rc = StatusChange(args, db, s);
  if (cmd == "history") rc = History(args, db, s, *purpose);
  if (cmd == "diff") rc = Diff(args, db, s, *purpose);
  if (cmd == "list") rc = List(args, db, s);
  if (cmd == "changes") rc = Changes(args, db, s, *purpose);
  if (cmd == "check") rc = Check(db, s);
  if (cmd == "recover") {
    auto head = db.DigestAudit(s);
    if (!head.ok()) return Fail(head.status());
    auto recent = db.ReadAudit(s, head->sequence > 8 ? head->sequence - 8 : 1, 16);
    if (!recent.ok()) return Fail(recent.status());
    bool recovered = false;
    for (const auto& e : *recent) {
      if (e.action != "recover_log") continue;
      std::cout << "recovered: audit entry " << e.sequence << ": " << e.reason << "\n";
      recovered = true;
    }
    if (!recovered) std::cout << "the write-ahead log was not damaged: nothing was lost\n";
    rc = Check(db, s);
  }
  if (cmd == "stats") rc = args.Has("by") ? Count(args, db, s) : Stats(db, s);
  if (cmd == "find") rc = Find(args, db, s, *purpose);
  if (cmd == "export") rc = Export(args, db, s, *purpose);
  if (cmd == "report") rc = Report(args, db, s);
  if (cmd == "import") rc = Import(args, db, s);
  if (cmd == "attach" || cmd == "attachments" || cmd == "attachment") rc = AttachmentCommand(args, db, s, *purpose);
  if (cmd == "archive") {
    if (args.positional.size() != 1 || args.positional[0] != "export") return Usage("archive takes export or import");
    rc = ArchiveExport(args, db, s);
  }
  if (cmd == "deadlines") rc = Deadlines(args, db, s);
  if (cmd == "index") rc = Index(args, db, s);
  if (cmd == "rekey") rc = Rekey(args, db, s);
  if (cmd == "passwd") rc = Passwd(args, db, s);
  if (cmd == "backup") {
    if (!args.Has("to")) return Usage("backup needs --to DIR");
    auto b = db.Backup(s, args.Get("to"));
    if (!b.ok()) return Fail(b.status());
    std::cout << "backup " << b->id << ": " << b->file_count << " files, " << b->size_bytes << " bytes\n";
  }
  if (Status st = db.Close(); !st.ok() && rc == kExitOk) return Fail(st);
  return rc;
}

int Run(int argc, char** argv) {
  std::string error;
  auto parsed = ParseArgs(argc, argv, &error);
  if (!parsed) return Usage(error);
  const Args& args = *parsed;
  const std::string& cmd = args.command;
  if (cmd.empty() || cmd == "help" || args.Has("help")) {
    std::cout << kUsage;
    return cmd.empty() ? kExitUsage : kExitOk;
  }
  if (cmd == "demo") return RunDemo(args);
  if (cmd == "init") return Init(args);
  if (cmd == "backup-verify" || cmd == "backup-list" || cmd == "restore") return BackupCommands(args);
  if (cmd == "archive" && !args.positional.empty() && args.positional[0] == "import") return ArchiveImport(args);
  if (cmd == "account" || cmd == "unit" || cmd == "grant" || cmd == "handover" || cmd == "audit" || cmd == "explain") {
    return RunAdminCommand(args);
  }
  static const char* kSessionCommands[] = {"password", "put", "get", "status", "history", "diff", "list", "changes",
                                           "check", "recover", "stats", "rekey", "passwd", "backup", "find", "index", "export", "report",
                                           "deadlines", "import", "attach", "attachments", "attachment", "archive"};
  for (const char* c : kSessionCommands) {
    if (cmd == c) return SessionCommand(args);
  }
  return Usage("unknown command \"" + cmd + "\"");
}

}  // namespace
}  // namespace hsdt::cli

int main(int argc, char** argv) {
  hsdt::cli::DisableCoreDumps();  // before any dossier, password or key is in memory
  try {
    return hsdt::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hsdt: internal error: " << e.what() << "\n";
    return hsdt::cli::kExitFailure;
  }
}
