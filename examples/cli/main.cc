// hsdt: the command-line tool over the hsdt library.
#include <iostream>
#include <iterator>

#include "cli.h"

namespace hsdt::cli {
namespace {

constexpr char kUsage[] = R"(usage: hsdt <command> [options]

Commands (every one takes --db DIR; demo defaults to ./hsdt-demo):
  init                          create a new, empty database
  put [--id ID --expect N]      create a dossier from the JSON on stdin (update ID if given)
  get ID [--version N | --as-of TIME] [--pretty]
  status ID --expect N STATUS   record a status change (nghiHuu, thoiViec, tuTran, ...)
  history ID                    list every version with its time, actor and source document
  diff ID FROM TO               changed JSON paths between two versions
  list [--after ID] [--limit N] dossier ids
  check                         authenticate and decode everything; exit 6 on a problem
  stats                         counts, key generation, cache, size on disk
  backup --to DIR               make an encrypted backup into DIR
  backup-verify DIR [--backup N]  check a backup's files against their checksums
  backup-list DIR               list the backups in DIR
  restore --from DIR [--backup N]  restore a backup into --db DIR (must not exist)
  rekey [--batch N]             re-encrypt everything under a fresh data key (resumable)
  passwd                        change the key (new one: --new-key-file or HSDT_NEW_PASSPHRASE)
  demo [--people N] [--seed S]  build the demo district and play the scenario

Key: --key-file FILE (32 raw bytes, 64 hex digits or a passphrase), else $HSDT_PASSPHRASE,
else a prompt. Changes cite --source-number NUMBER --source-date YYYY-MM-DD, with --actor NAME
and --reason TEXT.

Exit codes: 0 ok, 1 internal error, 2 usage, 3 not found, 4 version conflict (reread and retry),
5 wrong key, 6 integrity problem, 7 I/O error or busy, 8 input rejected.
)";

int Usage(const std::string& why) {
  if (!why.empty()) std::cerr << "hsdt: " << why << "\n";
  std::cerr << kUsage;
  return kExitUsage;
}

Result<std::unique_ptr<Database>> OpenDb(const Args& args, bool create = false) {
  if (!args.Has("db")) return Status::InvalidArgument("--db DIR is required");
  HSDT_ASSIGN_OR_RETURN(Key key, LoadKey(args, "key-file", "HSDT_PASSPHRASE", create));
  OpenOptions o;
  o.create_if_missing = create;
  o.error_if_exists = create;
  return Database::Open(args.Get("db"), key, o);
}

std::optional<std::uint32_t> Number(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return std::nullopt;
  return static_cast<std::uint32_t>(std::stoul(s));
}

const char* KindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kCreate: return "create";
    case ChangeKind::kUpdate: return "update";
    case ChangeKind::kStatusChange: return "status";
  }
  return "?";
}

int Put(const Args& args, Database& db) {
  std::string json(std::istreambuf_iterator<char>(std::cin), {});
  Result<WriteResult> r = Status::Internal("unreached");
  if (args.Has("id")) {
    auto expect = Number(args.Get("expect"));
    if (!expect) return Usage("put --id needs --expect N (the version you read)");
    r = db.Update(args.Get("id"), *expect, json, ContextFrom(args));
  } else {
    r = db.Create(json, ContextFrom(args));
  }
  if (!r.ok()) return Fail(r.status());
  for (const auto& w : r->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << r->id << " " << r->version << "\n";
  return kExitOk;
}

int Get(const Args& args, Database& db) {
  if (args.positional.size() != 1) return Usage("get takes one dossier id");
  const std::string& id = args.positional[0];
  Result<Dossier> d = Status::Internal("unreached");
  if (args.Has("version")) {
    auto v = Number(args.Get("version"));
    if (!v) return Usage("--version takes a number");
    d = db.GetVersion(id, *v);
  } else if (args.Has("as-of")) {
    auto t = ParseTime(args.Get("as-of"));
    if (!t) return Usage("--as-of takes YYYY-MM-DD[THH:MM:SS[.ffffff]Z] or microseconds");
    d = db.GetAsOf(id, *t);
  } else {
    d = db.Get(id);
  }
  if (!d.ok()) return Fail(d.status());
  auto json = d->ToJson(args.Has("pretty"));
  if (!json.ok()) return Fail(json.status());
  std::cout << *json << "\n";
  return kExitOk;
}

int History(const Args& args, Database& db) {
  if (args.positional.size() != 1) return Usage("history takes one dossier id");
  auto h = db.History(args.positional[0]);
  if (!h.ok()) return Fail(h.status());
  for (const auto& v : *h) {
    std::cout << v.version << "\t" << FormatTime(v.recorded_at_micros) << "\t" << KindName(v.kind) << "\t"
              << v.status << "\t" << v.actor << "\t" << v.source.number << " (" << v.source.date << ")\t"
              << v.reason << "\n";
  }
  return kExitOk;
}

int Diff(const Args& args, Database& db) {
  if (args.positional.size() != 3) return Usage("diff takes ID FROM TO");
  auto from = Number(args.positional[1]), to = Number(args.positional[2]);
  if (!from || !to) return Usage("diff: FROM and TO are version numbers");
  auto d = db.Diff(args.positional[0], *from, *to);
  if (!d.ok()) return Fail(d.status());
  for (const auto& p : *d) std::cout << p << "\n";
  return kExitOk;
}

int StatusChange(const Args& args, Database& db) {
  auto expect = Number(args.Get("expect"));
  if (args.positional.size() != 2 || !expect) return Usage("status takes ID STATUS and --expect N");
  auto r = db.ChangeStatus(args.positional[0], *expect, args.positional[1], ContextFrom(args));
  if (!r.ok()) return Fail(r.status());
  std::cout << r->id << " " << r->version << "\n";
  return kExitOk;
}

int List(const Args& args, Database& db) {
  auto limit = Number(args.Get("limit", "1000"));
  if (!limit) return Usage("--limit takes a number");
  auto ids = db.ListIds(args.Get("after"), *limit);
  if (!ids.ok()) return Fail(ids.status());
  for (const auto& id : *ids) std::cout << id << "\n";
  return kExitOk;
}

int Check(Database& db) {
  auto r = db.Check();
  if (!r.ok()) return Fail(r.status());
  std::cout << "dossiers " << r->dossiers << ", versions " << r->versions << ", index entries "
            << r->index_entries << ", problems " << r->problems.size() << "\n";
  for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
  return r->problems.empty() ? kExitOk : kExitCorrupt;
}

int Stats(Database& db) {
  auto s = db.Stats();
  if (!s.ok()) return Fail(s.status());
  std::cout << "dossiers " << s->dossiers << "\nkey generation " << s->key_generation
            << "\ndictionary " << s->dictionary_id << "\nbytes on disk " << s->disk_bytes
            << "\nread-only " << (s->read_only ? "yes: " + s->read_only_reason : "no") << "\n";
  return kExitOk;
}

int Rekey(const Args& args, Database& db) {
  auto batch = Number(args.Get("batch", "0"));
  if (!batch) return Usage("--batch takes a number");
  auto p = db.Rekey(*batch);
  if (!p.ok()) return Fail(p.status());
  std::cout << "key generation " << p->key_generation << ": re-sealed " << p->resealed << ", remaining "
            << p->remaining << (p->done ? ", done" : ", run again to continue") << "\n";
  return kExitOk;
}

int Passwd(const Args& args, Database& db) {
  auto key = LoadKey(args, "new-key-file", "HSDT_NEW_PASSPHRASE", true);
  if (!key.ok()) return Fail(key.status());
  if (Status s = db.ChangeKey(*key); !s.ok()) return Fail(s);
  std::cout << "key changed\n";
  return kExitOk;
}

int BackupCommands(const Args& args) {
  if (args.command == "backup") {
    if (!args.Has("to")) return Usage("backup needs --to DIR");
    auto db = OpenDb(args);
    if (!db.ok()) return Fail(db.status());
    auto b = (*db)->Backup(args.Get("to"));
    if (!b.ok()) return Fail(b.status());
    std::cout << "backup " << b->id << ": " << b->file_count << " files, " << b->size_bytes << " bytes\n";
    return kExitOk;
  }
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
  if (cmd == "backup" || cmd == "backup-verify" || cmd == "backup-list" || cmd == "restore") {
    return BackupCommands(args);
  }
  static const char* kDbCommands[] = {"init", "put", "get", "status", "history", "diff", "list",
                                      "check", "stats", "rekey", "passwd"};
  bool known = false;
  for (const char* c : kDbCommands) known |= cmd == c;
  if (!known) return Usage("unknown command \"" + cmd + "\"");
  auto db = OpenDb(args, cmd == "init");
  if (!db.ok()) return Fail(db.status());
  Database& d = **db;
  int rc = kExitOk;
  if (cmd == "init") std::cout << "created " << args.Get("db") << "\n";
  if (cmd == "put") rc = Put(args, d);
  if (cmd == "get") rc = Get(args, d);
  if (cmd == "status") rc = StatusChange(args, d);
  if (cmd == "history") rc = History(args, d);
  if (cmd == "diff") rc = Diff(args, d);
  if (cmd == "list") rc = List(args, d);
  if (cmd == "check") rc = Check(d);
  if (cmd == "stats") rc = Stats(d);
  if (cmd == "rekey") rc = Rekey(args, d);
  if (cmd == "passwd") rc = Passwd(args, d);
  if (Status s = d.Close(); !s.ok() && rc == kExitOk) return Fail(s);
  return rc;
}

}  // namespace
}  // namespace hsdt::cli

int main(int argc, char** argv) {
  try {
    return hsdt::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hsdt: internal error: " << e.what() << "\n";
    return hsdt::cli::kExitFailure;
  }
}
