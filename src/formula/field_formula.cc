// Formula, count, lookup and rollup fields (field_formula.h): options checked and their result
// type inferred when saved; values computed per record when read.
#include "formula/field_formula.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/json_writer.h"
#include "common/time_util.h"
#include "formula/cells.h"

namespace airbase::formula {

namespace json = boost::json;

namespace {

Status OptionsError(const std::string& msg) {
  return Error(ErrorCode::kInvalidFieldTypeOptions, msg);
}

void CollectRefs(const Node& n, std::vector<const Node*>* out) {
  if (n.kind == Node::Kind::kField) out->push_back(&n);
  for (const auto& a : n.args) CollectRefs(*a, out);
}

enum class Kind { kNumber, kText, kDate, kArray, kAny };

// The result type a reference to `f` gives a formula (a checkbox reads as a number here).
Kind FieldKind(const Field& f) {
  switch (KindOf(f.type)) {
    case CellKind::kNumber:
    case CellKind::kCheckbox:
      return Kind::kNumber;
    case CellKind::kDay:
    case CellKind::kInstant:
      return Kind::kDate;
    case CellKind::kMultiSelect:
    case CellKind::kLinks:
    case CellKind::kAttachments:
    case CellKind::kPeople:
    case CellKind::kLookup:
      return Kind::kArray;
    case CellKind::kAny:
      return Kind::kAny;
    case CellKind::kText:
    case CellKind::kSelect:
    case CellKind::kPerson:
    case CellKind::kBarcode:
      break;
  }
  return Kind::kText;
}

Kind Infer(const Node& n, const CompiledFormula& c, const std::vector<Field>& fields) {
  static const std::set<std::string> kText = {
      "CONCATENATE",   "LEFT",          "RIGHT",     "MID",
      "LOWER",         "UPPER",         "TRIM",      "SUBSTITUTE",
      "REPLACE",       "REPT",          "T",         "ENCODE_URL_COMPONENT",
      "REGEX_EXTRACT", "REGEX_REPLACE", "ARRAYJOIN", "DATETIME_FORMAT",
      "DATESTR",       "TIMESTR",       "RECORD_ID", "TONOW",
      "FROMNOW"};
  static const std::set<std::string> kDate = {"NOW",
                                              "TODAY",
                                              "DATEADD",
                                              "DATETIME_PARSE",
                                              "WORKDAY",
                                              "CREATED_TIME",
                                              "LAST_MODIFIED_TIME",
                                              "SET_TIMEZONE",
                                              "SET_LOCALE"};
  static const std::set<std::string> kArray = {"ARRAYCOMPACT", "ARRAYFLATTEN", "ARRAYUNIQUE",
                                               "ARRAYSLICE"};
  switch (n.kind) {
    case Node::Kind::kNumber:
    case Node::Kind::kBool:
    case Node::Kind::kUnary:
      return Kind::kNumber;
    case Node::Kind::kString:
      return Kind::kText;
    case Node::Kind::kField: {
      const std::string& id = c.field_ids[static_cast<size_t>(n.field_index)];
      for (const Field& f : fields)
        if (f.id == id) return FieldKind(f);
      return Kind::kAny;
    }
    case Node::Kind::kBinary:
      return n.text == "&" ? Kind::kText : Kind::kNumber;
    case Node::Kind::kCall: {
      if (kText.count(n.text)) return Kind::kText;
      if (kDate.count(n.text)) return Kind::kDate;
      if (kArray.count(n.text)) return Kind::kArray;
      if (n.text == "IF" || n.text == "SWITCH") {
        std::set<Kind> kinds;
        for (size_t i = 1; i < n.args.size(); ++i) {
          if (n.text == "SWITCH" && i % 2 == 1 && i + 1 < n.args.size()) continue;  // patterns
          kinds.insert(Infer(*n.args[i], c, fields));
        }
        if (kinds.size() == 1) return *kinds.begin();
        return Kind::kText;  // mixed results display as text (formula.md §10)
      }
      return Kind::kNumber;
    }
  }
  return Kind::kAny;
}

json::object ResultFor(Kind k) {
  switch (k) {
    case Kind::kNumber:
      return {{"type", "number"}, {"options", {{"precision", 0}}}};
    case Kind::kDate:
      return {{"type", "dateTime"},
              {"options",
               {{"dateFormat", {{"name", "iso"}, {"format", "YYYY-MM-DD"}}},
                {"timeFormat", {{"name", "24hour"}, {"format", "HH:mm"}}},
                {"timeZone", "utc"}}}};
    case Kind::kArray:
      return {{"type", "multipleLookupValues"}};
    default:
      return {{"type", "singleLineText"}};
  }
}

}  // namespace

Result<json::object> FormulaFieldOptions(std::string_view text, const std::string& self_id,
                                         const std::vector<Field>& fields) {
  std::vector<FieldInfo> others;
  for (const Field& f : fields)
    if (f.id != self_id) others.push_back(FieldInfo{f.id, f.name});
  auto compiled = Compile(text, others);
  if (!compiled.ok()) {
    std::string msg = compiled.status().message();
    const std::string prefix = "The formula for filtering records is invalid: ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    return OptionsError("The formula is invalid: " + msg);
  }
  // Refuse cycles through other formula fields.
  std::vector<std::string> stack = compiled->field_ids;
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string id = stack.back();
    stack.pop_back();
    if (id == self_id) return OptionsError("The formula refers to itself through other fields");
    if (!seen.insert(id).second) continue;
    for (const Field& f : fields)
      if (f.id == id && f.type == FieldType::kFormula)
        for (const std::string& r : f.referenced_field_ids) stack.push_back(r);
  }
  // Store references as {fldXXX} so renames never break the formula.
  std::vector<const Node*> refs;
  CollectRefs(*compiled->root, &refs);
  std::sort(refs.begin(), refs.end(), [](const Node* a, const Node* b) { return a->pos > b->pos; });
  std::string rewritten(text);
  for (const Node* r : refs)
    rewritten.replace(r->pos, r->end - r->pos,
                      "{" + compiled->field_ids[static_cast<size_t>(r->field_index)] + "}");
  json::array ids;
  for (const std::string& id : compiled->field_ids) ids.emplace_back(id);
  json::object out;
  out["formula"] = rewritten;
  out["isValid"] = true;
  out["referencedFieldIds"] = std::move(ids);
  out["result"] = ResultFor(Infer(*compiled->root, *compiled, fields));
  return out;
}

namespace {

// Rollup formulas name their input with the bare word `values`; the parser reads fields in
// braces, so the word (outside strings and braces) becomes {values}.
std::string BraceValues(std::string_view text) {
  std::string out;
  char quote = 0;
  bool brace = false;
  auto word_char = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quote) {
      out.push_back(ch);
      if (ch == '\\' && i + 1 < text.size())
        out.push_back(text[++i]);
      else if (ch == quote)
        quote = 0;
      continue;
    }
    if (brace) {
      out.push_back(ch);
      if (ch == '}') brace = false;
      continue;
    }
    if (ch == '"' || ch == '\'') quote = ch;
    if (ch == '{') brace = true;
    if (text.compare(i, 6, "values") == 0 && (i == 0 || !word_char(text[i - 1])) &&
        (i + 6 >= text.size() || (!word_char(text[i + 6]) && text[i + 6] != '('))) {
      out += "{values}";
      i += 5;
      continue;
    }
    out.push_back(ch);
  }
  return out;
}

}  // namespace

Result<CompiledFormula> CompileRollup(std::string_view text) {
  return Compile(BraceValues(text), {FieldInfo{"values", "values"}});
}

Result<json::object> RollupResult(std::string_view text) {
  ASSIGN_OR_RETURN(CompiledFormula c, CompileRollup(text));
  Field values;
  values.id = "values";
  values.name = "values";
  values.type = FieldType::kMultipleLookupValues;
  return ResultFor(Infer(*c.root, c, {values}));
}

TableFormulas::TableFormulas(const Table& table) : table_(table) {
  std::vector<FieldInfo> infos;
  for (const Field& f : table.fields) infos.push_back(FieldInfo{f.id, f.name});
  for (const Field& f : table.fields) {
    if (f.type != FieldType::kFormula && f.type != FieldType::kRollup &&
        f.type != FieldType::kButton)
      continue;
    const json::value* text =
        f.options.if_contains(f.type == FieldType::kButton ? "urlFormula" : "formula");
    if (!text || !text->is_string()) continue;
    auto c = f.type == FieldType::kRollup ? CompileRollup(std::string_view(text->as_string()))
                                          : Compile(std::string_view(text->as_string()), infos);
    if (c.ok()) compiled_.emplace(f.id, std::move(*c));
  }
}

Value TableFormulas::ValueOf(const Field& field, const RowAccess& row) const {
  return ValueOf(field, row, 0);
}

namespace {

// The record-level values a formula sees (RECORD_ID, CREATED_TIME, NOW, ...) from the row.
EvalContext RowContext(const RowAccess& row) {
  EvalContext ctx;
  ctx.record_id = row.record_id;
  ctx.created_ms = row.created_ms;
  ctx.modified_ms = row.modified_ms;
  ctx.now_ms = row.now_ms;
  return ctx;
}

std::vector<std::string> SplitIds(const SqlValue* cell) {
  std::vector<std::string> ids;
  if (const std::string* s = cell ? std::get_if<std::string>(cell) : nullptr) {
    std::string_view rest = *s;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      ids.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return ids;
}

}  // namespace

Value TableFormulas::ThroughLinks(const Field& field, const RowAccess& row) const {
  auto text = [&](const char* key) {
    const json::value* v = field.options.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const json::value* valid = field.options.if_contains("isValid");
  const Field* link = table_.FindField(text("recordLinkFieldId"));
  if ((valid && valid->is_bool() && !valid->as_bool()) || !link ||
      link->type != FieldType::kMultipleRecordLinks)
    return Value::Error();
  std::vector<std::string> ids = SplitIds(row.cell(link->id));
  if (field.type == FieldType::kCount) return Value::Number(static_cast<double>(ids.size()));
  std::vector<Value> values;
  if (row.linked_value) {
    const std::string target = text("fieldIdInLinkedTable");
    for (const std::string& id : ids) {
      Value v = row.linked_value(*link, id, target);
      if (v.kind == Value::Kind::kArray && v.items)
        values.insert(values.end(), v.items->begin(), v.items->end());
      else if (v.kind != Value::Kind::kBlank)
        values.push_back(std::move(v));
    }
  }
  if (field.type != FieldType::kRollup) return Value::Array(std::move(values));
  auto it = compiled_.find(field.id);
  if (it == compiled_.end()) return Value::Error();
  EvalContext ctx = RowContext(row);
  Value all = Value::Array(std::move(values));
  ctx.field = [&](int) { return all; };
  return Evaluate(it->second, ctx);
}

Value TableFormulas::Stored(const Field& field, const RowAccess& row) const {
  const SqlValue* cell = row.cell(field.id);
  if (!cell) return Value::Blank();
  if (field.type == FieldType::kMultipleRecordLinks && row.link_name) {
    // Airtable: a link reads as the linked records' primary field values.
    Value ids = FromCell(field, *cell);
    if (ids.kind != Value::Kind::kArray || !ids.items) return ids;
    std::vector<Value> names;
    for (const Value& id : *ids.items) names.push_back(Value::Text(row.link_name(field, id.text)));
    return Value::Array(std::move(names));
  }
  return FromCell(field, *cell);
}

Value TableFormulas::ValueOf(const Field& field, const RowAccess& row, int depth) const {
  if (field.type == FieldType::kCount || field.type == FieldType::kMultipleLookupValues ||
      field.type == FieldType::kRollup)
    return ThroughLinks(field, row);
  if (field.type == FieldType::kButton) {
    const json::value* label = field.options.if_contains("label");
    return label && label->is_string() ? Value::Text(std::string(label->as_string()))
                                       : Value::Blank();
  }
  if (field.type != FieldType::kFormula) return Stored(field, row);
  auto it = compiled_.find(field.id);
  if (it == compiled_.end() || depth > 32) return Value::Error();
  return Run(it->second, row, depth);
}

Value TableFormulas::Run(const CompiledFormula& c, const RowAccess& row, int depth) const {
  EvalContext ctx = RowContext(row);
  ctx.field = [&](int i) {
    const Field* f = table_.FindField(c.field_ids[static_cast<size_t>(i)]);
    return f ? ValueOf(*f, row, depth + 1) : Value::Error();
  };
  return Evaluate(c, ctx);
}

std::string TableFormulas::ButtonJson(const Field& field, const RowAccess& row) const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("label");
  w.String(ValueOf(field, row).text);
  w.Key("url");
  std::string url;
  if (auto it = compiled_.find(field.id); it != compiled_.end()) {
    Value v = Run(it->second, row, 0);
    if (v.kind != Value::Kind::kError && v.kind != Value::Kind::kBlank) url = ToText(v);
  }
  if (url.empty())
    w.Null();
  else
    w.String(url);
  w.EndObject();
  return out;
}

namespace {
void WriteValue(const Value& v, JsonWriter& w) {
  switch (v.kind) {
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      if (std::isnan(v.number)) {
        w.Raw(R"({"specialValue":"NaN"})");
      } else if (std::isinf(v.number)) {
        w.Raw(R"({"specialValue":"Infinity"})");
      } else if (v.number == std::floor(v.number) && std::fabs(v.number) < 9e15) {
        w.Int(static_cast<int64_t>(v.number));
      } else {
        w.Double(v.number);
      }
      return;
    case Value::Kind::kText:
      w.String(v.text);
      return;
    case Value::Kind::kDate:
      w.String(FormatIsoMs(v.ms));
      return;
    case Value::Kind::kError:
      w.Raw(R"({"error":"#ERROR!"})");
      return;
    case Value::Kind::kArray:
      w.BeginArray();
      for (const Value& x : *v.items)
        if (!x.is_blank()) WriteValue(x, w);
      w.EndArray();
      return;
    case Value::Kind::kBlank:
      w.Null();
      return;
  }
}
}  // namespace

std::string CellJson(const Value& v) {
  if (v.is_blank() || (v.kind == Value::Kind::kText && v.text.empty()) ||
      (v.kind == Value::Kind::kArray && v.items->empty()))
    return "";
  std::string out;
  JsonWriter w(&out);
  WriteValue(v, w);
  return out;
}

}  // namespace airbase::formula
