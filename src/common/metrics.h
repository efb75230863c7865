// The server's metrics, served as GET /metrics in Prometheus' text format (prometheus-cpp's
// registry and serializer): requests by route, method and status, their latency, requests in
// flight, webhook pings and rate-limit refusals, and what is read at each scrape (the store's
// connection pool, the webhook ping queue). Counting a request is a few atomic adds on the
// hot path: each thread keeps its own pointers to the series it has touched, so the registry's
// locks are taken once per thread and series. Safe for concurrent use.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
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

  // What a scrape reads from elsewhere: `read` runs at the start of every Render and reports
  // through the setters below. Set once, before the server starts.
  void OnScrape(std::function<void(Metrics&)> read) { on_scrape_ = std::move(read); }
  // The store's connection pool: connections open and lent out now, the most it opens (0: no
  // limit), and since start the acquisitions that waited, their total wait and those that gave
  // up (running totals; the counters advance by the difference).
  struct PoolReading {
    int64_t open = 0, lent = 0, max = 0, waits = 0, wait_us = 0, timeouts = 0;
  };
  void SetPool(const PoolReading& pool);
  // Webhooks with a ping waiting in the shared queue, and of them those already due.
  void SetWebhookQueue(int64_t queued, int64_t due);

  // Everything, in Prometheus' text exposition format 0.0.4.
  std::string Render();

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
  prometheus::Gauge* pool_open_;
  prometheus::Gauge* pool_lent_;
  prometheus::Gauge* pool_max_;
  prometheus::Counter* pool_waits_;
  prometheus::Counter* pool_wait_seconds_;
  prometheus::Counter* pool_timeouts_;
  prometheus::Gauge* pings_queued_;
  prometheus::Gauge* pings_due_;
  std::function<void(Metrics&)> on_scrape_;
  std::mutex series_mu_;   // held while a series is added to the families
  std::mutex scrape_mu_;   // one scrape at a time: the pool's running totals
  PoolReading pool_seen_;  // GUARDED_BY(scrape_mu_): the totals the counters have reached
};

}  // namespace airbase
