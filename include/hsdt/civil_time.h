// Instants and civil dates. Instants (transaction times, grant validity, "as of") are
// microseconds since the Unix epoch, UTC, everywhere in the API. Civil dates (deadlines, report
// periods, "recorded on", today) are taken in the database's time zone (OpenOptions::time_zone),
// through ICU's time zone data; a time written with an offset names the same instant whatever the
// offset: "2026-12-02T02:17:22+07:00", "2026-12-01T14:17:22-05:00" and "2026-12-01T19:17:22Z" are
// one instant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <hsdt/status.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// The time zone of a district of Vietnam (UTC+07:00, no daylight-saving time).
inline constexpr char kDefaultTimeZone[] = "Asia/Ho_Chi_Minh";

// What a date without a time of day stands for in ParseInstant.
enum class DateAs : int {
  kStartOfDay = 0,  // 00:00 of that day in the zone (from, as of, at)
  kEndOfDay = 1,    // the end of that day in the zone: 00:00 of the next day, for exclusive ends
};

// Parses an instant written as:
//   "2026-12-02T02:17:22+07:00", "2026-12-01T19:17:22Z", "2026-12-01T19:17:22.5-05:00"
//       (RFC 3339; the offset is honoured; seconds and their fraction are optional);
//   "2026-12-02T02:17:22" (no offset): that wall-clock time in `time_zone`;
//   "2026-12-02": the start or the end of that day in `time_zone`, as `date_as` says.
// Contract:  dates exist in the calendar (no 2024-02-30, no 0000-00-00), years 1800 to 9999.
// Returns:   microseconds since the Unix epoch (UTC); InvalidArgument "<what>: ...; expected ..."
//            for text that is not an instant or a zone that is not known.
// Ownership: borrows its arguments for the call only.
// Threads:   safe from any thread.
// Since:     1.1
Result<std::int64_t> ParseInstant(std::string_view text, std::string_view time_zone = kDefaultTimeZone,
                                  DateAs date_as = DateAs::kStartOfDay, std::string_view what = "time");

// The civil date ("YYYY-MM-DD") in `time_zone` at instant `micros`.
// Returns:   the date; InvalidArgument if the zone is not known.
// Threads:   safe from any thread.
// Since:     1.1
Result<std::string> CivilDateOf(std::int64_t micros, std::string_view time_zone = kDefaultTimeZone);

#pragma GCC visibility pop
}  // namespace hsdt
