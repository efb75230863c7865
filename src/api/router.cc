#include "api/router.h"

#include <boost/url.hpp>
#include <functional>

#include "api/account.h"
#include "api/handlers.h"
#include "auth/scopes.h"
#include "common/budget.h"
#include "common/limits.h"
#include "web/assets.h"

namespace airbase::api {

namespace {

Status NotFound() { return Error(ErrorCode::kNotFound); }
Status Forbidden() { return Error(ErrorCode::kPermissionsOrNotFound); }

// Splits "/a/b%2Fc/" into {"a", "b/c", ""}; false on bad percent-encoding.
bool SplitPath(std::string_view path, std::vector<std::string>* out) {
  if (path.empty() || path[0] != '/') return false;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    auto pct = boost::urls::make_pct_string_view(seg);
    if (!pct) return false;
    out->push_back(pct->decode());
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

struct Route {
  std::string_view scope;  // empty: any valid token
  Role min_role = Role::kNone;
  std::string base_id;  // empty: not a base route
  std::function<Result<std::string>(Call&)> run;
};

bool IsGetOrHead(const std::string& m) { return m == "GET" || m == "HEAD"; }

// The web app: its files by path; any other page path gets index.html (the app routes itself,
// e.g. /appXXXXXXXXXXXXXX/tblXXXXXXXXXXXXXX/viwXXXXXXXXXXXXXX).
Response StaticFile(std::string_view path) {
  const web::Asset* index = nullptr;
  for (const web::Asset& a : web::Assets()) {
    if (path == a.path) {
      Response r;
      r.body.assign(reinterpret_cast<const char*>(a.data), a.size);
      std::string_view p(a.path);
      r.content_type = p.ends_with(".js")    ? "text/javascript; charset=utf-8"
                       : p.ends_with(".css") ? "text/css; charset=utf-8"
                                             : "text/html; charset=utf-8";
      return r;
    }
    if (std::string_view(a.path) == "/index.html") index = &a;
  }
  size_t last = path.rfind('/');
  if (!index || path.find('.', last) != std::string_view::npos) return ErrorResponse(NotFound());
  Response r;
  r.body.assign(reinterpret_cast<const char*>(index->data), index->size);
  r.content_type = "text/html; charset=utf-8";
  return r;
}

}  // namespace

Response Router::Handle(const Request& req) const {
  Response r = Handle(req, nullptr);
  // A read stopped by its budget may hold partial results (a formula cut short reads as an
  // error, so a filter would silently drop records): it answers the stop instead. A write that
  // committed keeps its answer; one that did not has already failed.
  RequestBudget* b = CurrentBudget();
  if (b != nullptr && b->reason() != RequestBudget::Reason::kNone && r.status == 200) {
    std::string_view path(req.target);
    path = path.substr(0, path.find('?'));
    if (IsGetOrHead(req.method) || path.ends_with("/listRecords"))
      return ErrorResponse(b->StopStatus());
  }
  return r;
}

Response Router::Handle(const Request& req, const AuthToken* as) const {
  if (req.target.size() > kMaxUrlLength)
    return ErrorResponse(Error(ErrorCode::kInvalidRequestUnknown,
                               "The request URL is longer than 16000 characters"));
  std::string_view target = req.target;
  size_t qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view raw_query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);

  std::vector<std::string> segs;
  if (!SplitPath(path, &segs) || segs.empty()) return ErrorResponse(NotFound());
  // Liveness for load balancers and orchestrators: the store answers a query. No auth, no data.
  // A full disk keeps the server alive (reads work) but not ready for writes: /healthz says
  // "degraded", /readyz answers 503 so that a load balancer can stop sending it traffic.
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "readyz") &&
      IsGetOrHead(req.method)) {
    auto version = svc_.store->MetaVersion();
    if (!version.ok()) return ErrorResponse(Error(ErrorCode::kRetriable));
    bool full = svc_.store->StorageFull();
    if (segs[0] == "healthz")
      return JsonResponse(full ? R"({"status":"degraded","storage":"full"})"
                               : R"({"status":"ok"})");
    if (!full) return JsonResponse(R"({"status":"ready"})");
    Response r = JsonResponse(R"({"status":"unavailable","storage":"full"})");
    r.status = 503;
    return r;
  }
  if (segs[0] == "api" && svc_.sessions) {
    segs.erase(segs.begin());
    Response r = AccountApi(svc_).Handle(req, segs, *this);
    r.extra_headers += kWebSecurityHeaders;
    return r;
  }
  // The web app's own grid and view endpoints: reachable only through /api/web with a session.
  const bool web = segs[0] == "_web" && as != nullptr;
  if (segs[0] != "v0" && !web) {
    if (IsGetOrHead(req.method)) {
      Response r = StaticFile(path);
      r.extra_headers += kWebSecurityHeaders;
      return r;
    }
    return ErrorResponse(NotFound());
  }
  segs.erase(segs.begin());
  if (segs.size() > 1 && segs.back().empty()) segs.pop_back();  // trailing slash
  const std::string& m = req.method;

  // ---- match the route ----
  Route route;
  auto base_route = [&](const std::string& id) { return IsId(id, "app"); };
  size_t n = segs.size();
  if (web) {
    if (n == 2 && base_route(segs[0]) && m == "DELETE") {
      std::string t = segs[1];
      route = {"", Role::kCreate, segs[0], [t](Call& c) { return DeleteTable(c, t); }};
    } else if (n >= 3 && base_route(segs[0])) {
      std::string t = segs[1];
      if (n == 3 && segs[2] == "ids" && m == "GET") {
        route = {scope::kRecordsRead, Role::kRead, segs[0],
                 [t](Call& c) { return ListRecordIds(c, t); }};
      } else if (n == 3 && segs[2] == "records" && m == "GET") {
        route = {scope::kRecordsRead, Role::kRead, segs[0],
                 [t](Call& c) { return GetRecordsByIds(c, t); }};
      } else if (n == 3 && segs[2] == "views" && m == "POST") {
        route = {"", Role::kEdit, segs[0], [t](Call& c) { return CreateView(c, t); }};
      } else if (n == 4 && segs[2] == "views" && m == "PATCH") {
        std::string v = segs[3];
        route = {"", Role::kEdit, segs[0], [t, v](Call& c) { return UpdateView(c, t, v); }};
      } else if (n == 4 && segs[2] == "fields" && m == "PATCH") {
        std::string f = segs[3];
        route = {"", Role::kCreate, segs[0], [t, f](Call& c) { return ChangeFieldType(c, t, f); }};
      } else if (n == 4 && segs[2] == "fields" && m == "DELETE") {
        std::string f = segs[3];
        route = {"", Role::kCreate, segs[0], [t, f](Call& c) { return DeleteField(c, t, f); }};
      } else if (n == 4 && segs[2] == "views" && m == "DELETE") {
        std::string v = segs[3];
        route = {"", Role::kEdit, segs[0], [t, v](Call& c) { return DeleteView(c, t, v); }};
      }
    }
  } else if (n >= 3 && segs[0] == "bases" && base_route(segs[1]) && segs[2] == "webhooks") {
    const std::string& b = segs[1];
    if (n == 3 && m == "POST") {
      route = {scope::kWebhookManage, Role::kCreate, b, CreateWebhook};
    } else if (n == 3 && m == "GET") {
      route = {scope::kWebhookManage, Role::kCreate, b, ListWebhooks};
    } else if (n >= 4 && IsId(segs[3], "ach")) {
      std::string id = segs[3];
      if (n == 4 && m == "DELETE")
        route = {scope::kWebhookManage, Role::kCreate, b,
                 [id](Call& c) { return DeleteWebhook(c, id); }};
      else if (n == 5 && segs[4] == "refresh" && m == "POST")
        route = {scope::kWebhookManage, Role::kCreate, b,
                 [id](Call& c) { return RefreshWebhook(c, id); }};
      else if (n == 5 && segs[4] == "enableNotifications" && m == "POST")
        route = {scope::kWebhookManage, Role::kCreate, b,
                 [id](Call& c) { return EnableWebhookNotifications(c, id); }};
      else if (n == 5 && segs[4] == "payloads" && m == "GET")
        route = {scope::kWebhookManage, Role::kCreate, b,
                 [id](Call& c) { return ListWebhookPayloads(c, id); }};
    }
  } else if (n >= 2 && segs[0] == "meta") {
    if (n == 2 && segs[1] == "whoami" && m == "GET") {
      route = {"", Role::kNone, "", WhoAmI};
    } else if (n == 2 && segs[1] == "bases" && m == "GET") {
      route = {scope::kSchemaRead, Role::kNone, "", ListBases};
    } else if (n == 2 && segs[1] == "bases" && m == "POST") {
      route = {scope::kSchemaWrite, Role::kNone, "", CreateBase};
    } else if (n >= 4 && segs[1] == "bases" && base_route(segs[2]) && segs[3] == "tables") {
      if (n == 4 && m == "GET") {
        route = {scope::kSchemaRead, Role::kRead, segs[2], GetBaseSchema};
      } else if (n == 4 && m == "POST") {
        route = {scope::kSchemaWrite, Role::kCreate, segs[2], CreateTable};
      } else if (n == 5 && m == "PATCH") {
        std::string t = segs[4];
        route = {scope::kSchemaWrite, Role::kCreate, segs[2],
                 [t](Call& c) { return UpdateTable(c, t); }};
      } else if (n == 6 && segs[5] == "fields" && m == "POST") {
        std::string t = segs[4];
        route = {scope::kSchemaWrite, Role::kCreate, segs[2],
                 [t](Call& c) { return CreateField(c, t); }};
      } else if (n == 7 && segs[5] == "fields" && m == "PATCH") {
        std::string t = segs[4], f = segs[6];
        route = {scope::kSchemaWrite, Role::kCreate, segs[2],
                 [t, f](Call& c) { return UpdateField(c, t, f); }};
      }
    }
  } else if ((n == 4 || n == 5) && base_route(segs[0]) && IsId(segs[2], "rec") &&
             segs[3] == "comments") {
    std::string t = segs[1], r = segs[2];
    if (n == 4 && m == "GET") {
      route = {scope::kCommentsRead, Role::kRead, segs[0],
               [t, r](Call& c) { return ListComments(c, t, r); }};
    } else if (n == 4 && m == "POST") {
      route = {scope::kCommentsWrite, Role::kComment, segs[0],
               [t, r](Call& c) { return CreateComment(c, t, r); }};
    } else if (n == 5 && IsId(segs[4], "com")) {
      std::string id = segs[4];
      if (m == "PATCH")
        route = {scope::kCommentsWrite, Role::kComment, segs[0],
                 [t, r, id](Call& c) { return UpdateComment(c, t, r, id); }};
      else if (m == "DELETE")
        route = {scope::kCommentsWrite, Role::kComment, segs[0],
                 [t, r, id](Call& c) { return DeleteComment(c, t, r, id); }};
    }
  } else if ((n == 2 || n == 3) && base_route(segs[0]) && !segs[1].empty()) {
    std::string t = segs[1];
    if (n == 2) {
      if (m == "GET")
        route = {scope::kRecordsRead, Role::kRead, segs[0],
                 [t](Call& c) { return ListRecords(c, t, false); }};
      else if (m == "POST")
        route = {scope::kRecordsWrite, Role::kEdit, segs[0],
                 [t](Call& c) { return CreateRecords(c, t); }};
      else if (m == "PATCH" || m == "PUT")
        route = {scope::kRecordsWrite, Role::kEdit, segs[0],
                 [t, put = m == "PUT"](Call& c) { return UpdateRecords(c, t, put); }};
      else if (m == "DELETE")
        route = {scope::kRecordsWrite, Role::kEdit, segs[0],
                 [t](Call& c) { return DeleteRecords(c, t); }};
    } else if (segs[2] == "listRecords" && m == "POST") {
      route = {scope::kRecordsRead, Role::kRead, segs[0],
               [t](Call& c) { return ListRecords(c, t, true); }};
    } else if (IsId(segs[2], "rec")) {
      std::string r = segs[2];
      if (m == "GET")
        route = {scope::kRecordsRead, Role::kRead, segs[0],
                 [t, r](Call& c) { return GetRecord(c, t, r); }};
      else if (m == "PATCH" || m == "PUT")
        route = {scope::kRecordsWrite, Role::kEdit, segs[0],
                 [t, r, put = m == "PUT"](Call& c) { return UpdateRecord(c, t, r, put); }};
      else if (m == "DELETE")
        route = {scope::kRecordsWrite, Role::kEdit, segs[0],
                 [t, r](Call& c) { return DeleteRecord(c, t, r); }};
    }
  }
  if (!route.run) return ErrorResponse(NotFound());

  // ---- token ----
  auto meta_version = svc_.store->MetaVersion();
  if (!meta_version.ok()) return ErrorResponse(meta_version.status());
  auto token = as ? Result<AuthToken>(*as) : svc_.tokens->Verify(req.authorization, *meta_version);
  if (!token.ok()) return ErrorResponse(token.status());
  auto query = Query::Parse(raw_query);
  if (!query.ok()) return ErrorResponse(query.status());
  Call call{svc_, req, std::move(*query), std::move(segs), std::move(*token), Role::kNone, nullptr};

  // ---- scope, resources, existence: one indistinguishable 403 ----
  if (!route.scope.empty() && !call.token.HasScope(route.scope)) return ErrorResponse(Forbidden());
  if (!route.base_id.empty()) {
    auto schema = svc_.store->LoadSchema(route.base_id, *meta_version);
    if (!schema.ok()) return ErrorResponse(schema.status());
    if (!*schema || !call.token.Reaches((*schema)->base)) return ErrorResponse(Forbidden());
    auto role = svc_.store->BaseRole(call.token.record.user_id, route.base_id, *meta_version);
    if (!role.ok()) return ErrorResponse(role.status());
    if (*role == Role::kNone) return ErrorResponse(Forbidden());
    call.role = *role;
    call.schema = std::move(*schema);
  }

  // ---- rate limits ----
  if (svc_.limiter) {
    if (int wait = svc_.limiter->Admit(call.token.record.user_id, route.base_id)) {
      Response r = ErrorResponse(Error(ErrorCode::kRateLimited));
      r.retry_after = wait;
      return r;
    }
  }

  // ---- role ----
  if (!route.base_id.empty() && call.role < route.min_role)
    return ErrorResponse(Error(ErrorCode::kInvalidPermissions));

  Result<std::string> body = route.run(call);
  if (!body.ok()) return ErrorResponse(body.status());
  return JsonResponse(std::move(*body));
}

}  // namespace airbase::api
