#include "schema/report_view.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <capnp/schema.h>

#include "schema/query_view_reader.h"

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

std::string UpperVietnamese(std::string_view s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.toUpper(icu::Locale("vi"));
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace hsdt::schema
