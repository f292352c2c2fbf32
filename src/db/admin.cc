// The Database's registry calls for accounts and units, Explain, the audit log and maintenance
// (grants and hand-overs: admin_grants.cc). Every one is authorised by the policy and audited, in
// the same batch as what it changes.
#include <hsdt/database.h>

#include <cctype>

#include "crypto/crypto.h"
#include "db/database_impl.h"
#include "policy/passwords.h"
#include "schema/text.h"
#include "schema/validate.h"

namespace hsdt {

namespace db {
Status CheckText(std::string_view what, std::string_view text, std::size_t max, bool may_be_empty) {
  if ((text.empty() && !may_be_empty) || text.size() > max) {
    return Status::InvalidArgument(std::string(what) + ": expected " + (may_be_empty ? "0" : "1") + " to " +
                                   std::to_string(max) + " bytes");
  }
  if (const std::int64_t at = schema::InvalidUtf8At(text); at >= 0) {
    return Status::InvalidArgument(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(at) +
                                   "; expected UTF-8 text");
  }
  if (const std::int64_t at = schema::ControlCharAt(text); at >= 0) {
    return Status::InvalidArgument(std::string(what) + ": control character at byte " + std::to_string(at) +
                                   "; expected printable text");
  }
  return Status::Ok();
}

Status CheckDocument(std::string_view what, const SourceDocument& d) {
  HSDT_RETURN_IF_ERROR(CheckText(std::string(what) + ".number", d.number, 128, false));
  if (!schema::IsFullDate(d.date)) {
    return Status::InvalidArgument(std::string(what) + ".date: \"" + d.date.substr(0, 32) + "\" is not a date");
  }
  return Status::Ok();
}
}  // namespace db

namespace {

using db::CheckDocument;
using db::CheckText;
using policy::FoldUserName;

AccountInfo InfoOf(const policy::AccountRecord& a, const policy::LoginState& l) {
  AccountInfo i;
  i.user_name = a.user_name;
  i.display_name = a.display_name;
  i.unit = a.unit;
  i.role = a.role;
  i.state = a.state;
  i.must_change_password = a.must_change_password;
  i.failed_logins = l.failed_logins;
  i.locked_until_micros = l.locked_until_micros;
  i.version = a.version;
  i.changed_at_micros = a.micros;
  i.changed_by = a.change.actor;
  return i;
}

UnitInfo InfoOf(const policy::UnitRecord& u) {
  return UnitInfo{u.code, u.name_vi, u.kind, u.tier, u.active, u.version};
}

Status CheckName(std::string_view what, std::string_view name, std::size_t max) {
  if (name.empty() || name.size() > max) {
    return Status::InvalidArgument(std::string(what) + ": expected 1 to " + std::to_string(max) + " bytes");
  }
  if (const std::int64_t at = schema::InvalidUtf8At(name); at >= 0) {
    return Status::InvalidArgument(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(at) +
                                   "; expected UTF-8 text");
  }
  for (unsigned char c : name) {
    if (c <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument(std::string(what) + ": no spaces or control characters");
    }
  }
  if (schema::ControlCharAt(name) >= 0) {
    return Status::InvalidArgument(std::string(what) + ": no spaces or control characters");
  }
  return Status::Ok();
}

bool IsDistrictRole(Role r) { return r == Role::kDistrictAdmin || r == Role::kDistrictAuditor; }

Status CheckRoleAndUnit(Role role, const policy::UnitRecord& unit) {
  const int r = static_cast<int>(role);
  if (r < 1 || r > 4) return Status::InvalidArgument("role: unknown role " + std::to_string(r));
  if (IsDistrictRole(role) && unit.tier != 2) {
    return Status::InvalidArgument("role: " + std::string(RoleName(role)) + " belongs to a tier-2 unit (777, 777-NV), not " + unit.code);
  }
  return Status::Ok();
}

// A temporary password: 20 random characters of an unambiguous alphabet.
Result<std::string> TemporaryPassword() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  std::uint8_t bytes[20];
  crypto::RandomFill(bytes);
  std::string p;
  for (std::uint8_t b : bytes) p.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
  crypto::Wipe(bytes, sizeof bytes);
  return p;
}

}  // namespace

// --------------------------------------------------------------------------------- accounts

Result<AccountInfo> Database::CreateAccount(const Session& s, const AccountSpec& spec,
                                            const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<AccountInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
    HSDT_RETURN_IF_ERROR(CheckName("user_name", spec.user_name, 64));
    HSDT_RETURN_IF_ERROR(CheckText("display_name", spec.display_name, 128, true));
    policy::Resource what;
    what.target_user = FoldUserName(spec.user_name);
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(s, Action::kManageAccounts, what, Purpose::kNone, spec.user_name));
    auto unit = impl_->registry().FindUnit(spec.unit);
    if (!unit || !unit->active) return Status::InvalidArgument("unit: \"" + spec.unit.substr(0, 32) + "\" is not an active unit");
    HSDT_RETURN_IF_ERROR(CheckRoleAndUnit(spec.role, *unit));
    HSDT_RETURN_IF_ERROR(policy::CheckNewPassword(spec.password, spec.user_name));
    base::MutexLock lock(impl_->registry().write_mutex());
    if (impl_->registry().FindAccount(spec.user_name)) {
      return Status::AlreadyExists("user_name: \"" + spec.user_name + "\" exists (names are case-insensitive)");
    }
    policy::AccountRecord a;
    a.user_name = spec.user_name;
    a.display_name = spec.display_name.empty() ? spec.user_name : spec.display_name;
    a.unit = spec.unit;
    a.role = spec.role;
    a.must_change_password = true;  // the holder chooses their own at first login
    HSDT_ASSIGN_OR_RETURN(a.password_hash, crypto::HashPassword(spec.password, impl_->PasswordParams()));
    a.change = db::ChangeOf(access.actor, ctx);
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(
        impl_->EntryFor(access, Action::kManageAccounts, a.user_name, Purpose::kNone,
                        "create account, role " + std::string(RoleName(a.role)) + ", unit " + a.unit),
        &a));
    return InfoOf(a, {});
  });
}

namespace {
// Applies `change` to account `user` after the policy agreed; shared by state and role changes.
template <typename Change>
Result<AccountInfo> ChangeAccount(Database::Impl& impl, const Session& s, std::string_view user,
                                  const ChangeContext& ctx, std::string what_changed, bool lowers,
                                  Change change) {
  HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
  base::MutexLock lock(impl.registry().write_mutex());
  auto account = impl.registry().FindAccount(user);
  policy::Resource what;
  what.target_user = FoldUserName(account ? account->user_name : user);
  if (!account) {
    return impl.AuthorizeMissing(s, Action::kManageAccounts, what, user.substr(0, 64),
                                 Status::NotFound("account \"" + std::string(user.substr(0, 64)) + "\": no such account"));
  }
  what.lowers_admin = lowers && account->role == Role::kDistrictAdmin && account->state == AccountState::kActive;
  what.target_is_last_active_admin = what.lowers_admin && impl.registry().ActiveAdmins() <= 1;
  HSDT_ASSIGN_OR_RETURN(Database::Impl::Access access,
                        impl.Authorize(s, Action::kManageAccounts, what, Purpose::kNone, account->user_name));
  policy::AccountRecord next = *account;
  HSDT_RETURN_IF_ERROR(change(&next));
  next.change = db::ChangeOf(access.actor, ctx);
  HSDT_RETURN_IF_ERROR(impl.ApplyRecord(impl.EntryFor(access, Action::kManageAccounts, next.user_name, Purpose::kNone,
                                                      what_changed + (ctx.reason.empty() ? "" : "; " + ctx.reason)),
                                        &next));
  HSDT_ASSIGN_OR_RETURN(policy::LoginState login, impl.registry().ReadLoginState(next.user_name));
  return InfoOf(next, login);
}
}  // namespace

Result<AccountInfo> Database::SetAccountState(const Session& s, std::string_view user,
                                              AccountState state, const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<AccountInfo> {
    const int v = static_cast<int>(state);
    if (v < 1 || v > 3) return Status::InvalidArgument("state: unknown account state " + std::to_string(v));
    return ChangeAccount(*impl_, s, user, ctx, std::string("state ") + AccountStateName(state),
                         state != AccountState::kActive, [&](policy::AccountRecord* a) -> Status {
      if (a->state == AccountState::kRevoked) return Status::InvalidArgument("state: a revoked account stays revoked");
      if (a->state == state) return Status::InvalidArgument(std::string("state: the account is already ") + AccountStateName(state));
      a->state = state;
      return Status::Ok();
    });
  });
}

Result<AccountInfo> Database::SetAccountRole(const Session& s, std::string_view user, Role role,
                                             const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<AccountInfo> {
    return ChangeAccount(*impl_, s, user, ctx, std::string("role ") + RoleName(role),
                         role != Role::kDistrictAdmin, [&](policy::AccountRecord* a) -> Status {
      auto unit = impl_->registry().FindUnit(a->unit);
      if (!unit) return Status::Internal("account unit missing from the registry");
      HSDT_RETURN_IF_ERROR(CheckRoleAndUnit(role, *unit));
      if (a->role == role) return Status::InvalidArgument(std::string("role: the account is already ") + RoleName(role));
      a->role = role;
      return Status::Ok();
    });
  });
}

Result<std::string> Database::ResetPassword(const Session& s, std::string_view user,
                                            const SourceDocument& report) {
  return db::Guard([&]() -> Result<std::string> {
    HSDT_RETURN_IF_ERROR(CheckDocument("report", report));
    base::MutexLock lock(impl_->registry().write_mutex());
    auto account = impl_->registry().FindAccount(user);
    policy::Resource what;
    what.target_user = FoldUserName(account ? account->user_name : user);
    if (!account) {
      return impl_->AuthorizeMissing(s, Action::kManageAccounts, what, user.substr(0, 64),
                                     Status::NotFound("account \"" + std::string(user.substr(0, 64)) + "\": no such account"));
    }
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(s, Action::kManageAccounts, what, Purpose::kNone, account->user_name));
    std::string temporary;
    for (int attempt = 0; attempt < 8; ++attempt) {
      HSDT_ASSIGN_OR_RETURN(temporary, TemporaryPassword());
      if (policy::CheckNewPassword(temporary, account->user_name).ok()) break;
    }
    policy::AccountRecord next = *account;
    HSDT_ASSIGN_OR_RETURN(next.password_hash, crypto::HashPassword(temporary, impl_->PasswordParams()));
    next.must_change_password = true;
    next.session_epoch += 1;
    next.change = {access.actor, "password reset after a lost-password report", report.number, report.date};
    HSDT_ASSIGN_OR_RETURN(storage::BatchOp unlock, impl_->registry().StageLoginState(next.user_name, {}, impl_->Now()));
    std::vector<storage::BatchOp> extra;
    extra.push_back(std::move(unlock));
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(impl_->EntryFor(access, Action::kManageAccounts, next.user_name, Purpose::kNone,
                                                            "password reset; report " + report.number + " of " + report.date),
                                            &next, std::move(extra)));
    return temporary;
  });
}

Result<std::vector<AccountInfo>> Database::ListAccounts(const Session& s) {
  return db::Guard([&]() -> Result<std::vector<AccountInfo>> {
    return impl_->Audited(s, Action::kManageAccounts, {}, "accounts", Impl::Wait::kQueued,
                          [&](const Impl::Access&, std::string& reason) -> Result<std::vector<AccountInfo>> {
      reason = "list";
      std::vector<AccountInfo> out;
      for (const auto& a : impl_->registry().Accounts()) {
        HSDT_ASSIGN_OR_RETURN(policy::LoginState l, impl_->registry().ReadLoginState(a.user_name));
        out.push_back(InfoOf(a, l));
      }
      return out;
    });
  });
}

// ------------------------------------------------------------------------------------ units

Result<UnitInfo> Database::CreateUnit(const Session& s, const UnitSpec& spec, const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<UnitInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
    HSDT_RETURN_IF_ERROR(CheckName("code", spec.code, 32));
    HSDT_RETURN_IF_ERROR(CheckText("name_vi", spec.name_vi, 256, false));
    HSDT_ASSIGN_OR_RETURN(Impl::Access access, impl_->Authorize(s, Action::kManageUnits, {}, Purpose::kNone, spec.code));
    base::MutexLock lock(impl_->registry().write_mutex());
    if (impl_->registry().FindUnit(spec.code)) return Status::AlreadyExists("code: unit \"" + spec.code + "\" exists");
    policy::UnitRecord u;
    u.code = spec.code;
    u.name_vi = spec.name_vi;
    u.kind = spec.kind;
    u.tier = 1;  // 777 and 777-NV, created with the database, are the only tier-2 units
    u.change = db::ChangeOf(access.actor, ctx);
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(impl_->EntryFor(access, Action::kManageUnits, u.code, Purpose::kNone, "create unit"), &u));
    return InfoOf(u);
  });
}

Result<UnitInfo> Database::SetUnitActive(const Session& s, std::string_view code, bool active,
                                         const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<UnitInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
    HSDT_ASSIGN_OR_RETURN(Impl::Access access, impl_->Authorize(s, Action::kManageUnits, {}, Purpose::kNone, code));
    base::MutexLock lock(impl_->registry().write_mutex());
    auto unit = impl_->registry().FindUnit(code);
    if (!unit) return Status::NotFound("unit \"" + std::string(code.substr(0, 32)) + "\": no such unit");
    if (unit->tier == 2 && !active) return Status::InvalidArgument("code: a tier-2 unit stays active");
    if (unit->active == active) return Status::InvalidArgument(std::string("active: the unit is already ") + (active ? "active" : "inactive"));
    policy::UnitRecord next = *unit;
    next.active = active;
    next.change = db::ChangeOf(access.actor, ctx);
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(
        impl_->EntryFor(access, Action::kManageUnits, next.code, Purpose::kNone, active ? "activate" : "deactivate"), &next));
    return InfoOf(next);
  });
}

Result<std::vector<UnitInfo>> Database::ListUnits(const Session& s) {
  return db::Guard([&]() -> Result<std::vector<UnitInfo>> {
    return impl_->Audited(s, Action::kReadReports, Impl::OwnUnit(s), "units", Impl::Wait::kQueued,
                          [&](const Impl::Access&, std::string& reason) -> Result<std::vector<UnitInfo>> {
      reason = "list";
      std::vector<UnitInfo> out;
      for (const auto& u : impl_->registry().Units()) out.push_back(InfoOf(u));
      return out;
    });
  });
}

// ------------------------------------------------------------------------------------ explain

Result<Decision> Database::Explain(const Session& s, std::string_view user, Action action,
                                   std::string_view dossier_id, std::int64_t micros, Purpose purpose) {
  return db::Guard([&]() -> Result<Decision> {
    const std::string target = std::string(user.substr(0, 64)) + " " + ActionName(action) + " " +
                               std::string(dossier_id.substr(0, 32)) + " at " + std::to_string(micros);
    return impl_->Audited(s, Action::kReadAudit, {}, target, Impl::Wait::kDurable,
                          [&](const Impl::Access&, std::string& reason) -> Result<Decision> {
      if (static_cast<int>(action) < 1 || static_cast<int>(action) > kActionCount) {
        return Status::InvalidArgument("action: " + std::to_string(static_cast<int>(action)) + " is not an action");
      }
      if (!IsPurpose(purpose)) {
        return Status::InvalidArgument("purpose: " + std::to_string(static_cast<int>(purpose)) + " is not one of article 11");
      }
      HSDT_ASSIGN_OR_RETURN(auto account, impl_->registry().AccountAsOf(user, micros));
      Decision d;
      if (!account) {
        d.rule = "no-account";
        d.reason = "no such account at that time";
      } else {
        policy::Principal who;
        who.user = FoldUserName(account->user_name);
        who.unit = account->unit;
        who.role = account->role;
        who.state = account->state;
        HSDT_ASSIGN_OR_RETURN(auto unit, impl_->registry().UnitAsOf(account->unit, micros));
        who.tier = unit ? unit->tier : 1;
        policy::Resource what;
        what.dossier_id = std::string(dossier_id);
        if (!dossier_id.empty()) {
          HSDT_ASSIGN_OR_RETURN(std::uint64_t id, db::IdOf(dossier_id));
          auto version = impl_->store().VersionAsOf(id, micros);
          if (version.ok()) {
            HSDT_ASSIGN_OR_RETURN(auto record, impl_->Load(id, *version));
            what.managing_unit = Impl::ManagingUnitOf(*record);
          } else if (version.status().code() != StatusCode::kNotFound) {
            return version.status();
          }
        }
        policy::Context ctx;
        ctx.now_micros = micros;
        ctx.purpose = purpose;
        HSDT_ASSIGN_OR_RETURN(std::vector<policy::GrantView> then, impl_->registry().GrantViewsAsOf(micros));
        ctx.grants = then;
        d = policy::Decide(who, action, what, ctx);
      }
      reason = std::string("explain: ") + (d.allowed ? "allowed by " : "denied by ") + d.rule;
      return d;
    });
  });
}

// -------------------------------------------------------------------------------------- audit

namespace {
// A digest kept outside the database, as given back: 64 hex digits (either case).
Status CheckDigest(const AuditDigest& d, AuditDigest* normalised) {
  bool hex = d.head_hex.size() == 64;
  for (char c : d.head_hex) hex = hex && std::isxdigit(static_cast<unsigned char>(c)) != 0;
  if (!hex) {
    return Status::InvalidArgument("digest.head_hex: \"" + d.head_hex.substr(0, 80) +
                                   "\" is not a link of the chain; expected 64 hex digits");
  }
  normalised->sequence = d.sequence;
  normalised->head_hex = d.head_hex;
  for (char& c : normalised->head_hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Status::Ok();
}
}  // namespace

Result<AuditVerification> Database::VerifyAudit(const Session& s, const AuditDigest* given) {
  return db::Guard([&]() -> Result<AuditVerification> {
    AuditDigest digest;
    if (given != nullptr) HSDT_RETURN_IF_ERROR(CheckDigest(*given, &digest));
    const AuditDigest* against = given != nullptr ? &digest : nullptr;
    return impl_->Audited(s, Action::kVerifyAudit, {}, "audit log", Impl::Wait::kDurable,
                          [&](const Impl::Access&, std::string& reason) -> Result<AuditVerification> {
      HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
      HSDT_ASSIGN_OR_RETURN(AuditVerification v, impl_->audit().Verify(against));
      reason = v.ok ? "verified " + std::to_string(v.entries) + " entries"
                    : "entry " + std::to_string(v.first_bad_sequence) + ": " + v.problem;
      return v;
    });
  });
}

Result<AuditDigest> Database::DigestAudit(const Session& s) {
  return db::Guard([&]() -> Result<AuditDigest> {
    return impl_->Audited(s, Action::kVerifyAudit, {}, "audit digest", Impl::Wait::kDurable,
                          [&](const Impl::Access&, std::string& reason) -> Result<AuditDigest> {
      HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
      HSDT_RETURN_IF_ERROR(impl_->audit().Flush());
      AuditDigest d = impl_->audit().Digest();
      reason = "digest at entry " + std::to_string(d.sequence);
      return d;
    });
  });
}

Result<std::vector<AuditRecord>> Database::ReadAudit(const Session& s, std::uint64_t from, std::size_t limit) {
  return db::Guard([&]() -> Result<std::vector<AuditRecord>> {
    return impl_->Audited(s, Action::kReadAudit, {}, "audit log", Impl::Wait::kQueued,
                          [&](const Impl::Access&, std::string& reason) -> Result<std::vector<AuditRecord>> {
      reason = "read from entry " + std::to_string(from);
      HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
      return impl_->audit().Read(from, limit);
    });
  });
}

// -------------------------------------------------------------------------------- maintenance

namespace {
// A maintenance call: its writes are its own (many batches), audited once they are done.
template <typename Fn>
auto Maintain(Database::Impl& impl, const Session& s, std::string_view what, Fn&& fn) -> decltype(fn()) {
  return impl.Audited(s, Action::kMaintain, {}, what, Database::Impl::Wait::kDurable,
                      [&](const Database::Impl::Access&, std::string& reason) -> decltype(fn()) {
    reason = "done";
    return fn();
  });
}

template <typename T>
Result<T> Wrap(Result<T> r) { return r; }
inline Result<bool> Wrap(Status s) {
  if (!s.ok()) return s;
  return true;
}
}  // namespace

Status Database::Sync(const Session& s) {
  return db::Guard([&]() -> Status {
    // Audited like every call. Its entry is written once the sync returns; the sync makes
    // durable every entry and write acknowledged before it.
    return impl_->Audited(s, Action::kReadReports, Impl::OwnUnit(s), "sync", Impl::Wait::kDurable,
                          [&](const Impl::Access&, std::string&) -> Result<bool> {
                            HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
                            return Wrap(impl_->store().Sync());
                          })
        .status();
  });
}

Result<CheckReport> Database::Check(const Session& s) {
  return db::Guard([&] { return Maintain(*impl_, s, "check", [&] { return impl_->Check(); }); });
}

Result<IndexReport> Database::VerifyIndexes(const Session& s, bool repair) {
  return db::Guard([&] {
    return Maintain(*impl_, s, repair ? "index verify and repair" : "index verify",
                    [&] { return impl_->VerifyIndexes(repair); });
  });
}

Status Database::ChangeKey(const Session& s, const Key& new_key) {
  return db::Guard([&]() -> Status {
    return Maintain(*impl_, s, "change database key", [&] {
      return Wrap(impl_->store().ChangeKey(new_key, static_cast<int>(impl_->options().kdf_cost)));
    }).status();
  });
}

Result<RekeyProgress> Database::Rekey(const Session& s, std::uint64_t max_values) {
  return db::Guard([&] { return Maintain(*impl_, s, "re-key", [&] { return impl_->store().Rekey(max_values, &impl_->registry().write_mutex()); }); });
}

Result<std::uint32_t> Database::TrainDictionary(const Session& s) {
  return db::Guard([&] { return Maintain(*impl_, s, "train dictionary", [&] { return impl_->store().TrainDictionary(); }); });
}

Result<BackupInfo> Database::Backup(const Session& s, const std::string& backup_dir) {
  return db::Guard([&] {
    return Maintain(*impl_, s, "backup", [&]() -> Result<BackupInfo> {
      // A view reads beside the primary; the backup engine needs the primary's own handle.
      if (impl_->store().read_only()) return Status::IOError(storage::kReadOnlyView);
      HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
      HSDT_RETURN_IF_ERROR(impl_->audit().Flush());  // the backup holds every audited read so far
      return impl_->store().Backup(backup_dir);
    });
  });
}

Result<DatabaseStats> Database::Stats(const Session& s) {
  return db::Guard([&] {
    return Maintain(*impl_, s, "stats", [&]() -> Result<DatabaseStats> {
      HSDT_ASSIGN_OR_RETURN(DatabaseStats st, impl_->store().Stats());
      st.record_cache_hits = impl_->cache().hits();
      st.record_cache_misses = impl_->cache().misses();
      st.audit_entries = impl_->audit().Digest().sequence;
      return st;
    });
  });
}

}  // namespace hsdt
