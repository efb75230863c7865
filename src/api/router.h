// Routing: the path split and percent-decoded segment by segment (so %2F stays inside a table
// name); /v0 with a bearer token, /api/v0 and /api/web with a web session (both a Principal);
// then scope, resources and role checked in Airtable's precedence (airtable-api.md §6.4), then
// the handler. The rest of /api is the web app's own (account.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"

namespace airbase::api {

// GET /metrics's answer (Prometheus' text format), also what a --metrics-listen address serves.
Response MetricsResponse(Metrics& metrics);

// A listener of its own for GET /metrics (--metrics-listen): that and nothing else.
class MetricsHandler final : public http::Handler {
 public:
  explicit MetricsHandler(Metrics* metrics) : metrics_(metrics) {}
  Response Handle(const Request& req) const override;

 private:
  Metrics* metrics_;
};

class Router final : public http::Handler {  // Safe for concurrent use.
 public:
  explicit Router(Services services) : svc_(services) {}
  Response Handle(const Request& req) const override;

 private:
  Response Route(const Request& req) const;
  Response Health(bool liveness) const;
  // A /v0 request (`web`: a grid endpoint under /api/web), acting for `session` when the web app
  // sent it and for the bearer token otherwise. `segs` still starts with "v0" or "web".
  Response Dispatch(const Request& req, bool web, std::vector<std::string> segs,
                    std::string_view raw_query, const Principal* session) const;

  Services svc_;
};

}  // namespace airbase::api
