// hsdt import: the file is read and handed to Database::Import a slice at a time, each slice a
// whole number of batches, so the command's memory is that of one slice however large the file
// (a whole 100,000-dossier file in memory peaked at 695 MiB). Batches, line numbers (in errors
// and audit entries, through ImportOptions::first_line) and the report are what one Import of
// the whole file gives, except that a national ID repeated in two slices is checked against the
// database (already used if the first was committed), not reported as "also on line N".
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"

namespace hsdt::cli {
namespace {

constexpr std::size_t kMaxErrors = 1000;  // as Database::Import reports at most

void Merge(ImportReport& total, const ImportReport& slice) {
  total.lines += slice.lines;
  total.imported += slice.imported;
  total.batches_committed += slice.batches_committed;
  total.batches_rejected += slice.batches_rejected;
  for (const ImportError& e : slice.errors) {
    if (total.errors.size() == kMaxErrors) break;
    total.errors.push_back(e);
  }
  // The ids are not printed; keeping 100,000 of them would be memory for nothing.
}

}  // namespace

Result<ImportReport> ImportFile(const std::string& path, std::uint64_t slice_lines, Database& db,
                                const Session& session, const ImportOptions& options, const ChangeContext& context) {
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
  // Whole batches: at least `slice_lines` lines, rounded up.
  const std::uint64_t batch = std::max<std::uint32_t>(1, options.batch_lines);
  const std::uint64_t per_slice = (std::max<std::uint64_t>(1, slice_lines) + batch - 1) / batch * batch;
  ImportReport total;
  ImportOptions slice_options = options;
  std::string slice, line;
  bool more = true;
  while (more) {
    slice.clear();
    std::uint64_t read = 0, dossier_lines = 0;
    while (dossier_lines < per_slice && (more = static_cast<bool>(std::getline(in, line)))) {
      // Import takes a byte-order mark at the start of the file only; so does this count.
      const bool bom = slice_options.first_line + read == 1 && line.starts_with("\xEF\xBB\xBF");
      const std::string_view text = std::string_view(line).substr(bom ? 3 : 0);
      ++read;
      if (text.find_first_not_of(" \t\r") != std::string_view::npos) ++dossier_lines;
      slice += line;
      slice.push_back('\n');
    }
    const std::uint64_t last_before = slice_options.first_line - 1;
    auto committed_before = [&] {
      if (total.batches_committed == 0) return;
      std::cerr << "hsdt: " << total.imported << " dossiers of lines 1-" << last_before
                << " were committed before this (batches after line " << last_before << " may have been too)\n";
    };
    if (in.bad()) {
      committed_before();
      return Status::IOError("import: cannot read " + path + " after line " + std::to_string(last_before + read));
    }
    if (dossier_lines == 0) break;
    auto r = db.Import(session, slice, slice_options, context);
    if (!r.ok()) {
      committed_before();
      return r.status();
    }
    Merge(total, *r);
    slice_options.first_line += read;
  }
  return total;
}

}  // namespace hsdt::cli
