// The formula language's dates (dates.h): Moment-style parsing and format tokens, unit
// arithmetic and differences, over UTC milliseconds.
#include "formula/dates.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/text.h"
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
  y = std::clamp<int64_t>(y, -100000000, 100000000);  // far past any date: no overflow below
  // Normalise month overflow (e.g. month 13 = January of the next year).
  int64_t m0 = month - 1;
  y += FloorDiv(m0, 12);
  m0 -= FloorDiv(m0, 12) * 12;
  return DaysFromCivil(y, static_cast<unsigned>(m0 + 1), 1) * kDay + (day - 1) * kDay + ms_of_day;
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
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

std::string ExpandLongFormats(std::string_view format, const MomentLocale& loc);

// Moment's formatting tokens (moment.js formattingTokens), in its order: a format is split into
// these, and each is parsed or matched in turn.
const RE2& FormatTokenRegex() {
  static const RE2 re(
      R"((\[[^\[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|)"
      R"(Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|)"
      R"(ss?|S{1,9}|x|X|zz?|ZZ?|.))");
  return re;
}

// The regex Moment searches the rest of the input with for a parsing token (non-strict), or
// null for a token it does not parse.
const char* TokenPattern(std::string_view t) {
  static const std::pair<std::string_view, const char*> kPatterns[] = {
      {"M", R"(\d\d?)"},
      {"MM", R"(\d\d?)"},
      {"D", R"(\d\d?)"},
      {"DD", R"(\d\d?)"},
      {"DDD", R"(\d{1,3})"},
      {"DDDD", R"(\d{3})"},
      {"YYYY", R"(\d{1,4})"},
      {"YY", R"(\d\d?)"},
      {"Y", R"([+-]?\d+)"},
      {"YYYYY", R"([+-]?\d{1,6})"},
      {"YYYYYY", R"([+-]?\d{1,6})"},
      {"Q", R"(\d)"},
      {"H", R"(\d\d?)"},
      {"HH", R"(\d\d?)"},
      {"h", R"(\d\d?)"},
      {"hh", R"(\d\d?)"},
      {"k", R"(\d\d?)"},
      {"kk", R"(\d\d?)"},
      {"hmm", R"(\d\d\d\d?)"},
      {"Hmm", R"(\d\d\d\d?)"},
      {"hmmss", R"(\d\d\d\d\d\d?)"},
      {"Hmmss", R"(\d\d\d\d\d\d?)"},
      {"m", R"(\d\d?)"},
      {"mm", R"(\d\d?)"},
      {"s", R"(\d\d?)"},
      {"ss", R"(\d\d?)"},
      {"S", R"(\d{1,3})"},
      {"SS", R"(\d{1,3})"},
      {"SSS", R"(\d{1,3})"},
      {"Z", R"((?i)Z|[+-]\d\d(?::?\d\d)?)"},
      {"ZZ", R"((?i)Z|[+-]\d\d(?::?\d\d)?)"},
      {"X", R"([+-]?\d+(\.\d{1,3})?)"},
      {"x", R"([+-]?\d+)"},
      {"a", R"((?i)[ap]\.?m?\.?)"},
      {"A", R"((?i)[ap]\.?m?\.?)"},
      // Read past, not used: weeks and weekday numbers (Moment builds a date from weeks; not
      // done here).
      {"d", R"(\d\d?)"},
      {"e", R"(\d\d?)"},
      {"E", R"(\d\d?)"},
      {"w", R"(\d\d?)"},
      {"ww", R"(\d\d?)"},
      {"W", R"(\d\d?)"},
      {"WW", R"(\d\d?)"},
      {"gg", R"(\d\d?)"},
      {"GG", R"(\d\d?)"},
      {"gggg", R"(\d{1,4})"},
      {"GGGG", R"(\d{1,4})"},
  };
  for (const auto& [token, pattern] : kPatterns)
    if (t == token) return pattern;
  if (t.size() > 3 && t.find_first_not_of('S') == std::string_view::npos) return R"(\d+)";
  return nullptr;
}

// A literal part of the format as Moment searches for it: brackets and backslashes removed.
std::string Unescaped(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) {
      out.push_back(t[++i]);
    } else if (t[i] != '[' && t[i] != ']') {
      out.push_back(t[i]);
    }
  }
  return out;
}

int64_t ToInt(std::string_view digits) {
  int64_t v = 0;
  bool negative = false;
  for (char ch : digits) {
    if (ch == '-') negative = true;
    if (std::isdigit(static_cast<unsigned char>(ch))) v = v * 10 + (ch - '0');
    if (v > 1000000000000000LL) break;
  }
  return negative ? -v : v;
}

// The parts Moment's parsing fills (its config._a), and its flags.
struct Parsed {
  std::optional<int64_t> year, month, day, hour, minute, second, millis, day_of_year;
  std::optional<int64_t> tz_minutes;
  std::optional<int64_t> epoch_ms;
  std::optional<bool> pm;
  const MeridiemHours* meridiem = nullptr;  // the locale's, when it has its own
  std::optional<int> weekday;
  bool any = false;      // some parsing token found its input (Moment's !empty)
  bool invalid = false;  // a month or weekday name no month or weekday has
};

// The first of `count` tests (regexes) the text matches, or -1.
int FirstMatch(const char* const* tests, int count, std::string_view text) {
  for (int i = 0; i < count; ++i)
    if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), LocaleRegex(tests[i])))
      return i;
  return -1;
}

void Apply(std::string_view t, std::string_view in, const MomentLocale& loc, Parsed& p) {
  if (t == "YYYY") {
    p.year = in.size() == 2 ? ToInt(in) + (ToInt(in) > 68 ? 1900 : 2000) : ToInt(in);
  } else if (t == "YY") {
    p.year = ToInt(in) + (ToInt(in) > 68 ? 1900 : 2000);
  } else if (t == "Y" || t == "YYYYY" || t == "YYYYYY") {
    p.year = ToInt(in);
  } else if (t == "M" || t == "MM") {
    p.month = ToInt(in) - 1;
  } else if (t == "MMM" || t == "MMMM") {
    // The first month whose test matches the text found (Moment's monthsParse).
    const int m = FirstMatch(loc.parse.months, 12, in);
    if (m < 0)
      p.invalid = true;
    else
      p.month = m;
  } else if (t == "dddd" || t == "ddd" || t == "dd") {
    const int d = FirstMatch(loc.parse.weekdays, 7, in);
    if (d < 0)
      p.invalid = true;
    else
      p.weekday = d;
  } else if (t == "D" || t == "DD") {
    p.day = ToInt(in);
  } else if (t == "Do") {  // the first one or two digits, wherever they are (ka: მე-10)
    const size_t first = in.find_first_of("0123456789");
    std::string_view digits = first == std::string_view::npos ? "" : in.substr(first, 2);
    if (digits.size() == 2 && !std::isdigit(static_cast<unsigned char>(digits[1])))
      digits.remove_suffix(1);
    p.day = ToInt(digits);
  } else if (t == "DDD" || t == "DDDD") {
    p.day_of_year = ToInt(in);
  } else if (t == "Q") {
    p.month = (ToInt(in) - 1) * 3;
  } else if (t == "H" || t == "HH" || t == "h" || t == "hh") {
    p.hour = ToInt(in);
  } else if (t == "k" || t == "kk") {
    p.hour = ToInt(in) == 24 ? 0 : ToInt(in);
  } else if (t == "hmm" || t == "Hmm") {
    p.hour = ToInt(in.substr(0, in.size() - 2));
    p.minute = ToInt(in.substr(in.size() - 2));
  } else if (t == "hmmss" || t == "Hmmss") {
    p.hour = ToInt(in.substr(0, in.size() - 4));
    p.minute = ToInt(in.substr(in.size() - 4, 2));
    p.second = ToInt(in.substr(in.size() - 2));
  } else if (t == "m" || t == "mm") {
    p.minute = ToInt(in);
  } else if (t == "s" || t == "ss") {
    p.second = ToInt(in);
  } else if (t[0] == 'S') {  // a fraction of a second: "5" is 500 ms
    std::string frac(in.substr(0, std::min<size_t>(in.size(), 3)));
    while (frac.size() < 3) frac.push_back('0');
    p.millis = ToInt(frac);
  } else if (t == "a" || t == "A") {
    p.pm = std::tolower(static_cast<unsigned char>(in[0])) == 'p';  // Moment's default isPM
    const std::string lower = Utf8MapCase(in, false);
    for (int i = 0; i < loc.parse.meridiem_hours_count; ++i)
      if (lower == loc.parse.meridiem_hours[i].text) p.meridiem = &loc.parse.meridiem_hours[i];
  } else if (t == "Z" || t == "ZZ") {
    if (in == "Z" || in == "z") {
      p.tz_minutes = 0;
    } else {
      std::string digits;
      for (char ch : in)
        if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
      const int64_t minutes = ToInt(digits.substr(0, 2)) * 60 + ToInt(digits.substr(2));
      p.tz_minutes = in[0] == '-' ? -minutes : minutes;
    }
  } else if (t == "X") {
    const double seconds = std::strtod(std::string(in).c_str(), nullptr);
    p.epoch_ms = std::fabs(seconds) < 1e13 ? static_cast<int64_t>(std::llround(seconds * 1000))
                                           : INT64_MAX;  // out of range: no date
  } else if (t == "x") {
    p.epoch_ms = ToInt(in);
  }
}

}  // namespace

std::optional<ParsedDate> ParseDateWithFormat(std::string_view raw, std::string_view format,
                                              std::string_view locale, int64_t now_ms) {
  const MomentLocale& loc = FindMomentLocale(locale);
  // Moment's preparse: a locale's native digits read as ASCII ones.
  std::string input(raw);
  for (int i = 0; i < loc.parse.preparse_count; ++i) {
    const TextSwap& swap = loc.parse.preparse[i];
    const std::string_view from = swap.from, keep = swap.not_after;
    for (size_t at = input.find(from); at != std::string::npos; at = input.find(from, at + 1)) {
      // The letter before (two bytes in Arabic script) may keep the digit.
      if (at >= 2 && !keep.empty()) {
        const std::string_view before = std::string_view(input).substr(at - 2, 2);
        bool kept = false;
        for (size_t k = 0; k + 2 <= keep.size(); k += 2) kept = kept || keep.substr(k, 2) == before;
        if (kept) continue;
      }
      input.replace(at, from.size(), 1, swap.to);
    }
  }
  const std::string fmt = ExpandLongFormats(format, loc);
  Parsed p;
  bool has_time = false;
  std::string_view rest(input);
  re2::StringPiece tokens(fmt);
  std::string_view token;
  while (!tokens.empty()) {
    re2::StringPiece whole;
    if (!FormatTokenRegex().Match(tokens, 0, tokens.size(), RE2::ANCHOR_START, &whole, 1)) break;
    token = std::string_view(whole.data(), whole.size());
    tokens.remove_prefix(whole.size());
    // Each token's text is searched for in the rest of the input (anywhere: Moment skips what
    // lies before it), then the input continues after it.
    const char* pattern = nullptr;
    std::string literal;
    if (token == "MMMM")
      pattern = loc.parse.month_regex[0];
    else if (token == "MMM")
      pattern = loc.parse.month_regex[1];
    else if (token == "Do")
      pattern = loc.parse.ordinal;
    else if (token == "dddd" || token == "ddd" || token == "dd")
      pattern = loc.parse.weekday_regex[token.size() == 4 ? 0 : token.size() == 3 ? 1 : 2];
    else if ((token == "a" || token == "A") && loc.parse.meridiem_hours_count > 0)
      pattern = loc.parse.meridiem_regex;
    else
      pattern = TokenPattern(token);
    std::string_view found;
    if (pattern) {
      re2::StringPiece hit;
      const re2::StringPiece text(rest.data(), rest.size());
      if (LocaleRegex(pattern).Match(text, 0, text.size(), RE2::UNANCHORED, &hit, 1))
        found = std::string_view(hit.data(), hit.size());
    } else {
      literal = Unescaped(token);
      if (const size_t at = rest.find(literal); !literal.empty() && at != std::string_view::npos)
        found = rest.substr(at, literal.size());
    }
    if (!found.empty()) {
      const size_t at = rest.find(found);  // Moment's indexOf of the text found
      rest.remove_prefix(at + found.size());
    }
    if (!pattern || token.starts_with('[')) continue;
    if (found.empty()) continue;
    p.any = true;
    if (std::string_view("HhkmsSaA").find(token[0]) != std::string_view::npos) has_time = true;
    Apply(token, found, loc, p);
    if (p.epoch_ms) {
      // JavaScript's dates end 8.64e15 ms either side of 1970; past them Moment has no date.
      if (*p.epoch_ms > 8640000000000000LL || *p.epoch_ms < -8640000000000000LL)
        return std::nullopt;
      return ParsedDate{*p.epoch_ms, false};
    }
  }
  if (!p.any || p.invalid) return std::nullopt;
  // The meridiem moves a 12-hour clock's hour: the locale's own rule, or Moment's default.
  if (p.meridiem && p.hour) {
    if (*p.hour < 0 || *p.hour > 23 || p.meridiem->hours[*p.hour] < 0) return std::nullopt;
    *p.hour = p.meridiem->hours[*p.hour];
  } else if (p.pm && p.hour) {
    if (*p.pm && *p.hour < 12) *p.hour += 12;
    if (!*p.pm && *p.hour == 12) *p.hour = 0;
  }
  // Leading parts not given are today's (in UTC); later ones are the start of their unit.
  const Civil today = ToCivil(now_ms);
  const bool by_day_of_year = p.day_of_year && !p.month && !p.day;
  if (by_day_of_year) {
    const int64_t y = p.year.value_or(today.year);
    if (*p.day_of_year < 1 || *p.day_of_year > (IsLeap(y) ? 366 : 365)) return std::nullopt;
    p.year = y;
    p.month = 0;
    p.day = *p.day_of_year;
  }
  if (!p.year) {
    p.year = today.year;
    if (!p.month) {
      p.month = today.month - 1;
      if (!p.day) p.day = today.day;
    }
  }
  if (*p.year < -271821 || *p.year > 275760) return std::nullopt;  // JavaScript's date range
  const int64_t year = *p.year, month = p.month.value_or(0), day = p.day.value_or(1),
                hour = p.hour.value_or(0), minute = p.minute.value_or(0),
                second = p.second.value_or(0), millis = p.millis.value_or(0);
  // Moment's overflow checks: a part out of its range makes the date invalid.
  if (month < 0 || month > 11) return std::nullopt;
  if (!by_day_of_year && (day < 1 || day > DaysInMonth(year, static_cast<int>(month) + 1)))
    return std::nullopt;
  if (hour < 0 || hour > 24 || (hour == 24 && (minute || second || millis))) return std::nullopt;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0 || millis > 999)
    return std::nullopt;
  int64_t ms = FromCivil(year, static_cast<int>(month) + 1, static_cast<int>(day),
                         ((hour * 60 + minute) * 60 + second) * 1000 + millis);
  // A weekday read must be the date's (Moment's weekdayMismatch).
  if (p.weekday && *p.weekday != ToCivil(ms).weekday) return std::nullopt;
  if (p.tz_minutes) ms -= *p.tz_minutes * 60000;
  return ParsedDate{ms, !has_time};
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
  // Past JavaScript's date range either way (1e8 days) nothing is a date; bounded, the
  // arithmetic below cannot overflow.
  count = std::isnan(count) ? 0 : std::clamp(count, -1e10, 1e10);
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
