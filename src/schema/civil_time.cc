#include "schema/civil_time.h"

#include <unicode/gregocal.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "base/clock.h"

namespace hsdt::schema {

struct CivilZone::Rep {
  std::string id;
  std::unique_ptr<const icu::TimeZone> zone;
};

Result<CivilZone> CivilZone::Open(std::string_view id) {
  const icu::UnicodeString uid = icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size())));
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(uid));
  if (zone == nullptr) return Status::ResourceExhausted("time zone: ICU could not make a zone");
  if (id.empty() || *zone == icu::TimeZone::getUnknown()) {
    return Status::InvalidArgument("time_zone: \"" + std::string(id.substr(0, 64)) +
                                   "\" is not a time zone; expected an IANA id such as Asia/Ho_Chi_Minh");
  }
  auto rep = std::make_shared<Rep>();
  rep->id = std::string(id);
  rep->zone = std::move(zone);
  return CivilZone(std::move(rep));
}

const std::string& CivilZone::id() const { return rep_->id; }

namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "YYYY-MM-DD" of a year 1..9999 (DateOf clamps to them), without printf: every query asks today's date.
std::string FormatDate(const std::chrono::year_month_day& ymd) {
  const int y = int(ymd.year());
  const unsigned m = unsigned(ymd.month()), d = unsigned(ymd.day());
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + y / 1000 % 10);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

}  // namespace

std::string CivilZone::DateOf(std::int64_t micros) const {
  // The zone's offset at that instant (ICU), then the civil date of the shifted instant.
  constexpr std::int64_t kMin = -62135596800LL * 1000000;  // 0001-01-01T00:00:00Z
  constexpr std::int64_t kMax = 253402300799LL * 1000000;  // 9999-12-31T23:59:59Z
  micros = std::clamp(micros, kMin + std::int64_t{86400} * 1000000, kMax - std::int64_t{86400} * 1000000);
  int32_t raw = 0, dst = 0;
  UErrorCode err = U_ZERO_ERROR;
  rep_->zone->getOffset(static_cast<UDate>(FloorDiv(micros, 1000)), false, raw, dst, err);
  if (U_FAILURE(err)) raw = dst = 0;  // only for instants outside ICU's range, clamped above
  const std::int64_t local = micros + (static_cast<std::int64_t>(raw) + dst) * 1000;
  const std::chrono::sys_days day{std::chrono::days{FloorDiv(local, std::int64_t{86400} * 1000000)}};
  return FormatDate(std::chrono::year_month_day{day});
}

Result<std::int64_t> CivilZone::InstantOf(const CivilTime& t) const {
  UErrorCode err = U_ZERO_ERROR;
  icu::GregorianCalendar cal(*rep_->zone, err);
  if (U_FAILURE(err)) return Status::Internal("ICU: no Gregorian calendar");
  cal.setLenient(false);
  cal.clear();
  cal.set(t.year, static_cast<int32_t>(t.month) - 1, static_cast<int32_t>(t.day), t.hour, t.minute, t.second);
  const UDate ms = cal.getTime(err);
  if (U_FAILURE(err)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
    return Status::InvalidArgument(std::string(buf) + " does not exist in " + rep_->id);
  }
  return static_cast<std::int64_t>(std::llround(ms)) * 1000 + t.micros;
}

namespace {

// `n` digits at `s[pos]`, or -1.
int Digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<CivilTime> ParseCivilDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const int y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (y < 1800 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (static_cast<unsigned>(d) > base::DaysInMonth(y, static_cast<unsigned>(m))) return std::nullopt;
  CivilTime t;
  t.year = y;
  t.month = static_cast<unsigned>(m);
  t.day = static_cast<unsigned>(d);
  return t;
}

CivilTime NextDay(const CivilTime& date) {
  using namespace std::chrono;
  const year_month_day next{sys_days{year_month_day{year{date.year}, month{date.month}, day{date.day}}} + days{1}};
  CivilTime t = date;
  t.year = int(next.year());
  t.month = unsigned(next.month());
  t.day = unsigned(next.day());
  return t;
}

Result<std::int64_t> ParseInstant(std::string_view s, const CivilZone& zone, bool end_of_day, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(std::string(what) + ": \"" + std::string(s.substr(0, 64)) + "\" " +
                                   std::string(why) +
                                   "; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM|-HH:MM]");
  };
  auto date = ParseCivilDate(s.substr(0, 10));
  if (!date) return bad("is not a date of the calendar");
  if (s.size() == 10) {
    HSDT_ASSIGN_OR_RETURN(std::int64_t start, zone.InstantOf(end_of_day ? NextDay(*date) : *date));
    return start;
  }
  CivilTime t = *date;
  if (s[10] != 'T' && s[10] != 't') return bad("has no T between date and time");
  t.hour = Digits(s, 11, 2);
  t.minute = s.size() > 13 && s[13] == ':' ? Digits(s, 14, 2) : -1;
  if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59) return bad("has no valid HH:MM");
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    t.second = Digits(s, pos + 1, 2);
    if (t.second < 0 || t.second > 59) return bad("has no valid seconds");
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      std::int64_t scale = 100000;
      std::size_t digits = 0;
      for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits, scale /= 10) {
        if (digits < 6) t.micros += (s[pos] - '0') * scale;
      }
      if (digits == 0 || digits > 9) return bad("has a bad fraction of a second");
    }
  }
  if (pos == s.size()) return zone.InstantOf(t);  // a local time of the database's zone
  int offset_minutes = 0;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_minutes = 0;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const std::string_view off = s.substr(pos + 1);
    int hh = -1, mm = -1;
    if (off.size() == 5 && off[2] == ':') {
      hh = Digits(off, 0, 2);
      mm = Digits(off, 3, 2);
    } else if (off.size() == 4) {
      hh = Digits(off, 0, 2);
      mm = Digits(off, 2, 2);
    }
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return bad("has a bad UTC offset");
    offset_minutes = (hh * 60 + mm) * (s[pos] == '-' ? -1 : 1);
  } else {
    return bad("has trailing characters");
  }
  // The local time given, minus the offset given: the instant in UTC.
  const std::int64_t days = base::DaysFromCivil(t.year, t.month, t.day);
  const std::int64_t seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
                               static_cast<std::int64_t>(offset_minutes) * 60;
  return seconds * 1000000 + t.micros;
}

}  // namespace hsdt::schema
