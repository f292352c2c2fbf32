#include "schema/query_view.h"

#include <capnp/message.h>
#include <capnp/schema.h>

#include <charconv>

#include "schema/internal/json.h"
#include "schema/internal/query_view_reader.h"
#include "schema/internal/record.h"
#include "schema/internal/text.h"
#include "schema/internal/validate.h"
#include "schema/query.capnp.h"

namespace hsdt::schema {
namespace {

constexpr std::size_t kMaxQueryJsonBytes = 256 * 1024;

template <typename E>
std::string EnumName(E value) {
  auto en = capnp::Schema::from<E>().getEnumerants();
  const auto raw = static_cast<unsigned>(value);
  if (raw == 0 || raw >= en.size()) return "";  // unspecified
  return en[raw].getProto().getName().cStr();
}

std::string NumberText(double v) {
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

FilterJsonView ViewOf(FilterJson::Reader j) {
  FilterJsonView v;
  v.all = j.getAll();
  v.has_and = j.hasAnd();
  v.has_or = j.hasOr();
  v.has_not = j.hasNot();
  v.has_eq = j.hasEq();
  v.has_in = j.hasIn();
  v.has_range = j.hasRange();
  v.members_set = int{v.all} + int{v.has_and} + int{v.has_or} + int{v.has_not} + int{v.has_eq} + int{v.has_in} +
                  int{v.has_range} + int{j.hasName()};
  if (v.members_set != 1 || v.all) return v;
  if (v.has_and || v.has_or) {
    for (auto c : v.has_and ? j.getAnd() : j.getOr()) v.children.push_back(ViewOf(c));
  } else if (v.has_not) {
    v.children.push_back(ViewOf(j.getNot()));
  } else if (v.has_eq) {
    v.field = Str(j.getEq().getField());
    v.values.push_back(Str(j.getEq().getValue()));
  } else if (v.has_in) {
    v.field = Str(j.getIn().getField());
    for (auto x : j.getIn().getValues()) v.values.push_back(Str(x));
  } else if (v.has_range) {
    v.field = Str(j.getRange().getField());
    v.values = {Str(j.getRange().getFrom()), Str(j.getRange().getTo())};
  } else {
    v.values.push_back(Str(j.getName().getText()));
    v.match = Str(j.getName().getMatch());
  }
  return v;
}

std::vector<std::string> Texts(capnp::List<capnp::Text>::Reader list) {
  std::vector<std::string> out;
  for (auto t : list) out.push_back(Str(t));
  return out;
}

}  // namespace

StoredValues StoredValuesOf(Dossier::Reader d) {
  StoredValues v;
  auto set = [&](Field f, std::string value) { v[static_cast<int>(f)] = std::move(value); };
  set(Field::kManagingUnit, Str(d.getManagingUnit()));
  set(Field::kWorkingUnit, Str(d.getWorkingUnit()));
  set(Field::kStatus, EnumName(d.getStatus()));
  set(Field::kCategory, EnumName(d.getCategory()));
  set(Field::kRank, Str(d.getRank().getCode()));
  set(Field::kRankStep, d.getRank().getStep() == 0 ? "" : std::to_string(d.getRank().getStep()));
  set(Field::kCoefficient, d.getRank().getCoefficient() == 0 ? "" : NumberText(d.getRank().getCoefficient()));
  set(Field::kGender, EnumName(d.getGender()));
  set(Field::kBirthDate, Str(d.getBirthDate()));
  set(Field::kEthnicity, Str(d.getEthnicity()));
  set(Field::kEducation, Str(d.getEducation().getGeneral()));
  set(Field::kPoliticalTheory, Str(d.getEducation().getPoliticalTheory()));
  const bool party = d.hasParty() && (d.getParty().getAdmittedOn().size() > 0 || d.getParty().getOfficialOn().size() > 0);
  set(Field::kPartyMember, party ? "true" : "false");
  set(Field::kRecruitmentDate, Str(d.getRecruitment().getDate()));
  set(Field::kNationalId, Str(d.getNationalId().getNumber()));
  set(Field::kSurname, Str(d.getName().getSurname()));
  set(Field::kMiddle, Str(d.getName().getMiddle()));
  set(Field::kGiven, Str(d.getName().getGiven()));
  return v;
}

Timelines TimelinesOf(Dossier::Reader d) {
  Timelines t;
  t.recruitment_date = Str(d.getRecruitment().getDate());
  auto r = d.getRank();
  t.rank = {Str(r.getCode()), r.getStep(), r.getCoefficient(), Str(r.getEffectiveDate())};
  for (auto s : d.getSalaryHistory()) {
    t.salary.push_back({Str(s.getEffectiveDate()), Str(s.getRankCode()), s.getStep(), s.getCoefficient()});
  }
  for (auto p : d.getCurrentPositions()) t.current_positions.push_back(Str(p));
  for (auto a : d.getAppointments()) {
    const bool appointed = a.getKind() == AppointmentKind::BO_NHIEM || a.getKind() == AppointmentKind::BO_NHIEM_LAI;
    t.appointments.push_back({Str(a.getEffectiveDate()), Str(a.getPosition()), Str(a.getTermEnd()), appointed});
  }
  for (auto x : d.getTransfers()) {
    t.transfers.push_back({Str(x.getEffectiveDate()), Str(x.getFromUnit()), Str(x.getToUnit()), Str(x.getReturnedOn())});
  }
  t.working_unit = Str(d.getWorkingUnit());
  return t;
}

StoredValues StoredValuesOf(const DossierView& d) { return StoredValuesOf(ReaderOf(d)); }
Timelines TimelinesOf(const DossierView& d) { return TimelinesOf(ReaderOf(d)); }

Timelines TimelinesOfRecord(const std::uint64_t* words, std::size_t size_bytes) {
  FlatRecord r(words, size_bytes);
  return TimelinesOf(r.dossier());
}

Result<std::string> RecordJson(const std::uint64_t* words, std::size_t size_bytes) {
  FlatRecord r(words, size_bytes);
  return EncodeJson(r.dossier(), false);
}

bool IsDateText(std::string_view text, bool partial) {
  return IsValidDate(text, partial ? DateForm::PARTIAL : DateForm::FULL);
}

std::optional<bool> IsEnumerantOf(Field f, std::string_view name) {
  std::optional<capnp::EnumSchema> en;
  switch (f) {
    case Field::kStatus: en = capnp::Schema::from<DossierStatus>(); break;
    case Field::kCategory: en = capnp::Schema::from<Category>(); break;
    case Field::kGender: en = capnp::Schema::from<Gender>(); break;
    default: return std::nullopt;
  }
  KJ_IF_MAYBE(e, en->findEnumerantByName(kj::StringPtr(std::string(name).c_str()))) {
    return e->getOrdinal() != 0;
  }
  return false;
}

Result<QueryJsonView> DecodeQueryJson(std::string_view json, bool count) {
  try {
    capnp::MallocMessageBuilder message;
    QueryJsonView v;
    if (count) {
      HSDT_RETURN_IF_ERROR(DecodeStrictJson(json, kMaxQueryJsonBytes, message.initRoot<CountJson>()));
      auto j = message.getRoot<CountJson>().asReader();
      if (j.hasFilter()) v.filter = ViewOf(j.getFilter());
      v.fields = Texts(j.getGroupBy());
      v.reference_date = Str(j.getReferenceDate());
      v.on_date = Str(j.getOnDate());
      return v;
    }
    HSDT_RETURN_IF_ERROR(DecodeStrictJson(json, kMaxQueryJsonBytes, message.initRoot<QueryJson>()));
    auto j = message.getRoot<QueryJson>().asReader();
    if (j.hasFilter()) v.filter = ViewOf(j.getFilter());
    v.sort = Str(j.getSort());
    v.fields = Texts(j.getFields());
    v.limit = j.getLimit();
    v.cursor = Str(j.getCursor());
    v.allow_scan = j.getAllowScan();
    if (j.hasPurpose()) v.purpose = Str(j.getPurpose());
    v.reference_date = Str(j.getReferenceDate());
    v.on_date = Str(j.getOnDate());
    return v;
  } catch (const kj::Exception& e) {
    return Status::InvalidArgument(std::string("$: ") + e.getDescription().cStr());
  }
}

}  // namespace hsdt::schema
