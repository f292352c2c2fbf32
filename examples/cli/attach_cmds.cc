// hsdt attach | attachments | attachment get|history: scanned source documents, streamed from and
// to files (never the whole scan in memory).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli.h"
#include "private_io.h"

namespace hsdt::cli {
namespace {

constexpr std::size_t kPiece = std::size_t{64} << 10;

int BadUsage(const std::string& message) {
  std::cerr << "hsdt: " << message << " (hsdt help)\n";
  return kExitUsage;
}

std::string Dash(const std::string& s) { return s.empty() ? "-" : s; }

// One line per attachment version: id, version/versions, kind, event, media type, size, pages,
// source number, source date, recorded at (UTC), actor, title. "-" where empty; an attachment
// the session may not see described shows "(không được xem)" for its source and title.
void PrintInfo(const AttachmentInfo& a) {
  const std::string hidden = "(không được xem)";
  std::cout << a.id << '\t' << a.version << '/' << a.versions << '\t' << AttachmentKindName(a.kind) << '\t'
            << Dash(a.event) << '\t' << a.media_type << '\t' << a.size << '\t' << a.pages << '\t'
            << (a.described ? Dash(a.source.number) : hidden) << '\t' << (a.described ? Dash(a.source.date) : hidden)
            << '\t' << FormatTime(a.recorded_at_micros) << '\t' << a.actor << '\t' << (a.described ? a.title : hidden)
            << '\n';
}

void PrintHeader() {
  std::cout << "id\tversion\tkind\tevent\tmedia_type\tsize\tpages\tsource_number\tsource_date\trecorded_at\tactor\t"
               "title\n";
}

int Attach(const Args& args, Database& db, const Session& s) {
  if (args.positional.size() != 2) return BadUsage("attach takes a dossier id and a file");
  if (!args.Has("kind") || !args.Has("title")) return BadUsage("attach needs --kind and --title");
  AttachmentSpec spec;
  spec.dossier_id = args.positional[0];
  auto kind = ParseAttachmentKind(args.Get("kind"));
  if (!kind) {
    return Fail(Status::InvalidArgument("--kind: \"" + args.Get("kind") +
                                        "\"; expected decision, diploma, personal_form, discipline, "
                                        "asset_declaration, evaluation or other"));
  }
  spec.kind = *kind;
  spec.title = args.Get("title");
  spec.source = {args.Get("source-number"), args.Get("source-date")};
  spec.event = args.Get("event");
  spec.supersedes = args.Get("supersedes");
  auto pages = ParseNumber(args.Get("pages", "0"), 100000);
  if (!pages) return Fail(Status::InvalidArgument("--pages: expected a whole number up to 100000"));
  spec.pages = static_cast<std::uint32_t>(*pages);

  std::FILE* in = std::fopen(args.positional[1].c_str(), "rb");
  if (in == nullptr) {
    const int err = errno;
    const std::string what = "attach: " + args.positional[1] + ": " + std::strerror(err);
    return Fail(err == ENOENT ? Status::NotFound(what) : Status::IOError(what));
  }
  auto writer = db.BeginAttachment(s, spec, ContextFrom(args));
  if (!writer.ok()) {
    std::fclose(in);
    return Fail(writer.status());
  }
  std::vector<char> piece(kPiece);
  Status appended;
  while (appended.ok()) {
    const std::size_t n = std::fread(piece.data(), 1, piece.size(), in);
    if (n > 0) appended = (*writer)->Append(std::string_view(piece.data(), n));
    if (n < piece.size()) {
      if (std::ferror(in)) appended = Status::IOError("attach: reading " + args.positional[1] + " failed");
      break;
    }
  }
  std::fclose(in);
  if (!appended.ok()) return Fail(appended);  // the writer's destruction removes what it wrote
  auto info = (*writer)->Finish();
  if (!info.ok()) return Fail(info.status());
  PrintHeader();
  PrintInfo(*info);
  std::cout << "sha256\t" << info->sha256_hex << '\n';
  return kExitOk;
}

int List(const Result<std::vector<AttachmentInfo>>& list) {
  if (!list.ok()) return Fail(list.status());
  PrintHeader();
  for (const auto& a : *list) PrintInfo(a);
  return kExitOk;
}

int Get(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.positional.size() != 2 || !args.Has("out")) return BadUsage("attachment get takes AID and --out FILE");
  auto version = ParseNumber(args.Get("version", "0"), 999999999);
  if (!version) return Fail(Status::InvalidArgument("--version: expected a version number"));
  auto reader = db.OpenAttachment(s, args.positional[1], static_cast<std::uint32_t>(*version), purpose);
  if (!reader.ok()) return Fail(reader.status());
  PrivateFile out;  // a scan of personal records: owner-only
  if (Status st = out.Open(args.Get("out")); !st.ok()) return Fail(st);
  // A scan cut short by a damaged chunk or a full disk is not left behind as if whole.
  auto abandon = [&](const Status& st) {
    (void)out.Close();
    struct stat st_out {};
    // Only a file: --out may name a device or a pipe (/dev/stdout), which must stay.
    if (::lstat(args.Get("out").c_str(), &st_out) == 0 && S_ISREG(st_out.st_mode)) std::remove(args.Get("out").c_str());
    return Fail(st);
  };
  std::vector<char> piece(kPiece);
  std::uint64_t total = 0;
  for (;;) {
    auto n = (*reader)->Read(piece.data(), piece.size());
    if (!n.ok()) return abandon(n.status());
    if (*n == 0) break;
    if (Status st = out.Write(std::string_view(piece.data(), *n)); !st.ok()) return abandon(st);
    total += *n;
  }
  if (Status st = out.Close(); !st.ok()) return abandon(st);
  std::cerr << "wrote " << total << " bytes (" << (*reader)->info().media_type << ") to " << args.Get("out") << "\n";
  return kExitOk;
}

}  // namespace

int AttachmentCommand(const Args& args, Database& db, const Session& s, Purpose purpose) {
  if (args.command == "attach") return Attach(args, db, s);
  if (args.command == "attachments") {
    if (args.positional.size() != 1) return BadUsage("attachments takes one dossier id");
    return List(db.ListAttachments(s, args.positional[0], purpose));
  }
  const std::string sub = args.positional.empty() ? "" : args.positional[0];
  if (sub == "get") return Get(args, db, s, purpose);
  if (sub == "history" && args.positional.size() == 2) return List(db.AttachmentHistory(s, args.positional[1], purpose));
  return BadUsage("attachment takes get AID --out FILE or history AID");
}

}  // namespace hsdt::cli
