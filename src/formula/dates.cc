// The formula language's dates (dates.h): Moment-style parsing and format tokens, unit
// arithmetic and differences, over UTC milliseconds.
#include "formula/dates.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/time_util.h"
#include "common/timezone.h"
#include "formula/moment_locale.h"

namespace airbase::formula {

namespace {

constexpr int64_t kDay = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return v < 0 ? "-" + s : s;
}

// Week of year with weeks starting on `first_dow` and week 1 holding January `doy_anchor`
// (en: Sunday start, Jan 1; ISO: Monday start, Jan 4).
void WeekOfYear(const Civil& c, int first_dow, int min_days, int64_t* week, int64_t* week_year) {
  auto week1_start = [&](int64_t year) {
    int64_t jan1 = FromCivil(year, 1, 1) / kDay;
    int jan1_dow = static_cast<int>(((jan1 % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
    // The week containing Jan (min_days) belongs to the year.
    int64_t anchor = jan1 + (min_days - 1);
    int anchor_dow = (jan1_dow + min_days - 1) % 7;
    return anchor - ((anchor_dow - first_dow + 7) % 7);
  };
  int64_t day = FloorDiv(FromCivil(c.year, c.month, c.day), kDay);
  int64_t y = c.year;
  int64_t start = week1_start(y);
  if (day < start)
    start = week1_start(--y);
  else if (day >= week1_start(y + 1))
    start = week1_start(++y);
  *week = (day - start) / 7 + 1;
  *week_year = y;
}

}  // namespace

Civil ToCivil(int64_t ms) {
  int64_t days = FloorDiv(ms, kDay);
  int64_t rem = ms - days * kDay;
  Civil c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600000);
  c.minute = static_cast<int>(rem / 60000 % 60);
  c.second = static_cast<int>(rem / 1000 % 60);
  c.millis = static_cast<int>(rem % 1000);
  c.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);
  c.yday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
  return c;
}

int64_t FromCivil(int64_t y, int month, int day, int64_t ms_of_day) {
  // Normalise month overflow (e.g. month 13 = January of the next year).
  int64_t m0 = month - 1;
  y += FloorDiv(m0, 12);
  m0 -= FloorDiv(m0, 12) * 12;
  return DaysFromCivil(y, static_cast<unsigned>(m0 + 1), 1) * kDay + (day - 1) * kDay + ms_of_day;
}

namespace {

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool ValidCivil(int64_t y, int m, int d, int h, int mi, int s) {
  return m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m) && h >= 0 && h <= 23 && mi >= 0 &&
         mi <= 59 && s >= 0 && s <= 59;
}

int MonthFromName(std::string_view name) {
  static const char* const kShort[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n.size() < 3) return 0;
  for (int i = 0; i < 12; ++i)
    if (n.compare(0, 3, kShort[i]) == 0) {
      const char* full = EnglishLocale().months.variants[0][i];
      std::string f;
      for (const char* p = full; *p; ++p) f.push_back(static_cast<char>(std::tolower(*p)));
      if (n.size() == 3 || f.rfind(n, 0) == 0 || n == std::string(kShort[i]) + ".") return i + 1;
    }
  return 0;
}

// Reads an optional time "H:MM[:SS[.fff]] [am|pm]" from `s` starting at `pos`; true when the
// rest of the string is a valid time (or empty).
bool ReadTime(std::string_view s, size_t pos, int64_t* ms_of_day, bool* has_time) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == ',')) ++pos;
  *has_time = false;
  *ms_of_day = 0;
  if (pos >= s.size()) return true;
  int h = -1, m = 0, sec = 0, frac = 0, n = 0;
  char buf[16] = {0};
  std::string rest(s.substr(pos));
  if (std::sscanf(rest.c_str(), "%d:%d%n", &h, &m, &n) < 2) return false;
  size_t p = static_cast<size_t>(n);
  if (p < rest.size() && rest[p] == ':') {
    int n2 = 0;
    if (std::sscanf(rest.c_str() + p, ":%d%n", &sec, &n2) < 1) return false;
    p += static_cast<size_t>(n2);
    if (p < rest.size() && rest[p] == '.') {
      ++p;
      int scale = 100;
      while (p < rest.size() && std::isdigit(static_cast<unsigned char>(rest[p]))) {
        frac += (rest[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
    }
  }
  while (p < rest.size() && rest[p] == ' ') ++p;
  std::string tail = rest.substr(p);
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (tail == "am" || tail == "a" || tail == "a.m.") {
    if (h < 1 || h > 12) return false;
    if (h == 12) h = 0;
  } else if (tail == "pm" || tail == "p" || tail == "p.m.") {
    if (h < 1 || h > 12) return false;
    if (h != 12) h += 12;
  } else if (tail == "z") {
  } else if (!tail.empty()) {
    (void)buf;
    return false;
  }
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return false;
  *ms_of_day = ((h * 60LL + m) * 60 + sec) * 1000 + frac;
  *has_time = true;
  return true;
}

std::optional<ParsedDate> Make(int64_t y, int m, int d, std::string_view s, size_t rest) {
  int64_t tod;
  bool has_time;
  if (!ReadTime(s, rest, &tod, &has_time)) return std::nullopt;
  if (!ValidCivil(y, m, d, 0, 0, 0)) return std::nullopt;
  return ParsedDate{FromCivil(y, m, d, tod), !has_time};
}

std::string Trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

std::optional<ParsedDate> ParseDateText(std::string_view raw) {
  std::string s = Trimmed(raw);
  if (s.empty() || s.size() > 64) return std::nullopt;
  if (auto ms = ParseIsoDateTime(s)) return ParsedDate{*ms, s.size() == 10};
  int a = 0, b = 0, c = 0, n = 0;
  // YYYY/MM/DD, YYYY.MM.DD, YYYY-M-D
  for (char sep : {'/', '.', '-'}) {
    char fmt[32];
    std::snprintf(fmt, sizeof(fmt), "%%4d%c%%d%c%%d%%n", sep, sep);
    if (std::sscanf(s.c_str(), fmt, &a, &b, &c, &n) == 3 && n >= 8 && s[4] == sep)
      return Make(a, b, c, s, static_cast<size_t>(n));
  }
  // M/D/YY or M/D/YYYY (US order, as Moment reads it)
  if (std::sscanf(s.c_str(), "%d/%d/%d%n", &a, &b, &c, &n) == 3) {
    int64_t year = c;
    size_t digits = 0;
    for (size_t i = static_cast<size_t>(n);
         i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1])); --i)
      ++digits;
    if (digits <= 2) year += c < 69 ? 2000 : 1900;
    return Make(year, a, b, s, static_cast<size_t>(n));
  }
  // "4 Mar 2017 7:00", "March 4, 2017"
  char word[16] = {0};
  if (std::sscanf(s.c_str(), "%d %15[A-Za-z.] %d%n", &a, word, &c, &n) == 3) {
    if (int m = MonthFromName(word)) return Make(c, m, a, s, static_cast<size_t>(n));
  }
  if (std::sscanf(s.c_str(), "%15[A-Za-z.] %d, %d%n", word, &a, &c, &n) == 3 ||
      std::sscanf(s.c_str(), "%15[A-Za-z.] %d %d%n", word, &a, &c, &n) == 3) {
    if (int m = MonthFromName(word)) return Make(c, m, a, s, static_cast<size_t>(n));
  }
  return std::nullopt;
}

namespace {

// What DATETIME_PARSE has read so far, and the input it reads from.
struct ParseState {
  std::string_view s;
  size_t si = 0;
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  bool pm = false, has_ampm = false, has_time = false;
  std::optional<int64_t> epoch_ms;  // X or x: the instant itself, nothing else matters

  // Reads 1..max_digits digits into *out; false when there are none.
  bool Number(int max_digits, int64_t* out) {
    size_t start = si;
    int64_t v = 0;
    while (si < s.size() && si - start < static_cast<size_t>(max_digits) &&
           std::isdigit(static_cast<unsigned char>(s[si])))
      v = v * 10 + (s[si++] - '0');
    *out = v;
    return si > start;
  }
  // X (seconds) and x (milliseconds): the instant itself, in `unit_ms` units.
  bool Epoch(int max_digits, int64_t unit_ms) {
    int64_t v;
    if (!Number(max_digits, &v)) return false;
    epoch_ms = v * unit_ms;
    return true;
  }
  bool Field(int max_digits, int* out) {
    int64_t v;
    if (!Number(max_digits, &v)) return false;
    *out = static_cast<int>(v);
    return true;
  }
};

bool ReadMonthName(ParseState& p) {
  size_t start = p.si;
  while (p.si < p.s.size() &&
         (std::isalpha(static_cast<unsigned char>(p.s[p.si])) || p.s[p.si] == '.'))
    ++p.si;
  p.month = MonthFromName(p.s.substr(start, p.si - start));
  return p.month != 0;
}

bool ReadHour(ParseState& p) {
  p.has_time = true;
  return p.Field(2, &p.hour);
}

bool ReadMeridiem(ParseState& p) {
  std::string ap(p.s.substr(p.si, 2));
  for (char& c : ap) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ap != "am" && ap != "pm") return false;
  p.pm = ap == "pm";
  p.has_ampm = true;
  p.si += 2;
  return true;
}

struct ParseToken {
  std::string_view token;
  bool (*read)(ParseState&);
};

// Moment's input tokens, tried in this order at each position (a longer token before its prefix).
const ParseToken kParseTokens[] = {
    {"YYYY", [](ParseState& p) { return p.Number(4, &p.year); }},
    {"YY",
     [](ParseState& p) {
       int64_t v;
       if (!p.Number(2, &v)) return false;
       p.year = v + (v < 69 ? 2000 : 1900);
       return true;
     }},
    {"MMMM", ReadMonthName},
    {"MMM", ReadMonthName},
    {"MM", [](ParseState& p) { return p.Field(2, &p.month); }},
    {"M", [](ParseState& p) { return p.Field(2, &p.month); }},
    {"DD", [](ParseState& p) { return p.Field(2, &p.day); }},
    {"D", [](ParseState& p) { return p.Field(2, &p.day); }},
    {"HH", ReadHour},
    {"H", ReadHour},
    {"hh", ReadHour},
    {"h", ReadHour},
    {"mm", [](ParseState& p) { return p.Field(2, &p.minute); }},
    {"m", [](ParseState& p) { return p.Field(2, &p.minute); }},
    {"ss", [](ParseState& p) { return p.Field(2, &p.second); }},
    {"s", [](ParseState& p) { return p.Field(2, &p.second); }},
    {"SSS", [](ParseState& p) { return p.Field(3, &p.millis); }},
    {"A", ReadMeridiem},
    {"a", ReadMeridiem},
    {"X", [](ParseState& p) { return p.Epoch(12, 1000); }},
    {"x", [](ParseState& p) { return p.Epoch(15, 1); }},
};

// A [bracketed] literal must appear as is; any other character that is no token matches itself
// or, when both are punctuation, any punctuation (Moment is forgiving with separators).
bool MatchLiteral(ParseState& p, std::string_view rest, size_t* used) {
  if (rest[0] == '[') {
    size_t close = rest.find(']');
    std::string_view lit =
        rest.substr(1, close == std::string_view::npos ? rest.size() : close - 1);
    if (p.s.substr(p.si, lit.size()) != lit) return false;
    p.si += lit.size();
    *used = close == std::string_view::npos ? rest.size() : close + 1;
    return true;
  }
  if (p.si < p.s.size() &&
      (p.s[p.si] == rest[0] || (!std::isalnum(static_cast<unsigned char>(p.s[p.si])) &&
                                !std::isalnum(static_cast<unsigned char>(rest[0])))))
    ++p.si;
  *used = 1;
  return true;
}

}  // namespace

std::optional<ParsedDate> ParseDateWithFormat(std::string_view s, std::string_view format) {
  ParseState p;
  p.s = s;
  for (size_t fi = 0; fi < format.size();) {
    std::string_view rest = format.substr(fi);
    const ParseToken* hit = nullptr;
    if (rest[0] != '[')
      for (const ParseToken& t : kParseTokens)
        if (rest.starts_with(t.token)) {
          hit = &t;
          break;
        }
    size_t used = 0;
    if (hit) {
      if (!hit->read(p)) return std::nullopt;
      if (p.epoch_ms) return ParsedDate{*p.epoch_ms, false};
      used = hit->token.size();
    } else if (!MatchLiteral(p, rest, &used)) {
      return std::nullopt;
    }
    fi += used;
  }
  if (p.has_ampm) {
    if (p.hour == 12) p.hour = 0;
    if (p.pm) p.hour += 12;
  }
  if (!ValidCivil(p.year, p.month, p.day, p.hour, p.minute, p.second)) return std::nullopt;
  return ParsedDate{FromCivil(p.year, p.month, p.day,
                              ((p.hour * 60LL + p.minute) * 60 + p.second) * 1000 + p.millis),
                    !p.has_time};
}

namespace {

// Expands the localized long formats (L, LL, LT, ...; they contain other tokens, and LLLL's
// expansion may name LT), leaving [bracketed] text alone.
std::string ExpandLongFormats(std::string_view format, const MomentLocale& loc) {
  std::string fmt(format);
  for (int pass = 0; pass < 2; ++pass) {
    std::string expanded;
    for (size_t k = 0; k < fmt.size();) {
      if (fmt[k] == '[') {
        size_t close = fmt.find(']', k);
        size_t end = close == std::string::npos ? fmt.size() : close + 1;
        expanded += fmt.substr(k, end - k);
        k = end;
        continue;
      }
      auto try_tok = [&](const char* tok, const char* repl) {
        size_t len = std::char_traits<char>::length(tok);
        if (fmt.compare(k, len, tok) == 0) {
          expanded += repl;
          k += len;
          return true;
        }
        return false;
      };
      // Longest first, as Moment matches them (LTS|LT|LL?L?L?|l{1,4}).
      const char* const* lf = loc.long_formats;  // LT LTS L LL LLL LLLL l ll lll llll
      if (try_tok("LTS", lf[1]) || try_tok("LT", lf[0]) || try_tok("LLLL", lf[5]) ||
          try_tok("LLL", lf[4]) || try_tok("LL", lf[3]) || try_tok("L", lf[2]) ||
          try_tok("llll", lf[9]) || try_tok("lll", lf[8]) || try_tok("ll", lf[7]) ||
          try_tok("l", lf[6]))
        continue;
      expanded.push_back(fmt[k++]);
    }
    fmt = std::move(expanded);
  }
  return fmt;
}

// What a format token prints from: the local civil time, its weeks, the locale and the offset.
struct FormatInput {
  Civil c;
  const MomentLocale& loc;
  std::string_view format;  // the whole expanded format (a locale's name rules read it)
  std::string_view zone;    // SET_TIMEZONE's zone; empty: UTC
  int64_t ms, offset_ms;
  int64_t week, week_year, iso_week, iso_year;
  int h12;
};

std::string OffsetText(int64_t offset_ms, bool colon) {
  int64_t m = (offset_ms < 0 ? -offset_ms : offset_ms) / 60000;
  return std::string(offset_ms < 0 ? "-" : "+") + Pad(m / 60, 2) + (colon ? ":" : "") +
         Pad(m % 60, 2);
}

std::string Ord(const FormatInput& f, int64_t n, OrdinalPeriod period) {
  return LocaleOrdinal(f.loc, n, period);
}
std::string Name(const FormatInput& f, const NameList& list, int i) {
  return LocaleName(list, i, f.format);
}
std::string ZoneText(const FormatInput& f, const char* utc) {
  if (f.zone.empty()) return utc;
  auto at = ZoneAt(f.zone, f.ms - f.offset_ms);
  return at ? at->abbreviation : std::string();
}
std::string Meridiem(const FormatInput& f, bool lower) {
  return LocaleMeridiem(f.loc, f.c.hour, f.c.minute, lower);
}

struct FormatToken {
  std::string_view token;
  std::string (*text)(const FormatInput&);
};

// Moment's output tokens, tried in this order at each position (a longer token before its
// prefix: MMMM, MMM, MM, Mo, M).
const FormatToken kFormatTokens[] = {
    {"YYYY", [](const FormatInput& f) { return Pad(f.c.year, 4); }},
    {"YY", [](const FormatInput& f) { return Pad(f.c.year % 100, 2); }},
    {"Y", [](const FormatInput& f) { return std::to_string(f.c.year); }},
    {"Qo", [](const FormatInput& f) { return Ord(f, (f.c.month - 1) / 3 + 1, OrdinalPeriod::kQ); }},
    {"Q", [](const FormatInput& f) { return std::to_string((f.c.month - 1) / 3 + 1); }},
    {"MMMM", [](const FormatInput& f) { return Name(f, f.loc.months, f.c.month - 1); }},
    {"MMM", [](const FormatInput& f) { return Name(f, f.loc.months_short, f.c.month - 1); }},
    {"MM", [](const FormatInput& f) { return Pad(f.c.month, 2); }},
    {"Mo", [](const FormatInput& f) { return Ord(f, f.c.month, OrdinalPeriod::kM); }},
    {"M", [](const FormatInput& f) { return std::to_string(f.c.month); }},
    {"DDDD", [](const FormatInput& f) { return Pad(f.c.yday, 3); }},
    {"DDDo", [](const FormatInput& f) { return Ord(f, f.c.yday, OrdinalPeriod::kDDD); }},
    {"DDD", [](const FormatInput& f) { return std::to_string(f.c.yday); }},
    {"DD", [](const FormatInput& f) { return Pad(f.c.day, 2); }},
    {"Do", [](const FormatInput& f) { return Ord(f, f.c.day, OrdinalPeriod::kD); }},
    {"D", [](const FormatInput& f) { return std::to_string(f.c.day); }},
    {"dddd", [](const FormatInput& f) { return Name(f, f.loc.weekdays, f.c.weekday); }},
    {"ddd", [](const FormatInput& f) { return std::string(f.loc.weekdays_short[f.c.weekday]); }},
    {"dd", [](const FormatInput& f) { return std::string(f.loc.weekdays_min[f.c.weekday]); }},
    {"do", [](const FormatInput& f) { return Ord(f, f.c.weekday, OrdinalPeriod::kd); }},
    {"d", [](const FormatInput& f) { return std::to_string(f.c.weekday); }},
    {"e", [](const FormatInput& f) { return std::to_string((f.c.weekday + 7 - f.loc.dow) % 7); }},
    {"E", [](const FormatInput& f) { return std::to_string(f.c.weekday == 0 ? 7 : f.c.weekday); }},
    {"ww", [](const FormatInput& f) { return Pad(f.week, 2); }},
    {"wo", [](const FormatInput& f) { return Ord(f, f.week, OrdinalPeriod::kw); }},
    {"w", [](const FormatInput& f) { return std::to_string(f.week); }},
    {"WW", [](const FormatInput& f) { return Pad(f.iso_week, 2); }},
    {"Wo", [](const FormatInput& f) { return Ord(f, f.iso_week, OrdinalPeriod::kW); }},
    {"W", [](const FormatInput& f) { return std::to_string(f.iso_week); }},
    {"gggg", [](const FormatInput& f) { return Pad(f.week_year, 4); }},
    {"gg", [](const FormatInput& f) { return Pad(f.week_year % 100, 2); }},
    {"GGGG", [](const FormatInput& f) { return Pad(f.iso_year, 4); }},
    {"GG", [](const FormatInput& f) { return Pad(f.iso_year % 100, 2); }},
    {"HH", [](const FormatInput& f) { return Pad(f.c.hour, 2); }},
    {"H", [](const FormatInput& f) { return std::to_string(f.c.hour); }},
    {"hh", [](const FormatInput& f) { return Pad(f.h12, 2); }},
    {"h", [](const FormatInput& f) { return std::to_string(f.h12); }},
    {"kk", [](const FormatInput& f) { return Pad(f.c.hour == 0 ? 24 : f.c.hour, 2); }},
    {"k", [](const FormatInput& f) { return std::to_string(f.c.hour == 0 ? 24 : f.c.hour); }},
    {"mm", [](const FormatInput& f) { return Pad(f.c.minute, 2); }},
    {"m", [](const FormatInput& f) { return std::to_string(f.c.minute); }},
    {"ss", [](const FormatInput& f) { return Pad(f.c.second, 2); }},
    {"s", [](const FormatInput& f) { return std::to_string(f.c.second); }},
    {"SSS", [](const FormatInput& f) { return Pad(f.c.millis, 3); }},
    {"SS", [](const FormatInput& f) { return Pad(f.c.millis / 10, 2); }},
    {"S", [](const FormatInput& f) { return std::to_string(f.c.millis / 100); }},
    {"A", [](const FormatInput& f) { return Meridiem(f, false); }},
    {"a", [](const FormatInput& f) { return Meridiem(f, true); }},
    // moment-timezone's abbreviation for both; without a zone, Moment's UTC words.
    {"zz", [](const FormatInput& f) { return ZoneText(f, "Coordinated Universal Time"); }},
    {"z", [](const FormatInput& f) { return ZoneText(f, "UTC"); }},
    {"ZZ", [](const FormatInput& f) { return OffsetText(f.offset_ms, false); }},
    {"Z", [](const FormatInput& f) { return OffsetText(f.offset_ms, true); }},
    {"X", [](const FormatInput& f) { return std::to_string(FloorDiv(f.ms - f.offset_ms, 1000)); }},
    {"x", [](const FormatInput& f) { return std::to_string(f.ms - f.offset_ms); }},
};

}  // namespace

std::string FormatDate(int64_t ms, std::string_view format, std::string_view locale_code,
                       int64_t offset_ms, std::string_view zone) {
  const MomentLocale& loc = FindMomentLocale(locale_code);
  std::string fmt = ExpandLongFormats(format, loc);
  FormatInput in{ToCivil(ms), loc, fmt, zone, ms, offset_ms, 0, 0, 0, 0, 0};
  WeekOfYear(in.c, loc.dow, 7 + loc.dow - loc.doy, &in.week, &in.week_year);
  WeekOfYear(in.c, 1, 4, &in.iso_week, &in.iso_year);
  in.h12 = in.c.hour % 12 == 0 ? 12 : in.c.hour % 12;
  std::string out;
  for (size_t i = 0; i < fmt.size();) {
    std::string_view rest = std::string_view(fmt).substr(i);
    if (rest[0] == '[') {
      size_t close = rest.find(']');
      if (close == std::string_view::npos) {
        out += rest.substr(1);
        break;
      }
      out += rest.substr(1, close - 1);
      i += close + 1;
      continue;
    }
    const FormatToken* hit = nullptr;
    for (const FormatToken& t : kFormatTokens)
      if (rest.starts_with(t.token)) {
        hit = &t;
        break;
      }
    if (hit) {
      out += hit->text(in);
      i += hit->token.size();
    } else {
      out.push_back(rest[0]);
      ++i;
    }
  }
  return LocalePostformat(loc, std::move(out));
}

std::optional<Unit> ParseUnit(std::string_view s) {
  struct Row {
    const char* abbr;
    const char* name;
    Unit unit;
  };
  static const Row kRows[] = {{"ms", "millisecond", Unit::kMs}, {"s", "second", Unit::kSecond},
                              {"m", "minute", Unit::kMinute},   {"h", "hour", Unit::kHour},
                              {"d", "day", Unit::kDay},         {"w", "week", Unit::kWeek},
                              {"M", "month", Unit::kMonth},     {"Q", "quarter", Unit::kQuarter},
                              {"y", "year", Unit::kYear}};
  for (const Row& r : kRows) {
    if (s == r.abbr) return r.unit;
    std::string lower;
    for (char c : s)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == r.name || lower == std::string(r.name) + "s") return r.unit;
  }
  return std::nullopt;
}

namespace {
int64_t AddMonths(int64_t ms, int64_t months) {
  Civil c = ToCivil(ms);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12);
  int m = static_cast<int>(total - y * 12) + 1;
  int d = std::min<int>(static_cast<int>(c.day), DaysInMonth(y, m));
  int64_t tod = ms - FloorDiv(ms, kDay) * kDay;
  return FromCivil(y, m, d, tod);
}

// Moment's monthDiff(a, b): calendar months from a to b, fractional, negated as Moment does.
double MonthDiff(int64_t a, int64_t b) {
  Civil ca = ToCivil(a), cb = ToCivil(b);
  // Moment measures from the later day of the month, so that a month end counts a whole month
  // to a shorter month's end (2024-01-31 to 2024-06-30 is 5 months).
  if (ca.day < cb.day) {
    const double r = -MonthDiff(b, a);
    return r == 0 ? 0 : r;
  }
  int64_t whole = (cb.year - ca.year) * 12 + (static_cast<int64_t>(cb.month) - ca.month);
  int64_t anchor = AddMonths(a, whole);
  double adjust;
  if (b - anchor < 0) {
    int64_t anchor2 = AddMonths(a, whole - 1);
    adjust = static_cast<double>(b - anchor) / static_cast<double>(anchor - anchor2);
  } else {
    int64_t anchor2 = AddMonths(a, whole + 1);
    adjust = static_cast<double>(b - anchor) / static_cast<double>(anchor2 - anchor);
  }
  double r = -(static_cast<double>(whole) + adjust);
  return r == 0 ? 0 : r;
}
}  // namespace

int64_t AddUnits(int64_t ms, double count, Unit unit) {
  switch (unit) {
    case Unit::kMs:
      return ms + static_cast<int64_t>(std::llround(count));
    case Unit::kSecond:
      return ms + static_cast<int64_t>(std::llround(count * 1000));
    case Unit::kMinute:
      return ms + static_cast<int64_t>(std::llround(count * 60000));
    case Unit::kHour:
      return ms + static_cast<int64_t>(std::llround(count * 3600000));
    case Unit::kDay:
      return ms + static_cast<int64_t>(std::llround(count)) * kDay;
    case Unit::kWeek:
      return ms + static_cast<int64_t>(std::llround(count)) * 7 * kDay;
    case Unit::kMonth:
      return AddMonths(ms, static_cast<int64_t>(std::llround(count)));
    case Unit::kQuarter:
      return AddMonths(ms, static_cast<int64_t>(std::llround(count)) * 3);
    case Unit::kYear:
      return AddMonths(ms, static_cast<int64_t>(std::llround(count)) * 12);
  }
  return ms;
}

double DiffUnits(int64_t a, int64_t b, Unit unit) {
  double d = static_cast<double>(a - b);
  double r = 0;
  switch (unit) {
    case Unit::kMs:
      r = d;
      break;
    case Unit::kSecond:
      r = d / 1000;
      break;
    case Unit::kMinute:
      r = d / 60000;
      break;
    case Unit::kHour:
      r = d / 3600000;
      break;
    case Unit::kDay:
      r = d / kDay;
      break;
    case Unit::kWeek:
      r = d / (7.0 * kDay);
      break;
    case Unit::kMonth:
      r = MonthDiff(a, b);
      break;
    case Unit::kQuarter:
      r = MonthDiff(a, b) / 3;
      break;
    case Unit::kYear:
      r = MonthDiff(a, b) / 12;
      break;
  }
  r = std::trunc(r);
  return r == 0 ? 0 : r;
}

bool SameUnit(int64_t a, int64_t b, Unit unit) {
  const auto [first, after] = UnitSpan(b, unit);
  return a >= first && a < after;
}

std::pair<int64_t, int64_t> UnitSpan(int64_t ms, Unit unit) {
  const Civil c = ToCivil(ms);
  auto fixed = [&](int64_t len) {
    const int64_t first = FloorDiv(ms, len) * len;
    return std::pair{first, first + len};
  };
  auto months = [&](int first_month, int count) {  // count months from first_month of c.year
    const int64_t next = first_month - 1 + count;  // months after January of c.year
    return std::pair{FromCivil(c.year, first_month, 1),
                     FromCivil(c.year + next / 12, static_cast<int>(next % 12) + 1, 1)};
  };
  switch (unit) {
    case Unit::kYear:
      return months(1, 12);
    case Unit::kQuarter:
      return months(static_cast<int>((c.month - 1) / 3 * 3 + 1), 3);
    case Unit::kMonth:
      return months(static_cast<int>(c.month), 1);
    case Unit::kWeek: {
      const int64_t first = (FloorDiv(ms, kDay) - c.weekday) * kDay;
      return {first, first + 7 * kDay};
    }
    case Unit::kDay:
      return fixed(kDay);
    case Unit::kHour:
      return fixed(3600000);
    case Unit::kMinute:
      return fixed(60000);
    case Unit::kSecond:
      return fixed(1000);
    case Unit::kMs:
      break;
  }
  return {ms, ms + 1};
}

}  // namespace airbase::formula
