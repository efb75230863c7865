// The web app's internal API under /api/ (session cookie + CSRF token; never bearer tokens):
// first-run setup, sign-in/out, workspaces and bases, and the personal access token life cycle.
// The browser never receives a token's secret except in the answer that creates or regenerates it.
#include "api/account.h"

#include <boost/json.hpp>

#include "api/router.h"
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

}  // namespace

Response AccountApi::Handle(const Request& req, const std::vector<std::string>& segs,
                            const Router& router) const {
  auto reply = [](Result<std::string> r) {
    return r.ok() ? JsonResponse(std::move(*r)) : ErrorResponse(r.status());
  };
  const std::string& m = req.method;
  size_t n = segs.size();
  auto body = [&]() -> Result<json::object> {
    // JSON only: an HTML form cannot send it cross-site without a CORS preflight.
    if (req.content_type.rfind("application/json", 0) != 0)
      return Error(ErrorCode::kInvalidRequestBody, "Send JSON (Content-Type: application/json)");
    ASSIGN_OR_RETURN(json::value v, ParseJson(req.body));
    if (!v.is_object()) return Error(ErrorCode::kInvalidRequestBody);
    return std::move(v.as_object());
  };

  // Endpoints that work without a session.
  if (n == 1 && segs[0] == "state" && m == "GET") {
    auto needed = svc_.sessions->SetupNeeded();
    if (!needed.ok()) return ErrorResponse(needed.status());
    auto session = svc_.sessions->FromCookie(req.cookie);
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
  if (n == 1 && (segs[0] == "setup" || segs[0] == "signin") && m == "POST") {
    auto b = body();
    if (!b.ok()) return ErrorResponse(b.status());
    auto started =
        segs[0] == "setup"
            ? svc_.sessions->Setup(Str(*b, "email"), Str(*b, "name"), Str(*b, "password"))
            : svc_.sessions->SignIn(Str(*b, "email"), Str(*b, "password"));
    if (!started.ok()) {
      Response r = ErrorResponse(started.status());
      if (started.status().code() == ErrorCode::kRateLimited) r.retry_after = 30;
      return r;
    }
    Response r = JsonResponse(json::serialize(json::object{
        {"user", json::parse(UserJson(started->session.user))}, {"csrf", started->session.csrf}}));
    r.set_cookie = SessionService::CookieFor(started->secret, ServedOverHttps(svc_, req));
    return r;
  }
  if (n == 1 && segs[0] == "scopes" && m == "GET") {
    json::array out;
    for (const auto& s : AllScopes())
      out.push_back(
          json::object{{"name", s.name}, {"description", s.description}, {"basic", s.basic}});
    return JsonResponse(json::serialize(json::object{{"scopes", std::move(out)}}));
  }

  // Everything else needs a session; state changes also need its CSRF token.
  auto session = svc_.sessions->FromCookie(req.cookie);
  if (!session.ok()) return ErrorResponse(session.status());
  if (!*session) return ErrorResponse(Error(ErrorCode::kAuthenticationRequired, "Sign in first"));
  const User& user = (*session)->user;
  if (m != "GET" && !ConstantTimeEquals(req.csrf_token, (*session)->csrf))
    return ErrorResponse(Error(ErrorCode::kInvalidPermissions, "Missing or wrong CSRF token"));

  // The public API as the signed-in user: the web app's grid and pages use it with the session
  // (and its CSRF token) instead of a personal access token. Roles still cap every request.
  // /api/web/...: the grid's record ids and view settings, same checks, session only.
  if (n >= 1 && (segs[0] == "v0" || segs[0] == "web")) {
    AuthToken as;
    as.record.id = "session";
    as.record.user_id = user.id;
    as.record.all_bases = true;
    for (const auto& s : AllScopes())
      if (s.basic) as.record.scopes.emplace_back(s.name);
    Request inner = req;
    inner.target = segs[0] == "v0" ? req.target.substr(4)                 // drop "/api"
                                   : "/_web" + req.target.substr(8);  // "/api/web" -> "/_web"
    return router.Handle(inner, &as);
  }
  if (n == 1 && segs[0] == "password" && m == "POST") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(json::object b, body());
      RETURN_IF_ERROR(svc_.sessions->ChangePassword(req.cookie, user, Str(b, "currentPassword"),
                                                    Str(b, "newPassword")));
      return std::string("{}");
    }());
  }
  if (n == 1 && segs[0] == "signout" && m == "POST") {
    Status st = svc_.sessions->SignOut(req.cookie);
    Response r = st.ok() ? JsonResponse("{}") : ErrorResponse(st);
    r.set_cookie = SessionService::ClearCookie(ServedOverHttps(svc_, req));
    return r;
  }
  if (n == 1 && segs[0] == "workspaces" && m == "GET") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(auto wss, svc_.store->ListWorkspaces(user.id));
      ASSIGN_OR_RETURN(auto bases, svc_.store->ListBases(user.id));
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
  // Users: the server's owner (its first user) adds accounts; workspace owners and base creators
  // share with a role, which caps what the member's tokens can do.
  auto role_of = [](const std::string& r) -> Result<Role> {
    if (r == "none") return Role::kNone;
    auto role = ParseRole(r);
    if (!role) return Invalid("role must be owner, creator, editor, commenter, read or none");
    return *role;
  };
  if (n == 1 && segs[0] == "users") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(auto users, svc_.store->ListUsers());
      if (users.empty() || users.front().id != user.id)
        return Error(ErrorCode::kInvalidPermissions, "Only the server's owner manages users");
      if (m == "GET") {
        json::array out;
        for (const User& u : users) out.push_back(json::parse(UserJson(u)));
        return json::serialize(json::object{{"users", std::move(out)}});
      }
      if (m != "POST") return Error(ErrorCode::kNotFound);
      ASSIGN_OR_RETURN(json::object b, body());
      std::string email = Str(b, "email"), name = Str(b, "name"), password = Str(b, "password");
      if (email.find('@') == std::string::npos || name.empty())
        return Invalid("An email and a name are required");
      if (password.size() < kMinPasswordLength)
        return Invalid("The password must have at least 8 characters");
      ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
      auto created = svc_.store->CreateUser(email, name, hash);
      if (!created.ok()) return Invalid(created.status().message());
      return UserJson(*created);
    }());
  }
  if (n == 3 && (segs[0] == "workspaces" || segs[0] == "bases") && segs[2] == "members" &&
      m == "POST") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(json::object b, body());
      ASSIGN_OR_RETURN(Role role, role_of(Str(b, "role")));
      // The caller's right to share comes first: nobody without it learns which emails exist.
      bool ws = segs[0] == "workspaces";
      ASSIGN_OR_RETURN(Role mine, ws ? svc_.store->WorkspaceRole(user.id, segs[1])
                                     : svc_.store->BaseRole(user.id, segs[1]));
      if (mine == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
      if (mine < (ws ? Role::kOwner : Role::kCreate) || role > mine)
        return Error(ErrorCode::kInvalidPermissions);
      ASSIGN_OR_RETURN(auto member, svc_.store->FindUserByEmail(Str(b, "email")));
      if (!member) return Invalid("No user with that email: the server's owner adds users first");
      RETURN_IF_ERROR(ws ? svc_.store->SetWorkspaceRole(segs[1], member->id, role)
                         : svc_.store->SetBaseRole(segs[1], member->id, role));
      return std::string("{}");
    }());
  }
  // Workspaces and bases: create, rename, delete.
  auto name_of = [&](const json::object& b) -> Result<std::string> {
    std::string name = Str(b, "name");
    if (name.empty() || name.size() > 255)
      return Invalid("A name of 1 to 255 characters is required");
    return name;
  };
  // PATCH {"name"} renames and DELETE deletes a workspace or base, once the caller's role on it
  // is at least `need` (no role at all looks like a missing object).
  auto RenameOrDelete = [&](Result<Role> have, Role need, auto rename,
                            auto remove) -> Result<std::string> {
    ASSIGN_OR_RETURN(Role role, std::move(have));
    if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
    if (role < need) return Error(ErrorCode::kInvalidPermissions);
    if (m == "PATCH") {
      ASSIGN_OR_RETURN(json::object b, body());
      ASSIGN_OR_RETURN(std::string name, name_of(b));
      RETURN_IF_ERROR(rename(name));
    } else if (m == "DELETE") {
      RETURN_IF_ERROR(remove());
    } else {
      return Error(ErrorCode::kNotFound);
    }
    return std::string("{}");
  };
  if (n >= 1 && segs[0] == "workspaces" && m != "GET") {
    return reply([&]() -> Result<std::string> {
      if (n == 1 && m == "POST") {
        ASSIGN_OR_RETURN(json::object b, body());
        ASSIGN_OR_RETURN(std::string name, name_of(b));
        ASSIGN_OR_RETURN(Workspace w, svc_.store->CreateWorkspace(user.id, name));
        return json::serialize(json::object{{"id", w.id}, {"name", w.name}});
      }
      if (n != 2) return Error(ErrorCode::kNotFound);
      return RenameOrDelete(
          svc_.store->WorkspaceRole(user.id, segs[1]), Role::kOwner,
          [&](const std::string& name) { return svc_.store->RenameWorkspace(segs[1], name); },
          [&] { return svc_.store->DeleteWorkspace(segs[1]); });
    }());
  }
  if (n >= 1 && segs[0] == "bases" && (m == "POST" || m == "PATCH" || m == "DELETE")) {
    return reply([&]() -> Result<std::string> {
      if (n == 1 && m == "POST") {
        ASSIGN_OR_RETURN(json::object b, body());
        ASSIGN_OR_RETURN(std::string name, name_of(b));
        std::string ws = Str(b, "workspaceId");
        ASSIGN_OR_RETURN(Role role, svc_.store->WorkspaceRole(user.id, ws));
        if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
        if (role < Role::kCreate) return Error(ErrorCode::kInvalidPermissions);
        // A new base starts with one table, "Table 1", and a grid view, as on Airtable.
        IdGenerator& ids = *svc_.ids;
        Table t;
        t.id = ids.Next("tbl");
        t.name = "Table 1";
        for (auto [fname, type] :
             {std::pair<const char*, FieldType>{"Name", FieldType::kSingleLineText},
              {"Notes", FieldType::kMultilineText}}) {
          Field f;
          f.id = ids.Next("fld");
          f.name = fname;
          f.type = type;
          t.fields.push_back(f);
        }
        t.primary_field_id = t.fields[0].id;
        t.views.push_back(View::Grid(ids.Next("viw")));
        BaseInfo base{ids.Next("app"), name, ws, 1};
        RETURN_IF_ERROR(svc_.store->CreateBase(base, {t}));
        return json::serialize(json::object{{"id", base.id}, {"name", base.name}});
      }
      if (n != 2) return Error(ErrorCode::kNotFound);
      return RenameOrDelete(
          svc_.store->BaseRole(user.id, segs[1]), Role::kCreate,
          [&](const std::string& name) { return svc_.store->RenameBase(segs[1], name); },
          [&] { return svc_.store->DeleteBase(segs[1]); });
    }());
  }
  if (n >= 1 && segs[0] == "tokens") {
    TokenService& tokens = *svc_.tokens;
    if (n == 1 && m == "GET") {
      return reply([&]() -> Result<std::string> {
        ASSIGN_OR_RETURN(auto list, tokens.List(user.id));
        json::array out;
        for (const auto& t : list) out.push_back(TokenJson(t));
        return json::serialize(json::object{{"tokens", std::move(out)}});
      }());
    }
    if (n == 1 && m == "POST") {
      return reply([&]() -> Result<std::string> {
        ASSIGN_OR_RETURN(json::object b, body());
        ASSIGN_OR_RETURN(TokenSpec spec, SpecFrom(b));
        ASSIGN_OR_RETURN(std::string token, tokens.Create(user.id, spec));
        return json::serialize(json::object{{"id", token.substr(0, 17)}, {"token", token}});
      }());
    }
    if (n == 2 && m == "PATCH") {
      return reply([&]() -> Result<std::string> {
        ASSIGN_OR_RETURN(json::object b, body());
        ASSIGN_OR_RETURN(TokenSpec spec, SpecFrom(b));
        RETURN_IF_ERROR(tokens.Edit(user.id, segs[1], spec));
        return std::string("{}");
      }());
    }
    if (n == 2 && m == "DELETE") {
      Status st = tokens.Revoke(user.id, segs[1]);
      return st.ok() ? JsonResponse("{}") : ErrorResponse(st);
    }
    if (n == 3 && segs[2] == "regenerate" && m == "POST") {
      return reply([&]() -> Result<std::string> {
        ASSIGN_OR_RETURN(std::string token, tokens.Regenerate(user.id, segs[1], 0));
        return json::serialize(json::object{{"id", segs[1]}, {"token", token}});
      }());
    }
  }
  // A base's schema for the base and API pages: any role on the base suffices.
  if (n == 3 && segs[0] == "bases" && segs[2] == "schema" && m == "GET") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(Role role, svc_.store->BaseRole(user.id, segs[1]));
      ASSIGN_OR_RETURN(auto schema, svc_.store->LoadSchema(segs[1]));
      if (role == Role::kNone || !schema) return Error(ErrorCode::kPermissionsOrNotFound);
      json::array tables;
      for (const Table& t : schema->tables) {
        json::array fields;
        for (const Field& f : t.fields) {
          json::object fo{{"id", f.id}, {"name", f.name}, {"type", FieldTypeName(f.type)}};
          if (!f.options.empty()) fo["options"] = f.options;
          if (!f.description.empty()) fo["description"] = f.description;
          json::array ops;
          for (std::string_view op : formula::ViewOperators(f.type)) ops.emplace_back(op);
          fo["filterOperators"] = std::move(ops);
          fields.push_back(std::move(fo));
        }
        json::array views;
        for (const View& v : t.views)
        {
          json::object vo{{"id", v.id}, {"name", v.name}, {"type", v.type}};
          for (auto& [k, val] : v.ConfigJson()) vo[k] = val;
          views.push_back(std::move(vo));
        }
        tables.push_back(json::object{{"id", t.id},
                                      {"name", t.name},
                                      {"primaryFieldId", t.primary_field_id},
                                      {"fields", std::move(fields)},
                                      {"views", std::move(views)}});
      }
      return json::serialize(json::object{{"id", schema->base.id},
                                          {"name", schema->base.name},
                                          {"permissionLevel", PermissionLevel(role)},
                                          {"tables", std::move(tables)}});
    }());
  }
  if (n == 1 && segs[0] == "audit" && m == "GET") {
    return reply([&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(auto events, svc_.store->ListAudit(user.id, 200));
      json::array out;
      for (const auto& e : events)
        out.push_back(json::object{{"time", FormatIsoMs(e.at_ms)},
                                   {"tokenId", e.token_id},
                                   {"event", e.event},
                                   {"detail", e.detail}});
      return json::serialize(json::object{{"events", std::move(out)}});
    }());
  }
  return ErrorResponse(Error(ErrorCode::kNotFound));
}

}  // namespace airbase::api
