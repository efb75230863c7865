// The data model (model.h): role names, lookups of fields, views and choices by id or name,
// options derived for the hot paths, and view configs as stored JSON.
#include "schema/model.h"

#include <cctype>

#include "common/ids.h"

namespace airbase {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kOwner:
      return "owner";
    case Role::kCreate:
      return "creator";
    case Role::kEdit:
      return "editor";
    case Role::kComment:
      return "commenter";
    case Role::kRead:
      return "read";
    case Role::kNone:
      return "none";
  }
  return "none";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "owner") return Role::kOwner;
  if (s == "creator" || s == "create") return Role::kCreate;
  if (s == "editor" || s == "edit") return Role::kEdit;
  if (s == "commenter" || s == "comment") return Role::kComment;
  if (s == "read" || s == "read-only" || s == "readonly") return Role::kRead;
  return std::nullopt;
}

std::string_view PermissionLevel(Role r) {
  switch (r) {
    case Role::kOwner:
    case Role::kCreate:
      return "create";
    case Role::kEdit:
      return "edit";
    case Role::kComment:
      return "comment";
    case Role::kRead:
      return "read";
    case Role::kNone:
      return "none";
  }
  return "none";
}

const Choice* Field::ChoiceById(std::string_view cid) const {
  for (const Choice& c : choices)
    if (c.id == cid) return &c;
  return nullptr;
}

const Choice* Field::ChoiceByName(std::string_view cname) const {
  for (const Choice& c : choices)
    if (c.name == cname) return &c;
  return nullptr;
}

void Field::Derive() {
  choices.clear();
  referenced_field_ids.clear();
  if (auto* p = options.if_contains("precision"); p && p->is_int64()) precision = p->as_int64();
  if (auto* m = options.if_contains("max"); m && m->is_int64()) max = m->as_int64();
  if (auto* cs = options.if_contains("choices"); cs && cs->is_array()) {
    for (const auto& c : cs->as_array()) {
      const auto& o = c.as_object();
      Choice ch;
      ch.id = o.at("id").as_string().c_str();
      ch.name = o.at("name").as_string().c_str();
      if (auto* col = o.if_contains("color"); col && col->is_string()) ch.color = col->as_string();
      choices.push_back(std::move(ch));
    }
  }
  if (auto* r = options.if_contains("referencedFieldIds"); r && r->is_array())
    for (const auto& id : r->as_array()) referenced_field_ids.emplace_back(id.as_string());
}

const Field* Table::FindField(std::string_view key) const {
  for (const Field& f : fields)
    if (f.id == key) return &f;
  for (const Field& f : fields)
    if (f.name == key) return &f;
  return nullptr;
}

const View* Table::FindView(std::string_view key) const {
  for (const View& v : views)
    if (v.id == key) return &v;
  for (const View& v : views)
    if (v.name == key) return &v;
  return nullptr;
}

boost::json::object Field::ToJson() const {
  boost::json::object o{{"id", id}, {"name", name}, {"type", FieldTypeName(type)}};
  if (!description.empty()) o["description"] = description;
  if (!options.empty()) o["options"] = options;
  return o;
}

boost::json::object View::ToJson() const {
  boost::json::object o{{"id", id}, {"name", name}, {"type", type}};
  for (auto& [k, v] : ConfigJson()) o[k] = v;
  return o;
}

boost::json::object View::ConfigJson() const {
  namespace json = boost::json;
  json::array s;
  for (const ViewSort& k : sorts)
    s.push_back(json::object{{"fieldId", k.field_id}, {"direction", k.desc ? "desc" : "asc"}});
  json::array c;
  for (const ViewCondition& k : conditions)
    c.push_back(json::object{{"fieldId", k.field_id}, {"operator", k.op}, {"value", k.value}});
  json::array h;
  for (const std::string& id : hidden_field_ids) h.emplace_back(id);
  json::object out{
      {"sorts", std::move(s)},
      {"filters", json::object{{"conjunction", conjunction}, {"conditions", std::move(c)}}},
      {"hiddenFieldIds", std::move(h)}};
  for (const auto& [k, v] : layout) out[k] = v;
  return out;
}

const char* const View::kLayoutKeys[] = {"groupBy",      "stackFieldId", "dateFieldId",
                                         "coverFieldId", "fieldOrder",   "columnWidths",
                                         "rowHeight",    "summary",      "form"};

void View::ApplyConfig(const boost::json::object& config) {
  namespace json = boost::json;
  auto text = [](const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  sorts.clear();
  conditions.clear();
  hidden_field_ids.clear();
  conjunction = "and";
  if (const json::value* s = config.if_contains("sorts"); s && s->is_array())
    for (const json::value& k : s->as_array())
      if (k.is_object())
        sorts.push_back(
            ViewSort{text(k.as_object(), "fieldId"), text(k.as_object(), "direction") == "desc"});
  if (const json::value* f = config.if_contains("filters"); f && f->is_object()) {
    if (text(f->as_object(), "conjunction") == "or") conjunction = "or";
    if (const json::value* cs = f->as_object().if_contains("conditions"); cs && cs->is_array())
      for (const json::value& k : cs->as_array()) {
        if (!k.is_object()) continue;
        const json::value* value = k.as_object().if_contains("value");
        conditions.push_back(ViewCondition{text(k.as_object(), "fieldId"),
                                           text(k.as_object(), "operator"),
                                           value ? *value : json::value(nullptr)});
      }
  }
  if (const json::value* h = config.if_contains("hiddenFieldIds"); h && h->is_array())
    for (const json::value& id : h->as_array())
      if (id.is_string()) hidden_field_ids.emplace_back(id.as_string());
  layout.clear();
  for (const char* key : kLayoutKeys)
    if (const json::value* v = config.if_contains(key); v && !v->is_null()) layout[key] = *v;
}

const Table* BaseSchema::FindTable(std::string_view key) const {
  if (IsId(key, "tbl")) {
    for (const Table& t : tables)
      if (t.id == key) return &t;
    return nullptr;
  }
  for (const Table& t : tables)
    if (t.name == key) return &t;
  // Then case-insensitively, as Airtable resolves table names (names are unique that way).
  auto same = [&](const std::string& name) {
    if (name.size() != key.size()) return false;
    for (size_t i = 0; i < name.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(name[i])) !=
          std::tolower(static_cast<unsigned char>(key[i])))
        return false;
    return true;
  };
  for (const Table& t : tables)
    if (same(t.name)) return &t;
  return nullptr;
}

}  // namespace airbase
