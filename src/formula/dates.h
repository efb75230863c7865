// Dates in the formula language (formula.md §7): parsing text the way Moment.js reads it,
// Moment format tokens, unit arithmetic and differences. Instants are UTC milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace airbase::formula {

struct ParsedDate {
  int64_t ms = 0;
  bool date_only = false;
};

// ISO dates and times, YYYY/MM/DD, YYYY.MM.DD, M/D/YY[YY] and "D Mon YYYY" / "Mon D, YYYY", each
// with an optional time ("7:31", "7:31:25", "12:00 pm"). Zone-less text is UTC.
std::optional<ParsedDate> ParseDateText(std::string_view s);
// Parses with an explicit Moment input format and locale (DATETIME_PARSE's second and third
// arguments) as Moment's non-strict parsing does: each token's text is searched for in the rest
// of the input, a part out of range makes no date, and leading parts not given (a format without
// a year) are those of `now_ms`'s day.
std::optional<ParsedDate> ParseDateWithFormat(std::string_view s, std::string_view format,
                                              std::string_view locale = "en", int64_t now_ms = 0);

// Formats with Moment tokens in a Moment locale (moment_locale.h; unknown codes are English).
// `ms` is already shifted to local time; `offset_ms` is what Z/ZZ print, and `zone` (an IANA
// name; empty: UTC) names the zone z/zz abbreviate.
std::string FormatDate(int64_t ms, std::string_view format, std::string_view locale,
                       int64_t offset_ms = 0, std::string_view zone = {});

enum class Unit { kMs, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear };
// Unit names and abbreviations of formula.md §7.2 (abbreviations case-sensitive).
std::optional<Unit> ParseUnit(std::string_view s);
int64_t AddUnits(int64_t ms, double count, Unit unit);
// (a - b) in whole units, truncated toward zero; months/quarters/years as Moment's calendar diff.
double DiffUnits(int64_t a, int64_t b, Unit unit);
// True when a and b fall in the same unit (same year, same month of the same year, ...): a lies
// in UnitSpan(b, unit).
bool SameUnit(int64_t a, int64_t b, Unit unit);
// The unit that holds `ms` (in UTC; a week starts on Sunday), as [first ms, first ms after).
std::pair<int64_t, int64_t> UnitSpan(int64_t ms, Unit unit);

struct Civil {
  int64_t year;
  unsigned month, day;
  int hour, minute, second, millis;
  int weekday;  // 0 = Sunday
  int yday;     // 1-based day of year
};
Civil ToCivil(int64_t ms);
int64_t FromCivil(int64_t y, int month, int day, int64_t ms_of_day = 0);

}  // namespace airbase::formula
