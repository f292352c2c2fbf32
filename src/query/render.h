// Renderings of query results: JSON strings and CSV fields, the rows of an export (CSV with a
// byte-order mark, or JSON Lines) written to a sink in chunks, and the projected values of a
// row with the fields above its visibility redacted.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/query.h>

#include "query/fields.h"

namespace hsdt::query {

// Appends `s` as a JSON string literal (quotes and escapes added).
void AppendJsonString(std::string* out, std::string_view s);
// Appends `v` as a CSV field (RFC 4180: quoted when it holds a comma, quote or line break). A
// value starting with = + - @ TAB or CR is written quoted with a leading ' (OWASP), so that a
// spreadsheet shows it as text instead of running it as a formula.
void AppendCsvField(std::string* out, std::string_view v);

// What a query projects when it names no fields: full name, birth date, gender, rank, status,
// managing unit.
const std::vector<Field>& DefaultFields();
// The values of `fields` in `s`, redacted (nullopt) above `visible`.
std::vector<std::optional<std::string>> RowValues(const std::vector<Field>& fields, const Summary& s,
                                                  Visibility visible, std::string_view reference_date);

// The lines of an export, buffered and handed to `sink` in chunks of about 64 KiB.
class ExportWriter final {
 public:
  using Sink = std::function<Status(std::string_view)>;
  // A CSV export starts with its byte-order mark and header row. `fields` and `sink` must
  // outlive the writer.
  ExportWriter(ExportFormat format, const std::vector<Field>& fields, std::string_view reference_date,
               const Sink& sink);

  // Appends a row of the export's fields.
  void AppendRow(const std::string& id, const Summary& s, Visibility visible);
  // Appends `line` and a line feed (a whole dossier, JSON Lines).
  void AppendLine(std::string_view line);
  // Stops the export with `error` (nothing more is handed to the sink).
  void Fail(Status error) { failed_ = std::move(error); }
  // Hands the buffer to the sink if it holds at least `at_least` bytes (Finish: 1); false once
  // the export failed.
  bool Flush(std::size_t at_least = kChunk);
  const Status& failed() const { return failed_; }

  static constexpr std::size_t kChunk = 64 * 1024;

 private:
  const ExportFormat format_;
  const std::vector<Field>& fields_;
  const std::string_view reference_date_;
  const Sink& sink_;
  std::string buffer_;
  Status failed_;
};

}  // namespace hsdt::query
