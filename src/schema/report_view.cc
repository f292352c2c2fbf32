#include "schema/report_view.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <capnp/schema.h>

#include "schema/internal/query_view_reader.h"
#include "schema/internal/record.h"

namespace hsdt::schema {

const ExpectedField kExpectedFields[kExpectedFieldCount] = {
    {"phone", "Số điện thoại"},
    {"email", "Thư điện tử"},
    {"socialInsuranceNo", "Số sổ BHXH"},
    {"healthInsuranceNo", "Số thẻ BHYT"},
    {"education.professional", "Trình độ chuyên môn"},
    {"training", "Quá trình đào tạo"},
    {"workHistory", "Quá trình công tác"},
    {"salaryHistory", "Quá trình lương"},
    {"family", "Quan hệ gia đình"},
    {"evaluations", "Đánh giá, xếp loại"},
};

std::array<bool, kExpectedFieldCount> FilledFields(Dossier::Reader d) {
  return {d.getPhone().size() > 0,
          d.getEmail().size() > 0,
          d.getSocialInsuranceNo().size() > 0,
          d.getHealthInsuranceNo().size() > 0,
          d.getEducation().getProfessional().size() > 0,
          d.getTraining().size() > 0,
          d.getWorkHistory().size() > 0,
          d.getSalaryHistory().size() > 0,
          d.getFamily().size() > 0,
          d.getEvaluations().size() > 0};
}

std::string CategoryName(Category c) {
  auto en = capnp::Schema::from<Category>().getEnumerants();
  const auto raw = static_cast<unsigned>(c);
  return raw < en.size() ? en[raw].getProto().getName().cStr() : "?";
}

std::array<bool, kExpectedFieldCount> FilledFields(const DossierView& d) { return FilledFields(ReaderOf(d)); }
std::string CategoryName(const DossierView& d) { return CategoryName(ReaderOf(d).getCategory()); }

namespace {
std::string_view View(capnp::Text::Reader t) { return std::string_view(t.cStr(), t.size()); }

template <typename List>
void AddEvents(List rows, const char* list, DeadlineFacts* out) {
  for (unsigned i = 0; i < rows.size(); ++i) {
    out->events.push_back({list, i, View(rows[i].getEffectiveDate()), View(rows[i].getRecordedAt())});
  }
}
}  // namespace

DeadlineFacts DeadlineFactsOf(const DossierView& view) {
  const Dossier::Reader d = ReaderOf(view);
  DeadlineFacts f;
  auto r = d.getRecruitment();
  f.recruitment_date = View(r.getDate());
  f.recruitment_decided = r.hasDecision() && r.getDecision().getSignedOn().size() > 0
                              ? View(r.getDecision().getSignedOn()) : f.recruitment_date;
  AddEvents(d.getTraining(), "$.training", &f);
  AddEvents(d.getAppointments(), "$.appointments", &f);
  AddEvents(d.getTransfers(), "$.transfers", &f);
  AddEvents(d.getSalaryHistory(), "$.salaryHistory", &f);
  AddEvents(d.getRewards(), "$.rewards", &f);
  AddEvents(d.getDisciplines(), "$.disciplines", &f);
  for (auto s : d.getAnnualSupplements()) f.supplement_years.push_back(s.getYear());
  return f;
}

std::string UpperVietnamese(std::string_view s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toUpper(icu::Locale("vi"));
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace hsdt::schema
