// The emulator's control API (control.h).
#include "api/control.h"

#include <boost/url.hpp>
#include <chrono>
#include <thread>

#include "common/budget.h"
#include "common/json_util.h"
#include "common/limits.h"

namespace airbase::api {

namespace json = boost::json;

namespace {

constexpr const char* kPrefix = "/_airbase/";

http::Response JsonAnswer(int status, const json::value& v) {
  http::Response r;
  r.status = status;
  r.body = json::serialize(v);
  r.route = "/_airbase";
  return r;
}

http::Response Refuse(int status, const std::string& type, const std::string& message) {
  return JsonAnswer(status, json::object{{"error", {{"type", type}, {"message", message}}}});
}

// `*` matches any run of characters (slashes included); everything else itself.
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The body as the log shows it: JSON when it parses, else the text.
json::value BodyValue(const std::string& body) {
  if (body.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec) return v;
  return json::string(body);
}

// Waits `ms`, in slices, stopping early when the request's budget does (deadline, hang-up).
void Wait(int64_t ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  RequestBudget* budget = CurrentBudget();
  while (std::chrono::steady_clock::now() < until) {
    if (budget && budget->StopNow()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
}

}  // namespace

json::object ControlHandler::Fault::ToJson() const {
  json::object o{{"id", id},       {"route", (method.empty() ? "" : method + " ") + path},
                 {"kind", kind},   {"rate", rate},
                 {"fired", fired}, {"seed", seed}};
  if (count >= 0) o["count"] = count;
  if (kind == "latency") o["latencyMs"] = latency_ms;
  if (kind == "429") o["retryAfter"] = retry_after;
  return o;
}

ControlHandler::ControlHandler(const http::Handler* inner, std::function<Status()> reset)
    : inner_(inner), reset_(std::move(reset)) {}

http::Response ControlHandler::Handle(const http::Request& req) const {
  auto url = boost::urls::parse_origin_form(req.target);
  if (!url) return inner_->Handle(req);
  const std::string path = url->path();
  if (path.rfind(kPrefix, 0) == 0) return Control(req, path.substr(std::string(kPrefix).size()));
  const std::string query(url->encoded_query());
  http::Response res;
  bool answered = false;
  for (const Fault& f : Firing(req.method, path)) {
    if (f.kind == "latency") {
      Wait(f.latency_ms);
      continue;
    }
    answered = true;
    if (f.kind == "drop") {
      res.drop = true;
      res.status = 0;
    } else if (f.kind == "429") {
      res.status = 429;
      res.retry_after = f.retry_after;
      res.body = ErrorBody(Error(ErrorCode::kRateLimited));
    } else if (f.kind == "503") {
      res.status = 503;
      res.body = ErrorBody(Error(ErrorCode::kUnavailable, "Service unavailable (injected)"));
    } else {
      res.status = 500;
      res.body = ErrorBody(Error(ErrorCode::kInternal));
    }
    res.route = "/_airbase/fault";
  }
  if (!answered) res = inner_->Handle(req);
  Log(req, path, query, res.status);
  return res;
}

std::vector<ControlHandler::Fault> ControlHandler::Firing(const std::string& method,
                                                          const std::string& path) const {
  std::vector<Fault> out;
  bool other = false;
  std::lock_guard lock(mu_);
  for (Fault& f : faults_) {
    if (f.count == 0 || (!f.method.empty() && f.method != method) || !Glob(f.path, path)) continue;
    if (f.kind != "latency" && other) continue;
    if (f.rate < 1 && std::uniform_real_distribution<double>(0, 1)(f.rng) >= f.rate) continue;
    if (f.count > 0) --f.count;
    ++f.fired;
    if (f.kind != "latency") other = true;
    out.push_back(f);
  }
  // Latency first, then the answer.
  std::stable_partition(out.begin(), out.end(), [](const Fault& f) { return f.kind == "latency"; });
  return out;
}

void ControlHandler::Log(const http::Request& req, const std::string& path,
                         const std::string& query, int status) const {
  json::object params;
  if (auto url = boost::urls::parse_origin_form(req.target))
    for (auto p : url->params()) {  // repeated keys (fields[]=a&fields[]=b) become arrays
      json::value v = p.has_value ? json::value(json::string(p.value)) : json::value(nullptr);
      if (json::value* have = params.if_contains(p.key)) {
        if (!have->is_array()) *have = json::array{*have};
        have->as_array().push_back(std::move(v));
      } else {
        params[p.key] = std::move(v);
      }
    }
  json::object entry{{"method", req.method},
                     {"path", path},
                     {"query", query},
                     {"params", std::move(params)},
                     {"body", BodyValue(req.body)},
                     {"status", status}};
  if (status == 0) entry["status"] = nullptr;  // dropped: never answered
  std::lock_guard lock(mu_);
  log_.emplace_back(std::move(entry), req.body.size());
  log_bytes_ += req.body.size();
  while (log_.size() > kControlLogMaxRequests ||
         (log_bytes_ > kControlLogMaxBodyBytes && log_.size() > 1)) {  // the oldest go first
    log_bytes_ -= log_.front().second;
    log_.pop_front();
  }
}

http::Response ControlHandler::Control(const http::Request& req, const std::string& what) const {
  const std::string& m = req.method;
  if (what == "reset" && m == "POST") {
    const auto start = std::chrono::steady_clock::now();
    if (Status st = reset_(); !st.ok())
      return Refuse(500, "SERVER_ERROR", "reset failed: " + st.message());
    {
      std::lock_guard lock(mu_);
      log_.clear();
      log_bytes_ = 0;
      faults_.clear();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return JsonAnswer(200, json::object{{"reset", true}, {"ms", ms}});
  }
  if (what == "requests" && (m == "GET" || m == "DELETE")) {
    std::lock_guard lock(mu_);
    if (m == "DELETE") {
      log_.clear();
      log_bytes_ = 0;
      return JsonAnswer(200, json::object{{"requests", json::array{}}});
    }
    json::array all;
    for (const auto& [e, bytes] : log_) all.push_back(e);
    return JsonAnswer(200, json::object{{"requests", std::move(all)}});
  }
  if (what == "faults" && m == "POST") return AddFault(req);
  if (what == "faults" && (m == "GET" || m == "DELETE")) {
    std::lock_guard lock(mu_);
    if (m == "DELETE") faults_.clear();
    json::array all;
    for (const Fault& f : faults_) all.push_back(f.ToJson());
    return JsonAnswer(200, json::object{{"faults", std::move(all)}});
  }
  return Refuse(404, "NOT_FOUND", "no control endpoint " + m + " /_airbase/" + what);
}

http::Response ControlHandler::AddFault(const http::Request& req) const {
  boost::system::error_code ec;
  json::value body = json::parse(req.body, ec);
  if (ec || !body.is_object())
    return Refuse(422, "INVALID_REQUEST_UNKNOWN", "the body must be a JSON object");
  const json::object& o = body.as_object();
  Fault f;
  const json::value* route = o.if_contains("route");
  if (!route || !route->is_string() || route->as_string().empty())
    return Refuse(422, "INVALID_REQUEST_UNKNOWN", "a fault needs a \"route\" ([METHOD ]/path)");
  std::string r(route->as_string());
  if (size_t sp = r.find(' '); sp != std::string::npos) {
    f.method = r.substr(0, sp);
    r = r.substr(sp + 1);
  }
  if (r.empty() || (r[0] != '/' && r[0] != '*'))
    return Refuse(422, "INVALID_REQUEST_UNKNOWN", "a fault's route path starts with / or *");
  f.path = r;
  const json::value* kind = o.if_contains("kind");
  f.kind = kind && kind->is_string() ? std::string(kind->as_string()) : "";
  if (f.kind != "latency" && f.kind != "429" && f.kind != "500" && f.kind != "503" &&
      f.kind != "drop")
    return Refuse(422, "INVALID_REQUEST_UNKNOWN",
                  "a fault's \"kind\" is latency, 429, 500, 503 or drop");
  auto number = [&](const char* key, double lo, double hi, double* out) -> bool {
    const json::value* v = o.if_contains(key);
    if (!v) return true;
    if (!v->is_number()) return false;
    const double d = v->to_number<double>();
    if (d < lo || d > hi) return false;
    *out = d;
    return true;
  };
  double rate = 1, count = -1, latency = 0, retry = 30, seed = 0;
  if (!number("rate", 0, 1, &rate) || !number("count", 0, 1e12, &count) ||
      !number("latencyMs", 0, kControlMaxLatencyMs, &latency) ||
      !number("retryAfter", 0, 3600, &retry) || !number("seed", 0, 9e15, &seed))
    return Refuse(422, "INVALID_REQUEST_UNKNOWN",
                  "rate is 0..1, count >= 0, latencyMs 0.." + std::to_string(kControlMaxLatencyMs) +
                      ", retryAfter 0..3600, seed >= 0");
  if (f.kind == "latency" && latency <= 0)
    return Refuse(422, "INVALID_REQUEST_UNKNOWN", "a latency fault needs \"latencyMs\"");
  f.rate = rate;
  f.count = static_cast<int64_t>(count);
  f.latency_ms = static_cast<int64_t>(latency);
  f.retry_after = static_cast<int>(retry);
  f.seed = static_cast<uint64_t>(seed);
  f.rng.seed(f.seed);
  std::lock_guard lock(mu_);
  f.id = next_fault_++;
  faults_.push_back(std::move(f));
  return JsonAnswer(200, faults_.back().ToJson());
}

}  // namespace airbase::api
