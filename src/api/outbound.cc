// Outbound requests (outbound.h): the address policy that keeps a shared server from becoming a
// proxy into its own network, and an HTTP(S) POST under one time budget for the whole exchange.
#include "api/outbound.h"

#include <netdb.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>
#include <cstdlib>
#include <cstring>

namespace airbase::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool InV4(uint32_t a, uint32_t net, int bits) {
  return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
}

bool IsPublicV4(const asio::ip::address_v4& v4) {
  uint32_t a = v4.to_uint();
  struct Range {
    uint32_t net;
    int bits;
  };
  static constexpr Range kBlocked[] = {
      {0x00000000, 8},   // "this network", 0.0.0.0
      {0x0A000000, 8},   // 10/8 private
      {0x64400000, 10},  // 100.64/10 shared (CGNAT)
      {0x7F000000, 8},   // loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local (cloud metadata)
      {0xAC100000, 12},  // 172.16/12 private
      {0xC0000000, 24},  // 192.0.0/24 protocol assignments
      {0xC0000200, 24},  // 192.0.2/24 documentation
      {0xC0A80000, 16},  // 192.168/16 private
      {0xC6120000, 15},  // 198.18/15 benchmarking
      {0xC6336400, 24},  // 198.51.100/24 documentation
      {0xCB007100, 24},  // 203.0.113/24 documentation
      {0xE0000000, 4},   // multicast
      {0xF0000000, 4},   // reserved, broadcast
  };
  for (const Range& r : kBlocked)
    if (InV4(a, r.net, r.bits)) return false;
  return true;
}
}  // namespace

bool IsPublicAddress(const asio::ip::address& a) {
  if (a.is_v4()) return IsPublicV4(a.to_v4());
  const asio::ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) return IsPublicV4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
  const auto b = v6.to_bytes();
  if (v6.is_unspecified() || v6.is_loopback() || v6.is_multicast()) return false;
  if ((b[0] & 0xfe) == 0xfc) return false;                  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return false;  // fec0::/10 site-local
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // doc
  // 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible) carry an IPv4 address: judge that one.
  bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b;
  bool compat = true;
  for (int i = 0; i < 12; ++i) compat = compat && b[i] == 0;
  if (nat64 || compat) {
    for (int i = 4; i < 12 && nat64; ++i) nat64 = b[i] == 0;
    if (nat64 || compat) return IsPublicV4(asio::ip::address_v4({b[12], b[13], b[14], b[15]}));
  }
  return true;
}

bool AllowPrivateDestinations(Store& store) {
  auto v = store.GetSetting(kAllowPrivateSetting);
  return v.ok() && *v == "true";
}

Result<Destination> ResolveDestination(std::string_view url, bool allow_private,
                                       std::string_view what) {
  auto bad = [](std::string why) {
    return Error(ErrorCode::kInvalidRequestUnknown, std::move(why));
  };
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
      parsed->host().empty())
    return bad(std::string(what) + " must be an http or https URL");
  Destination d;
  d.tls = parsed->scheme() == "https";
  d.host = parsed->host_type() == boost::urls::host_type::ipv6
               ? std::string(parsed->encoded_host_address())
               : std::string(parsed->host());
  d.port = parsed->has_port() ? std::string(parsed->port()) : (d.tls ? "443" : "80");
  d.target = parsed->encoded_target().empty() ? "/" : std::string(parsed->encoded_target());
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string lookup = d.host;
  if (lookup.size() > 2 && lookup.front() == '[') lookup = lookup.substr(1, lookup.size() - 2);
  int rc = getaddrinfo(lookup.c_str(), d.port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) return Error(ErrorCode::kRetriable, "could not resolve " + d.host);
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    tcp::endpoint ep;
    if (ai->ai_addrlen > ep.capacity()) continue;
    std::memcpy(ep.data(), ai->ai_addr, ai->ai_addrlen);
    ep.resize(ai->ai_addrlen);
    if (!allow_private && !IsPublicAddress(ep.address()))
      return bad(
          std::string(what) +
          " must not point to a loopback, private, link-local or other non-public address (" +
          ep.address().to_string() + ")");
    d.endpoints.push_back(ep);
  }
  if (d.endpoints.empty()) return Error(ErrorCode::kRetriable, "could not resolve " + d.host);
  return d;
}

namespace {

template <typename Stream>
asio::awaitable<void> Exchange(Stream& stream, const Destination& d,
                               http::request<http::string_body>& req,
                               http::response_parser<http::string_body>& res, const char** stage) {
  auto& lowest = beast::get_lowest_layer(stream);
  *stage = "connecting";
  co_await lowest.async_connect(d.endpoints, asio::use_awaitable);
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    *stage = "in the TLS handshake";
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  }
  *stage = "sending";
  co_await http::async_write(stream, req, asio::use_awaitable);
  *stage = "waiting for the answer";
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
}

// Runs the exchange under one deadline (the lowest layer's timer bounds every operation).
// Answers "" when an answer came whole, else what went wrong, in our words.
template <typename Stream, typename Parser>
std::string Run(asio::io_context& ioc, Stream& stream, const Destination& d,
                http::request<http::string_body>& req, Parser& res,
                std::chrono::milliseconds budget) {
  const char* stage = "connecting";
  std::exception_ptr failure;
  beast::get_lowest_layer(stream).expires_after(budget);
  asio::co_spawn(ioc, Exchange(stream, d, req, res, &stage),
                 [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (!failure) return "";
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& e) {
    if (e.code() == beast::error::timeout)
      return "The HTTP request timed out after " + std::to_string(budget.count() / 1000) +
             " s while " + stage;
    if (e.code() == http::error::body_limit) return "The answer is larger than the limit";
    return std::string("The HTTP request failed while ") + stage + ": " + e.code().message();
  } catch (const std::exception&) {
  }
  return std::string("The HTTP request failed while ") + stage;
}

// Runs `req` to `d` over TCP or TLS (the peer's certificate checked against its name).
template <typename Parser>
std::string Send(const Destination& d, http::request<http::string_body>& req, Parser& res,
                 std::chrono::milliseconds budget) {
  asio::io_context ioc;
  if (!d.tls) {
    beast::tcp_stream stream(ioc);
    return Run(ioc, stream, d, req, res, budget);
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), d.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(d.host));
  return Run(ioc, stream, d, req, res, budget);
}
// The Host header (RFC 9110 §7.2): the host, and the port unless it is the scheme's default.
std::string HostHeader(const Destination& d) {
  const bool default_port = d.port == (d.tls ? "443" : "80");
  return default_port || d.port.empty() ? d.host : d.host + ":" + d.port;
}

}  // namespace

PostResult PostJson(const Destination& d, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    std::chrono::milliseconds budget) {
  http::request<http::string_body> req{http::verb::post, d.target, 11};
  req.set(http::field::host, HostHeader(d));
  req.set(http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.set(http::field::connection, "close");
  req.body() = body;
  req.prepare_payload();
  http::response_parser<http::string_body> res;
  res.body_limit(64 * 1024);  // the answer's body is not used
  PostResult out;
  out.error = Send(d, req, res, budget);
  if (!out.error.empty()) return out;
  out.status = static_cast<int>(res.get().result_int());
  if (out.status < 200 || out.status > 299)
    out.error = "The HTTP request returned a " + std::to_string(out.status) +
                " status code instead of 200 or 204";
  return out;
}

GetResult Get(const Destination& d, std::chrono::milliseconds budget, size_t max_body,
              const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req{http::verb::get, d.target, 11};
  req.set(http::field::host, HostHeader(d));
  req.set(http::field::user_agent, "airbase");
  req.set(http::field::accept, "*/*");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.set(http::field::connection, "close");
  http::response_parser<http::string_body> res;
  res.body_limit(max_body);
  res.header_limit(64 * 1024);
  GetResult out;
  out.error = Send(d, req, res, budget);
  if (!out.error.empty()) return out;
  auto& msg = res.get();
  out.status = static_cast<int>(msg.result_int());
  out.content_type = std::string(msg[http::field::content_type]);
  out.location = std::string(msg[http::field::location]);
  out.retry_after = std::atoi(std::string(msg[http::field::retry_after]).c_str());
  out.body = std::move(msg.body());
  return out;
}

}  // namespace airbase::api
