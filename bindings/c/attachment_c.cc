// C wrappers: attachments (scanned source documents), streamed through writer and reader handles.
#include "c_common.h"

using hsdt::c::CheckDbSession;
using hsdt::c::ClearOut;
using hsdt::c::FromStatus;
using hsdt::c::Guard;
using hsdt::c::HandleKind;
using hsdt::c::Require;
using hsdt::c::SetError;
using hsdt::c::Str;

// A writer or reader keeps its database's handle: hsdt_db_close refuses with HSDT_BUSY while
// either is open (the C++ Database::Close does), so neither outlives its database.
struct hsdt_attachment_writer {
  std::unique_ptr<hsdt::AttachmentWriter> writer;
};

struct hsdt_attachment_reader {
  std::unique_ptr<hsdt::AttachmentReader> reader;
};

namespace {

void InfoJson(const hsdt::AttachmentInfo& a, std::string* o) {
  using hsdt::c::JsonField;
  JsonField(o, "id", a.id);
  JsonField(o, "version", static_cast<long long>(a.version));
  JsonField(o, "versions", static_cast<long long>(a.versions));
  JsonField(o, "dossierId", a.dossier_id);
  JsonField(o, "dossierVersion", static_cast<long long>(a.dossier_version));
  JsonField(o, "event", a.event);
  JsonField(o, "kind", hsdt::AttachmentKindName(a.kind));
  hsdt::c::JsonBool(o, "described", a.described);
  JsonField(o, "title", a.title);
  JsonField(o, "sourceNumber", a.source.number);
  JsonField(o, "sourceDate", a.source.date);
  JsonField(o, "pages", static_cast<long long>(a.pages));
  JsonField(o, "mediaType", a.media_type);
  JsonField(o, "size", static_cast<long long>(a.size));
  JsonField(o, "sha256", a.sha256_hex);
  JsonField(o, "recordedAtMicros", static_cast<long long>(a.recorded_at_micros));
  JsonField(o, "actor", a.actor);
}

hsdt_status OutputInfo(const hsdt::AttachmentInfo& a, char** out_json, size_t* out_len) {
  std::string o = "{";
  InfoJson(a, &o);
  return hsdt::c::Output(o + "}", out_json, out_len);
}

hsdt_status CheckWriter(const hsdt_attachment_writer* w) {
  if (!hsdt::c::IsLiveHandle(w, HandleKind::kAttachmentWriter)) {
    return SetError(HSDT_MISUSE, "writer: NULL, freed or invalid handle; expected one from hsdt_attachment_begin");
  }
  return HSDT_OK;
}

hsdt_status CheckReader(const hsdt_attachment_reader* r) {
  if (!hsdt::c::IsLiveHandle(r, HandleKind::kAttachmentReader)) {
    return SetError(HSDT_MISUSE, "reader: NULL, freed or invalid handle; expected one from hsdt_attachment_open");
  }
  return HSDT_OK;
}

}  // namespace

extern "C" {

hsdt_status hsdt_attachment_begin(hsdt_db* db, hsdt_session* session, const char* dossier_id, const char* event,
                                  int kind, const char* title, const char* source_number,
                                  const char* source_date, uint32_t pages, const char* supersedes,
                                  const char* reason, hsdt_attachment_writer** out) {
  if (out != nullptr) *out = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (dossier_id == nullptr || title == nullptr) return SetError(HSDT_MISUSE, "dossier_id/title: NULL");
  if (hsdt_status s = Require(out, "out"); s != HSDT_OK) return s;
  return Guard([&] {
    hsdt::AttachmentSpec spec;
    spec.dossier_id = dossier_id;
    spec.event = Str(event);
    spec.kind = static_cast<hsdt::AttachmentKind>(kind);
    spec.title = title;
    spec.source = {Str(source_number), Str(source_date)};
    spec.pages = pages;
    spec.supersedes = Str(supersedes);
    auto w = db->db->BeginAttachment(session->session, spec, hsdt::c::ContextFrom(reason, nullptr, nullptr));
    if (!w.ok()) return FromStatus(w.status());
    auto handle = std::make_unique<hsdt_attachment_writer>();
    handle->writer = std::move(w).value();
    hsdt::c::RegisterHandle(handle.get(), HandleKind::kAttachmentWriter);
    *out = handle.release();
    return HSDT_OK;
  });
}

hsdt_status hsdt_attachment_append(hsdt_attachment_writer* writer, const void* data, size_t len) {
  if (hsdt_status s = CheckWriter(writer); s != HSDT_OK) return s;
  if (data == nullptr && len != 0) return SetError(HSDT_MISUSE, "data: NULL");
  return Guard([&] {
    return FromStatus(writer->writer->Append(std::string_view(static_cast<const char*>(data), len)));
  });
}

hsdt_status hsdt_attachment_finish(hsdt_attachment_writer* writer, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckWriter(writer); s != HSDT_OK) return s;
  return Guard([&] {
    auto info = writer->writer->Finish();
    if (!info.ok()) return FromStatus(info.status());
    return out_json != nullptr ? OutputInfo(*info, out_json, out_len) : HSDT_OK;
  });
}

void hsdt_attachment_writer_free(hsdt_attachment_writer* writer) {
  if (writer == nullptr) return;
  hsdt::c::ClearError();
  if (!hsdt::c::UnregisterHandle(writer, HandleKind::kAttachmentWriter)) {
    SetError(HSDT_MISUSE, "writer: freed or invalid handle; expected one from hsdt_attachment_begin");
    return;
  }
  delete writer;
}

hsdt_status hsdt_attachment_open(hsdt_db* db, hsdt_session* session, const char* attachment_id, uint32_t version,
                                 int purpose, hsdt_attachment_reader** out) {
  if (out != nullptr) *out = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (attachment_id == nullptr) return SetError(HSDT_MISUSE, "attachment_id: NULL");
  if (hsdt_status s = Require(out, "out"); s != HSDT_OK) return s;
  return Guard([&] {
    auto r = db->db->OpenAttachment(session->session, attachment_id, version, static_cast<hsdt::Purpose>(purpose));
    if (!r.ok()) return FromStatus(r.status());
    auto handle = std::make_unique<hsdt_attachment_reader>();
    handle->reader = std::move(r).value();
    hsdt::c::RegisterHandle(handle.get(), HandleKind::kAttachmentReader);
    *out = handle.release();
    return HSDT_OK;
  });
}

hsdt_status hsdt_attachment_read(hsdt_attachment_reader* reader, void* buffer, size_t capacity, size_t* out_read) {
  if (out_read != nullptr) *out_read = 0;
  if (hsdt_status s = CheckReader(reader); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_read, "out_read"); s != HSDT_OK) return s;
  if (buffer == nullptr && capacity != 0) return SetError(HSDT_MISUSE, "buffer: NULL");
  return Guard([&] {
    auto n = reader->reader->Read(static_cast<char*>(buffer), capacity);
    if (!n.ok()) return FromStatus(n.status());
    *out_read = *n;
    return HSDT_OK;
  });
}

hsdt_status hsdt_attachment_info(hsdt_attachment_reader* reader, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckReader(reader); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] { return OutputInfo(reader->reader->info(), out_json, out_len); });
}

void hsdt_attachment_reader_free(hsdt_attachment_reader* reader) {
  if (reader == nullptr) return;
  hsdt::c::ClearError();
  if (!hsdt::c::UnregisterHandle(reader, HandleKind::kAttachmentReader)) {
    SetError(HSDT_MISUSE, "reader: freed or invalid handle; expected one from hsdt_attachment_open");
    return;
  }
  delete reader;
}

hsdt_status hsdt_attachment_list(hsdt_db* db, hsdt_session* session, const char* dossier_id, int purpose,
                                 char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (dossier_id == nullptr) return SetError(HSDT_MISUSE, "dossier_id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return hsdt::c::OutputArray(db->db->ListAttachments(session->session, dossier_id, static_cast<hsdt::Purpose>(purpose)),
                                InfoJson, out_json, out_len);
  });
}

hsdt_status hsdt_attachment_history(hsdt_db* db, hsdt_session* session, const char* attachment_id, int purpose,
                                    char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (attachment_id == nullptr) return SetError(HSDT_MISUSE, "attachment_id: NULL");
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return hsdt::c::OutputArray(
        db->db->AttachmentHistory(session->session, attachment_id, static_cast<hsdt::Purpose>(purpose)), InfoJson,
        out_json, out_len);
  });
}

}  // extern "C"
