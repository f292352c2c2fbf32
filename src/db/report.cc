// Deadline compliance (article 9) and the semi-annual report (article 13). Both read, for every
// dossier the session reports on, its summary row, its record (decrypted) and its history.
#include <hsdt/report.h>

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/clock.h"
#include "base/coding.h"
#include "db/database_impl.h"
#include "schema/validate.h"

namespace hsdt {
namespace {

constexpr int kCreationDays = 60;  // 9.1
constexpr int kEventDays = 15;     // 9.2a

// Days since 1970-01-01 of a full date, or nullopt.
std::optional<long> DayNumber(std::string_view d) {
  if (!schema::IsValidDate(d, schema::DateForm::FULL)) return std::nullopt;
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

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

bool Serving(std::string_view status) {
  return status == "dangCongTac" || status == "tapSu" || status == "bietPhai" || status == "nghiKhongLuong" ||
         status == "tamDinhChi";
}

Status CheckPeriod(const Period& p) {
  if (!schema::IsValidDate(p.from, schema::DateForm::FULL)) {
    return Status::InvalidArgument("period.from: \"" + p.from.substr(0, 32) + "\" is not a date; expected YYYY-MM-DD");
  }
  if (!schema::IsValidDate(p.to, schema::DateForm::FULL)) {
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

  void Check(schema::Dossier::Reader d, std::int64_t created_micros, const std::string& id,
             const std::string& unit, std::string_view status, Compliance* c, std::vector<LateItem>* items) const {
    ++c->dossiers;
    // 9.1: recruitments decided in the period, or whose 60 days run into it. Files of people
    // recruited long before (digitised from paper) are not counted.
    auto r = d.getRecruitment();
    const std::string decided = r.hasDecision() && r.getDecision().getSignedOn().size() > 0
                                    ? Str(r.getDecision().getSignedOn()) : Str(r.getDate());
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
    Events(d.getTraining(), "$.training", id, unit, c, items);
    Events(d.getAppointments(), "$.appointments", id, unit, c, items);
    Events(d.getTransfers(), "$.transfers", id, unit, c, items);
    Events(d.getSalaryHistory(), "$.salaryHistory", id, unit, c, items);
    Events(d.getRewards(), "$.rewards", id, unit, c, items);
    Events(d.getDisciplines(), "$.disciplines", id, unit, c, items);
    // 9.2b: serving officials recruited by the end of the year declare for it.
    const std::string recruited = Str(r.getDate());
    if (Serving(status) && recruited.substr(0, 4) <= std::to_string(year_)) {
      ++c->supplements_due;
      bool declared = false;
      for (auto s : d.getAnnualSupplements()) declared |= s.getYear() == year_;
      if (!declared) {
        ++c->supplements_missing;
        items->push_back({id, unit, LateKind::kNoAnnualSupplement, "", std::to_string(year_ + 1) + "-01-01", "", 0});
      }
    }
  }

 private:
  template <typename List>
  void Events(List rows, const char* path, const std::string& id, const std::string& unit, Compliance* c,
              std::vector<LateItem>* items) const {
    for (unsigned i = 0; i < rows.size(); ++i) {
      const std::string effective = Str(rows[i].getEffectiveDate());
      const auto ed = DayNumber(effective);
      if (!ed || *ed < from_ - kEventDays || *ed > to_) continue;
      ++c->events;
      const std::string recorded = RecordedOn(Str(rows[i].getRecordedAt()));
      const auto rd = DayNumber(recorded);
      if (rd && *rd - *ed > kEventDays) {
        ++c->events_late;
        items->push_back({id, unit, LateKind::kStateEvent, std::string(path) + "[" + std::to_string(i) + "]",
                          effective, recorded, static_cast<int>(*rd - *ed)});
      }
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

struct ExpectedField {
  const char* path;
  const char* label_vi;
  bool (*filled)(schema::Dossier::Reader);
};

const ExpectedField kExpected[] = {
    {"phone", "Số điện thoại", [](schema::Dossier::Reader d) { return d.getPhone().size() > 0; }},
    {"email", "Thư điện tử", [](schema::Dossier::Reader d) { return d.getEmail().size() > 0; }},
    {"socialInsuranceNo", "Số sổ BHXH", [](schema::Dossier::Reader d) { return d.getSocialInsuranceNo().size() > 0; }},
    {"healthInsuranceNo", "Số thẻ BHYT", [](schema::Dossier::Reader d) { return d.getHealthInsuranceNo().size() > 0; }},
    {"education.professional", "Trình độ chuyên môn",
     [](schema::Dossier::Reader d) { return d.getEducation().getProfessional().size() > 0; }},
    {"training", "Quá trình đào tạo", [](schema::Dossier::Reader d) { return d.getTraining().size() > 0; }},
    {"workHistory", "Quá trình công tác", [](schema::Dossier::Reader d) { return d.getWorkHistory().size() > 0; }},
    {"salaryHistory", "Quá trình lương", [](schema::Dossier::Reader d) { return d.getSalaryHistory().size() > 0; }},
    {"family", "Quan hệ gia đình", [](schema::Dossier::Reader d) { return d.getFamily().size() > 0; }},
    {"evaluations", "Đánh giá, xếp loại", [](schema::Dossier::Reader d) { return d.getEvaluations().size() > 0; }},
};

}  // namespace

Status Database::Impl::ForEachReportable(const Access& access, std::string_view only_unit,
                                         const std::function<Status(const ReportRow&)>& fn) {
  policy::Context ctx;
  ctx.now_micros = Now();
  std::map<std::string, bool, std::less<>> unit_allowed;
  std::vector<std::pair<std::uint64_t, std::string>> rows;  // id, managing unit
  const std::string first(1, db::kSummaryIndex), end(1, db::kSummaryIndex + 1);
  HSDT_RETURN_IF_ERROR(store_->Scan(storage::kIndexCf, storage::ScanRange::Between(first, end), [&](std::string_view k, std::string_view v) {
    db::Summary s;
    if (k.size() != 9 || !db::DecodeSummary(v, &s)) return storage::Next::kContinue;  // VerifyIndexes reports it
    const std::string_view unit = s[Field::kManagingUnit];
    if (!only_unit.empty() && unit != only_unit) return storage::Next::kContinue;
    auto it = unit_allowed.find(unit);
    if (it == unit_allowed.end()) {
      policy::Resource what;
      what.managing_unit = std::string(unit);
      it = unit_allowed.emplace(std::string(unit), policy::Decide(access.who, Action::kReadReports, what, ctx).allowed).first;
    }
    if (it->second) rows.emplace_back(base::GetBigEndian64(k.data() + 1), std::string(unit));
    return storage::Next::kContinue;
  }));
  for (const auto& [id, unit] : rows) {
    auto record = Load(id, 0, false);
    if (!record.ok()) {
      if (record.status().code() == StatusCode::kNotFound) continue;
      return record.status();
    }
    HSDT_ASSIGN_OR_RETURN(std::vector<storage::VersionMeta> history, store_->History(id));
    schema::FlatRecord r((*record)->bytes.words(), (*record)->bytes.size());
    auto d = r.dossier();
    ReportRow row{id, Str(d.getManagingUnit()), db::StatusName(d.getStatus()), d, history};
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
  gate.managing_unit = !q.unit.empty() ? q.unit : session.impl() ? session.impl()->unit : "";
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
  if ((!june && !december) || !schema::IsValidDate(due, schema::DateForm::FULL)) {
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
    auto en = capnp::Schema::from<schema::Category>().getEnumerants();
    const auto raw = static_cast<unsigned>(row.dossier.getCategory());
    ++u.by_category[raw < en.size() ? en[raw].getProto().getName().cStr() : "?"];
    for (const auto& f : kExpected) {
      if (f.filled(row.dossier)) ++u.filled[f.path];
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

// ---------------------------------------------------------------- renderings
namespace {

struct Label {
  const char* name;
  const char* vi;
};

const Label kStatusLabels[] = {
    {"dangCongTac", "Đang công tác"}, {"tapSu", "Tập sự"}, {"bietPhai", "Biệt phái"},
    {"nghiKhongLuong", "Nghỉ không lương"}, {"tamDinhChi", "Tạm đình chỉ"}, {"chuyenCongTac", "Chuyển công tác"},
    {"nghiHuu", "Nghỉ hưu"}, {"thoiViec", "Thôi việc"}, {"buocThoiViec", "Buộc thôi việc"}, {"tuTran", "Từ trần"},
};

const Label kCategoryLabels[] = {
    {"canBo", "Cán bộ"}, {"congChuc", "Công chức"}, {"canBoCongChucCapXa", "Cán bộ, công chức cấp xã"},
    {"vienChuc", "Viên chức"}, {"hopDong68", "Hợp đồng 68"}, {"nguoiLaoDong", "Người lao động"},
};

const Label kAccountLabels[] = {{"active", "Tài khoản hoạt động"}, {"restricted", "Tài khoản hạn chế"},
                                {"revoked", "Tài khoản thu hồi"}};

std::uint64_t At(const std::map<std::string, std::uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

// Every column of a unit's row, with its Vietnamese label.
std::vector<std::pair<std::string, std::string>> Columns(const UnitReport& u) {
  std::vector<std::pair<std::string, std::string>> c;
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  c.emplace_back("Tổng số hồ sơ", n(u.dossiers));
  for (const auto& l : kStatusLabels) c.emplace_back(l.vi, n(At(u.by_status, l.name)));
  for (const auto& l : kCategoryLabels) c.emplace_back(l.vi, n(At(u.by_category, l.name)));
  for (const auto& f : kExpected) c.emplace_back(std::string("Có: ") + f.label_vi, n(At(u.filled, f.path)));
  c.emplace_back("Tuyển dụng trong kỳ", n(u.timeliness.recruitments));
  c.emplace_back("Lập hồ sơ quá 60 ngày", n(u.timeliness.recruitments_late));
  c.emplace_back("Biến động ghi nhận trong kỳ", n(u.timeliness.events));
  c.emplace_back("Ghi nhận quá 15 ngày", n(u.timeliness.events_late));
  c.emplace_back("Phải bổ sung lý lịch", n(u.timeliness.supplements_due));
  c.emplace_back("Chưa bổ sung lý lịch", n(u.timeliness.supplements_missing));
  c.emplace_back("Lượt cập nhật trong kỳ", n(u.changes_in_period));
  for (const auto& l : kAccountLabels) c.emplace_back(l.vi, n(At(u.accounts_by_state, l.name)));
  return c;
}

void AppendCounts(std::string* out, const char* key, const std::map<std::string, std::uint64_t>& m) {
  out->append(",");
  db::AppendJsonString(out, key);
  out->append(":{");
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    db::AppendJsonString(out, k);
    out->append(":" + std::to_string(v));
  }
  out->push_back('}');
}

void AppendCompliance(std::string* out, const Compliance& t) {
  out->append("{\"unit\":");
  db::AppendJsonString(out, t.unit);
  out->append(",\"dossiers\":" + std::to_string(t.dossiers) + ",\"recruitments\":" + std::to_string(t.recruitments) +
              ",\"recruitmentsLate\":" + std::to_string(t.recruitments_late) + ",\"events\":" +
              std::to_string(t.events) + ",\"eventsLate\":" + std::to_string(t.events_late) +
              ",\"supplementsDue\":" + std::to_string(t.supplements_due) + ",\"supplementsMissing\":" +
              std::to_string(t.supplements_missing) + "}");
}

void AppendUnit(std::string* out, const UnitReport& u) {
  out->append("{\"unit\":");
  db::AppendJsonString(out, u.unit);
  out->append(",\"unitName\":");
  db::AppendJsonString(out, u.unit_name);
  out->append(",\"dossiers\":" + std::to_string(u.dossiers));
  AppendCounts(out, "byStatus", u.by_status);
  AppendCounts(out, "byCategory", u.by_category);
  AppendCounts(out, "filled", u.filled);
  out->append(",\"timeliness\":");
  AppendCompliance(out, u.timeliness);
  out->append(",\"changesInPeriod\":" + std::to_string(u.changes_in_period));
  AppendCounts(out, "accountsByState", u.accounts_by_state);
  out->push_back('}');
}

std::string VietnameseDate(const std::string& iso) {  // 2026-05-31 -> 31/05/2026
  return iso.size() >= 10 ? iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) : iso;
}

// Upper case by ICU's Vietnamese rules (for the heading of a page).
std::string UpperVi(std::string_view s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toUpper(icu::Locale("vi"));
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string Html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string ReportToJson(const SemiAnnualReport& r) {
  std::string out = "{\"due\":";
  db::AppendJsonString(&out, r.due);
  out += ",\"period\":{\"from\":";
  db::AppendJsonString(&out, r.period.from);
  out += ",\"to\":";
  db::AppendJsonString(&out, r.period.to);
  out += "},\"supplementYear\":" + std::to_string(r.supplement_year) + ",\"generatedAt\":";
  db::AppendJsonString(&out, r.generated_at);
  out += ",\"generatedBy\":";
  db::AppendJsonString(&out, r.generated_by);
  out += ",\"units\":[";
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendUnit(&out, r.units[i]);
  }
  out += "],\"district\":";
  AppendUnit(&out, r.district);
  out += ",\"issuer\":";
  db::AppendJsonString(&out, r.issuer);
  return out + "}";
}

std::string ComplianceToJson(const ComplianceReport& r) {
  static const char* kKinds[] = {"", "dossierCreated", "stateEvent", "noAnnualSupplement"};
  std::string out = "{\"period\":{\"from\":";
  db::AppendJsonString(&out, r.period.from);
  out += ",\"to\":";
  db::AppendJsonString(&out, r.period.to);
  out += "},\"supplementYear\":" + std::to_string(r.supplement_year) + ",\"units\":[";
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCompliance(&out, r.units[i]);
  }
  out += "],\"district\":";
  AppendCompliance(&out, r.district);
  out += ",\"items\":[";
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    const LateItem& it = r.items[i];
    out += i > 0 ? ",{\"dossierId\":" : "{\"dossierId\":";
    db::AppendJsonString(&out, it.dossier_id);
    out += ",\"unit\":";
    db::AppendJsonString(&out, it.unit);
    out += ",\"kind\":";
    db::AppendJsonString(&out, kKinds[static_cast<int>(it.kind)]);
    out += ",\"path\":";
    db::AppendJsonString(&out, it.path);
    out += ",\"dueFrom\":";
    db::AppendJsonString(&out, it.due_from);
    out += ",\"doneOn\":";
    db::AppendJsonString(&out, it.done_on);
    out += ",\"days\":" + std::to_string(it.days) + "}";
  }
  return out + "]}";
}

std::string ReportToCsv(const SemiAnnualReport& r) {
  std::string out = "\xEF\xBB\xBF";
  out += "Mã đơn vị,Tên đơn vị";
  for (const auto& [label, value] : Columns(r.district)) {
    out.push_back(',');
    db::AppendCsvField(&out, label);
  }
  out += "\r\n";
  auto row = [&](const UnitReport& u) {
    db::AppendCsvField(&out, u.unit);
    out.push_back(',');
    db::AppendCsvField(&out, u.unit_name);
    for (const auto& [label, value] : Columns(u)) out += "," + value;
    out += "\r\n";
  };
  for (const auto& u : r.units) row(u);
  row(r.district);
  return out;
}

std::string ReportToHtml(const SemiAnnualReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Báo cáo hồ sơ điện tử " + Html(r.due) + "</title>\n<style>\n"
      "@page { size: A4 landscape; margin: 12mm; }\n"
      "body { font-family: \"Times New Roman\", serif; font-size: 11pt; }\n"
      "h1 { font-size: 14pt; text-align: center; margin: 4mm 0 1mm; }\n"
      "p.sub { text-align: center; margin: 0 0 4mm; }\n"
      "table { border-collapse: collapse; width: 100%; margin-bottom: 5mm; }\n"
      "th, td { border: 0.5pt solid #000; padding: 1mm 1.5mm; }\n"
      "th { font-weight: bold; } td.n { text-align: right; }\n"
      "thead { display: table-header-group; } tr { page-break-inside: avoid; }\n"
      "tr.total td { font-weight: bold; }\n"
      "@media screen { body { max-width: 297mm; margin: auto; } }\n"
      "table.head, table.head td { border: none; text-align: center; font-weight: bold; }\n"
      "</style>\n</head>\n<body>\n"
      "<table class=\"head\"><tr><td>" + Html(UpperVi(r.issuer)) + "</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
      "<br>Độc lập - Tự do - Hạnh phúc</td></tr></table>\n"
      "<h1>BÁO CÁO TÌNH HÌNH QUẢN LÝ HỒ SƠ ĐIỆN TỬ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC</h1>\n"
      "<p class=\"sub\">Kỳ báo cáo: từ ngày " + VietnameseDate(r.period.from) + " đến ngày " +
      VietnameseDate(r.period.to) + " (hạn nộp " + VietnameseDate(r.due) + "). Lập lúc " + Html(r.generated_at) +
      " bởi " + Html(r.generated_by) + ".</p>\n";
  // One table per part, so that each fits the width of the page.
  struct Part {
    const char* title;
    std::size_t first, count;
  };
  const std::size_t statuses = std::size(kStatusLabels), categories = std::size(kCategoryLabels),
                    expected = std::size(kExpected);
  const Part parts[] = {
      {"I. Số lượng hồ sơ theo tình trạng", 0, 1 + statuses},
      {"II. Số lượng hồ sơ theo đối tượng", 1 + statuses, categories},
      {"III. Chất lượng hồ sơ: số hồ sơ có thông tin", 1 + statuses + categories, expected},
      {"IV. Tính kịp thời (Điều 9), cập nhật và tài khoản", 1 + statuses + categories + expected, 10},
  };
  for (const Part& p : parts) {
    out += "<h2 style=\"font-size:12pt\">" + std::string(p.title) + "</h2>\n<table>\n<thead><tr><th>Đơn vị</th>";
    const auto header = Columns(r.district);
    for (std::size_t i = p.first; i < p.first + p.count && i < header.size(); ++i) {
      out += "<th>" + Html(header[i].first) + "</th>";
    }
    out += "</tr></thead>\n<tbody>\n";
    auto row = [&](const UnitReport& u, bool total) {
      const auto cols = Columns(u);
      out += total ? "<tr class=\"total\">" : "<tr>";
      out += "<td>" + Html(u.unit_name) + "</td>";
      for (std::size_t i = p.first; i < p.first + p.count && i < cols.size(); ++i) {
        out += "<td class=\"n\">" + cols[i].second + "</td>";
      }
      out += "</tr>\n";
    };
    for (const auto& u : r.units) row(u, false);
    row(r.district, true);
    out += "</tbody>\n</table>\n";
  }
  out += "<p>Các trường bắt buộc đầy đủ ở mọi hồ sơ (hệ thống không nhận hồ sơ thiếu). Hồ sơ số hoá từ hồ sơ giấy của "
         "người được tuyển dụng trước kỳ không tính vào thời hạn 60 ngày. Năm bổ sung lý lịch: " +
         std::to_string(r.supplement_year) + ".</p>\n</body>\n</html>\n";
  return out;
}

}  // namespace hsdt
