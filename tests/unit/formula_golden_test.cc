// Golden cases (tests/formula/*.jsonl, format of shared/spec/formula.md §15) through the
// evaluator: airtable-cases.jsonl is the spec's sourced set, airbase-cases.jsonl our own.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>

#include "common/json_util.h"
#include "common/time_util.h"
#include "formula/dates.h"
#include "formula/formula.h"

namespace airbase::formula {
namespace {

Value FromJson(const json::value& v, const std::string& type) {
  if (v.is_null()) return Value::Blank();
  if (v.is_bool()) return Value::Bool(v.as_bool());
  if (v.is_number()) return Value::Number(v.to_number<double>());
  if (v.is_string()) {
    std::string s(v.as_string());
    if (type == "date" || type == "dateTime" || type == "createdTime" ||
        type == "lastModifiedTime") {
      if (auto p = ParseDateText(s)) return Value::Date(p->ms, type == "date");
    }
    return Value::Text(s);
  }
  if (v.is_array()) {
    std::vector<Value> items;
    for (const auto& e : v.as_array()) items.push_back(FromJson(e, ""));
    return Value::Array(std::move(items));
  }
  if (v.is_object() && v.as_object().contains("name"))  // a linked record: its primary value
    return Value::Text(std::string(v.as_object().at("name").as_string()));
  return Value::Blank();
}

::testing::AssertionResult Matches(const Value& got, const json::value& want, double tol,
                                   bool date) {
  auto fail = [&](const char* why) {
    return ::testing::AssertionFailure()
           << why << ": got kind " << static_cast<int>(got.kind) << " \"" << ToText(got)
           << "\", want " << json::serialize(want);
  };
  if (want.is_null())
    return got.is_blank() || (got.kind == Value::Kind::kText && got.text.empty())
               ? ::testing::AssertionSuccess()
               : fail("not blank");
  if (want.is_bool()) {
    bool ok = got.is_number() && (got.number != 0) == want.as_bool();
    return ok ? ::testing::AssertionSuccess() : fail("boolean");
  }
  if (want.is_number()) {
    if (!got.is_number()) return fail("not a number");
    double w = want.to_number<double>();
    return std::fabs(got.number - w) <= tol ? ::testing::AssertionSuccess() : fail("number");
  }
  if (want.is_string()) {
    if (date) {
      if (got.kind != Value::Kind::kDate) return fail("not a date");
      return FormatIsoMs(got.ms) == want.as_string() ? ::testing::AssertionSuccess() : fail("date");
    }
    return got.kind == Value::Kind::kText && got.text == want.as_string()
               ? ::testing::AssertionSuccess()
               : fail("text");
  }
  if (want.is_array()) {
    if (got.kind != Value::Kind::kArray || got.items->size() != want.as_array().size())
      return fail("array");
    for (size_t i = 0; i < got.items->size(); ++i) {
      auto r = Matches((*got.items)[i], want.as_array()[i], tol, false);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  const json::object& o = want.as_object();
  if (o.contains("error")) return got.is_error() ? ::testing::AssertionSuccess() : fail("error");
  if (o.contains("specialValue")) {
    std::string sv(o.at("specialValue").as_string());
    if (!got.is_number()) return fail("special value");
    bool ok = sv == "NaN" ? std::isnan(got.number) : std::isinf(got.number);
    return ok ? ::testing::AssertionSuccess() : fail("special value");
  }
  return fail("unknown expectation");
}

struct Outcome {
  int run = 0, skipped = 0;
};

Outcome RunFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::string line;
  Outcome out;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    json::object c = json::parse(line).as_object();
    if (c.contains("unsure") && c.at("unsure").as_bool()) {
      ++out.skipped;
      continue;
    }
    std::string formula(c.at("formula").as_string());
    SCOPED_TRACE(path + ":" + std::to_string(n) + ": " + formula);
    std::vector<FieldInfo> fields;
    std::vector<Value> values;
    const json::object* types =
        c.contains("fieldTypes") ? &c.at("fieldTypes").as_object() : nullptr;
    for (const auto& [name, v] : c.at("fields").as_object()) {
      std::string type =
          types && types->contains(name) ? std::string(types->at(name).as_string()) : "";
      fields.push_back(FieldInfo{"fld" + std::to_string(fields.size()), std::string(name)});
      values.push_back(FromJson(v, type));
    }
    const json::value& expected = c.at("expected");
    auto compiled = Compile(formula, fields);
    if (expected.is_object() && expected.as_object().contains("apiError")) {
      EXPECT_FALSE(compiled.ok());
      if (compiled.ok()) continue;
      std::string prefix(expected.at("apiError").at("messagePrefix").as_string());
      EXPECT_EQ(compiled.status().message().rfind(prefix, 0), 0u) << compiled.status().message();
      ++out.run;
      continue;
    }
    EXPECT_TRUE(compiled.ok()) << compiled.status().message();
    if (!compiled.ok()) continue;
    EvalContext ctx;
    ctx.field = [&](int i) {
      const std::string& id = compiled->field_ids[static_cast<size_t>(i)];
      return values[static_cast<size_t>(std::stoi(id.substr(3)))];
    };
    if (c.contains("record")) ctx.record_id = c.at("record").at("id").as_string();
    ctx.now_ms = c.contains("now") ? *ParseIsoDateTime(c.at("now").as_string()) : 1700000000000LL;
    Value got = Evaluate(*compiled, ctx);
    double tol = c.contains("tolerance") ? c.at("tolerance").to_number<double>() : 1e-9;
    bool filter = c.contains("context") && c.at("context").as_string() == "filterByFormula";
    if (filter) {
      EXPECT_EQ(IsTruthy(got), expected.as_bool()) << ToText(got);
    } else {
      bool date = c.contains("expectedType") && c.at("expectedType").as_string() == "date";
      EXPECT_TRUE(Matches(got, expected, tol, date));
    }
    ++out.run;
  }
  return out;
}

TEST(FormulaGolden, AirtableSourcedCases) {
  Outcome o = RunFile(std::string(AIRBASE_SOURCE_DIR) + "/tests/formula/airtable-cases.jsonl");
  EXPECT_GT(o.run, 100);
  std::printf("airtable-cases: %d run, %d unsure skipped\n", o.run, o.skipped);
}

TEST(FormulaGolden, AirbaseCases) {
  Outcome o = RunFile(std::string(AIRBASE_SOURCE_DIR) + "/tests/formula/airbase-cases.jsonl");
  EXPECT_GT(o.run, 50);
  std::printf("airbase-cases: %d run, %d unsure skipped\n", o.run, o.skipped);
}

// Runs a file of Moment's own outputs (made by tools/moment-locales/gen.mjs with the real
// moment): one line per locale or zone, each case [date, format, want], as the formula
// `make(key, date, format)`. Returns the lines read.
int RunMomentFile(const std::string& file, const char* key,
                  const std::function<std::string(const std::string&, const std::string&,
                                                  const std::string&)>& make) {
  std::ifstream in(std::string(AIRBASE_SOURCE_DIR) + "/tests/formula/" + file);
  std::string line;
  int lines = 0, run = 0, failed = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json::object row = json::parse(line).as_object();
    const std::string name(row.at(key).as_string());
    ++lines;
    for (const json::value& c : row.at("cases").as_array()) {
      const json::array& a = c.as_array();
      const std::string date(a[0].as_string()), format(a[1].as_string()), want(a[2].as_string());
      const std::string formula = make(name, date, format);
      auto compiled = Compile(formula, {});
      EXPECT_TRUE(compiled.ok()) << formula;
      if (!compiled.ok()) continue;
      EvalContext ctx;
      const std::string got = ToText(Evaluate(*compiled, ctx));
      ++run;
      if (got != want && ++failed <= 40)
        ADD_FAILURE() << formula << ": got \"" << got << "\", want \"" << want << "\"";
    }
  }
  EXPECT_EQ(failed, 0) << "of " << run;
  std::printf("%s: %d lines, %d cases\n", file.c_str(), lines, run);
  return lines;
}

std::string Quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) {
    if (ch == '\'' || ch == '\\') q.push_back('\\');
    q.push_back(ch);
  }
  return q + "'";
}

// DATETIME_FORMAT(SET_LOCALE(date, locale), format) for every locale Moment ships: month and
// weekday names in both cases, the long formats, ordinals, meridiem boundaries, weeks.
TEST(FormulaGolden, EveryMomentLocaleFormatsAsMomentDoes) {
  EXPECT_GT(RunMomentFile(
                "moment-locales.jsonl", "locale",
                [](const std::string& locale, const std::string& date, const std::string& format) {
                  return "DATETIME_FORMAT(SET_LOCALE(" + Quoted(date) + ", " + Quoted(locale) +
                         "), " + Quoted(format) + ")";
                }),
            130);
}

// z and zz print moment-timezone's abbreviation either side of each DST transition (the tz
// database's, as SET_TIMEZONE reads it), and Moment's UTC words without a zone.
TEST(FormulaGolden, ZoneAbbreviationsAreMomentTimezones) {
  EXPECT_GT(RunMomentFile(
                "moment-zones.jsonl", "zone",
                [](const std::string& zone, const std::string& date, const std::string& format) {
                  const std::string d =
                      zone.empty() ? Quoted(date)
                                   : "SET_TIMEZONE(" + Quoted(date) + ", " + Quoted(zone) + ")";
                  return "DATETIME_FORMAT(" + d + ", " + Quoted(format) + ")";
                }),
            10);
}

// DATETIME_DIFF in months, quarters and years is Moment's diff: calendar months with month ends
// clamped (2024-01-31 to 2024-06-30 is 5 months), truncated toward zero.
TEST(FormulaGolden, CalendarDifferencesAreMoments) {
  std::ifstream in(std::string(AIRBASE_SOURCE_DIR) + "/tests/formula/moment-diffs.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  int run = 0, failed = 0;
  const json::value file = json::parse(line);
  for (const json::value& c : file.as_object().at("cases").as_array()) {
    const json::array& a = c.as_array();
    const std::string formula = "DATETIME_DIFF(" + Quoted(std::string(a[0].as_string())) + ", " +
                                Quoted(std::string(a[1].as_string())) + ", " +
                                Quoted(std::string(a[2].as_string())) + ")";
    auto compiled = Compile(formula, {});
    ASSERT_TRUE(compiled.ok()) << formula;
    EvalContext ctx;
    const Value got = Evaluate(*compiled, ctx);
    ++run;
    if ((!got.is_number() || got.number != a[3].to_number<double>()) && ++failed <= 40)
      ADD_FAILURE() << formula << ": got " << ToText(got) << ", want " << json::serialize(a[3]);
  }
  EXPECT_EQ(failed, 0) << "of " << run;
  EXPECT_GT(run, 1000);
}

// DATETIME_PARSE(text, format, locale) reads as moment.utc(text, format, locale) does
// (tests/formula/moment-parsing.jsonl): every locale reads back what it printed, and Moment's
// parse rules (offsets, packed digits, skipped text, quarters, ordinals, overflow). A null is
// Moment's invalid date, #ERROR! here.
TEST(FormulaGolden, DatetimeParseReadsAsMomentDoes) {
  std::ifstream in(std::string(AIRBASE_SOURCE_DIR) + "/tests/formula/moment-parsing.jsonl");
  std::string line;
  int run = 0, failed = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json::value row = json::parse(line);
    const std::string locale(row.at("locale").as_string());
    for (const json::value& c : row.at("cases").as_array()) {
      const json::array& a = c.as_array();
      const std::string formula = "DATETIME_PARSE(" + Quoted(std::string(a[0].as_string())) + ", " +
                                  Quoted(std::string(a[1].as_string())) + ", " + Quoted(locale) +
                                  ")";
      auto compiled = Compile(formula, {});
      ASSERT_TRUE(compiled.ok()) << formula;
      EvalContext ctx;
      const Value got = Evaluate(*compiled, ctx);
      const std::string want = a[2].is_null() ? "#ERROR!" : std::string(a[2].as_string());
      ++run;
      if (ToText(got) != want && ++failed <= 40)
        ADD_FAILURE() << locale << " " << formula << ": got " << ToText(got) << ", want " << want;
    }
  }
  EXPECT_EQ(failed, 0) << "of " << run;
  EXPECT_GT(run, 4000);
}

}  // namespace
}  // namespace airbase::formula
