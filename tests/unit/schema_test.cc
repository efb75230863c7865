// src/schema: field options in read format, and every type's cell codec.
#include <gtest/gtest.h>

#include "common/json_util.h"
#include "schema/collaborators.h"
#include "schema/field_type.h"
#include "schema/model.h"

namespace airbase {
namespace {

Field MakeField(FieldType type, const char* options_json = "{}") {
  SeededIdGenerator ids(1);
  Field f;
  f.id = "fldAAAAAAAAAAAAAA";
  f.name = "F";
  f.type = type;
  json::value opts = json::parse(options_json);
  auto norm = NormalizeOptions(type, &opts, {}, ids);
  EXPECT_TRUE(norm.ok()) << norm.status().message();
  if (norm.ok()) f.options = *norm;
  f.Derive();
  return f;
}

// Encodes `in` (JSON text) and writes it back as V1 cell JSON; "" when the cell is empty.
std::string RoundTrip(Field& f, const char* in, bool typecast = false) {
  SeededIdGenerator ids(2);
  bool changed = false;
  auto v = EncodeCell(f, json::parse(in), typecast, ids, &changed);
  if (!v.ok()) return "error:" + std::string(InfoFor(v.status().code()).type);
  if (IsEmptyCell(f, *v)) return "";
  std::string out;
  JsonWriter w(&out);
  WriteCell(f, *v, w);
  return out;
}

TEST(FieldTypes, NamesRoundTrip) {
  for (const char* n :
       {"singleLineText", "multilineText", "email", "url", "phoneNumber", "number", "currency",
        "percent", "rating", "checkbox", "singleSelect", "multipleSelects", "date", "dateTime",
        "autoNumber", "createdTime", "lastModifiedTime"}) {
    auto t = ParseFieldType(n);
    ASSERT_TRUE(t) << n;
    EXPECT_EQ(FieldTypeName(*t), n);
  }
  EXPECT_FALSE(ParseFieldType("formulaX"));
  EXPECT_TRUE(IsComputed(FieldType::kAutoNumber));
  EXPECT_FALSE(IsComputed(FieldType::kNumber));
  EXPECT_FALSE(CanBePrimary(FieldType::kCheckbox));
}

TEST(FieldOptions, DefaultsAreCompleteReadFormat) {
  EXPECT_EQ(json::serialize(MakeField(FieldType::kNumber).options), R"({"precision":0})");
  EXPECT_EQ(json::serialize(MakeField(FieldType::kCurrency).options),
            R"({"precision":2,"symbol":"$"})");
  EXPECT_EQ(json::serialize(MakeField(FieldType::kRating).options),
            R"({"icon":"star","color":"yellowBright","max":5})");
  EXPECT_EQ(
      json::serialize(MakeField(FieldType::kDate, R"({"dateFormat":{"name":"iso"}})").options),
      R"({"dateFormat":{"name":"iso","format":"YYYY-MM-DD"}})");
  Field sel = MakeField(FieldType::kSingleSelect,
                        R"({"choices":[{"name":"a"},{"name":"b","color":"redBright"}]})");
  ASSERT_EQ(sel.choices.size(), 2u);
  EXPECT_TRUE(IsId(sel.choices[0].id, "sel"));
  EXPECT_EQ(sel.choices[1].color, "redBright");
}

TEST(FieldOptions, InvalidOptionsAreRefused) {
  SeededIdGenerator ids(1);
  auto bad = [&](FieldType t, const char* opts) {
    json::value v = json::parse(opts);
    auto r = NormalizeOptions(t, &v, {}, ids);
    return !r.ok() && r.status().code() == ErrorCode::kInvalidFieldTypeOptions;
  };
  EXPECT_TRUE(bad(FieldType::kNumber, R"({"precision":9})"));
  EXPECT_TRUE(bad(FieldType::kNumber, R"({"precision":1.5})"));
  EXPECT_TRUE(bad(FieldType::kCurrency, R"({"precision":8})"));
  EXPECT_TRUE(bad(FieldType::kRating, R"({"max":0})"));
  EXPECT_TRUE(bad(FieldType::kCheckbox, R"({"icon":"smile"})"));
  EXPECT_TRUE(bad(FieldType::kSingleSelect, R"({"choices":[{"name":""}]})"));
  EXPECT_TRUE(bad(FieldType::kDateTime, R"({"timeFormat":{"name":"13hour"}})"));
  EXPECT_TRUE(bad(FieldType::kSingleLineText, R"({"x":1})"));
  EXPECT_TRUE(bad(FieldType::kLastModifiedTime, R"({"referencedFieldIds":["fldNOPE"]})"));
}

TEST(CellCodec, TextTypes) {
  Field t = MakeField(FieldType::kSingleLineText);
  EXPECT_EQ(RoundTrip(t, R"("hi")"), R"("hi")");
  EXPECT_EQ(RoundTrip(t, R"("a\nb")"), R"("a b")");
  EXPECT_EQ(RoundTrip(t, R"("")"), "");
  EXPECT_EQ(RoundTrip(t, "null"), "");
  EXPECT_EQ(RoundTrip(t, "12"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(t, "12", true), R"("12")");
  Field m = MakeField(FieldType::kMultilineText);
  EXPECT_EQ(RoundTrip(m, R"("a\nb")"), R"("a\nb")");
  Field e = MakeField(FieldType::kEmail);
  EXPECT_EQ(RoundTrip(e, R"(" a@b.co ")"), R"("a@b.co")");
  EXPECT_EQ(RoundTrip(e, R"("nope")"), "error:INVALID_VALUE_FOR_COLUMN");
}

TEST(CellCodec, Numbers) {
  Field n = MakeField(FieldType::kNumber, R"({"precision":2})");
  EXPECT_EQ(RoundTrip(n, "1.005"), "1");  // 1.005 is 1.00499.. in binary
  EXPECT_EQ(RoundTrip(n, "1.239"), "1.24");
  EXPECT_EQ(RoundTrip(n, "0"), "0");
  EXPECT_EQ(RoundTrip(n, "-3"), "-3");
  EXPECT_EQ(RoundTrip(n, R"("7")"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(n, R"("1,234.5")", true), "1234.5");
  EXPECT_EQ(RoundTrip(n, R"("abc")", true), "error:INVALID_VALUE_FOR_COLUMN");
  Field p = MakeField(FieldType::kPercent, R"({"precision":0})");
  EXPECT_EQ(RoundTrip(p, "0.123"), "0.12");
  Field r = MakeField(FieldType::kRating, R"({"max":3})");
  EXPECT_EQ(RoundTrip(r, "3"), "3");
  EXPECT_EQ(RoundTrip(r, "0"), "");
  EXPECT_EQ(RoundTrip(r, "4"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(r, "1.5"), "error:INVALID_VALUE_FOR_COLUMN");
}

TEST(CellCodec, DurationAndRichText) {
  Field d = MakeField(FieldType::kDuration, R"({"durationFormat":"h:mm:ss"})");
  EXPECT_EQ(json::serialize(d.options), R"({"durationFormat":"h:mm:ss"})");
  EXPECT_EQ(RoundTrip(d, "90"), "90");
  EXPECT_EQ(RoundTrip(d, "90.4"), "90");  // h:mm:ss keeps whole seconds
  EXPECT_EQ(RoundTrip(d, R"("1:30")"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(d, R"("1:30")", true), "5400");
  EXPECT_EQ(RoundTrip(d, R"("0:01:05")", true), "65");
  EXPECT_EQ(RoundTrip(d, R"("-2:00")", true), "-7200");
  EXPECT_EQ(RoundTrip(d, R"("1:75")", true), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(d, R"("soon")", true), "error:INVALID_VALUE_FOR_COLUMN");
  Field ms = MakeField(FieldType::kDuration, R"({"durationFormat":"h:mm:ss.SS"})");
  EXPECT_EQ(RoundTrip(ms, R"("0:00:01.257")", true), "1.26");
  EXPECT_EQ(json::serialize(MakeField(FieldType::kDuration).options),
            R"({"durationFormat":"h:mm"})");
  EXPECT_EQ(FormatDuration(5400, "h:mm"), "1:30");
  EXPECT_EQ(FormatDuration(5429, "h:mm"), "1:30");
  EXPECT_EQ(FormatDuration(5430, "h:mm"), "1:31");
  EXPECT_EQ(FormatDuration(3725.5, "h:mm:ss.S"), "1:02:05.5");
  EXPECT_EQ(FormatDuration(-65, "h:mm:ss"), "-0:01:05");
  EXPECT_EQ(FormatDuration(100 * 3600, "h:mm"), "100:00");
  Field r = MakeField(FieldType::kRichText);
  EXPECT_EQ(RoundTrip(r, R"("**bold**\nline")"), R"("**bold**\nline")");
  EXPECT_EQ(RoundTrip(r, "5", true), R"("5")");
}

TEST(CellCodec, Checkbox) {
  Field c = MakeField(FieldType::kCheckbox);
  EXPECT_EQ(RoundTrip(c, "true"), "true");
  EXPECT_EQ(RoundTrip(c, "false"), "");
  EXPECT_EQ(RoundTrip(c, R"("yes")"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(c, R"("checked")", true), "true");
  EXPECT_EQ(RoundTrip(c, R"("no")", true), "");
}

TEST(CellCodec, SelectsAndTypecastChoices) {
  Field s = MakeField(FieldType::kSingleSelect, R"({"choices":[{"name":"a"},{"name":"b"}]})");
  EXPECT_EQ(RoundTrip(s, R"("b")"), R"("b")");
  EXPECT_EQ(RoundTrip(s, R"("c")"), "error:INVALID_MULTIPLE_CHOICE_OPTIONS");
  EXPECT_EQ(RoundTrip(s, R"("c")", true), R"("c")");
  EXPECT_EQ(s.choices.size(), 3u);
  EXPECT_EQ(s.options.at("choices").as_array().size(), 3u);
  Field m = MakeField(FieldType::kMultipleSelects, R"({"choices":[{"name":"a"},{"name":"b"}]})");
  EXPECT_EQ(RoundTrip(m, R"(["b","a","b"])"), R"(["b","a"])");
  EXPECT_EQ(RoundTrip(m, R"([])"), "");
  EXPECT_EQ(RoundTrip(m, R"("a")"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(m, R"("a, z")", true), R"(["a","z"])");
}

TEST(CellCodec, DatesAndTimes) {
  Field d = MakeField(FieldType::kDate);
  EXPECT_EQ(RoundTrip(d, R"("2024-02-29")"), R"("2024-02-29")");
  EXPECT_EQ(RoundTrip(d, R"("2024-02-29T23:00:00-05:00")"), R"("2024-03-01")");
  EXPECT_EQ(RoundTrip(d, R"("2/3/2024")"), "error:INVALID_VALUE_FOR_COLUMN");
  EXPECT_EQ(RoundTrip(d, R"("2/3/2024")", true), R"("2024-02-03")");
  Field t = MakeField(FieldType::kDateTime);
  EXPECT_EQ(RoundTrip(t, R"("2022-09-05T07:00:00.000Z")"), R"("2022-09-05T07:00:00.000Z")");
  EXPECT_EQ(RoundTrip(t, R"("2022-09-05T09:00:00+02:00")"), R"("2022-09-05T07:00:00.000Z")");
  EXPECT_EQ(RoundTrip(t, R"("soon")"), "error:INVALID_VALUE_FOR_COLUMN");
}

TEST(CellCodec, ComputedFieldsRefuseWrites) {
  for (FieldType t :
       {FieldType::kAutoNumber, FieldType::kCreatedTime, FieldType::kLastModifiedTime}) {
    Field f = MakeField(t);
    EXPECT_EQ(RoundTrip(f, "1"), "error:INVALID_VALUE_FOR_COLUMN");
    EXPECT_EQ(RoundTrip(f, "null"), "error:INVALID_VALUE_FOR_COLUMN");
  }
}

TEST(Model, TableLookupByIdOrName) {
  BaseSchema s;
  Table t;
  t.id = "tblAAAAAAAAAAAAAA";
  t.name = "My/Table";
  Field f;
  f.id = "fldBBBBBBBBBBBBBB";
  f.name = "Name";
  t.fields.push_back(f);
  s.tables.push_back(t);
  EXPECT_NE(s.FindTable("tblAAAAAAAAAAAAAA"), nullptr);
  EXPECT_NE(s.FindTable("My/Table"), nullptr);
  EXPECT_EQ(s.FindTable("tblAAAAAAAAAAAAAB"), nullptr);
  // Table names resolve case-insensitively after an exact match (issue 8, item 13), as
  // pyairtable's suites expect of Airtable; an exact match wins.
  EXPECT_EQ(s.FindTable("my/table"), &s.tables[0]);
  Table lower = t;
  lower.id = "tblCCCCCCCCCCCCCC";
  lower.name = "my/table";
  s.tables.push_back(lower);
  EXPECT_EQ(s.FindTable("my/table"), &s.tables[1]);
  EXPECT_EQ(s.FindTable("MY/TABLE"), &s.tables[0]);
  EXPECT_NE(s.tables[0].FindField("fldBBBBBBBBBBBBBB"), nullptr);
  EXPECT_NE(s.tables[0].FindField("Name"), nullptr);
  EXPECT_EQ(s.tables[0].FindField("name"), nullptr);
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

TEST(CellCodec, ZonelessDateTimesAreLocalToTheFieldZone) {
  Field ny = MakeField(FieldType::kDateTime, R"({"timeZone":"America/New_York"})");
  EXPECT_EQ(RoundTrip(ny, R"("2024-07-01T08:00")"), R"("2024-07-01T12:00:00.000Z")");     // EDT
  EXPECT_EQ(RoundTrip(ny, R"("2024-01-01T08:00:00")"), R"("2024-01-01T13:00:00.000Z")");  // EST
  EXPECT_EQ(RoundTrip(ny, R"("2024-01-01T08:00:00Z")"), R"("2024-01-01T08:00:00.000Z")");
  EXPECT_EQ(RoundTrip(ny, R"("2024-01-01T08:00:00+01:00")"), R"("2024-01-01T07:00:00.000Z")");
  Field client = MakeField(FieldType::kDateTime, R"({"timeZone":"client"})");
  EXPECT_EQ(RoundTrip(client, R"("2024-01-01T08:00")"), R"("2024-01-01T08:00:00.000Z")");
  Field utc = MakeField(FieldType::kDateTime, R"({"timeZone":"utc"})");
  EXPECT_EQ(RoundTrip(utc, R"("2024-01-01T08:00")"), R"("2024-01-01T08:00:00.000Z")");
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

// Collaborator cells: people round-trip through the stored text, separators in a part become
// spaces, references keep their empty parts, and the text sorts by the first person's name.
TEST(Collaborators, StoredTextRoundTripsAndSortsByName) {
  using collaborators::Person;
  std::vector<Person> people = {{"usrAAAAAAAAAAAAAA", "ann@example.com", "Ann"},
                                {"usrBBBBBBBBBBBBBB", "b@x.io", "Bo\x1e b\x1f"},
                                {"", "", "Only a name"}};
  std::string stored = collaborators::Serialize(people);
  std::vector<Person> back = collaborators::Parse(stored);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].id, "usrAAAAAAAAAAAAAA");
  EXPECT_EQ(back[0].email, "ann@example.com");
  EXPECT_EQ(back[1].name, "Bo  b ");
  EXPECT_EQ(back[1].id, "usrBBBBBBBBBBBBBB");
  EXPECT_EQ(back[2].name, "Only a name");
  EXPECT_TRUE(back[2].id.empty() && back[2].email.empty());
  EXPECT_EQ(collaborators::Names(stored), "Ann, Bo  b , Only a name");
  EXPECT_TRUE(collaborators::Parse("").empty());
  EXPECT_LT(collaborators::Serialize({{"usrZ", "z@z", "Al"}}),
            collaborators::Serialize({{"usrA", "a@a", "Alice"}}));
  std::string json;
  JsonWriter w(&json);
  collaborators::Write(back[0], w);
  EXPECT_EQ(json, R"({"id":"usrAAAAAAAAAAAAAA","email":"ann@example.com","name":"Ann"})");
}

// The field type table: one row per FieldType, in enum order, each consistent with itself.
TEST(FieldTypeTable, EveryTypeHasOneConsistentRow) {
  int n = 0;
#define AIRBASE_COUNT_TYPE(name) ++n;
  AIRBASE_FIELD_TYPES(AIRBASE_COUNT_TYPE)
#undef AIRBASE_COUNT_TYPE
  EXPECT_EQ(n, 31);
  for (int i = 0; i < n; ++i) {
    const FieldType type = static_cast<FieldType>(i);
    const FieldTypeTraits& t = Traits(type);
    SCOPED_TRACE(std::string(t.name));
    EXPECT_EQ(t.type, type);
    EXPECT_EQ(ParseFieldType(t.name), type);
    EXPECT_EQ(t.computed, t.encode == nullptr) << "clients write exactly the non-computed types";
    EXPECT_NE(t.normalize, nullptr);
    EXPECT_NE(t.write, nullptr);
    if (t.computed_at_read) {
      EXPECT_TRUE(t.computed);
    }
    // Text without context exists except where a zone, a locale or linked records are needed.
    const bool needs_context = t.computed_at_read || t.kind == CellKind::kDay ||
                               t.kind == CellKind::kInstant || t.kind == CellKind::kLinks;
    EXPECT_EQ(t.text == nullptr, needs_context);
  }
  EXPECT_EQ(ParseFieldType("multipleAttachments"), FieldType::kMultipleAttachments);
  EXPECT_EQ(ParseFieldType("singleCollaborator"), FieldType::kSingleCollaborator);
  EXPECT_EQ(ParseFieldType("lastModifiedBy"), FieldType::kLastModifiedBy);
  EXPECT_EQ(ParseFieldType("barcode"), FieldType::kBarcode);
  EXPECT_EQ(ParseFieldType("button"), FieldType::kButton);
  EXPECT_FALSE(ParseFieldType("aiText").has_value());  // never built: docs/DECISIONS.md
}

}  // namespace
}  // namespace airbase
