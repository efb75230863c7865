// Views for the web app (session calls only; Airtable's Web API has no view endpoints): create,
// rename, save sorts, filter conditions and hidden fields, delete. The public API applies what is
// saved when a request names the view (records.cc PrepareList).
#include <algorithm>

#include "api/handlers.h"
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

// Reads sorts, filters and hiddenFieldIds from `body` into `view`, checked against the table.
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
