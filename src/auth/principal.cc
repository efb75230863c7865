// Principal (principal.h): a token's grant as it is, or a session's grant made from its user.
#include "auth/principal.h"

#include <algorithm>

#include "auth/scopes.h"

namespace airbase {

namespace {
bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

Principal Principal::ForToken(TokenRecord record) {
  Principal p;
  p.grant = std::move(record);
  return p;
}

Principal Principal::ForSession(const std::string& user_id) {
  Principal p;
  p.kind = Kind::kSession;
  p.grant.user_id = user_id;
  p.grant.all_bases = true;
  for (const auto& s : AllScopes())
    if (s.basic) p.grant.scopes.emplace_back(s.name);
  return p;
}

bool Principal::HasScope(std::string_view scope) const { return Contains(grant.scopes, scope); }

bool Principal::Reaches(const BaseInfo& base) const {
  return grant.all_bases || Contains(grant.base_ids, base.id) ||
         Contains(grant.workspace_ids, base.workspace_id);
}

bool Principal::ReachesWorkspace(const std::string& workspace_id) const {
  return grant.all_bases || Contains(grant.workspace_ids, workspace_id);
}

}  // namespace airbase
