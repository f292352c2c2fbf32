// C wrappers: sessions, hand-overs, accounts, units, grants, Explain and the audit log.
#include "c_common.h"

using hsdt::c::CheckDb;
using hsdt::c::CheckDbSession;
using hsdt::c::ClearOut;
using hsdt::c::FromStatus;
using hsdt::c::Guard;
using hsdt::c::JsonBool;
using hsdt::c::JsonField;
using hsdt::c::OutputArray;
using hsdt::c::Require;
using hsdt::c::SetError;
using hsdt::c::Str;

namespace {

void AuditEntryJson(const hsdt::AuditRecord& e, std::string* o) {
  using hsdt::c::JsonField;
  JsonField(o, "sequence", static_cast<long long>(e.sequence));
  JsonField(o, "recordedAtMicros", static_cast<long long>(e.recorded_at_micros));
  JsonField(o, "actor", e.actor);
  JsonField(o, "action", e.action);
  JsonField(o, "target", e.target);
  hsdt::c::JsonBool(o, "allowed", e.allowed);
  JsonField(o, "purpose", e.purpose);
  JsonField(o, "reason", e.reason);
  JsonField(o, "rule", e.rule);
}

const char* HandOverStateName(hsdt::HandOverState s) {
  switch (s) {
    case hsdt::HandOverState::kPending: return "pending";
    case hsdt::HandOverState::kApproved: return "approved";
    case hsdt::HandOverState::kRejected: return "rejected";
  }
  return "unknown";
}

}  // namespace

extern "C" {

hsdt_status hsdt_login(hsdt_db* db, const char* user_name, const char* password, hsdt_session** out) {
  if (out == nullptr) return SetError(HSDT_MISUSE, "out: NULL");
  *out = nullptr;
  if (hsdt_status s = CheckDb(db); s != HSDT_OK) return s;
  if (user_name == nullptr || password == nullptr) return SetError(HSDT_MISUSE, "user_name/password: NULL");
  return Guard([&] {
    auto s = db->db->Login(user_name, password);
    if (!s.ok()) return FromStatus(s.status());
    auto handle = std::make_unique<hsdt_session>(hsdt_session{std::move(s).value()});
    hsdt::c::RegisterHandle(handle.get(), hsdt::c::HandleKind::kSession);
    *out = handle.release();
    return HSDT_OK;
  });
}

hsdt_status hsdt_logout(hsdt_db* db, hsdt_session* session) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  return Guard([&] { return FromStatus(db->db->Logout(session->session)); });
}

void hsdt_session_free(hsdt_session* session) {
  if (session == nullptr) return;
  if (!hsdt::c::UnregisterHandle(session, hsdt::c::HandleKind::kSession)) {
    SetError(HSDT_MISUSE, "session: freed or invalid handle; expected one from hsdt_login");
    return;
  }
  delete session;
}

hsdt_status hsdt_change_password(hsdt_db* db, hsdt_session* session, const char* old_password,
                                 const char* new_password) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (old_password == nullptr || new_password == nullptr) return SetError(HSDT_MISUSE, "password: NULL");
  return Guard([&] { return FromStatus(db->db->ChangePassword(session->session, old_password, new_password)); });
}

hsdt_status hsdt_handover_request(hsdt_db* db, hsdt_session* session, const char* dossier_id,
                                  const char* request_number, const char* request_date,
                                  const char* reason, char** out_id) {
  if (out_id != nullptr) *out_id = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_id, "out_id"); s != HSDT_OK) return s;
  if (dossier_id == nullptr) return SetError(HSDT_MISUSE, "dossier_id: NULL");
  return Guard([&] {
    auto h = db->db->RequestHandOver(session->session, dossier_id, {Str(request_number), Str(request_date)}, Str(reason));
    if (!h.ok()) return FromStatus(h.status());
    return hsdt::c::Output(h->id, out_id, nullptr);
  });
}

hsdt_status hsdt_handover_decide(hsdt_db* db, hsdt_session* session, const char* handover_id,
                                 bool approve, const char* reason, const char* source_number,
                                 const char* source_date) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (handover_id == nullptr) return SetError(HSDT_MISUSE, "handover_id: NULL");
  return Guard([&] {
    return FromStatus(db->db->DecideHandOver(session->session, handover_id, approve,
                                             hsdt::c::ContextFrom(reason, source_number, source_date)).status());
  });
}

hsdt_status hsdt_handover_list(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return OutputArray(db->db->ListHandOvers(session->session), [](const hsdt::HandOverInfo& h, std::string* o) {
      JsonField(o, "id", h.id);
      JsonField(o, "dossierId", h.dossier_id);
      JsonField(o, "fromUnit", h.from_unit);
      JsonField(o, "toUnit", h.to_unit);
      JsonField(o, "state", HandOverStateName(h.state));
      JsonField(o, "requestedBy", h.requested_by);
      JsonField(o, "decidedBy", h.decided_by);
    }, out_json, out_len);
  });
}

hsdt_status hsdt_account_create(hsdt_db* db, hsdt_session* session, const char* user_name,
                                const char* display_name, const char* unit, int role,
                                const char* password, const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (user_name == nullptr || unit == nullptr || password == nullptr) {
    return SetError(HSDT_MISUSE, "user_name/unit/password: NULL");
  }
  return Guard([&] {
    hsdt::AccountSpec spec{user_name, Str(display_name), unit, static_cast<hsdt::Role>(role), password};
    return FromStatus(db->db->CreateAccount(session->session, spec, hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_account_set_state(hsdt_db* db, hsdt_session* session, const char* user_name, int state,
                                   const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (user_name == nullptr) return SetError(HSDT_MISUSE, "user_name: NULL");
  return Guard([&] {
    return FromStatus(db->db->SetAccountState(session->session, user_name, static_cast<hsdt::AccountState>(state),
                                              hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_account_set_role(hsdt_db* db, hsdt_session* session, const char* user_name, int role,
                                  const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (user_name == nullptr) return SetError(HSDT_MISUSE, "user_name: NULL");
  return Guard([&] {
    return FromStatus(db->db->SetAccountRole(session->session, user_name, static_cast<hsdt::Role>(role),
                                             hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_account_reset_password(hsdt_db* db, hsdt_session* session, const char* user_name,
                                        const char* report_number, const char* report_date,
                                        char** out_password) {
  if (out_password != nullptr) *out_password = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (user_name == nullptr || out_password == nullptr) return SetError(HSDT_MISUSE, "user_name/out_password: NULL");
  return Guard([&] {
    auto p = db->db->ResetPassword(session->session, user_name, {Str(report_number), Str(report_date)});
    if (!p.ok()) return FromStatus(p.status());
    return hsdt::c::Output(*p, out_password, nullptr);
  });
}

hsdt_status hsdt_account_list(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return OutputArray(db->db->ListAccounts(session->session), [](const hsdt::AccountInfo& a, std::string* o) {
      JsonField(o, "userName", a.user_name);
      JsonField(o, "displayName", a.display_name);
      JsonField(o, "unit", a.unit);
      JsonField(o, "role", hsdt::RoleName(a.role));
      JsonField(o, "state", hsdt::AccountStateName(a.state));
      JsonBool(o, "mustChangePassword", a.must_change_password);
      JsonField(o, "failedLogins", static_cast<long long>(a.failed_logins));
      JsonField(o, "lockedUntilMicros", static_cast<long long>(a.locked_until_micros));
      JsonField(o, "version", static_cast<long long>(a.version));
    }, out_json, out_len);
  });
}

hsdt_status hsdt_unit_create(hsdt_db* db, hsdt_session* session, const char* code, const char* name_vi,
                             const char* kind, const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (code == nullptr || name_vi == nullptr) return SetError(HSDT_MISUSE, "code/name_vi: NULL");
  return Guard([&] {
    return FromStatus(db->db->CreateUnit(session->session, {code, name_vi, Str(kind)},
                                         hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_unit_list(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return OutputArray(db->db->ListUnits(session->session), [](const hsdt::UnitInfo& u, std::string* o) {
      JsonField(o, "code", u.code);
      JsonField(o, "nameVi", u.name_vi);
      JsonField(o, "kind", u.kind);
      JsonField(o, "tier", static_cast<long long>(u.tier));
      JsonBool(o, "active", u.active);
    }, out_json, out_len);
  });
}

hsdt_status hsdt_unit_set_active(hsdt_db* db, hsdt_session* session, const char* code, bool active,
                                 const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (code == nullptr) return SetError(HSDT_MISUSE, "code: NULL");
  return Guard([&] {
    return FromStatus(db->db->SetUnitActive(session->session, code, active,
                                            hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_grant_issue(hsdt_db* db, hsdt_session* session, const char* grantee_user,
                             const char* grantee_unit, const char* const* dossier_ids, size_t n_dossiers,
                             const char* scope_unit, uint32_t rights, const int* purposes,
                             size_t n_purposes, const char* legal_number, const char* legal_date,
                             const char* signer, int64_t valid_from_micros, int64_t valid_until_micros,
                             const char* reason, char** out_id) {
  if (out_id != nullptr) *out_id = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_id, "out_id"); s != HSDT_OK) return s;
  if ((n_dossiers > 0 && dossier_ids == nullptr) || (n_purposes > 0 && purposes == nullptr)) {
    return SetError(HSDT_MISUSE, "dossier_ids/purposes: NULL with a non-zero count");
  }
  for (size_t i = 0; i < n_dossiers; ++i) {
    if (dossier_ids[i] == nullptr) {
      return SetError(HSDT_MISUSE, "dossier_ids[" + std::to_string(i) + "]: NULL; expected a dossier id");
    }
  }
  return Guard([&] {
    hsdt::GrantSpec spec;
    spec.grantee_user = Str(grantee_user);
    spec.grantee_unit = Str(grantee_unit);
    for (size_t i = 0; i < n_dossiers; ++i) spec.dossiers.push_back(Str(dossier_ids[i]));
    spec.scope_unit = Str(scope_unit);
    spec.rights = rights;
    for (size_t i = 0; i < n_purposes; ++i) spec.purposes.push_back(static_cast<hsdt::Purpose>(purposes[i]));
    spec.legal_basis = {Str(legal_number), Str(legal_date)};
    spec.signer = Str(signer);
    spec.valid_from_micros = valid_from_micros;
    spec.valid_until_micros = valid_until_micros;
    auto g = db->db->IssueGrant(session->session, spec, hsdt::c::ContextFrom(reason, nullptr, nullptr));
    if (!g.ok()) return FromStatus(g.status());
    return hsdt::c::Output(g->id, out_id, nullptr);
  });
}

hsdt_status hsdt_grant_revoke(hsdt_db* db, hsdt_session* session, const char* grant_id, const char* reason) {
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (grant_id == nullptr) return SetError(HSDT_MISUSE, "grant_id: NULL");
  return Guard([&] {
    return FromStatus(db->db->RevokeGrant(session->session, grant_id, hsdt::c::ContextFrom(reason, nullptr, nullptr)).status());
  });
}

hsdt_status hsdt_grant_list(hsdt_db* db, hsdt_session* session, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return OutputArray(db->db->ListGrants(session->session), [](const hsdt::GrantInfo& g, std::string* o) {
      JsonField(o, "id", g.id);
      JsonField(o, "granteeUser", g.spec.grantee_user);
      JsonField(o, "granteeUnit", g.spec.grantee_unit);
      hsdt::c::JsonStrings(o, "dossiers", g.spec.dossiers);
      JsonField(o, "scopeUnit", g.spec.scope_unit);
      JsonField(o, "rights", static_cast<long long>(g.spec.rights));
      std::string purposes = "[";
      for (hsdt::Purpose p : g.spec.purposes) {
        if (purposes.size() > 1) purposes += ",";
        purposes += std::to_string(static_cast<int>(p));
      }
      hsdt::c::JsonRaw(o, "purposes", purposes + "]");
      JsonField(o, "legalNumber", g.spec.legal_basis.number);
      JsonField(o, "legalDate", g.spec.legal_basis.date);
      JsonField(o, "signer", g.spec.signer);
      JsonField(o, "validFromMicros", static_cast<long long>(g.spec.valid_from_micros));
      JsonField(o, "validUntilMicros", static_cast<long long>(g.spec.valid_until_micros));
      JsonField(o, "issuedBy", g.issued_by);
      JsonBool(o, "revoked", g.revoked);
      JsonField(o, "version", static_cast<long long>(g.version));
    }, out_json, out_len);
  });
}

hsdt_status hsdt_explain(hsdt_db* db, hsdt_session* session, const char* user_name, int action,
                         const char* dossier_id, int64_t micros, int purpose, char** out_json,
                         size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (user_name == nullptr) return SetError(HSDT_MISUSE, "user_name: NULL");
  if (action < 1 || action > hsdt::kActionCount) {
    return SetError(HSDT_INVALID_ARGUMENT, "action: " + std::to_string(action) + " is not an action");
  }
  return Guard([&] {
    auto d = db->db->Explain(session->session, user_name, static_cast<hsdt::Action>(action), Str(dossier_id),
                             micros, static_cast<hsdt::Purpose>(purpose));
    if (!d.ok()) return FromStatus(d.status());
    std::string o = "{";
    JsonBool(&o, "allowed", d->allowed);
    JsonField(&o, "rule", d->rule);
    JsonField(&o, "grantId", d->grant_id);
    JsonField(&o, "reason", d->reason);
    JsonField(&o, "visibility", static_cast<long long>(d->visibility));
    return hsdt::c::Output(o + "}", out_json, out_len);
  });
}

hsdt_status hsdt_audit_verify(hsdt_db* db, hsdt_session* session, uint64_t digest_sequence,
                              const char* digest_head_hex, char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (digest_sequence > 0 && digest_head_hex == nullptr) {
    return SetError(HSDT_MISUSE, "digest_head_hex: NULL with digest_sequence > 0");
  }
  return Guard([&] {
    hsdt::AuditDigest digest{digest_sequence, Str(digest_head_hex)};
    auto v = db->db->VerifyAudit(session->session, digest_sequence > 0 ? &digest : nullptr);
    if (!v.ok()) return FromStatus(v.status());
    std::string o = "{";
    JsonBool(&o, "ok", v->ok);
    JsonField(&o, "entries", static_cast<long long>(v->entries));
    JsonField(&o, "firstBadSequence", static_cast<long long>(v->first_bad_sequence));
    JsonField(&o, "problem", v->problem);
    return hsdt::c::Output(o + "}", out_json, out_len);
  });
}

hsdt_status hsdt_audit_digest(hsdt_db* db, hsdt_session* session, uint64_t* out_sequence, char** out_head_hex) {
  if (out_sequence != nullptr) *out_sequence = 0;
  if (out_head_hex != nullptr) *out_head_hex = nullptr;
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (out_sequence == nullptr || out_head_hex == nullptr) return SetError(HSDT_MISUSE, "out: NULL");
  return Guard([&] {
    auto d = db->db->DigestAudit(session->session);
    if (!d.ok()) return FromStatus(d.status());
    *out_sequence = d->sequence;
    return hsdt::c::Output(d->head_hex, out_head_hex, nullptr);
  });
}

hsdt_status hsdt_audit_read(hsdt_db* db, hsdt_session* session, uint64_t from_sequence, size_t limit,
                            char** out_json, size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  return Guard([&] {
    return OutputArray(db->db->ReadAudit(session->session, from_sequence, limit), AuditEntryJson, out_json, out_len);
  });
}

hsdt_status hsdt_audit_find(hsdt_db* db, hsdt_session* session, const char* actor, const char* unit,
                            const char* dossier_id, const char* action, int outcome, int64_t from_micros,
                            int64_t until_micros, uint64_t from_sequence, size_t limit, char** out_json,
                            size_t* out_len) {
  ClearOut(out_json, out_len);
  if (hsdt_status s = CheckDbSession(db, session); s != HSDT_OK) return s;
  if (hsdt_status s = Require(out_json, "out_json"); s != HSDT_OK) return s;
  if (outcome < -1 || outcome > 1) return SetError(HSDT_INVALID_ARGUMENT, "outcome: expected -1 (any), 0 (denied) or 1 (allowed)");
  return Guard([&] {
    hsdt::AuditFilter f;
    f.actor = Str(actor);
    f.unit = Str(unit);
    f.dossier_id = Str(dossier_id);
    f.action = Str(action);
    if (outcome >= 0) f.allowed = outcome == 1;
    f.from_micros = from_micros;
    f.until_micros = until_micros;
    auto page = db->db->FindAudit(session->session, f, from_sequence, limit);
    if (!page.ok()) return FromStatus(page.status());
    std::string entries = "[";
    for (const auto& e : page->entries) {
      std::string o = "{";
      AuditEntryJson(e, &o);
      entries += (entries.size() > 1 ? "," : "") + o + "}";
    }
    std::string json = "{";
    hsdt::c::JsonRaw(&json, "entries", entries + "]");
    JsonField(&json, "nextSequence", static_cast<long long>(page->next_sequence));
    JsonField(&json, "examined", static_cast<long long>(page->examined));
    return hsdt::c::Output(json + "}", out_json, out_len);
  });
}

}  // extern "C"
