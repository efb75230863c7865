// The HTTP layer's view of one exchange, and the interface it hands requests to. The server
// (server.cc) turns Beast messages into a Request, calls a Handler on one of its threads with a
// RequestBudget installed, and writes the Response; what the request means is the handler's
// business (api::Router implements Handler), so this layer never includes api/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http/stream.h"

namespace airbase::http {

struct Request {
  std::string method;           // "GET", "POST", ...
  std::string target;           // path and query, still percent-encoded
  std::string authorization;    // the Authorization header, never logged
  std::string cookie;           // the Cookie header (web app sessions), never logged
  std::string csrf_token;       // the X-CSRF-Token header
  std::string content_type;     // the Content-Type header
  std::string forwarded_proto;  // X-Forwarded-Proto from a proxy in front ("https")
  std::string host;             // the Host header (attachment URLs name the host asked for)
  std::string range;            // the Range header (attachment files)
  std::string client;           // X-Airbase-Client: the web page that sent it (live updates)
  std::string body;
};

struct Response {
  int status = 200;
  std::string body;
  int retry_after = 0;  // seconds; 0 = no Retry-After header
  std::string content_type = "application/json; charset=utf-8";
  std::string set_cookie;     // a Set-Cookie header value; empty = none
  std::string extra_headers;  // more header lines, each ending in \r\n (security headers)
  // A HEAD's Content-Length (the GET's body size) when >= 0; a HEAD's body is never written.
  int64_t head_length = -1;
  // For metrics and access logs: the route pattern that answered (a string that lives as long
  // as the process; null: no route matched) and the base the request named ("" for none).
  const char* route = nullptr;
  std::string base_id;
  // Close the connection without answering (the emulator's injected faults, api/control.h).
  bool drop = false;
  // An answer that stays open (server-sent events): the head, then what the stream is given.
  // `body` is not written; `content_type` is.
  std::shared_ptr<BodyStream> stream;
};

class Handler {  // Implementations must be safe for concurrent use.
 public:
  virtual ~Handler() = default;
  // Answers one request; may throw, which the server answers with 500.
  virtual Response Handle(const Request& req) const = 0;
};

}  // namespace airbase::http
