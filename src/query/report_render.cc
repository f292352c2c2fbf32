// The renderings of the reports (<hsdt/report.h>): the semi-annual report of article 13 as JSON,
// CSV and an HTML page for print (A4 landscape, the heading of an official report), and the
// deadline compliance of article 9 as JSON.
#include <hsdt/report.h>

#include <iterator>

#include "query/render.h"
#include "schema/report_view.h"

namespace hsdt {
namespace {

using query::AppendCsvField;
using query::AppendJsonString;

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
  for (const auto& f : schema::kExpectedFields) c.emplace_back(std::string("Có: ") + f.label_vi, n(At(u.filled, f.path)));
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
  AppendJsonString(out, key);
  out->append(":{");
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, k);
    out->append(":" + std::to_string(v));
  }
  out->push_back('}');
}

void AppendCompliance(std::string* out, const Compliance& t) {
  out->append("{\"unit\":");
  AppendJsonString(out, t.unit);
  out->append(",\"dossiers\":" + std::to_string(t.dossiers) + ",\"recruitments\":" + std::to_string(t.recruitments) +
              ",\"recruitmentsLate\":" + std::to_string(t.recruitments_late) + ",\"events\":" +
              std::to_string(t.events) + ",\"eventsLate\":" + std::to_string(t.events_late) +
              ",\"supplementsDue\":" + std::to_string(t.supplements_due) + ",\"supplementsMissing\":" +
              std::to_string(t.supplements_missing) + "}");
}

void AppendUnit(std::string* out, const UnitReport& u) {
  out->append("{\"unit\":");
  AppendJsonString(out, u.unit);
  out->append(",\"unitName\":");
  AppendJsonString(out, u.unit_name);
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
  AppendJsonString(&out, r.due);
  out += ",\"period\":{\"from\":";
  AppendJsonString(&out, r.period.from);
  out += ",\"to\":";
  AppendJsonString(&out, r.period.to);
  out += std::string("},\"provisional\":") + (r.provisional ? "true" : "false") + ",\"supplementYear\":" +
         std::to_string(r.supplement_year) + ",\"generatedAt\":";
  AppendJsonString(&out, r.generated_at);
  out += ",\"generatedBy\":";
  AppendJsonString(&out, r.generated_by);
  out += ",\"units\":[";
  for (std::size_t i = 0; i < r.units.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendUnit(&out, r.units[i]);
  }
  out += "],\"district\":";
  AppendUnit(&out, r.district);
  out += ",\"issuer\":";
  AppendJsonString(&out, r.issuer);
  return out + "}";
}

std::string ComplianceToJson(const ComplianceReport& r) {
  static const char* kKinds[] = {"", "dossierCreated", "stateEvent", "noAnnualSupplement"};
  std::string out = "{\"period\":{\"from\":";
  AppendJsonString(&out, r.period.from);
  out += ",\"to\":";
  AppendJsonString(&out, r.period.to);
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
    AppendJsonString(&out, it.dossier_id);
    out += ",\"unit\":";
    AppendJsonString(&out, it.unit);
    out += ",\"kind\":";
    AppendJsonString(&out, kKinds[static_cast<int>(it.kind)]);
    out += ",\"path\":";
    AppendJsonString(&out, it.path);
    out += ",\"dueFrom\":";
    AppendJsonString(&out, it.due_from);
    out += ",\"doneOn\":";
    AppendJsonString(&out, it.done_on);
    out += ",\"days\":" + std::to_string(it.days) + "}";
  }
  return out + "]}";
}

// What a report of a period not yet ended says of itself (Vietnamese: officials read it).
std::string ProvisionalNote(const SemiAnnualReport& r) {
  return "TẠM TÍNH: kỳ báo cáo chưa kết thúc (đến hết ngày " + VietnameseDate(r.period.to) +
         "); số liệu còn thay đổi, chưa dùng để nộp.";
}

std::string ReportToCsv(const SemiAnnualReport& r) {
  std::string out = "\xEF\xBB\xBF";
  out += "Mã đơn vị,Tên đơn vị";
  for (const auto& [label, value] : Columns(r.district)) {
    out.push_back(',');
    AppendCsvField(&out, label);
  }
  out += "\r\n";
  auto row = [&](const UnitReport& u) {
    AppendCsvField(&out, u.unit);
    out.push_back(',');
    AppendCsvField(&out, u.unit_name);
    for (const auto& [label, value] : Columns(u)) out += "," + value;
    out += "\r\n";
  };
  for (const auto& u : r.units) row(u);
  row(r.district);
  if (r.provisional) out += ProvisionalNote(r) + "\r\n";
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
      "<table class=\"head\"><tr><td>" + Html(schema::UpperVietnamese(r.issuer)) + "</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
      "<br>Độc lập - Tự do - Hạnh phúc</td></tr></table>\n"
      "<h1>BÁO CÁO TÌNH HÌNH QUẢN LÝ HỒ SƠ ĐIỆN TỬ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC</h1>\n"
      "<p class=\"sub\">Kỳ báo cáo: từ ngày " + VietnameseDate(r.period.from) + " đến ngày " +
      VietnameseDate(r.period.to) + " (hạn nộp " + VietnameseDate(r.due) + "). Lập lúc " + Html(r.generated_at) +
      " bởi " + Html(r.generated_by) + ".</p>\n";
  if (r.provisional) {
    out += "<p class=\"sub\" style=\"border: 1pt solid #000; padding: 2mm; font-weight: bold\">" +
           Html(ProvisionalNote(r)) + "</p>\n";
  }
  // One table per part, so that each fits the width of the page.
  struct Part {
    const char* title;
    std::size_t first, count;
  };
  const std::size_t statuses = std::size(kStatusLabels), categories = std::size(kCategoryLabels),
                    expected = std::size(schema::kExpectedFields);
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
