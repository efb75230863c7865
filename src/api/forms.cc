// Form views shared by link (GET and POST /api/forms/{baseId}/{viewId}/{secret}): anyone with the
// link reads the form's fields and creates a record through it, without an account, when the
// form's creator made it public. The link's secret (views.cc CheckForm) is compared in constant
// time; a wrong secret, a private form, an unknown base or view all answer the same 404, so a
// link reveals nothing about what exists. Submissions go through the one record write path
// (records.cc CreateRecords, typecast on), after the required fields are checked and any field
// the form does not ask for is refused; they count against the base's rate limit.
#include "api/handlers.h"
#include "auth/rate_limiter.h"
#include "common/crypto.h"
#include "engine/live_notices.h"

namespace airbase::api {

namespace {

struct SharedForm {
  std::shared_ptr<const BaseSchema> schema;
  const Table* table = nullptr;
  const View* view = nullptr;
  const json::object* form = nullptr;
};

Result<SharedForm> FindForm(const Services& svc, const std::vector<std::string>& segs) {
  const Status missing = Error(ErrorCode::kNotFound);
  if (segs.size() != 4 || !IsId(segs[1], "app") || !IsId(segs[2], "viw")) return missing;
  ASSIGN_OR_RETURN(int64_t version, svc.store->MetaVersion());
  ASSIGN_OR_RETURN(auto schema, svc.store->LoadSchema(segs[1], version));
  if (!schema) return missing;
  for (const Table& t : schema->tables)
    for (const View& v : t.views) {
      if (v.id != segs[2]) continue;
      const json::value* f = v.layout.if_contains("form");
      const json::object* form = f ? f->if_object() : nullptr;
      const json::value* pub = form ? form->if_contains("public") : nullptr;
      const json::value* secret = form ? form->if_contains("secret") : nullptr;
      if (v.type != "form" || !pub || !pub->is_bool() || !pub->as_bool() || !secret ||
          !secret->is_string() || !ConstantTimeEquals(secret->as_string(), segs[3]))
        return missing;
      SharedForm out{schema, &t, &v, form};
      return out;
    }
  return missing;
}

std::vector<std::string> Ids(const json::object& form, const char* key) {
  std::vector<std::string> out;
  if (const json::value* a = form.if_contains(key); a && a->is_array())
    for (const json::value& id : a->as_array())
      if (id.is_string()) out.emplace_back(id.as_string());
  return out;
}

std::string Text(const json::object& form, const char* key, const std::string& otherwise) {
  const json::value* s = form.if_contains(key);
  return s && s->is_string() && !s->as_string().empty() ? std::string(s->as_string()) : otherwise;
}

// The form as its page draws it: texts and, per field, what its input needs.
json::object Describe(const SharedForm& f) {
  const std::vector<std::string> required = Ids(*f.form, "requiredFieldIds");
  json::array fields;
  for (const std::string& id : Ids(*f.form, "fieldIds")) {
    const Field* field = f.table->FindField(id);
    if (!field || IsComputed(field->type)) continue;
    json::object o = field->ToJson();
    o.erase("id");
    o["id"] = field->id;
    o["required"] = std::find(required.begin(), required.end(), id) != required.end();
    fields.push_back(std::move(o));
  }
  return json::object{
      {"title", Text(*f.form, "title", f.view->name)},
      {"description", Text(*f.form, "description", "")},
      {"submitLabel", Text(*f.form, "submitLabel", "Submit")},
      {"successMessage", Text(*f.form, "successMessage", "Thank you for submitting the form!")},
      {"fields", std::move(fields)}};
}

bool Blank(const json::value& v) {
  return v.is_null() || (v.is_string() && v.as_string().empty()) ||
         (v.is_array() && v.as_array().empty()) || (v.is_bool() && !v.as_bool());
}

Result<std::string> Submit(const Services& svc, const Request& req, const SharedForm& f) {
  json::error_code ec;
  json::value body = json::parse(req.body, ec);
  const json::object* o = ec ? nullptr : body.if_object();
  const json::value* given = o ? o->if_contains("fields") : nullptr;
  if (!given || !given->is_object())
    return Error(ErrorCode::kInvalidRequestUnknown,
                 "The form's answers go in \"fields\", by field id");
  const std::vector<std::string> asked = Ids(*f.form, "fieldIds");
  json::object fields;
  for (const auto& [id, value] : given->as_object()) {
    if (std::find(asked.begin(), asked.end(), std::string(id)) == asked.end())
      return Error(ErrorCode::kUnknownFieldName,
                   "This form does not ask for \"" + std::string(id) + "\"");
    if (!Blank(value)) fields[id] = value;
  }
  for (const std::string& id : Ids(*f.form, "requiredFieldIds")) {
    const Field* field = f.table->FindField(id);
    if (field && !fields.contains(id))
      return Error(ErrorCode::kInvalidValueForColumn, "\"" + field->name + "\" is required");
  }
  // Written by no user (a form's records are not any collaborator's), with typecast.
  Request write;
  write.body = json::serialize(json::object{{"fields", std::move(fields)}, {"typecast", true}});
  write.client = req.client;
  TokenRecord nobody;
  Call c{svc, write, Query(), {}, Principal::ForToken(nobody), Role::kEdit, f.schema, nullptr};
  ASSIGN_OR_RETURN(std::string created, CreateRecords(c, f.table->id));
  json::value r = json::parse(created, ec);
  const json::value* id = ec ? nullptr : r.as_object().if_contains("id");
  return json::serialize(json::object{
      {"id", id ? *id : json::value()},
      {"message", Text(*f.form, "successMessage", "Thank you for submitting the form!")}});
}

}  // namespace

Response FormRequest(const Services& svc, const Request& req,
                     const std::vector<std::string>& segs) {
  auto form = FindForm(svc, segs);
  if (!form.ok()) return ErrorResponse(form.status());
  if (req.method == "GET" || req.method == "HEAD")
    return JsonResponse(json::serialize(Describe(*form)));
  if (req.method != "POST") return ErrorResponse(Error(ErrorCode::kNotFound));
  if (svc.limiter) {
    if (int wait = svc.limiter->Admit("form:" + segs[2], form->schema->base.id)) {
      Response limited = ErrorResponse(Error(ErrorCode::kRateLimited));
      limited.retry_after = wait;
      return limited;
    }
  }
  auto r = Submit(svc, req, *form);
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(std::move(*r));
}

}  // namespace airbase::api
