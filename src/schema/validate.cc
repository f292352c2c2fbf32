#include "schema/validate.h"

#include <unicode/normalizer2.h>
#include <unicode/bytestream.h>
#include <unicode/utf8.h>

#include <capnp/dynamic.h>

#include <cmath>
#include <cstdio>

#include <hsdt/reference.h>

#include "base/clock.h"
#include "schema/internal/refdata.h"
#include "schema/internal/reflect.h"
#include "schema/internal/text.h"
#include "schema/internal/validate.h"
#include "schema/text.h"

namespace hsdt::schema {
namespace {

using capnp::JsonValue;

const char* KindName(JsonValue::Which w) {
  switch (w) {
    case JsonValue::NULL_: return "null";
    case JsonValue::BOOLEAN: return "a boolean";
    case JsonValue::NUMBER: return "a number";
    case JsonValue::STRING: return "a string";
    case JsonValue::ARRAY: return "an array";
    case JsonValue::OBJECT: return "an object";
    case JsonValue::CALL: return "a call";
  }
  return "unknown";
}

std::string Quote(std::string_view s) {
  std::string q = "\"";
  for (char c : s.substr(0, 64)) q += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 64) q += "...";
  return q + "\"";
}

class Validator {
 public:
  explicit Validator(std::string_view root) : path_(root) {}

  Status Struct(JsonValue::Builder v, capnp::StructSchema schema) {
    if (!v.isObject()) return Error("expected an object, got " + std::string(KindName(v.which())));
    const std::vector<FieldRules>& rules = RulesFor(schema);
    std::vector<bool> seen(rules.size(), false);
    for (auto entry : v.getObject()) {
      const capnp::Text::Reader name = entry.getName();
      const std::size_t len = path_.size();
      path_.append(".").append(name.cStr(), name.size());
      if (InvalidUtf8At(std::string_view(name.cStr(), name.size())) >= 0) {
        return Error("field name is not valid UTF-8");
      }
      KJ_IF_MAYBE(field, schema.findFieldByName(name)) {
        const unsigned index = field->getIndex();
        if (seen[index]) return Error("duplicate field");
        seen[index] = true;
        HSDT_RETURN_IF_ERROR(Field(entry.getValue(), *field, rules[index]));
      } else {
        return Error("unknown field");
      }
      path_.resize(len);
    }
    for (unsigned i = 0; i < rules.size(); ++i) {
      if (rules[i].required && !seen[i]) {
        const std::size_t len = path_.size();
        path_.append(".").append(schema.getFields()[i].getProto().getName().cStr());
        Status s = Error("missing required field");
        path_.resize(len);
        return s;
      }
    }
    return Status::Ok();
  }

 private:
  Status Error(std::string what) const { return Status::InvalidArgument(path_ + ": " + what); }

  Status Field(JsonValue::Builder v, capnp::StructSchema::Field field, const FieldRules& rules) {
    const capnp::Type type = field.getType();
    if (type.isList()) {
      if (!v.isArray()) return Error("expected an array, got " + std::string(KindName(v.which())));
      auto items = v.getArray();
      if (items.size() > kMaxListRows) {
        return Error("list has " + std::to_string(items.size()) + " rows; limit " +
                     std::to_string(kMaxListRows));
      }
      const capnp::Type element = type.asList().getElementType();
      for (unsigned i = 0; i < items.size(); ++i) {
        const std::size_t len = path_.size();
        path_.append("[").append(std::to_string(i)).append("]");
        HSDT_RETURN_IF_ERROR(Value(items[i], element, rules));
        path_.resize(len);
      }
      return Status::Ok();
    }
    return Value(v, type, rules);
  }

  Status Value(JsonValue::Builder v, capnp::Type type, const FieldRules& rules) {
    if (v.isNull()) return Error("null is not allowed; omit the field instead");
    switch (type.which()) {
      case capnp::schema::Type::TEXT: return Text(v, rules);
      case capnp::schema::Type::BOOL:
        return v.isBoolean() ? Status::Ok()
                             : Error("expected a boolean, got " + std::string(KindName(v.which())));
      case capnp::schema::Type::UINT8: return Number(v, rules, true, 0, 255);
      case capnp::schema::Type::UINT16: return Number(v, rules, true, 0, 65535);
      case capnp::schema::Type::UINT32: return Number(v, rules, true, 0, 4294967295.0);
      case capnp::schema::Type::INT32: return Number(v, rules, true, -2147483648.0, 2147483647.0);
      case capnp::schema::Type::FLOAT64: return Number(v, rules, false, -1e300, 1e300);
      case capnp::schema::Type::ENUM: return Enum(v, type.asEnum());
      case capnp::schema::Type::STRUCT: return Struct(v, type.asStruct());
      default: return Error("field type not supported by the validator");
    }
  }

  Status Text(JsonValue::Builder v, const FieldRules& rules) {
    if (!v.isString()) return Error("expected a string, got " + std::string(KindName(v.which())));
    const auto t = v.getString();
    const std::string_view s(t.cStr(), t.size());
    if (const std::int64_t at = InvalidUtf8At(s); at >= 0) {
      return Error("invalid UTF-8 at byte " + std::to_string(at) + " of the string");
    }
    // Control characters are refused; a long text (notes, remarks) may hold line breaks and tabs.
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      const bool layout = c == '\n' || c == '\t' || c == '\r';
      const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0;
      if ((c < 0x20 && !(layout && rules.long_text)) || c == 0x7F || c1) {
        const unsigned code = c1 ? static_cast<unsigned char>(s[i + 1]) : c;
        char hex[8];
        std::snprintf(hex, sizeof hex, "%04X", code);
        return Error(std::string("control character U+") + hex + " at byte " + std::to_string(i) +
                     "; expected printable text");
      }
    }
    if (rules.required && s.find_first_not_of(" ") == std::string_view::npos) {
      return Error("empty; expected a value (the field is required)");
    }
    if (s.size() > rules.max_text_bytes()) {
      return Error("text is " + std::to_string(s.size()) + " bytes; limit " +
                   std::to_string(rules.max_text_bytes()));
    }
    if (rules.has_date && !s.empty() && !IsValidDate(s, rules.date)) {
      return Error(Quote(s) + " is not a date; expected " +
                   (rules.date == DateForm::FULL ? "YYYY-MM-DD" : "YYYY-MM-DD, YYYY-MM or YYYY"));
    }
    if (rules.has_ref && !s.empty() && !HasCode(rules.ref, s)) {
      return Error(Quote(s) + " is not a known code of table " +
                   EnumName(rules.ref));
    }
    return Nfc(v, s);
  }

  // Stores text in Unicode normalisation form C (DATA_MODEL.md).
  Status Nfc(JsonValue::Builder v, std::string_view s) {
    bool ascii = true;
    for (char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) return Status::Ok();
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err)) return Status::Internal("ICU: NFC normaliser unavailable");
    const icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
    if (nfc->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) return Status::Ok();
    err = U_ZERO_ERROR;
    std::string out;
    icu::StringByteSink<std::string> sink(&out);
    nfc->normalizeUTF8(0, piece, sink, nullptr, err);
    if (U_FAILURE(err)) return Error("text cannot be normalised to NFC");
    if (out.size() > kLongTextBytes) return Error("text too long after NFC normalisation");
    v.setString(out);
    return Status::Ok();
  }

  Status Number(JsonValue::Builder v, const FieldRules& rules, bool integral, double lo, double hi) {
    if (!v.isNumber()) return Error("expected a number, got " + std::string(KindName(v.which())));
    const double d = v.getNumber();
    if (!std::isfinite(d)) return Error("number is not finite");
    if (integral && std::floor(d) != d) return Error("expected a whole number");
    if (rules.has_range) {
      lo = std::max(lo, rules.min);
      hi = std::min(hi, rules.max);
    }
    if (d < lo || d > hi) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "%g is out of range; expected %g to %g", d, lo, hi);
      return Error(buf);
    }
    return Status::Ok();
  }

  Status Enum(JsonValue::Builder v, capnp::EnumSchema schema) {
    if (!v.isString()) return Error("expected a string, got " + std::string(KindName(v.which())));
    const auto t = v.getString();
    KJ_IF_MAYBE(e, schema.findEnumerantByName(t)) {
      if (e->getOrdinal() != 0) return Status::Ok();
    }
    std::string allowed;
    for (auto e : schema.getEnumerants()) {
      if (e.getOrdinal() == 0) continue;
      if (!allowed.empty()) allowed += ", ";
      allowed += e.getProto().getName().cStr();
    }
    return Error(Quote(std::string_view(t.cStr(), t.size())) + " is not one of " + allowed);
  }

  std::string path_;
};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Compares two ISO dates of possibly different precision by their common prefix.
bool DateBefore(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) < b.substr(0, n);
}

template <typename Row>
Status CheckPeriod(const Row& row, const std::string& path) {
  const std::string from = Str(row.getFrom());
  const std::string to = Str(row.getTo());
  if (!from.empty() && !to.empty() && DateBefore(to, from)) {
    return Status::InvalidArgument(path + ".to: " + to + " is before from " + from);
  }
  return Status::Ok();
}

Status CheckSalaryStep(std::string_view code, unsigned step, double coefficient,
                       const std::string& path, std::vector<std::string>* warnings) {
  const RankRef* rank = FindRank(code);
  if (rank == nullptr) return Status::Ok();  // already rejected by the reference check
  if (static_cast<int>(step) > rank->steps) {
    return Status::InvalidArgument(path + ".step: " + std::to_string(step) + " is above rank " +
                                   std::string(code) + "'s " + std::to_string(rank->steps) +
                                   " steps");
  }
  const double expected = rank->CoefficientOf(static_cast<int>(step));
  if (std::fabs(expected - coefficient) > 0.005) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "%s.coefficient: %.2f does not match group %s step %u (%.2f); kept as entered",
                  path.c_str(), coefficient, rank->group.c_str(), step, expected);
    warnings->push_back(buf);
  }
  return Status::Ok();
}

}  // namespace

bool IsValidDate(std::string_view s, DateForm form) {
  if (s.size() != 10 && (form == DateForm::FULL || (s.size() != 7 && s.size() != 4))) return false;
  if (!AllDigits(s.substr(0, 4))) return false;
  const int year = ToInt(s.substr(0, 4));
  if (year < 1800 || year > 2200) return false;
  if (s.size() == 4) return true;
  if (s[4] != '-' || !AllDigits(s.substr(5, 2))) return false;
  const int month = ToInt(s.substr(5, 2));
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-' || !AllDigits(s.substr(8, 2))) return false;
  const int day = ToInt(s.substr(8, 2));
  return day >= 1 && static_cast<unsigned>(day) <= base::DaysInMonth(year, static_cast<unsigned>(month));
}

bool IsFullDate(std::string_view text) { return IsValidDate(text, DateForm::FULL); }

Status ValidateJson(capnp::JsonValue::Builder value, capnp::StructSchema schema,
                    std::string_view path) {
  return Validator(path).Struct(value, schema);
}

Status ValidateDossier(Dossier::Reader d, std::vector<std::string>* warnings) {
  const std::string id_number = Str(d.getNationalId().getNumber());
  if (!AllDigits(id_number) || (id_number.size() != 9 && id_number.size() != 12)) {
    return Status::InvalidArgument("$.nationalId.number: expected 9 or 12 digits, got " +
                                   std::to_string(id_number.size()) + " characters");
  }
  auto rank = d.getRank();
  HSDT_RETURN_IF_ERROR(CheckSalaryStep(Str(rank.getCode()), rank.getStep(), rank.getCoefficient(),
                                       "$.rank", warnings));
  auto salary = d.getSalaryHistory();
  int latest = -1;
  for (unsigned i = 0; i < salary.size(); ++i) {
    auto row = salary[i];
    HSDT_RETURN_IF_ERROR(CheckSalaryStep(Str(row.getRankCode()), row.getStep(),
                                         row.getCoefficient(),
                                         "$.salaryHistory[" + std::to_string(i) + "]", warnings));
    if (latest < 0 || Str(row.getEffectiveDate()) >= Str(salary[latest].getEffectiveDate())) {
      latest = static_cast<int>(i);
    }
  }
  if (latest >= 0) {
    auto row = salary[latest];
    if (row.getRankCode() != rank.getCode() || row.getStep() != rank.getStep() ||
        std::fabs(row.getCoefficient() - rank.getCoefficient()) > 1e-9) {
      return Status::InvalidArgument(
          "$.rank: differs from the latest salary row $.salaryHistory[" + std::to_string(latest) +
          "] (" + Str(row.getRankCode()) + " step " + std::to_string(row.getStep()) +
          "); the current rank is kept equal to it");
    }
  }
  auto training = d.getTraining();
  for (unsigned i = 0; i < training.size(); ++i) {
    HSDT_RETURN_IF_ERROR(CheckPeriod(training[i], "$.training[" + std::to_string(i) + "]"));
  }
  auto work = d.getWorkHistory();
  for (unsigned i = 0; i < work.size(); ++i) {
    HSDT_RETURN_IF_ERROR(CheckPeriod(work[i], "$.workHistory[" + std::to_string(i) + "]"));
  }
  if (DateBefore(Str(d.getRecruitment().getDate()), Str(d.getBirthDate()))) {
    return Status::InvalidArgument("$.recruitment.date: before $.birthDate");
  }
  return Status::Ok();
}

}  // namespace hsdt::schema
