// The select types: singleSelect (a choice id) and multipleSelects (comma-joined choice ids, in
// cell order). Cells are written by choice name; with typecast an unknown name adds a choice. A
// deleted choice reads as an empty cell.
#include <set>

#include "common/text.h"
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

const std::set<std::string_view> kChoiceColors = [] {
  std::set<std::string_view> s;
  static std::vector<std::string> storage;
  for (const char* hue :
       {"blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray"})
    for (const char* shade : {"Light2", "Light1", "Bright", "Dark1"})
      storage.push_back(std::string(hue) + shade);
  for (const auto& c : storage) s.insert(c);
  return s;
}();

Result<json::object> Choice(const json::value& c, IdGenerator& ids, std::set<std::string>& seen_ids,
                            std::set<std::string>& seen_names) {
  const json::object* co = AsObject(&c);
  if (!co) return OptionsError("Each choice must be an object");
  const json::value* name = co->if_contains("name");
  if (!name || !name->is_string() || TrimSpace(name->as_string()).empty())
    return OptionsError("Each choice needs a non-empty name");
  json::object choice;
  const json::value* id = co->if_contains("id");
  std::string cid;
  if (id && id->is_string()) {
    cid = id->as_string();
    if (!IsId(cid, "sel")) return OptionsError("Invalid choice id");
  } else {
    cid = ids.Next("sel");
  }
  if (!seen_ids.insert(cid).second) return OptionsError("Duplicate choice id");
  if (!seen_names.insert(std::string(name->as_string())).second)
    return OptionsError("Choice names must be unique (\"" + std::string(name->as_string()) +
                        "\" appears more than once)");
  choice["id"] = cid;
  choice["name"] = name->as_string();
  if (const json::value* color = co->if_contains("color"); color && !color->is_null()) {
    if (!color->is_string() || !kChoiceColors.count(std::string_view(color->as_string())))
      return OptionsError("Invalid choice color");
    choice["color"] = color->as_string();
  }
  return choice;
}

Result<json::object> SelectOptions(const json::object* o, const std::vector<Field>&,
                                   IdGenerator& ids) {
  json::array choices;
  const json::value* cs = o ? o->if_contains("choices") : nullptr;
  if (cs && !cs->is_null()) {
    if (!cs->is_array()) return OptionsError("choices must be an array");
    std::set<std::string> seen_ids, seen_names;
    for (const auto& c : cs->as_array()) {
      ASSIGN_OR_RETURN(json::object choice, Choice(c, ids, seen_ids, seen_names));
      choices.push_back(std::move(choice));
    }
  }
  return json::object{{"choices", std::move(choices)}};
}

Result<std::string> SelectChoiceId(Field& field, std::string_view name, bool typecast,
                                   IdGenerator& ids, bool* schema_changed) {
  if (const airbase::Choice* c = field.ChoiceByName(name)) return c->id;
  if (!typecast || name.empty())
    return Error(
        ErrorCode::kInvalidMultipleChoiceOptions,
        "Insufficient permissions to create new select option \"\"" + std::string(name) + "\"\"");
  airbase::Choice c{ids.Next("sel"), std::string(name), ""};
  json::array& arr = field.options["choices"].is_array() ? field.options["choices"].as_array()
                                                         : field.options["choices"].emplace_array();
  arr.push_back(json::object{{"id", c.id}, {"name", c.name}});
  field.choices.push_back(c);
  *schema_changed = true;
  return c.id;
}

Result<SqlValue> EncodeSingle(Field& f, const json::value& v, bool typecast, IdGenerator& ids,
                              bool* schema_changed) {
  std::string name;
  if (v.is_string())
    name = v.as_string();
  else if (typecast && NumberOf(v))
    name = NumberToText(*NumberOf(v));
  else
    return ValueError(f);
  if (name.empty()) return SqlValue{};
  ASSIGN_OR_RETURN(std::string id, SelectChoiceId(f, name, typecast, ids, schema_changed));
  return SqlValue{std::move(id)};
}

// The names a client gave: an array, or with typecast comma-separated text.
Result<std::vector<std::string>> NamesIn(const Field& f, const json::value& v, bool typecast) {
  std::vector<std::string> names;
  if (v.is_array()) {
    for (const auto& e : v.as_array()) {
      if (e.is_string())
        names.emplace_back(e.as_string());
      else if (typecast && NumberOf(e))
        names.push_back(NumberToText(*NumberOf(e)));
      else
        return ValueError(f);
    }
  } else if (typecast && v.is_string()) {
    for (const std::string& part : SplitOn(v.as_string(), ','))
      if (std::string name = TrimSpace(part); !name.empty()) names.push_back(name);
  } else {
    return ValueError(f);
  }
  return names;
}

Result<SqlValue> EncodeMultiple(Field& f, const json::value& v, bool typecast, IdGenerator& ids,
                                bool* schema_changed) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, NamesIn(f, v, typecast));
  // Stored as comma-joined choice ids ("selA,selB"): ids are alphanumeric.
  std::string joined;
  std::set<std::string> seen;
  for (const auto& n : names) {
    ASSIGN_OR_RETURN(std::string id, SelectChoiceId(f, n, typecast, ids, schema_changed));
    if (!seen.insert(id).second) continue;
    if (!joined.empty()) joined.push_back(',');
    joined += id;
  }
  if (joined.empty()) return SqlValue{};
  return SqlValue{std::move(joined)};
}

void WriteSingle(const Field& f, const SqlValue& v, JsonWriter& out) {
  out.String(f.ChoiceById(TextOf(v))->name);
}

// Calls `each` with the name of every choice the cell holds that still exists.
template <typename F>
void ForEachChoice(const Field& f, const SqlValue& v, F&& each) {
  for (const std::string& id : SplitOn(TextOf(v), ','))
    if (const airbase::Choice* c = f.ChoiceById(id)) each(c->name);
}

void WriteMultiple(const Field& f, const SqlValue& v, JsonWriter& out) {
  out.BeginArray();
  ForEachChoice(f, v, [&](const std::string& name) { out.String(name); });
  out.EndArray();
}

std::string SingleText(const Field& f, const SqlValue& v) { return f.ChoiceById(TextOf(v))->name; }
std::string MultipleText(const Field& f, const SqlValue& v) {
  std::string out;
  ForEachChoice(f, v, [&](const std::string& name) { out += (out.empty() ? "" : ", ") + name; });
  return out;
}

}  // namespace

const FieldTypeTraits kSingleSelect = {
    FieldType::kSingleSelect, "singleSelect", false,        false,       false,     SqlType::kText,
    CellKind::kSelect,        SelectOptions,  EncodeSingle, WriteSingle, SingleText};
const FieldTypeTraits kMultipleSelects = {FieldType::kMultipleSelects,
                                          "multipleSelects",
                                          false,
                                          false,
                                          false,
                                          SqlType::kText,
                                          CellKind::kMultiSelect,
                                          SelectOptions,
                                          EncodeMultiple,
                                          WriteMultiple,
                                          MultipleText};

}  // namespace airbase::types
