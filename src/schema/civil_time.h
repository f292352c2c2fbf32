// Civil time (ICU): the civil date of an instant in a time zone, the instant of a local time, and
// the one parser of instants that every API and tool uses. Instants are microseconds since the
// Unix epoch (UTC) everywhere inside hsdt; only civil dates (deadlines, report periods, "recorded
// on", today) depend on a zone, and only through this file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <hsdt/status.h>

namespace hsdt::schema {

// A civil date and time of day.
struct CivilTime {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t micros = 0;  // 0..999999
};

// A time zone of the IANA database, through icu::TimeZone. Immutable; copies share one zone;
// safe to use from many threads at once.
class CivilZone final {
 public:
  // The zone named `id` ("Asia/Ho_Chi_Minh", "UTC"). InvalidArgument for an id ICU does not know.
  static Result<CivilZone> Open(std::string_view id);

  const std::string& id() const;
  // "YYYY-MM-DD": the date in this zone at instant `micros`.
  std::string DateOf(std::int64_t micros) const;
  // The instant at which the local time `t` occurs in this zone. InvalidArgument if the local
  // time does not exist there (skipped by a daylight-saving change).
  Result<std::int64_t> InstantOf(const CivilTime& t) const;

 private:
  struct Rep;
  explicit CivilZone(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;
};

// "YYYY-MM-DD" that exists in the calendar, years 1800..9999 (no "2024-02-30", no "0000-00-00").
std::optional<CivilTime> ParseCivilDate(std::string_view text);

// The day after `date` (its time of day is kept).
CivilTime NextDay(const CivilTime& date);

// Parses an instant:
//   "2026-12-02T02:17:22+07:00", "2026-12-02T19:17:22Z", "...T19:17:22.123456-05:00"
//       (RFC 3339: the offset given is honoured; seconds and fraction optional);
//   "2026-12-02T02:17:22" (no offset): that local time in `zone`;
//   "2026-12-02" (a date): the start of that day in `zone`, or with `end_of_day` the end of it
//       (the start of the next day, for exclusive upper bounds such as a grant's "until").
// `what` names the argument in messages. Returns InvalidArgument "<what>: ...; expected ...".
Result<std::int64_t> ParseInstant(std::string_view text, const CivilZone& zone, bool end_of_day,
                                  std::string_view what);

}  // namespace hsdt::schema
