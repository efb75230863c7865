// The web app's internal API under /api/ (session cookie + CSRF token; never bearer tokens):
// first-run setup, sign-in/out, workspaces and bases, and the personal access token life cycle.
// The browser never receives a token's secret except in the answer that creates or regenerates it.
#include "api/account.h"

#include <boost/json.hpp>

#include "auth/scopes.h"
#include "common/crypto.h"
#include "common/time_util.h"
#include "formula/view_filter.h"

namespace airbase::api {

namespace {

namespace json = boost::json;

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

std::string UserJson(const User& u) {
  return json::serialize(json::object{{"id", u.id}, {"email", u.email}, {"name", u.name}});
}

json::value TimeOrNull(int64_t ms) {
  return ms ? json::value(FormatIsoMs(ms)) : json::value(nullptr);
}

json::object TokenJson(const TokenRecord& t) {
  json::array scopes, bases, wss;
  for (auto& s : t.scopes) scopes.emplace_back(s);
  for (auto& b : t.base_ids) bases.emplace_back(b);
  for (auto& w : t.workspace_ids) wss.emplace_back(w);
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"scopes", std::move(scopes)},
                      {"allBases", t.all_bases},
                      {"baseIds", std::move(bases)},
                      {"workspaceIds", std::move(wss)},
                      {"createdTime", TimeOrNull(t.created_ms)},
                      {"lastUsedTime", TimeOrNull(t.last_used_ms)},
                      {"expirationTime", TimeOrNull(t.expires_ms)}};
}

std::vector<std::string> Strings(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<TokenSpec> SpecFrom(const json::object& o) {
  TokenSpec s;
  s.name = Str(o, "name");
  s.scopes = Strings(o, "scopes");
  const json::value* all = o.if_contains("allBases");
  s.all_bases = all && all->is_bool() && all->as_bool();
  s.base_ids = Strings(o, "baseIds");
  s.workspace_ids = Strings(o, "workspaceIds");
  std::string exp = Str(o, "expiresAt");
  if (!exp.empty()) {
    auto ms = ParseIsoDateTime(exp);
    if (!ms) return Invalid("expiresAt must be an ISO date");
    s.expires_ms = *ms;
  }
  return s;
}

Response Reply(Result<std::string> r) {
  return r.ok() ? JsonResponse(std::move(*r)) : ErrorResponse(r.status());
}

// One request to the web app's own API: its path after "api", and the signed-in user (null for
// the endpoints that work without a session).
struct AccountCall {
  const Services& svc;
  const Request& req;
  const std::vector<std::string>& segs;
  const User* user;

  // JSON only: an HTML form cannot send it cross-site without a CORS preflight.
  Result<json::object> Body() const {
    if (req.content_type.rfind("application/json", 0) != 0)
      return Error(ErrorCode::kInvalidRequestBody, "Send JSON (Content-Type: application/json)");
    ASSIGN_OR_RETURN(json::value v, ParseJson(req.body));
    if (!v.is_object()) return Error(ErrorCode::kInvalidRequestBody);
    return std::move(v.as_object());
  }
  const std::string& Seg(size_t i) const { return segs[i]; }
};

// ---- without a session ----

Response State(const AccountCall& a) {
  auto needed = a.svc.sessions->SetupNeeded();
  if (!needed.ok()) return ErrorResponse(needed.status());
  auto session = a.svc.sessions->FromCookie(a.req.cookie);
  if (!session.ok()) return ErrorResponse(session.status());
  json::object o{{"setupNeeded", *needed}};
  if (*session) {
    o["user"] = json::parse(UserJson((*session)->user));
    o["csrf"] = (*session)->csrf;
  } else {
    o["user"] = nullptr;
  }
  return JsonResponse(json::serialize(o));
}

// POST /api/setup (the first user) and /api/signin: a session cookie and its CSRF token.
Response Start(const AccountCall& a) {
  auto b = a.Body();
  if (!b.ok()) return ErrorResponse(b.status());
  auto started = a.Seg(0) == "setup"
                     ? a.svc.sessions->Setup(Str(*b, "email"), Str(*b, "name"), Str(*b, "password"))
                     : a.svc.sessions->SignIn(Str(*b, "email"), Str(*b, "password"));
  if (!started.ok()) {
    Response r = ErrorResponse(started.status());
    if (started.status().code() == ErrorCode::kRateLimited) r.retry_after = 30;
    return r;
  }
  Response r = JsonResponse(json::serialize(json::object{
      {"user", json::parse(UserJson(started->session.user))}, {"csrf", started->session.csrf}}));
  r.set_cookie = SessionService::CookieFor(started->secret, ServedOverHttps(a.svc, a.req));
  return r;
}

Response Scopes(const AccountCall&) {
  json::array out;
  for (const auto& s : AllScopes())
    out.push_back(
        json::object{{"name", s.name}, {"description", s.description}, {"basic", s.basic}});
  return JsonResponse(json::serialize(json::object{{"scopes", std::move(out)}}));
}

// ---- the signed-in user's account ----

Response ChangePassword(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    RETURN_IF_ERROR(a.svc.sessions->ChangePassword(a.req.cookie, *a.user, Str(b, "currentPassword"),
                                                   Str(b, "newPassword")));
    return std::string("{}");
  }());
}

Response SignOut(const AccountCall& a) {
  Status st = a.svc.sessions->SignOut(a.req.cookie);
  Response r = st.ok() ? JsonResponse("{}") : ErrorResponse(st);
  r.set_cookie = SessionService::ClearCookie(ServedOverHttps(a.svc, a.req));
  return r;
}

Response ListWorkspaces(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto wss, a.svc.store->ListWorkspaces(a.user->id));
    ASSIGN_OR_RETURN(auto bases, a.svc.store->ListBases(a.user->id));
    json::array out;
    for (const Workspace& w : wss) {
      json::array bs;
      for (const BaseAccess& b : bases)
        if (b.base.workspace_id == w.id)
          bs.push_back(json::object{{"id", b.base.id},
                                    {"name", b.base.name},
                                    {"permissionLevel", PermissionLevel(b.role)}});
      out.push_back(json::object{{"id", w.id}, {"name", w.name}, {"bases", std::move(bs)}});
    }
    return json::serialize(json::object{{"workspaces", std::move(out)}});
  }());
}

Response ListAudit(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto events, a.svc.store->ListAudit(a.user->id, 200));
    json::array out;
    for (const auto& e : events)
      out.push_back(json::object{{"time", FormatIsoMs(e.at_ms)},
                                 {"tokenId", e.token_id},
                                 {"event", e.event},
                                 {"detail", e.detail}});
    return json::serialize(json::object{{"events", std::move(out)}});
  }());
}

// ---- users and members: the server's owner (its first user) adds accounts; workspace owners
// and base creators share with a role, which caps what the member's tokens can do ----

Result<Role> RoleNamed(const std::string& r) {
  if (r == "none") return Role::kNone;
  auto role = ParseRole(r);
  if (!role) return Invalid("role must be owner, creator, editor, commenter, read or none");
  return *role;
}

Result<std::vector<User>> UsersIfOwner(const AccountCall& a) {
  ASSIGN_OR_RETURN(auto users, a.svc.store->ListUsers());
  if (users.empty() || users.front().id != a.user->id)
    return Error(ErrorCode::kInvalidPermissions, "Only the server's owner manages users");
  return users;
}

Response ListUsers(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto users, UsersIfOwner(a));
    json::array out;
    for (const User& u : users) out.push_back(json::parse(UserJson(u)));
    return json::serialize(json::object{{"users", std::move(out)}});
  }());
}

Response AddUser(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    RETURN_IF_ERROR(UsersIfOwner(a).status());
    ASSIGN_OR_RETURN(json::object b, a.Body());
    std::string email = Str(b, "email"), name = Str(b, "name"), password = Str(b, "password");
    if (email.find('@') == std::string::npos || name.empty())
      return Invalid("An email and a name are required");
    if (password.size() < kMinPasswordLength)
      return Invalid("The password must have at least 8 characters");
    ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
    auto created = a.svc.store->CreateUser(email, name, hash);
    if (!created.ok()) return Invalid(created.status().message());
    return UserJson(*created);
  }());
}

// POST /api/{workspaces|bases}/{id}/members {"email", "role"}.
Response SetMember(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(Role role, RoleNamed(Str(b, "role")));
    // The caller's right to share comes first: nobody without it learns which emails exist.
    const bool ws = a.Seg(0) == "workspaces";
    const std::string& id = a.Seg(1);
    ASSIGN_OR_RETURN(Role mine, ws ? a.svc.store->WorkspaceRole(a.user->id, id)
                                   : a.svc.store->BaseRole(a.user->id, id));
    if (mine == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
    if (mine < (ws ? Role::kOwner : Role::kCreate) || role > mine)
      return Error(ErrorCode::kInvalidPermissions);
    ASSIGN_OR_RETURN(auto member, a.svc.store->FindUserByEmail(Str(b, "email")));
    if (!member) return Invalid("No user with that email: the server's owner adds users first");
    RETURN_IF_ERROR(ws ? a.svc.store->SetWorkspaceRole(id, member->id, role)
                       : a.svc.store->SetBaseRole(id, member->id, role));
    return std::string("{}");
  }());
}

// ---- workspaces and bases: create, rename, delete ----

Result<std::string> NameOf(const json::object& b) {
  std::string name = Str(b, "name");
  if (name.empty() || name.size() > 255)
    return Invalid("A name of 1 to 255 characters is required");
  return name;
}

// The caller's role on a workspace or base (segs[0], segs[1]), at least `need`; no role at all
// looks like a missing object.
Status RoleAtLeast(const AccountCall& a, Role need) {
  ASSIGN_OR_RETURN(Role role, a.Seg(0) == "workspaces"
                                  ? a.svc.store->WorkspaceRole(a.user->id, a.Seg(1))
                                  : a.svc.store->BaseRole(a.user->id, a.Seg(1)));
  if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
  if (role < need) return Error(ErrorCode::kInvalidPermissions);
  return Status::Ok();
}

Role NeededToChange(const AccountCall& a) {
  return a.Seg(0) == "workspaces" ? Role::kOwner : Role::kCreate;
}

// PATCH /api/{workspaces|bases}/{id} {"name"}.
Response Rename(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    RETURN_IF_ERROR(RoleAtLeast(a, NeededToChange(a)));
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(std::string name, NameOf(b));
    RETURN_IF_ERROR(a.Seg(0) == "workspaces" ? a.svc.store->RenameWorkspace(a.Seg(1), name)
                                             : a.svc.store->RenameBase(a.Seg(1), name));
    return std::string("{}");
  }());
}

// DELETE /api/{workspaces|bases}/{id}.
Response Remove(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    RETURN_IF_ERROR(RoleAtLeast(a, NeededToChange(a)));
    RETURN_IF_ERROR(a.Seg(0) == "workspaces" ? a.svc.store->DeleteWorkspace(a.Seg(1))
                                             : a.svc.store->DeleteBase(a.Seg(1)));
    return std::string("{}");
  }());
}

Response CreateWorkspace(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(std::string name, NameOf(b));
    ASSIGN_OR_RETURN(Workspace w, a.svc.store->CreateWorkspace(a.user->id, name));
    return json::serialize(json::object{{"id", w.id}, {"name", w.name}});
  }());
}

// A new base starts with one table, "Table 1" (Name, Notes), and a grid view, as on Airtable.
Table FirstTable(IdGenerator& ids) {
  Table t;
  t.id = ids.Next("tbl");
  t.name = "Table 1";
  for (auto [fname, type] : {std::pair<const char*, FieldType>{"Name", FieldType::kSingleLineText},
                             {"Notes", FieldType::kMultilineText}}) {
    Field f;
    f.id = ids.Next("fld");
    f.name = fname;
    f.type = type;
    t.fields.push_back(f);
  }
  t.primary_field_id = t.fields[0].id;
  t.views.push_back(View::Grid(ids.Next("viw")));
  return t;
}

Response CreateBase(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(std::string name, NameOf(b));
    std::string ws = Str(b, "workspaceId");
    ASSIGN_OR_RETURN(Role role, a.svc.store->WorkspaceRole(a.user->id, ws));
    if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
    if (role < Role::kCreate) return Error(ErrorCode::kInvalidPermissions);
    BaseInfo base{a.svc.ids->Next("app"), name, ws, 1};
    RETURN_IF_ERROR(a.svc.store->CreateBase(base, {FirstTable(*a.svc.ids)}));
    return json::serialize(json::object{{"id", base.id}, {"name", base.name}});
  }());
}

// A base's schema for the base and API pages: any role on the base suffices.
json::object TableForPages(const Table& t) {
  json::array fields;
  for (const Field& f : t.fields) {
    json::object fo = f.ToJson();
    json::array ops;
    for (std::string_view op : formula::ViewOperators(f.type)) ops.emplace_back(op);
    fo["filterOperators"] = std::move(ops);
    fields.push_back(std::move(fo));
  }
  json::array views;
  for (const View& v : t.views) views.push_back(v.ToJson());
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"primaryFieldId", t.primary_field_id},
                      {"fields", std::move(fields)},
                      {"views", std::move(views)}};
}

Response BaseSchemaForPages(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(Role role, a.svc.store->BaseRole(a.user->id, a.Seg(1)));
    ASSIGN_OR_RETURN(auto schema, a.svc.store->LoadSchema(a.Seg(1)));
    if (role == Role::kNone || !schema) return Error(ErrorCode::kPermissionsOrNotFound);
    json::array tables;
    for (const Table& t : schema->tables) tables.push_back(TableForPages(t));
    // The people a collaborator cell can name (the grid's person picker).
    ASSIGN_OR_RETURN(auto people, a.svc.store->ListBaseCollaborators(schema->base.id));
    json::array collaborators;
    for (const BaseCollaborator& p : people)
      collaborators.push_back(json::object{{"id", p.user.id},
                                           {"email", p.user.email},
                                           {"name", p.user.name},
                                           {"permissionLevel", PermissionLevel(p.role)}});
    return json::serialize(json::object{{"id", schema->base.id},
                                        {"name", schema->base.name},
                                        {"permissionLevel", PermissionLevel(role)},
                                        {"tables", std::move(tables)},
                                        {"collaborators", std::move(collaborators)}});
  }());
}

// ---- personal access tokens: the secret leaves the server only in the answer that makes it ----

Response ListTokens(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto list, a.svc.tokens->List(a.user->id));
    json::array out;
    for (const auto& t : list) out.push_back(TokenJson(t));
    return json::serialize(json::object{{"tokens", std::move(out)}});
  }());
}

Response CreateToken(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(TokenSpec spec, SpecFrom(b));
    ASSIGN_OR_RETURN(std::string token, a.svc.tokens->Create(a.user->id, spec));
    return json::serialize(json::object{{"id", token.substr(0, 17)}, {"token", token}});
  }());
}

Response EditToken(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(json::object b, a.Body());
    ASSIGN_OR_RETURN(TokenSpec spec, SpecFrom(b));
    RETURN_IF_ERROR(a.svc.tokens->Edit(a.user->id, a.Seg(1), spec));
    return std::string("{}");
  }());
}

Response RevokeToken(const AccountCall& a) {
  Status st = a.svc.tokens->Revoke(a.user->id, a.Seg(1));
  return st.ok() ? JsonResponse("{}") : ErrorResponse(st);
}

Response RegenerateToken(const AccountCall& a) {
  return Reply([&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(std::string token, a.svc.tokens->Regenerate(a.user->id, a.Seg(1), 0));
    return json::serialize(json::object{{"id", a.Seg(1)}, {"token", token}});
  }());
}

// The web app's endpoints: method, path after /api ("*" is any one segment), whether they need
// a signed-in session (state changes then also need its CSRF token), and the handler.
struct AccountRoute {
  std::string_view method;
  std::vector<std::string_view> pattern;
  bool session;
  Response (*run)(const AccountCall&);
};

const std::vector<AccountRoute>& AccountRoutes() {
  static const std::vector<AccountRoute> kRoutes = {
      {"GET", {"state"}, false, State},
      {"POST", {"setup"}, false, Start},
      {"POST", {"signin"}, false, Start},
      {"GET", {"scopes"}, false, Scopes},
      {"POST", {"password"}, true, ChangePassword},
      {"POST", {"signout"}, true, SignOut},
      {"GET", {"workspaces"}, true, ListWorkspaces},
      {"POST", {"workspaces"}, true, CreateWorkspace},
      {"PATCH", {"workspaces", "*"}, true, Rename},
      {"DELETE", {"workspaces", "*"}, true, Remove},
      {"POST", {"workspaces", "*", "members"}, true, SetMember},
      {"POST", {"bases"}, true, CreateBase},
      {"PATCH", {"bases", "*"}, true, Rename},
      {"DELETE", {"bases", "*"}, true, Remove},
      {"POST", {"bases", "*", "members"}, true, SetMember},
      {"GET", {"bases", "*", "schema"}, true, BaseSchemaForPages},
      {"GET", {"users"}, true, ListUsers},
      {"POST", {"users"}, true, AddUser},
      {"GET", {"tokens"}, true, ListTokens},
      {"POST", {"tokens"}, true, CreateToken},
      {"PATCH", {"tokens", "*"}, true, EditToken},
      {"DELETE", {"tokens", "*"}, true, RevokeToken},
      {"POST", {"tokens", "*", "regenerate"}, true, RegenerateToken},
      {"GET", {"audit"}, true, ListAudit},
  };
  return kRoutes;
}

const AccountRoute* MatchAccountRoute(const std::string& method,
                                      const std::vector<std::string>& segs) {
  for (const AccountRoute& r : AccountRoutes()) {
    if (r.method != method || r.pattern.size() != segs.size()) continue;
    bool same = true;
    for (size_t i = 0; same && i < segs.size(); ++i)
      same = r.pattern[i] == "*" ? !segs[i].empty() : r.pattern[i] == segs[i];
    if (same) return &r;
  }
  return nullptr;
}

}  // namespace

Result<Session> SignedIn(const Services& svc, const Request& req) {
  ASSIGN_OR_RETURN(std::optional<Session> session, svc.sessions->FromCookie(req.cookie));
  if (!session) return Error(ErrorCode::kAuthenticationRequired, "Sign in first");
  if (req.method != "GET" && !ConstantTimeEquals(req.csrf_token, session->csrf))
    return Error(ErrorCode::kInvalidPermissions, "Missing or wrong CSRF token");
  return std::move(*session);
}

Response AccountApi::Handle(const Request& req, const std::vector<std::string>& segs) const {
  const AccountRoute* route = MatchAccountRoute(req.method, segs);
  if (route && !route->session) return route->run(AccountCall{svc_, req, segs, nullptr});
  // Everything else needs a session (even to learn that a path does not exist).
  auto session = SignedIn(svc_, req);
  if (!session.ok()) return ErrorResponse(session.status());
  if (!route) return ErrorResponse(Error(ErrorCode::kNotFound));
  return route->run(AccountCall{svc_, req, segs, &session->user});
}

}  // namespace airbase::api
