// C wrappers: dossiers in and out as JSON.
#include "c_common.h"

using hsdt::c::CheckDbSession;
using hsdt::c::ClearOut;
using hsdt::c::Str;
using hsdt::c::FromStatus;
using hsdt::c::Guard;
using hsdt::c::Require;
using hsdt::c::SetError;

namespace {

hsdt_status OutputDossier(const hsdt::Result<hsdt::Dossier>& d, char** out_json, size_t* out_len,
                          uint32_t* out_version) {
  if (!d.ok()) return FromStatus(d.status());
  auto json = d->ToJson();
  if (!json.ok()) return FromStatus(json.status());
  if (out_version != nullptr) *out_version = d->version();
  return hsdt::c::Output(*json, out_json, out_len);
}

}  // namespace

extern "C" {

hsdt_status hsdt_dossier_create(hsdt_db* db, hsdt_session* session, const char* json,
                                size_t json_len, const char* reason, const char* source_number,
                                const char* source_date, char** out_id, uint32_t* out_version) {
  if (out_id != nullptr) *out_id = nullptr;
  if (out_version != nullptr) *out_version = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (json == nullptr) return SetError(HSDT_MISUSE, "json: NULL");
  if (hsdt_status s = Require(out_id, "out_id"); s != HSDT_OK) return s;
  return Guard([&] {
    auto w = db->db->Create(session->session, std::string_view(json, json_len),
                            hsdt::c::ContextFrom(reason, source_number, source_date));
    if (!w.ok()) return FromStatus(w.status());
    if (out_version != nullptr) *out_version = w->version;
    return hsdt::c::Output(w->id, out_id, nullptr);
  });
}

hsdt_status hsdt_dossier_update(hsdt_db* db, hsdt_session* session, const char* id,
                                uint32_t expected_version, const char* json, size_t json_len,
                                const char* reason, const char* source_number,
                                const char* source_date, uint32_t* out_version) {
  if (out_version != nullptr) *out_version = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr || json == nullptr) return SetError(HSDT_MISUSE, "id/json: NULL");
  return Guard([&] {
    auto w = db->db->Update(session->session, id, expected_version, std::string_view(json, json_len),
                            hsdt::c::ContextFrom(reason, source_number, source_date));
    if (!w.ok()) return FromStatus(w.status());
    if (out_version != nullptr) *out_version = w->version;
    return HSDT_OK;
  });
}

hsdt_status hsdt_dossier_change_status(hsdt_db* db, hsdt_session* session, const char* id,
                                       uint32_t expected_version, const char* status,
                                       const char* reason, const char* source_number,
                                       const char* source_date, uint32_t* out_version) {
  if (out_version != nullptr) *out_version = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr || status == nullptr) return SetError(HSDT_MISUSE, "id/status: NULL");
  return Guard([&] {
    auto w = db->db->ChangeStatus(session->session, id, expected_version, status,
                                  hsdt::c::ContextFrom(reason, source_number, source_date));
    if (!w.ok()) return FromStatus(w.status());
    if (out_version != nullptr) *out_version = w->version;
    return HSDT_OK;
  });
}

hsdt_status hsdt_dossier_get(hsdt_db* db, hsdt_session* session, const char* id, int purpose,
                             char** out_json, size_t* out_len, uint32_t* out_version) {
  ClearOut(out_json, out_len);
  if (out_version != nullptr) *out_version = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr) return SetError(HSDT_MISUSE, "id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] { return OutputDossier(db->db->Get(session->session, id, static_cast<hsdt::Purpose>(purpose)), out_json, out_len, out_version); });
}

hsdt_status hsdt_dossier_get_version(hsdt_db* db, hsdt_session* session, const char* id,
                                     uint32_t version, int purpose, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr) return SetError(HSDT_MISUSE, "id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] { return OutputDossier(db->db->GetVersion(session->session, id, version, static_cast<hsdt::Purpose>(purpose)), out_json, out_len, nullptr); });
}

hsdt_status hsdt_dossier_get_as_of(hsdt_db* db, hsdt_session* session, const char* id,
                                   int64_t micros, int purpose, char** out_json, size_t* out_len,
                                   uint32_t* out_version) {
  ClearOut(out_json, out_len);
  if (out_version != nullptr) *out_version = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr) return SetError(HSDT_MISUSE, "id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] { return OutputDossier(db->db->GetAsOf(session->session, id, micros, static_cast<hsdt::Purpose>(purpose)), out_json, out_len, out_version); });
}

hsdt_status hsdt_dossier_history(hsdt_db* db, hsdt_session* session, const char* id, int purpose,
                                 char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr) return SetError(HSDT_MISUSE, "id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto h = db->db->History(session->session, id, static_cast<hsdt::Purpose>(purpose));
    if (!h.ok()) return FromStatus(h.status());
    using hsdt::c::JsonString;
    std::string json = "[";
    for (std::size_t i = 0; i < h->size(); ++i) {
      const auto& v = (*h)[i];
      if (i) json += ",";
      json += "{\"version\":" + std::to_string(v.version) +
              ",\"recordedAtMicros\":" + std::to_string(v.recorded_at_micros) +
              ",\"kind\":" + JsonString(hsdt::ChangeKindName(v.kind)) + ",\"status\":" + JsonString(v.status) +
              ",\"actor\":" + JsonString(v.actor) + ",\"reason\":" + JsonString(v.reason) +
              ",\"sourceNumber\":" + JsonString(v.source.number) +
              ",\"sourceDate\":" + JsonString(v.source.date) + "}";
    }
    return hsdt::c::Output(json + "]", out_json, out_len);
  });
}

hsdt_status hsdt_dossier_diff(hsdt_db* db, hsdt_session* session, const char* id,
                              uint32_t from_version, uint32_t to_version, int purpose,
                              char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr) return SetError(HSDT_MISUSE, "id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto d = db->db->Diff(session->session, id, from_version, to_version, static_cast<hsdt::Purpose>(purpose));
    if (!d.ok()) return FromStatus(d.status());
    return hsdt::c::Output(hsdt::c::JsonStringArray(*d), out_json, out_len);
  });
}

hsdt_status hsdt_dossier_in_force_on(hsdt_db* db, hsdt_session* session, const char* id, const char* date,
                                     int purpose, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (id == nullptr || date == nullptr) return SetError(HSDT_MISUSE, "id/date: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto f = db->db->InForceOn(session->session, id, date, static_cast<hsdt::Purpose>(purpose));
    if (!f.ok()) return FromStatus(f.status());
    std::string o = "{";
    hsdt::c::JsonField(&o, "date", f->date);
    hsdt::c::JsonBool(&o, "recruited", f->recruited);
    hsdt::c::JsonField(&o, "rank", f->rank);
    hsdt::c::JsonField(&o, "rankStep", f->rank_step);
    hsdt::c::JsonField(&o, "coefficient", f->coefficient);
    hsdt::c::JsonStrings(&o, "positions", f->positions);
    hsdt::c::JsonField(&o, "workingUnit", f->working_unit);
    return hsdt::c::Output(o + "}", out_json, out_len);
  });
}

hsdt_status hsdt_list_ids(hsdt_db* db, hsdt_session* session, const char* unit, const char* after, size_t limit,
                          char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (limit == 0) return SetError(HSDT_INVALID_ARGUMENT, "limit: 0; expected at least 1");
  return Guard([&] {
    auto ids = db->db->ListIds(session->session, Str(unit), Str(after), limit);
    if (!ids.ok()) return FromStatus(ids.status());
    return hsdt::c::Output(hsdt::c::JsonStringArray(*ids), out_json, out_len);
  });
}

}  // extern "C"
