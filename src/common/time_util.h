// Calendar arithmetic and ISO-8601 formatting/parsing in UTC. No locale, no time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace airbase {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

// "2022-09-12T21:03:48.000Z", Airtable's timestamp form (always milliseconds, always Z).
std::string FormatIsoMs(int64_t ms);
// The same into `out` (kIsoMsMaxLength bytes), without a string; returns its length.
inline constexpr int kIsoMsMaxLength = 48;
size_t FormatIsoMsInto(int64_t ms, char* out);
// "2022-09-12" for the UTC day containing `ms`.
std::string FormatDate(int64_t ms);

// Parses "YYYY-MM-DD" exactly; nullopt when malformed or not a real date. Returns days since epoch.
std::optional<int64_t> ParseIsoDate(std::string_view s);
// Parses an ISO-8601 date or date-time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with optional
// "Z" or "+HH:MM"/"-HH:MM" (a space may replace "T"). Zone-less input is read as UTC. Returns ms.
std::optional<int64_t> ParseIsoDateTime(std::string_view s);

}  // namespace airbase
