// The Database's registry calls for written-consent grants (article 8.2) and hand-overs of a
// dossier between units (article 10). Each is authorised by the policy and audited in the same
// batch as what it changes; an approved hand-over moves the dossier in that batch too.
#include <hsdt/database.h>

#include <limits>

#include "base/impl_access.h"
#include "db/database_impl.h"
#include "schema/record.h"
#include "schema/text.h"

namespace hsdt {
namespace {

using db::CheckDocument;
using policy::FoldUserName;

GrantInfo InfoOf(const policy::GrantRecord& g) {
  GrantInfo i;
  i.id = g.view.id;
  i.spec.grantee_user = g.view.grantee_user;
  i.spec.grantee_unit = g.view.grantee_unit;
  i.spec.dossiers = g.view.dossiers;
  i.spec.scope_unit = g.view.scope_unit;
  i.spec.rights = g.view.rights;
  i.spec.purposes = g.view.purposes;
  i.spec.legal_basis = {g.legal_number, g.legal_date};
  i.spec.signer = g.legal_signer;
  i.spec.valid_from_micros = g.view.valid_from_micros;
  i.spec.valid_until_micros = g.view.valid_until_micros;
  i.issued_by = g.issued_by;
  i.revoked = g.view.revoked;
  i.version = g.version;
  return i;
}

HandOverInfo InfoOf(const policy::HandOverRecord& h) {
  HandOverInfo i;
  i.id = h.id;
  i.dossier_id = h.dossier_id;
  i.from_unit = h.from_unit;
  i.to_unit = h.to_unit;
  i.written_request = {h.request_number, h.request_date};
  i.requested_by = h.requested_by;
  i.state = h.state;
  i.decided_by = h.decided_by;
  i.version = h.version;
  return i;
}

}  // namespace

// ----------------------------------------------------------------------------------- grants

Result<GrantInfo> Database::IssueGrant(const Session& s, const GrantSpec& spec, const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<GrantInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
    if (spec.grantee_user.empty() == spec.grantee_unit.empty()) {
      return Status::InvalidArgument("grantee: name exactly one account or one unit");
    }
    if (!spec.grantee_user.empty() && !impl_->registry().FindAccount(spec.grantee_user)) {
      return Status::InvalidArgument("grantee_user: no account \"" + spec.grantee_user.substr(0, 64) + "\"");
    }
    if (!spec.grantee_unit.empty() && !impl_->registry().FindUnit(spec.grantee_unit)) {
      return Status::InvalidArgument("grantee_unit: no unit \"" + spec.grantee_unit.substr(0, 32) + "\"");
    }
    if (spec.dossiers.empty() == spec.scope_unit.empty()) {
      return Status::InvalidArgument("scope: list dossiers or name one unit, not both or neither");
    }
    for (std::size_t i = 0; i < spec.dossiers.size(); ++i) {
      if (!db::ParseId(spec.dossiers[i])) return Status::InvalidArgument("dossiers[" + std::to_string(i) + "]: not a dossier id");
    }
    if (!spec.scope_unit.empty() && !impl_->registry().FindUnit(spec.scope_unit)) {
      return Status::InvalidArgument("scope_unit: no unit \"" + spec.scope_unit.substr(0, 32) + "\"");
    }
    if (spec.rights == 0 || (spec.rights & ~std::uint32_t{15}) != 0) {
      return Status::InvalidArgument("rights: expected a non-empty set of read, read personal, read confidential, export");
    }
    for (std::size_t i = 0; i < spec.purposes.size(); ++i) {
      if (!IsPurpose(spec.purposes[i]) || spec.purposes[i] == Purpose::kNone) {
        return Status::InvalidArgument("purposes[" + std::to_string(i) + "]: not a purpose");
      }
    }
    HSDT_RETURN_IF_ERROR(CheckDocument("legal_basis", spec.legal_basis));
    HSDT_RETURN_IF_ERROR(db::CheckText("signer", spec.signer, 256, false));
    if (spec.valid_until_micros <= spec.valid_from_micros) {
      return Status::InvalidArgument("valid_until: not after valid_from");
    }
    // Instants of the years 0001 to 9999 (docs/archive.md), or no end at all.
    constexpr std::int64_t kFirst = -62135596800LL * 1000000, kLast = 253402300799LL * 1000000;
    if (spec.valid_from_micros < kFirst || spec.valid_from_micros > kLast) {
      return Status::InvalidArgument("valid_from: outside the years 0001 to 9999");
    }
    if (spec.valid_until_micros > kLast && spec.valid_until_micros != std::numeric_limits<std::int64_t>::max()) {
      return Status::InvalidArgument("valid_until: outside the years 0001 to 9999 (INT64_MAX: no end)");
    }
    policy::Resource what;
    what.target_user = spec.grantee_user.empty() ? "" : FoldUserName(spec.grantee_user);
    HSDT_ASSIGN_OR_RETURN(Impl::Access access, impl_->Authorize(s, Action::kManageGrants, what, Purpose::kNone, "new grant"));
    base::MutexLock lock(impl_->registry().write_mutex());
    policy::GrantRecord g;
    g.view.id = impl_->registry().NextGrantId();
    g.view.grantee_user = what.target_user;
    g.view.grantee_unit = spec.grantee_unit;
    g.view.dossiers = spec.dossiers;
    g.view.scope_unit = spec.scope_unit;
    g.view.rights = spec.rights;
    g.view.purposes = spec.purposes;
    g.view.valid_from_micros = spec.valid_from_micros;
    g.view.valid_until_micros = spec.valid_until_micros;
    g.legal_number = spec.legal_basis.number;
    g.legal_date = spec.legal_basis.date;
    g.legal_signer = spec.signer;
    g.issued_by = access.actor;
    g.change = db::ChangeOf(access.actor, ctx);
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(
        impl_->EntryFor(access, Action::kManageGrants, g.view.id, Purpose::kNone,
                        "issue grant; written approval " + g.legal_number + " of " + g.legal_date),
        &g));
    return InfoOf(g);
  });
}

Result<GrantInfo> Database::RevokeGrant(const Session& s, std::string_view grant_id, const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<GrantInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, false));
    base::MutexLock lock(impl_->registry().write_mutex());
    auto grant = impl_->registry().FindGrant(grant_id);
    if (!grant) {
      return impl_->AuthorizeMissing(s, Action::kManageGrants, {}, grant_id.substr(0, 32),
                                     Status::NotFound("grant \"" + std::string(grant_id.substr(0, 32)) + "\": no such grant"));
    }
    policy::Resource what;
    what.target_user = grant->view.grantee_user;
    HSDT_ASSIGN_OR_RETURN(Impl::Access access, impl_->Authorize(s, Action::kManageGrants, what, Purpose::kNone, grant_id));
    if (grant->view.revoked) return Status::InvalidArgument("grant: already revoked");
    policy::GrantRecord next = *grant;
    next.view.revoked = true;
    next.change = db::ChangeOf(access.actor, ctx);
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(
        impl_->EntryFor(access, Action::kManageGrants, next.view.id, Purpose::kNone, "revoke grant"), &next));
    return InfoOf(next);
  });
}

Result<std::vector<GrantInfo>> Database::ListGrants(const Session& s) {
  return db::Guard([&]() -> Result<std::vector<GrantInfo>> {
    return impl_->Audited(s, Action::kReadAudit, {}, "grants", Impl::Wait::kQueued,
                          [&](const Impl::Access&, std::string& reason) -> Result<std::vector<GrantInfo>> {
      reason = "list";
      std::vector<GrantInfo> out;
      for (const auto& g : impl_->registry().Grants()) out.push_back(InfoOf(g));
      return out;
    });
  });
}

// ------------------------------------------------------------------------------- hand-overs

Result<HandOverInfo> Database::RequestHandOver(const Session& s, std::string_view dossier_id,
                                               const SourceDocument& written_request, std::string_view reason) {
  return db::Guard([&]() -> Result<HandOverInfo> {
    HSDT_RETURN_IF_ERROR(CheckDocument("written_request", written_request));
    if (reason.size() > 512) return Status::InvalidArgument("reason: over 512 bytes");
    if (const std::int64_t at = schema::InvalidUtf8At(reason); at >= 0) {  // it goes into the log
      return Status::InvalidArgument("reason: invalid UTF-8 at byte " + std::to_string(at) + "; expected UTF-8 text");
    }
    HSDT_ASSIGN_OR_RETURN(std::uint64_t id, db::IdOf(dossier_id));
    HSDT_ASSIGN_OR_RETURN(auto record, impl_->LoadFor(s, id, 0, Action::kRequestHandOver, Purpose::kNone));
    policy::Resource what;
    what.dossier_id = db::FormatId(id);
    what.managing_unit = Impl::ManagingUnitOf(*record);
    what.to_unit = internal::ImplAccess::Pointer(s) ? internal::ImplAccess::Pointer(s)->unit : "";
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(s, Action::kRequestHandOver, what, Purpose::kNone, what.dossier_id));
    base::MutexLock lock(impl_->registry().write_mutex());
    for (const auto& h : impl_->registry().HandOvers()) {
      if (h.dossier_id == what.dossier_id && h.state == HandOverState::kPending) {
        return Status::AlreadyExists("hand-over " + h.id + " of this dossier is already pending");
      }
    }
    policy::HandOverRecord h;
    h.id = impl_->registry().NextHandOverId();
    h.dossier_id = what.dossier_id;
    h.from_unit = what.managing_unit;
    h.to_unit = access.who.unit;
    h.request_number = written_request.number;
    h.request_date = written_request.date;
    h.requested_by = access.actor;
    h.change = {access.actor, std::string(reason), written_request.number, written_request.date};
    HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(
        impl_->EntryFor(access, Action::kRequestHandOver, h.id + " " + h.dossier_id, Purpose::kNone,
                        "written request " + h.request_number + " of " + h.request_date),
        &h));
    return InfoOf(h);
  });
}

Result<HandOverInfo> Database::DecideHandOver(const Session& s, std::string_view hand_over_id, bool approve,
                                              const ChangeContext& ctx) {
  return db::Guard([&]() -> Result<HandOverInfo> {
    HSDT_RETURN_IF_ERROR(db::CheckReason(ctx, approve));
    base::MutexLock lock(impl_->registry().write_mutex());
    auto found = impl_->registry().FindHandOver(hand_over_id);
    if (!found) {
      return impl_->AuthorizeMissing(s, Action::kDecideHandOver, {}, hand_over_id.substr(0, 32),
                                     Status::NotFound("hand-over \"" + std::string(hand_over_id.substr(0, 32)) + "\": no such hand-over"));
    }
    policy::HandOverRecord h = *found;
    HSDT_ASSIGN_OR_RETURN(std::uint64_t id, db::IdOf(h.dossier_id));
    HSDT_ASSIGN_OR_RETURN(auto record, impl_->Load(id, 0));
    policy::Resource what;
    what.dossier_id = h.dossier_id;
    what.managing_unit = Impl::ManagingUnitOf(*record);
    what.to_unit = h.to_unit;
    HSDT_ASSIGN_OR_RETURN(Impl::Access access,
                          impl_->Authorize(s, Action::kDecideHandOver, what, Purpose::kNone, h.id));
    if (h.state != HandOverState::kPending) return Status::InvalidArgument("hand-over: already decided");
    if (what.managing_unit != h.from_unit) {
      return Status::Conflict("hand-over " + h.id + ": the dossier is no longer managed by " + h.from_unit);
    }
    h.state = approve ? HandOverState::kApproved : HandOverState::kRejected;
    h.decided_by = access.actor;
    h.change = db::ChangeOf(access.actor, ctx);
    AuditRecord e = impl_->EntryFor(access, Action::kDecideHandOver, h.id, Purpose::kNone,
                                    (approve ? "approved: " : "rejected: ") + ctx.reason);
    if (approve) {
      // The dossier moves in a new version, in the same batch as the decision.
      const schema::DossierView prev(record->bytes.words(), record->bytes.size());
      HSDT_ASSIGN_OR_RETURN(auto next, schema::CopyDossier(prev, h.dossier_id));
      next->SetManagingUnit(h.to_unit);
      Impl::Change change{std::move(e), {}, Impl::Wait::kDurable, [&] { impl_->registry().Apply(h); }};
      HSDT_RETURN_IF_ERROR(impl_->StageRecord(&h, impl_->Now(), &change));
      HSDT_RETURN_IF_ERROR(impl_->Commit(id, record->version, *next, &prev, ChangeKind::kHandOver, ctx, {},
                                         std::move(change)).status());
    } else {
      HSDT_RETURN_IF_ERROR(impl_->ApplyRecord(std::move(e), &h));
    }
    return InfoOf(h);
  });
}

Result<std::vector<HandOverInfo>> Database::ListHandOvers(const Session& s) {
  return db::Guard([&]() -> Result<std::vector<HandOverInfo>> {
    return impl_->Audited(s, Action::kReadReports, Impl::OwnUnit(s), "hand-overs", Impl::Wait::kQueued,
                          [&](const Impl::Access& access, std::string& reason) -> Result<std::vector<HandOverInfo>> {
      reason = "list";
      std::vector<HandOverInfo> out;
      for (const auto& h : impl_->registry().HandOvers()) {
        if (access.who.tier == 2 || h.from_unit == access.who.unit || h.to_unit == access.who.unit) out.push_back(InfoOf(h));
      }
      return out;
    });
  });
}

}  // namespace hsdt
