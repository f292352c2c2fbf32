#include "cli.h"

#include <termios.h>
#include <unistd.h>

#include <hsdt/civil_time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <optional>

namespace hsdt::cli {

int ExitCodeOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kConflict: return kExitConflict;
    case StatusCode::kBadKey: return kExitBadKey;
    case StatusCode::kPermissionDenied: return kExitDenied;
    case StatusCode::kCorruption: return kExitCorrupt;
    case StatusCode::kIOError:
    case StatusCode::kBusy:
    case StatusCode::kResourceExhausted: return kExitIo;
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
    case StatusCode::kUnsupportedFormat: return kExitInvalid;
    default: return kExitFailure;
  }
}

namespace {

constexpr const char* kFlags[] = {"pretty", "help", "json", "approve", "reject", "explain", "repair", "whole", "follow",
                                  "read-only"};

bool IsFlag(const std::string& name) {
  return std::any_of(std::begin(kFlags), std::end(kFlags), [&](const char* f) { return name == f; });
}

// The options each command takes, besides --db, --user, --key-file, --time-zone and --help.
// "CTX" stands for the change context: --reason, --source-number, --source-date.
const std::map<std::string, std::vector<std::string>>& CommandOptions() {
  static const auto* table = new std::map<std::string, std::vector<std::string>>{
      {"init", {"admin", "admin-name"}},
      {"password", {}},
      {"put", {"id", "expect", "CTX"}},
      {"get", {"version", "as-of", "pretty", "purpose"}},
      {"status", {"expect", "CTX"}},
      {"history", {"purpose"}},
      {"diff", {"purpose"}},
      {"list", {"unit", "after", "limit"}},
      {"changes", {"since", "limit", "follow", "purpose"}},
      {"check", {}},
      {"recover", {}},
      {"stats", {"by", "filter", "on"}},
      {"rekey", {"batch"}},
      {"passwd", {"new-key-file"}},
      {"backup", {"to"}},
      {"find", {"explain", "purpose"}},
      {"index", {"repair"}},
      {"export", {"format", "whole", "out", "purpose"}},
      {"report", {"due", "format", "out"}},
      {"deadlines", {"from", "to", "unit", "year"}},
      {"import", {"batch", "slice-lines", "CTX"}},
      {"archive", {"out", "from", "admin"}},
      {"attach", {"kind", "title", "event", "pages", "supersedes", "CTX"}},
      {"attachments", {"purpose"}},
      {"attachment", {"version", "out", "purpose"}},
      {"backup-verify", {"backup"}},
      {"backup-list", {}},
      {"restore", {"from", "backup"}},
      {"account", {"role", "unit", "display-name", "report-number", "report-date", "CTX"}},
      {"unit", {"name", "kind", "CTX"}},
      {"grant", {"to-user", "to-unit", "dossiers", "scope-unit", "rights", "purposes", "legal-number", "legal-date",
                 "signer", "from", "until", "CTX"}},
      {"handover", {"request-number", "request-date", "approve", "reject", "CTX"}},
      {"audit", {"digest", "from", "limit", "actor", "unit", "dossier", "action", "outcome", "since", "until"}},
      {"explain", {"at", "purpose"}},
      {"demo", {"people", "seed"}},
      {"help", {}},
  };
  return *table;
}

bool Takes(const std::string& command, const std::string& option) {
  static const char* kCommon[] = {"db", "user", "key-file", "time-zone", "help", "read-only"};
  for (const char* c : kCommon) {
    if (option == c) return true;
  }
  auto it = CommandOptions().find(command);
  if (it == CommandOptions().end()) return true;  // an unknown command is reported as such
  for (const auto& o : it->second) {
    if (o == option) return true;
    if (o == "CTX" && (option == "reason" || option == "source-number" || option == "source-date")) return true;
  }
  return false;
}

}  // namespace

std::optional<Args> ParseArgs(int argc, char** argv, std::string* error) {
  Args a;
  std::vector<std::string> given;  // option names in the order given
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0 && s.size() > 2) {
      std::string name = s.substr(2);
      std::string value = "1";
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (!IsFlag(name)) {
        // A value never starts with "--": "--version --db X" lacks the version, it does not
        // take "--db" for it.
        if (i + 1 >= argc || std::string_view(argv[i + 1]).rfind("--", 0) == 0) {
          *error = "option --" + name + " needs a value";
          return std::nullopt;
        }
        value = argv[++i];
      }
      if (a.options.count(name) != 0) {
        *error = "option --" + name + " is given twice";
        return std::nullopt;
      }
      a.options[name] = value;
      given.push_back(name);
    } else if (a.command.empty()) {
      a.command = s;
    } else {
      a.positional.push_back(s);
    }
  }
  for (const auto& name : given) {
    if (!Takes(a.command, name)) {
      *error = "unknown option --" + name + (a.command.empty() ? "" : " for " + a.command);
      return std::nullopt;
    }
  }
  return a;
}

std::optional<std::uint64_t> ParseNumber(const std::string& text, std::uint64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::uint64_t n = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || n > max) return std::nullopt;
  return n;
}

Result<std::string> ReadFileBytes(const std::string& path, const std::string& what) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) return Status::NotFound(what + ": " + path + ": no such file");
  if (std::filesystem::is_directory(st)) {
    return Status::InvalidArgument(what + ": " + path + " is a directory; expected a file");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IOError(what + ": cannot open " + path + ": " + std::strerror(errno));
  std::string bytes;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IOError(what + ": cannot read " + path);
  return bytes;
}

namespace {

std::string ReadPassphrase(const char* prompt) {
  std::FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) return "";
  std::fputs(prompt, tty);
  std::fflush(tty);
  termios old{};
  const int fd = fileno(tty);
  const bool term = tcgetattr(fd, &old) == 0;
  if (term) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  char buf[1100] = {};
  const bool got = std::fgets(buf, sizeof buf, tty) != nullptr;
  if (term) tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  std::fclose(tty);
  std::string s = got ? buf : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Wipes a string that held a passphrase or key bytes (the library keeps its own guarded copy).
void Wipe(std::string* s) {
  volatile char* p = s->data();
  for (std::size_t i = 0; i < s->size(); ++i) p[i] = 0;
  s->clear();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Key> LoadKey(const Args& args, const char* file_option, const char* env, bool confirm) {
  if (args.Has(file_option)) {
    HSDT_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(args.Get(file_option), "--" + std::string(file_option)));
    if (bytes.size() == kRawKeyBytes) {
      auto key = Key::Raw(std::as_bytes(std::span(bytes.data(), bytes.size())));
      Wipe(&bytes);
      return key;
    }
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.pop_back();
    if (bytes.size() == 2 * kRawKeyBytes) {
      std::byte raw[kRawKeyBytes];
      bool hex = true;
      for (std::size_t i = 0; i < kRawKeyBytes && hex; ++i) {
        const int hi = HexValue(bytes[2 * i]), lo = HexValue(bytes[2 * i + 1]);
        hex = hi >= 0 && lo >= 0;
        raw[i] = std::byte(static_cast<unsigned char>(hi * 16 + lo));
      }
      Result<Key> key = hex ? Key::Raw(raw) : Key::Passphrase(bytes);
      volatile std::byte* r = raw;
      for (std::size_t i = 0; i < kRawKeyBytes; ++i) r[i] = std::byte{0};
      Wipe(&bytes);
      return key;
    }
    auto key = Key::Passphrase(bytes);
    Wipe(&bytes);
    return key;
  }
  if (const char* p = std::getenv(env); p != nullptr && *p != '\0') return Key::Passphrase(p);
  std::string first = ReadPassphrase("Passphrase: ");
  if (first.empty()) {
    return Status::InvalidArgument(std::string("no key: give --") + file_option + ", set " + env +
                                   ", or run on a terminal to be asked");
  }
  if (confirm) {
    std::string again = ReadPassphrase("Passphrase again: ");
    const bool same = again == first;
    Wipe(&again);
    if (!same) {
      Wipe(&first);
      return Status::InvalidArgument("the two passphrases differ");
    }
  }
  auto key = Key::Passphrase(first);
  Wipe(&first);
  return key;
}

ChangeContext ContextFrom(const Args& args) {
  ChangeContext c;
  c.reason = args.Get("reason");
  c.source.number = args.Get("source-number");
  c.source.date = args.Get("source-date");
  return c;
}

Result<std::string> Secret(const char* env, const char* prompt, bool confirm) {
  if (const char* p = std::getenv(env); p != nullptr && *p != '\0') return std::string(p);
  std::string first = ReadPassphrase(prompt);
  if (first.empty()) {
    return Status::InvalidArgument(std::string("no password: set ") + env + " or run on a terminal to be asked");
  }
  if (confirm) {
    std::string again = ReadPassphrase("Again: ");
    const bool same = again == first;
    Wipe(&again);
    if (!same) {
      Wipe(&first);
      return Status::InvalidArgument("the two entries differ");
    }
  }
  return first;
}

Result<Connection> Connect(const Args& args) {
  if (!args.Has("db")) return Status::InvalidArgument("--db DIR is required");
  const char* env_user = std::getenv("HSDT_USER");
  const std::string user = args.Get("user", env_user != nullptr ? env_user : "");
  if (user.empty()) return Status::InvalidArgument("--user USER (or $HSDT_USER) is required");
  HSDT_ASSIGN_OR_RETURN(Key key, LoadKey(args));
  Connection c;
  OpenOptions options;
  options.time_zone = TimeZoneOf(args);
  // `recover` is the one command that opens a database whose log is damaged (and says so in the
  // audit log); every other command refuses it with exit 6.
  options.accept_log_damage = args.command == "recover";
  // --read-only: a view beside the process that has the database open (OpenOptions::read_only).
  options.read_only = args.Has("read-only");
  HSDT_ASSIGN_OR_RETURN(c.db, Database::Open(args.Get("db"), key, options));
  HSDT_ASSIGN_OR_RETURN(std::string password, Secret("HSDT_PASSWORD", "Password: ", false));
  auto session = c.db->Login(user, password);
  Wipe(&password);
  if (!session.ok()) return session.status();
  c.session = std::move(session).value();
  return c;
}

Result<Purpose> PurposeFrom(const Args& args) {
  if (!args.Has("purpose")) return Purpose::kNone;
  auto p = ParsePurpose(args.Get("purpose"));
  if (!p) {
    return Status::InvalidArgument("--purpose: \"" + args.Get("purpose") +
                                   "\" is not one of recruitment, rank_promotion, salary_raise, training, "
                                   "appointment, reward, discipline, inspection, statistics");
  }
  return *p;
}

int Fail(const Status& status) {
  std::cerr << "hsdt: " << status.ToString() << "\n";
  return ExitCodeOf(status.code());
}

std::string TimeZoneOf(const Args& args) { return args.Get("time-zone", kDefaultTimeZone); }

Result<std::int64_t> ParseTime(const Args& args, const std::string& name, bool end_of_day) {
  const std::string what = "--" + name;
  if (!args.Has(name)) return Status::InvalidArgument(what + ": missing; expected a time");
  const std::string text = args.Get(name);
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    auto n = ParseNumber(text, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (!n) return Status::InvalidArgument(what + ": " + text.substr(0, 32) + " is out of range; expected microseconds");
    return static_cast<std::int64_t>(*n);
  }
  return ParseInstant(text, TimeZoneOf(args), end_of_day ? DateAs::kEndOfDay : DateAs::kStartOfDay, what);
}

std::string FormatTime(std::int64_t micros) {
  const std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(micros % 1000000));
  return out;
}

}  // namespace hsdt::cli
