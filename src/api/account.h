// The web app's session-authenticated internal API (/api/...). See account.cc.
#pragma once

#include <string>
#include <vector>

#include "api/context.h"

namespace airbase::api {

class AccountApi {  // Safe for concurrent use.
 public:
  explicit AccountApi(const Services& services) : svc_(services) {}
  // `segs` are the decoded path segments after "api".
  // `router` serves /api/v0/... as the signed-in user (the web app's window onto the public API).
  Response Handle(const Request& req, const std::vector<std::string>& segs,
                  const class Router& router) const;

 private:
  const Services& svc_;
};

}  // namespace airbase::api
