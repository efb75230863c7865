// Moment's locales (moment_locale.h): the generated table and the lookups over it.
#include "formula/moment_locale.h"

#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace airbase::formula {

namespace {
#include "formula/moment_locales.inc"

}  // namespace

const RE2& LocaleRegex(const char* regex) {
  // Each thread looks its regexes up without a lock; the shared map owns them (never freed).
  thread_local std::unordered_map<const char*, const RE2*> mine;
  if (auto it = mine.find(regex); it != mine.end()) return *it->second;
  static std::mutex mu;
  static std::unordered_map<const char*, std::unique_ptr<RE2>> all;  // by the table's pointer
  std::lock_guard lock(mu);
  auto& re = all[regex];
  if (!re) re = std::make_unique<RE2>(regex);
  mine.emplace(regex, re.get());
  return *re;
}

const MomentLocale& EnglishLocale() {
  static const MomentLocale* en = [] {
    for (const MomentLocale& l : kLocales)
      if (std::string_view(l.code) == "en") return &l;
    return &kLocales[0];
  }();
  return *en;
}

namespace {
const MomentLocale& FindUncached(std::string_view code) {
  std::string c;
  for (char ch : code)
    c.push_back(ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  while (!c.empty()) {
    for (const MomentLocale& l : kLocales)
      if (c == l.code) return l;
    const size_t dash = c.rfind('-');
    if (dash == std::string::npos) break;
    c.resize(dash);
  }
  return EnglishLocale();
}
}  // namespace

const MomentLocale& FindMomentLocale(std::string_view code) {
  if (code.empty() || code == "en") return EnglishLocale();
  // A grid's dates ask for one locale cell after cell: the last answer is kept per thread.
  thread_local std::string last_code;
  thread_local const MomentLocale* last = nullptr;
  if (last != nullptr && code == last_code) return *last;
  last_code.assign(code);
  last = &FindUncached(code);
  return *last;
}

std::string LocaleOrdinal(const MomentLocale& l, int64_t n, OrdinalPeriod period) {
  const OrdinalTable& t = l.ordinals[static_cast<int>(period)];
  const std::string number = std::to_string(n);
  const char* tpl = nullptr;
  if (t.mod == 0)
    tpl = t.templates[0];
  else if (t.mod > 0)
    tpl = t.templates[((n % t.mod) + t.mod) % t.mod];
  else if (n >= 0 && n < t.count)
    tpl = t.templates[n];
  if (tpl == nullptr) return number;
  std::string out(tpl);
  if (const size_t at = out.find("%d"); at != std::string::npos) out.replace(at, 2, number);
  return out;
}

const char* LocaleName(const NameList& list, int i, std::string_view format) {
  int variant = 0;
  for (int r = 0; r < list.rule_count; ++r)
    if (RE2::PartialMatch(format, LocaleRegex(list.rules[r].regex))) {
      variant = list.rules[r].variant;
      break;
    }
  const char* const* names = list.variants[variant] ? list.variants[variant] : list.variants[0];
  return names[i];
}

const char* LocaleMeridiem(const MomentLocale& l, int hour, int minute, bool lower) {
  const int at = hour * 60 + minute;
  const MeridiemSpan* span = &l.meridiem[0];
  for (int i = 0; i < l.meridiem_count && l.meridiem[i].first_minute <= at; ++i)
    span = &l.meridiem[i];
  return lower ? span->lower : span->upper;
}

std::string LocalePostformat(const MomentLocale& l, std::string text) {
  if (l.postformat_count == 0) return text;
  std::string out;
  out.reserve(text.size() * 2);
  for (char ch : text) {
    const char* to = nullptr;
    for (int i = 0; i < l.postformat_count; ++i)
      if (l.postformat[i].from == ch) to = l.postformat[i].to;
    if (to)
      out += to;
    else
      out.push_back(ch);
  }
  return out;
}

}  // namespace airbase::formula
