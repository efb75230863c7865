// Webhooks (airtable-api.md §9): what record writes hand to them, and the notifier that pings
// their notification URLs. The endpoints themselves are declared in handlers.h.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/handlers.h"
#include "engine/changes.h"

namespace airbase::api {

// Collects one write request's record changes and turns them into a payload for every webhook of
// the base that watches them, appended in the write's own transaction (so a committed change
// always has its payloads and a rolled-back one never does).
// One record as a write left it: its id, creation time (creates) and the cells written.
struct WrittenRecord {
  std::string id;
  int64_t created_ms = 0;
  std::vector<std::pair<const Field*, SqlValue>> cells;
};

class RecordChanges final : public engine::ChangeListener {
 public:
  // Finds the live webhooks of the base that watch records of `table`. Cheap when there are none.
  static Result<RecordChanges> Begin(Call& c, const Table& table);
  bool active() const { return !hooks_.empty(); }

  // As the record writer's listener (engine/changes.h): previous values before updates, each
  // change, the payloads written just before the commit, the pings after it.
  Status BeforeUpdate(const Table& table, const std::vector<std::string>& ids) override {
    return Before(*call_, table, ids);
  }
  void OnChange(const engine::ChangeEvent& e) override;
  Status BeforeCommit(const Table& table, WriteTxn& txn) override;
  void AfterCommit() override;

  // Before the write: the stored cells of records about to be updated (previous values, diffs).
  Status Before(Call& c, const Table& table, const std::vector<std::string>& record_ids);
  void Created(const std::string& record_id, int64_t created_ms,
               const std::vector<std::pair<const Field*, SqlValue>>& cells);
  void Updated(const std::string& record_id,
               const std::vector<std::pair<const Field*, SqlValue>>& cells);
  void Destroyed(const std::string& record_id);
  // Writes the payloads into `txn`; `table` is the table as written (typecast may add choices).
  // Returns the ids of the webhooks that got a payload (to ping after the commit).
  Result<std::vector<std::string>> Finish(Call& c, const Table& table, WriteTxn& txn);

 private:
  struct Hook;
  Call* call_ = nullptr;
  std::vector<std::string> notify_;  // webhooks that got a payload, pinged after the commit
  std::vector<std::shared_ptr<Hook>> hooks_;
  std::map<std::string, std::vector<SqlValue>> before_;  // record id -> cells of table order
  std::vector<WrittenRecord> created_;
  std::vector<WrittenRecord> updated_;
  std::vector<std::string> destroyed_;
};

// A schema change for webhooks watching tableFields / tableMetadata (§9.5): a field created,
// changed or destroyed, or a table created, renamed/described or destroyed.
struct SchemaChange {
  enum class What { kField, kTable };
  SchemaChange(What w, std::string type, std::string table, std::string field = {})
      : what(w),
        change_type(std::move(type)),
        table_id(std::move(table)),
        field_id(std::move(field)) {}
  What what = What::kField;
  std::string change_type;  // "add" | "update" | "remove"
  std::string table_id;
  std::string field_id;              // kField
  boost::json::object current;       // field {name, type, ...} or table {name, description}
  boost::json::object previous;      // updates: the same keys before the change
  boost::json::object fields_by_id;  // table add: its fields
};
// Appends a payload for the change to every live webhook of the base that watches it (its own
// transaction, after the change committed) and pings them. Errors are logged, not returned: the
// change itself has already succeeded.
void RecordSchemaChange(Call& c, const SchemaChange& change);

// Pings notification URLs: POST {"base","webhook","timestamp"} with X-Airtable-Content-MAC, one
// 25 s budget over connect, TLS, write and read; retried with exponential backoff from 10 s up to
// 13 times, then the hook's notifications are disabled. The pings wait in the store's queue
// (WebhookStore::ClaimWebhookPing), queued in the transaction of the change they announce, so a
// ping or retry outlives the server that queued it and each is sent by one server of a fleet.
// kWebhookSenders threads send pings concurrently, at most kWebhookPingsPerDestination at a time
// to one host and port, so one slow receiver delays only its own pings. Pings for one hook are
// coalesced while queued. Safe for concurrent use.
class WebhookNotifier {
 public:
  WebhookNotifier(Store* store, const Clock* clock, int64_t first_retry_ms = 10000,
                  Metrics* metrics = nullptr);
  ~WebhookNotifier();
  // Queues a ping of the webhook (outside any write) and wakes a sender.
  void Notify(const std::string& webhook_id);
  // Wakes a sender to look at the queue: pings were queued by a write that just committed.
  void Wake();

 private:
  void Run(bool first);  // the first thread also polls for other servers' pings and prunes
  void PingOnce(const WebhookPingClaim& claim);
  int64_t Tick() const;  // ms on a monotonic clock since construction
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  Store* store_;
  const Clock* clock_;
  int64_t first_retry_ms_;
  Metrics* metrics_;  // counts pings by result (may be null)
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wakes_ = 0;  // GUARDED_BY(mu_) Wake() calls so far
  // GUARDED_BY(mu_) "host:port" -> when each ping being sent to it started (Tick()).
  std::map<std::string, std::multiset<int64_t>> in_flight_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace airbase::api
