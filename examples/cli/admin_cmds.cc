// hsdt account|unit|grant|handover|audit|explain: the registry, the audit log and Explain.
#include <algorithm>
#include <iostream>
#include <limits>
#include <sstream>

#include "cli.h"

namespace hsdt::cli {
namespace {

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

const char* HandOverStateVi(HandOverState s) {
  switch (s) {
    case HandOverState::kPending: return "pending";
    case HandOverState::kApproved: return "approved";
    case HandOverState::kRejected: return "rejected";
  }
  return "?";
}

int Bad(const std::string& why) {
  std::cerr << "hsdt: " << why << " (see hsdt help)\n";
  return kExitUsage;
}

std::string Verb(const Args& args) { return args.positional.empty() ? "" : args.positional[0]; }
std::string Arg(const Args& args, std::size_t i) { return i < args.positional.size() ? args.positional[i] : ""; }

int Account(const Args& args, Database& db, const Session& s) {
  const std::string verb = Verb(args);
  const std::string user = Arg(args, 1);
  if (verb == "list") {
    auto list = db.ListAccounts(s);
    if (!list.ok()) return Fail(list.status());
    for (const auto& a : *list) {
      std::cout << a.user_name << "\t" << a.unit << "\t" << RoleName(a.role) << "\t" << AccountStateName(a.state)
                << (a.must_change_password ? "\tmust change password" : "")
                << (a.locked_until_micros > 0 ? "\tlocked until " + FormatTime(a.locked_until_micros) : "") << "\n";
    }
    return kExitOk;
  }
  if (user.empty()) return Bad("account " + verb + " needs a user name");
  if (verb == "create") {
    auto role = ParseRole(args.Get("role"));
    if (!role || !args.Has("unit")) return Bad("account create needs --unit U and --role district_admin|district_auditor|unit_editor|unit_viewer");
    auto password = Secret("HSDT_NEW_PASSWORD", "Initial password: ", true);
    if (!password.ok()) return Fail(password.status());
    auto a = db.CreateAccount(s, {user, args.Get("display-name", user), args.Get("unit"), *role, *password}, ContextFrom(args));
    if (!a.ok()) return Fail(a.status());
    std::cout << "account " << a->user_name << " created; it changes its password at first login\n";
    return kExitOk;
  }
  if (verb == "state") {
    auto state = ParseAccountState(Arg(args, 2));
    if (!state) return Bad("account state USER active|restricted|revoked");
    auto a = db.SetAccountState(s, user, *state, ContextFrom(args));
    if (!a.ok()) return Fail(a.status());
    std::cout << a->user_name << " is " << AccountStateName(a->state) << "\n";
    return kExitOk;
  }
  if (verb == "role") {
    auto role = ParseRole(Arg(args, 2));
    if (!role) return Bad("account role USER district_admin|district_auditor|unit_editor|unit_viewer");
    auto a = db.SetAccountRole(s, user, *role, ContextFrom(args));
    if (!a.ok()) return Fail(a.status());
    std::cout << a->user_name << " is " << RoleName(a->role) << "\n";
    return kExitOk;
  }
  if (verb == "reset") {
    auto p = db.ResetPassword(s, user, {args.Get("report-number"), args.Get("report-date")});
    if (!p.ok()) return Fail(p.status());
    std::cout << "temporary password for " << user << ": " << *p << "\n";
    return kExitOk;
  }
  return Bad("account create|state|role|reset|list");
}

int Unit(const Args& args, Database& db, const Session& s) {
  if (Verb(args) == "list") {
    auto list = db.ListUnits(s);
    if (!list.ok()) return Fail(list.status());
    for (const auto& u : *list) {
      std::cout << u.code << "\t" << u.name_vi << "\t" << u.kind << "\ttier " << u.tier << (u.active ? "" : "\tinactive") << "\n";
    }
    return kExitOk;
  }
  if (Verb(args) == "create") {
    auto u = db.CreateUnit(s, {Arg(args, 1), args.Get("name"), args.Get("kind", "agency")}, ContextFrom(args));
    if (!u.ok()) return Fail(u.status());
    std::cout << "unit " << u->code << " created\n";
    return kExitOk;
  }
  return Bad("unit create|list");
}

int Grant(const Args& args, Database& db, const Session& s) {
  const std::string verb = Verb(args);
  if (verb == "list") {
    auto list = db.ListGrants(s);
    if (!list.ok()) return Fail(list.status());
    for (const auto& g : *list) {
      std::cout << g.id << "\t" << (g.spec.grantee_user.empty() ? "unit " + g.spec.grantee_unit : g.spec.grantee_user)
                << "\t" << (g.spec.scope_unit.empty() ? std::to_string(g.spec.dossiers.size()) + " dossiers" : "unit " + g.spec.scope_unit)
                << "\t" << g.spec.legal_basis.number << " (" << g.spec.legal_basis.date << ")"
                << (g.revoked ? "\trevoked" : "") << "\n";
    }
    return kExitOk;
  }
  if (verb == "revoke") {
    auto g = db.RevokeGrant(s, Arg(args, 1), ContextFrom(args));
    if (!g.ok()) return Fail(g.status());
    std::cout << g->id << " revoked\n";
    return kExitOk;
  }
  if (verb != "issue") return Bad("grant issue|revoke|list");
  GrantSpec spec;
  spec.grantee_user = args.Get("to-user");
  spec.grantee_unit = args.Get("to-unit");
  spec.dossiers = SplitCommas(args.Get("dossiers"));
  spec.scope_unit = args.Get("scope-unit");
  spec.rights = 0;
  for (const auto& r : SplitCommas(args.Get("rights", "read"))) {
    if (r == "read") spec.rights |= kGrantRead;
    else if (r == "personal") spec.rights |= kGrantRead | kGrantReadPersonal;
    else if (r == "confidential") spec.rights |= kGrantRead | kGrantReadConfidential;
    else if (r == "export") spec.rights |= kGrantExport;
    else return Bad("--rights: read, personal, confidential, export");
  }
  for (const auto& p : SplitCommas(args.Get("purposes"))) {
    auto purpose = ParsePurpose(p);
    if (!purpose) return Bad("--purposes: \"" + p + "\" is not a purpose");
    spec.purposes.push_back(*purpose);
  }
  spec.legal_basis = {args.Get("legal-number"), args.Get("legal-date")};
  spec.signer = args.Get("signer");
  if (!args.Has("from") || !args.Has("until")) return Bad("grant issue needs --from TIME and --until TIME");
  auto from = ParseTime(args, "from");
  if (!from.ok()) return Fail(from.status());
  auto until = ParseTime(args, "until", /*end_of_day=*/true);  // a date: valid through that day
  if (!until.ok()) return Fail(until.status());
  spec.valid_from_micros = *from;
  spec.valid_until_micros = *until;
  auto g = db.IssueGrant(s, spec, ContextFrom(args));
  if (!g.ok()) return Fail(g.status());
  std::cout << g->id << "\n";
  return kExitOk;
}

int HandOver(const Args& args, Database& db, const Session& s) {
  const std::string verb = Verb(args);
  if (verb == "list") {
    auto list = db.ListHandOvers(s);
    if (!list.ok()) return Fail(list.status());
    for (const auto& h : *list) {
      std::cout << h.id << "\t" << h.dossier_id << "\t" << h.from_unit << " -> " << h.to_unit << "\t"
                << HandOverStateVi(h.state) << "\t" << h.written_request.number << "\n";
    }
    return kExitOk;
  }
  if (verb == "request") {
    auto h = db.RequestHandOver(s, Arg(args, 1), {args.Get("request-number"), args.Get("request-date")}, args.Get("reason"));
    if (!h.ok()) return Fail(h.status());
    std::cout << h->id << "\n";
    return kExitOk;
  }
  if (verb == "decide") {
    if (args.Has("approve") == args.Has("reject")) return Bad("handover decide HO --approve or --reject");
    auto h = db.DecideHandOver(s, Arg(args, 1), args.Has("approve"), ContextFrom(args));
    if (!h.ok()) return Fail(h.status());
    std::cout << h->id << " " << HandOverStateVi(h->state) << "\n";
    return kExitOk;
  }
  return Bad("handover request|decide|list");
}

int Audit(const Args& args, Database& db, const Session& s) {
  const std::string verb = Verb(args);
  if (verb == "digest") {
    auto d = db.DigestAudit(s);
    if (!d.ok()) return Fail(d.status());
    std::cout << d->sequence << ":" << d->head_hex << "\n";
    return kExitOk;
  }
  if (verb == "verify") {
    AuditDigest digest;
    const std::string given = args.Get("digest");
    if (!given.empty()) {
      const auto colon = given.find(':');
      if (colon == std::string::npos) return Bad("--digest SEQ:HEX");
      auto sequence = ParseNumber(given.substr(0, colon), std::numeric_limits<std::uint64_t>::max());
      if (!sequence) {
        return Bad("--digest: \"" + given.substr(0, colon).substr(0, 32) +
                   "\" is not an entry number; expected SEQ:HEX with SEQ below 2^64");
      }
      digest.sequence = *sequence;
      digest.head_hex = given.substr(colon + 1);
    }
    auto v = db.VerifyAudit(s, given.empty() ? nullptr : &digest);
    if (!v.ok()) return Fail(v.status());
    if (v->ok) {
      std::cout << "audit log verified: " << v->entries << " entries\n";
      return kExitOk;
    }
    std::cout << "audit log BROKEN at entry " << v->first_bad_sequence << ": " << v->problem << "\n";
    return kExitCorrupt;
  }
  if (verb == "read") {
    auto from = ParseNumber(args.Get("from", "1"), std::numeric_limits<std::uint64_t>::max());
    auto limit = ParseNumber(args.Get("limit", "100"), std::numeric_limits<std::uint32_t>::max());
    if (!from || !limit) return Bad("audit read: --from and --limit take whole numbers");
    // Columns (hsdt help, README): sequence, recorded at (UTC), actor, action, target,
    // outcome, purpose, rule, reason.
    auto print = [](const std::vector<AuditRecord>& entries) {
      std::cout << "sequence\trecorded_at\tactor\taction\ttarget\toutcome\tpurpose\trule\treason\n";
      for (const auto& e : entries) {
        std::cout << e.sequence << "\t" << FormatTime(e.recorded_at_micros) << "\t" << e.actor << "\t" << e.action
                  << "\t" << e.target << "\t" << (e.allowed ? "allowed" : "DENIED") << "\t" << e.purpose << "\t"
                  << e.rule << "\t" << e.reason << "\n";
      }
    };
    const bool filtered = args.Has("actor") || args.Has("unit") || args.Has("dossier") || args.Has("action") ||
                          args.Has("outcome") || args.Has("since") || args.Has("until");
    if (!filtered) {
      auto entries = db.ReadAudit(s, *from, static_cast<std::size_t>(*limit));
      if (!entries.ok()) return Fail(entries.status());
      print(*entries);
      return kExitOk;
    }
    AuditFilter f;
    f.actor = args.Get("actor");
    f.unit = args.Get("unit");
    f.dossier_id = args.Get("dossier");
    f.action = args.Get("action");
    if (args.Has("outcome")) {
      const std::string o = args.Get("outcome");
      if (o != "allowed" && o != "denied") return Bad("--outcome takes allowed or denied");
      f.allowed = o == "allowed";
    }
    if (args.Has("since")) {
      auto t = ParseTime(args, "since");
      if (!t.ok()) return Fail(t.status());
      f.from_micros = *t;
    }
    if (args.Has("until")) {
      auto t = ParseTime(args, "until", /*end_of_day=*/true);  // a date: through that day
      if (!t.ok()) return Fail(t.status());
      f.until_micros = *t;
    }
    auto page = db.FindAudit(s, f, *from, static_cast<std::size_t>(std::min<std::uint64_t>(*limit, 10000)));
    if (!page.ok()) return Fail(page.status());
    print(page->entries);
    if (page->next_sequence != 0) std::cerr << "more: --from " << page->next_sequence << "\n";
    return kExitOk;
  }
  return Bad("audit verify|digest|read");
}

int Explain(const Args& args, Database& db, const Session& s) {
  auto action = ParseAction(Arg(args, 1));
  if (args.positional.size() < 2 || !action || !args.Has("at")) return Bad("explain USER ACTION [DOSSIER] --at TIME");
  auto at = ParseTime(args, "at");
  if (!at.ok()) return Fail(at.status());
  auto purpose = PurposeFrom(args);
  if (!purpose.ok()) return Fail(purpose.status());
  auto d = db.Explain(s, Arg(args, 0), *action, Arg(args, 2), *at, *purpose);
  if (!d.ok()) return Fail(d.status());
  std::cout << (d->allowed ? "allowed" : "denied") << " by " << d->rule
            << (d->grant_id.empty() ? "" : " (" + d->grant_id + ")") << ": " << d->reason << "\n";
  return kExitOk;
}

}  // namespace

int RunAdminCommand(const Args& args) {
  auto c = Connect(args);
  if (!c.ok()) return Fail(c.status());
  Database& db = *c->db;
  const Session& s = *c->session;
  if (s.must_change_password()) {
    std::cerr << "hsdt: " << s.user() << " must change the temporary password first: hsdt password\n";
    return kExitDenied;
  }
  int rc = kExitUsage;
  if (args.command == "account") rc = Account(args, db, s);
  if (args.command == "unit") rc = Unit(args, db, s);
  if (args.command == "grant") rc = Grant(args, db, s);
  if (args.command == "handover") rc = HandOver(args, db, s);
  if (args.command == "audit") rc = Audit(args, db, s);
  if (args.command == "explain") rc = Explain(args, db, s);
  if (Status st = db.Close(); !st.ok() && rc == kExitOk) return Fail(st);
  return rc;
}

}  // namespace hsdt::cli
