// IANA time zones from the system's tz database (/usr/share/zoneinfo, Debian's tzdata): UTC
// offsets at an instant, for SET_TIMEZONE and DATETIME_FORMAT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace airbase {

// The offset from UTC in milliseconds of zone `name` at instant `utc_ms`; nullopt for an unknown
// or malformed zone name. "utc"/"UTC"/"GMT" are zero. Zones are read once and cached.
std::optional<int64_t> ZoneOffsetMs(std::string_view name, int64_t utc_ms);

// The zone's offset and abbreviation ("EST", "CEST", "+04": the tz database's, as
// moment-timezone prints them for `z`) at an instant.
struct ZoneTime {
  int64_t offset_ms = 0;
  std::string abbreviation;
};
std::optional<ZoneTime> ZoneAt(std::string_view name, int64_t utc_ms);

}  // namespace airbase
