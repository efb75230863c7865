// Time zone offsets from the system tz database (timezone.h), TZif files read once and cached.
#include "common/timezone.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace airbase {

namespace {

struct Zone {
  std::vector<int64_t> transitions;  // UTC seconds, ascending
  std::vector<uint8_t> type_of;      // local time type after each transition
  std::vector<int32_t> offsets;      // UTC offset (s) per local time type
  std::vector<std::string> abbrs;    // its abbreviation ("EST", "+04") per local time type
};

int64_t ReadBE(const std::string& b, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[pos + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// Parses a TZif file (RFC 8536), preferring the 64-bit (version 2+) block.
std::unique_ptr<Zone> Parse(const std::string& b) {
  auto header = [&](size_t at, size_t* counts) {
    if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) counts[i] = static_cast<size_t>(ReadBE(b, at + 20 + i * 4, 4));
    return true;
  };
  size_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return nullptr;
  size_t at = 44;
  int tsize = 4;
  if (b[4] >= '2') {
    size_t v1 = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    at = 44 + v1;
    if (!header(at, c)) return nullptr;
    at += 44;
    tsize = 8;
  }
  size_t need = c[3] * tsize + c[3] + c[4] * 6;
  if (b.size() < at + need || c[4] == 0) return nullptr;
  auto z = std::make_unique<Zone>();
  for (size_t i = 0; i < c[3]; ++i) z->transitions.push_back(ReadBE(b, at + i * tsize, tsize));
  at += c[3] * tsize;
  for (size_t i = 0; i < c[3]; ++i) {
    uint8_t t = static_cast<uint8_t>(b[at + i]);
    if (t >= c[4]) return nullptr;
    z->type_of.push_back(t);
  }
  at += c[3];
  const size_t chars = at + c[4] * 6;  // the abbreviations, NUL-terminated, after the types
  if (b.size() < chars + c[5]) return nullptr;
  for (size_t i = 0; i < c[4]; ++i) {
    z->offsets.push_back(static_cast<int32_t>(ReadBE(b, at + i * 6, 4)));
    const size_t index = static_cast<unsigned char>(b[at + i * 6 + 5]);
    if (index >= c[5]) return nullptr;
    const size_t end = b.find('\0', chars + index);
    z->abbrs.push_back(b.substr(chars + index, std::min(end, chars + c[5]) - chars - index));
  }
  return z;
}

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > 64 || n.front() == '/' || n.find("..") != std::string_view::npos)
    return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+'))
      return false;
  return true;
}

}  // namespace

std::optional<int64_t> ZoneOffsetMs(std::string_view name, int64_t utc_ms) {
  auto at = ZoneAt(name, utc_ms);
  if (!at) return std::nullopt;
  return at->offset_ms;
}

std::optional<ZoneTime> ZoneAt(std::string_view name, int64_t utc_ms) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "utc" || lower == "etc/utc" || lower == "z") return ZoneTime{0, "UTC"};
  if (lower == "gmt") return ZoneTime{0, "GMT"};
  if (!ValidName(name)) return std::nullopt;
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Zone>, std::less<>> cache;  // null: unknown zone
  const Zone* zone;
  {
    std::lock_guard lock(mu);
    auto it = cache.find(name);
    if (it == cache.end()) {
      // Only a regular file is a zone: "America/" names a directory, which opens but cannot
      // be read (the read threw).
      const std::string path = "/usr/share/zoneinfo/" + std::string(name);
      std::error_code ec;
      std::string bytes;
      bool read = false;
      if (std::filesystem::is_regular_file(path, ec) && !ec) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream all;
        all << in.rdbuf();
        read = in.good() || in.eof();
        bytes = all.str();
      }
      if (cache.size() > 1000) cache.clear();
      it = cache.emplace(std::string(name), read ? Parse(bytes) : nullptr).first;
    }
    zone = it->second.get();
  }
  if (!zone) return std::nullopt;
  int64_t s = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
  auto up = std::upper_bound(zone->transitions.begin(), zone->transitions.end(), s);
  // Before the first transition: the first type (RFC 8536 §3.2).
  const size_t type = up == zone->transitions.begin()
                          ? 0
                          : zone->type_of[static_cast<size_t>(up - zone->transitions.begin()) - 1];
  return ZoneTime{static_cast<int64_t>(zone->offsets[type]) * 1000, zone->abbrs[type]};
}

}  // namespace airbase
