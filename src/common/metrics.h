// The server's metrics, served as GET /metrics in Prometheus' text format (prometheus-cpp's
// registry and serializer): requests by route, method and status, their latency, requests in
// flight, webhook pings and rate-limit refusals. Counting a request is a few atomic adds on the
// hot path: each thread keeps its own pointers to the series it has touched, so the registry's
// locks are taken once per thread and series. Safe for concurrent use.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace airbase {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. `route` is a route pattern that outlives the process (a string
  // literal or a route table's entry), never a path: paths would make a series per record.
  void CountRequest(const char* route, std::string_view method, int status, double seconds);
  // Requests being handled now.
  void RequestStarted() { in_flight_->Increment(); }
  void RequestEnded() { in_flight_->Decrement(); }
  void CountRateLimited() { rate_limited_->Increment(); }
  void CountWebhookPing(bool ok) { (ok ? pings_ok_ : pings_failed_)->Increment(); }

  // Everything, in Prometheus' text exposition format 0.0.4.
  std::string Render() const;

 private:
  struct Series;
  Series& SeriesFor(const char* route, std::string_view method, int status);

  const uint64_t instance_;  // tells apart the per-thread caches of two Metrics in one process
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Gauge* in_flight_;
  prometheus::Counter* rate_limited_;
  prometheus::Counter* pings_ok_;
  prometheus::Counter* pings_failed_;
  std::mutex series_mu_;  // held while a series is added to the families
};

}  // namespace airbase
