#include "formula/cells.h"

#include "common/time_util.h"

namespace airbase::formula {

Value FromCell(const Field& f, const SqlValue& v) {
  if (IsEmptyCell(f, v)) return Value::Blank();
  auto as_int = [&]() -> int64_t {
    if (auto* i = std::get_if<int64_t>(&v)) return *i;
    if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return 0;
  };
  switch (f.type) {
    case FieldType::kSingleLineText:
    case FieldType::kMultilineText:
    case FieldType::kRichText:
    case FieldType::kEmail:
    case FieldType::kUrl:
    case FieldType::kPhoneNumber:
      return Value::Text(std::get<std::string>(v));
    case FieldType::kNumber:
    case FieldType::kCurrency:
    case FieldType::kDuration:
    case FieldType::kPercent:
      if (auto* d = std::get_if<double>(&v)) return Value::Number(*d);
      return Value::Number(static_cast<double>(as_int()));
    case FieldType::kRating:
    case FieldType::kAutoNumber:
      return Value::Number(static_cast<double>(as_int()));
    case FieldType::kCheckbox:
      return Value::Bool(true);
    case FieldType::kSingleSelect: {
      const Choice* c = f.ChoiceById(std::get<std::string>(v));
      return c ? Value::Text(c->name) : Value::Blank();
    }
    case FieldType::kMultipleSelects: {
      std::vector<Value> items;
      std::string_view ids = std::get<std::string>(v);
      while (!ids.empty()) {
        size_t comma = ids.find(',');
        if (const Choice* c = f.ChoiceById(ids.substr(0, comma)))
          items.push_back(Value::Text(c->name));
        ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
      }
      return Value::Array(std::move(items));
    }
    case FieldType::kDate: {
      auto days = ParseIsoDate(std::get<std::string>(v));
      return days ? Value::Date(*days * 86400000, true) : Value::Blank();
    }
    case FieldType::kDateTime:
    case FieldType::kCreatedTime:
    case FieldType::kLastModifiedTime:
      return Value::Date(as_int());
    case FieldType::kMultipleRecordLinks: {
      // The linked records' ids (Airtable shows their primary field values; see DECISIONS.md).
      std::vector<Value> items;
      std::string_view recs = std::get<std::string>(v);
      while (!recs.empty()) {
        size_t comma = recs.find(',');
        items.push_back(Value::Text(std::string(recs.substr(0, comma))));
        recs = comma == std::string_view::npos ? std::string_view() : recs.substr(comma + 1);
      }
      return Value::Array(std::move(items));
    }
    case FieldType::kFormula:  // computed above the store: never a stored cell
    case FieldType::kCount:
    case FieldType::kRollup:
    case FieldType::kMultipleLookupValues:
      break;
  }
  return Value::Blank();
}

std::vector<FieldInfo> FieldsOf(const Table& table) {
  std::vector<FieldInfo> out;
  out.reserve(table.fields.size());
  for (const Field& f : table.fields) out.push_back(FieldInfo{f.id, f.name});
  return out;
}

}  // namespace airbase::formula
