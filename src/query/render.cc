#include "query/render.h"

namespace hsdt::query {
namespace {

constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendCsvField(std::string* out, std::string_view v) {
  // A cell a spreadsheet would read as a formula (OWASP "CSV injection"): a leading ' makes it
  // text, and the cell is quoted so the ' stays part of it.
  const bool formula = !v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos;
  if (!formula && v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  if (formula) out->push_back('\'');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

const std::vector<Field>& DefaultFields() {
  static const std::vector<Field> fields = {Field::kFullName, Field::kBirthDate, Field::kGender,
                                            Field::kRank,     Field::kStatus,    Field::kManagingUnit};
  return fields;
}

std::vector<std::optional<std::string>> RowValues(const std::vector<Field>& fields, const Summary& s,
                                                  Visibility visible, std::string_view reference_date) {
  std::vector<std::optional<std::string>> values;
  values.reserve(fields.size());
  for (Field field : fields) {
    if (static_cast<int>(FieldVisibility(field)) > static_cast<int>(visible)) {
      values.push_back(std::nullopt);
    } else {
      values.push_back(FieldValue(s, field, reference_date));
    }
  }
  return values;
}

ExportWriter::ExportWriter(ExportFormat format, const std::vector<Field>& fields, std::string_view reference_date,
                           const Sink& sink)
    : format_(format), fields_(fields), reference_date_(reference_date), sink_(sink) {
  if (format_ == ExportFormat::kCsv) {
    buffer_ = kUtf8Bom;
    buffer_ += "id";
    for (Field f : fields_) buffer_.append(",").append(FieldName(f));
    buffer_ += "\r\n";
  }
}

void ExportWriter::AppendRow(const std::string& id, const Summary& s, Visibility visible) {
  const auto values = RowValues(fields_, s, visible, reference_date_);
  if (format_ == ExportFormat::kCsv) {
    buffer_ += id;
    for (const auto& v : values) {
      buffer_.push_back(',');
      if (v) AppendCsvField(&buffer_, *v);
    }
    buffer_ += "\r\n";
    return;
  }
  buffer_ += "{\"id\":";
  AppendJsonString(&buffer_, id);
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (!values[i]) continue;
    buffer_.push_back(',');
    AppendJsonString(&buffer_, FieldName(fields_[i]));
    buffer_.push_back(':');
    AppendJsonString(&buffer_, *values[i]);
  }
  buffer_ += "}\n";
}

void ExportWriter::AppendLine(std::string_view line) {
  buffer_ += line;
  buffer_ += "\n";
}

bool ExportWriter::Flush(std::size_t at_least) {
  if (buffer_.size() < at_least || !failed_.ok()) return failed_.ok();
  failed_ = sink_(buffer_);
  buffer_.clear();
  return failed_.ok();
}

}  // namespace hsdt::query

// ---------------------------------------------------------------- results as JSON (public API)
namespace hsdt {
namespace {

void AppendFieldList(std::string* out, const std::vector<Field>& fields) {
  out->push_back('[');
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    query::AppendJsonString(out, FieldName(fields[i]));
  }
  out->push_back(']');
}


}  // namespace

std::string QueryResultToJson(const QueryResult& r) {
  std::string out = "{\"fields\":";
  AppendFieldList(&out, r.fields);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"id\":";
    query::AppendJsonString(&out, r.rows[i].id);
    for (std::size_t f = 0; f < r.fields.size() && f < r.rows[i].values.size(); ++f) {
      if (!r.rows[i].values[f]) continue;
      out.push_back(',');
      query::AppendJsonString(&out, FieldName(r.fields[f]));
      out.push_back(':');
      query::AppendJsonString(&out, *r.rows[i].values[f]);
    }
    out.push_back('}');
  }
  out += "],\"nextCursor\":";
  query::AppendJsonString(&out, r.next_cursor);
  out += ",\"plan\":";
  query::AppendJsonString(&out, r.plan);
  out += ",\"examined\":" + std::to_string(r.examined) + "}";
  return out;
}

std::string CountResultToJson(const CountResult& r) {
  std::string out = "{\"groupBy\":";
  AppendFieldList(&out, r.group_by);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"key\":[";
    for (std::size_t k = 0; k < r.rows[i].key.size(); ++k) {
      if (k > 0) out.push_back(',');
      query::AppendJsonString(&out, r.rows[i].key[k]);
    }
    out += "],\"count\":" + std::to_string(r.rows[i].count) + "}";
  }
  out += "],\"total\":" + std::to_string(r.total) + "}";
  return out;
}

}  // namespace hsdt
