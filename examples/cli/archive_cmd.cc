// hsdt archive export | import: the open archive of docs/archive.md.
#include <iostream>

#include "cli.h"

namespace hsdt::cli {
namespace {

// Progress on stderr: each stage as it ends, and every 10,000 items of a long one.
ArchiveProgressFn ProgressOnStderr() {
  return [](const ArchiveProgress& p) {
    if (p.done % 10000 == 0 || p.stage == "verify") {
      std::cerr << "  " << p.stage << " " << p.done << "\n";
    }
  };
}

void PrintInfo(const ArchiveInfo& info) {
  std::cout << "dossiers " << info.dossiers << ", versions " << info.dossier_versions << "\n"
            << "accounts " << info.account_versions << ", units " << info.unit_versions << ", grants "
            << info.grant_versions << ", hand-overs " << info.hand_over_versions << " (versions)\n"
            << "attachments " << info.attachment_versions << " versions, " << info.attachment_files << " scans\n"
            << "audit entries " << info.audit_entries << ", chain " << info.audit_chain_hex << "\n"
            << "bytes " << info.bytes << "\n";
}

}  // namespace

int ArchiveExport(const Args& args, Database& db, const Session& s) {
  if (!args.Has("out")) {
    std::cerr << "hsdt: archive export needs --out DIR (hsdt help)\n";
    return kExitUsage;
  }
  auto info = db.ExportArchive(s, args.Get("out"), ProgressOnStderr());
  if (!info.ok()) return Fail(info.status());
  PrintInfo(*info);
  std::cout << "manifest sha256 " << info->manifest_sha256_hex << "  (keep it apart from the archive)\n";
  return kExitOk;
}

int ArchiveImport(const Args& args) {
  if (!args.Has("from") || !args.Has("db") || !args.Has("admin")) {
    std::cerr << "hsdt: archive import needs --from DIR, --db NEW and --admin USER (hsdt help)\n";
    return kExitUsage;
  }
  auto key = LoadKey(args, "key-file", "HSDT_PASSPHRASE", true);
  if (!key.ok()) return Fail(key.status());
  auto password = Secret("HSDT_ADMIN_PASSWORD", "New password of the administrator: ", true);
  if (!password.ok()) return Fail(password.status());
  OpenOptions o;
  o.time_zone = TimeZoneOf(args);
  o.first_admin = {args.Get("admin"), args.Get("admin"), *password};
  auto info = Database::ImportArchive(args.Get("from"), args.Get("db"), *key, o, ProgressOnStderr());
  if (!info.ok()) return Fail(info.status());
  PrintInfo(*info);
  std::cout << "imported into " << args.Get("db") << "; " << args.Get("admin")
            << " signs in with the new password; other accounts need a password reset\n";
  return kExitOk;
}

}  // namespace hsdt::cli
