// What only the PostgreSQL store does: lazy indexes built in the background with CREATE INDEX
// CONCURRENTLY (storage/postgres/index_builder.h), so a list never waits on a table's writers
// and a write never waits on an index build. Skipped without AIRBASE_TEST_POSTGRES.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "test_env.h"

namespace airbase {
namespace {

using testing::TempStore;

struct PgCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};

// A plain libpq session in the store's schema, as another program (or server) would hold one.
class Session {
 public:
  explicit Session(const std::string& url) : c_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(c_.get()), CONNECTION_OK) << PQerrorMessage(c_.get());
    PQsetNoticeProcessor(
        c_.get(), [](void*, const char*) {}, nullptr);
  }
  // The first column of the first row, "" when there is none; fails the test on an error.
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(c_.get(), sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(r);
    std::string v = st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  }
  // "t" when the index exists and is valid, "f" when it exists unfinished or invalid, "".
  std::string IndexState(const std::string& name) {
    return Query("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"" + name +
                 "\"')");
  }
  bool WaitForValidIndex(const std::string& name) {
    for (int i = 0; i < 200; ++i) {
      if (IndexState(name) == "t") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  std::unique_ptr<PGconn, PgCloser> c_;
};

struct Fixture {
  TempStore env{"postgres"};
  Table table;
  explicit Fixture(int records) {
    User user = *env.store->CreateUser("a@example.com", "Ann", "");
    Workspace ws = *env.store->CreateWorkspace(user.id, "WS");
    BaseInfo base{env.ids.Next("app"), "Base", ws.id, 1};
    Table t;
    t.id = env.ids.Next("tbl");
    t.name = "Items";
    Field n;
    n.id = env.ids.Next("fld");
    n.name = "N";
    n.type = FieldType::kNumber;
    n.options = {{"precision", 0}};
    n.Derive();
    t.fields = {n};
    t.primary_field_id = n.id;
    t.views.push_back(View::Grid(env.ids.Next("viw")));
    EXPECT_TRUE(env.store->CreateBase(base, {t}).ok());
    table = (*env.store->LoadSchema(base.id))->tables[0];
    auto txn = *env.store->BeginWrite(base.id);
    for (int i = 0; i < records; ++i) {
      Status st = txn->Insert(table, env.ids.Next("rec"),
                              {{&table.fields[0], SqlValue{double(records - i)}}}, 1);
      EXPECT_TRUE(st.ok()) << st.message();
    }
    EXPECT_TRUE(txn->Commit().ok());
  }
  Result<std::vector<StoredRecord>> SortedByN() {
    ListQuery q;
    q.fields = {&table.fields[0]};
    q.sort = {SortKey{&table.fields[0], false}};
    q.limit = 100;
    return env.store->List(table, q);
  }
};

// A plain CREATE INDEX waits for every open write on its table and then shuts writers out until
// it is done; on the read path that turned one list into a stall of the whole table. Here a
// writer holds the table open while a list first sorts by N: the list answers at once, sorted,
// and the index is finished once the writer is gone.
TEST(PostgresStore, AListDoesNotWaitForItsIndexNorItsIndexForTheList) {
  if (testing::TestPostgresUrl().empty()) GTEST_SKIP() << "AIRBASE_TEST_POSTGRES is not set";
  Fixture f(50);
  const std::string index = "i_" + f.table.fields[0].id;
  Session writer(f.env.Url());
  writer.Query("BEGIN");
  writer.Query("LOCK TABLE \"t_" + f.table.id +
               "\" IN ROW EXCLUSIVE MODE");  // what an INSERT holds

  auto list = std::async(std::launch::async, [&] { return f.SortedByN(); });
  bool answered = list.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  Session observer(f.env.Url());
  std::string state_while_writing = observer.IndexState(index);
  writer.Query("COMMIT");  // lets a blocked list (the old behaviour) finish, so the test ends
  ASSERT_TRUE(answered) << "the list waited for the table's writer";
  auto rows = list.get();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 50u);
  EXPECT_EQ(std::get<double>((*rows)[0].cells[0]), 1.0);
  EXPECT_EQ(std::get<double>((*rows)[49].cells[0]), 50.0);
  EXPECT_NE(state_while_writing, "t") << "the index cannot be finished while a writer is open";

  EXPECT_TRUE(observer.WaitForValidIndex(index));
  rows = f.SortedByN();  // and with the index
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(std::get<double>((*rows)[0].cells[0]), 1.0);
}

// A build cut short (its server killed, a cancel) leaves an invalid index that IF NOT EXISTS
// would keep forever; the next server to need it drops it and builds it again.
TEST(PostgresStore, AnInvalidIndexLeftByABrokenBuildIsRebuilt) {
  if (testing::TestPostgresUrl().empty()) GTEST_SKIP() << "AIRBASE_TEST_POSTGRES is not set";
  Fixture f(20);
  const std::string index = "i_" + f.table.fields[0].id;
  Session admin(f.env.Url());
  admin.Query("CREATE INDEX \"" + index + "\" ON \"t_" + f.table.id + "\"(\"c_" +
              f.table.fields[0].id + "\")");
  // What a cancelled CREATE INDEX CONCURRENTLY leaves behind (the test cluster's user is its
  // superuser, so it may mark the index so).
  admin.Query("UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass('\"" + index +
              "\"')");
  ASSERT_EQ(admin.IndexState(index), "f");
  f.env.Reopen();  // a server that has not asked for the index yet
  auto rows = f.SortedByN();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(std::get<double>((*rows)[0].cells[0]), 1.0);
  EXPECT_TRUE(admin.WaitForValidIndex(index));
}

}  // namespace
}  // namespace airbase
