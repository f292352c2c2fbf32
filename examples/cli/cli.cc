#include "cli.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
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

std::optional<Args> ParseArgs(int argc, char** argv, std::string* error) {
  static const char* kFlags[] = {"pretty", "help", "json", "approve", "reject", "explain", "repair", "whole"};
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      std::string name = s.substr(2);
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        a.options[name.substr(0, eq)] = name.substr(eq + 1);
        continue;
      }
      bool flag = false;
      for (const char* f : kFlags) flag |= name == f;
      if (flag) {
        a.options[name] = "1";
      } else if (i + 1 < argc) {
        a.options[name] = argv[++i];
      } else {
        *error = "option --" + name + " needs a value";
        return std::nullopt;
      }
    } else if (a.command.empty()) {
      a.command = s;
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
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
    std::ifstream f(args.Get(file_option), std::ios::binary);
    if (!f) return Status::NotFound("--" + std::string(file_option) + ": cannot read " + args.Get(file_option));
    std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
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
  HSDT_ASSIGN_OR_RETURN(c.db, Database::Open(args.Get("db"), key, OpenOptions{}));
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

std::optional<std::int64_t> ParseTime(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  std::tm tm{};
  std::int64_t micros = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &consumed) != 3) {
    return std::nullopt;
  }
  if (static_cast<std::size_t>(consumed) < text.size()) {
    int frac_at = 0;
    if (std::sscanf(text.c_str() + consumed, "T%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &frac_at) != 3) {
      return std::nullopt;
    }
    const char* rest = text.c_str() + consumed + frac_at;
    if (*rest == '.') {
      std::int64_t scale = 100000;
      for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) micros += (*rest - '0') * scale;
    }
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000000 + micros;
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
