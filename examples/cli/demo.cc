// `hsdt demo`: builds the demo district in a local folder and plays the scenario, narrated in
// Vietnamese for the officials who watch it.
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include <hsdt/reference.h>

#include "cli.h"
#include "demo_data.h"
#include "private_io.h"

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
  return {reason, {number, date}};
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

int Report(Database& db, const Session& admin) {
  // One counting query over the index family's summary rows: no dossier is decrypted.
  CountQuery q;
  q.group_by = {Field::kManagingUnit, Field::kStatus};
  auto counts = db.Count(admin, q);
  if (!counts.ok()) return Fail(counts.status());
  std::map<std::string, std::map<std::string, int>> by_unit;
  std::map<std::string, int> totals;
  for (const auto& r : counts->rows) {
    const std::string& st = r.key[1];
    const std::string column = st == "dangCongTac" || st == "tapSu" || st == "nghiHuu" ? st : "khac";
    by_unit[r.key[0]][column] += static_cast<int>(r.count);
    totals[column] += static_cast<int>(r.count);
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

constexpr char kAdmin[] = "nv.quantri";
constexpr char kAdminPassword[] = "quản trị hồ sơ quận Bình Tân";

// An account of `unit` that has set its own password, logged in.
Result<Session> Account(Database& db, const Session& admin, const std::string& user, const std::string& unit, Role role) {
  const std::string temporary = "mật khẩu tạm " + user + " 2026";
  const std::string own = "mật khẩu riêng của " + user;
  HSDT_RETURN_IF_ERROR(db.CreateAccount(admin, {user, user, unit, role, temporary},
                                        Context("Cấp tài khoản", "20/QĐ-UBND", "2026-01-05")).status());
  HSDT_ASSIGN_OR_RETURN(Session s, db.Login(user, temporary));
  HSDT_RETURN_IF_ERROR(db.ChangePassword(s, temporary, own));
  return s;
}

std::string Outcome(const Status& s) {
  return s.ok() ? "được phép" : std::string("TỪ CHỐI — ") + std::string(s.message());
}

}  // namespace

int RunDemo(const Args& args) {
  const std::string dir = args.Get("db", "hsdt-demo");
  const auto people_arg = ParseNumber(args.Get("people", "3000"), 1000000);
  const auto seed_arg = ParseNumber(args.Get("seed", "2013"), std::numeric_limits<std::uint64_t>::max());
  if (!people_arg || *people_arg < 64) {
    std::cerr << "hsdt: --people must be 64 to 1000000\n";
    return kExitUsage;
  }
  if (!seed_arg) {
    std::cerr << "hsdt: --seed takes a whole number below 2^64\n";
    return kExitUsage;
  }
  const int people = static_cast<int>(*people_arg);
  const std::uint64_t seed = *seed_arg;
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

  Step(1, "Khởi tạo cơ sở dữ liệu mã hoá, với quản trị viên của Phòng Nội vụ (cấp 2)");
  auto start = Clock::now();
  OpenOptions o;
  o.time_zone = TimeZoneOf(args);
  o.create_if_missing = true;
  o.error_if_exists = true;
  o.durability = Durability::kNoSync;  // the bulk load syncs once at its end
  o.password_cost = KdfCost::kMinimum;  // demo only: ~40 accounts; real databases keep the default
  o.first_admin = {kAdmin, "Quản trị viên Phòng Nội vụ", kAdminPassword};
  auto created = Database::Open(dir, *key, o);
  if (!created.ok()) return Fail(created.status());
  Database& db = **created;
  std::ofstream(dir + "/" + kDemoMarker) << "demo database made by `hsdt demo`; safe to delete\n";
  auto admin = db.Login(kAdmin, kAdminPassword);
  if (!admin.ok()) return Fail(admin.status());
  std::cout << "   Thư mục: " << std::filesystem::absolute(dir).string() << "\n"
            << "   Khoá dữ liệu ngẫu nhiên, bọc bằng khoá dẫn xuất từ mật khẩu (Argon2id)"
            << (env ? " lấy từ HSDT_PASSPHRASE" : " (mật khẩu chạy thử mặc định)") << ".\n"
            << "   Quản trị viên " << kAdmin << " (Phòng Nội vụ, 777-NV) đăng nhập; "
            << Units().size() << " đơn vị được đăng ký.\n";

  Step(2, "Quản trị viên cấp tài khoản; biên tập viên mỗi đơn vị nạp hồ sơ của đơn vị mình (cấp 1)");
  const DemoDistrict district(seed);
  std::map<std::string, Session> editors;
  std::vector<std::string> ids;
  ChangeContext load = Context("Số hoá hồ sơ giấy", "15/KH-UBND", "2026-01-10");
  for (int i = 0; i < people; ++i) {
    const DemoPerson p = district.Person(i);
    auto it = editors.find(p.unit);
    if (it == editors.end()) {
      auto s = Account(db, *admin, "bientap." + p.unit, p.unit, Role::kUnitEditor);
      if (!s.ok()) return Fail(s.status());
      it = editors.emplace(p.unit, *s).first;
    }
    auto w = db.Create(it->second, p.json, load);
    if (!w.ok()) return Fail(w.status().WithPrefix("demo person " + std::to_string(i)));
    ids.push_back(w->id);
  }
  if (Status s = db.Sync(*admin); !s.ok()) return Fail(s);
  const double load_s = Seconds(start);
  std::cout << "   " << editors.size() << " tài khoản biên tập viên; " << people << " hồ sơ trong " << std::fixed
            << std::setprecision(1) << load_s << " giây (đồng bộ đĩa một lần ở cuối).\n"
            << "   Mỗi phiên bản nén zstd với từ điển huấn luyện trên chính dữ liệu và niêm phong XChaCha20-Poly1305.\n";

  // The person the scenario follows: the first of phường An Lạc (27460) with a step left.
  int who = -1;
  for (int i = 0; i < people && who < 0; ++i) {
    const DemoPerson p = district.Person(i);
    if (p.unit == "27460" && p.step < p.steps) who = i;
  }
  if (who < 0) return Fail(Status::Internal("the demo district has nobody in phường An Lạc"));
  const DemoPerson person = district.Person(who);
  const std::string id = ids[static_cast<std::size_t>(who)];
  Session& anlac = editors.at("27460");

  Step(3, "Biên tập viên phường An Lạc tra cứu và cập nhật hồ sơ của đơn vị mình");
  auto d = db.Get(anlac, id);
  if (!d.ok()) return Fail(d.status());
  std::cout << "   " << id << " — " << Upper(d->full_name()) << ", sinh ngày " << d->birth_date() << "; "
            << StatusVi(d->status()) << "; ngạch " << person.rank_code << " (" << FindRank(person.rank_code)->name_vi
            << ") bậc " << person.step << "/" << person.steps << "\n";
  auto raised = db.Update(anlac, id, 1, district.Person(who, true).json,
                          Context("Nâng bậc lương thường xuyên", "1402/QĐ-UBND", "2026-11-03"));
  if (!raised.ok()) return Fail(raised.status());
  std::cout << "   Nâng bậc lương (QĐ 1402/QĐ-UBND): phiên bản " << raised->version << "; trường thay đổi:";
  auto diff = db.Diff(anlac, id, 1, raised->version);
  if (!diff.ok()) return Fail(diff.status());
  for (const auto& p : *diff) std::cout << " " << p;
  std::cout << "\n";
  auto stale = db.Update(anlac, id, 1, district.Person(who).json, Context("Sửa nhầm", "1/BC", "2026-11-04"));
  std::cout << "   Cập nhật dựa trên phiên bản cũ: " << Outcome(stale.status()) << "\n";
  std::string bad = district.Person(who).json;
  bad.replace(bad.find("\"birthDate\":\"") + 13, 10, "1984-02-30");
  std::cout << "   Ngày sinh 1984-02-30: " << Outcome(DossierDraft::FromJson(bad).status()) << "\n";

  Step(4, "Phường khác (An Lạc A) không được xem hồ sơ của An Lạc");
  auto anlaca = Account(db, *admin, "xem.27463", "27463", Role::kUnitViewer);
  if (!anlaca.ok()) return Fail(anlaca.status());
  std::cout << "   Không nêu mục đích: " << Outcome(db.Get(*anlaca, id).status()) << "\n"
            << "   Mục đích đào tạo, chưa có văn bản chấp thuận: "
            << Outcome(db.Get(*anlaca, id, Purpose::kTraining).status()) << "\n";

  Step(5, "Quản trị viên cấp quyền khai thác theo văn bản chấp thuận (Điều 8.2); đọc có mục đích");
  GrantSpec grant;
  grant.grantee_user = "xem.27463";
  grant.dossiers = {id};
  grant.rights = kGrantRead | kGrantReadPersonal;
  grant.purposes = {Purpose::kTraining};
  grant.legal_basis = {"88/CV-UBND", "2026-11-10"};
  grant.signer = "Phó Chủ tịch UBND quận Bình Tân";
  const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  grant.valid_from_micros = now - 60'000'000;
  grant.valid_until_micros = now + std::int64_t{30} * 86'400'000'000;
  auto issued = db.IssueGrant(*admin, grant, Context("Cử đi đào tạo", "88/CV-UBND", "2026-11-10"));
  if (!issued.ok()) return Fail(issued.status());
  auto granted = db.Get(*anlaca, id, Purpose::kTraining);
  std::cout << "   Quyền " << issued->id << " (đọc, thông tin cá nhân; mục đích đào tạo; đến hết 30 ngày).\n"
            << "   Đọc với mục đích đào tạo: " << Outcome(granted.status());
  if (granted.ok()) {
    auto text = granted->ToJson();
    const std::string json = text.ok() ? *text : "";
    std::cout << "; thông tin mật (đánh giá, kê khai tài sản) "
              << (json.find("evaluations") == std::string::npos ? "bị ẩn" : "LỘ RA") << "\n";
  } else {
    std::cout << "\n";
  }
  std::cout << "   Đọc với mục đích kỷ luật: " << Outcome(db.Get(*anlaca, id, Purpose::kDiscipline).status()) << "\n";

  Step(6, "Điều động và bàn giao hồ sơ (Điều 10): chỉ đơn vị quản lý quyết định");
  std::string moved = district.Person(who, true).json;
  const std::string from_unit = "\"workingUnit\":\"27460\"";
  moved.replace(moved.find(from_unit), from_unit.size(), "\"workingUnit\":\"27463\"");
  auto transferred = db.Update(anlac, id, raised->version, moved, Context("Điều động sang phường An Lạc A", "1490/QĐ-UBND", "2026-11-12"));
  if (!transferred.ok()) return Fail(transferred.status());
  std::cout << "   Điều động: nơi công tác đổi sang An Lạc A (phiên bản " << transferred->version
            << "); đơn vị quản lý hồ sơ vẫn là An Lạc.\n";
  auto receiving = Account(db, *admin, "bientap.27463", "27463", Role::kUnitEditor);
  if (!receiving.ok()) {
    auto again = db.Login("bientap.27463", "mật khẩu riêng của bientap.27463");
    if (!again.ok()) return Fail(receiving.status());
    receiving = std::move(again);
  }
  auto request = db.RequestHandOver(*receiving, id, {"31/CV-UBND", "2026-11-15"}, "Tiếp nhận cán bộ điều động");
  if (!request.ok()) return Fail(request.status());
  std::cout << "   An Lạc A đề nghị bàn giao (công văn 31/CV-UBND): " << request->id << "\n";
  auto approved = db.DecideHandOver(anlac, request->id, true, Context("Đồng ý bàn giao", "1501/QĐ-UBND", "2026-11-18"));
  if (!approved.ok()) return Fail(approved.status());
  auto after = db.Get(*receiving, id);
  std::cout << "   An Lạc duyệt: hồ sơ thuộc " << (after.ok() ? FindUnit(after->managing_unit())->name_vi : "?")
            << " (phiên bản " << (after.ok() ? after->version() : 0) << ").\n"
            << "   An Lạc đọc lại hồ sơ: " << Outcome(db.Get(anlac, id).status()) << "\n";

  Step(7, "Nghỉ hưu theo quyết định: một phiên bản mới, hồ sơ không bao giờ bị xoá");
  auto retired = db.ChangeStatus(*receiving, id, after->version(), "nghiHuu",
                                 Context("Nghỉ hưu theo chế độ", "1533/QĐ-UBND", "2026-11-20"));
  if (!retired.ok()) return Fail(retired.status());
  auto history = db.History(*receiving, id);
  if (!history.ok()) return Fail(history.status());
  for (const auto& v : *history) {
    std::cout << "   v" << v.version << "  " << FormatTime(v.recorded_at_micros).substr(0, 19) << "  " << Pad(StatusVi(v.status), 15)
              << Pad(v.actor, 15) << " " << v.source.number << " — " << v.reason << "\n";
  }

  Step(8, "Giải trình: ai được đọc hồ sơ này, vào lúc nào, theo quy tắc hay văn bản nào");
  // Times from the dossier's own history: before the grant, while it held, after the hand-over.
  const std::pair<const char*, std::int64_t> moments[] = {
      {"lúc nâng bậc (chưa có tài khoản, chưa có quyền)", (*history)[1].recorded_at_micros},
      {"lúc điều động (quyền GR00000001 còn hiệu lực)", (*history)[2].recorded_at_micros},
      {"sau bàn giao (An Lạc A quản lý)", (*history)[3].recorded_at_micros}};
  for (const auto& [label, t] : moments) {
    auto e = db.Explain(*admin, "xem.27463", Action::kReadDossier, id, t, Purpose::kTraining);
    if (!e.ok()) return Fail(e.status());
    std::cout << "   xem.27463, " << label << ": " << (e->allowed ? "được phép" : "không") << " — " << e->rule
              << (e->grant_id.empty() ? "" : " " + e->grant_id) << "\n";
  }

  Step(9, "Đăng nhập sai 5 lần liên tiếp thì tài khoản bị khoá 15 phút");
  for (int i = 0; i < 5; ++i) (void)db.Login("xem.27463", "đoán bừa mật khẩu " + std::to_string(i));
  std::cout << "   Sau 5 lần sai, cả mật khẩu đúng: "
            << Outcome(db.Login("xem.27463", "mật khẩu riêng của xem.27463").status()) << "\n";

  Step(10, "Nhật ký kiểm toán: mọi truy cập, kể cả bị từ chối, nối chuỗi băm BLAKE2b có khoá");
  auto digest = db.DigestAudit(*admin);
  auto verified = db.VerifyAudit(*admin, digest.ok() ? &*digest : nullptr);
  if (!verified.ok()) return Fail(verified.status());
  std::cout << "   " << verified->entries << " mục; kiểm chứng chuỗi: " << (verified->ok ? "nguyên vẹn" : verified->problem)
            << "; mã đầu chuỗi " << (digest.ok() ? digest->head_hex.substr(0, 16) : "?") << "…\n";
  auto entries = db.ReadAudit(*admin, 1, 100000);
  if (entries.ok()) {
    int shown = 0;
    for (const auto& e : *entries) {
      if (e.allowed || shown >= 4) continue;
      std::cout << "   #" << e.sequence << " " << e.actor << " " << e.action << " " << e.target << " — TỪ CHỐI: " << e.reason << "\n";
      ++shown;
    }
  }

  Step(11, "Kiểm tra toàn vẹn và sao lưu mã hoá");
  auto report = db.Check(*admin);
  if (!report.ok()) return Fail(report.status());
  const std::string backups = dir + "/sao-luu";
  auto backup = db.Backup(*admin, backups);
  if (!backup.ok()) return Fail(backup.status());
  const Status backup_ok = VerifyBackup(backups, *key, backup->id);
  std::cout << "   " << report->dossiers << " hồ sơ, " << report->versions << " phiên bản, " << report->index_entries
            << " mục chỉ mục: " << report->problems.size() << " lỗi. Bản sao lưu số " << backup->id << ": "
            << (backup_ok.ok() ? "kiểm tra đạt" : backup_ok.ToString()) << ".\n";

  Step(12, "Tra cứu và thống kê (Điều 3.5): tìm tên không dấu, danh sách xếp theo tên, đếm theo đơn vị");
  {
    const std::string typed = FoldForSearch(person.full_name);  // as typed without diacritics
    Query find;
    find.filter = Filter::Name(typed, NameMatch::kExact);
    find.fields = {Field::kFullName, Field::kBirthDate, Field::kManagingUnit};
    find.purpose = Purpose::kStatistics;
    auto found = db.Find(*admin, find);
    std::cout << "   Tìm \"" << typed << "\" trong toàn quận: ";
    if (!found.ok()) return Fail(found.status());
    for (const auto& r : found->rows) {
      std::cout << r.id << " " << r.values[0].value_or("") << " (" << r.values[1].value_or("") << ", "
                << r.values[2].value_or("") << "); ";
    }
    Query list;
    list.filter = Filter::Eq(Field::kManagingUnit, person.unit);
    list.sort = SortOrder::kName;
    list.limit = 5;
    list.fields = {Field::kFullName};
    auto listed = db.Find(anlac, list);
    std::cout << "\n   Năm người đầu danh sách đơn vị, theo thứ tự tên tiếng Việt:";
    if (listed.ok()) {
      for (const auto& r : listed->rows) std::cout << " " << r.values[0].value_or("") << ";";
    }
    std::cout << "\n   Số hồ sơ theo đơn vị và tình trạng (một truy vấn đếm, ghi một mục nhật ký):\n";
  }
  if (int rc = Report(db, *admin); rc != kExitOk) return rc;
  {
    // The article 13 report (1 June or 1 December), as a printable page beside the
    // database directory (never inside it).
    // Today in the district's time zone, not in UTC.
    auto civil_today = CivilDateOf(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch()).count(),
                                   TimeZoneOf(args));
    if (!civil_today.ok()) return Fail(civil_today.status());
    const std::string today = *civil_today;
    // The report due on or just before today: its period has ended, so its figures are final.
    const std::string last_year = std::to_string(ParseNumber(today.substr(0, 4), 9999).value_or(2026) - 1);
    const std::string due = today.substr(5) >= "12-01"   ? today.substr(0, 4) + "-12-01"
                            : today.substr(5) >= "06-01" ? today.substr(0, 4) + "-06-01"
                                                         : last_year + "-12-01";
    auto report = db.MakeSemiAnnualReport(*admin, due);
    if (!report.ok()) return Fail(report.status());
    const std::string page = std::filesystem::path(dir).lexically_normal().string() + "-bao-cao-" + due + ".html";
    if (Status st = WritePrivateFile(page, ReportToHtml(*report)); !st.ok()) return Fail(st);  // owner-only
    const Compliance& t = report->district.timeliness;
    std::cout << "   Báo cáo 6 tháng (Điều 13, hạn " << due.substr(8, 2) << "/" << due.substr(5, 2) << "/" << due.substr(0, 4)
              << "): " << report->district.dossiers << " hồ sơ, " << report->district.changes_in_period
              << " lượt cập nhật trong kỳ; biến động trong kỳ " << t.events << " (trễ hạn " << t.events_late
              << "); chưa bổ sung lý lịch năm " << report->supplement_year << ": " << t.supplements_missing << "/"
              << t.supplements_due << ".\n   Trang in khổ A4: " << page << "\n";
  }

  if (Status s = db.Close(); !s.ok()) return Fail(s);
  Step(13, "Không có dữ liệu đọc được trên đĩa khi không có khoá");
  std::size_t files = 0;
  const std::size_t hits = CountPlaintext(dir, {person.full_name, person.national_id, person.birth_date}, &files);
  std::cout << "   Quét " << files << " tệp tìm họ tên \"" << person.full_name << "\", số CCCD "
            << person.national_id << ", ngày sinh " << person.birth_date << ": " << hits << " lần xuất hiện.\n";
  std::cout << "\nHoàn tất. Cơ sở dữ liệu chạy thử nằm ở " << dir << " (quản trị viên " << kAdmin
            << ", mật khẩu \"" << kAdminPassword << "\").\n";
  const bool ok = hits == 0 && report->problems.empty() && backup_ok.ok() && verified->ok;
  return ok ? kExitOk : kExitCorrupt;
}

}  // namespace hsdt::cli
