// Deadline compliance (article 9) and the semi-annual report (article 13). Both read, for every
// dossier the session reports on, its summary row, its record (decrypted) and its history.
#include <hsdt/report.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/impl_access.h"
#include "base/clock.h"
#include "base/coding.h"
#include "db/database_impl.h"
#include "query/keys.h"
#include "query/select.h"
#include "schema/record.h"
#include "schema/report_view.h"
#include "schema/validate.h"

namespace hsdt {
namespace {

constexpr int kCreationDays = 60;  // 9.1
constexpr int kEventDays = 15;     // 9.2a

// Days since 1970-01-01 of a full date, or nullopt.
std::optional<long> DayNumber(std::string_view d) {
  if (!schema::IsFullDate(d)) return std::nullopt;
  auto part = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    std::from_chars(d.data() + pos, d.data() + pos + len, v);
    return v;
  };
  return static_cast<long>(base::DaysFromCivil(part(0, 4), static_cast<unsigned>(part(5, 2)),
                                               static_cast<unsigned>(part(8, 2))));
}

// The year of a date already checked to be YYYY-MM-DD.
int YearOf(std::string_view date) {
  int year = 0;
  std::from_chars(date.data(), date.data() + std::min<std::size_t>(4, date.size()), year);
  return year;
}

bool Serving(std::string_view status) {
  return status == "dangCongTac" || status == "tapSu" || status == "bietPhai" || status == "nghiKhongLuong" ||
         status == "tamDinhChi";
}

Status CheckPeriod(const Period& p) {
  if (!schema::IsFullDate(p.from)) {
    return Status::InvalidArgument("period.from: \"" + p.from.substr(0, 32) + "\" is not a date; expected YYYY-MM-DD");
  }
  if (!schema::IsFullDate(p.to)) {
    return Status::InvalidArgument("period.to: \"" + p.to.substr(0, 32) + "\" is not a date; expected YYYY-MM-DD");
  }
  if (p.to < p.from) return Status::InvalidArgument("period: ends before it starts");
  return Status::Ok();
}

void Add(Compliance* to, const Compliance& c) {
  to->dossiers += c.dossiers;
  to->recruitments += c.recruitments;
  to->recruitments_late += c.recruitments_late;
  to->events += c.events;
  to->events_late += c.events_late;
  to->supplements_due += c.supplements_due;
  to->supplements_missing += c.supplements_missing;
}

// The deadline rules of article 9 applied to one dossier.
class DeadlineCheck {
 public:
  // Civil dates of instants (the day a dossier or an event was recorded on) are taken in `zone`.
  DeadlineCheck(const Period& period, int supplement_year, const schema::CivilZone& zone)
      : from_(*DayNumber(period.from)), to_(*DayNumber(period.to)), year_(supplement_year), zone_(zone) {}

  void Check(const schema::DossierView& d, std::int64_t created_micros, const std::string& id,
             const std::string& unit, std::string_view status, Compliance* c, std::vector<LateItem>* items) const {
    ++c->dossiers;
    const schema::DeadlineFacts facts = schema::DeadlineFactsOf(d);
    // 9.1: recruitments decided in the period, or whose 60 days run into it. Files of people
    // recruited long before (digitised from paper) are not counted.
    const std::string decided(facts.recruitment_decided);
    const std::string created = zone_.DateOf(created_micros);
    if (auto dd = DayNumber(decided); dd && *dd >= from_ - kCreationDays && *dd <= to_) {
      ++c->recruitments;
      const long days = *DayNumber(created) - *dd;
      if (days > kCreationDays) {
        ++c->recruitments_late;
        items->push_back({id, unit, LateKind::kDossierCreated, "", decided, created, static_cast<int>(days)});
      }
    }
    // 9.2a: state-side events that took effect in the period, or whose 15 days run into it
    // (events of long ago, entered when a paper file is digitised, are not counted).
    for (const auto& e : facts.events) Event(e, id, unit, c, items);
    // 9.2b: serving officials recruited by the end of the year declare for it.
    const std::string recruited(facts.recruitment_date);
    if (Serving(status) && recruited.substr(0, 4) <= std::to_string(year_)) {
      ++c->supplements_due;
      bool declared = false;
      for (int y : facts.supplement_years) declared |= y == year_;
      if (!declared) {
        ++c->supplements_missing;
        items->push_back({id, unit, LateKind::kNoAnnualSupplement, "", std::to_string(year_ + 1) + "-01-01", "", 0});
      }
    }
  }

 private:
  void Event(const schema::DeadlineFacts::Event& e, const std::string& id, const std::string& unit, Compliance* c,
             std::vector<LateItem>* items) const {
    const std::string effective(e.effective_date);
    const auto ed = DayNumber(effective);
    if (!ed || *ed < from_ - kEventDays || *ed > to_) return;
    ++c->events;
    const std::string recorded = RecordedOn(std::string(e.recorded_at));
    const auto rd = DayNumber(recorded);
    if (rd && *rd - *ed > kEventDays) {
      ++c->events_late;
      items->push_back({id, unit, LateKind::kStateEvent, std::string(e.list) + "[" + std::to_string(e.index) + "]",
                        effective, recorded, static_cast<int>(*rd - *ed)});
    }
  }

  // The civil date of an engine-set recordedAt stamp ("2026-11-26T17:45:14.123456Z").
  std::string RecordedOn(const std::string& stamp) const {
    auto micros = schema::ParseInstant(stamp, zone_, false, "recordedAt");
    return micros.ok() ? zone_.DateOf(*micros) : stamp.substr(0, 10);
  }

  long from_, to_;
  int year_;
  const schema::CivilZone& zone_;
};

}  // namespace

Status Database::Impl::ForEachReportable(const Access& access, std::string_view only_unit,
                                         const std::function<Status(const ReportRow&)>& fn) {
  policy::Context ctx;
  ctx.now_micros = Now();
  // The report rule depends on the unit only.
  query::UnitDecisions decisions([&](std::uint64_t, std::string_view unit) {
    policy::Resource what;
    what.managing_unit = std::string(unit);
    return policy::Decide(access.who, Action::kReadReports, what, ctx);
  }, true);
  std::vector<std::pair<std::uint64_t, std::string>> rows;  // id, managing unit
  const std::string start = query::SummaryStart();
  HSDT_RETURN_IF_ERROR(store_->Scan(storage::kIndexCf, storage::ScanRange::Between(start, query::PrefixEnd(start)), [&](std::string_view k, std::string_view v) {
    query::Summary s;
    if (k.size() != 9 || !query::DecodeSummary(v, &s)) return storage::Next::kContinue;  // VerifyIndexes reports it
    const std::string_view unit = s[Field::kManagingUnit];
    if (!only_unit.empty() && unit != only_unit) return storage::Next::kContinue;
    const std::uint64_t id = query::TrailingId(k);
    if (decisions.Decide(id, unit).allowed) rows.emplace_back(id, std::string(unit));
    return storage::Next::kContinue;
  }));
  for (const auto& [id, unit] : rows) {
    auto record = Load(id, 0, false);
    if (!record.ok()) {
      if (record.status().code() == StatusCode::kNotFound) continue;
      return record.status();
    }
    HSDT_ASSIGN_OR_RETURN(std::vector<storage::VersionMeta> history, store_->History(id));
    const schema::DossierView d((*record)->bytes.words(), (*record)->bytes.size());
    ReportRow row{id, std::string(d.managing_unit()), d.status(), d, history};
    HSDT_RETURN_IF_ERROR(fn(row));
  }
  return Status::Ok();
}

Result<ComplianceReport> Database::Impl::CheckDeadlines(const Session& session, const ComplianceQuery& q) {
  HSDT_RETURN_IF_ERROR(CheckPeriod(q.period));
  if (q.supplement_year != 0 && (q.supplement_year < 1945 || q.supplement_year > 2200)) {
    return Status::InvalidArgument("supplement_year: " + std::to_string(q.supplement_year) + "; expected 1945 to 2200");
  }
  policy::Resource gate;
  gate.managing_unit = !q.unit.empty() ? q.unit : internal::ImplAccess::Pointer(session) ? internal::ImplAccess::Pointer(session)->unit : "";
  HSDT_ASSIGN_OR_RETURN(Access access, Authorize(session, Action::kReadReports, gate, Purpose::kNone, "deadlines"));
  ComplianceReport report;
  report.period = q.period;
  report.supplement_year = q.supplement_year != 0 ? q.supplement_year : YearOf(q.period.to) - 1;
  const DeadlineCheck check(q.period, report.supplement_year, zone());
  std::map<std::string, Compliance> by_unit;
  HSDT_RETURN_IF_ERROR(ForEachReportable(access, q.unit, [&](const ReportRow& row) {
    Compliance& c = by_unit[row.unit];
    c.unit = row.unit;
    const std::int64_t created = row.history.empty() ? 0 : row.history.front().recorded_at_micros;
    check.Check(row.dossier, created, db::FormatId(row.id), row.unit, row.status, &c, &report.items);
    return Status::Ok();
  }));
  for (auto& [unit, c] : by_unit) {
    Add(&report.district, c);
    report.units.push_back(c);
  }
  std::stable_sort(report.items.begin(), report.items.end(), [](const LateItem& a, const LateItem& b) {
    return std::tie(a.unit, a.dossier_id) < std::tie(b.unit, b.dossier_id);
  });
  const std::string reason = q.period.from + ".." + q.period.to + (q.unit.empty() ? "" : " unit " + q.unit) +
                             " -> " + std::to_string(report.district.dossiers) + " dossiers, " +
                             std::to_string(report.items.size()) + " late";
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadReports, "deadlines", Purpose::kNone, reason)));
  return report;
}

Result<SemiAnnualReport> Database::Impl::MakeSemiAnnualReport(const Session& session, std::string_view due) {
  SemiAnnualReport report;
  report.due = std::string(due);
  const bool june = due.size() == 10 && due.substr(4) == "-06-01";
  const bool december = due.size() == 10 && due.substr(4) == "-12-01";
  if ((!june && !december) || !schema::IsFullDate(due)) {
    return Status::InvalidArgument("due: \"" + std::string(due.substr(0, 32)) +
                                   "\" is not a report date; expected YYYY-06-01 or YYYY-12-01 (article 13)");
  }
  const int year = YearOf(due);
  report.period = june ? Period{std::to_string(year - 1) + "-12-01", std::to_string(year) + "-05-31"}
                       : Period{std::to_string(year) + "-06-01", std::to_string(year) + "-11-30"};
  report.supplement_year = year - 1;
  HSDT_ASSIGN_OR_RETURN(Access access, AuthorizeOwnUnit(session, Action::kReadReports, Purpose::kNone,
                                                       "semi-annual report"));
  report.generated_at = base::FormatMicrosUtc(Now());
  report.provisional = Today() <= report.period.to;
  report.generated_by = access.actor;

  const DeadlineCheck check(report.period, report.supplement_year, zone());
  const auto from = *DayNumber(report.period.from), to = *DayNumber(report.period.to);
  std::map<std::string, UnitReport> by_unit;
  std::vector<LateItem> items;
  HSDT_RETURN_IF_ERROR(ForEachReportable(access, "", [&](const ReportRow& row) {
    UnitReport& u = by_unit[row.unit];
    u.unit = row.unit;
    ++u.dossiers;
    ++u.by_status[row.status];
    ++u.by_category[schema::CategoryName(row.dossier)];
    const auto filled = schema::FilledFields(row.dossier);
    for (std::size_t i = 0; i < filled.size(); ++i) {
      if (filled[i]) ++u.filled[schema::kExpectedFields[i].path];
    }
    u.timeliness.unit = row.unit;
    const std::int64_t created = row.history.empty() ? 0 : row.history.front().recorded_at_micros;
    check.Check(row.dossier, created, db::FormatId(row.id), row.unit, row.status, &u.timeliness, &items);
    for (const auto& v : row.history) {
      const auto day = DayNumber(zone().DateOf(v.recorded_at_micros));
      if (day && *day >= from && *day <= to) ++u.changes_in_period;
    }
    return Status::Ok();
  }));
  // Accounts of the units reported on (tier 1: its own).
  policy::Context ctx;
  ctx.now_micros = Now();
  for (const auto& a : registry_->Accounts()) {
    policy::Resource what;
    what.managing_unit = a.unit;
    if (!policy::Decide(access.who, Action::kReadReports, what, ctx).allowed) continue;
    UnitReport& u = by_unit[a.unit];
    u.unit = a.unit;
    ++u.accounts_by_state[AccountStateName(a.state)];
  }
  for (auto& [code, u] : by_unit) {
    auto unit = registry_->FindUnit(code);
    u.unit_name = unit ? unit->name_vi : code;
    UnitReport& d = report.district;
    d.dossiers += u.dossiers;
    for (const auto& [k, n] : u.by_status) d.by_status[k] += n;
    for (const auto& [k, n] : u.by_category) d.by_category[k] += n;
    for (const auto& [k, n] : u.filled) d.filled[k] += n;
    for (const auto& [k, n] : u.accounts_by_state) d.accounts_by_state[k] += n;
    Add(&d.timeliness, u.timeliness);
    d.changes_in_period += u.changes_in_period;
    report.units.push_back(std::move(u));
  }
  report.district.unit_name = "Toàn quận";
  for (const auto& u : registry_->Units()) {
    if (u.kind == "district") report.issuer = u.name_vi;
  }
  const std::string reason = report.period.from + ".." + report.period.to + " -> " +
                             std::to_string(report.district.dossiers) + " dossiers, " +
                             std::to_string(report.units.size()) + " units";
  HSDT_RETURN_IF_ERROR(AuditRead(EntryFor(access, Action::kReadReports, "semi-annual report", Purpose::kNone, reason)));
  return report;
}

Result<ComplianceReport> Database::CheckDeadlines(const Session& session, const ComplianceQuery& query) {
  return db::Guard([&] { return impl_->CheckDeadlines(session, query); });
}

Result<SemiAnnualReport> Database::MakeSemiAnnualReport(const Session& session, std::string_view due) {
  return db::Guard([&] { return impl_->MakeSemiAnnualReport(session, due); });
}

}  // namespace hsdt
