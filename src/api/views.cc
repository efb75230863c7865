// Views for the web app (session calls only; Airtable's Web API has no view endpoints): create,
// rename, save sorts, filter conditions and hidden fields, delete. The public API applies what is
// saved when a request names the view (records.cc PrepareList).
#include <algorithm>

#include "api/handlers.h"
#include "common/crypto.h"
#include "common/limits.h"
#include "formula/cells.h"
#include "formula/view_filter.h"

namespace airbase::api {

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

bool SameName(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

Result<std::string> ViewName(const json::object& body, const Table& t, const std::string& self) {
  const json::value* v = body.if_contains("name");
  if (!v || !v->is_string() || v->as_string().empty()) return Invalid("A view needs a name");
  std::string name(v->as_string());
  if (name.size() > kMaxNameLength) return Invalid("The view name is too long");
  for (const View& o : t.views)
    if (o.id != self && SameName(o.name, name))
      return Invalid("A view named \"" + name + "\" already exists in this table");
  return name;
}

// The view types the web app draws (Airtable's names); each lists records the same way.
constexpr std::string_view kViewTypes[] = {"grid", "kanban", "gallery", "calendar", "form"};

// A form's settings: the fields it asks for (in order; none computed), which are required, its
// texts, and whether anyone with its link may fill it in (then it gets a secret for that link).
// The secret is the server's: kept from `old_secret` while the form stays public, never taken
// from the request.
Status CheckForm(json::object& layout, const Table& t, const std::string& old_secret) {
  json::value* v = layout.if_contains("form");
  if (!v) return Status::Ok();
  if (!v->is_object()) return Invalid("form must be an object");
  json::object& form = v->as_object();
  for (const char* key : {"title", "description", "submitLabel", "successMessage"})
    if (const json::value* s = form.if_contains(key);
        s && (!s->is_string() || s->as_string().size() > kMaxDescriptionLength))
      return Invalid(std::string("form.") + key + " must be a string");
  for (const char* key : {"fieldIds", "requiredFieldIds"}) {
    const json::value* ids = form.if_contains(key);
    if (!ids) continue;
    if (!ids->is_array()) return Invalid(std::string("form.") + key + " must list field ids");
    for (const json::value& id : ids->as_array()) {
      const Field* f = id.is_string() ? t.FindField(std::string(id.as_string())) : nullptr;
      if (!f || IsComputed(f->type))
        return Invalid(std::string("form.") + key + " must list fields a record can be given");
    }
  }
  const json::value* pub = form.if_contains("public");
  if (pub && !pub->is_bool()) return Invalid("form.public is true or false");
  form.erase("secret");
  if (pub && pub->as_bool()) form["secret"] = old_secret.empty() ? RandomHex(16) : old_secret;
  // (a link turned off loses its secret: turned on again, it is a new link)
  return Status::Ok();
}

// The layout members of a view, checked against the table: each names a field of the kind it
// needs (a kanban stacks by a single select or a single collaborator, a calendar places by a
// date, a gallery's cover is an attachment field).
Status CheckLayout(const json::object& layout, const Table& t) {
  auto field = [&](const char* key, auto fits, const char* kind) -> Status {
    const json::value* v = layout.if_contains(key);
    if (!v) return Status::Ok();
    const Field* f = v->is_string() ? t.FindField(std::string(v->as_string())) : nullptr;
    if (!f) return Invalid(std::string(key) + " must name a field of this table");
    if (!fits(*f)) return Invalid(std::string(key) + " must name " + kind);
    return Status::Ok();
  };
  RETURN_IF_ERROR(field(
      "stackFieldId",
      [](const Field& f) {
        return f.type == FieldType::kSingleSelect || f.type == FieldType::kSingleCollaborator;
      },
      "a single select or a user field"));
  RETURN_IF_ERROR(field(
      "dateFieldId",
      [](const Field& f) {
        const CellKind k = KindOf(f.type);
        return k == CellKind::kDay || k == CellKind::kInstant;
      },
      "a date field"));
  RETURN_IF_ERROR(field(
      "coverFieldId", [](const Field& f) { return f.type == FieldType::kMultipleAttachments; },
      "an attachment field"));
  if (const json::value* g = layout.if_contains("groupBy")) {
    if (!g->is_array() || g->as_array().size() > 3)
      return Invalid("groupBy takes at most 3 fields");
    for (const json::value& e : g->as_array()) {
      const json::object* o = e.if_object();
      const json::value* id = o ? o->if_contains("fieldId") : nullptr;
      const json::value* dir = o ? o->if_contains("direction") : nullptr;
      if (!id || !id->is_string() || !t.FindField(std::string(id->as_string())))
        return Invalid("groupBy must name fields of this table");
      if (dir && !(dir->is_string() && (dir->as_string() == "asc" || dir->as_string() == "desc")))
        return Invalid("a group's direction is asc or desc");
    }
  }
  if (const json::value* order = layout.if_contains("fieldOrder")) {
    if (!order->is_array() || order->as_array().size() > static_cast<size_t>(kMaxFieldsPerTable))
      return Invalid("fieldOrder must list field ids");
    for (const json::value& id : order->as_array())
      if (!id.is_string() || !t.FindField(std::string(id.as_string())))
        return Invalid("fieldOrder must list field ids of this table");
  }
  if (const json::value* widths = layout.if_contains("columnWidths")) {
    if (!widths->is_object() ||
        widths->as_object().size() > static_cast<size_t>(kMaxFieldsPerTable))
      return Invalid("columnWidths must map field ids to widths");
    for (const auto& [id, w] : widths->as_object())
      if (!t.FindField(std::string(id)) || !w.is_number() || w.to_number<double>() < 40 ||
          w.to_number<double>() > 1000)
        return Invalid("columnWidths must map field ids of this table to 40-1000 pixels");
  }
  if (const json::value* sum = layout.if_contains("summary")) {
    constexpr std::string_view kKinds[] = {"filled", "empty", "sum", "average", "min", "max"};
    if (!sum->is_object()) return Invalid("summary must map field ids to what is summed");
    for (const auto& [id, kind] : sum->as_object()) {
      const bool known =
          kind.is_string() && std::find(std::begin(kKinds), std::end(kKinds),
                                        std::string_view(kind.as_string())) != std::end(kKinds);
      if (!t.FindField(std::string(id)) || !known)
        return Invalid("summary maps field ids to filled, empty, sum, average, min or max");
    }
  }
  if (const json::value* h = layout.if_contains("rowHeight")) {
    const bool ok = h->is_string() && (h->as_string() == "short" || h->as_string() == "medium" ||
                                       h->as_string() == "tall" || h->as_string() == "extraTall");
    if (!ok) return Invalid("rowHeight is short, medium, tall or extraTall");
  }
  return Status::Ok();
}

// Reads sorts, filters, hiddenFieldIds and the layout from `body` into `view`, checked against
// the table.
Status ApplyChanges(const json::object& body, const Table& t, View* view) {
  View next = *view;
  next.ApplyConfig(body);  // parses the members present; keep the others as they were
  if (!body.contains("sorts")) next.sorts = view->sorts;
  if (!body.contains("filters")) {
    next.conditions = view->conditions;
    next.conjunction = view->conjunction;
  } else if (const json::value* f = body.if_contains("filters"); !f->is_null() && !f->is_object()) {
    return Invalid("filters must be an object {conjunction, conditions}");
  }
  if (!body.contains("hiddenFieldIds")) next.hidden_field_ids = view->hidden_field_ids;
  for (const char* key : View::kLayoutKeys)  // absent: kept; null: removed
    if (!body.contains(key))
      if (const json::value* old = view->layout.if_contains(key)) next.layout[key] = *old;
  RETURN_IF_ERROR(CheckLayout(next.layout, t));
  std::string old_secret;
  if (const json::value* f = view->layout.if_contains("form"); f && f->is_object())
    if (const json::value* s = f->as_object().if_contains("secret"); s && s->is_string())
      old_secret = std::string(s->as_string());
  RETURN_IF_ERROR(CheckForm(next.layout, t, old_secret));
  for (const ViewSort& k : next.sorts)
    if (!t.FindField(k.field_id)) return Invalid("Unknown field \"" + k.field_id + "\" in sorts");
  if (next.sorts.size() > static_cast<size_t>(kMaxViewConditions)) return Invalid("Too many sorts");
  if (next.conditions.size() > static_cast<size_t>(kMaxViewConditions))
    return Invalid("At most " + std::to_string(kMaxViewConditions) + " filter conditions");
  for (const ViewCondition& c : next.conditions) {
    RETURN_IF_ERROR(formula::CheckCondition(t, c));
    if (c.value.is_string() && c.value.as_string().size() > kMaxConditionValueLength)
      return Invalid("A filter value is longer than " + std::to_string(kMaxConditionValueLength) +
                     " characters");
  }
  // The saved filter must stay a formula every list of the view can compile.
  if (std::string text = formula::ViewFilterFormula(t, next); !text.empty())
    if (!formula::Compile(text, formula::FieldsOf(t)).ok())
      return Invalid("The filter is too long");
  for (const std::string& id : next.hidden_field_ids) {
    if (!t.FindField(id)) return Invalid("Unknown field \"" + id + "\" in hiddenFieldIds");
    if (id == t.primary_field_id) return Invalid("The primary field cannot be hidden");
  }
  *view = std::move(next);
  return Status::Ok();
}

Result<std::pair<const Table*, const View*>> Resolve(Call& c, const std::string& table_key,
                                                     const std::string& view_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  const View* v = t->FindView(view_key);
  if (!v) return Error(ErrorCode::kViewNameNotFound, "View \"" + view_key + "\" not found");
  return std::make_pair(t, v);
}

}  // namespace

Result<std::string> CreateView(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  if (t->views.size() >= static_cast<size_t>(kMaxViewsPerTable))
    return Invalid("This table has too many views");
  View v;
  v.id = c.svc.ids->Next("viw");
  ASSIGN_OR_RETURN(v.name, ViewName(body, *t, v.id));
  if (const json::value* type = body.if_contains("type")) {
    const bool known =
        type->is_string() && std::find(std::begin(kViewTypes), std::end(kViewTypes),
                                       std::string_view(type->as_string())) != std::end(kViewTypes);
    if (!known) return Invalid("A view's type is grid, kanban, gallery, calendar or form");
    v.type = std::string(type->as_string());
  }
  RETURN_IF_ERROR(ApplyChanges(body, *t, &v));
  RETURN_IF_ERROR(c.svc.store->CreateView(c.schema->base.id, t->id, v));
  return json::serialize(v.ToJson());
}

Result<std::string> UpdateView(Call& c, const std::string& table_key, const std::string& view_key) {
  ASSIGN_OR_RETURN(auto found, Resolve(c, table_key, view_key));
  auto [t, old] = found;
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  View v = *old;
  if (body.contains("name")) {
    ASSIGN_OR_RETURN(v.name, ViewName(body, *t, v.id));
  }
  RETURN_IF_ERROR(ApplyChanges(body, *t, &v));
  RETURN_IF_ERROR(c.svc.store->UpdateView(c.schema->base.id, t->id, v));
  return json::serialize(v.ToJson());
}

Result<std::string> DeleteView(Call& c, const std::string& table_key, const std::string& view_key) {
  ASSIGN_OR_RETURN(auto found, Resolve(c, table_key, view_key));
  auto [t, v] = found;
  if (t->views.size() <= 1) return Invalid("A table keeps at least one view");
  RETURN_IF_ERROR(c.svc.store->DeleteView(c.schema->base.id, t->id, v->id));
  return json::serialize(json::object{{"id", v->id}, {"deleted", true}});
}

}  // namespace airbase::api
