// hsdt import: the file is read and handed to Database::Import a slice at a time, each slice a
// whole number of batches, so the command's memory is that of one slice however large the file
// (a whole 100,000-dossier file in memory peaked at 695 MiB). Batches, line numbers and the
// report are what one Import of the whole file gives.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"

namespace hsdt::cli {
namespace {

// Two batches at the default 1000 lines (about 10 MB of JSON); at least one batch.
constexpr std::uint64_t kSliceLines = 2048;
constexpr std::size_t kMaxErrors = 1000;  // as Database::Import reports at most

void Merge(ImportReport& total, const ImportReport& slice, std::uint64_t line_offset) {
  total.lines += slice.lines;
  total.imported += slice.imported;
  total.batches_committed += slice.batches_committed;
  total.batches_rejected += slice.batches_rejected;
  for (const ImportError& e : slice.errors) {
    if (total.errors.size() == kMaxErrors) break;
    total.errors.push_back({e.line + line_offset, e.message});
  }
  // The ids are not printed; keeping 100,000 of them would be memory for nothing.
}

}  // namespace

Result<ImportReport> ImportFile(const std::string& path, Database& db, const Session& session,
                                const ImportOptions& options, const ChangeContext& context) {
  std::ifstream file;
  if (path != "-") {
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st)) return Status::NotFound("import: " + path + ": no such file");
    if (std::filesystem::is_directory(st)) {
      return Status::InvalidArgument("import: " + path + " is a directory; expected a file");
    }
    file.open(path, std::ios::binary);
    if (!file) return Status::IOError("import: cannot open " + path + ": " + std::strerror(errno));
  }
  // The options and context are checked before anything is read (an empty input is only that).
  if (auto checked = db.Import(session, "", options, context); !checked.ok()) return checked.status();
  std::istream& in = path == "-" ? std::cin : file;
  const std::uint64_t per_slice =
      std::max<std::uint64_t>(1, kSliceLines / std::max<std::uint32_t>(1, options.batch_lines)) * options.batch_lines;
  ImportReport total;
  std::uint64_t lines_before = 0;  // input lines before the slice
  std::string slice, line;
  bool more = true;
  while (more) {
    slice.clear();
    // After the first slice, a blank line first: a byte-order mark is taken only at the start of
    // the input, as a whole-file import would.
    const bool first = lines_before == 0;
    if (!first) slice.push_back('\n');
    std::uint64_t read = 0, dossier_lines = 0;
    while (dossier_lines < per_slice && (more = static_cast<bool>(std::getline(in, line)))) {
      ++read;
      if (line.find_first_not_of(" \t\r") != std::string::npos) ++dossier_lines;
      slice += line;
      slice.push_back('\n');
    }
    if (in.bad()) return Status::IOError("import: cannot read " + path + " after line " + std::to_string(lines_before + read));
    if (dossier_lines == 0) break;
    auto r = db.Import(session, slice, options, context);
    if (!r.ok()) {
      if (total.batches_committed > 0) {
        std::cerr << "hsdt: " << total.imported << " dossiers of lines 1-" << lines_before
                  << " were committed before this\n";
      }
      return r.status();
    }
    Merge(total, *r, first ? lines_before : lines_before - 1);
    lines_before += read;
  }
  return total;
}

}  // namespace hsdt::cli
