// Metrics (metrics.h) over prometheus-cpp's core registry.
#include "common/metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <atomic>
#include <tuple>
#include <unordered_map>

namespace airbase {

namespace {

std::atomic<uint64_t> next_instance{1};

// Request latency buckets, in seconds: from a cached GET to a slow bulk write or a timeout.
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

}  // namespace

struct Metrics::Series {
  prometheus::Counter* requests;
  prometheus::Histogram* latency;
};

Metrics::Metrics()
    : instance_(next_instance.fetch_add(1)), registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("airbase_http_requests_total")
                   .Help("HTTP requests answered, by route pattern, method and status")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("airbase_http_request_duration_seconds")
                  .Help("Time from a request's arrival to its answer, by route pattern")
                  .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("airbase_http_requests_in_flight")
                    .Help("Requests being handled now")
                    .Register(*registry_)
                    .Add({});
  rate_limited_ = &prometheus::BuildCounter()
                       .Name("airbase_rate_limit_refusals_total")
                       .Help("Requests refused with 429 by the rate limits")
                       .Register(*registry_)
                       .Add({});
  auto& pings = prometheus::BuildCounter()
                    .Name("airbase_webhook_pings_total")
                    .Help("Webhook notification pings sent, by result")
                    .Register(*registry_);
  pings_ok_ = &pings.Add({{"result", "success"}});
  pings_failed_ = &pings.Add({{"result", "failure"}});
  auto gauge = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_).Add({});
  };
  auto counter = [&](const char* name, const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add({});
  };
  pool_open_ = gauge("airbase_store_connections_open", "Database connections open now");
  pool_lent_ = gauge("airbase_store_connections_in_use", "Database connections in use now");
  pool_max_ = gauge("airbase_store_connections_max",
                    "The most database connections this server opens (0: no limit)");
  pool_waits_ = counter("airbase_store_connection_waits_total",
                        "Requests that waited for a free database connection");
  pool_wait_seconds_ = counter("airbase_store_connection_wait_seconds_total",
                               "Time spent waiting for a free database connection");
  pool_timeouts_ = counter("airbase_store_connection_timeouts_total",
                           "Requests that gave up waiting for a database connection");
  pings_queued_ = gauge("airbase_webhook_pings_queued",
                        "Webhooks with a notification ping waiting (all servers of a fleet)");
  pings_due_ = gauge("airbase_webhook_pings_due",
                     "Of the waiting pings, those whose time has come (a backlog)");
}

Metrics::~Metrics() = default;

Metrics::Series& Metrics::SeriesFor(const char* route, std::string_view method, int status) {
  // Per thread: (instance, route, method, status) -> the series. Route patterns are few and
  // live forever, so the pointer stands for the pattern.
  using Key = std::tuple<uint64_t, const char*, std::string, int>;
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<uint64_t>()(std::get<0>(k)) ^ std::hash<const void*>()(std::get<1>(k)) ^
             std::hash<std::string>()(std::get<2>(k)) * 31 ^ std::hash<int>()(std::get<3>(k));
    }
  };
  thread_local std::unordered_map<Key, Series, KeyHash> cache;
  Key key{instance_, route, std::string(method), status};
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::lock_guard lock(series_mu_);
  Series s{
      &requests_->Add(
          {{"route", route}, {"method", std::string(method)}, {"status", std::to_string(status)}}),
      &latency_->Add({{"route", route}}, kLatencyBuckets)};
  return cache.emplace(std::move(key), s).first->second;
}

void Metrics::CountRequest(const char* route, std::string_view method, int status, double seconds) {
  Series& s = SeriesFor(route, method, status);
  s.requests->Increment();
  s.latency->Observe(seconds);
}

void Metrics::SetPool(const PoolReading& pool) {
  pool_open_->Set(static_cast<double>(pool.open));
  pool_lent_->Set(static_cast<double>(pool.lent));
  pool_max_->Set(static_cast<double>(pool.max));
  auto advance = [](prometheus::Counter* c, int64_t now, int64_t* seen, double unit) {
    if (now > *seen) c->Increment(static_cast<double>(now - *seen) * unit);
    *seen = std::max(*seen, now);
  };
  advance(pool_waits_, pool.waits, &pool_seen_.waits, 1);
  advance(pool_wait_seconds_, pool.wait_us, &pool_seen_.wait_us, 1e-6);
  advance(pool_timeouts_, pool.timeouts, &pool_seen_.timeouts, 1);
}

void Metrics::SetWebhookQueue(int64_t queued, int64_t due) {
  pings_queued_->Set(static_cast<double>(queued));
  pings_due_->Set(static_cast<double>(due));
}

std::string Metrics::Render() {
  {
    std::lock_guard lock(scrape_mu_);
    if (on_scrape_) on_scrape_(*this);
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace airbase
