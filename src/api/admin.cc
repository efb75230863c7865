// The administration endpoints a self-hosted server can honour (airtable-api.md §5, issue 12):
// a workspace or a base with its collaborators, adding, changing and removing collaborators,
// moving a base between workspaces, and deleting a base or an empty workspace. Airtable keeps
// most of them for enterprise admins; here every workspace owner administers their workspace
// (docs/DECISIONS.md). Roles are checked as Airtable's share dialog checks them: a workspace's
// collaborators are its owners' to change, a base's its creators', never above the caller's own.
#include <algorithm>
#include <map>

#include "api/handlers.h"
#include "common/time_util.h"

namespace airbase::api {

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

// Collaborator lists and permission levels name owners (the list of bases says "create").
std::string_view LevelName(Role r) { return r == Role::kOwner ? "owner" : PermissionLevel(r); }

// A permission level of a request body: read, comment, edit, create, and on a workspace owner.
Result<Role> ParseLevel(const json::value* v, bool workspace) {
  if (v && v->is_string())
    for (Role r : {Role::kRead, Role::kComment, Role::kEdit, Role::kCreate, Role::kOwner})
      if ((workspace || r != Role::kOwner) && v->as_string() == LevelName(r)) return r;
  return Invalid(workspace ? "permissionLevel must be read, comment, edit, create or owner"
                           : "permissionLevel must be read, comment, edit or create");
}

// The caller's role on a workspace; a workspace they cannot see, or their token does not reach,
// answers as an unknown one.
Result<Role> WorkspaceAccess(Call& c, const std::string& ws_id) {
  if (!c.principal.ReachesWorkspace(ws_id)) return Error(ErrorCode::kPermissionsOrNotFound);
  ASSIGN_OR_RETURN(Role role, c.svc.store->WorkspaceRole(c.principal.user_id(), ws_id));
  if (role == Role::kNone) return Error(ErrorCode::kPermissionsOrNotFound);
  return role;
}

Result<Role> OwnerOf(Call& c, const std::string& ws_id) {
  ASSIGN_OR_RETURN(Role role, WorkspaceAccess(c, ws_id));
  if (role < Role::kOwner) return Error(ErrorCode::kInvalidPermissions);
  return role;
}

// `include` values, each one of `allowed`.
Result<std::vector<std::string>> Includes(const Call& c,
                                          std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> out = c.query.GetArray("include");
  for (const std::string& inc : out)
    if (std::find(allowed.begin(), allowed.end(), inc) == allowed.end()) {
      std::string names;
      for (std::string_view a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      return Invalid("include must name some of " + names);
    }
  return out;
}

bool Has(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The collaborator lists of a workspace or base answer. airbase keeps no grant history: a role
// dates from its workspace or base, granted by the workspace's first owner.
class CollaboratorLists {
 public:
  explicit CollaboratorLists(const WorkspaceDetail& d) : d_(d) {
    for (const auto& m : d.members)
      if (m.base_id.empty() && m.role == Role::kOwner) {
        granter_ = m.user.id;
        break;
      }
    for (const auto& [id, created] : d.bases) created_[id] = created;
  }

  int64_t BaseCreated(const std::string& id) const {
    auto it = created_.find(id);
    return it == created_.end() ? d_.created_ms : it->second;
  }

  // Everyone with a role on the workspace, and on its bases (`base`: only that one).
  void AddTo(json::object& o, const std::string& base, bool with_base_id) const {
    json::array via_ws, via_base;
    for (const auto& m : d_.members) {
      if (!m.base_id.empty() && !base.empty() && m.base_id != base) continue;
      json::object e{{"userId", m.user.id},
                     {"email", m.user.email},
                     {"permissionLevel", LevelName(m.role)},
                     {"grantedByUserId", granter_}};
      if (m.base_id.empty()) {
        e["createdTime"] = FormatIsoMs(d_.created_ms);
        via_ws.push_back(std::move(e));
      } else {
        if (with_base_id) e["baseId"] = m.base_id;
        e["createdTime"] = FormatIsoMs(BaseCreated(m.base_id));
        via_base.push_back(std::move(e));
      }
    }
    json::object individual{{"baseCollaborators", std::move(via_base)},
                            {"workspaceCollaborators", std::move(via_ws)}};
    o["collaborators"] = individual;  // deprecated by Airtable, still sent
    o["individualCollaborators"] = std::move(individual);
    o["groupCollaborators"] = {{"baseCollaborators", json::array()},
                               {"workspaceCollaborators", json::array()}};
  }

 private:
  const WorkspaceDetail& d_;
  std::string granter_;
  std::map<std::string, int64_t> created_;
};

json::object NoInviteLinks(const char* own) {
  return {{own, json::array()}, {"workspaceInviteLinks", json::array()}};
}

// Whose collaborators a call changes: a workspace (its owners may), or the call's base (its
// creators may; the router checked that).
struct Target {
  bool workspace = false;
  std::string id;     // wsp... or app...
  std::string ws_id;  // the workspace, a base's own
  Role caller = Role::kNone;
  const char* noun() const { return workspace ? "workspace" : "base"; }
};

Result<Target> ResolveTarget(Call& c, const std::string& workspace_id) {
  if (workspace_id.empty())
    return Target{false, c.schema->base.id, c.schema->base.workspace_id, c.role};
  ASSIGN_OR_RETURN(Role role, OwnerOf(c, workspace_id));
  return Target{true, workspace_id, workspace_id, role};
}

// A user's own role on the target (on a base: the base's, not the workspace's).
Result<Role> RoleOn(Call& c, const Target& t, const std::string& user_id) {
  if (t.workspace) return c.svc.store->WorkspaceRole(user_id, t.id);
  ASSIGN_OR_RETURN(auto d, c.svc.store->DescribeWorkspace(t.ws_id));
  if (d)
    for (const auto& m : d->members)
      if (m.base_id == t.id && m.user.id == user_id) return m.role;
  return Role::kNone;
}

Status SetRole(Call& c, const Target& t, const std::string& user_id, Role role) {
  return t.workspace ? c.svc.store->SetWorkspaceRole(t.id, user_id, role)
                     : c.svc.store->SetBaseRole(t.id, user_id, role);
}

}  // namespace

Result<std::string> GetWorkspace(Call& c, const std::string& ws_id) {
  RETURN_IF_ERROR(WorkspaceAccess(c, ws_id).status());
  ASSIGN_OR_RETURN(auto inc, Includes(c, {"collaborators", "inviteLinks"}));
  ASSIGN_OR_RETURN(auto d, c.svc.store->DescribeWorkspace(ws_id));
  if (!d) return Error(ErrorCode::kPermissionsOrNotFound);
  json::array base_ids;
  for (const auto& b : d->bases) base_ids.emplace_back(b.first);
  json::object o{{"id", d->workspace.id},
                 {"name", d->workspace.name},
                 {"createdTime", FormatIsoMs(d->created_ms)},
                 {"baseIds", std::move(base_ids)},
                 {"workspaceRestrictions",
                  {{"inviteCreationRestriction", "unrestricted"},
                   {"shareCreationRestriction", "unrestricted"}}}};
  if (Has(inc, "collaborators")) CollaboratorLists(*d).AddTo(o, "", true);
  if (Has(inc, "inviteLinks")) o["inviteLinks"] = NoInviteLinks("baseInviteLinks");
  return json::serialize(o);
}

Result<std::string> DeleteWorkspace(Call& c, const std::string& ws_id) {
  RETURN_IF_ERROR(OwnerOf(c, ws_id).status());
  ASSIGN_OR_RETURN(auto d, c.svc.store->DescribeWorkspace(ws_id));
  if (!d) return Error(ErrorCode::kPermissionsOrNotFound);
  // Airtable moves a deleted workspace's bases to its trash; airbase has none, so it refuses
  // rather than lose them.
  if (!d->bases.empty())
    return Invalid("The workspace still holds " + std::to_string(d->bases.size()) +
                   (d->bases.size() == 1 ? " base" : " bases") +
                   ": move them to another workspace or delete them first");
  RETURN_IF_ERROR(c.svc.store->DeleteWorkspace(ws_id));
  return json::serialize(json::object{{"id", ws_id}, {"deleted", true}});
}

Result<std::string> MoveBase(Call& c, const std::string& ws_id) {
  RETURN_IF_ERROR(OwnerOf(c, ws_id).status());
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  for (const auto& kv : body)
    if (kv.key() != "baseId" && kv.key() != "targetWorkspaceId" && kv.key() != "targetIndex")
      return Invalid("Unknown key " + std::string(kv.key()) +
                     ": a move names baseId, targetWorkspaceId and optionally targetIndex");
  const json::value* base_id = body.if_contains("baseId");
  const json::value* target = body.if_contains("targetWorkspaceId");
  if (!base_id || !base_id->is_string()) return Invalid("baseId is required");
  if (!target || !target->is_string()) return Invalid("targetWorkspaceId is required");
  int64_t index = -1;
  if (const json::value* ti = body.if_contains("targetIndex"); ti && !ti->is_null()) {
    // A whole number, as an integer or as a double without a fraction (to_number refuses a
    // conversion that would lose anything: a fraction, a number out of range, a string).
    boost::system::error_code ec;
    index = ti->to_number<int64_t>(ec);
    const bool whole = !ec;
    if (!whole || index < 0)
      return Invalid(
          "targetIndex must be a whole number from 0 to the number of bases in the "
          "target workspace");
  }
  ASSIGN_OR_RETURN(auto base, c.svc.store->FindBase(std::string(base_id->as_string())));
  if (!base || base->workspace_id != ws_id) return Error(ErrorCode::kPermissionsOrNotFound);
  const std::string to(target->as_string());
  RETURN_IF_ERROR(OwnerOf(c, to).status());
  RETURN_IF_ERROR(c.svc.store->MoveBase(base->id, to, index));
  return std::string("{}");
}

Result<std::string> GetBaseCollaborators(Call& c) {
  const BaseInfo& base = c.schema->base;
  ASSIGN_OR_RETURN(auto inc,
                   Includes(c, {"collaborators", "inviteLinks", "interfaces", "packages"}));
  ASSIGN_OR_RETURN(auto d, c.svc.store->DescribeWorkspace(base.workspace_id));
  if (!d) return Error(ErrorCode::kPermissionsOrNotFound);
  CollaboratorLists lists(*d);
  json::object o{{"id", base.id},
                 {"name", base.name},
                 {"createdTime", FormatIsoMs(lists.BaseCreated(base.id))},
                 {"permissionLevel", LevelName(c.role)},
                 {"workspaceId", base.workspace_id}};
  if (Has(inc, "collaborators")) lists.AddTo(o, base.id, false);
  if (Has(inc, "inviteLinks")) o["inviteLinks"] = NoInviteLinks("baseInviteLinks");
  if (Has(inc, "interfaces")) o["interfaces"] = json::object();  // airbase has no interfaces
  if (Has(inc, "packages")) o["packageInstallations"] = json::array();
  return json::serialize(o);
}

Result<std::string> DeleteBase(Call& c) {
  RETURN_IF_ERROR(c.svc.store->DeleteBase(c.schema->base.id));
  return json::serialize(json::object{{"id", c.schema->base.id}, {"deleted", true}});
}

Result<std::string> AddCollaborator(Call& c, const std::string& workspace_id) {
  ASSIGN_OR_RETURN(Target t, ResolveTarget(c, workspace_id));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  const json::value* list = body.if_contains("collaborators");
  if (!list || !list->is_array() || list->as_array().empty())
    return Invalid(R"(collaborators must be an array of one collaborator, as )"
                   R"({"user": {"id": "usr..."}, "permissionLevel": "edit"})");
  if (list->as_array().size() > 1)
    return Error(ErrorCode::kInvalidPermissions,
                 "You are only permitted to add one collaborator at a time");
  const json::value& item = list->as_array().front();
  if (!item.is_object())
    return Invalid("A collaborator is an object with user and permissionLevel");
  const json::object& o = item.as_object();
  if (o.contains("group")) return Invalid("airbase has no user groups: add users");
  const json::value* user = o.if_contains("user");
  const json::value* id = user && user->is_object() ? user->as_object().if_contains("id") : nullptr;
  if (!id || !id->is_string()) return Invalid("A collaborator needs user.id, a user id");
  ASSIGN_OR_RETURN(Role level, ParseLevel(o.if_contains("permissionLevel"), t.workspace));
  if (level > t.caller) return Error(ErrorCode::kInvalidPermissions);
  ASSIGN_OR_RETURN(auto found, c.svc.store->FindUser(std::string(id->as_string())));
  if (!found)
    return Error(ErrorCode::kInvalidPermissions, "User must be active and email verified");
  ASSIGN_OR_RETURN(Role now, RoleOn(c, t, found->id));
  if (now != Role::kNone)
    return Invalid(found->id + " is already a collaborator on this " + t.noun() +
                   ": change their permission level with PATCH .../collaborators/" + found->id);
  RETURN_IF_ERROR(SetRole(c, t, found->id, level));
  return std::string("{}");
}

Result<std::string> ChangeCollaborator(Call& c, const std::string& workspace_id,
                                       const std::string& user_id, bool remove) {
  ASSIGN_OR_RETURN(Target t, ResolveTarget(c, workspace_id));
  Role level = Role::kNone;
  if (!remove) {
    ASSIGN_OR_RETURN(json::object body, BodyObject(c));
    ASSIGN_OR_RETURN(level, ParseLevel(body.if_contains("permissionLevel"), t.workspace));
  }
  // Only the target's own collaborators (a base's, not its workspace's), and none above the
  // caller; the store keeps a workspace's sole owner.
  ASSIGN_OR_RETURN(Role now, RoleOn(c, t, user_id));
  if (now == Role::kNone) return Error(ErrorCode::kInvalidPermissions, "Invalid permissions");
  if (now > t.caller || level > t.caller) return Error(ErrorCode::kInvalidPermissions);
  RETURN_IF_ERROR(SetRole(c, t, user_id, level));
  return std::string("{}");
}

}  // namespace airbase::api
