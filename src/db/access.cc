// Sessions, logins and the one authorisation path: every call is checked here, decided by the
// policy evaluator and, when refused, audited here.
#include <hsdt/session.h>

#include "base/impl_access.h"
#include "crypto/crypto.h"
#include <filesystem>

#include "db/database_impl.h"
#include "policy/passwords.h"
#include <hsdt/reference.h>

#include "schema/reflect.h"
#include "schema/text.h"
#include "schema/validate.h"

namespace hsdt {

Session::Session(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
const std::string& Session::user() const { return impl_->user; }
const std::string& Session::unit() const { return impl_->unit; }
Role Session::role() const { return impl_->role; }
bool Session::must_change_password() const { return impl_->must_change_password.load(); }

namespace db {

policy::Change ChangeOf(const std::string& actor, const ChangeContext& ctx) {
  return {actor, ctx.reason, ctx.source.number, ctx.source.date};
}

Status CheckReason(const ChangeContext& c, bool source_required) {
  if (c.reason.size() > schema::kShortTextBytes) {
    return Status::InvalidArgument("context.reason: " + std::to_string(c.reason.size()) + " bytes; limit 512");
  }
  // Both go into the audit log, which is read back as JSON: UTF-8 only.
  for (const auto& [what, text] : {std::pair{"context.reason", &c.reason}, std::pair{"context.source.number", &c.source.number}}) {
    if (const std::int64_t at = schema::InvalidUtf8At(*text); at >= 0) {
      return Status::InvalidArgument(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(at) +
                                     "; expected UTF-8 text");
    }
    // Printable text only: the archive (docs/archive.md) carries it back as it was.
    if (const std::int64_t at = schema::ControlCharAt(*text); at >= 0) {
      return Status::InvalidArgument(std::string(what) + ": control character at byte " + std::to_string(at) +
                                     "; expected printable text");
    }
  }
  if (!source_required && c.source.number.empty() && c.source.date.empty()) return Status::Ok();
  if (c.source.number.empty() || c.source.number.size() > 128) {
    return Status::InvalidArgument(
        "context.source.number: every change cites its source document; expected 1 to 128 bytes");
  }
  if (!schema::IsFullDate(c.source.date)) {
    return Status::InvalidArgument("context.source.date: \"" + c.source.date.substr(0, 32) +
                                   "\" is not a date; expected YYYY-MM-DD");
  }
  return Status::Ok();
}

}  // namespace db

namespace {
constexpr char kLoginRefused[] = "login refused: wrong user name or password, or the account is locked or revoked";
}  // namespace

crypto::PwhashParams Database::Impl::PasswordParams() const {
  return crypto::NewPwhashParams(static_cast<int>(options_.password_cost));
}

int Database::Impl::TierOf(std::string_view unit) const {
  auto u = registry_->FindUnit(unit);
  return u ? u->tier : 1;
}

policy::Principal Database::Impl::PrincipalOf(const policy::AccountRecord& a) const {
  policy::Principal p;
  p.user = policy::FoldUserName(a.user_name);
  p.unit = a.unit;
  p.role = a.role;
  p.state = a.state;
  p.tier = TierOf(a.unit);
  return p;
}

policy::Principal Database::Impl::PrincipalOf(const policy::AccountRecord& a, std::string folded) const {
  policy::Principal p;
  p.user = std::move(folded);
  p.unit = a.unit;
  p.role = a.role;
  p.state = a.state;
  p.tier = TierOf(a.unit);
  return p;
}

AuditRecord Database::Impl::EntryFor(const Access& access, Action action, std::string_view target,
                                     Purpose purpose, std::string_view reason) const {
  AuditRecord e;
  e.actor = access.actor;
  e.action = ActionName(action);
  e.target = target;
  e.allowed = true;
  e.purpose = purpose == Purpose::kNone ? "" : PurposeName(purpose);
  e.reason = reason;
  e.rule = access.decision.grant_id.empty() ? access.decision.rule : "grant " + access.decision.grant_id;
  return e;
}

Result<std::uint64_t> Database::Impl::Apply(Change change) {
  const bool wait = change.wait != Wait::kQueued;
  std::string feed = change.feed.empty() ? std::string() : storage::EncodeFeedEntry(change.feed);
  HSDT_ASSIGN_OR_RETURN(std::uint64_t sequence, audit_->Append(std::move(change.entry), std::move(change.ops), wait,
                                                               change.wait == Wait::kDurable, std::move(feed)));
  if (change.applied) change.applied();
  if (!change.feed.empty()) notifier_.Notify(sequence);
  return sequence;
}

Status Database::Impl::AuditRead(AuditRecord entry) {
  if (!audit_reads) return Status::Ok();
  return Apply({std::move(entry), {}, Wait::kQueued, {}}).status();
}

Status Database::Impl::AuditNow(AuditRecord entry) { return Apply({std::move(entry)}).status(); }

Result<std::shared_ptr<const policy::AccountRecord>> Database::Impl::Live(const Session& session, std::int64_t now) {
  const auto& s = internal::ImplAccess::Pointer(session);
  if (!s || s->owner != instance_) return Status::PermissionDenied("session: not a session of this database");
  if (s->ended.load()) return Status::PermissionDenied("session: ended; log in again");
  if (now - s->last_used_micros.load() > options_.session_idle_micros) {
    s->ended = true;
    return Status::PermissionDenied("session: expired after being idle; log in again");
  }
  if (now - s->created_micros > options_.session_lifetime_micros) {
    s->ended = true;
    return Status::PermissionDenied("session: expired; log in again");
  }
  auto account = registry_->FindFoldedAccount(s->folded);
  if (!account || account->state == AccountState::kRevoked) {
    s->ended = true;
    return Status::PermissionDenied("session: the account is revoked");
  }
  if (account->session_epoch != s->epoch.load()) {
    s->ended = true;
    return Status::PermissionDenied("session: ended by a password change; log in again");
  }
  return account;
}

Result<policy::Principal> Database::Impl::Validate(const Session& session, std::int64_t now) {
  HSDT_ASSIGN_OR_RETURN(auto account, Live(session, now));
  const auto& s = internal::ImplAccess::Pointer(session);
  if (s->must_change_password.load()) {
    return Status::PermissionDenied("session: change the temporary password first (ChangePassword)");
  }
  s->last_used_micros = now;
  return PrincipalOf(*account, s->folded);
}

Result<Database::Impl::Access> Database::Impl::Deny(const Session& session, Action action,
                                                    std::string_view target, Purpose purpose,
                                                    const Decision& decision) {
  AuditRecord e;
  const auto& s = internal::ImplAccess::Pointer(session);
  e.actor = s ? s->user : "-";
  e.action = ActionName(action);
  e.target = target;
  e.allowed = false;
  e.purpose = purpose == Purpose::kNone ? "" : PurposeName(purpose);
  e.reason = decision.reason;
  e.rule = decision.rule;
  HSDT_RETURN_IF_ERROR(Apply({std::move(e), {}, Wait::kWritten, {}}).status());
  return Status::PermissionDenied(std::string(ActionName(action)) + " " + std::string(target) +
                                  ": denied: " + decision.reason);
}

Status Database::Impl::AuditMiss(const Session& session, Action action, std::string_view target,
                                 Purpose purpose, const Status& missing) {
  Decision d;
  auto who = Validate(session, Now());
  d.rule = who.ok() ? "not-found" : "session";
  d.reason = db::WithoutQuotedValues(who.ok() ? missing.message() : who.status().message());
  Status denied = Deny(session, action, target, purpose, d).status();
  // The refusal is what Deny returns once the entry is written; any other status is the log's.
  if (denied.code() != StatusCode::kPermissionDenied) return denied;
  return who.ok() ? missing : denied;
}

Status Database::Impl::AuthorizeMissing(const Session& session, Action action, const policy::Resource& what,
                                        std::string_view target, const Status& missing) {
  HSDT_RETURN_IF_ERROR(Authorize(session, action, what, Purpose::kNone, target).status());
  return AuditMiss(session, action, target, Purpose::kNone, missing);
}

Result<Database::Impl::Access> Database::Impl::Authorize(const Session& session, Action action,
                                                         const policy::Resource& what,
                                                         Purpose purpose, std::string_view target) {
  HSDT_RETURN_IF_ERROR(CatchUp(false));
  const std::int64_t now = Now();  // one reading: the session's time is the decision's time
  auto who = Validate(session, now);
  if (!who.ok()) {
    Decision d;
    d.rule = "session";
    d.reason = std::string(who.status().message());
    return Deny(session, action, target, purpose, d);
  }
  // A view refuses writes here; maintenance reads (check, stats) pass, and the store refuses what
  // maintenance would write.
  if (store_->read_only() && policy::IsWrite(action) && action != Action::kMaintain) {
    Decision d;
    d.rule = "read-only-view";
    d.reason = storage::kReadOnlyView;
    auto denied = Deny(session, action, target, purpose, d);  // audited, in the view's spool
    if (denied.status().code() != StatusCode::kPermissionDenied) return denied.status();
    return Status::IOError(storage::kReadOnlyView);
  }
  if (!IsPurpose(purpose)) {  // a C caller passes any integer
    Decision d;
    d.rule = "invalid-purpose";
    d.reason = "purpose " + std::to_string(static_cast<int>(purpose)) + " is not one of article 11";
    auto denied = Deny(session, action, target, Purpose::kNone, d);  // audited
    if (denied.status().code() != StatusCode::kPermissionDenied) return denied.status();
    return Status::InvalidArgument("purpose: " + d.reason);
  }
  policy::Context ctx;
  ctx.now_micros = now;
  ctx.purpose = purpose;
  std::shared_ptr<const std::vector<policy::GrantView>> grants;  // keeps the snapshot alive
  if (action == Action::kReadDossier || action == Action::kReadHistory || action == Action::kExportDossier) {
    grants = registry_->GrantViews();
    ctx.grants = *grants;
  }
  Decision d = policy::Decide(*who, action, what, ctx);
  if (!d.allowed) return Deny(session, action, target, purpose, d);
  return Access{std::move(who).value(), std::move(d), internal::ImplAccess::Pointer(session)->user};
}

policy::Resource Database::Impl::OwnUnit(const Session& session) {
  policy::Resource own;
  if (const auto& s = internal::ImplAccess::Pointer(session)) own.managing_unit = s->unit;
  return own;
}

Result<Database::Impl::Access> Database::Impl::AuthorizeOwnUnit(const Session& session, Action action,
                                                                Purpose purpose, std::string_view target) {
  return Authorize(session, action, OwnUnit(session), purpose, target);
}

Result<Session> Database::Impl::Login(std::string_view user, std::string_view password) {
  HSDT_RETURN_IF_ERROR(CatchUp(false));
  const std::int64_t now = Now();
  auto account = registry_->FindAccount(user);
  AuditRecord e;
  e.action = "login";
  if (!account) {
    (void)crypto::VerifyPassword(dummy_hash_, password);  // the same work as a known name
    // What was typed is not recorded: people type their password into the name field.
    e.actor = "-";
    e.target = "-";
    e.reason = "unknown user name";
    HSDT_RETURN_IF_ERROR(Apply({std::move(e), {}, Wait::kWritten, {}}).status());
    return Status::PermissionDenied(kLoginRefused);
  }
  e.actor = account->user_name;
  e.target = account->user_name;
  const bool password_ok = crypto::VerifyPassword(account->password_hash, password);
  base::MutexLock lock(registry_->write_mutex());  // the login state is read, changed, written
  HSDT_ASSIGN_OR_RETURN(policy::LoginState state, registry_->ReadLoginState(user));
  std::vector<storage::BatchOp> ops;
  const bool locked = state.locked_until_micros > now;
  if (locked || !password_ok || account->state == AccountState::kRevoked) {
    if (!password_ok && !locked) {
      state.failed_logins += 1;
      if (state.failed_logins >= options_.lockout_failures) {
        state.locked_until_micros = now + options_.lockout_micros;
        state.failed_logins = 0;
      }
      HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, registry_->StageLoginState(user, state, now));
      ops.push_back(std::move(op));
    }
    e.reason = locked ? "account locked" : !password_ok ? "wrong password" : "account revoked";
    if (state.locked_until_micros > now && !locked) e.reason += "; account now locked";
    if (store_->read_only()) ops.clear();  // a view writes no login state (OpenOptions::read_only)
    HSDT_RETURN_IF_ERROR(Apply({std::move(e), std::move(ops)}).status());
    return Status::PermissionDenied(kLoginRefused);
  }
  if (state.failed_logins != 0 || state.locked_until_micros != 0) {
    HSDT_ASSIGN_OR_RETURN(storage::BatchOp op, registry_->StageLoginState(user, policy::LoginState{}, now));
    ops.push_back(std::move(op));
  }
  policy::AccountRecord current = *account;
  const crypto::PwhashParams params = PasswordParams();
  const bool rehash = !store_->read_only() && crypto::PasswordNeedsRehash(current.password_hash, params);
  if (store_->read_only()) ops.clear();
  if (rehash) {
    // The cost was raised since this hash was made: redo it now that the password is at hand.
    HSDT_ASSIGN_OR_RETURN(current.password_hash, crypto::HashPassword(password, params));
    current.change = {current.user_name, "password hash parameters raised", "", ""};
  }
  e.allowed = true;
  e.rule = "password";
  Change change{std::move(e), std::move(ops), Wait::kDurable, [&] { registry_->Apply(current); }};
  if (rehash) HSDT_RETURN_IF_ERROR(StageRecord(&current, now, &change));
  HSDT_RETURN_IF_ERROR(Apply(std::move(change)).status());
  auto s = std::make_shared<Session::Impl>();
  s->owner = instance_;
  s->user = current.user_name;
  s->folded = policy::FoldUserName(current.user_name);
  s->unit = current.unit;
  s->role = current.role;
  s->created_micros = now;
  s->last_used_micros = now;
  s->epoch = current.session_epoch;
  s->must_change_password = current.must_change_password;
  return internal::ImplAccess::Make<Session>(std::move(s));
}

Status Database::Impl::Logout(const Session& session) {
  const auto& s = internal::ImplAccess::Pointer(session);
  if (!s || s->owner != instance_) return Status::PermissionDenied("session: not a session of this database");
  if (s->ended.exchange(true)) return Status::Ok();
  AuditRecord e;
  e.actor = s->user;
  e.action = "logout";
  e.target = s->user;
  e.allowed = true;
  return AuditNow(std::move(e));
}

Status Database::Impl::ChangePassword(const Session& session, std::string_view old_password,
                                      std::string_view new_password) {
  const auto& s = internal::ImplAccess::Pointer(session);
  AuditRecord e;
  e.action = "change_password";
  auto live = Live(session, Now());
  if (!live.ok()) {
    e.actor = e.target = s ? s->user : "-";
    e.reason = std::string(live.status().message());
    e.rule = "session";
    HSDT_RETURN_IF_ERROR(Apply({std::move(e), {}, Wait::kWritten, {}}).status());
    return live.status();
  }
  const auto& account = *live;
  e.actor = account->user_name;
  e.target = account->user_name;
  if (store_->read_only()) {  // the refusal is audited (in the view's spool), as in Authorize
    e.reason = storage::kReadOnlyView;
    e.rule = "read-only-view";
    HSDT_RETURN_IF_ERROR(Apply({std::move(e), {}, Wait::kWritten, {}}).status());
    return Status::IOError(storage::kReadOnlyView);
  }
  if (!crypto::VerifyPassword(account->password_hash, old_password)) {
    e.reason = "wrong old password";
    HSDT_RETURN_IF_ERROR(Apply({std::move(e), {}, Wait::kWritten, {}}).status());
    return Status::PermissionDenied("change_password: the old password is wrong");
  }
  HSDT_RETURN_IF_ERROR(policy::CheckNewPassword(new_password, account->user_name));
  if (new_password == old_password) return Status::InvalidArgument("password: equal to the old one");
  base::MutexLock lock(registry_->write_mutex());
  policy::AccountRecord next = *registry_->FindFoldedAccount(s->folded);
  HSDT_ASSIGN_OR_RETURN(next.password_hash, crypto::HashPassword(new_password, PasswordParams()));
  next.must_change_password = false;
  next.session_epoch += 1;  // every other session of the account ends
  next.change = {next.user_name, "password changed by its holder", "", ""};
  e.allowed = true;
  e.rule = "own-password";
  HSDT_RETURN_IF_ERROR(ApplyRecord(std::move(e), &next));
  s->epoch = next.session_epoch;
  s->must_change_password = false;
  return Status::Ok();
}

Status Database::Impl::Bootstrap() {
  const AdminCredentials& admin = options_.first_admin;
  if (admin.user_name.empty()) {
    return Status::InvalidArgument(
        "first_admin: creating a database requires the first district administrator's credentials");
  }
  HSDT_RETURN_IF_ERROR(policy::CheckNewPassword(admin.password, admin.user_name));
  const std::int64_t now = Now();
  base::MutexLock lock(registry_->write_mutex());
  std::vector<storage::BatchOp> ops;
  std::vector<policy::UnitRecord> units;
  for (const auto& u : Units()) {
    policy::UnitRecord r;
    r.code = u.code;
    r.name_vi = u.name_vi;
    r.kind = u.kind;
    r.tier = u.tier;
    r.change = {"-", "units of data/units.csv at creation", "", ""};
    units.push_back(std::move(r));
  }
  policy::AccountRecord a;
  a.user_name = admin.user_name;
  a.display_name = admin.display_name.empty() ? admin.user_name : admin.display_name;
  a.unit = "777-NV";
  a.role = Role::kDistrictAdmin;
  HSDT_ASSIGN_OR_RETURN(a.password_hash, crypto::HashPassword(admin.password, PasswordParams()));
  a.change = {"-", "first district administrator, named at creation", "", ""};
  AuditRecord e;
  e.actor = "-";
  e.action = "create_database";
  e.target = a.user_name;
  e.allowed = true;
  e.rule = "creation";
  Change change{std::move(e), std::move(ops), Wait::kDurable, [&] {
                  for (const auto& u : units) registry_->Apply(u);
                  registry_->Apply(a);
                }};
  for (auto& u : units) HSDT_RETURN_IF_ERROR(StageRecord(&u, now, &change));
  HSDT_RETURN_IF_ERROR(StageRecord(&a, now, &change));
  return Apply(std::move(change)).status();
}

Status Database::Impl::Start() {
  if (store_->read_only()) {
    HSDT_ASSIGN_OR_RETURN(audit_, audit::AuditLog::OpenView(store_.get()));
    HSDT_ASSIGN_OR_RETURN(registry_, policy::Registry::Load(store_.get()));
    HSDT_ASSIGN_OR_RETURN(attachments_, storage::AttachmentStore::Open(store_.get()));
    HSDT_ASSIGN_OR_RETURN(dummy_hash_, crypto::HashPassword("not a password of anyone", PasswordParams()));
    if (registry_->empty()) return Status::NotFound(store_->dir() + ": the database is still being created");
    HSDT_RETURN_IF_ERROR(RefuseUnfinishedImport());
    last_catch_up_micros_ = Now();
    return CheckIndexFormat();
  }
  HSDT_ASSIGN_OR_RETURN(audit_, audit::AuditLog::Open(store_.get()));
  HSDT_ASSIGN_OR_RETURN(registry_, policy::Registry::Load(store_.get()));
  HSDT_ASSIGN_OR_RETURN(attachments_, storage::AttachmentStore::Open(store_.get()));
  HSDT_ASSIGN_OR_RETURN(dummy_hash_, crypto::HashPassword("not a password of anyone", PasswordParams()));
  if (importing_) return Status::Ok();  // the import writes the registry, the log and the indexes
  HSDT_RETURN_IF_ERROR(RefuseUnfinishedImport());
  if (registry_->empty()) HSDT_RETURN_IF_ERROR(Bootstrap());
  if (!store_->log_damage().empty()) {
    // Entries after the damage are lost: number on past any of them, and say so.
    audit_->SkipToNextEpoch();
    AuditRecord e;
    e.actor = "-";
    e.action = "recover_log";
    e.target = "write-ahead log";
    e.allowed = true;
    e.rule = "accept_log_damage";
    e.reason = store_->log_damage();
    HSDT_RETURN_IF_ERROR(AuditNow(std::move(e)));
  }
  HSDT_RETURN_IF_ERROR(UpgradeIndexes());
  return IngestSpools();
}

Status Database::Impl::RefuseUnfinishedImport() {
  std::string ignored;
  bool found = false;
  HSDT_RETURN_IF_ERROR(store_->Get(storage::kMetaCf, kImportMarker, &ignored, &found));
  if (!found) return Status::Ok();
  return Status::Corruption(store_->dir() + ": an archive import into it did not finish; remove the directory and "
                            "import the archive again");
}

Status Database::Impl::IngestSpools() { return audit_->IngestSpools().status(); }

Status Database::Impl::CatchUp(bool now) {
  if (!store_->read_only()) {
    if (now) return Status::InvalidArgument("CatchUp: this handle is the primary, not a read-only view");
    return Status::Ok();
  }
  if (!now && Now() - last_catch_up_micros_.load() < options_.catch_up_micros) return Status::Ok();
  std::lock_guard lock(catch_up_mu_);
  if (!now && Now() - last_catch_up_micros_.load() < options_.catch_up_micros) return Status::Ok();
  HSDT_RETURN_IF_ERROR(store_->CatchUp());
  HSDT_RETURN_IF_ERROR(registry_->Reload());
  cache_.Clear();  // any record may have a newer version now
  HSDT_RETURN_IF_ERROR(audit_->Refresh());
  last_catch_up_micros_ = Now();
  return Status::Ok();
}

Status Database::Impl::Close() {
  notifier_.Stop();  // no observer runs once Close returns
  Status audit = audit_ ? audit_->Stop() : Status::Ok();
  Status store = store_->Close();
  if (!scratch_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir_, ec);
    scratch_dir_.clear();
  }
  return audit.ok() ? store : audit;
}

}  // namespace hsdt
