// The personal access token scopes (airtable-api.md §2.3), with the one-line description the CLI
// and the web app show for each.
#pragma once

#include <string_view>
#include <vector>

namespace airbase {

struct ScopeInfo {
  std::string_view name;
  std::string_view description;
  bool basic;  // false: enterprise scopes, accepted by name but granting nothing airbase has
};

const std::vector<ScopeInfo>& AllScopes();
bool IsKnownScope(std::string_view scope);

namespace scope {
inline constexpr std::string_view kRecordsRead = "data.records:read";
inline constexpr std::string_view kRecordsWrite = "data.records:write";
inline constexpr std::string_view kCommentsRead = "data.recordComments:read";
inline constexpr std::string_view kCommentsWrite = "data.recordComments:write";
inline constexpr std::string_view kSchemaRead = "schema.bases:read";
inline constexpr std::string_view kSchemaWrite = "schema.bases:write";
inline constexpr std::string_view kWebhookManage = "webhook:manage";
inline constexpr std::string_view kBlockManage = "block:manage";
inline constexpr std::string_view kUserEmailRead = "user.email:read";
inline constexpr std::string_view kWorkspacesRead = "workspacesAndBases:read";
inline constexpr std::string_view kWorkspacesWrite = "workspacesAndBases:write";
inline constexpr std::string_view kWorkspacesManage = "workspacesAndBases:manage";
}  // namespace scope

}  // namespace airbase
