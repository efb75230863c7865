// Routing of /v0 requests: path split and percent-decoded segment by segment (so %2F stays inside
// a table name), then token, scope, resources and role checked in Airtable's precedence
// (airtable-api.md §6.4), then the handler.
#pragma once

#include "api/context.h"

namespace airbase::api {

class Router final : public http::Handler {  // Safe for concurrent use.
 public:
  explicit Router(Services services) : svc_(services) {}
  Response Handle(const Request& req) const override;
  // The same, acting for a signed-in web app user instead of a bearer token: `as` stands in for
  // the token (its owner's role still caps every request).
  Response Handle(const Request& req, const AuthToken* as) const;

 private:
  Services svc_;
};

}  // namespace airbase::api
