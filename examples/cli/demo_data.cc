#include "demo_data.h"

#include <hsdt/reference.h>

#include <cstdio>
#include <vector>

#include "json_writer.h"

namespace hsdt::cli {
namespace {

// splitmix64: fully specified, so the district is the same everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool Chance(int percent) { return Below(100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(Below(static_cast<int>(v.size())))]; }

 private:
  std::uint64_t s_;
};

struct Date {
  int y, m, d;
  std::string Str() const {
    char b[48];  // room for any three ints: no truncation, whatever the values
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return b;
  }
  std::string Month() const { return Str().substr(0, 7); }
  Date AddMonths(int n) const {
    int total = y * 12 + (m - 1) + n;
    return {total / 12, total % 12 + 1, d > 28 ? 28 : d};
  }
  Date AddDays(int n) const {  // small offsets only, within a month's first 28 days
    int dd = d + n;
    if (dd >= 1 && dd <= 28) return {y, m, dd};
    return dd < 1 ? Date{y, m, 1}.AddMonths(-1).With(28 + dd) : Date{y, m, 1}.AddMonths(1).With(dd - 28);
  }
  Date With(int day) const { return {y, m, day < 1 ? 1 : (day > 28 ? 28 : day)}; }
  bool operator<=(const Date& o) const { return Str() <= o.Str(); }
};

constexpr Date kToday{2026, 11, 1};  // fixed: the demo does not depend on the clock

std::vector<std::string> Parts(const char* kind, char gender) {
  std::vector<std::string> out;
  for (const auto& p : NameParts()) {
    if (p.kind == kind && (gender == 'U' || p.gender_hint == 'U' || p.gender_hint == gender)) out.push_back(p.part);
  }
  return out;
}

const std::vector<UnitRef>& Tier1Units() {
  static const std::vector<UnitRef> units = [] {
    std::vector<UnitRef> u;
    for (const auto& unit : Units()) {
      if (unit.tier == 1 || unit.code == "777-NV") u.push_back(unit);
    }
    return u;
  }();
  return units;
}

const char* CategoryFor(const UnitRef& unit, Rng& rng) {
  if (unit.kind == "public_service_unit") return rng.Chance(90) ? "vienChuc" : "hopDong68";
  if (unit.kind == "ward") {
    const int r = rng.Below(100);
    return r < 15 ? "canBo" : r < 80 ? "canBoCongChucCapXa" : r < 92 ? "congChuc" : "hopDong68";
  }
  return rng.Chance(90) ? "congChuc" : "hopDong68";
}

std::string RankFor(const UnitRef& unit, const std::string& category, Rng& rng) {
  if (category == "hopDong68") return rng.Chance(60) ? "01.005" : "01.004";
  if (category == "vienChuc") {
    if (unit.code == "777-BV" || unit.code == "777-TTYTDP") {
      static const std::vector<std::string> health = {"V.08.01.03", "V.08.01.02", "V.08.05.12", "V.08.05.13",
                                                      "V.08.05.13", "V.08.06.16", "V.08.07.19", "V.08.08.22"};
      return rng.Pick(health);
    }
    if (unit.code == "777-NTN" || unit.code == "777-TTGDTX" || unit.code == "777-TTDN") {
      static const std::vector<std::string> teach = {"V.07.04.32", "V.07.04.31", "V.07.03.29", "V.07.02.26"};
      return rng.Pick(teach);
    }
    return rng.Chance(80) ? "01.003" : "01.004";
  }
  if (unit.code == "777-TTR" && rng.Chance(60)) return rng.Chance(80) ? "04.025" : "04.024";
  if (unit.code == "777-TCKH" && rng.Chance(50)) return "06.031";
  const int r = rng.Below(100);
  return r < 62 ? "01.003" : r < 78 ? "01.004" : r < 90 ? "01.002" : r < 96 ? "01.005" : "02.007";
}

int MonthsBetweenRaises(const RankRef& rank) { return rank.group[0] == 'A' ? 36 : 24; }

struct Counter {
  int decision = 100;
  std::string Next(const char* suffix) { return std::to_string(decision++) + suffix; }
};

void Decision(JsonWriter& j, Counter& c, const Date& signed_on, const char* signer = "Chủ tịch UBND quận Bình Tân") {
  j.BeginObject("decision")
      .Str("number", c.Next("/QĐ-UBND"))
      .Str("signedOn", signed_on.Str())
      .Str("signer", signer)
      .Str("issuer", "777")
      .End();
}

}  // namespace

DemoPerson DemoDistrict::Person(int i, bool raised) const {
  Rng rng(seed_ * 1000003ull + static_cast<std::uint64_t>(i));
  DemoPerson p;
  const UnitRef& unit = Tier1Units()[static_cast<std::size_t>(i) % Tier1Units().size()];
  p.unit = unit.code;
  const char gender = rng.Chance(52) ? 'F' : 'M';
  const std::string surname = rng.Pick(Parts("surname", 'U'));
  const std::string middle = gender == 'F' ? (rng.Chance(55) ? "Thị" : rng.Pick(Parts("middle", 'F')))
                                           : (rng.Chance(45) ? "Văn" : rng.Pick(Parts("middle", 'M')));
  const std::string given = rng.Pick(Parts("given", gender));
  p.full_name = surname + " " + middle + " " + given;
  const Date birth{rng.Between(1966, 2000), rng.Between(1, 12), rng.Between(1, 28)};
  p.birth_date = birth.Str();
  const std::string category = CategoryFor(unit, rng);
  p.rank_code = RankFor(unit, category, rng);
  const RankRef* rank = FindRank(p.rank_code);
  const Date recruited = birth.AddMonths(12 * rng.Between(22, 32) + rng.Below(12)).With(1);
  const Date start = kToday <= recruited ? kToday.AddMonths(-6).With(1) : recruited;

  // National ID: province 079, century+gender digit, two-digit birth year, 6 digits unique per i.
  char nid[16];
  std::snprintf(nid, sizeof nid, "079%d%02d%06d", (birth.y >= 2000 ? 2 : 0) + (gender == 'F' ? 1 : 0),
                birth.y % 100, i % 1000000);
  p.national_id = nid;

  Counter dec{100 + rng.Below(900)};
  // Salary history: recruitment at step 1, regular raises, sometimes a promotion of rank.
  struct Salary { std::string code; int step; double coef; Date on; const char* reason; bool extra = false; };
  std::vector<Salary> salary;
  const RankRef* current = rank;
  int step = 1;
  salary.push_back({current->code, 1, current->CoefficientOf(1), start, "tuyenDung"});
  for (Date on = start.AddMonths(MonthsBetweenRaises(*current)); on <= kToday;
       on = on.AddMonths(MonthsBetweenRaises(*current))) {
    if (current->code == "01.003" && step >= 4 && rng.Chance(25)) {
      const RankRef* higher = FindRank("01.002");
      const double old = current->CoefficientOf(step);
      int s = 1;
      while (s < higher->steps && higher->CoefficientOf(s) < old) ++s;
      current = higher;
      step = s;
      salary.push_back({current->code, step, current->CoefficientOf(step), on, "nangNgach"});
      continue;
    }
    if (step >= current->steps) break;
    ++step;
    salary.push_back({current->code, step, current->CoefficientOf(step), on,
                      rng.Chance(8) ? "nangBacTruocThoiHan" : "nangBacThuongXuyen"});
  }
  if (raised && step < current->steps) {
    ++step;
    salary.push_back({current->code, step, current->CoefficientOf(step), kToday, "nangBacThuongXuyen", true});
  }
  const Salary& last = salary.back();
  p.rank_code = last.code;
  p.step = last.step;
  p.steps = current->steps;

  const bool probation = kToday.AddMonths(-12) <= start;
  JsonWriter j;
  j.Begin()
      .Str("managingUnit", unit.code)
      .Str("workingUnit", unit.code)
      .Str("staffNumber", "BT-" + unit.code + "-" + std::to_string(1000 + i))
      .Str("category", category)
      .Str("status", probation ? "tapSu" : (rng.Chance(2) ? "nghiKhongLuong" : "dangCongTac"));
  j.BeginObject("name").Str("surname", surname).Str("middle", middle).Str("given", given).End();
  j.Str("birthDate", birth.Str())
      .Str("gender", gender == 'F' ? "nu" : "nam")
      .Str("birthPlace", rng.Chance(60) ? "Thành phố Hồ Chí Minh" : rng.Pick(std::vector<std::string>{"tỉnh Long An", "tỉnh Tiền Giang", "tỉnh Bến Tre", "tỉnh Đồng Tháp", "tỉnh Bình Định", "tỉnh Nghệ An"}))
      .Str("hometown", rng.Pick(std::vector<std::string>{"tỉnh Long An", "tỉnh Tiền Giang", "Thành phố Hồ Chí Minh", "tỉnh Quảng Ngãi", "tỉnh Thái Bình", "tỉnh Hà Tĩnh"}))
      .Str("ethnicity", rng.Chance(92) ? "01" : (rng.Chance(80) ? "04" : "05"))
      .Str("religion", rng.Chance(75) ? "00" : (rng.Chance(60) ? "01" : "02"))
      .Str("permanentAddress", std::to_string(rng.Between(1, 400)) + " đường số " + std::to_string(rng.Between(1, 40)) + ", quận Bình Tân")
      .Str("currentAddress", std::to_string(rng.Between(1, 400)) + " đường số " + std::to_string(rng.Between(1, 40)) + ", quận Bình Tân")
      .Str("phone", "09" + std::to_string(10000000 + rng.Below(89999999)));
  j.BeginObject("nationalId").Str("number", nid).Str("issuedOn", Date{2021, rng.Between(1, 12), rng.Between(1, 28)}.Str())
      .Str("issuedBy", "Cục Cảnh sát quản lý hành chính về trật tự xã hội").End();
  j.BeginObject("recruitment").Str("date", start.Str()).Str("agency", "Ủy ban nhân dân quận Bình Tân");
  Decision(j, dec, start.AddDays(-10));
  j.End();
  j.BeginArray("currentPositions").Str(category == "vienChuc" ? "Viên chức chuyên môn" : "Công chức chuyên môn").EndArray();
  j.BeginObject("rank").Str("code", last.code).Int("step", last.step).Num("coefficient", last.coef).Str("effectiveDate", last.on.Str()).End();
  const std::string level = rank->group[0] == 'A' ? (rng.Chance(12) ? "THS" : "DH") : (rng.Chance(50) ? "CD" : "TC");
  j.BeginObject("education").Str("general", "12/12");
  j.BeginArray("professional").BeginObject().Str("level", level).Str("major", rng.Pick(std::vector<std::string>{"Luật", "Kinh tế", "Hành chính học", "Kế toán", "Y đa khoa", "Sư phạm", "Công nghệ thông tin", "Quản lý đất đai"})).End().EndArray();
  j.Str("politicalTheory", rng.Chance(40) ? "TC" : "SC").Str("stateManagement", rank->group[0] == 'A' ? "CV" : "CS");
  j.BeginArray("languages").BeginObject().Str("language", "Tiếng Anh").Str("level", rng.Chance(50) ? "B" : "BAC2").End().EndArray();
  j.Str("it", rng.Chance(50) ? "CNTT_CB" : "CC_B").End();
  if (rng.Chance(45)) {
    const Date admitted = start.AddMonths(rng.Between(12, 60));
    if (admitted <= kToday.AddMonths(-13)) {
      j.BeginObject("party").Str("admittedOn", admitted.Str()).Str("officialOn", admitted.AddMonths(12).Str()).End();
    }
  }
  j.BeginObject("health").Str("status", "Tốt").Int("heightCm", gender == 'F' ? rng.Between(148, 168) : rng.Between(158, 180))
      .Int("weightKg", gender == 'F' ? rng.Between(42, 65) : rng.Between(52, 85)).End();

  j.BeginArray("training");
  const Date grad = start.AddMonths(-rng.Between(2, 24)).With(15);
  j.BeginObject().Str("institution", level == "DH" || level == "THS" ? "Trường Đại học Quốc gia Thành phố Hồ Chí Minh" : "Trường Cao đẳng Kinh tế Thành phố Hồ Chí Minh")
      .Str("from", grad.AddMonths(-48).Month()).Str("to", grad.Month()).Str("mode", "CQ").Str("diploma", level == "DH" ? "Cử nhân" : "Tốt nghiệp")
      .Str("dimension", "professional").Str("effectiveDate", grad.Str()).End();
  if (rng.Chance(40) && start.AddMonths(30) <= kToday) {
    const Date end = start.AddMonths(rng.Between(24, 30)).With(20);
    j.BeginObject().Str("institution", "Trường Chính trị Thành phố Hồ Chí Minh").Str("from", end.AddMonths(-10).Month())
        .Str("to", end.Month()).Str("mode", "TCH").Str("diploma", "Trung cấp").Str("dimension", "politicalTheory")
        .Str("effectiveDate", end.Str()).End();
  }
  j.EndArray();

  j.BeginArray("workHistory");
  j.BeginObject().Str("from", start.Month()).Str("position", "Chuyên viên").Str("unit", unit.name_vi).Str("organisation", "chính quyền").End();
  j.EndArray();

  j.BeginArray("salaryHistory");
  for (const auto& s : salary) {
    j.BeginObject().Str("rankCode", s.code).Int("step", s.step).Num("coefficient", s.coef).Str("reason", s.reason)
        .Str("effectiveDate", s.on.Str());
    // The extra raise draws nothing from rng, so the rest of the person stays the same.
    Decision(j, dec, s.extra ? s.on.AddDays(2) : s.on.AddDays(rng.Between(-10, 12)));
    j.End();
  }
  j.EndArray();

  j.BeginArray("evaluations");
  for (int y = std::max(start.y + 1, 2023); y <= 2025; ++y) {
    const int r = rng.Below(100);
    j.BeginObject().Int("year", y).Str("result", r < 10 ? "xuatSac" : r < 75 ? "tot" : r < 97 ? "hoanThanh" : "hanChe")
        .Str("effectiveDate", Date{y, 12, 28}.Str()).End();
  }
  j.EndArray();
  if (rng.Chance(35) && start.y < 2025) {
    const int y = rng.Between(std::max(start.y, 2015), 2024);
    j.BeginArray("rewards").BeginObject().Int("year", y).Str("form", rng.Chance(70) ? "Giấy khen" : "Bằng khen")
        .Str("level", "quận").Str("reason", "Hoàn thành xuất sắc nhiệm vụ năm " + std::to_string(y))
        .Str("effectiveDate", Date{y + 1, 1, 15}.Str());
    Decision(j, dec, Date{y + 1, 1, 15});
    j.End().EndArray();
  }

  j.BeginArray("family");
  j.BeginObject().Str("side", "self").Str("relation", "bo").Str("fullName", surname + " Văn " + rng.Pick(Parts("given", 'M')))
      .Int("birthYear", birth.y - rng.Between(22, 35)).Str("details", "Hưu trí").End();
  j.BeginObject().Str("side", "self").Str("relation", "me").Str("fullName", rng.Pick(Parts("surname", 'U')) + " Thị " + rng.Pick(Parts("given", 'F')))
      .Int("birthYear", birth.y - rng.Between(20, 33)).Str("details", "Nội trợ").End();
  if (birth.y < 1995 && rng.Chance(75)) {
    j.BeginObject().Str("side", "self").Str("relation", gender == 'F' ? "chong" : "vo")
        .Str("fullName", rng.Pick(Parts("surname", 'U')) + (gender == 'F' ? " Văn " : " Thị ") + rng.Pick(Parts("given", gender == 'F' ? 'M' : 'F')))
        .Int("birthYear", birth.y + rng.Between(-4, 4)).Str("details", "Nhân viên văn phòng").End();
  }
  j.EndArray();

  j.BeginArray("annualSupplements");
  for (int y = std::max(start.y, 2022); y <= 2025; ++y) {
    if (rng.Chance(85)) {
      const Date on{y + 1, 1, rng.Between(5, 25)};
      j.BeginObject().Int("year", y).Str("declaredOn", on.Str()).Str("changes", "Không thay đổi").Bool("signed", true)
          .Str("effectiveDate", on.Str()).End();
    }
  }
  j.EndArray();
  j.End();
  p.json = j.str();
  return p;
}

}  // namespace hsdt::cli
