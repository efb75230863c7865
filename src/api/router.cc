// The router (router.h): the route table (one row per endpoint), the path matcher, the checks
// every request passes in Airtable's order, static files for the web app, and /healthz.
#include "api/router.h"

#include <boost/url.hpp>

#include "api/account.h"
#include "api/handlers.h"
#include "auth/scopes.h"
#include "common/budget.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "engine/live_notices.h"
#include "schema/attachments.h"
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

// One row of the route table. A pattern is the path after /v0 (or /_web) split on '/': a literal
// segment, "{app}" "{rec}" "{ach}" "{com}" (an id of that kind), "+" (any non-empty segment) or
// "*" (any segment). Every non-literal segment is captured, in order, for the handler; the
// {app} capture names the base whose access the route checks.
using RouteHandler = Result<std::string> (*)(Call&, const std::vector<std::string>&);
struct RouteSpec {
  bool web;  // only the web app's /_web paths (a session); else /v0
  const char* method;
  const char* pattern;
  std::string_view scope;  // empty: any valid token
  Role min_role;           // on the base; kNone for routes without one
  RouteHandler run;
  // What a success tells the base's open pages (engine/live_notices.h); record writes tell them
  // from the record writer.
  enum class Tells { kNothing, kSchema, kComments } tells = Tells::kNothing;
};
constexpr auto kSchema = RouteSpec::Tells::kSchema;
constexpr auto kComments = RouteSpec::Tells::kComments;

using P = const std::vector<std::string>&;
// Airtable's routes (airtable-api.md §4), then the web app's own. Order matters only where two
// patterns could match one path; none here do.
const RouteSpec kRoutes[] = {
    // Records.
    {false, "GET", "{app}/+", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return ListRecords(c, p[1], false); }},
    {false, "POST", "{app}/+/listRecords", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return ListRecords(c, p[1], true); }},
    {false, "GET", "{app}/+/{rec}", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return GetRecord(c, p[1], p[2]); }},
    {false, "POST", "{app}/+", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return CreateRecords(c, p[1]); }},
    {false, "PATCH", "{app}/+", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return UpdateRecords(c, p[1], false); }},
    {false, "PUT", "{app}/+", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return UpdateRecords(c, p[1], true); }},
    {false, "DELETE", "{app}/+", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return DeleteRecords(c, p[1]); }},
    {false, "PATCH", "{app}/+/{rec}", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return UpdateRecord(c, p[1], p[2], false); }},
    {false, "PUT", "{app}/+/{rec}", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return UpdateRecord(c, p[1], p[2], true); }},
    {false, "DELETE", "{app}/+/{rec}", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return DeleteRecord(c, p[1], p[2]); }},
    // Attachments (Airtable's content host; here the same server).
    {false, "POST", "{app}/{rec}/+/uploadAttachment", scope::kRecordsWrite, Role::kEdit,
     [](Call& c, P p) { return UploadAttachment(c, p[1], p[2]); }},
    // Comments.
    {false, "GET", "{app}/*/{rec}/comments", scope::kCommentsRead, Role::kRead,
     [](Call& c, P p) { return ListComments(c, p[1], p[2]); }},
    {false, "POST", "{app}/*/{rec}/comments", scope::kCommentsWrite, Role::kComment,
     [](Call& c, P p) { return CreateComment(c, p[1], p[2]); }, kComments},
    {false, "PATCH", "{app}/*/{rec}/comments/{com}", scope::kCommentsWrite, Role::kComment,
     [](Call& c, P p) { return UpdateComment(c, p[1], p[2], p[3]); }, kComments},
    {false, "DELETE", "{app}/*/{rec}/comments/{com}", scope::kCommentsWrite, Role::kComment,
     [](Call& c, P p) { return DeleteComment(c, p[1], p[2], p[3]); }, kComments},
    // Metadata.
    {false, "GET", "meta/whoami", "", Role::kNone, [](Call& c, P) { return WhoAmI(c); }},
    {false, "GET", "meta/bases", scope::kSchemaRead, Role::kNone,
     [](Call& c, P) { return ListBases(c); }},
    {false, "POST", "meta/bases", scope::kSchemaWrite, Role::kNone,
     [](Call& c, P) { return CreateBase(c); }},
    // Administration (admin.cc): workspaces and bases with their collaborators.
    {false, "GET", "meta/bases/{app}", scope::kWorkspacesRead, Role::kRead,
     [](Call& c, P) { return GetBaseCollaborators(c); }},
    {false, "DELETE", "meta/bases/{app}", scope::kWorkspacesManage, Role::kOwner,
     [](Call& c, P) { return DeleteBase(c); }},
    {false, "POST", "meta/bases/{app}/collaborators", scope::kWorkspacesWrite, Role::kCreate,
     [](Call& c, P) { return AddCollaborator(c, ""); }},
    {false, "PATCH", "meta/bases/{app}/collaborators/+", scope::kWorkspacesWrite, Role::kCreate,
     [](Call& c, P p) { return ChangeCollaborator(c, "", p[1], false); }},
    {false, "DELETE", "meta/bases/{app}/collaborators/+", scope::kWorkspacesWrite, Role::kCreate,
     [](Call& c, P p) { return ChangeCollaborator(c, "", p[1], true); }},
    {false, "GET", "meta/workspaces/{wsp}", scope::kWorkspacesRead, Role::kNone,
     [](Call& c, P p) { return GetWorkspace(c, p[0]); }},
    {false, "DELETE", "meta/workspaces/{wsp}", scope::kWorkspacesManage, Role::kNone,
     [](Call& c, P p) { return DeleteWorkspace(c, p[0]); }},
    {false, "POST", "meta/workspaces/{wsp}/moveBase", scope::kWorkspacesManage, Role::kNone,
     [](Call& c, P p) { return MoveBase(c, p[0]); }},
    {false, "POST", "meta/workspaces/{wsp}/collaborators", scope::kWorkspacesWrite, Role::kNone,
     [](Call& c, P p) { return AddCollaborator(c, p[0]); }},
    {false, "PATCH", "meta/workspaces/{wsp}/collaborators/+", scope::kWorkspacesWrite, Role::kNone,
     [](Call& c, P p) { return ChangeCollaborator(c, p[0], p[1], false); }},
    {false, "DELETE", "meta/workspaces/{wsp}/collaborators/+", scope::kWorkspacesWrite, Role::kNone,
     [](Call& c, P p) { return ChangeCollaborator(c, p[0], p[1], true); }},
    {false, "GET", "meta/bases/{app}/tables", scope::kSchemaRead, Role::kRead,
     [](Call& c, P) { return GetBaseSchema(c); }},
    {false, "POST", "meta/bases/{app}/tables", scope::kSchemaWrite, Role::kCreate,
     [](Call& c, P) { return CreateTable(c); }, kSchema},
    {false, "PATCH", "meta/bases/{app}/tables/*", scope::kSchemaWrite, Role::kCreate,
     [](Call& c, P p) { return UpdateTable(c, p[1]); }, kSchema},
    {false, "POST", "meta/bases/{app}/tables/*/fields", scope::kSchemaWrite, Role::kCreate,
     [](Call& c, P p) { return CreateField(c, p[1]); }, kSchema},
    {false, "PATCH", "meta/bases/{app}/tables/*/fields/*", scope::kSchemaWrite, Role::kCreate,
     [](Call& c, P p) { return UpdateField(c, p[1], p[2]); }, kSchema},
    // Webhooks.
    {false, "POST", "bases/{app}/webhooks", scope::kWebhookManage, Role::kCreate,
     [](Call& c, P) { return CreateWebhook(c); }},
    {false, "GET", "bases/{app}/webhooks", scope::kWebhookManage, Role::kCreate,
     [](Call& c, P) { return ListWebhooks(c); }},
    {false, "DELETE", "bases/{app}/webhooks/{ach}", scope::kWebhookManage, Role::kCreate,
     [](Call& c, P p) { return DeleteWebhook(c, p[1]); }},
    {false, "POST", "bases/{app}/webhooks/{ach}/refresh", scope::kWebhookManage, Role::kCreate,
     [](Call& c, P p) { return RefreshWebhook(c, p[1]); }},
    {false, "POST", "bases/{app}/webhooks/{ach}/enableNotifications", scope::kWebhookManage,
     Role::kCreate, [](Call& c, P p) { return EnableWebhookNotifications(c, p[1]); }},
    {false, "GET", "bases/{app}/webhooks/{ach}/payloads", scope::kWebhookManage, Role::kCreate,
     [](Call& c, P p) { return ListWebhookPayloads(c, p[1]); }},
    // The web app's grid, view and field endpoints (through /api/web with a session).
    {true, "DELETE", "{app}/*", "", Role::kCreate,
     [](Call& c, P p) { return DeleteTable(c, p[1]); }, kSchema},
    {true, "GET", "{app}/events", "", Role::kRead, [](Call& c, P) { return OpenEvents(c); }},
    {true, "GET", "{app}/*/ids", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return ListRecordIds(c, p[1]); }},
    {true, "GET", "{app}/*/records", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return GetRecordsByIds(c, p[1]); }},
    {true, "GET", "{app}/*/summary", scope::kRecordsRead, Role::kRead,
     [](Call& c, P p) { return SummarizeRecords(c, p[1]); }},
    {true, "POST", "{app}/*/views", "", Role::kEdit,
     [](Call& c, P p) { return CreateView(c, p[1]); }, kSchema},
    {true, "PATCH", "{app}/*/views/*", "", Role::kEdit,
     [](Call& c, P p) { return UpdateView(c, p[1], p[2]); }, kSchema},
    {true, "DELETE", "{app}/*/views/*", "", Role::kEdit,
     [](Call& c, P p) { return DeleteView(c, p[1], p[2]); }, kSchema},
    {true, "PATCH", "{app}/*/fields/*", "", Role::kCreate,
     [](Call& c, P p) { return ChangeFieldType(c, p[1], p[2]); }, kSchema},
    {true, "DELETE", "{app}/*/fields/*", "", Role::kCreate,
     [](Call& c, P p) { return DeleteField(c, p[1], p[2]); }, kSchema},
};

// One segment of a pattern, classified once: a literal, any segment, any non-empty segment, or
// an id with a prefix ("app", "rec", ...). All but literals are captured.
struct PatternSegment {
  enum class Kind { kLiteral, kAny, kNonEmpty, kId } kind;
  std::string text;  // the literal, or the id prefix

  bool Matches(const std::string& seg) const {
    switch (kind) {
      case Kind::kLiteral:
        return seg == text;
      case Kind::kAny:
        return true;
      case Kind::kNonEmpty:
        return !seg.empty();
      case Kind::kId:
        return IsId(seg, text);
    }
    return false;
  }
};

// A route table row with its pattern split, made once.
struct CompiledRoute {
  const RouteSpec* spec;
  std::vector<PatternSegment> segs;
  int base_capture = -1;  // index among the captures of {app}
  std::string label;      // "/v0/" or "/web/" and the pattern: metrics and access logs
};

const std::vector<CompiledRoute>& Routes() {
  static const std::vector<CompiledRoute> kCompiled = [] {
    using Kind = PatternSegment::Kind;
    std::vector<CompiledRoute> out;
    for (const RouteSpec& r : kRoutes) {
      CompiledRoute c{&r, {}, -1, std::string(r.web ? "/web/" : "/v0/") + r.pattern};
      std::string_view p = r.pattern;
      int captures = 0;
      while (true) {
        size_t slash = p.find('/');
        std::string_view seg = p.substr(0, slash);
        if (seg == "*") {
          c.segs.push_back({Kind::kAny, ""});
        } else if (seg == "+") {
          c.segs.push_back({Kind::kNonEmpty, ""});
        } else if (seg.size() == 5 && seg.front() == '{' && seg.back() == '}') {
          if (seg == "{app}") c.base_capture = captures;
          c.segs.push_back({Kind::kId, std::string(seg.substr(1, 3))});
        } else {
          c.segs.push_back({Kind::kLiteral, std::string(seg)});
        }
        if (c.segs.back().kind != Kind::kLiteral) ++captures;
        if (slash == std::string_view::npos) break;
        p.remove_prefix(slash + 1);
      }
      out.push_back(std::move(c));
    }
    return out;
  }();
  return kCompiled;
}

// The route for a request's method and path segments, with its captures; null when none.
const CompiledRoute* MatchRoute(bool web, const std::string& method,
                                const std::vector<std::string>& segs,
                                std::vector<std::string>* captures) {
  for (const CompiledRoute& r : Routes()) {
    if (r.spec->web != web || r.segs.size() != segs.size() || method != r.spec->method) continue;
    bool ok = true;
    for (size_t i = 0; ok && i < segs.size(); ++i) ok = r.segs[i].Matches(segs[i]);
    if (!ok) continue;
    captures->clear();
    for (size_t i = 0; i < segs.size(); ++i)
      if (r.segs[i].kind != PatternSegment::Kind::kLiteral) captures->push_back(segs[i]);
    return &r;
  }
  return nullptr;
}

bool IsGetOrHead(const std::string& m) { return m == "GET" || m == "HEAD"; }

// "http://host:port" of the Host header; "" when it is missing or not a plain host name.
std::string RequestOriginOf(const Services& svc, const Request& req) {
  if (req.host.empty() || req.host.size() > 255) return "";
  for (char ch : req.host)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != ':' &&
        ch != '[' && ch != ']')
      return "";
  return (ServedOverHttps(svc, req) ? "https://" : "http://") + req.host;
}

}  // namespace

Response MetricsResponse(Metrics& metrics) {
  Response r;
  r.body = metrics.Render();
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.route = "/metrics";
  return r;
}

Response MetricsHandler::Handle(const Request& req) const {
  std::string_view path(req.target);
  path = path.substr(0, path.find('?'));
  if (path == "/metrics" && IsGetOrHead(req.method)) return MetricsResponse(*metrics_);
  return ErrorResponse(NotFound());
}

namespace {

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
  Response r = Route(req);
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

Response Router::Route(const Request& req) const {
  if (req.target.size() > kMaxUrlLength)
    return ErrorResponse(Error(ErrorCode::kInvalidRequestUnknown,
                               "The request URL is longer than 16000 characters"));
  std::string_view target = req.target;
  size_t qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view raw_query = qpos == std::string_view::npos ? "" : target.substr(qpos + 1);

  std::vector<std::string> segs;
  if (!SplitPath(path, &segs) || segs.empty()) return ErrorResponse(NotFound());
  // Attachment URLs in this request's answers name the host it came to, unless --public-url
  // fixed one.
  attachments::RequestOrigin origin(svc_.public_origin.empty() ? RequestOriginOf(svc_, req) : "");
  // Liveness for load balancers and orchestrators: the store answers a query. No auth, no data.
  // A full disk keeps the server alive (reads work) but not ready for writes: /healthz says
  // "degraded", /readyz answers 503 so that a load balancer can stop sending it traffic.
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "readyz") &&
      IsGetOrHead(req.method)) {
    Response r = Health(segs[0] == "healthz");
    r.route = segs[0] == "healthz" ? "/healthz" : "/readyz";
    return r;
  }
  // Prometheus' scrape, without a token (no data: counts and times), unless --metrics-listen
  // moved it to an address of its own.
  if (segs.size() == 1 && segs[0] == "metrics" && IsGetOrHead(req.method) && svc_.metrics &&
      svc_.metrics_here)
    return MetricsResponse(*svc_.metrics);
  if (segs[0] == "api" && segs.size() > 1 && segs[1] == "forms") {
    segs.erase(segs.begin());
    Response r = FormRequest(svc_, req, segs);
    r.route = "/api/forms";
    r.extra_headers += kWebSecurityHeaders;
    return r;
  }
  if (segs[0] == "api" && svc_.sessions) {
    segs.erase(segs.begin());
    Response r;
    if (!segs.empty() && (segs[0] == "v0" || segs[0] == "web")) {
      // The public API (and the grid's own endpoints) as the signed-in user: the session stands
      // in for a token, and its user's roles still cap every request.
      auto session = SignedIn(svc_, req);
      if (session.ok()) {
        const Principal user = Principal::ForSession(session->user.id);
        const bool web = segs[0] == "web";
        r = Dispatch(req, web, std::move(segs), raw_query, &user);
      } else {
        r = ErrorResponse(session.status());
      }
    } else {
      r = AccountApi(svc_).Handle(req, segs);
      r.route = "/api/account";
    }
    r.extra_headers += kWebSecurityHeaders;
    return r;
  }
  if (segs[0] == "files" && IsGetOrHead(req.method)) {
    auto query = Query::Parse(raw_query);
    Response r = query.ok() ? ServeFile(svc_, req, segs, *query) : ErrorResponse(NotFound());
    r.route = "/files";
    return r;
  }
  if (segs[0] != "v0") {
    if (IsGetOrHead(req.method)) {
      Response r = StaticFile(path);
      r.extra_headers += kWebSecurityHeaders;
      r.route = "/static";
      return r;
    }
    return ErrorResponse(NotFound());
  }
  return Dispatch(req, /*web=*/false, std::move(segs), raw_query, nullptr);
}

Response Router::Health(bool liveness) const {
  auto version = svc_.store->MetaVersion();
  if (!version.ok()) return ErrorResponse(Error(ErrorCode::kRetriable));
  bool full = svc_.store->StorageFull();
  if (liveness)
    return JsonResponse(full ? R"({"status":"degraded","storage":"full"})" : R"({"status":"ok"})");
  if (!full) return JsonResponse(R"({"status":"ready"})");
  Response r = JsonResponse(R"({"status":"unavailable","storage":"full"})");
  r.status = 503;
  return r;
}

// The checks of a /v0 (or web) request in Airtable's order: route (404), principal (401), scope,
// resources and existence (one indistinguishable 403), rate limit (429), role (403), handler.
Response Router::Dispatch(const Request& req, bool web, std::vector<std::string> segs,
                          std::string_view raw_query, const Principal* session) const {
  segs.erase(segs.begin());
  if (segs.size() > 1 && segs.back().empty()) segs.pop_back();  // trailing slash
  const std::string& m = req.method;

  // ---- match the route ----
  std::vector<std::string> captures;
  const CompiledRoute* matched = MatchRoute(web, m, segs, &captures);
  if (!matched) return ErrorResponse(NotFound());
  const RouteSpec& route = *matched->spec;
  std::string base_id =
      matched->base_capture >= 0 ? captures[static_cast<size_t>(matched->base_capture)] : "";

  // Every answer from here on names the route and the base (metrics, access logs).
  Response r = [&]() -> Response {
    // The checks' reads and a reading handler's share one snapshot (Store::ShareReads).
    std::unique_ptr<ReadScope> reads = svc_.store->ShareReads();
    // ---- principal: the bearer token, or the web session ----
    auto meta_version = svc_.store->MetaVersion();
    if (!meta_version.ok()) return ErrorResponse(meta_version.status());
    auto principal = session ? Result<Principal>(*session)
                             : svc_.tokens->Verify(req.authorization, *meta_version);
    if (!principal.ok()) return ErrorResponse(principal.status());
    auto query = Query::Parse(raw_query);
    if (!query.ok()) return ErrorResponse(query.status());
    Call call{
        svc_,    req,    std::move(*query), std::move(segs), std::move(*principal), Role::kNone,
        nullptr, nullptr};

    // ---- scope, resources, existence: one indistinguishable 403 ----
    if (!route.scope.empty() && !call.principal.HasScope(route.scope))
      return ErrorResponse(Forbidden());
    if (!base_id.empty()) {
      auto schema = svc_.store->LoadSchema(base_id, *meta_version);
      if (!schema.ok()) return ErrorResponse(schema.status());
      if (!*schema || !call.principal.Reaches((*schema)->base)) return ErrorResponse(Forbidden());
      auto role = svc_.store->BaseRole(call.principal.user_id(), base_id, *meta_version);
      if (!role.ok()) return ErrorResponse(role.status());
      if (*role == Role::kNone) return ErrorResponse(Forbidden());
      call.role = *role;
      call.schema = std::move(*schema);
    }

    // ---- rate limits ----
    if (svc_.limiter) {
      if (int wait = svc_.limiter->Admit(call.principal.user_id(), base_id)) {
        if (svc_.metrics) svc_.metrics->CountRateLimited();
        Response limited = ErrorResponse(Error(ErrorCode::kRateLimited));
        limited.retry_after = wait;
        return limited;
      }
    }

    // ---- role ----
    if (!base_id.empty() && call.role < route.min_role)
      return ErrorResponse(Error(ErrorCode::kInvalidPermissions));

    Result<std::string> body = route.run(call, captures);
    if (!body.ok()) return ErrorResponse(body.status());
    const std::string origin = engine::OriginOf(req.client);
    if (route.tells == kSchema) engine::PublishSchemaChange(*svc_.store, base_id, origin);
    if (route.tells == kComments) {
      const Table* table = call.schema->FindTable(captures[1]);
      engine::PublishCommentsChange(*svc_.store, base_id, table ? table->id : captures[1],
                                    captures[2], origin);
    }
    if (call.stream) {
      Response events;
      events.content_type = "text/event-stream; charset=utf-8";
      events.stream = std::move(call.stream);
      return events;
    }
    return JsonResponse(std::move(*body));
  }();
  r.route = matched->label.c_str();
  r.base_id = std::move(base_id);  // the capture's own string: no copy per request
  return r;
}

}  // namespace airbase::api
