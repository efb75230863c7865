// A view's saved filter conditions (the web app's filter bar) become one formula, so a view's
// filter runs through the same pushdown and evaluator as filterByFormula. The operators offered
// follow the field's CellKind.
#include "formula/view_filter.h"

#include <cmath>
#include <cstdio>

namespace airbase::formula {

namespace {

namespace json = boost::json;

enum class Kind {
  kText,
  kNumber,
  kDate,
  kCheckbox,
  kSelect,
  kMultiSelect,
  kFormula,
  kLink,
  kPerson
};

// The filters a view offers follow the field's kind of value; a count is a number, the other
// computed types compare as their formula's text or number.
Kind FilterKind(FieldType t) {
  switch (airbase::KindOf(t)) {
    case CellKind::kNumber:
      return Kind::kNumber;
    case CellKind::kDay:
    case CellKind::kInstant:
      return Kind::kDate;
    case CellKind::kCheckbox:
      return Kind::kCheckbox;
    case CellKind::kSelect:
      return Kind::kSelect;
    case CellKind::kMultiSelect:
    case CellKind::kPeople:  // by name: hasAnyOf / hasAllOf
      return Kind::kMultiSelect;
    case CellKind::kPerson:  // by name: =, isAnyOf, contains
      return Kind::kPerson;
    case CellKind::kLookup:
    case CellKind::kAny:
      return Kind::kFormula;
    case CellKind::kLinks:
      return Kind::kLink;
    case CellKind::kText:
    case CellKind::kAttachments:  // "filename (url), ...": contains finds a file name
    case CellKind::kBarcode:      // its text
      break;
  }
  return Kind::kText;
}

std::string Literal(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::string NumberLiteral(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::optional<double> NumberOf(const json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (v.is_string()) {
    std::string s(v.as_string());
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

// A YYYY-MM-DD day as the number YYYYMMDD.
std::optional<long> DayOf(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.as_string();
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  long n = 0;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    n = n * 10 + (s[i] - '0');
  }
  return n;
}

bool IsBlankValue(const json::value& v) {
  return v.is_null() || (v.is_string() && v.as_string().empty()) ||
         (v.is_array() && v.as_array().empty());
}

bool NoValueOp(std::string_view op) { return op == "isEmpty" || op == "isNotEmpty"; }

std::vector<std::string> TextsOf(const json::value& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.emplace_back(v.as_string());
  if (v.is_array())
    for (const json::value& e : v.as_array())
      if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

// contains / doesNotContain: `text` found in the cell's text, any case.
std::string Contains(const std::string& ref, std::string_view text, std::string_view op) {
  std::string find = "FIND(LOWER(" + Literal(text) + "),LOWER(" + ref + "&\"\"))>0";
  return op == "contains" ? find : "NOT(" + find + ")";
}

// One active condition as a formula; empty when it is inactive.
std::string ConditionFormula(const Field& f, const ViewCondition& c) {
  const std::string ref = "{" + f.id + "}";
  const std::string& op = c.op;
  if (op == "isEmpty")
    return f.type == FieldType::kCheckbox ? "NOT(" + ref + ")" : ref + "&\"\"=\"\"";
  if (op == "isNotEmpty") return f.type == FieldType::kCheckbox ? ref : ref + "&\"\"!=\"\"";
  if (IsBlankValue(c.value)) return {};
  switch (FilterKind(f.type)) {
    case Kind::kLink:
      return {};  // only isEmpty / isNotEmpty, handled above
    case Kind::kCheckbox:
      return c.value.is_bool() && c.value.as_bool() ? ref : "NOT(" + ref + ")";
    case Kind::kNumber: {
      auto n = NumberOf(c.value);
      if (!n) return {};
      // Empty cells match no comparison (a formula's blank would compare as 0).
      return "AND(" + ref + "&\"\"!=\"\"," + ref + op + NumberLiteral(*n) + ")";
    }
    case Kind::kDate: {
      auto day = DayOf(c.value);
      if (!day) return {};
      std::string zoned = ref;
      if (const json::value* tz = f.options.if_contains("timeZone");
          tz && tz->is_string() && tz->as_string() != "utc" && tz->as_string() != "client")
        zoned = "SET_TIMEZONE(" + ref + "," + Literal(tz->as_string()) + ")";
      return "AND(" + ref + ",VALUE(DATETIME_FORMAT(" + zoned + ",'YYYYMMDD'))" + op +
             std::to_string(*day) + ")";
    }
    case Kind::kPerson:
      if (op == "contains" || op == "doesNotContain")
        return c.value.is_string() ? Contains(ref, c.value.as_string(), op) : std::string();
      [[fallthrough]];
    case Kind::kSelect: {
      std::vector<std::string> names = TextsOf(c.value);
      if (op == "=" || op == "!=") return names.empty() ? "" : ref + op + Literal(names[0]);
      std::string any;
      for (const std::string& n : names) any += (any.empty() ? "" : ",") + ref + "=" + Literal(n);
      return op == "isNoneOf" ? "NOT(OR(" + any + "))" : "OR(" + any + ")";
    }
    case Kind::kMultiSelect: {
      // Choice names may hold commas: join with a unit separator that names cannot hold.
      std::string joined = "\"\x1f\"&ARRAYJOIN(" + ref + ",\"\x1f\")&\"\x1f\"";
      std::string parts;
      for (const std::string& n : TextsOf(c.value))
        parts += (parts.empty() ? "" : ",") + std::string("FIND(") + Literal("\x1f" + n + "\x1f") +
                 "," + joined + ")>0";
      return (op == "hasAllOf" ? "AND(" : "OR(") + parts + ")";
    }
    case Kind::kText:
    case Kind::kFormula: {
      std::string text = c.value.is_string()   ? std::string(c.value.as_string())
                         : c.value.is_number() ? NumberLiteral(c.value.to_number<double>())
                                               : std::string();
      if (op == "contains" || op == "doesNotContain") return Contains(ref, text, op);
      if (FilterKind(f.type) == Kind::kFormula && c.value.is_number())
        return ref + op + NumberLiteral(c.value.to_number<double>());
      return ref + (op == "=" || op == "!=" ? op : std::string("=")) + Literal(text);
    }
  }
  return {};
}

}  // namespace

std::vector<std::string_view> ViewOperators(FieldType type) {
  switch (FilterKind(type)) {
    case Kind::kText:
      return {"contains", "doesNotContain", "=", "!=", "isEmpty", "isNotEmpty"};
    case Kind::kNumber:
    case Kind::kDate:
      return {"=", "!=", "<", ">", "<=", ">=", "isEmpty", "isNotEmpty"};
    case Kind::kCheckbox:
      return {"="};
    case Kind::kSelect:
      return {"=", "!=", "isAnyOf", "isNoneOf", "isEmpty", "isNotEmpty"};
    case Kind::kPerson:
      return {"=",       "!=",        "isAnyOf", "isNoneOf", "contains", "doesNotContain",
              "isEmpty", "isNotEmpty"};
    case Kind::kMultiSelect:
      return {"hasAnyOf", "hasAllOf", "isEmpty", "isNotEmpty"};
    case Kind::kFormula:
      return {"contains", "doesNotContain", "=", "!=", "isEmpty", "isNotEmpty"};
    case Kind::kLink:
      return {"isEmpty", "isNotEmpty"};
  }
  return {};
}

Status CheckCondition(const Table& table, const ViewCondition& c) {
  auto invalid = [](std::string m) {
    return Error(ErrorCode::kInvalidRequestUnknown, std::move(m));
  };
  const Field* f = table.FindField(c.field_id);
  if (!f) return invalid("Unknown field \"" + c.field_id + "\" in a view filter");
  bool known = false;
  for (std::string_view op : ViewOperators(f->type)) known = known || op == c.op;
  if (!known)
    return invalid("Operator \"" + c.op + "\" does not apply to field \"" + f->name + "\" (" +
                   std::string(FieldTypeName(f->type)) + ")");
  if (NoValueOp(c.op) || IsBlankValue(c.value)) return Status::Ok();
  bool ok = true;
  switch (FilterKind(f->type)) {
    case Kind::kCheckbox:
      ok = c.value.is_bool();
      break;
    case Kind::kNumber:
      ok = NumberOf(c.value).has_value();
      break;
    case Kind::kDate:
      ok = DayOf(c.value).has_value();
      break;
    case Kind::kSelect:
    case Kind::kMultiSelect:
    case Kind::kPerson:
      ok = !TextsOf(c.value).empty();
      break;
    default:
      ok = c.value.is_string() || c.value.is_number();
  }
  if (!ok) return invalid("Invalid value for the filter on field \"" + f->name + "\"");
  return Status::Ok();
}

std::string ViewFilterFormula(const Table& table, const View& view) {
  std::vector<std::string> parts;
  for (const ViewCondition& c : view.conditions) {
    const Field* f = table.FindField(c.field_id);
    if (!f || !CheckCondition(table, c).ok()) continue;
    std::string one = ConditionFormula(*f, c);
    if (!one.empty()) parts.push_back(std::move(one));
  }
  if (parts.empty()) return {};
  if (parts.size() == 1) return parts[0];
  std::string out = view.conjunction == "or" ? "OR(" : "AND(";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out + ")";
}

}  // namespace airbase::formula
