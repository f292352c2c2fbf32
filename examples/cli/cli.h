// Shared pieces of the hsdt command-line tool: arguments, keys, exit codes, output.
#pragma once

#include <hsdt/database.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hsdt::cli {

// Exit codes a shell user can act on (documented in `hsdt help` and the README).
enum Exit : int {
  kExitOk = 0,
  kExitFailure = 1,     // internal error
  kExitUsage = 2,       // wrong command line
  kExitNotFound = 3,    // no such database, dossier, version or backup
  kExitConflict = 4,    // the dossier changed since the expected version: reread and retry
  kExitBadKey = 5,      // the key or passphrase does not open the database
  kExitCorrupt = 6,     // integrity problem (check found problems, authentication failed)
  kExitIo = 7,          // file system error, database busy or read-only
  kExitInvalid = 8,     // the input was rejected (message names the field)
  kExitDenied = 9,      // the policy refused (or the login failed); the refusal is audited
};

int ExitCodeOf(StatusCode code);

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value
  bool Has(const std::string& name) const { return options.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
};

// Parses `argv`. Every option must be one the command takes (an unknown or repeated option, or
// one without its value, is an error in *error); options that take no value are flags.
std::optional<Args> ParseArgs(int argc, char** argv, std::string* error);

// A whole number of at most `max`, digits only (no sign, no spaces), or nullopt.
std::optional<std::uint64_t> ParseNumber(const std::string& text, std::uint64_t max);

// The bytes of the file `path` named by `what` ("--key-file", "import"). A directory, a missing
// file or a read error is an error naming the path (InvalidArgument, NotFound, IOError).
Result<std::string> ReadFileBytes(const std::string& path, const std::string& what);

// The key: --key-file (32 raw bytes, 64 hex digits, or a passphrase), else $HSDT_PASSPHRASE,
// else a prompt on the terminal (twice when `confirm`).
Result<Key> LoadKey(const Args& args, const char* file_option = "key-file",
                    const char* env = "HSDT_PASSPHRASE", bool confirm = false);

// The change context from --reason, --source-number, --source-date.
ChangeContext ContextFrom(const Args& args);

// A secret from the environment variable `env`, else a prompt (twice when `confirm`).
Result<std::string> Secret(const char* env, const char* prompt, bool confirm);

// An open database and a logged-in session (--user; password from $HSDT_PASSWORD or a prompt).
struct Connection {
  std::unique_ptr<Database> db;
  std::optional<Session> session;
};
Result<Connection> Connect(const Args& args);

// The purpose of a read: --purpose NAME (recruitment, rank_promotion, ...), default none.
Result<Purpose> PurposeFrom(const Args& args);

int RunAdminCommand(const Args& args);

// Prints "hsdt: <status>" on stderr and returns its exit code.
int Fail(const Status& status);

// The time zone civil dates are taken in: --time-zone ZONE, else Asia/Ho_Chi_Minh.
std::string TimeZoneOf(const Args& args);

// The instant given by option --`name`: microseconds since the epoch from
// "2026-12-02T02:17:22+07:00" (any offset, or Z), a local "2026-12-02T02:17:22" or a date
// "2026-12-02" in the time zone (its start, or its end with `end_of_day`), or a plain number of
// microseconds. InvalidArgument naming the option otherwise.
Result<std::int64_t> ParseTime(const Args& args, const std::string& name, bool end_of_day = false);
std::string FormatTime(std::int64_t micros);

int RunDemo(const Args& args);

// hsdt import's work (import_cmd.cc): the JSON Lines file at `path` (- for stdin) through
// Database::Import a slice of whole batches at a time, at least `slice_lines` lines; the report
// is the whole file's, without the ids (which the command does not print).
Result<ImportReport> ImportFile(const std::string& path, std::uint64_t slice_lines, Database& db,
                                const Session& session, const ImportOptions& options, const ChangeContext& context);

// hsdt archive export (a session) | archive import (archive_cmd.cc).
int ArchiveExport(const Args& args, Database& db, const Session& s);
int ArchiveImport(const Args& args);

// hsdt attach | attachments | attachment get|history (attach_cmds.cc).
int AttachmentCommand(const Args& args, Database& db, const Session& s, Purpose purpose);

// hsdt changes [--since N] [--limit N] [--follow] [--purpose P] (feed_cmd.cc).
int Changes(const Args& args, Database& db, const Session& s, Purpose purpose);

}  // namespace hsdt::cli
