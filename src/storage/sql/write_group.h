// Group commit: concurrent record write transactions share one database transaction, so that
// one COMMIT (SQLite's WAL frames, PostgreSQL's WAL flush) serves many requests.
//
// Writers take turns on the group's connection: the first to arrive begins a transaction, each
// runs its statements inside a savepoint of its own, and a writer whose turn ends while another
// is waiting hands the open transaction on; the last of the group (no one waiting, or kMaxGroup
// members) commits it. Every member is answered after that commit, with its status: a member
// whose own statements fail rolls back to its savepoint and fails alone, never failing the
// others. What fails the whole group is what would have failed a transaction of its own: the
// COMMIT itself, or a transaction the engine rolled back (an interrupted statement, a lost
// connection), after which every member is told so and none is answered as written. Safe for
// concurrent use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "storage/sql/pool.h"

namespace airbase::sql {

class WriteGroup {
 public:
  explicit WriteGroup(ConnectionPool* pool) : pool_(pool) {}

  struct Generation;  // one shared transaction
  // A member's turn: the connection its statements run on, inside its savepoint.
  struct Turn {
    Connection* db = nullptr;
    std::shared_ptr<Generation> gen;
  };
  // Waits for this writer's turn, beginning the group's transaction when none is open, and opens
  // the member's savepoint.
  Result<Turn> Enter();
  // Ends a turn. `keep`: release the savepoint (its writes join the transaction) and answer the
  // group's commit; otherwise roll back to it and answer Ok at once (the member reports its own
  // error).
  Status Leave(Turn& turn, bool keep);

 private:
  Status CommitLocked(std::unique_lock<std::mutex>& lock, Generation& gen);

  ConnectionPool* pool_;
  std::mutex mu_;
  std::condition_variable turn_;       // busy_ went false
  std::condition_variable committed_;  // a generation ended
  bool busy_ = false;                  // a member (or a commit) is using the connection
  int waiting_ = 0;                    // writers waiting for a turn
  std::optional<Lease> lease_;         // the group's connection, kept between transactions
  std::shared_ptr<Generation> open_;   // the open transaction's generation
};

}  // namespace airbase::sql
