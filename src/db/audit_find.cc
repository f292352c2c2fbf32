// Database::FindAudit: the audit log read for an inspection (article 14.4), filtered by account,
// unit, dossier, action, outcome and time, streamed from a sequence number in pages.
#include <hsdt/database.h>

#include <map>

#include "db/database_impl.h"

namespace hsdt {
namespace {

constexpr std::size_t kMaxPage = 10000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The id stands at the start of `text`, not followed by another digit.
bool Leads(std::string_view text, std::string_view id) {
  return text.substr(0, id.size()) == id && (text.size() == id.size() || !IsDigit(text[id.size()]));
}

// The id stands somewhere in `text`, as a whole number.
bool Mentions(std::string_view text, std::string_view id) {
  for (std::size_t at = text.find(id); at != std::string_view::npos; at = text.find(id, at + 1)) {
    const std::size_t end = at + id.size();
    if ((at == 0 || !IsDigit(text[at - 1])) && (end == text.size() || !IsDigit(text[end]))) return true;
  }
  return false;
}

// What the filter asks, for its audit entry: the fields set, with their ids and names.
std::string Shape(const AuditFilter& f, std::uint64_t from) {
  std::string s = "filtered read from entry " + std::to_string(from);
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) s += std::string(", ") + name + " " + value;
  };
  add("actor", f.actor);
  add("unit", f.unit);
  add("dossier", f.dossier_id);
  add("action", f.action);
  if (f.allowed) s += *f.allowed ? ", allowed only" : ", denied only";
  if (f.from_micros != std::numeric_limits<std::int64_t>::min() ||
      f.until_micros != std::numeric_limits<std::int64_t>::max()) {
    s += ", a time range";
  }
  return s;
}

Status CheckFilter(const AuditFilter& f, std::size_t limit) {
  if (limit == 0 || limit > kMaxPage) {
    return Status::InvalidArgument("limit: " + std::to_string(limit) + "; expected 1 to " + std::to_string(kMaxPage));
  }
  if (!f.dossier_id.empty()) HSDT_RETURN_IF_ERROR(db::IdOf(f.dossier_id).status().WithPrefix("filter.dossier_"));
  // An action is a name of lower-case letters and underscores (read_dossier, login, ...).
  if (f.action.size() > 64 || f.action.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
    return Status::InvalidArgument("filter.action: expected an action name such as read_dossier");
  }
  if (f.from_micros >= f.until_micros) {
    return Status::InvalidArgument("filter.until_micros: not after filter.from_micros");
  }
  return Status::Ok();
}

}  // namespace

Result<AuditPage> Database::FindAudit(const Session& s, const AuditFilter& filter, std::uint64_t from,
                                      std::size_t limit) {
  return db::Guard([&]() -> Result<AuditPage> {
    HSDT_RETURN_IF_ERROR(CheckFilter(filter, limit));
    return impl_->Audited(s, Action::kReadAudit, {}, "audit log", Impl::Wait::kQueued,
                          [&](const Impl::Access&, std::string& reason) -> Result<AuditPage> {
      // Only names the registry knows go into the entry (and none typed by mistake: a person's
      // name in the actor field is refused, not recorded).
      if (!filter.actor.empty() && impl_->registry().FindAccount(filter.actor) == nullptr) {
        return Status::InvalidArgument("filter.actor: no such account");
      }
      if (!filter.unit.empty() && impl_->registry().FindUnit(filter.unit) == nullptr) {
        return Status::InvalidArgument("filter.unit: no such unit");
      }
      reason = Shape(filter, from);
      HSDT_RETURN_IF_ERROR(impl_->IngestSpools());
      HSDT_RETURN_IF_ERROR(impl_->audit().Flush());
      const std::string actor = policy::FoldUserName(filter.actor);
      std::map<std::string, std::string> unit_of;  // folded actor -> unit, as the accounts are now
      auto unit = [&](const std::string& who) -> const std::string& {
        auto it = unit_of.find(who);
        if (it == unit_of.end()) {
          auto account = impl_->registry().FindAccount(who);
          it = unit_of.emplace(who, account ? account->unit : std::string()).first;
        }
        return it->second;
      };
      AuditPage page;
      HSDT_RETURN_IF_ERROR(impl_->audit().Visit(nullptr, from, [&](AuditRecord e) -> Result<bool> {
        if (page.entries.size() == limit) {
          page.next_sequence = e.sequence;
          return false;
        }
        ++page.examined;
        const bool match =
            (filter.actor.empty() || policy::FoldUserName(e.actor) == actor) &&
            (filter.action.empty() || e.action == filter.action) &&
            (!filter.allowed || e.allowed == *filter.allowed) && e.recorded_at_micros >= filter.from_micros &&
            e.recorded_at_micros < filter.until_micros &&
            (filter.dossier_id.empty() || Leads(e.target, filter.dossier_id) || Mentions(e.reason, filter.dossier_id)) &&
            (filter.unit.empty() || unit(policy::FoldUserName(e.actor)) == filter.unit);
        if (match) page.entries.push_back(std::move(e));
        return true;
      }));
      return page;
    });
  });
}

}  // namespace hsdt
