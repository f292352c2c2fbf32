// C wrappers: queries, counts and index verification, JSON in and out.
#include "c_common.h"

using hsdt::c::CheckDbSession;
using hsdt::c::ClearOut;
using hsdt::c::FromStatus;
using hsdt::c::Guard;
using hsdt::c::JsonField;
using hsdt::c::JsonString;
using hsdt::c::Require;
using hsdt::c::SetError;

extern "C" {

hsdt_status hsdt_find(hsdt_db* db, hsdt_session* session, const char* query_json, int explain,
                      char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (query_json == nullptr) return SetError(HSDT_MISUSE, "query_json: NULL");
  return Guard([&] {
    auto q = hsdt::Query::FromJson(query_json);
    if (!q.ok()) return FromStatus(q.status());
    auto r = explain != 0 ? db->db->ExplainQuery(session->session, *q) : db->db->Find(session->session, *q);
    if (!r.ok()) return FromStatus(r.status());
    return hsdt::c::Output(hsdt::QueryResultToJson(*r), out_json, out_len);
  });
}

hsdt_status hsdt_count(hsdt_db* db, hsdt_session* session, const char* count_json, char** out_json,
                       size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (count_json == nullptr) return SetError(HSDT_MISUSE, "count_json: NULL");
  return Guard([&] {
    auto q = hsdt::CountQuery::FromJson(count_json);
    if (!q.ok()) return FromStatus(q.status());
    auto r = db->db->Count(session->session, *q);
    if (!r.ok()) return FromStatus(r.status());
    return hsdt::c::Output(hsdt::CountResultToJson(*r), out_json, out_len);
  });
}

hsdt_status hsdt_export_to(hsdt_db* db, hsdt_session* session, const char* query_json, int format, int whole,
                           hsdt_sink_fn sink, void* user_data, uint64_t* out_rows) {
  if (out_rows != nullptr) *out_rows = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (query_json == nullptr) return SetError(HSDT_MISUSE, "query_json: NULL");
  if (sink == nullptr) return SetError(HSDT_MISUSE, "sink: NULL");
  return Guard([&] {
    auto q = hsdt::Query::FromJson(query_json);
    if (!q.ok()) return FromStatus(q.status());
    hsdt::ExportOptions o;
    o.format = static_cast<hsdt::ExportFormat>(format);
    o.whole_dossiers = whole != 0;
    hsdt_status stopped = HSDT_OK;
    auto n = db->db->Export(session->session, *q, o, [&](std::string_view chunk) {
      // The sink may call the library, which clears this thread's last error: keep ours apart.
      stopped = sink(user_data, chunk.data(), chunk.size());
      if (stopped == HSDT_OK) return hsdt::Status::Ok();
      return hsdt::Status(hsdt::StatusCode::kInternal, "stopped by the sink");
    });
    if (stopped != HSDT_OK) {
      return SetError(stopped, std::string("the sink stopped the export with ") + hsdt_status_name(stopped));
    }
    if (!n.ok()) return FromStatus(n.status());
    if (out_rows != nullptr) *out_rows = *n;
    return HSDT_OK;
  });
}

hsdt_status hsdt_export(hsdt_db* db, hsdt_session* session, const char* query_json, int format, int whole,
                        char** out_data, size_t* out_len) {
  ClearOut(out_data, out_len);
  if (hsdt_status s = Require(out_data, "out_data"); s != HSDT_OK) return s;
  std::string data;
  const hsdt_status s = hsdt_export_to(
      db, session, query_json, format, whole,
      [](void* user, const char* chunk, size_t len) {
        return hsdt::c::Guard([&] {
          static_cast<std::string*>(user)->append(chunk, len);
          return HSDT_OK;
        });
      },
      &data, nullptr);
  if (s != HSDT_OK) return s;
  return Guard([&] { return hsdt::c::Output(data, out_data, out_len); });
}

hsdt_status hsdt_import(hsdt_db* db, hsdt_session* session, const char* jsonl, size_t jsonl_len, uint32_t batch_lines,
                        const char* reason, const char* source_number, const char* source_date, char** out_json,
                        size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (jsonl == nullptr && jsonl_len > 0) return SetError(HSDT_MISUSE, "jsonl: NULL");
  return Guard([&] {
    hsdt::ImportOptions o;
    if (batch_lines != 0) o.batch_lines = batch_lines;
    auto r = db->db->Import(session->session, std::string_view(jsonl != nullptr ? jsonl : "", jsonl_len), o,
                            hsdt::c::ContextFrom(reason, source_number, source_date));
    if (!r.ok()) return FromStatus(r.status());
    std::string out = "{";
    JsonField(&out, "lines", static_cast<long long>(r->lines));
    JsonField(&out, "imported", static_cast<long long>(r->imported));
    JsonField(&out, "batchesCommitted", static_cast<long long>(r->batches_committed));
    JsonField(&out, "batchesRejected", static_cast<long long>(r->batches_rejected));
    out += ",\"errors\":[";
    for (std::size_t i = 0; i < r->errors.size(); ++i) {
      out += i > 0 ? ",{" : "{";
      JsonField(&out, "line", static_cast<long long>(r->errors[i].line));
      JsonField(&out, "message", r->errors[i].message);
      out += "}";
    }
    out += "],\"ids\":[";
    for (std::size_t i = 0; i < r->ids.size(); ++i) out += (i > 0 ? "," : "") + JsonString(r->ids[i]);
    return hsdt::c::Output(out + "]}", out_json, out_len);
  });
}

hsdt_status hsdt_deadlines(hsdt_db* db, hsdt_session* session, const char* from, const char* to,
                           const char* unit, int supplement_year, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (from == nullptr || to == nullptr) return SetError(HSDT_MISUSE, "from, to: NULL");
  return Guard([&] {
    hsdt::ComplianceQuery q;
    q.period = {from, to};
    q.unit = hsdt::c::Str(unit);
    q.supplement_year = supplement_year;
    auto r = db->db->CheckDeadlines(session->session, q);
    if (!r.ok()) return FromStatus(r.status());
    return hsdt::c::Output(hsdt::ComplianceToJson(*r), out_json, out_len);
  });
}

hsdt_status hsdt_report(hsdt_db* db, hsdt_session* session, const char* due, int format, char** out_data,
                        size_t* out_len) {
  ClearOut(out_data, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_data, "out_data"); s != HSDT_OK) return s;
  if (due == nullptr) return SetError(HSDT_MISUSE, "due: NULL");
  if (format < 1 || format > 3) {
    return SetError(HSDT_INVALID_ARGUMENT, "format: " + std::to_string(format) + "; expected 1 (JSON), 2 (CSV) or 3 (HTML)");
  }
  return Guard([&] {
    auto r = db->db->MakeSemiAnnualReport(session->session, due);
    if (!r.ok()) return FromStatus(r.status());
    const std::string text = format == 1 ? hsdt::ReportToJson(*r) : format == 2 ? hsdt::ReportToCsv(*r) : hsdt::ReportToHtml(*r);
    return hsdt::c::Output(text, out_data, out_len);
  });
}

hsdt_status hsdt_index_verify(hsdt_db* db, hsdt_session* session, int repair, char** out_json,
                              size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto r = db->db->VerifyIndexes(session->session, repair != 0);
    if (!r.ok()) return FromStatus(r.status());
    std::string o = "{";
    JsonField(&o, "dossiers", static_cast<long long>(r->dossiers));
    JsonField(&o, "entries", static_cast<long long>(r->entries));
    JsonField(&o, "missing", static_cast<long long>(r->missing));
    JsonField(&o, "stray", static_cast<long long>(r->stray));
    JsonField(&o, "wrong", static_cast<long long>(r->wrong));
    JsonField(&o, "repaired", static_cast<long long>(r->repaired));
    o += ",\"problems\":[";
    for (std::size_t i = 0; i < r->problems.size(); ++i) o += (i > 0 ? "," : "") + JsonString(r->problems[i]);
    return hsdt::c::Output(o + "]}", out_json, out_len);
  });
}

}  // extern "C"
