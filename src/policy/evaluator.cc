#include "policy/evaluator.h"

#include <boost/hana.hpp>

#include <algorithm>
#include <utility>

namespace hsdt::policy {
namespace hana = boost::hana;
namespace {

using Rule = Decision (*)(const Principal&, const Resource&, const Context&);

Decision Allow(std::string rule, Visibility v, std::string reason, std::string grant = {}) {
  return Decision{true, v, std::move(rule), std::move(grant), std::move(reason)};
}

Decision Deny(std::string rule, std::string reason) {
  return Decision{false, Visibility::kNormal, std::move(rule), {}, std::move(reason)};
}

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Visibility GrantVisibility(std::uint32_t rights) {
  if (rights & kGrantReadConfidential) return Visibility::kConfidential;
  if (rights & kGrantReadPersonal) return Visibility::kPersonal;
  return Visibility::kNormal;
}

// The grants of article 8.2: the most generous one that applies, or why none does.
Decision FromGrants(const Principal& p, const Resource& r, const Context& c, std::uint32_t right) {
  std::optional<Decision> best;
  std::string miss = "no grant covers this dossier for this account or unit";
  for (const GrantView& g : c.grants) {
    const bool grantee = (!g.grantee_user.empty() && g.grantee_user == p.user) ||
                         (!g.grantee_unit.empty() && g.grantee_unit == p.unit);
    const bool scope = Contains(g.dossiers, r.dossier_id) ||
                       (!g.scope_unit.empty() && g.scope_unit == r.managing_unit);
    if (!grantee || !scope) continue;
    if (g.revoked) {
      miss = "grant " + g.id + " was revoked";
    } else if (c.now_micros < g.valid_from_micros || c.now_micros >= g.valid_until_micros) {
      miss = "grant " + g.id + " is not in force at this time";
    } else if ((g.rights & right) == 0) {
      miss = "grant " + g.id + " does not give this right";
    } else if (!g.purposes.empty() && !Contains(g.purposes, c.purpose)) {
      miss = "grant " + g.id + " does not allow the purpose " + PurposeName(c.purpose);
    } else {
      Decision d = Allow("grant", GrantVisibility(g.rights),
                         "written-consent grant " + g.id + " allows it", g.id);
      if (!best || static_cast<int>(d.visibility) > static_cast<int>(best->visibility)) best = d;
    }
  }
  return best ? *best : Deny("no-grant", miss);
}

Decision DossierRead(const Principal& p, const Resource& r, const Context& c, std::uint32_t right) {
  if (p.role == Role::kDistrictAuditor) {
    return Deny("auditor-no-content", "district auditors see no dossier content");
  }
  const bool own = r.managing_unit == p.unit;
  if (!own && c.purpose == Purpose::kNone) {
    return Deny("purpose-required", "a read outside one's own unit names its purpose (article 11)");
  }
  if (p.role == Role::kDistrictAdmin) {
    return Allow("district-admin", Visibility::kConfidential, "tier 2 reads every unit's dossiers");
  }
  if (own && p.role == Role::kUnitEditor) {
    return Allow("own-unit-editor", Visibility::kConfidential, "the unit manages this dossier");
  }
  if (own && p.role == Role::kUnitViewer) {
    return Allow("own-unit-viewer", Visibility::kPersonal, "the unit manages this dossier");
  }
  return FromGrants(p, r, c, right);
}

Decision ReadDossier(const Principal& p, const Resource& r, const Context& c) {
  return DossierRead(p, r, c, kGrantRead);
}
Decision ReadHistory(const Principal& p, const Resource& r, const Context& c) {
  return DossierRead(p, r, c, kGrantRead);
}
Decision ExportDossier(const Principal& p, const Resource& r, const Context& c) {
  return DossierRead(p, r, c, kGrantExport);
}

Decision WriteDossier(const Principal& p, const Resource& r, const Context&) {
  if (p.role == Role::kUnitEditor && r.managing_unit == p.unit) {
    return Allow("own-unit-editor", Visibility::kConfidential, "the unit manages this dossier");
  }
  return Deny("not-managing-editor", "only an editor of the managing unit writes a dossier");
}

Decision RequestHandOver(const Principal& p, const Resource& r, const Context&) {
  if (p.role == Role::kUnitEditor && r.to_unit == p.unit && r.managing_unit != p.unit) {
    return Allow("receiving-unit-editor", Visibility::kNormal, "the receiving unit asks for it");
  }
  return Deny("not-receiving-editor", "only an editor of the receiving unit requests a hand-over");
}

Decision DecideHandOver(const Principal& p, const Resource& r, const Context&) {
  if (p.role == Role::kDistrictAdmin) {
    return Allow("district-admin", Visibility::kNormal, "district administrators decide hand-overs");
  }
  if (p.role == Role::kUnitEditor && r.managing_unit == p.unit) {
    return Allow("managing-unit-editor", Visibility::kNormal, "the managing unit decides");
  }
  return Deny("not-managing-editor", "only the managing unit's editor or a district admin decides");
}

Decision Administer(const Principal& p, const Resource& r, const Context&) {
  if (p.role != Role::kDistrictAdmin) {
    return Deny("not-district-admin", "only district administrators do this (article 14.3)");
  }
  if (!r.target_user.empty() && r.target_user == p.user) {
    return Deny("self-change", "nobody changes their own role, state or grants (article 5)");
  }
  if (r.target_is_last_active_admin && r.lowers_admin) {
    return Deny("last-admin", "the last active district administrator cannot be removed");
  }
  return Allow("district-admin", Visibility::kNormal, "district administrators manage this");
}

Decision AuditRule(const Principal& p, const Resource&, const Context&) {
  if (p.role == Role::kDistrictAdmin || p.role == Role::kDistrictAuditor) {
    return Allow("tier-2-audit", Visibility::kNormal, "tier 2 reads and verifies the audit log");
  }
  return Deny("not-tier-2", "only district administrators and auditors see the audit log");
}

Decision ReadReports(const Principal& p, const Resource& r, const Context&) {
  if (p.role == Role::kDistrictAdmin || p.role == Role::kDistrictAuditor) {
    return Allow("tier-2-reports", Visibility::kNormal, "tier 2 reports on the whole district");
  }
  if (!r.managing_unit.empty() && r.managing_unit == p.unit) {
    return Allow("own-unit-reports", Visibility::kNormal, "a unit reports on its own dossiers");
  }
  return Deny("not-own-unit", "tier 1 reports cover their own unit only");
}

Decision Maintain(const Principal& p, const Resource&, const Context&) {
  if (p.role == Role::kDistrictAdmin) {
    return Allow("district-admin", Visibility::kNormal, "district administrators run the system");
  }
  return Deny("not-district-admin", "only district administrators run backups, re-keys and checks");
}

// Keys are the actions' numbers (Hana hashes integral constants, not enums).
template <Action A>
constexpr auto Key = hana::int_c<static_cast<int>(A)>;

// One rule per action. Adding an Action without a rule fails to compile (below).
constexpr auto kRules = hana::make_map(
    hana::make_pair(Key<Action::kReadDossier>, &ReadDossier),
    hana::make_pair(Key<Action::kReadHistory>, &ReadHistory),
    hana::make_pair(Key<Action::kExportDossier>, &ExportDossier),
    hana::make_pair(Key<Action::kCreateDossier>, &WriteDossier),
    hana::make_pair(Key<Action::kUpdateDossier>, &WriteDossier),
    hana::make_pair(Key<Action::kChangeStatus>, &WriteDossier),
    hana::make_pair(Key<Action::kRequestHandOver>, &RequestHandOver),
    hana::make_pair(Key<Action::kDecideHandOver>, &DecideHandOver),
    hana::make_pair(Key<Action::kManageAccounts>, &Administer),
    hana::make_pair(Key<Action::kManageUnits>, &Administer),
    hana::make_pair(Key<Action::kManageGrants>, &Administer),
    hana::make_pair(Key<Action::kReadAudit>, &AuditRule),
    hana::make_pair(Key<Action::kVerifyAudit>, &AuditRule),
    hana::make_pair(Key<Action::kReadReports>, &ReadReports),
    hana::make_pair(Key<Action::kMaintain>, &Maintain));

static_assert(hana::length(kRules) == hana::size_c<kActionCount>,
              "every Action has exactly one rule");
static_assert(hana::all_of(hana::range_c<int, 1, kActionCount + 1>,
                           [](auto i) { return hana::contains(kRules, hana::int_c<decltype(i)::value>); }),
              "an Action has no rule in the policy table");

Rule RuleFor(Action action) {
  Rule found = nullptr;
  hana::for_each(hana::keys(kRules), [&](auto key) {
    if (decltype(key)::value == static_cast<int>(action)) found = kRules[key];
  });
  return found;
}

}  // namespace

bool IsWrite(Action a) {
  switch (a) {
    case Action::kReadDossier:
    case Action::kReadHistory:
    case Action::kExportDossier:
    case Action::kReadAudit:
    case Action::kVerifyAudit:
    case Action::kReadReports:
      return false;
    case Action::kCreateDossier:
    case Action::kUpdateDossier:
    case Action::kChangeStatus:
    case Action::kRequestHandOver:
    case Action::kDecideHandOver:
    case Action::kManageAccounts:
    case Action::kManageUnits:
    case Action::kManageGrants:
    case Action::kMaintain:
      return true;
  }
  return true;
}

Decision Decide(const Principal& who, Action action, const Resource& what, const Context& ctx) {
  if (who.state == AccountState::kRevoked) return Deny("revoked", "the account is revoked");
  if (who.state != AccountState::kActive && who.state != AccountState::kRestricted) {
    return Deny("unknown-state", "the account state is unknown");
  }
  if (who.state == AccountState::kRestricted && IsWrite(action)) {
    return Deny("restricted", "the account is restricted to reading");
  }
  const Rule rule = RuleFor(action);
  if (rule == nullptr) return Deny("deny-default", "no rule allows this action");
  Decision d = rule(who, what, ctx);
  if (d.allowed && static_cast<int>(d.visibility) < static_cast<int>(what.needs)) {
    return Deny("below-sensitivity", std::string("it needs ") + VisibilityName(what.needs) +
                                         " visibility; " + d.rule + " gives " + VisibilityName(d.visibility));
  }
  return d;
}

}  // namespace hsdt::policy
