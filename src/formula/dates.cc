// The formula language's dates (dates.h): Moment-style parsing and format tokens, unit
// arithmetic and differences, over UTC milliseconds.
#include "formula/dates.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "common/time_util.h"

namespace airbase::formula {

namespace {

constexpr int64_t kDay = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Locale {
  const char* code;
  std::array<const char*, 12> months, months_short;
  std::array<const char*, 7> days, days_short, days_min;
  const char* ll;    // LL
  const char* lll;   // LLL
  const char* llll;  // LLLL
  const char* l;     // L
  const char* lt;    // LT
  const char* lts;   // LTS
};

const Locale kLocales[] = {
    {"en",
     {"January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December"},
     {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
     {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
     {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
     {"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"},
     "MMMM D, YYYY",
     "MMMM D, YYYY h:mm A",
     "dddd, MMMM D, YYYY h:mm A",
     "MM/DD/YYYY",
     "h:mm A",
     "h:mm:ss A"},
    {"es",
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
      "octubre", "noviembre", "diciembre"},
     {"ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.",
      "dic."},
     {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"},
     {"dom.", "lun.", "mar.", "mié.", "jue.", "vie.", "sáb."},
     {"do", "lu", "ma", "mi", "ju", "vi", "sá"},
     "D [de] MMMM [de] YYYY",
     "D [de] MMMM [de] YYYY H:mm",
     "dddd, D [de] MMMM [de] YYYY H:mm",
     "DD/MM/YYYY",
     "H:mm",
     "H:mm:ss"},
    {"fr",
     {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
      "octobre", "novembre", "décembre"},
     {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
      "déc."},
     {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
     {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
     {"di", "lu", "ma", "me", "je", "ve", "sa"},
     "D MMMM YYYY",
     "D MMMM YYYY HH:mm",
     "dddd D MMMM YYYY HH:mm",
     "DD/MM/YYYY",
     "HH:mm",
     "HH:mm:ss"},
    {"de",
     {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
      "November", "Dezember"},
     {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.",
      "Dez."},
     {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
     {"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
     {"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
     "D. MMMM YYYY",
     "D. MMMM YYYY HH:mm",
     "dddd, D. MMMM YYYY HH:mm",
     "DD.MM.YYYY",
     "HH:mm",
     "HH:mm:ss"},
};

const Locale& FindLocale(std::string_view code) {
  std::string c;
  for (char ch : code) c.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  for (const Locale& l : kLocales)
    if (c == l.code || c.rfind(std::string(l.code) + "-", 0) == 0) return l;
  return kLocales[0];
}

std::string Ordinal(int64_t n, const Locale& loc) {
  std::string s = std::to_string(n);
  if (std::string_view(loc.code) != "en")
    return s + (std::string_view(loc.code) == "es" ? "º" : ".");
  int64_t m100 = n % 100, m10 = n % 10;
  if (m100 >= 11 && m100 <= 13) return s + "th";
  return s + (m10 == 1 ? "st" : m10 == 2 ? "nd" : m10 == 3 ? "rd" : "th");
}

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
      const char* full = kLocales[0].months[i];
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

std::optional<ParsedDate> ParseDateWithFormat(std::string_view s, std::string_view format) {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  bool pm = false, has_ampm = false, has_time = false;
  size_t si = 0, fi = 0;
  auto read_num = [&](int max_digits, int64_t* out) {
    size_t start = si;
    int64_t v = 0;
    while (si < s.size() && si - start < static_cast<size_t>(max_digits) &&
           std::isdigit(static_cast<unsigned char>(s[si])))
      v = v * 10 + (s[si++] - '0');
    *out = v;
    return si > start;
  };
  while (fi < format.size()) {
    std::string_view rest = format.substr(fi);
    auto starts = [&](std::string_view t) { return rest.substr(0, t.size()) == t; };
    int64_t v;
    if (rest[0] == '[') {
      size_t close = rest.find(']');
      std::string_view lit =
          rest.substr(1, close == std::string_view::npos ? rest.size() : close - 1);
      if (s.substr(si, lit.size()) != lit) return std::nullopt;
      si += lit.size();
      fi += close == std::string_view::npos ? rest.size() : close + 1;
    } else if (starts("YYYY")) {
      if (!read_num(4, &year)) return std::nullopt;
      fi += 4;
    } else if (starts("YY")) {
      if (!read_num(2, &v)) return std::nullopt;
      year = v + (v < 69 ? 2000 : 1900);
      fi += 2;
    } else if (starts("MMMM") || starts("MMM")) {
      size_t start = si;
      while (si < s.size() && (std::isalpha(static_cast<unsigned char>(s[si])) || s[si] == '.'))
        ++si;
      month = MonthFromName(s.substr(start, si - start));
      if (!month) return std::nullopt;
      fi += starts("MMMM") ? 4 : 3;
    } else if (starts("MM") || starts("M")) {
      if (!read_num(2, &v)) return std::nullopt;
      month = static_cast<int>(v);
      fi += starts("MM") ? 2 : 1;
    } else if (starts("DD") || starts("D")) {
      if (!read_num(2, &v)) return std::nullopt;
      day = static_cast<int>(v);
      fi += starts("DD") ? 2 : 1;
    } else if (starts("HH") || starts("H") || starts("hh") || starts("h")) {
      if (!read_num(2, &v)) return std::nullopt;
      hour = static_cast<int>(v);
      has_time = true;
      fi += (starts("HH") || starts("hh")) ? 2 : 1;
    } else if (starts("mm") || starts("m")) {
      if (!read_num(2, &v)) return std::nullopt;
      minute = static_cast<int>(v);
      fi += starts("mm") ? 2 : 1;
    } else if (starts("ss") || starts("s")) {
      if (!read_num(2, &v)) return std::nullopt;
      second = static_cast<int>(v);
      fi += starts("ss") ? 2 : 1;
    } else if (starts("SSS")) {
      if (!read_num(3, &v)) return std::nullopt;
      millis = static_cast<int>(v);
      fi += 3;
    } else if (starts("A") || starts("a")) {
      std::string ap(s.substr(si, 2));
      for (char& c : ap) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (ap != "am" && ap != "pm") return std::nullopt;
      pm = ap == "pm";
      has_ampm = true;
      si += 2;
      fi += 1;
    } else if (starts("X")) {
      if (!read_num(12, &v)) return std::nullopt;
      return ParsedDate{v * 1000, false};
    } else if (starts("x")) {
      if (!read_num(15, &v)) return std::nullopt;
      return ParsedDate{v, false};
    } else {
      // Any other format character matches itself (Moment is forgiving with separators).
      if (si < s.size() && s[si] == rest[0])
        ++si;
      else if (si < s.size() && !std::isalnum(static_cast<unsigned char>(s[si])) &&
               !std::isalnum(static_cast<unsigned char>(rest[0])))
        ++si;
      fi += 1;
    }
  }
  if (has_ampm) {
    if (hour == 12) hour = 0;
    if (pm) hour += 12;
  }
  if (!ValidCivil(year, month, day, hour, minute, second)) return std::nullopt;
  return ParsedDate{
      FromCivil(year, month, day, ((hour * 60LL + minute) * 60 + second) * 1000 + millis),
      !has_time};
}

std::string FormatDate(int64_t ms, std::string_view format, std::string_view locale_code,
                       int64_t offset_ms) {
  auto offset_text = [&](bool colon) {
    int64_t m = (offset_ms < 0 ? -offset_ms : offset_ms) / 60000;
    return std::string(offset_ms < 0 ? "-" : "+") + Pad(m / 60, 2) + (colon ? ":" : "") +
           Pad(m % 60, 2);
  };
  const Locale& loc = FindLocale(locale_code);
  Civil c = ToCivil(ms);
  std::string out;
  size_t i = 0;
  // Expand localized long formats first (they contain other tokens).
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
      if (try_tok("LLLL", loc.llll) || try_tok("LLL", loc.lll) || try_tok("LL", loc.ll) ||
          try_tok("LTS", loc.lts) || try_tok("LT", loc.lt) || try_tok("L", loc.l) ||
          try_tok("llll", "ddd, MMM D, YYYY h:mm A") || try_tok("lll", "MMM D, YYYY h:mm A") ||
          try_tok("ll", "MMM D, YYYY") || try_tok("l", "M/D/YYYY"))
        continue;
      expanded.push_back(fmt[k++]);
    }
    fmt = expanded;
  }
  int64_t week, week_year, iso_week, iso_year;
  WeekOfYear(c, 0, 1, &week, &week_year);
  WeekOfYear(c, 1, 4, &iso_week, &iso_year);
  int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  while (i < fmt.size()) {
    std::string_view rest = std::string_view(fmt).substr(i);
    auto tok = [&](std::string_view t) {
      if (rest.substr(0, t.size()) == t) {
        i += t.size();
        return true;
      }
      return false;
    };
    if (rest[0] == '[') {
      size_t close = rest.find(']');
      if (close == std::string_view::npos) {
        out += rest.substr(1);
        break;
      }
      out += rest.substr(1, close - 1);
      i += close + 1;
    } else if (tok("YYYY"))
      out += Pad(c.year, 4);
    else if (tok("YY"))
      out += Pad(c.year % 100, 2);
    else if (tok("Y"))
      out += std::to_string(c.year);
    else if (tok("Qo"))
      out += Ordinal((c.month - 1) / 3 + 1, loc);
    else if (tok("Q"))
      out += std::to_string((c.month - 1) / 3 + 1);
    else if (tok("MMMM"))
      out += loc.months[c.month - 1];
    else if (tok("MMM"))
      out += loc.months_short[c.month - 1];
    else if (tok("MM"))
      out += Pad(c.month, 2);
    else if (tok("Mo"))
      out += Ordinal(c.month, loc);
    else if (tok("M"))
      out += std::to_string(c.month);
    else if (tok("DDDD"))
      out += Pad(c.yday, 3);
    else if (tok("DDDo"))
      out += Ordinal(c.yday, loc);
    else if (tok("DDD"))
      out += std::to_string(c.yday);
    else if (tok("DD"))
      out += Pad(c.day, 2);
    else if (tok("Do"))
      out += Ordinal(c.day, loc);
    else if (tok("D"))
      out += std::to_string(c.day);
    else if (tok("dddd"))
      out += loc.days[c.weekday];
    else if (tok("ddd"))
      out += loc.days_short[c.weekday];
    else if (tok("dd"))
      out += loc.days_min[c.weekday];
    else if (tok("do"))
      out += Ordinal(c.weekday, loc);
    else if (tok("d") || tok("e"))
      out += std::to_string(c.weekday);
    else if (tok("E"))
      out += std::to_string(c.weekday == 0 ? 7 : c.weekday);
    else if (tok("ww"))
      out += Pad(week, 2);
    else if (tok("wo"))
      out += Ordinal(week, loc);
    else if (tok("w"))
      out += std::to_string(week);
    else if (tok("WW"))
      out += Pad(iso_week, 2);
    else if (tok("Wo"))
      out += Ordinal(iso_week, loc);
    else if (tok("W"))
      out += std::to_string(iso_week);
    else if (tok("gggg"))
      out += Pad(week_year, 4);
    else if (tok("gg"))
      out += Pad(week_year % 100, 2);
    else if (tok("GGGG"))
      out += Pad(iso_year, 4);
    else if (tok("GG"))
      out += Pad(iso_year % 100, 2);
    else if (tok("HH"))
      out += Pad(c.hour, 2);
    else if (tok("H"))
      out += std::to_string(c.hour);
    else if (tok("hh"))
      out += Pad(h12, 2);
    else if (tok("h"))
      out += std::to_string(h12);
    else if (tok("kk"))
      out += Pad(c.hour == 0 ? 24 : c.hour, 2);
    else if (tok("k"))
      out += std::to_string(c.hour == 0 ? 24 : c.hour);
    else if (tok("mm"))
      out += Pad(c.minute, 2);
    else if (tok("m"))
      out += std::to_string(c.minute);
    else if (tok("ss"))
      out += Pad(c.second, 2);
    else if (tok("s"))
      out += std::to_string(c.second);
    else if (tok("SSS"))
      out += Pad(c.millis, 3);
    else if (tok("SS"))
      out += Pad(c.millis / 10, 2);
    else if (tok("S"))
      out += std::to_string(c.millis / 100);
    else if (tok("A"))
      out += c.hour < 12 ? "AM" : "PM";
    else if (tok("a"))
      out += c.hour < 12 ? "am" : "pm";
    else if (tok("ZZ"))
      out += offset_text(false);
    else if (tok("Z"))
      out += offset_text(true);
    else if (tok("X"))
      out += std::to_string(FloorDiv(ms - offset_ms, 1000));
    else if (tok("x"))
      out += std::to_string(ms - offset_ms);
    else {
      out.push_back(rest[0]);
      ++i;
    }
  }
  return out;
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
  Civil x = ToCivil(a), y = ToCivil(b);
  switch (unit) {
    case Unit::kYear:
      return x.year == y.year;
    case Unit::kQuarter:
      return x.year == y.year && (x.month - 1) / 3 == (y.month - 1) / 3;
    case Unit::kMonth:
      return x.year == y.year && x.month == y.month;
    case Unit::kWeek: {
      int64_t da = FloorDiv(a, kDay) - x.weekday, db = FloorDiv(b, kDay) - y.weekday;
      return da == db;
    }
    case Unit::kDay:
      return FloorDiv(a, kDay) == FloorDiv(b, kDay);
    case Unit::kHour:
      return FloorDiv(a, 3600000) == FloorDiv(b, 3600000);
    case Unit::kMinute:
      return FloorDiv(a, 60000) == FloorDiv(b, 60000);
    case Unit::kSecond:
      return FloorDiv(a, 1000) == FloorDiv(b, 1000);
    case Unit::kMs:
      return a == b;
  }
  return a == b;
}

}  // namespace airbase::formula
