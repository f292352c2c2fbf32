// Time sources. The database reads time through a Clock so that tests can inject one.
#pragma once

#include <cstdint>
#include <string>

#include <hsdt/clock.h>

namespace hsdt::base {

using Clock = hsdt::Clock;

// The system's real-time clock. Stateless; safe from any thread.
const Clock& SystemClock();

// "2026-11-26T17:45:14.123456Z"
std::string FormatMicrosUtc(std::int64_t micros);

// Days since 1970-01-01 for a valid civil date (proleptic Gregorian).
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);

bool IsLeapYear(int year);
unsigned DaysInMonth(int year, unsigned month);

}  // namespace hsdt::base
