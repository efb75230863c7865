// The lazy indexes of a PostgreSQL store, built off the read path (docs/STORAGE.md, "Lazy
// indexes"). A plain CREATE INDEX holds a lock that stops every write to its table until the
// index is built, which on a big table stalls that base's writers for seconds; so a list that
// first needs an index only queues it here and runs without it. One thread per server builds the
// queue in order with CREATE INDEX CONCURRENTLY on a connection of its own (no statement
// timeout; writers keep writing meanwhile).
//
// Across a fleet each index is built once and one table's builds run one at a time: a builder
// holds a session advisory lock named after the table while it works (two CREATE INDEX
// CONCURRENTLY on one table deadlock: each waits for the other's transaction), and once it has
// the lock it builds only what is not built yet, so a server that waited for another's build of
// the same index finds it done. A build that was cut short (a server killed, a cancel) leaves an
// invalid index behind; the next builder drops and rebuilds it. A killed server's lock ends with
// its session. Stopping cancels the build or wait in progress.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/postgres/pg_connection.h"
#include "storage/sql/store_part.h"

namespace airbase::postgres {

class IndexBuilder final : public sql::IndexBuilder {
 public:
  explicit IndexBuilder(std::string url);
  ~IndexBuilder() override;  // cancels the build in progress and drops the queue

  void Build(std::string table_id, std::string name, std::string on,
             std::function<void(bool ok)> done) override;

 private:
  struct Job {
    std::string table_id;
    std::string name;
    std::string on;
    std::function<void(bool)> done;
  };
  void Run();
  Status BuildOne(Connection& db, const Job& job);

  const std::string url_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;                 // GUARDED_BY(mu_)
  bool stopping_ = false;                 // GUARDED_BY(mu_)
  std::shared_ptr<Connection> building_;  // the connection of the build running, GUARDED_BY(mu_)
  std::thread thread_;                    // started on the first Build
};

}  // namespace airbase::postgres
