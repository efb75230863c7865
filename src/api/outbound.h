// Requests airbase makes to other servers (webhook pings, attachments by URL): which addresses
// they may reach, and an HTTP POST or GET with one hard time budget over the whole exchange.
// A shared server must not become a proxy into its own network: loopback, private, link-local,
// shared (CGNAT), multicast and unspecified destinations are refused unless the server setting
// kAllowPrivateSetting is "true". Names are resolved once and the connection goes only to the
// addresses that were checked (no second lookup that could answer differently). Safe for
// concurrent use.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace airbase::api {

inline constexpr const char* kAllowPrivateSetting = "outbound.allowPrivateAddresses";

// True when `store`'s settings allow outbound requests to non-public addresses.
bool AllowPrivateDestinations(Store& store);

// True for a globally routable unicast address.
bool IsPublicAddress(const boost::asio::ip::address& a);

struct Destination {
  bool tls = false;
  std::string host;  // as in the URL (SNI and Host header)
  std::string port;
  std::string target;                                     // path and query
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // checked addresses
};

// Parses an http(s) URL and resolves its host. kInvalidRequestUnknown for a malformed URL or
// a refused address (the message says which, naming the URL as `what`); kRetriable when the
// name does not resolve.
Result<Destination> ResolveDestination(std::string_view url, bool allow_private,
                                       std::string_view what = "notificationUrl");

struct PostResult {
  int status = 0;     // HTTP status; 0 when no answer came
  std::string error;  // empty on a 2xx answer; our words, never a library's source location
};

// POSTs `body` with the extra headers (name, value) and reads the answer, all within `budget`.
PostResult PostJson(const Destination& dest, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    std::chrono::milliseconds budget);

struct GetResult {
  int status = 0;                      // HTTP status; 0 when no answer came
  std::string error;                   // empty when an answer came whole; our words
  std::string content_type, location;  // the answer's headers
  int retry_after = 0;                 // its Retry-After in seconds (0: none)
  std::string body;
};

// GETs the destination's target and reads the answer (a body of at most `max_body` bytes, else
// an error), all within `budget`. Redirects are the caller's to follow (each a new destination
// it checks).
GetResult Get(const Destination& dest, std::chrono::milliseconds budget, size_t max_body,
              const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace airbase::api
