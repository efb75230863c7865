// The web app's session-authenticated internal API (/api/...). See account.cc.
#pragma once

#include <string>
#include <vector>

#include "api/context.h"

namespace airbase::api {

// The session a request's cookie names, with its CSRF token checked for every method but GET:
// 401 without a session, 403 with a missing or wrong CSRF token.
Result<Session> SignedIn(const Services& svc, const Request& req);

class AccountApi {  // Safe for concurrent use.
 public:
  explicit AccountApi(const Services& services) : svc_(services) {}
  // `segs` are the decoded path segments after "api" (the router serves /api/v0 and /api/web
  // itself, acting for SignedIn's session).
  Response Handle(const Request& req, const std::vector<std::string>& segs) const;

 private:
  const Services& svc_;
};

}  // namespace airbase::api
