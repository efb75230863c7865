// Moment's locales (moment.js 2.30.1, every locale it ships), as data generated from Moment
// itself by tools/moment-locales/gen.mjs into moment_locales.inc: month and weekday names with
// the rules choosing a grammatical case, the long date formats, ordinals, meridiem, week rule
// and the digits a locale prints. DATETIME_FORMAT, SET_LOCALE and cellFormat=string read them.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace airbase::formula {

// The first rule whose regex (RE2 syntax, as Moment's) matches the whole expanded format picks
// its variant of a name list; without a match, variant 0 (standalone / nominative).
struct NameRule {
  const char* regex;
  int variant;
};
struct NameList {
  const char* const* variants[3];  // 12 months or 7 weekdays (Sunday first); unused: nullptr
  const NameRule* rules;
  int rule_count;
};
// An ordinal per number: templates with %d for the number; `mod` 0: one template for all,
// 10 or 100: templates[n % mod], -1: templates[n] up to `count` - 1, the number alone beyond.
struct OrdinalTable {
  const char* const* templates;
  int count;
  int mod;
};
// From `first_minute` of the day on, until the next span: the meridiem in upper (A) and lower
// (a) case.
struct MeridiemSpan {
  int first_minute;
  const char* upper;
  const char* lower;
};
// A character the locale's postformat replaces in the whole output (its digits, the comma).
struct CharSwap {
  char from;
  const char* to;
};

// A text preparse replaces before DATETIME_PARSE reads (a native digit by its ASCII digit).
struct TextSwap {
  const char* from;
  char to;
  const char* not_after;  // letters (UTF-8) after which `from` stays (ar-ps)
};
// What DATETIME_PARSE reads with a locale, as Moment's non-strict parsing does: the regexes the
// MMMM and MMM tokens search with, one test per month (the first that matches the found text
// names it), the Do token's regex, and preparse.
// A meridiem a locale writes (lower-cased) and the hour each written hour (0-23) becomes with
// it; -1: no date.
struct MeridiemHours {
  const char* text;
  int hours[24];
};
struct ParseRules {
  const char* month_regex[2];  // MMMM, MMM (RE2, case-insensitive)
  const char* const* months;   // 12
  const char* ordinal;
  const TextSwap* preparse;
  int preparse_count;
  const char* weekday_regex[3];  // dddd, ddd, dd
  const char* const* weekdays;   // 7, Sunday first
  const char* meridiem_regex;
  const MeridiemHours* meridiem_hours;  // none: Moment's default (a "p" first is after noon)
  int meridiem_hours_count;
};

struct MomentLocale {
  const char* code;
  NameList months, months_short, weekdays;
  const char* const* weekdays_short;
  const char* const* weekdays_min;
  // LT LTS L LL LLL LLLL l ll lll llll, resolved.
  const char* long_formats[10];
  // By the token the ordinal follows: D M Q DDD d w W.
  OrdinalTable ordinals[7];
  const MeridiemSpan* meridiem;
  int meridiem_count;
  int dow, doy;  // Moment's week rule: the first day of a week; 7 + dow - doy is the January day
                 // every first week holds
  const CharSwap* postformat;
  int postformat_count;
  ParseRules parse;
};

// The RE2 of a regex in the table, compiled once.
const RE2& LocaleRegex(const char* regex);

// The locale Moment picks for `code` (case-insensitive, '_' as '-', then shorter prefixes:
// "fr-XX" is fr); English when none matches.
const MomentLocale& FindMomentLocale(std::string_view code);
const MomentLocale& EnglishLocale();

enum class OrdinalPeriod { kD, kM, kQ, kDDD, kd, kw, kW };
std::string LocaleOrdinal(const MomentLocale& l, int64_t n, OrdinalPeriod period);
// The name a list gives for index `i` in a format (whose regex rules pick the case).
const char* LocaleName(const NameList& list, int i, std::string_view format);
const char* LocaleMeridiem(const MomentLocale& l, int hour, int minute, bool lower);
// `text` with the locale's postformat characters replaced.
std::string LocalePostformat(const MomentLocale& l, std::string text);

}  // namespace airbase::formula
