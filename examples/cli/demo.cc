// `hsdt demo`: builds the demo district in a local folder and plays the scenario, narrated in
// Vietnamese for the officials who watch it.
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <hsdt/reference.h>

#include "cli.h"
#include "demo_data.h"

namespace hsdt::cli {
namespace {

constexpr char kDemoMarker[] = "HSDT-DEMO";
constexpr char kDemoPassphrase[] = "bình-tân-demo-2026";

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Upper(const std::string& s) {
  std::string out;
  icu::UnicodeString::fromUTF8(s).toUpper(icu::Locale("vi")).toUTF8String(out);
  return out;
}

void Step(int n, const std::string& title) { std::cout << "\n" << n << ". " << title << "\n"; }

ChangeContext Context(const std::string& reason, const std::string& number, const std::string& date) {
  return {"demo.nv", reason, {number, date}};
}

std::string StatusVi(const std::string& s) {
  static const std::map<std::string, std::string> names = {
      {"dangCongTac", "đang công tác"}, {"tapSu", "tập sự"}, {"bietPhai", "biệt phái"},
      {"nghiKhongLuong", "nghỉ không lương"}, {"tamDinhChi", "tạm đình chỉ"},
      {"chuyenCongTac", "chuyển công tác"}, {"nghiHuu", "nghỉ hưu"}, {"thoiViec", "thôi việc"},
      {"buocThoiViec", "buộc thôi việc"}, {"tuTran", "từ trần"}};
  auto it = names.find(s);
  return it == names.end() ? s : it->second;
}

// Pads to `width` terminal columns, counting code points (setw counts bytes).
std::string Pad(const std::string& s, int width, bool right = false) {
  const int32_t n = icu::UnicodeString::fromUTF8(s).countChar32();
  const std::string fill(static_cast<std::size_t>(std::max(0, width - n)), ' ');
  return right ? fill + s : s + fill;
}

// Counts the occurrences of each needle in every file under `dir`.
std::size_t CountPlaintext(const std::string& dir, const std::vector<std::string>& needles, std::size_t* files) {
  std::size_t hits = 0;
  *files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ++*files;
    std::ifstream f(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string bytes = ss.str();
    for (const auto& n : needles) {
      for (auto at = bytes.find(n); at != std::string::npos; at = bytes.find(n, at + 1)) ++hits;
    }
  }
  return hits;
}

int Report(Database& db) {
  std::map<std::string, std::map<std::string, int>> by_unit;
  std::map<std::string, int> totals;
  std::string after;
  for (;;) {
    auto ids = db.ListIds(after, 1000);
    if (!ids.ok()) return Fail(ids.status());
    if (ids->empty()) break;
    for (const auto& id : *ids) {
      auto d = db.Get(id);
      if (!d.ok()) return Fail(d.status());
      const std::string st = d->status();
      const std::string column = st == "dangCongTac" || st == "tapSu" || st == "nghiHuu" ? st : "khac";
      by_unit[d->managing_unit()][column]++;
      totals[column]++;
    }
    after = ids->back();
  }
  auto row = [](const std::string& name, std::map<std::string, int>& c) {
    const int sum = c["dangCongTac"] + c["tapSu"] + c["nghiHuu"] + c["khac"];
    std::cout << "   " << Pad(name, 60) << Pad(std::to_string(c["dangCongTac"]), 9, true)
              << Pad(std::to_string(c["tapSu"]), 8, true) << Pad(std::to_string(c["nghiHuu"]), 10, true)
              << Pad(std::to_string(c["khac"]), 6, true) << Pad(std::to_string(sum), 7, true) << "\n";
  };
  std::cout << "   " << Pad("Đơn vị", 60) << Pad("Đang CT", 9, true) << Pad("Tập sự", 8, true)
            << Pad("Nghỉ hưu", 10, true) << Pad("Khác", 6, true) << Pad("Tổng", 7, true) << "\n";
  for (const auto& unit : Units()) {
    auto it = by_unit.find(unit.code);
    if (it != by_unit.end()) row(unit.name_vi, it->second);
  }
  row("TOÀN QUẬN", totals);
  return kExitOk;
}

}  // namespace

int RunDemo(const Args& args) {
  const std::string dir = args.Get("db", "hsdt-demo");
  const int people = std::stoi(args.Get("people", "3000"));
  const std::uint64_t seed = std::stoull(args.Get("seed", "2013"));
  if (people < 10 || people > 1000000) {
    std::cerr << "hsdt: --people must be 10 to 1000000\n";
    return kExitUsage;
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::exists(dir + "/" + kDemoMarker, ec)) {
      std::cerr << "hsdt: " << dir << " exists and is not a demo database; choose another --db\n";
      return kExitUsage;
    }
    std::filesystem::remove_all(dir, ec);
  }
  const char* env = std::getenv("HSDT_PASSPHRASE");
  const std::string passphrase = env != nullptr && *env != '\0' ? env : kDemoPassphrase;
  auto key = Key::Passphrase(passphrase);
  if (!key.ok()) return Fail(key.status());

  std::cout << "HỒ SƠ ĐIỆN TỬ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC QUẬN BÌNH TÂN — chạy thử (hsdt demo)\n"
            << "Theo Quy chế 04/2013/QĐ-UBND. Dữ liệu tổng hợp, sinh ngẫu nhiên có kiểm soát (hạt giống "
            << seed << ").\n";

  Step(1, "Khởi tạo cơ sở dữ liệu mã hoá");
  auto start = Clock::now();
  OpenOptions bulk;
  bulk.create_if_missing = true;
  bulk.error_if_exists = true;
  bulk.durability = Durability::kNoSync;
  auto created = Database::Open(dir, *key, bulk);
  if (!created.ok()) return Fail(created.status());
  std::ofstream(dir + "/" + kDemoMarker) << "demo database made by `hsdt demo`; safe to delete\n";
  std::cout << "   Thư mục: " << std::filesystem::absolute(dir).string() << "\n"
            << "   Khoá dữ liệu ngẫu nhiên, được bọc bằng khoá dẫn xuất từ mật khẩu (Argon2id)"
            << (env ? " lấy từ HSDT_PASSPHRASE" : " (mật khẩu chạy thử mặc định)") << ". ("
            << std::fixed << std::setprecision(2) << Seconds(start) << " giây)\n";

  Step(2, "Nạp hồ sơ của " + std::to_string(Units().size() - 1) + " đơn vị");
  const DemoDistrict district(seed);
  start = Clock::now();
  ChangeContext load = Context("Số hoá hồ sơ giấy", "15/KH-UBND", "2026-01-10");
  std::vector<std::string> ids;
  for (int i = 0; i < people; ++i) {
    auto w = (*created)->Create(district.Person(i).json, load);
    if (!w.ok()) return Fail(w.status().WithPrefix("demo person " + std::to_string(i)));
    ids.push_back(w->id);
  }
  if (Status s = (*created)->Sync(); !s.ok()) return Fail(s);
  const double load_s = Seconds(start);
  auto stats = (*created)->Stats();
  std::cout << "   " << people << " hồ sơ trong " << std::setprecision(1) << load_s << " giây ("
            << static_cast<long>(people / load_s) << " hồ sơ/giây; ghi hàng loạt, đồng bộ đĩa một lần ở cuối).\n"
            << "   Nén bằng từ điển zstd huấn luyện trên chính dữ liệu (từ điển số " << stats->dictionary_id
            << "), niêm phong XChaCha20-Poly1305 từng phiên bản.\n";
  if (Status s = (*created)->Close(); !s.ok()) return Fail(s);

  OpenOptions normal;  // every commit fsynced from here on
  auto db_or = Database::Open(dir, *key, normal);
  if (!db_or.ok()) return Fail(db_or.status());
  Database& db = **db_or;

  // The person the scenario follows: the first of phường An Lạc (27460) with a step left.
  int who = -1;
  for (int i = 0; i < people && who < 0; ++i) {
    const DemoPerson p = district.Person(i);
    if (p.unit == "27460" && p.step < p.steps) who = i;
  }
  if (who < 0) who = 0;
  const DemoPerson person = district.Person(who);
  const std::string id = ids[static_cast<std::size_t>(who)];

  Step(3, "Tra cứu một hồ sơ");
  auto d = db.Get(id);
  if (!d.ok()) return Fail(d.status());
  std::cout << "   " << id << " — " << Upper(d->full_name()) << ", sinh ngày " << d->birth_date() << "\n"
            << "   Cơ quan quản lý: " << FindUnit(d->managing_unit())->name_vi << "; tình trạng: "
            << StatusVi(d->status()) << "; ngạch " << person.rank_code << " ("
            << FindRank(person.rank_code)->name_vi << ") bậc " << person.step << "/" << person.steps << "\n";

  Step(4, "Cập nhật: nâng bậc lương thường xuyên (phiên bản mới, có căn cứ quyết định)");
  auto raised = db.Update(id, 1, district.Person(who, true).json,
                          Context("Nâng bậc lương thường xuyên", "1402/QĐ-UBND", "2026-11-03"));
  if (!raised.ok()) return Fail(raised.status());
  std::cout << "   Phiên bản " << raised->version << " ghi lúc " << FormatTime(raised->recorded_at_micros) << ".\n"
            << "   Các trường thay đổi so với phiên bản 1:\n";
  auto diff = db.Diff(id, 1, raised->version);
  if (!diff.ok()) return Fail(diff.status());
  for (const auto& p : *diff) std::cout << "     " << p << "\n";

  Step(5, "Phiên bản cũ không thể ghi đè: cập nhật dựa trên phiên bản 1 bị từ chối");
  auto stale = db.Update(id, 1, district.Person(who).json, Context("Sửa nhầm", "1/BC", "2026-11-04"));
  std::cout << "   " << (stale.ok() ? "LỖI: được chấp nhận" : stale.status().ToString()) << "\n";

  Step(6, "Dữ liệu sai bị từ chối, không ghi gì");
  std::string bad = district.Person(who).json;
  bad.replace(bad.find("\"birthDate\":\"") + 13, 10, "1984-02-30");
  auto rejected = DossierDraft::FromJson(bad);
  std::cout << "   Ngày sinh 1984-02-30: " << rejected.status().ToString() << "\n";

  Step(7, "Chuyển trạng thái: nghỉ hưu theo quyết định (là một phiên bản, không xoá hồ sơ)");
  auto retired = db.ChangeStatus(id, raised->version, "nghiHuu",
                                 Context("Nghỉ hưu theo chế độ", "1533/QĐ-UBND", "2026-11-20"));
  if (!retired.ok()) return Fail(retired.status());
  std::cout << "   Phiên bản " << retired->version << ": tình trạng " << StatusVi(db.Get(id)->status()) << ".\n";

  Step(8, "Lịch sử phiên bản (không bao giờ viết lại)");
  auto history = db.History(id);
  if (!history.ok()) return Fail(history.status());
  for (const auto& v : *history) {
    std::cout << "   v" << v.version << "  " << FormatTime(v.recorded_at_micros) << "  " << std::left
              << std::setw(22) << StatusVi(v.status) << std::right << "  QĐ " << v.source.number << " ngày "
              << v.source.date << " — " << v.reason << "\n";
  }
  auto before = db.GetAsOf(id, (*history)[1].recorded_at_micros - 1);
  if (!before.ok()) return Fail(before.status());
  std::cout << "   Hồ sơ tại thời điểm ngay trước lần nâng bậc: phiên bản " << before->version() << ".\n";

  Step(9, "Kiểm tra toàn vẹn (xác thực và giải mã mọi phiên bản, đối chiếu chỉ mục)");
  start = Clock::now();
  auto report = db.Check();
  if (!report.ok()) return Fail(report.status());
  std::cout << "   " << report->dossiers << " hồ sơ, " << report->versions << " phiên bản, " << report->index_entries
            << " mục chỉ mục: " << report->problems.size() << " lỗi (" << std::setprecision(1) << Seconds(start)
            << " giây).\n";

  Step(10, "Sao lưu mã hoá và kiểm tra bản sao lưu");
  const std::string backups = dir + "/sao-luu";
  auto backup = db.Backup(backups);
  if (!backup.ok()) return Fail(backup.status());
  const Status verified = VerifyBackup(backups, *key, backup->id);
  std::cout << "   Bản sao lưu số " << backup->id << ": " << backup->file_count << " tệp, "
            << backup->size_bytes / 1024 << " KiB; kiểm tra: " << (verified.ok() ? "đạt" : verified.ToString()) << ".\n";

  Step(11, "Báo cáo số lượng hồ sơ theo đơn vị và tình trạng");
  if (int rc = Report(db); rc != kExitOk) return rc;

  if (Status s = db.Close(); !s.ok()) return Fail(s);
  Step(12, "Không có dữ liệu đọc được trên đĩa khi không có khoá");
  std::size_t files = 0;
  const std::size_t hits = CountPlaintext(dir, {person.full_name, person.national_id, person.birth_date}, &files);
  std::cout << "   Quét " << files << " tệp tìm họ tên \"" << person.full_name << "\", số CCCD "
            << person.national_id << ", ngày sinh " << person.birth_date << ": " << hits << " lần xuất hiện.\n";
  std::cout << "\nHoàn tất. Cơ sở dữ liệu chạy thử nằm ở " << dir
            << "; xem thêm: hsdt history --db " << dir << " " << id << "\n";
  return hits == 0 && report->problems.empty() && verified.ok() ? kExitOk : kExitCorrupt;
}

}  // namespace hsdt::cli
