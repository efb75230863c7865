// The connection pool (storage/sql/pool.h): its limit on open connections, waiting for a lent one
// within the request's budget, and what it does with connections that come back unusable.
#include "storage/sql/pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/budget.h"

namespace airbase::sql {
namespace {

// A connection that runs nothing; it counts how many exist and can be marked lost.
class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(std::atomic<int>* alive) : alive_(alive) { ++*alive_; }
  ~FakeConnection() override { --*alive_; }
  Status Exec(std::string_view) override { return Status::Ok(); }
  Result<StmtRef> Prepare(const std::string&) override {
    return Error(ErrorCode::kInternal, "no statements here");
  }
  int64_t Changes() override { return 0; }
  Status BeginWrite() override { return Status::Ok(); }
  Status Commit() override {
    if (conflicts > 0) {
      --conflicts;
      conflicted_ = true;
      return Error(ErrorCode::kRetriable, {});
    }
    return fail_with;
  }
  Status Rollback() override { return Status::Ok(); }
  bool InTransaction() override { return false; }
  bool Broken() override { return broken; }
  bool broken = false;
  // The next `conflicts` commits fail as a lock conflict would; `fail_with` fails every one.
  int conflicts = 0;
  Status fail_with = Status::Ok();

 private:
  std::atomic<int>* alive_;
};

ConnectionPool::Opener Opener(std::atomic<int>* alive, std::atomic<int>* opened) {
  return [alive, opened]() -> Result<std::unique_ptr<Connection>> {
    ++*opened;
    return std::unique_ptr<Connection>(std::make_unique<FakeConnection>(alive));
  };
}

TEST(ConnectionPool, NeverOpensMoreThanItsLimitAndLendsAReturnedConnection) {
  std::atomic<int> alive{0}, opened{0};
  ConnectionPool pool(Opener(&alive, &opened), 64, 2);
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  std::atomic<bool> third_got{false};
  std::thread waiter([&] {
    auto c = pool.Acquire();
    EXPECT_TRUE(c.ok());
    third_got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(third_got) << "a third connection was lent while two were out";
  EXPECT_EQ(opened.load(), 2);
  { auto done = std::move(*a); }  // back to the pool
  waiter.join();
  EXPECT_TRUE(third_got);
  EXPECT_EQ(opened.load(), 2) << "the waiter got a new connection instead of the returned one";
  ConnectionPool::Stats s = pool.stats();
  EXPECT_EQ(s.waits, 1);
  EXPECT_EQ(s.open, 2);
  EXPECT_EQ(s.lent, 1);  // b
}

TEST(ConnectionPool, AWaitEndsWithTheRequestsBudget) {
  std::atomic<int> alive{0}, opened{0};
  ConnectionPool pool(Opener(&alive, &opened), 64, 1);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  RequestBudget budget(RequestBudget::Clock::now() + std::chrono::milliseconds(150), 1000);
  ScopedBudget scope(&budget);
  auto start = std::chrono::steady_clock::now();
  auto waited = pool.Acquire();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.status().code(), ErrorCode::kTimeout);
  EXPECT_GE(ms, 100);
  EXPECT_LT(ms, 2000);
  EXPECT_EQ(pool.stats().timeouts, 1);
}

TEST(ConnectionPool, ALostConnectionIsClosedAndItsPlaceFreed) {
  std::atomic<int> alive{0}, opened{0};
  ConnectionPool pool(Opener(&alive, &opened), 64, 1);
  {
    auto a = pool.Acquire();
    ASSERT_TRUE(a.ok());
    static_cast<FakeConnection&>(**a).broken = true;
  }
  EXPECT_EQ(alive.load(), 0) << "a lost connection went back to the pool";
  auto b = pool.Acquire();  // the limit counts it no more: a new one opens at once
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(opened.load(), 2);
}

TEST(ConnectionPool, ATransactionThatMeetsALockConflictRunsAgain) {
  std::atomic<int> alive{0}, opened{0};
  FakeConnection* conn = nullptr;
  ConnectionPool pool(
      [&]() -> Result<std::unique_ptr<Connection>> {
        auto c = std::make_unique<FakeConnection>(&alive);
        conn = c.get();
        return std::unique_ptr<Connection>(std::move(c));
      },
      64, 1);
  { auto warm = pool.Acquire(); }  // opens the one connection, so the test can set it up
  ASSERT_NE(conn, nullptr);
  int runs = 0;
  auto body = [&](Lease&) -> Status {
    ++runs;
    return Status::Ok();
  };

  conn->conflicts = 2;
  EXPECT_TRUE(pool.InTransaction(body).ok());
  EXPECT_EQ(runs, 3) << "two conflicts, then a third try that commits";

  runs = 0;
  conn->conflicts = 5;
  EXPECT_EQ(pool.InTransaction(body).code(), ErrorCode::kRetriable);
  EXPECT_EQ(runs, 3) << "a conflict that persists is tried three times, then answered";

  runs = 0;
  conn->conflicts = 0;
  conn->fail_with = Error(ErrorCode::kRetriable, {});  // e.g. a pool or lock wait that ran out
  EXPECT_EQ(pool.InTransaction(body).code(), ErrorCode::kRetriable);
  EXPECT_EQ(runs, 1) << "only a conflict is tried again, not every retriable error";
}

}  // namespace
}  // namespace airbase::sql
