// The token scopes and their descriptions (scopes.h).
#include "auth/scopes.h"

namespace airbase {

const std::vector<ScopeInfo>& AllScopes() {
  static const std::vector<ScopeInfo> kScopes = {
      {"data.records:read", "See the data in records", true},
      {"data.records:write", "Create, edit, and delete records", true},
      {"data.recordComments:read", "See comments in records", true},
      {"data.recordComments:write", "Create, edit, and delete record comments", true},
      {"schema.bases:read", "See the structure of a base, like table names or field types", true},
      {"schema.bases:write", "Edit the structure of a base, like adding new fields or tables",
       true},
      {"webhook:manage",
       "View, create, delete webhooks for a base, as well as fetch webhook "
       "payloads",
       true},
      {"block:manage", "Create new releases and submissions for custom extensions", true},
      {"user.email:read", "See the user's email address", true},
      {"enterprise.groups:read", "See user groups, their access and members", false},
      {"workspacesAndBases:read", "See workspace and base metadata, including collaborators", true},
      {"workspacesAndBases:write", "Edit workspace and base metadata, including collaborators",
       true},
      {"workspacesAndBases.shares:manage", "View, enable, disable and delete share links", false},
      {"workspacesAndBases:manage", "Delete bases and move them between workspaces", true},
      {"enterprise.scim.usersAndGroups:manage", "SCIM user and group provisioning", false},
      {"enterprise.auditLogs:read", "See audit logs", false},
      {"enterprise.changeEvents:read", "See change events", false},
      {"enterprise.exports:manage", "Manage data exports, including eDiscovery", false},
      {"enterprise.account:read", "See enterprise account data", false},
      {"enterprise.account:write", "Edit the enterprise account", false},
      {"enterprise.user:read", "See enterprise users' account information", false},
      {"enterprise.user:write", "Manage enterprise users", false},
      {"enterprise.groups:manage", "Manage user groups", false},
      {"hyperDB.records:read", "See HyperDB table records", false},
      {"hyperDB.records:write", "Edit HyperDB table records", false},
      {"data.records:manage", "Internal scope (accepted, grants nothing more)", false},
      {"enterprise.usersAndGroups:manage", "Internal scope (accepted, grants nothing more)", false},
  };
  return kScopes;
}

bool IsKnownScope(std::string_view s) {
  for (const auto& sc : AllScopes())
    if (sc.name == s) return true;
  return false;
}

}  // namespace airbase
