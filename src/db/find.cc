// Queries, counts and exports as the db layer runs them: authorize the query as a whole, run it
// in the query layer (src/query/) with a decider that asks the policy about each row, and audit
// it as one entry.
#include <algorithm>
#include <map>

#include "db/database_impl.h"
#include "query/render.h"
#include "query/vocabulary.h"
#include "query/select.h"
#include "schema/query_view.h"

namespace hsdt {
namespace {

constexpr std::uint32_t kMaxLimit = 1000;
constexpr std::size_t kMaxGroupBy = 3;

std::string Shorten(std::string s) {
  if (s.size() <= 400) return s;
  std::size_t cut = 400;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole characters
  return s.substr(0, cut) + "...";
}

// How many dossier ids an audit entry of a query or an export names.
constexpr std::size_t kAuditedIds = 20;

// ": HS..1 HS..2 ..." for the audit entry: the first kAuditedIds of the `total` ids returned.
template <typename Ids>
std::string IdList(const Ids& ids, std::uint64_t total) {
  std::string out;
  std::uint64_t named = 0;
  for (const auto& id : ids) {
    if (named == kAuditedIds) break;
    out.append(named == 0 ? ": " : " ").append(id);
    ++named;
  }
  if (total > named) out += " and " + std::to_string(total - named) + " more";
  return out;
}

// The decider of a query for `action`: the policy's decision on each row.
query::Decider PolicyDecider(const policy::Principal& who, Action action, const policy::Context& ctx) {
  return [&who, action, &ctx](std::uint64_t id, std::string_view unit) {
    policy::Resource what;
    what.dossier_id = db::FormatId(id);
    what.managing_unit = std::string(unit);
    return policy::Decide(who, action, what, ctx);
  };
}

// Without grants that list dossiers, a decision depends on the managing unit only.
bool DecidedPerUnit(const policy::Context& ctx) {
  return std::none_of(ctx.grants.begin(), ctx.grants.end(),
                      [](const policy::GrantView& g) { return !g.dossiers.empty(); });
}

// What an audit entry adds for a selection that stopped on `run`'s error ("" if it did not).
std::string Stopped(const Status& run) {
  return run.ok() ? "" : "; stopped: " + db::WithoutQuotedValues(run.message());
}

// What Find and Export share before they select rows: the checked filter, the authorisation of
// the query as a whole (as an `action` on one's own unit), the policy context and the dates.
struct QueryScope {
  query::Cond cond;
  Database::Impl::Access access;
  std::shared_ptr<const std::vector<policy::GrantView>> grants;  // ctx.grants points into it
  policy::Context ctx;
  std::string reference_date;
};

Result<QueryScope> OpenQuery(Database::Impl& impl, const Session& session, const Query& q, Action action,
                             const char* target) {
  if (q.sort != SortOrder::kId && q.sort != SortOrder::kName && q.sort != SortOrder::kFullName) {
    return Status::InvalidArgument("sort: " + std::to_string(static_cast<int>(q.sort)) + " is not a sort order");
  }
  HSDT_RETURN_IF_ERROR(query::CheckFields(q.fields, "fields"));
  HSDT_RETURN_IF_ERROR(query::CheckDates(q.reference_date, q.on_date));
  HSDT_ASSIGN_OR_RETURN(query::Cond cond, query::Compile(q.filter, "filter", !q.on_date.empty()));
  HSDT_ASSIGN_OR_RETURN(Database::Impl::Access access, impl.AuthorizeOwnUnit(session, action, q.purpose, target));
  QueryScope scope{std::move(cond), std::move(access), impl.registry().GrantViews(), {}, {}};
  scope.ctx.now_micros = impl.Now();
  scope.ctx.purpose = q.purpose;
  scope.ctx.grants = *scope.grants;
  scope.reference_date = query::ReferenceDate(q.reference_date, q.on_date, scope.ctx.now_micros, impl.zone());
  return scope;
}

}  // namespace

Result<QueryResult> Database::Impl::Find(const Session& session, const Query& q, bool explain_only) {
  if (q.limit == 0 || q.limit > kMaxLimit) {
    return Status::InvalidArgument("limit: " + std::to_string(q.limit) + "; expected 1 to 1000");
  }
  HSDT_ASSIGN_OR_RETURN(QueryScope scope, OpenQuery(*this, session, q, Action::kReadDossier, "query"));
  HSDT_ASSIGN_OR_RETURN(std::string after, query::ParseCursor(q.cursor, q.sort));
  const Access& access = scope.access;
  const std::string& reference_date = scope.reference_date;

  QueryResult result;
  result.fields = q.fields.empty() ? query::DefaultFields() : q.fields;
  std::string last_position;
  bool more = false;
  query::Selector selector(*store_, scope.cond, reference_date, PolicyDecider(access.who, Action::kReadDossier, scope.ctx),
                           DecidedPerUnit(scope.ctx), q.on_date, [this](std::uint64_t id) { return Load(id, 0, false); });
  const Status run = selector.Run(q.sort, after, q.allow_scan, explain_only,
                                  [&](std::uint64_t id, const query::Summary& s, Visibility visible, std::string_view position) {
    if (result.rows.size() == q.limit) {
      more = true;
      return false;
    }
    result.rows.push_back(QueryRow{db::FormatId(id), query::RowValues(result.fields, s, visible, reference_date)});
    last_position.assign(position);
    return true;
  });
  if (!run.ok()) result.rows.clear();  // nothing is answered: the entry says so
  if (more) result.next_cursor = query::CursorOf(q.sort, last_position);
  result.plan = selector.plan();
  result.examined = selector.examined();
  std::vector<std::string_view> ids;
  for (const QueryRow& row : result.rows) ids.push_back(row.id);
  const std::string reason = (explain_only ? "explain " : "") + Shorten(query::FilterShape(q.filter)) +
                             (q.on_date.empty() ? "" : " on " + q.on_date) + " -> " +
                             std::to_string(result.rows.size()) + " rows" + IdList(ids, ids.size()) +
                             Stopped(run);
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadDossier, "query", q.purpose, reason)));
  if (!run.ok()) return run;
  return result;
}

Result<CountResult> Database::Impl::Count(const Session& session, const CountQuery& q) {
  if (q.group_by.size() > kMaxGroupBy) {
    return Status::InvalidArgument("group_by: " + std::to_string(q.group_by.size()) + " fields; limit 3");
  }
  HSDT_RETURN_IF_ERROR(query::CheckFields(q.group_by, "group_by"));
  HSDT_RETURN_IF_ERROR(query::CheckDates(q.reference_date, q.on_date));
  HSDT_ASSIGN_OR_RETURN(Access access, AuthorizeOwnUnit(session, Action::kReadReports, Purpose::kNone, "count"));
  // Counts are statistics, not a way to find a person: no identifying field, whoever asks. A
  // count that tries one is refused and audited as such. Checked before the filter compiles, so
  // the message names the field and never a value the filter holds.
  std::string personal;  // where the count first uses a personal field, if it does
  if (Status statistical = query::CheckStatistical(q.group_by, q.filter, &personal); !statistical.ok()) {
    Decision d;
    d.rule = "count-identifying-field";
    d.reason = db::WithoutQuotedValues(statistical.message());
    Status denied = Deny(session, Action::kReadReports, "count", Purpose::kNone, d).status();
    if (denied.code() != StatusCode::kPermissionDenied) return denied;  // the log's failure
    return statistical;
  }
  HSDT_ASSIGN_OR_RETURN(query::Cond cond, query::Compile(q.filter, "filter", !q.on_date.empty()));
  policy::Context ctx;
  ctx.now_micros = Now();
  const std::string reference_date = query::ReferenceDate(q.reference_date, q.on_date, ctx.now_micros, zone());

  // Personal fields (ethnicity, partyMember) are counted only by a session whose read of a dossier
  // of its own unit shows them (no purpose, no grants: a count covers units, not the dossiers a
  // grant lists): district administrators, a unit's editors and viewers; never an auditor.
  Visibility counted = Visibility::kNormal;
  if (!personal.empty()) {
    policy::Resource own;
    own.managing_unit = access.who.unit;
    policy::Context read_ctx;
    read_ctx.now_micros = ctx.now_micros;
    const Decision read = policy::Decide(access.who, Action::kReadDossier, own, read_ctx);
    if (!read.allowed || static_cast<int>(read.visibility) < static_cast<int>(Visibility::kPersonal)) {
      Decision d;
      d.rule = "count-personal-field";
      d.reason = personal + " is personal; only a session that reads its unit's personal fields counts by it (" +
                 read.reason + ")";
      return Deny(session, Action::kReadReports, "count", Purpose::kNone, d).status();  // audited
    }
    counted = Visibility::kPersonal;
  }

  // The report rule depends on the unit only. Rows are matched at the visibility counted, not
  // above: identifying fields never get here and personal ones only at kPersonal, and a field
  // above it would match nothing rather than be probed.
  auto decide = [&](std::uint64_t, std::string_view unit) {
    policy::Resource what;
    what.managing_unit = std::string(unit);
    Decision d = policy::Decide(access.who, Action::kReadReports, what, ctx);
    d.visibility = counted;
    return d;
  };
  std::map<std::vector<std::string>, std::uint64_t> groups;
  CountResult result;
  result.group_by = q.group_by;
  query::Selector selector(*store_, cond, reference_date, decide, true, q.on_date,
                           [this](std::uint64_t id) { return Load(id, 0, false); });
  const Status run = selector.Run(SortOrder::kId, std::string(), true, false,
                                  [&](std::uint64_t, const query::Summary& s, Visibility, std::string_view) {
    std::vector<std::string> key;
    key.reserve(q.group_by.size());
    for (Field f : q.group_by) key.push_back(query::FieldValue(s, f, reference_date));
    ++groups[std::move(key)];
    ++result.total;
    return true;
  });
  for (auto& [key, n] : groups) result.rows.push_back(CountRow{key, n});
  std::string by;
  for (Field f : q.group_by) by += std::string(by.empty() ? "" : ",") + FieldName(f);
  const std::string reason = Shorten(query::FilterShape(q.filter) + " by [" + by + "]" +
                                     (q.on_date.empty() ? "" : " on " + q.on_date) + " -> " + std::to_string(result.total)) +
                             Stopped(run);
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadReports, "count", Purpose::kNone, reason)));
  if (!run.ok()) return run;
  return result;
}

Result<std::uint64_t> Database::Impl::Export(const Session& session, const Query& q, const ExportOptions& options,
                                             const std::function<Status(std::string_view)>& sink) {
  if (options.format != ExportFormat::kJsonLines && options.format != ExportFormat::kCsv) {
    return Status::InvalidArgument("format: " + std::to_string(static_cast<int>(options.format)) +
                                   " is not an export format");
  }
  if (options.whole_dossiers && options.format != ExportFormat::kJsonLines) {
    return Status::InvalidArgument("whole_dossiers: only JSON Lines carry whole dossiers");
  }
  HSDT_ASSIGN_OR_RETURN(QueryScope scope, OpenQuery(*this, session, q, Action::kExportDossier, "export"));
  const Access& access = scope.access;
  const std::vector<Field>& fields = q.fields.empty() ? query::DefaultFields() : q.fields;

  std::uint64_t rows = 0;
  std::vector<std::string> exported_ids;  // the first kAuditedIds, for the audit entry
  query::ExportWriter out(options.format, fields, scope.reference_date, sink);
  // A whole dossier as the session may see it, as one line of JSON.
  auto whole = [&](std::uint64_t id, Visibility visible) -> Result<std::string> {
    HSDT_ASSIGN_OR_RETURN(auto record, Load(id, 0, false));
    HSDT_ASSIGN_OR_RETURN(auto shown, db::Redacted(record, visible));
    return schema::RecordJson(shown->bytes.words(), shown->bytes.size());
  };
  query::Selector selector(*store_, scope.cond, scope.reference_date,
                           PolicyDecider(access.who, Action::kExportDossier, scope.ctx), DecidedPerUnit(scope.ctx),
                           q.on_date, [this](std::uint64_t id) { return Load(id, 0, false); });
  const Status run = selector.Run(q.sort, std::string(), q.allow_scan, false,
                                  [&](std::uint64_t id, const query::Summary& s, Visibility visible, std::string_view) {
    const std::string id_text = db::FormatId(id);
    if (exported_ids.size() < kAuditedIds) exported_ids.push_back(id_text);
    if (options.whole_dossiers) {
      auto json = whole(id, visible);
      if (!json.ok()) {
        out.Fail(json.status());
        return false;
      }
      out.AppendLine(*json);
    } else {
      out.AppendRow(id_text, s, visible);
    }
    ++rows;
    return out.Flush();
  });
  if (run.ok()) out.Flush(1);
  const Status outcome = !run.ok() ? run : out.failed();
  std::string reason = Shorten(query::FilterShape(q.filter)) + " -> " + std::to_string(rows) + " rows, " +
                       (options.format == ExportFormat::kCsv ? "csv" : options.whole_dossiers ? "jsonl whole" : "jsonl") +
                       IdList(exported_ids, rows);
  reason += Stopped(outcome);
  HSDT_RETURN_IF_ERROR(AuditNow(EntryFor(access, Action::kExportDossier, "export", q.purpose, reason)));
  if (!outcome.ok()) return outcome;
  return rows;
}

}  // namespace hsdt
