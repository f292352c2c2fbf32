#include "base/clock.h"
#include "base/coding.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace hsdt::base {

namespace {
class RealClock final : public Clock {
 public:
  std::int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};
}  // namespace

const Clock& SystemClock() {
  static const RealClock clock;
  return clock;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil.
std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string FormatMicrosUtc(std::int64_t micros) {
  using namespace std::chrono;
  // Years 0001 to 9999 only: chrono arithmetic overflows near the ends of int64.
  constexpr std::int64_t kMin = -62135596800LL * 1000000;  // 0001-01-01
  constexpr std::int64_t kMax = 253402300799LL * 1000000;  // 9999-12-31T23:59:59
  micros = std::clamp(micros, kMin, kMax);
  const sys_time<microseconds> tp{microseconds{micros}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto digit = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
  out->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string HexOf(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string FormatPrefixedId(std::string_view prefix, std::uint64_t n) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  const auto count = static_cast<std::size_t>(end - digits);
  std::string out(prefix);
  if (count < 8) out.append(8 - count, '0');
  out.append(digits, count);
  return out;
}

std::optional<std::uint64_t> ParsePrefixedId(std::string_view id, std::string_view prefix) {
  if (id.size() < prefix.size() + 8 || id.size() > prefix.size() + 20 || id.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  std::uint64_t n = 0;
  const std::string_view digits = id.substr(prefix.size());
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || FormatPrefixedId(prefix, n) != id) {
    return std::nullopt;
  }
  return n;
}

}  // namespace hsdt::base
