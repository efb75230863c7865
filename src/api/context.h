// The API layer's view of a request and its answer, independent of the HTTP library, and the
// services a handler uses. src/http converts Beast messages to and from these.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/rate_limiter.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/json_util.h"
#include "http/message.h"
#include "storage/store.h"

namespace airbase {
class Metrics;  // common/metrics.h
}

namespace airbase::api {

class WebhookNotifier;
class AttachmentFetcher;
class LiveHub;

// The HTTP layer's messages (http/message.h), by their names in this layer.
using Request = http::Request;
using Response = http::Response;

Response ErrorResponse(const Status& status);
Response JsonResponse(std::string body);

struct Services {
  Store* store = nullptr;
  TokenService* tokens = nullptr;
  RateLimiter* limiter = nullptr;  // null: rate limits off
  const Clock* clock = nullptr;
  IdGenerator* ids = nullptr;
  bool sql_filters = true;  // compile filterByFormula to SQL where exact (off: evaluator only)
  SessionService* sessions = nullptr;    // the web app's accounts (null: /api/ answers 404)
  WebhookNotifier* notifier = nullptr;   // pings webhook notification URLs (null: no pings)
  AttachmentFetcher* fetcher = nullptr;  // fetches attachments by URL (null: only queued)
  bool https = false;              // --public-url is https://: the web app is served over HTTPS
  std::string public_origin = "";  // --public-url without a trailing slash; "" when not set
  Metrics* metrics = nullptr;      // counts requests and refusals (null: none kept)
  bool metrics_here = true;        // GET /metrics answers on this listener (else on its own)
  LiveHub* live = nullptr;         // the web app's live updates (null: /events answers 404)
};

// True when the client reached the web app over HTTPS: --public-url https://..., or a proxy in
// front said so with X-Forwarded-Proto. Session cookies then carry Secure.
inline bool ServedOverHttps(const Services& svc, const Request& req) {
  return svc.https || req.forwarded_proto == "https";
}

// The headers every web app answer carries (pages, scripts, and its /api): a strict Content
// Security Policy (scripts, styles and connections from this origin only; no framing), no MIME
// sniffing, and no referrer sent to other origins.
inline constexpr const char* kWebSecurityHeaders =
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: same-origin\r\n";

// Decoded query parameters: keys and values percent-decoded, '+' as space, order kept.
class Query {
 public:
  static Result<Query> Parse(std::string_view raw);
  // The last value of `key`, if present.
  std::optional<std::string> Get(std::string_view key) const;
  // Values of an array parameter: `key[]=`, `key[0]=`, and repeated bare `key=` all count.
  std::vector<std::string> GetArray(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool Has(std::string_view key) const { return Get(key).has_value(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Reads "true"/"false"/"1"/"0"; nullopt when absent, error when malformed.
Result<std::optional<bool>> QueryBool(const Query& q, std::string_view key);

}  // namespace airbase::api
