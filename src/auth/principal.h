// Who a request acts for: a personal access token (the public API) or a signed-in web session
// (the web app, which reaches the same endpoints under /api/v0 and /api/web). The router checks
// one type either way: its scopes, the bases and workspaces it reaches, and the user whose roles
// cap everything it does. A session holds every basic scope and reaches all of its user's bases.
#pragma once

#include <string>
#include <string_view>

#include "schema/model.h"
#include "storage/store.h"

namespace airbase {

struct Principal {
  enum class Kind { kToken, kSession };
  Kind kind = Kind::kToken;
  TokenRecord grant;  // the token's record; for a session: its user, scopes and "all bases"

  static Principal ForToken(TokenRecord record);
  static Principal ForSession(const std::string& user_id);

  const std::string& user_id() const { return grant.user_id; }
  bool IsSession() const { return kind == Kind::kSession; }
  bool HasScope(std::string_view scope) const;
  // True when the grant's resources include `base` (scopes and role are checked separately).
  bool Reaches(const BaseInfo& base) const;
  bool ReachesWorkspace(const std::string& workspace_id) const;
};

}  // namespace airbase
