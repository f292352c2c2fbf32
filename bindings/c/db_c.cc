// C wrappers: opening, closing, maintenance and backups.
#include "c_common.h"

using hsdt::c::CheckDb;
using hsdt::c::CheckDbSession;
using hsdt::c::FromStatus;
using hsdt::c::Guard;
using hsdt::c::Require;
using hsdt::c::SetError;

extern "C" {

hsdt_status hsdt_db_open(const char* dir, hsdt_key_kind kind, const uint8_t* key, size_t key_len,
                         const hsdt_options* options, hsdt_db** out) {
  if (out == nullptr) return SetError(HSDT_MISUSE, "out: NULL");
  *out = nullptr;
  if (dir == nullptr) return SetError(HSDT_MISUSE, "dir: NULL");
  if (hsdt_status s = Require(key, "key"); s != HSDT_OK) return s;
  if (options != nullptr) {
    if (hsdt_status s = hsdt::c::CheckOptions(options); s != HSDT_OK) return s;
  }
  return Guard([&] {
    auto k = hsdt::c::KeyFrom(kind, key, key_len);
    if (!k.ok()) return FromStatus(k.status());
    auto db = hsdt::Database::Open(dir, *k, options != nullptr ? options->options : hsdt::OpenOptions{});
    if (!db.ok()) return FromStatus(db.status());
    auto handle = std::make_unique<hsdt_db>();
    handle->db = std::move(db).value();
    try {
      hsdt::c::RegisterHandle(handle.get(), hsdt::c::HandleKind::kDb);
    } catch (...) {
      (void)handle->db->Close();
      throw;
    }
    *out = handle.release();
    return HSDT_OK;
  });
}

hsdt_status hsdt_db_close(hsdt_db* db) {
  if (db == nullptr) return HSDT_OK;
  hsdt::c::ClearError();
  // Out of the registry first: a second close, or a call racing this one, gets HSDT_MISUSE.
  if (!hsdt::c::UnregisterHandle(db, hsdt::c::HandleKind::kDb)) {
    return SetError(HSDT_MISUSE, "db: closed or invalid handle; expected one from hsdt_db_open");
  }
  return Guard([&] {
    std::unique_ptr<hsdt_db> owned(db);
    const hsdt::Status closed = owned->db->Close();
    if (closed.code() == hsdt::StatusCode::kInvalidArgument || closed.code() == hsdt::StatusCode::kBusy) {
      // Called from a change observer, or attachment handles still open: the handle stays open
      // and registered.
      hsdt::c::RegisterHandle(owned.release(), hsdt::c::HandleKind::kDb);
      return SetError(closed.code() == hsdt::StatusCode::kBusy ? HSDT_BUSY : HSDT_MISUSE, closed.message());
    }
    return FromStatus(closed);
  });
}

hsdt_status hsdt_db_sync(hsdt_db* db, hsdt_session* session) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  return Guard([&] { return FromStatus(db->db->Sync(session->session)); });
}

hsdt_status hsdt_db_check(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  if (out_json != nullptr) *out_json = nullptr;
  if (out_len != nullptr) *out_len = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto r = db->db->Check(session->session);
    if (!r.ok()) return FromStatus(r.status());
    std::string json = "{\"dossiers\":" + std::to_string(r->dossiers) + ",\"versions\":" +
                       std::to_string(r->versions) + ",\"indexEntries\":" +
                       std::to_string(r->index_entries) + ",\"problems\":[";
    for (std::size_t i = 0; i < r->problems.size(); ++i) {
      if (i) json += ",";
      json += hsdt::c::JsonString(r->problems[i]);
    }
    return hsdt::c::Output(json + "]}", out_json, out_len);
  });
}

hsdt_status hsdt_db_change_key(hsdt_db* db, hsdt_session* session, hsdt_key_kind kind,
                               const uint8_t* key, size_t key_len) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(key, "key"); s != HSDT_OK) return s;
  return Guard([&] {
    auto k = hsdt::c::KeyFrom(kind, key, key_len);
    if (!k.ok()) return FromStatus(k.status());
    return FromStatus(db->db->ChangeKey(session->session, *k));
  });
}

hsdt_status hsdt_db_rekey(hsdt_db* db, hsdt_session* session, uint64_t max_values, bool* out_done,
                          uint64_t* out_remaining) {
  if (out_done != nullptr) *out_done = false;
  if (out_remaining != nullptr) *out_remaining = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  return Guard([&] {
    auto p = db->db->Rekey(session->session, max_values);
    if (!p.ok()) return FromStatus(p.status());
    if (out_done != nullptr) *out_done = p->done;
    if (out_remaining != nullptr) *out_remaining = p->remaining;
    return HSDT_OK;
  });
}

hsdt_status hsdt_db_stats(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  hsdt::c::ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto st = db->db->Stats(session->session);
    if (!st.ok()) return FromStatus(st.status());
    std::string o = "{";
    auto number = [&](std::string_view key, std::uint64_t n) {
      hsdt::c::JsonField(&o, key, static_cast<long long>(n));
    };
    number("dossiers", st->dossiers);
    number("keyGeneration", st->key_generation);
    number("dictionaryId", st->dictionary_id);
    number("recordCacheHits", st->record_cache_hits);
    number("recordCacheMisses", st->record_cache_misses);
    number("diskBytes", st->disk_bytes);
    number("auditEntries", st->audit_entries);
    number("auditBytes", st->audit_bytes);
    hsdt::c::JsonBool(&o, "readOnly", st->read_only);
    hsdt::c::JsonField(&o, "readOnlyReason", st->read_only_reason);
    return hsdt::c::Output(o + "}", out_json, out_len);
  });
}

hsdt_status hsdt_db_train_dictionary(hsdt_db* db, hsdt_session* session, uint32_t* out_dictionary_id) {
  if (out_dictionary_id != nullptr) *out_dictionary_id = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_dictionary_id, "out_dictionary_id"); s != HSDT_OK) return s;
  return Guard([&] {
    auto id = db->db->TrainDictionary(session->session);
    if (!id.ok()) return FromStatus(id.status());
    *out_dictionary_id = *id;
    return HSDT_OK;
  });
}

hsdt_status hsdt_db_catch_up(hsdt_db* db) {
  if (hsdt_status s = CheckDb(db); s != HSDT_OK) return s;
  return Guard([&] { return FromStatus(db->db->CatchUp()); });
}

hsdt_status hsdt_changes(hsdt_db* db, hsdt_session* session, uint64_t since, size_t limit, int purpose,
                         char** out_json, size_t* out_len) {
  hsdt::c::ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    auto page = db->db->Changes(session->session, since, limit, static_cast<hsdt::Purpose>(purpose));
    if (!page.ok()) return FromStatus(page.status());
    std::string json = "{\"entries\":[";
    bool first = true;
    for (const hsdt::ChangeEntry& e : page->entries) {
      std::string o = "{";
      hsdt::c::JsonRaw(&o, "position", std::to_string(e.position));
      hsdt::c::JsonField(&o, "subject", hsdt::ChangeSubjectName(e.subject));
      hsdt::c::JsonField(&o, "kind", hsdt::ChangeKindName(e.kind));
      hsdt::c::JsonField(&o, "id", e.id);
      hsdt::c::JsonField(&o, "version", static_cast<long long>(e.version));
      hsdt::c::JsonField(&o, "recordedAtMicros", static_cast<long long>(e.recorded_at_micros));
      hsdt::c::JsonField(&o, "unit", e.unit);
      hsdt::c::JsonField(&o, "previousUnit", e.previous_unit);
      json += (first ? "" : ",") + o + "}";
      first = false;
    }
    json += "],\"next\":" + std::to_string(page->next) + "}";
    return hsdt::c::Output(json, out_json, out_len);
  });
}

hsdt_status hsdt_change_observer_add(hsdt_db* db, hsdt_change_fn fn, void* user_data, uint64_t* out_id) {
  if (out_id != nullptr) *out_id = 0;
  if (hsdt_status s = CheckDb(db); s != HSDT_OK) return s;
  if (fn == nullptr) return SetError(HSDT_MISUSE, "fn: NULL");
  return Guard([&] {
    auto id = db->db->AddChangeObserver([fn, user_data](std::uint64_t position) { fn(user_data, position); });
    if (!id.ok()) return FromStatus(id.status());
    if (out_id != nullptr) *out_id = *id;
    return HSDT_OK;
  });
}

hsdt_status hsdt_change_observer_remove(hsdt_db* db, uint64_t id) {
  if (hsdt_status s = CheckDb(db); s != HSDT_OK) return s;
  return Guard([&] {
    if (!db->db->RemoveChangeObserver(id)) {
      return SetError(HSDT_NOT_FOUND, "observer " + std::to_string(id) + ": not registered");
    }
    return HSDT_OK;
  });
}

hsdt_status hsdt_db_backup(hsdt_db* db, hsdt_session* session, const char* backup_dir,
                           uint32_t* out_backup_id) {
  if (out_backup_id != nullptr) *out_backup_id = 0;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (backup_dir == nullptr) return SetError(HSDT_MISUSE, "backup_dir: NULL");
  return Guard([&] {
    auto b = db->db->Backup(session->session, backup_dir);
    if (!b.ok()) return FromStatus(b.status());
    if (out_backup_id != nullptr) *out_backup_id = b->id;
    return HSDT_OK;
  });
}

hsdt_status hsdt_backup_verify(const char* backup_dir, hsdt_key_kind kind, const uint8_t* key,
                               size_t key_len, uint32_t backup_id) {
  if (backup_dir == nullptr) return SetError(HSDT_MISUSE, "backup_dir: NULL");
  if (hsdt_status s = Require(key, "key"); s != HSDT_OK) return s;
  return Guard([&] {
    auto k = hsdt::c::KeyFrom(kind, key, key_len);
    if (!k.ok()) return FromStatus(k.status());
    return FromStatus(hsdt::VerifyBackup(backup_dir, *k, backup_id));
  });
}

hsdt_status hsdt_backup_restore(const char* backup_dir, hsdt_key_kind kind, const uint8_t* key,
                                size_t key_len, uint32_t backup_id, const char* db_dir) {
  if (backup_dir == nullptr || db_dir == nullptr) return SetError(HSDT_MISUSE, "backup_dir/db_dir: NULL");
  if (hsdt_status s = Require(key, "key"); s != HSDT_OK) return s;
  return Guard([&] {
    auto k = hsdt::c::KeyFrom(kind, key, key_len);
    if (!k.ok()) return FromStatus(k.status());
    return FromStatus(hsdt::RestoreBackup(backup_dir, *k, backup_id, db_dir));
  });
}

}  // extern "C"

namespace {
std::string ArchiveJson(const hsdt::ArchiveInfo& i) {
  std::string o = "{";
  hsdt::c::JsonField(&o, "dossiers", static_cast<long long>(i.dossiers));
  hsdt::c::JsonField(&o, "dossierVersions", static_cast<long long>(i.dossier_versions));
  hsdt::c::JsonField(&o, "accountVersions", static_cast<long long>(i.account_versions));
  hsdt::c::JsonField(&o, "unitVersions", static_cast<long long>(i.unit_versions));
  hsdt::c::JsonField(&o, "grantVersions", static_cast<long long>(i.grant_versions));
  hsdt::c::JsonField(&o, "handOverVersions", static_cast<long long>(i.hand_over_versions));
  hsdt::c::JsonField(&o, "attachmentVersions", static_cast<long long>(i.attachment_versions));
  hsdt::c::JsonField(&o, "attachmentFiles", static_cast<long long>(i.attachment_files));
  hsdt::c::JsonField(&o, "auditEntries", static_cast<long long>(i.audit_entries));
  hsdt::c::JsonField(&o, "bytes", static_cast<long long>(i.bytes));
  hsdt::c::JsonField(&o, "auditChain", i.audit_chain_hex);
  hsdt::c::JsonField(&o, "manifestSha256", i.manifest_sha256_hex);
  return o + "}";
}

hsdt::ArchiveProgressFn ProgressOf(hsdt_progress_fn fn, void* user_data) {
  if (fn == nullptr) return {};
  return [fn, user_data](const hsdt::ArchiveProgress& p) {
    const std::string stage(p.stage);
    fn(user_data, stage.c_str(), p.done);
  };
}
}  // namespace

extern "C" {

hsdt_status hsdt_archive_export(hsdt_db* db, hsdt_session* session, const char* archive_dir,
                                hsdt_progress_fn progress, void* user_data, char** out_json, size_t* out_len) {
  hsdt::c::ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (archive_dir == nullptr) return SetError(HSDT_MISUSE, "archive_dir: NULL");
  return Guard([&] {
    auto info = db->db->ExportArchive(session->session, archive_dir, ProgressOf(progress, user_data));
    if (!info.ok()) return FromStatus(info.status());
    return out_json != nullptr ? hsdt::c::Output(ArchiveJson(*info), out_json, out_len) : HSDT_OK;
  });
}

hsdt_status hsdt_archive_import(const char* archive_dir, const char* db_dir, hsdt_key_kind kind, const uint8_t* key,
                                size_t key_len, const hsdt_options* options, hsdt_progress_fn progress,
                                void* user_data, char** out_json, size_t* out_len) {
  hsdt::c::ClearOut(out_json, out_len);
  if (archive_dir == nullptr || db_dir == nullptr) return SetError(HSDT_MISUSE, "archive_dir/db_dir: NULL");
  if (hsdt_status s = Require(key, "key"); s != HSDT_OK) return s;
  if (hsdt_status s = hsdt::c::CheckOptions(options); s != HSDT_OK) return s;
  return Guard([&] {
    auto k = hsdt::c::KeyFrom(kind, key, key_len);
    if (!k.ok()) return FromStatus(k.status());
    auto info = hsdt::Database::ImportArchive(archive_dir, db_dir, *k, options->options, ProgressOf(progress, user_data));
    if (!info.ok()) return FromStatus(info.status());
    return out_json != nullptr ? hsdt::c::Output(ArchiveJson(*info), out_json, out_len) : HSDT_OK;
  });
}

}  // extern "C"
