// UTC calendar arithmetic and ISO-8601 formatting and parsing (time_util.h).
#include "common/time_util.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace airbase {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}
}  // namespace

size_t FormatIsoMsInto(int64_t ms, char* out) {
  int64_t days = FloorDiv(ms, 86400000);
  int64_t rem = ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) {  // JavaScript's expanded years: a sign and six digits
    int n = std::snprintf(out, kIsoMsMaxLength, "%+07lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                          static_cast<long long>(y), m, d, static_cast<int>(rem / 3600000),
                          static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60),
                          static_cast<int>(rem % 1000));
    return static_cast<size_t>(std::min(n, kIsoMsMaxLength - 1));
  }
  // Hot (every createdTime of every record read): fixed-width digits without printf.
  std::memcpy(out, "0000-00-00T00:00:00.000Z", 24);
  auto put = [&](int pos, int width, int64_t v) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[pos + i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, y);
  put(5, 2, m);
  put(8, 2, d);
  put(11, 2, rem / 3600000);
  put(14, 2, rem / 60000 % 60);
  put(17, 2, rem / 1000 % 60);
  put(20, 3, rem % 1000);
  return 24;
}

std::string FormatIsoMs(int64_t ms) {
  char b[kIsoMsMaxLength];
  return std::string(b, FormatIsoMsInto(ms, b));
}

std::string FormatDate(int64_t ms) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(ms, 86400000), &y, &m, &d);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::optional<int64_t> ParseIsoDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return std::nullopt;
  if (!ValidDate(y, m, d)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::optional<int64_t> ParseIsoDateTime(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  auto days = ParseIsoDate(s.substr(0, 10));
  if (!days) return std::nullopt;
  int64_t ms = *days * 86400000;
  if (s.size() == 10) return ms;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hh, mm, ss = 0, frac = 0;
  if (!Digits(s, 11, 2, &hh) || s.size() < 16 || s[13] != ':' || !Digits(s, 14, 2, &mm))
    return std::nullopt;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t start = pos;
      int scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
  }
  if (hh > 24 || mm > 59 || ss > 60 || (hh == 24 && (mm || ss || frac))) return std::nullopt;
  ms += ((hh * 60LL + mm) * 60 + ss) * 1000 + frac;
  if (pos == s.size()) return ms;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return ms;
  if (s[pos] == '+' || s[pos] == '-') {
    int oh, om = 0;
    int sign = s[pos] == '+' ? 1 : -1;
    if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
    size_t p = pos + 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size()) {
      if (!Digits(s, p, 2, &om)) return std::nullopt;
      p += 2;
    }
    if (p != s.size() || oh > 23 || om > 59) return std::nullopt;
    return ms - sign * (oh * 60LL + om) * 60000;
  }
  return std::nullopt;
}

}  // namespace airbase
