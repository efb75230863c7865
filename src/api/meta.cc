// The metadata endpoints (airtable-api.md §2.6, §5): whoami, list bases, base schema, create base,
// create/update table, create/update field.
#include <algorithm>
#include <set>

#include "api/handlers.h"
#include "api/webhooks.h"
#include "auth/scopes.h"
#include "common/limits.h"
#include "common/text.h"
#include "formula/field_formula.h"

namespace airbase::api {

namespace {

Status Invalid(std::string msg = {}) {
  return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::tolower);
  return out;
}

json::object TableJson(const Table& t, bool visible_field_ids) {
  json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  if (!t.description.empty()) o["description"] = t.description;
  o["primaryFieldId"] = t.primary_field_id;
  json::array fields;
  for (const Field& f : t.fields) fields.push_back(f.ToJson());
  o["fields"] = std::move(fields);
  json::array views;
  for (const View& v : t.views) {
    json::object vo{{"id", v.id}, {"name", v.name}, {"type", v.type}};
    if (visible_field_ids && v.type == "grid") {
      json::array ids;
      for (const Field& f : t.fields)
        if (std::find(v.hidden_field_ids.begin(), v.hidden_field_ids.end(), f.id) ==
            v.hidden_field_ids.end())
          ids.emplace_back(f.id);
      vo["visibleFieldIds"] = std::move(ids);
    }
    views.push_back(std::move(vo));
  }
  o["views"] = std::move(views);
  return o;
}

// count / lookup options from a create body, checked against the table and the base:
// count {recordLinkFieldId}; lookup {recordLinkFieldId, fieldIdInLinkedTable} (with `result`, the
// looked-up field's type and options, as Airtable answers).
Result<json::object> LinkedOptions(const Field& f, const json::value* opts, const Table& t,
                                   const BaseSchema& schema) {
  auto bad = [](std::string m) { return Error(ErrorCode::kInvalidFieldTypeOptions, std::move(m)); };
  const json::object* o = opts && opts->is_object() ? &opts->as_object() : nullptr;
  auto text = [&](const char* key) {
    const json::value* v = o ? o->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const Field* link = t.FindField(text("recordLinkFieldId"));
  if (!link || link->type != FieldType::kMultipleRecordLinks || !IsId(link->id, "fld"))
    return bad("options.recordLinkFieldId must name a link field of this table");
  if (f.type == FieldType::kCount)
    return json::object{{"isValid", true}, {"recordLinkFieldId", link->id}};
  const json::value* linked_id = link->options.if_contains("linkedTableId");
  const Table* linked = linked_id && linked_id->is_string()
                            ? schema.FindTable(std::string(linked_id->as_string()))
                            : nullptr;
  const Field* target = linked ? linked->FindField(text("fieldIdInLinkedTable")) : nullptr;
  if (!target || !IsId(target->id, "fld"))
    return bad("options.fieldIdInLinkedTable must name a field of the linked table");
  if (f.type == FieldType::kRollup) {
    std::string formula = text("formula");
    if (formula.empty()) return bad("A rollup needs options.formula, e.g. SUM(values)");
    auto result = formula::RollupResult(formula);
    if (!result.ok()) return bad("Invalid rollup formula: " + result.status().message());
    return json::object{{"isValid", true},
                        {"recordLinkFieldId", link->id},
                        {"fieldIdInLinkedTable", target->id},
                        {"referencedFieldIds", json::array{json::value(target->id)}},
                        {"formula", formula},
                        {"result", std::move(*result)}};
  }
  json::object result{{"type", FieldTypeName(target->type)}};
  if (!target->options.empty()) result["options"] = target->options;
  return json::object{{"isValid", true},
                      {"recordLinkFieldId", link->id},
                      {"fieldIdInLinkedTable", target->id},
                      {"result", std::move(result)}};
}

// A link field's inverse in the linked table: named after the linking table (made unique),
// pointing back at it.
Field InverseOf(const Table& from, const Field& link, const Table& linked, IdGenerator& ids) {
  Field inv;
  inv.id = ids.Next("fld");
  inv.type = FieldType::kMultipleRecordLinks;
  inv.name = from.name;
  for (int n = 2; linked.FindField(inv.name) ||
                  [&] {
                    for (const Field& f : linked.fields)
                      if (Lower(f.name) == Lower(inv.name)) return true;
                    return false;
                  }();
       ++n)
    inv.name = from.name + " " + std::to_string(n);
  inv.options = json::object{{"linkedTableId", from.id},
                             {"isReversed", false},
                             {"prefersSingleRecordLink", false},
                             {"inverseLinkFieldId", link.id}};
  inv.Derive();
  return inv;
}

// The inverse of a new link field in its linked table (none when it links its own table), with
// the pair recorded in the link's options before either is stored: the store keys the pair's
// junction table by both ids. Returns the linked table's id and the inverse to create.
std::optional<std::pair<std::string, Field>> PlanInverse(Call& c, const Table& from, Field& link) {
  const json::value* linked_id = link.options.if_contains("linkedTableId");
  const Table* linked = c.schema->FindTable(std::string(linked_id->as_string()));
  if (!linked || linked->id == from.id) return std::nullopt;
  Field inv = InverseOf(from, link, *linked, *c.svc.ids);
  link.options["inverseLinkFieldId"] = inv.id;
  return std::make_pair(linked->id, std::move(inv));
}

Status CreateInverse(Call& c, const std::optional<std::pair<std::string, Field>>& planned) {
  if (!planned) return Status::Ok();
  return c.svc.store->CreateField(c.schema->base.id, planned->first, planned->second);
}

// A field or table definition as webhook payloads carry it, and what changed between two.
json::object FieldDefinition(const Field& f) {
  return json::object{{"name", f.name}, {"type", FieldTypeName(f.type)}};
}
SchemaChange Diff(SchemaChange change, const json::object& before, const json::object& after) {
  for (const auto& [k, v] : after)
    if (const json::value* old = before.if_contains(k); !old || *old != v) {
      change.current[k] = v;
      change.previous[k] = old ? *old : json::value(nullptr);
    }
  return change;
}
json::object FieldState(const Field& f) {
  return json::object{{"name", f.name},
                      {"type", FieldTypeName(f.type)},
                      {"description", f.description},
                      {"options", f.options}};
}

Result<std::string> OptionalText(const json::object& o, const char* key, size_t max_len) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Invalid(std::string(key) + " must be a string");
  if (v->as_string().size() > max_len)
    return Invalid(std::string(key) + " must be at most " + std::to_string(max_len) +
                   " characters");
  return std::string(v->as_string());
}

// A base, table or field name: surrounding whitespace trimmed, then non-empty, at most 255
// characters, and free of control characters.
Result<std::string> RequiredName(const json::object& o, ErrorCode code, const char* what) {
  const json::value* v = o.if_contains("name");
  if (!v || !v->is_string())
    return Error(code, std::string(what) + " name must be a non-empty string");
  std::string name = TrimSpace(v->as_string());
  if (name.empty()) return Error(code, std::string(what) + " name must be a non-empty string");
  if (name.size() > kMaxNameLength)
    return Error(code, std::string(what) + " name must be at most 255 characters");
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f)
      return Error(code, std::string(what) + " name must not contain control characters");
  return name;
}

// Formula options from a create/update body: {"formula": "..."} (names or {fldXXX} references).
Result<json::object> FormulaOptions(const json::value* options, const std::string& self_id,
                                    const std::vector<Field>& fields) {
  const json::value* text =
      options && options->is_object() ? options->as_object().if_contains("formula") : nullptr;
  if (!text || !text->is_string() || text->as_string().empty())
    return Error(ErrorCode::kInvalidFieldTypeOptions, "A formula field needs options.formula");
  return formula::FormulaFieldOptions(std::string_view(text->as_string()), self_id, fields);
}

// Button options: {"label", "urlFormula"?} (the URL a formula of the record; names or {fldXXX}
// references), read back with the formula's isValid and referencedFieldIds.
Result<json::object> ButtonOptions(const json::value* options, const std::string& self_id,
                                   const std::vector<Field>& fields) {
  const json::object* o = options && options->is_object() ? &options->as_object() : nullptr;
  const json::value* label = o ? o->if_contains("label") : nullptr;
  if (!label || !label->is_string() || label->as_string().empty() ||
      label->as_string().size() > kMaxNameLength)
    return Error(ErrorCode::kInvalidFieldTypeOptions, "A button field needs options.label");
  json::object out{{"label", *label}, {"isValid", true}, {"referencedFieldIds", json::array()}};
  const json::value* url = o->if_contains("urlFormula");
  if (url && !url->is_null()) {
    if (!url->is_string())
      return Error(ErrorCode::kInvalidFieldTypeOptions, "options.urlFormula must be a formula");
    if (!url->as_string().empty()) {
      ASSIGN_OR_RETURN(json::object f, formula::FormulaFieldOptions(
                                           std::string_view(url->as_string()), self_id, fields));
      out["urlFormula"] = f["formula"];
      out["isValid"] = f["isValid"];
      out["referencedFieldIds"] = f["referencedFieldIds"];
    }
  }
  return out;
}

// A new field from its create body; `siblings` are the fields already in the table.
Result<Field> FieldFromSpec(const json::value& spec, const std::vector<Field>& siblings,
                            IdGenerator& ids) {
  if (!spec.is_object()) return Invalid("Each field must be an object");
  const json::object& o = spec.as_object();
  Field f;
  ASSIGN_OR_RETURN(f.name, RequiredName(o, ErrorCode::kDuplicateOrEmptyFieldName, "Field"));
  for (const Field& s : siblings)
    if (Lower(s.name) == Lower(f.name))
      return Error(ErrorCode::kDuplicateOrEmptyFieldName,
                   "Field name \"" + f.name + "\" is already used in this table");
  const json::value* type = o.if_contains("type");
  if (!type || !type->is_string()) return Invalid("Field type is required");
  auto parsed = ParseFieldType(type->as_string());
  if (!parsed)
    return Error(
        ErrorCode::kUnsupportedFieldType,
        "Field type \"" + std::string(type->as_string()) + "\" is not supported by this server");
  f.type = *parsed;
  ASSIGN_OR_RETURN(f.description, OptionalText(o, "description", kMaxDescriptionLength));
  f.id = ids.Next("fld");
  if (f.type == FieldType::kFormula) {
    ASSIGN_OR_RETURN(f.options, FormulaOptions(o.if_contains("options"), f.id, siblings));
  } else if (f.type == FieldType::kButton) {
    ASSIGN_OR_RETURN(f.options, ButtonOptions(o.if_contains("options"), f.id, siblings));
  } else {
    ASSIGN_OR_RETURN(f.options, NormalizeOptions(f.type, o.if_contains("options"), siblings, ids));
  }
  f.Derive();
  return f;
}

Result<Table> TableFromSpec(const json::value& spec, const BaseSchema* existing,
                            const std::vector<Table>& siblings, IdGenerator& ids) {
  if (!spec.is_object()) return Invalid("Each table must be an object");
  const json::object& o = spec.as_object();
  Table t;
  ASSIGN_OR_RETURN(t.name, RequiredName(o, ErrorCode::kInvalidRequestUnknown, "Table"));
  auto taken = [&](const std::string& name) {
    for (const Table& s : siblings)
      if (Lower(s.name) == Lower(name)) return true;
    if (existing)
      for (const Table& s : existing->tables)
        if (Lower(s.name) == Lower(name)) return true;
    return false;
  };
  if (taken(t.name))
    return Error(ErrorCode::kDuplicateTableName, "Table name \"" + t.name + "\" is already used");
  ASSIGN_OR_RETURN(t.description, OptionalText(o, "description", kMaxDescriptionLength));
  const json::value* fields = o.if_contains("fields");
  if (!fields || !fields->is_array() || fields->as_array().empty())
    return Invalid("A table needs at least one field");
  if (fields->as_array().size() > static_cast<size_t>(kMaxFieldsPerTable))
    return Invalid("A table can have at most 500 fields");
  for (const auto& fs : fields->as_array()) {
    ASSIGN_OR_RETURN(Field f, FieldFromSpec(fs, t.fields, ids));
    if (f.type == FieldType::kCount || f.type == FieldType::kMultipleLookupValues ||
        f.type == FieldType::kRollup)
      return Error(ErrorCode::kInvalidFieldTypeOptions,
                   "Add count, lookup and rollup fields after the table and its link fields exist");
    if (f.type == FieldType::kMultipleRecordLinks) {
      // Links name tables that exist already (a new base's tables have no ids yet).
      const json::value* linked = f.options.if_contains("linkedTableId");
      if (!existing || !existing->FindTable(std::string(linked->as_string())))
        return Error(ErrorCode::kInvalidFieldTypeOptions,
                     "options.linkedTableId must name an existing table of this base");
    }
    t.fields.push_back(std::move(f));
  }
  if (!CanBePrimary(t.fields[0].type))
    return Invalid("Field type \"" + std::string(FieldTypeName(t.fields[0].type)) +
                   "\" cannot be a table's primary field");
  t.primary_field_id = t.fields[0].id;
  t.id = ids.Next("tbl");
  t.views.push_back(View::Grid(ids.Next("viw")));
  return t;
}

bool WantsVisibleFieldIds(const Query& q) {
  for (const auto& v : q.GetArray("include"))
    if (v == "visibleFieldIds") return true;
  return false;
}

}  // namespace

Result<std::string> WhoAmI(Call& c) {
  json::object o;
  o["id"] = c.principal.user_id();
  if (c.principal.HasScope(scope::kUserEmailRead)) {
    ASSIGN_OR_RETURN(auto user, c.svc.store->FindUser(c.principal.user_id()));
    if (user) o["email"] = user->email;
  }
  return json::serialize(o);
}

Result<std::string> ListBases(Call& c) {
  ASSIGN_OR_RETURN(auto all, c.svc.store->ListBases(c.principal.user_id()));
  std::vector<BaseAccess> visible;
  for (auto& b : all)
    if (c.principal.Reaches(b.base)) visible.push_back(std::move(b));
  ASSIGN_OR_RETURN(std::string key, c.svc.store->ServerKey());
  int64_t now = c.svc.clock->NowMs();
  int64_t start = 0;
  if (auto off = c.query.Get("offset")) {
    ASSIGN_OR_RETURN(OffsetState st, DecodeOffset(key, 0, *off, now));
    start = st.position;
  }
  json::array bases;
  int64_t end = std::min<int64_t>(visible.size(), start + kMaxBasesPerPage);
  for (int64_t i = start; i < end; ++i)
    bases.push_back(json::object{{"id", visible[i].base.id},
                                 {"name", visible[i].base.name},
                                 {"permissionLevel", PermissionLevel(visible[i].role)}});
  json::object o;
  o["bases"] = std::move(bases);
  if (end < static_cast<int64_t>(visible.size()))
    o["offset"] = EncodeOffset(key, 0, end, 0, now + kIteratorLifetimeMs, visible[end - 1].base.id);
  return json::serialize(o);
}

Result<std::string> CreateBase(Call& c) {
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  const json::value* ws = body.if_contains("workspaceId");
  if (!ws || !ws->is_string()) return Invalid("workspaceId is required");
  std::string ws_id(ws->as_string());
  ASSIGN_OR_RETURN(auto workspace, c.svc.store->FindWorkspace(ws_id));
  if (!workspace || !c.principal.ReachesWorkspace(ws_id))
    return Error(ErrorCode::kPermissionsOrNotFound);
  ASSIGN_OR_RETURN(Role role, c.svc.store->WorkspaceRole(c.principal.user_id(), ws_id));
  if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
  if (role < Role::kCreate) return Error(ErrorCode::kInvalidPermissions);
  BaseInfo base;
  ASSIGN_OR_RETURN(base.name, RequiredName(body, ErrorCode::kInvalidRequestUnknown, "Base"));
  base.workspace_id = ws_id;
  const json::value* tables = body.if_contains("tables");
  if (!tables || !tables->is_array() || tables->as_array().empty())
    return Invalid("A base needs at least one table");
  if (tables->as_array().size() > static_cast<size_t>(kMaxTablesPerBase))
    return Invalid("A base can have at most 1000 tables");
  std::vector<Table> made;
  for (const auto& ts : tables->as_array()) {
    ASSIGN_OR_RETURN(Table t, TableFromSpec(ts, nullptr, made, *c.svc.ids));
    made.push_back(std::move(t));
  }
  base.id = c.svc.ids->Next("app");
  RETURN_IF_ERROR(c.svc.store->CreateBase(base, made));
  json::array tj;
  for (const Table& t : made) tj.push_back(TableJson(t, false));
  return json::serialize(json::object{{"id", base.id}, {"tables", std::move(tj)}});
}

Result<std::string> GetBaseSchema(Call& c) {
  for (const auto& [k, v] : c.query.items()) {
    bool include = k == "include" || k.rfind("include[", 0) == 0;
    if (!include || v != "visibleFieldIds") return Invalid();
  }
  bool visible = WantsVisibleFieldIds(c.query);
  json::array tables;
  for (const Table& t : c.schema->tables) tables.push_back(TableJson(t, visible));
  return json::serialize(json::object{{"tables", std::move(tables)}});
}

Result<std::string> CreateTable(Call& c) {
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  if (c.schema->tables.size() >= static_cast<size_t>(kMaxTablesPerBase))
    return Invalid("A base can have at most 1000 tables");
  ASSIGN_OR_RETURN(Table t, TableFromSpec(body, c.schema.get(), {}, *c.svc.ids));
  std::vector<std::optional<std::pair<std::string, Field>>> inverses;
  for (Field& f : t.fields)
    if (f.type == FieldType::kMultipleRecordLinks) inverses.push_back(PlanInverse(c, t, f));
  RETURN_IF_ERROR(c.svc.store->CreateTable(c.schema->base.id, t));
  for (const auto& planned : inverses) RETURN_IF_ERROR(CreateInverse(c, planned));
  SchemaChange change{SchemaChange::What::kTable, "add", t.id};
  change.current = json::object{{"name", t.name}, {"description", t.description}};
  for (const Field& f : t.fields) change.fields_by_id[f.id] = FieldDefinition(f);
  RecordSchemaChange(c, change);
  return json::serialize(TableJson(t, false));
}

Result<std::string> UpdateTable(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* found, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  Table t = *found;
  bool any = false;
  if (body.contains("name")) {
    ASSIGN_OR_RETURN(t.name, RequiredName(body, ErrorCode::kInvalidRequestUnknown, "Table"));
    for (const Table& s : c.schema->tables)
      if (s.id != t.id && Lower(s.name) == Lower(t.name))
        return Error(ErrorCode::kDuplicateTableName,
                     "Table name \"" + t.name + "\" is already used");
    any = true;
  }
  if (body.contains("description")) {
    ASSIGN_OR_RETURN(t.description, OptionalText(body, "description", kMaxDescriptionLength));
    any = true;
  }
  if (!any) return Invalid("Provide at least one of name and description");
  RETURN_IF_ERROR(c.svc.store->UpdateTable(c.schema->base.id, t));
  SchemaChange change =
      Diff({SchemaChange::What::kTable, "update", t.id},
           json::object{{"name", found->name}, {"description", found->description}},
           json::object{{"name", t.name}, {"description", t.description}});
  if (!change.current.empty()) RecordSchemaChange(c, change);
  return json::serialize(TableJson(t, false));
}

Result<std::string> CreateField(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  if (t->fields.size() >= static_cast<size_t>(kMaxFieldsPerTable))
    return Invalid("A table can have at most 500 fields");
  ASSIGN_OR_RETURN(Field f, FieldFromSpec(body, t->fields, *c.svc.ids));
  if (f.type == FieldType::kCount || f.type == FieldType::kMultipleLookupValues ||
      f.type == FieldType::kRollup) {
    ASSIGN_OR_RETURN(f.options, LinkedOptions(f, body.if_contains("options"), *t, *c.schema));
    f.Derive();
  }
  std::optional<std::pair<std::string, Field>> inverse;
  if (f.type == FieldType::kMultipleRecordLinks) {
    const json::value* linked = f.options.if_contains("linkedTableId");
    if (!c.schema->FindTable(std::string(linked->as_string())))
      return Error(ErrorCode::kInvalidFieldTypeOptions,
                   "options.linkedTableId must name a table of this base");
    f.options.erase("inverseLinkFieldId");  // the server makes the inverse
    inverse = PlanInverse(c, *t, f);
  }
  RETURN_IF_ERROR(c.svc.store->CreateField(c.schema->base.id, t->id, f));
  RETURN_IF_ERROR(CreateInverse(c, inverse));
  SchemaChange change{SchemaChange::What::kField, "add", t->id, f.id};
  change.current = FieldDefinition(f);
  RecordSchemaChange(c, change);
  return json::serialize(f.ToJson());
}

Result<std::string> UpdateField(Call& c, const std::string& table_key,
                                const std::string& field_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  const Field* found = t->FindField(field_key);
  if (!found) return Error(ErrorCode::kPermissionsOrNotFound);
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  Field f = *found;
  bool any = false;
  if (body.contains("name")) {
    ASSIGN_OR_RETURN(f.name, RequiredName(body, ErrorCode::kDuplicateOrEmptyFieldName, "Field"));
    for (const Field& s : t->fields)
      if (s.id != f.id && Lower(s.name) == Lower(f.name))
        return Error(ErrorCode::kDuplicateOrEmptyFieldName,
                     "Field name \"" + f.name + "\" is already used in this table");
    any = true;
  }
  if (body.contains("description")) {
    ASSIGN_OR_RETURN(f.description, OptionalText(body, "description", kMaxDescriptionLength));
    any = true;
  }
  if (const json::value* opts = body.if_contains("options")) {
    if (f.type == FieldType::kMultipleRecordLinks || f.type == FieldType::kCount ||
        f.type == FieldType::kMultipleLookupValues || f.type == FieldType::kRollup)
      return Error(
          ErrorCode::kInvalidFieldTypeOptions,
          "The options of link, count and lookup fields cannot change; create a new field");
    if (f.type == FieldType::kFormula) {
      ASSIGN_OR_RETURN(f.options, FormulaOptions(opts, f.id, t->fields));
    } else if (f.type == FieldType::kButton) {
      ASSIGN_OR_RETURN(f.options, ButtonOptions(opts, f.id, t->fields));
    } else {
      std::vector<Field> others;
      for (const Field& s : t->fields)
        if (s.id != f.id) others.push_back(s);
      ASSIGN_OR_RETURN(f.options, NormalizeOptions(f.type, opts, others, *c.svc.ids));
    }
    f.Derive();
    any = true;
  }
  if (!any) return Invalid("Provide at least one of name, description and options");
  RETURN_IF_ERROR(c.svc.store->UpdateField(c.schema->base.id, t->id, f));
  SchemaChange change =
      Diff({SchemaChange::What::kField, "update", t->id, f.id}, FieldState(*found), FieldState(f));
  if (!change.current.empty()) RecordSchemaChange(c, change);
  return json::serialize(f.ToJson());
}

}  // namespace airbase::api
