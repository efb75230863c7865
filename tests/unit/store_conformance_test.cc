// The store conformance suite: every Store interface (accounts, sessions, tokens, schema, records,
// comments, webhooks) exercised through Store::Open(url). Each case runs once per store kind in
// testing::StoreKinds(), so a second implementation runs all of them by adding its URL scheme
// there.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "common/crypto.h"
#include "engine/attachment_files.h"
#include "schema/attachments.h"
#include "storage/sqlite/sqlite_connection.h"
#include "test_env.h"

namespace airbase {
namespace {

using testing::TempStore;

Table MakeTable(IdGenerator& ids) {
  Table t;
  t.id = ids.Next("tbl");
  t.name = "Items";
  Field name;
  name.id = ids.Next("fld");
  name.name = "Name";
  name.type = FieldType::kSingleLineText;
  Field n;
  n.id = ids.Next("fld");
  n.name = "N";
  n.type = FieldType::kNumber;
  n.options = {{"precision", 0}};
  n.Derive();
  Field auto_n;
  auto_n.id = ids.Next("fld");
  auto_n.name = "Auto";
  auto_n.type = FieldType::kAutoNumber;
  t.fields = {name, n, auto_n};
  t.primary_field_id = name.id;
  t.views.push_back(View::Grid(ids.Next("viw")));
  return t;
}

struct Fixture {
  TempStore env;
  User user;
  Workspace ws;
  BaseInfo base;
  explicit Fixture(const std::string& kind) : env(kind) {
    user = *env.store->CreateUser("a@example.com", "Ann", "");
    ws = *env.store->CreateWorkspace(user.id, "WS");
    base = BaseInfo{env.ids.Next("app"), "Base", ws.id, 1};
    EXPECT_TRUE(env.store->CreateBase(base, {MakeTable(env.ids)}).ok());
  }
};

class StoreConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(StoreConformance, MigrationsRunOnceAndReopenKeepsData) {
  Fixture f(GetParam());
  f.env.Reopen();
  auto u = f.env.store->FindUserByEmail("A@EXAMPLE.COM");  // emails are case-insensitive
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u->has_value());
  EXPECT_EQ((*u)->id, f.user.id);
  auto dup = f.env.store->CreateUser("a@example.com", "Again", "");
  EXPECT_FALSE(dup.ok());
}

TEST_P(StoreConformance, RolesComeFromBaseOrWorkspace) {
  Fixture f(GetParam());
  auto other = *f.env.store->CreateUser("b@example.com", "Bob", "");
  EXPECT_EQ(*f.env.store->BaseRole(f.user.id, f.base.id), Role::kOwner);
  EXPECT_EQ(*f.env.store->BaseRole(other.id, f.base.id), Role::kNone);
  ASSERT_TRUE(f.env.store->SetBaseRole(f.base.id, other.id, Role::kRead).ok());
  EXPECT_EQ(*f.env.store->BaseRole(other.id, f.base.id), Role::kRead);
  ASSERT_TRUE(f.env.store->SetWorkspaceRole(f.ws.id, other.id, Role::kEdit).ok());
  EXPECT_EQ(*f.env.store->BaseRole(other.id, f.base.id), Role::kEdit);  // the higher one
  auto bases = *f.env.store->ListBases(other.id);
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_EQ(bases[0].role, Role::kEdit);
  ASSERT_TRUE(f.env.store->SetWorkspaceRole(f.ws.id, other.id, Role::kNone).ok());
  ASSERT_TRUE(f.env.store->SetBaseRole(f.base.id, other.id, Role::kNone).ok());
  EXPECT_TRUE(f.env.store->ListBases(other.id)->empty());
}

// A workspace keeps an owner: its sole owner is neither demoted nor removed, also when two
// owners are demoted at once (on PostgreSQL, two transactions in flight; one of them must fail).
TEST_P(StoreConformance, AWorkspaceKeepsItsLastOwner) {
  Fixture f(GetParam());
  Status sole = f.env.store->SetWorkspaceRole(f.ws.id, f.user.id, Role::kEdit);
  EXPECT_EQ(sole.code(), ErrorCode::kInvalidPermissions);
  EXPECT_EQ(f.env.store->SetWorkspaceRole(f.ws.id, f.user.id, Role::kNone).code(),
            ErrorCode::kInvalidPermissions);
  EXPECT_EQ(*f.env.store->WorkspaceRole(f.user.id, f.ws.id), Role::kOwner);
  auto other = *f.env.store->CreateUser("b@example.com", "Bob", "");
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE(f.env.store->SetWorkspaceRole(f.ws.id, other.id, Role::kOwner).ok());
    ASSERT_TRUE(f.env.store->SetWorkspaceRole(f.ws.id, f.user.id, Role::kOwner).ok());
    Status a, b;
    std::thread t1([&] { a = f.env.store->SetWorkspaceRole(f.ws.id, f.user.id, Role::kRead); });
    std::thread t2([&] { b = f.env.store->SetWorkspaceRole(f.ws.id, other.id, Role::kRead); });
    t1.join();
    t2.join();
    // Either may lose to a busy database (retriable); never may both succeed.
    EXPECT_FALSE(a.ok() && b.ok()) << "round " << round;
    int owners = (*f.env.store->WorkspaceRole(f.user.id, f.ws.id) == Role::kOwner) +
                 (*f.env.store->WorkspaceRole(other.id, f.ws.id) == Role::kOwner);
    EXPECT_GE(owners, 1) << "round " << round;
  }
}

TEST_P(StoreConformance, MoveBaseChangesWorkspaceAndOrder) {
  Fixture f(GetParam());
  auto make = [&](const std::string& ws, const std::string& name) {
    BaseInfo b{f.env.ids.Next("app"), name, ws, 1};
    EXPECT_TRUE(f.env.store->CreateBase(b, {MakeTable(f.env.ids)}).ok());
    return b.id;
  };
  auto ids = [&](const std::string& ws) {
    std::vector<std::string> out;
    auto d = *f.env.store->DescribeWorkspace(ws);
    for (const auto& b : d->bases) out.push_back(b.first);
    return out;
  };
  std::string b2 = make(f.ws.id, "Two");
  auto other = *f.env.store->CreateWorkspace(f.user.id, "Other");
  std::string o1 = make(other.id, "O1");
  std::string o2 = make(other.id, "O2");
  EXPECT_EQ(ids(f.ws.id), (std::vector<std::string>{f.base.id, b2}));
  auto before = *f.env.store->LoadSchema(f.base.id, *f.env.store->MetaVersion());
  ASSERT_TRUE(f.env.store->MoveBase(f.base.id, other.id, 1).ok());
  EXPECT_EQ(ids(other.id), (std::vector<std::string>{o1, f.base.id, o2}));
  EXPECT_EQ(ids(f.ws.id), (std::vector<std::string>{b2}));
  auto after = *f.env.store->LoadSchema(f.base.id, *f.env.store->MetaVersion());
  EXPECT_EQ(before->base.workspace_id, f.ws.id);
  EXPECT_EQ(after->base.workspace_id, other.id) << "the cached schema follows the move";
  EXPECT_EQ(f.env.store->MoveBase(b2, other.id, 4).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(f.env.store->MoveBase(b2, other.id, -1).ok());
  EXPECT_EQ(ids(other.id), (std::vector<std::string>{o1, f.base.id, o2, b2}));
  ASSERT_TRUE(f.env.store->MoveBase(b2, other.id, 0).ok());  // within a workspace: reordered
  EXPECT_EQ(ids(other.id), (std::vector<std::string>{b2, o1, f.base.id, o2}));
  std::string o3 = make(other.id, "O3");  // a new base goes last
  EXPECT_EQ(ids(other.id).back(), o3);
}

TEST_P(StoreConformance, SchemaSnapshotIsCachedUntilTheVersionChanges) {
  Fixture f(GetParam());
  auto s1 = *f.env.store->LoadSchema(f.base.id);
  auto s2 = *f.env.store->LoadSchema(f.base.id);
  EXPECT_EQ(s1.get(), s2.get());
  ASSERT_EQ(s1->tables.size(), 1u);
  Field extra;
  extra.id = f.env.ids.Next("fld");
  extra.name = "Extra";
  extra.type = FieldType::kCheckbox;
  ASSERT_TRUE(f.env.store->CreateField(f.base.id, s1->tables[0].id, extra).ok());
  auto s3 = *f.env.store->LoadSchema(f.base.id);
  EXPECT_NE(s1.get(), s3.get());
  EXPECT_EQ(s3->tables[0].fields.size(), 4u);
  EXPECT_EQ(s3->tables[0].fields.back().name, "Extra");
  EXPECT_EQ(*f.env.store->LoadSchema("appAAAAAAAAAAAAAA"), nullptr);
}

TEST_P(StoreConformance, RecordsInsertListUpdateDelete) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* name = &t.fields[0];
  const Field* n = &t.fields[1];
  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    for (int i = 0; i < 5; ++i) {
      Status inserted =
          txn->Insert(t, "rec" + std::string(13, 'A') + char('a' + i),
                      {{name, SqlValue{std::string(1, char('e' - i))}}, {n, SqlValue{double(i)}}},
                      f.env.clock.NowMs());
      ASSERT_TRUE(inserted.ok()) << inserted.message();
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  ListQuery q;
  q.fields = {name, n, &t.fields[2]};
  q.limit = 3;
  auto page = *f.env.store->List(t, q);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(std::get<std::string>(page[0].cells[0]), "e");
  EXPECT_EQ(std::get<int64_t>(page[2].cells[2]), 3);  // autoNumber is the row number
  q.after_rowid = page.back().rowid;
  auto rest = *f.env.store->List(t, q);
  ASSERT_EQ(rest.size(), 2u);
  q.after_rowid = 0;
  q.sort = {SortKey{name, false}};
  q.limit = 5;
  auto sorted = *f.env.store->List(t, q);
  EXPECT_EQ(std::get<std::string>(sorted[0].cells[0]), "a");

  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    EXPECT_TRUE(*txn->Update(t, page[0].id, {{n, SqlValue{99.0}}}, f.env.clock.NowMs()));
    EXPECT_FALSE(*txn->Update(t, "recZZZZZZZZZZZZZZ", {{n, SqlValue{1.0}}}, f.env.clock.NowMs()));
    EXPECT_EQ(txn->FindEqual(t, {{n, SqlValue{99.0}}}, 2)->size(), 1u);
    EXPECT_TRUE(*txn->Delete(t, page[1].id));
    EXPECT_FALSE(*txn->Delete(t, page[1].id));
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(*f.env.store->Count(t), 4);
  auto got = *f.env.store->Get(t, {n}, {page[0].id, page[1].id});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<double>(got[0].cells[0]), 99.0);
}

// `f` retyped as single line text (ChangeFieldType's target).
Field AsText(const Field& f) {
  Field text = f;
  text.type = FieldType::kSingleLineText;
  text.options = {};
  return text;
}

// Concurrent write transactions share commits (storage/sql/write_group.h), each all-or-nothing
// on its own: writers whose statements fail, or who give up, leave nothing behind and fail no
// one else; every writer told it committed finds its records, and only those.
TEST_P(StoreConformance, ConcurrentWritersCommitTogetherAndFailAlone) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* name = &t.fields[0];
  constexpr int kWriters = 24, kRounds = 8;
  std::mutex mu;
  std::vector<std::string> kept, dropped;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        auto txn = f.env.store->BeginWrite(f.base.id);
        if (!txn.ok()) {
          ++failures;
          continue;
        }
        std::vector<std::string> mine;
        for (int i = 0; i < 3; ++i) {
          std::string id = "rec" + std::string(1, static_cast<char>('A' + w % 26)) +
                           std::to_string(100000 + round * 10 + i) + "AAAAAA";
          id = id.substr(0, 17);
          Status st = (*txn)->Insert(t, id, {{name, SqlValue{id}}}, 1700000000000LL);
          if (!st.ok()) ++failures;
          mine.push_back(id);
        }
        const int kind = (w + round) % 4;
        bool committed = false;
        if (kind == 1) {
          // A statement that fails (the id is taken): this writer gives up.
          Status dup =
              (*txn)->Insert(t, mine[0], {{name, SqlValue{std::string("dup")}}}, 1700000000000LL);
          EXPECT_FALSE(dup.ok());
        } else if (kind != 2) {  // kind 2 drops the transaction without committing
          Status st = (*txn)->Commit();
          EXPECT_TRUE(st.ok()) << st.message();
          committed = st.ok();
        }
        txn->reset();
        std::lock_guard lock(mu);
        for (auto& id : mine) (committed ? kept : dropped).push_back(id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ListQuery all;
  all.fields = {name};
  all.limit = 100000;
  std::set<std::string> stored;
  const std::vector<StoredRecord> rows = *f.env.store->List(t, all);
  for (const StoredRecord& r : rows) stored.insert(r.id);
  EXPECT_EQ(stored, std::set<std::string>(kept.begin(), kept.end()));
  EXPECT_EQ(kept.size(), static_cast<size_t>(kWriters * kRounds / 2 * 3));
  for (const std::string& id : dropped) EXPECT_EQ(stored.count(id), 0u) << id;
}

// The group commit's connection outlives requests; after a column is retyped its next write
// must not reuse a statement prepared for the old type (PostgreSQL's cached plans).
TEST_P(StoreConformance, AWriteAfterARetypeUsesTheNewColumnType) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* n = &t.fields[1];
  const std::string id = f.env.ids.Next("rec");
  (void)f.env.store->MetaVersion();  // as every request does before it writes
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    ASSERT_TRUE(txn->Insert(t, id, {{n, SqlValue{2.0}}}, 1700000000000LL).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    ASSERT_TRUE(txn->Update(t, id, {{n, SqlValue{3.0}}}, 1700000000001LL).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  const Field as_text = AsText(*n);
  ASSERT_TRUE(
      f.env.store->ChangeFieldType(f.base.id, t, as_text, {{id, SqlValue{std::string("3")}}}, {})
          .ok());
  (void)f.env.store->MetaVersion();  // what every request reads first
  schema = *f.env.store->LoadSchema(f.base.id);
  const Table& after = schema->tables[0];
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    auto updated = txn->Update(
        after, id, {{&after.fields[1], SqlValue{std::string("Landing pages")}}}, 1700000000002LL);
    ASSERT_TRUE(updated.ok()) << updated.status().message();
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto rows = *f.env.store->Get(after, {&after.fields[1]}, {id});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rows[0].cells[0]), "Landing pages");
}

// SQLite's WAL is copied back into the database by the store's checkpointer thread, not inside
// the commits: however much is written, the WAL stays near the checkpoint threshold instead of
// holding every page ever written (the hook that moves the checkpoint turns SQLite's own off).
TEST(SqliteStore, TheWalIsCheckpointedOffTheCommittingThread) {
  Fixture f("sqlite");
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const std::string text(2000, 'x');
  for (int batch = 0; batch < 40; ++batch) {  // 40 x 400 records of 2 KB: ~32 MB of pages
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    for (int i = 0; i < 400; ++i)
      ASSERT_TRUE(
          txn->Insert(t, f.env.ids.Next("rec"), {{&t.fields[0], SqlValue{text}}}, 1700000000000LL)
              .ok());
    ASSERT_TRUE(txn->Commit().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the checkpointer's turn
  }
  const auto wal = std::filesystem::file_size(f.env.dir + "/airbase.db-wal");
  EXPECT_LT(wal, 16u << 20) << "the WAL kept what was written";
  ListQuery q;
  q.fields = {&t.fields[0]};
  q.limit = 100000;
  EXPECT_EQ(f.env.store->List(t, q)->size(), 16000u);
}

// A request's reads share one snapshot (Store::ShareReads) until its thread writes: another
// thread's commit stays unseen meanwhile, the thread's own write ends the sharing (so it reads
// what it wrote), and a second share on the same thread is refused.
TEST(SqliteStore, ARequestsReadsShareOneSnapshotUntilItWrites) {
  Fixture f("sqlite");
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  auto insert = [&](const std::string& name) {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    ASSERT_TRUE(
        txn->Insert(t, f.env.ids.Next("rec"), {{&t.fields[0], SqlValue{name}}}, 1700000000000LL)
            .ok());
    ASSERT_TRUE(txn->Commit().ok());
  };
  insert("first");
  std::unique_ptr<ReadScope> share = f.env.store->ShareReads();
  ASSERT_NE(share, nullptr);
  EXPECT_EQ(f.env.store->ShareReads(), nullptr) << "a thread shares one snapshot at a time";
  EXPECT_EQ(*f.env.store->Count(t), 1);
  const int64_t version = *f.env.store->MetaVersion();
  std::thread other([&] {
    insert("another thread's");
    Field extra;
    extra.id = f.env.ids.Next("fld");
    extra.name = "Extra";
    extra.type = FieldType::kCheckbox;
    EXPECT_TRUE(f.env.store->CreateField(f.base.id, t.id, extra).ok());  // moves meta_version
  });
  other.join();
  EXPECT_EQ(*f.env.store->Count(t), 1) << "the shared snapshot saw a later commit";
  EXPECT_EQ(*f.env.store->MetaVersion(), version);
  insert("this thread's");  // ends the sharing
  EXPECT_EQ(*f.env.store->Count(t), 3) << "the thread did not read its own write";
  EXPECT_GT(*f.env.store->MetaVersion(), version);
  share.reset();
  EXPECT_EQ(*f.env.store->Count(t), 3);
  EXPECT_NE(f.env.store->ShareReads(), nullptr) << "a new share after the last one ended";
}

// A statement borrowed now is not handed out again for the same text (a read stepping through
// rows while a call it makes runs the same query on the shared connection): each borrower steps
// its own rows, and a returned statement is the one lent next.
TEST(SqliteStore, AStatementBorrowedTwiceStepsTwoCursors) {
  TempStore env("sqlite");
  auto db = std::move(*sqlite::Connection::Open(env.dir + "/statements.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE n(x); INSERT INTO n VALUES (1), (2), (3);").ok());
  const std::string sql = "SELECT x FROM n ORDER BY x";
  auto outer = std::move(*db->Prepare(sql));
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->Int(0), 1);
  sql::Statement* inner_stmt = nullptr;
  {
    auto inner = std::move(*db->Prepare(sql));
    inner_stmt = inner.get();
    EXPECT_NE(inner_stmt, outer.get());
    int64_t sum = 0;
    while (*inner->Step()) sum += inner->Int(0);
    EXPECT_EQ(sum, 6);
  }
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->Int(0), 2) << "the inner borrow rewound the outer cursor";
  auto again = std::move(*db->Prepare(sql));
  EXPECT_EQ(again.get(), inner_stmt) << "the returned spare was not lent again";
}

// An equality and a range on two fields are served by one index over both (made on first use);
// the matching rows come back whatever the index's state, and either field can then be retyped
// or deleted (SQLite refuses to drop an indexed column, so the compound index goes first).
TEST_P(StoreConformance, AnEqualityAndARangeShareAnIndexThatGoesWithEitherField) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* name = &t.fields[0];
  const Field* n = &t.fields[1];
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    for (int i = 0; i < 40; ++i)
      ASSERT_TRUE(txn->Insert(t, f.env.ids.Next("rec"),
                              {{name, SqlValue{std::string(i % 2 ? "odd" : "even")}},
                               {n, SqlValue{static_cast<double>(i)}}},
                              1700000000000LL)
                      .ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  ListQuery q;
  q.fields = {name, n};
  q.filter = Predicate::Join(Predicate::Kind::kAnd,
                             {Predicate::Cell(Predicate::Kind::kSame, name, std::string("odd")),
                              Predicate::Compare(n, Predicate::Op::kGe, 10.0, false),
                              Predicate::Compare(n, Predicate::Op::kLt, 20.0, false)});
  auto rows = f.env.store->List(t, q);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  // A whole number may come back as an integer from either engine.
  auto number = [](const SqlValue& v) {
    return std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v))
                                              : std::get<double>(v);
  };
  std::vector<double> got;
  for (const StoredRecord& r : *rows) got.push_back(number(r.cells[1]));
  EXPECT_EQ(got, (std::vector<double>{11, 13, 15, 17, 19}));
  // Retyping the range's field and deleting the equality's both drop the index with them.
  const Field as_text = AsText(*n);
  std::vector<std::pair<std::string, SqlValue>> cells;
  const std::vector<StoredRecord> all = *f.env.store->List(t, ListQuery{{n}, {}, 1000});
  for (const StoredRecord& r : all)
    cells.emplace_back(r.id, SqlValue{std::to_string(static_cast<int>(number(r.cells[0])))});
  Status retyped = f.env.store->ChangeFieldType(f.base.id, t, as_text, cells, {});
  EXPECT_TRUE(retyped.ok()) << retyped.message();
  schema = *f.env.store->LoadSchema(f.base.id);
  const Table& after = schema->tables[0];
  ListQuery again;
  again.fields = {&after.fields[0], &after.fields[1]};
  again.filter = Predicate::Join(
      Predicate::Kind::kAnd,
      {Predicate::Cell(Predicate::Kind::kSame, &after.fields[0], std::string("odd")),
       Predicate::Cell(Predicate::Kind::kSame, &after.fields[1], std::string("11"))});
  auto one = f.env.store->List(after, again);
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ(one->size(), 1u);
  Status deleted = f.env.store->DeleteField(f.base.id, after, after.fields[0], {});
  EXPECT_TRUE(deleted.ok()) << deleted.message();
}

// Records by id come back in the order asked, an id asked twice twice and an unknown one left
// out, however many are asked at once (they are read a few per statement).
TEST_P(StoreConformance, GetAnswersInTheOrderAskedForManyIds) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  std::vector<std::string> made;
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    for (int i = 0; i < 150; ++i) {
      made.push_back(f.env.ids.Next("rec"));
      ASSERT_TRUE(txn->Insert(t, made.back(), {{&t.fields[0], SqlValue{std::to_string(i)}}},
                              1700000000000LL)
                      .ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::mt19937 rng(3);
  for (size_t n : {1u, 3u, 10u, 57u, 140u}) {
    std::vector<std::string> ask, expect;
    for (size_t i = 0; i < n; ++i) {
      if (rng() % 7 == 0) {
        ask.push_back(f.env.ids.Next("rec"));  // never made
        continue;
      }
      const std::string& id = made[rng() % made.size()];
      ask.push_back(id);
      expect.push_back(id);
      if (rng() % 9 == 0) {
        ask.push_back(id);
        expect.push_back(id);
      }
    }
    auto rows = f.env.store->Get(t, {&t.fields[0]}, ask);
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    std::vector<std::string> got;
    for (const StoredRecord& r : *rows) {
      got.push_back(r.id);
      const size_t i = std::find(made.begin(), made.end(), r.id) - made.begin();
      EXPECT_EQ(std::get<std::string>(r.cells[0]), std::to_string(i));
    }
    EXPECT_EQ(got, expect) << n << " ids";
  }
}

// A list's RowTest runs inside the scan where the store can (SQLite): each row's id, times and
// the test's own cells reach it, rows failing it never come back, a sorted page's skip counts
// passing rows, and it combines with a pushed-down filter. A store that cannot (PostgreSQL)
// says so and refuses a query that carries one.
TEST_P(StoreConformance, ARowTestRunsInsideTheScanWhereTheStoreCanRunIt) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* name = &t.fields[0];
  const Field* n = &t.fields[1];
  std::vector<std::string> made;
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    for (int i = 0; i < 40; ++i) {
      made.push_back(f.env.ids.Next("rec"));
      ASSERT_TRUE(txn->Insert(t, made.back(),
                              {{name, SqlValue{"r" + std::to_string(i)}}, {n, SqlValue{double(i)}}},
                              1700000000000LL + i)
                      .ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  struct EveryThird final : RowTest {
    std::vector<std::string> seen;
    bool wrong = false;
    bool Passes(const RowCells& row) override {
      seen.emplace_back(row.id);
      // The cells are the test's fields (N, then Name); created_ms and modified_ms its times.
      const double i = std::get<double>(row.cells.at(0));
      wrong = wrong || std::get<std::string>(row.cells.at(1)) != "r" + std::to_string(int(i)) ||
              row.created_ms != 1700000000000LL + int64_t(i) || row.modified_ms != row.created_ms;
      return int(i) % 3 == 0;
    }
  } test;
  ListQuery q;
  q.fields = {name};
  q.test = &test;
  q.test_fields = {n, name};
  q.limit = 5;
  if (!f.env.store->TestsRowsInScan()) {
    EXPECT_FALSE(f.env.store->List(t, q).ok());
    return;
  }
  auto page = f.env.store->List(t, q);
  ASSERT_TRUE(page.ok()) << page.status().message();
  std::vector<std::string> got;
  for (const StoredRecord& r : *page) got.push_back(std::get<std::string>(r.cells[0]));
  EXPECT_EQ(got, (std::vector<std::string>{"r0", "r3", "r6", "r9", "r12"}));
  EXPECT_FALSE(test.wrong);
  EXPECT_EQ(test.seen.front(), made[0]);
  EXPECT_LE(test.seen.size(), 15u);  // the scan stopped at the page's last match
  // Sorted by N descending, the second page of three: skip counts rows that passed.
  q.sort = {SortKey{n, true}};
  q.limit = 3;
  q.skip = 3;
  got.clear();
  page = f.env.store->List(t, q);
  ASSERT_TRUE(page.ok()) << page.status().message();
  for (const StoredRecord& r : *page) got.push_back(std::get<std::string>(r.cells[0]));
  EXPECT_EQ(got, (std::vector<std::string>{"r30", "r27", "r24"}));
  // With a pushed-down filter: N < 10, and the test.
  Predicate below;
  below.kind = Predicate::Kind::kCompare;
  below.field = n;
  below.op = Predicate::Op::kLt;
  below.value = SqlValue{10.0};
  q.filter = below;
  q.sort.clear();
  q.skip = 0;
  q.limit = 100;
  got.clear();
  page = f.env.store->List(t, q);
  ASSERT_TRUE(page.ok()) << page.status().message();
  for (const StoredRecord& r : *page) got.push_back(std::get<std::string>(r.cells[0]));
  EXPECT_EQ(got, (std::vector<std::string>{"r0", "r3", "r6", "r9"}));
  EXPECT_FALSE(test.wrong);
}

// A comparison through a function of a cell (LOWER, LEN) gets an index on that expression, made
// on first use; the matching rows come back whatever the index's state, and the field can then
// be deleted (SQLite refuses to drop a column an expression index reads, so the index goes too).
TEST_P(StoreConformance, AFunctionOfACellGetsAnIndexThatGoesWithTheField) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Field as_text = AsText(schema->tables[0].fields[1]);
  ASSERT_TRUE(f.env.store->ChangeFieldType(f.base.id, schema->tables[0], as_text, {}, {}).ok());
  schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  const Field* text = &t.fields[1];
  {
    auto txn = std::move(*f.env.store->BeginWrite(f.base.id));
    const char* names[] = {"Alpha", "ALPHA", "alphabet", "beta", "Beta "};
    for (int i = 0; i < 50; ++i)
      ASSERT_TRUE(txn->Insert(t, f.env.ids.Next("rec"),
                              {{text, SqlValue{std::string(names[i % 5])}}}, 1700000000000LL)
                      .ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto count = [&](Predicate p) -> size_t {
    ListQuery q;
    q.fields = {text};
    q.limit = 1000;
    q.filter = std::move(p);
    auto rows = f.env.store->List(t, q);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? rows->size() : 0;
  };
  auto lower = Predicate::Cell(Predicate::Kind::kSame, text, std::string("alpha"));
  lower.transform = Predicate::Transform::kLower;
  auto length = Predicate::Compare(text, Predicate::Op::kGt, 4.0, false);
  length.transform = Predicate::Transform::kLength;
  for (int pass = 0; pass < 2; ++pass) {  // before and after the index exists
    EXPECT_EQ(count(lower), 20u);
    EXPECT_EQ(count(length), 40u);  // "beta" is the one of 4 characters
    std::this_thread::sleep_for(std::chrono::milliseconds(pass ? 0 : 200));
  }
  Status deleted = f.env.store->DeleteField(f.base.id, t, *text, {});
  EXPECT_TRUE(deleted.ok()) << deleted.message();
}

// A link field and its inverse are one relationship in the store: writing either side changes
// the other, each side keeps its own order, a new link is appended to the other side, deleting a
// record deletes its links, and deleting both fields leaves nothing behind.
TEST_P(StoreConformance, LinksKeepBothSidesInTheirOwnOrder) {
  Fixture f(GetParam());
  Table other = MakeTable(f.env.ids);
  other.name = "Others";
  ASSERT_TRUE(f.env.store->CreateTable(f.base.id, other).ok());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const std::string items_id = schema->tables[0].id;
  Field link, inverse;
  link.id = f.env.ids.Next("fld");
  inverse.id = f.env.ids.Next("fld");
  link.name = "Others";
  inverse.name = "Items";
  link.type = inverse.type = FieldType::kMultipleRecordLinks;
  link.options = {{"linkedTableId", other.id}, {"inverseLinkFieldId", inverse.id}};
  inverse.options = {{"linkedTableId", items_id}, {"inverseLinkFieldId", link.id}};
  ASSERT_TRUE(f.env.store->CreateField(f.base.id, items_id, link).ok());
  ASSERT_TRUE(f.env.store->CreateField(f.base.id, other.id, inverse).ok());
  schema = *f.env.store->LoadSchema(f.base.id);
  const Table& items = schema->tables[0];
  const Table& others = schema->tables[1];
  const Field* l = items.FindField(link.id);
  const Field* inv = others.FindField(inverse.id);
  auto rec = [](char c) { return "rec" + std::string(13, 'A') + c; };
  auto ids = [](std::initializer_list<std::string> l) {
    std::string s;
    for (const auto& x : l) s += (s.empty() ? "" : ",") + x;
    return SqlValue{s};
  };
  auto cell = [&](const Table& t, const Field* fld, const std::string& id) {
    auto got = *f.env.store->Get(t, {fld}, {id});
    return got.empty() ? SqlValue{std::string("missing")} : got[0].cells[0];
  };
  const int64_t t0 = f.env.clock.NowMs();
  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    for (char c : {'a', 'b'}) ASSERT_TRUE(txn->Insert(items, rec(c), {}, t0).ok());
    for (char c : {'x', 'y', 'z'}) ASSERT_TRUE(txn->Insert(others, rec(c), {}, t0).ok());
    ASSERT_TRUE(txn->Update(items, rec('a'), {{l, ids({rec('z'), rec('x')})}}, t0).ok());
    ASSERT_TRUE(txn->Update(items, rec('b'), {{l, ids({rec('x')})}}, t0).ok());
    // The inverse side as the same transaction sees it.
    auto x = *txn->Read(others, {inv}, rec('x'));
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ((*x)[0], ids({rec('a'), rec('b')}));
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(cell(others, inv, rec('z')), ids({rec('a')}));
  EXPECT_EQ(cell(others, inv, rec('y')), SqlValue{});
  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    // x reorders its inverse cell; a's own order stays; y links a (appended to a's cell).
    ASSERT_TRUE(txn->Update(others, rec('x'), {{inv, ids({rec('b'), rec('a')})}}, t0).ok());
    ASSERT_TRUE(txn->Update(others, rec('y'), {{inv, ids({rec('a')})}}, t0).ok());
    EXPECT_EQ(*txn->LinkedFrom(*l, rec('x')), (std::vector<std::string>{rec('b'), rec('a')}));
    f.env.clock.Advance(5000);
    ASSERT_TRUE(txn->Touch(items, rec('b'), {l}, f.env.clock.NowMs()).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(cell(items, l, rec('a')), ids({rec('z'), rec('x'), rec('y')}));
  EXPECT_EQ(cell(others, inv, rec('x')), ids({rec('b'), rec('a')}));
  auto b = *f.env.store->Get(items, {l}, {rec('b')});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].modified_ms, f.env.clock.NowMs());
  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    ASSERT_TRUE(*txn->Delete(items, rec('a')));
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(cell(others, inv, rec('x')), ids({rec('b')}));
  EXPECT_EQ(cell(others, inv, rec('z')), SqlValue{});
  // Both fields gone, a new pair with the same ids starts empty: nothing was left behind.
  ASSERT_TRUE(f.env.store->DeleteField(f.base.id, items, *l, {}).ok());
  ASSERT_TRUE(f.env.store->DeleteField(f.base.id, others, *inv, {}).ok());
  ASSERT_TRUE(f.env.store->CreateField(f.base.id, items_id, link).ok());
  schema = *f.env.store->LoadSchema(f.base.id);
  EXPECT_EQ(cell(schema->tables[0], schema->tables[0].FindField(link.id), rec('b')), SqlValue{});
}

TEST_P(StoreConformance, UncommittedWritesRollBack) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  const Table& t = schema->tables[0];
  {
    auto txn = *f.env.store->BeginWrite(f.base.id);
    ASSERT_TRUE(txn->Insert(t, "recAAAAAAAAAAAAAA", {}, 1).ok());
  }  // destroyed without Commit
  EXPECT_EQ(*f.env.store->Count(t), 0);
}

// A token of the fixture's user on its base, with only a fake hash.
TokenRecord MakeToken(const Fixture& f, const std::string& id) {
  TokenRecord t;
  t.id = id;
  t.user_id = f.user.id;
  t.name = "tok";
  t.secret_hash = std::string(32, '\x01');
  t.scopes = {"data.records:read"};
  t.base_ids = {f.base.id};
  return t;
}

TEST_P(StoreConformance, TokensPersistHashesAndResources) {
  Fixture f(GetParam());
  TokenRecord t = MakeToken(f, "patAAAAAAAAAAAAAA");
  t.workspace_ids = {f.ws.id};
  t.created_ms = 5;
  ASSERT_TRUE(f.env.store->CreateToken(t).ok());
  auto got = **f.env.store->FindToken(t.id);
  EXPECT_EQ(got.secret_hash, t.secret_hash);
  EXPECT_EQ(got.scopes, t.scopes);
  EXPECT_EQ(got.base_ids, t.base_ids);
  EXPECT_EQ(got.workspace_ids, t.workspace_ids);
  EXPECT_EQ(*f.env.store->TouchTokens({{t.id, 1234}}, 1000), std::vector<std::string>{t.id});
  EXPECT_EQ((**f.env.store->FindToken(t.id)).last_used_ms, 1234);
  // Within the gap of the stored time (another server wrote first): left alone.
  EXPECT_TRUE(f.env.store->TouchTokens({{t.id, 2000}}, 1000)->empty());
  EXPECT_TRUE(f.env.store->TouchTokens({{t.id, 1000}}, 1000)->empty());  // never backwards
  EXPECT_EQ((**f.env.store->FindToken(t.id)).last_used_ms, 1234);
  EXPECT_EQ(*f.env.store->TouchTokens({{t.id, 2234}}, 1000), std::vector<std::string>{t.id});
  EXPECT_EQ((**f.env.store->FindToken(t.id)).last_used_ms, 2234);
  EXPECT_EQ(f.env.store->ListTokens(f.user.id)->size(), 1u);
  got.revoked_ms = 9;
  ASSERT_TRUE(f.env.store->UpdateToken(got).ok());
  EXPECT_TRUE(f.env.store->ListTokens(f.user.id)->empty());
}

// Attachment files: kept once per key, read whole or by range, listed, removed; kept across a
// reopen; a malformed key is refused (no path outside the store).
TEST_P(StoreConformance, BlobsKeepFilesByContentKey) {
  Fixture f(GetParam());
  BlobStore& b = f.env.store->Blobs();
  const std::string key = Sha256Hex("hello world");
  std::string bytes = "hello world";
  bytes.push_back('\0');
  bytes += "\xff\x01 binary";
  ASSERT_TRUE(b.Put(key, bytes).ok());
  const int64_t stored = f.env.clock.NowMs();
  f.env.clock.Advance(5'000);
  ASSERT_TRUE(b.Put(key, "other bytes").ok());  // again: the bytes stay, stored now
  EXPECT_EQ(**b.Get(key), bytes);
  EXPECT_EQ(**b.Get(key, 6, 5), "world");
  EXPECT_EQ(**b.Get(key, 11, 100), bytes.substr(11));  // clipped at the end
  EXPECT_EQ(**b.Size(key), static_cast<int64_t>(bytes.size()));
  ASSERT_TRUE(b.Put(key + ".small", "").ok());  // an empty file is a file
  EXPECT_EQ(**b.Get(key + ".small"), "");
  EXPECT_EQ(**b.Size(key + ".small"), 0);
  auto keys = *b.Keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{key, key + ".small"}));
  EXPECT_FALSE(b.Put("../../etc/passwd", "x").ok());
  EXPECT_FALSE(b.Put(key + "/x", "x").ok());
  EXPECT_FALSE(b.Get("../" + key)->has_value());
  f.env.Reopen();
  BlobStore& again = f.env.store->Blobs();
  EXPECT_EQ(**again.Get(key), bytes);
  // Stored again 5 s later: not removed by a cutoff between the two stores, removed after.
  EXPECT_FALSE(*again.RemoveIfStoredBefore(key, stored + 1));
  EXPECT_TRUE(again.Get(key)->has_value());
  EXPECT_TRUE(*again.RemoveIfStoredBefore(key, f.env.clock.NowMs() + 1));
  EXPECT_FALSE(*again.RemoveIfStoredBefore(key, f.env.clock.NowMs() + 1));  // gone already
  EXPECT_FALSE(again.Get(key)->has_value());
  EXPECT_FALSE(again.Size(key)->has_value());
  EXPECT_EQ(*again.Keys(), std::vector<std::string>{key + ".small"});
}

// The orphan sweep: a file named by two cells stays while either names it; once neither does it
// is removed with its thumbnail, but only after the grace period (by the injected clock), and a
// file stored again meanwhile waits for a whole new period.
TEST_P(StoreConformance, AFileSharedByTwoCellsIsSweptOnlyAfterBothAreGoneAndTheGrace) {
  Fixture f(GetParam());
  Store& s = *f.env.store;
  Table t;
  t.id = f.env.ids.Next("tbl");
  t.name = "Docs";
  Field name;
  name.id = f.env.ids.Next("fld");
  name.name = "Name";
  name.type = FieldType::kSingleLineText;
  Field files;
  files.id = f.env.ids.Next("fld");
  files.name = "Files";
  files.type = FieldType::kMultipleAttachments;
  files.options = {{"isReversed", false}};
  t.fields = {name, files};
  t.primary_field_id = name.id;
  t.views.push_back(View::Grid(f.env.ids.Next("viw")));
  BaseInfo base{f.env.ids.Next("app"), "Files", f.ws.id, 1};
  ASSERT_TRUE(s.CreateBase(base, {t}).ok());

  BlobStore& blobs = s.Blobs();
  const std::string shared = Sha256Hex("shared"), lone = Sha256Hex("lone"),
                    again = Sha256Hex("again");
  ASSERT_TRUE(blobs.Put(shared, "shared").ok());
  ASSERT_TRUE(blobs.Put(shared + ".small", "thumb").ok());
  ASSERT_TRUE(blobs.Put(lone, "lone").ok());
  ASSERT_TRUE(blobs.Put(again, "again").ok());
  attachments::Item item{"attSHAREDSHAREDSH", shared, "", "a.txt", "text/plain", 6};
  const std::string cell = attachments::Serialize({item});
  {
    auto txn = *s.BeginWrite(base.id);
    for (const char* id : {"recONEONEONEONEON", "recTWOTWOTWOTWOTW"})
      ASSERT_TRUE(txn->Insert(t, id, {{&t.fields[1], SqlValue{cell}}}, f.env.clock.NowMs()).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto present = [&](const std::string& key) { return blobs.Get(key)->has_value(); };
  auto sweep = [&] {
    return *engine::SweepOrphanFiles(s, f.env.clock.NowMs(), kOrphanFileGraceMs);
  };
  auto drop = [&](const char* id) {
    auto txn = *s.BeginWrite(base.id);
    ASSERT_TRUE(*txn->Delete(t, id));
    ASSERT_TRUE(txn->Commit().ok());
  };

  EXPECT_EQ(sweep(), 0);  // lone and again are noted, not removed
  f.env.clock.Advance(kOrphanFileGraceMs - 1);
  EXPECT_EQ(sweep(), 0);
  ASSERT_TRUE(blobs.Put(again, "again").ok());  // stored again within the period
  f.env.clock.Advance(2);
  EXPECT_EQ(sweep(), 1);  // lone
  EXPECT_FALSE(present(lone));
  EXPECT_TRUE(present(again));
  drop("recONEONEONEONEON");
  f.env.clock.Advance(kOrphanFileGraceMs + 1);
  EXPECT_EQ(sweep(), 1);  // again (its period from the second store has passed); shared is named
  EXPECT_FALSE(present(again));
  EXPECT_TRUE(present(shared) && present(shared + ".small"));
  drop("recTWOTWOTWOTWOTW");
  EXPECT_EQ(sweep(), 0);  // no cell names shared now: noted
  f.env.Reopen();         // the notes are the store's: another server's run goes on from them
  Store& r = *f.env.store;
  f.env.clock.Advance(kOrphanFileGraceMs - 1);
  EXPECT_EQ(*engine::SweepOrphanFiles(r, f.env.clock.NowMs(), kOrphanFileGraceMs), 0);
  EXPECT_TRUE(r.Blobs().Get(shared)->has_value());
  f.env.clock.Advance(1);
  EXPECT_EQ(*engine::SweepOrphanFiles(r, f.env.clock.NowMs(), kOrphanFileGraceMs), 2);
  EXPECT_FALSE(r.Blobs().Get(shared)->has_value());
  EXPECT_FALSE(r.Blobs().Get(shared + ".small")->has_value());
  EXPECT_TRUE(r.OrphanFiles()->empty());
}

TEST_P(StoreConformance, ServerKeyIsStableAcrossReopen) {
  Fixture f(GetParam());
  std::string k1 = *f.env.store->ServerKey();
  EXPECT_EQ(k1.size(), 32u);
  f.env.Reopen();
  EXPECT_EQ(*f.env.store->ServerKey(), k1);
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

TEST_P(StoreConformance, DeleteBaseDropsItsTablesAndAccess) {
  Fixture f(GetParam());
  auto schema = *f.env.store->LoadSchema(f.base.id);
  TokenRecord t = MakeToken(f, "patBBBBBBBBBBBBBB");
  ASSERT_TRUE(f.env.store->CreateToken(t).ok());
  EXPECT_FALSE(f.env.store->DeleteWorkspace(f.ws.id).ok());  // it still has a base
  ASSERT_TRUE(f.env.store->DeleteBase(f.base.id).ok());
  EXPECT_EQ(*f.env.store->LoadSchema(f.base.id), nullptr);
  EXPECT_FALSE(f.env.store->Count(schema->tables[0]).ok());  // the record table is gone
  EXPECT_TRUE((**f.env.store->FindToken(t.id)).base_ids.empty());
  EXPECT_EQ(*f.env.store->BaseRole(f.user.id, f.base.id), Role::kNone);
  ASSERT_TRUE(f.env.store->RenameWorkspace(f.ws.id, "Renamed").ok());
  EXPECT_EQ((**f.env.store->FindWorkspace(f.ws.id)).name, "Renamed");
  ASSERT_TRUE(f.env.store->DeleteWorkspace(f.ws.id).ok());
  EXPECT_TRUE(f.env.store->ListWorkspaces(f.user.id)->empty());
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

namespace json = boost::json;

TEST_P(StoreConformance, ViewsPersistTheirSettingsAcrossReopen) {
  Fixture fx(GetParam());
  auto schema = *fx.env.store->LoadSchema(fx.base.id);
  const Table& t = schema->tables[0];
  View v;
  v.id = fx.env.ids.Next("viw");
  v.name = "Big numbers";
  v.sorts = {ViewSort{t.fields[1].id, true}};
  v.conjunction = "or";
  v.conditions = {ViewCondition{t.fields[1].id, ">", json::value(3)},
                  ViewCondition{t.fields[0].id, "contains", json::value("a\"b")}};
  v.hidden_field_ids = {t.fields[2].id};
  ASSERT_TRUE(fx.env.store->CreateView(fx.base.id, t.id, v).ok());
  fx.env.Reopen();
  auto again = *fx.env.store->LoadSchema(fx.base.id);
  ASSERT_EQ(again->tables[0].views.size(), 2u);
  const View& got = again->tables[0].views[1];
  EXPECT_EQ(got.name, "Big numbers");
  EXPECT_EQ(json::serialize(got.ConfigJson()), json::serialize(v.ConfigJson()));

  View renamed = got;
  renamed.name = "Renamed";
  renamed.sorts.clear();
  ASSERT_TRUE(fx.env.store->UpdateView(fx.base.id, t.id, renamed).ok());
  auto third = *fx.env.store->LoadSchema(fx.base.id);
  EXPECT_EQ(third->tables[0].views[1].name, "Renamed");
  EXPECT_TRUE(third->tables[0].views[1].sorts.empty());
  EXPECT_EQ(third->tables[0].views[1].conditions.size(), 2u);
  ASSERT_TRUE(fx.env.store->DeleteView(fx.base.id, t.id, v.id).ok());
  EXPECT_EQ((*fx.env.store->LoadSchema(fx.base.id))->tables[0].views.size(), 1u);
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

TEST_P(StoreConformance, CommentsGoWithTheirRecord) {
  Fixture fx(GetParam());
  auto schema = *fx.env.store->LoadSchema(fx.base.id);
  const Table& t = schema->tables[0];
  const std::string a = "recAAAAAAAAAAAAAa", b = "recAAAAAAAAAAAAAb";
  {
    auto txn = *fx.env.store->BeginWrite(fx.base.id);
    ASSERT_TRUE(txn->Insert(t, a, {}, fx.env.clock.NowMs()).ok());
    ASSERT_TRUE(txn->Insert(t, b, {}, fx.env.clock.NowMs()).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  for (int i = 0; i < 3; ++i) {
    CommentRecord c;
    c.id = fx.env.ids.Next("com");
    c.base_id = fx.base.id;
    c.table_id = t.id;
    c.record_id = i < 2 ? a : b;
    c.author_id = fx.user.id;
    c.text = "note " + std::to_string(i);
    c.created_ms = fx.env.clock.NowMs();
    ASSERT_TRUE(fx.env.store->CreateComment(c).ok());
  }
  EXPECT_EQ(*fx.env.store->CountComments(t.id, {a, b}), (std::vector<int64_t>{2, 1}));
  auto newest = *fx.env.store->ListComments(t.id, a, 0, 1);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].text, "note 1");
  auto older = *fx.env.store->ListComments(t.id, a, newest[0].seq, 10);
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].text, "note 0");
  {
    auto txn = *fx.env.store->BeginWrite(fx.base.id);
    ASSERT_TRUE(*txn->Delete(t, a));
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(*fx.env.store->CountComments(t.id, {a, b}), (std::vector<int64_t>{0, 1}));
  ASSERT_TRUE(fx.env.store->DeleteTable(fx.base.id, t.id).ok());
  EXPECT_EQ(*fx.env.store->CountComments(t.id, {b}), (std::vector<int64_t>{0}));
}

TEST_P(StoreConformance, AccountsWorkspacesAndSettings) {
  Fixture f(GetParam());
  Store& st = *f.env.store;
  // Only the very first user can be created as the server's first user.
  TempStore fresh(GetParam());
  auto first = fresh.store->CreateFirstUser("o@example.com", "Owner", "hash");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(fresh.store->CreateFirstUser("p@example.com", "P", "").status().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(*fresh.store->PasswordHash(first->id), "hash");
  EXPECT_EQ(*fresh.store->CountUsers(), 1);

  User bob = *st.CreateUser("b@example.com", "Bob", "");
  ASSERT_EQ(st.ListUsers()->size(), 2u);
  EXPECT_EQ((*st.ListUsers())[0].id, f.user.id);  // oldest first
  EXPECT_EQ((*st.FindUser(bob.id))->email, "b@example.com");
  EXPECT_FALSE(st.FindUser("usrNOPE")->has_value());

  Workspace second = *st.CreateWorkspace(bob.id, "Second");
  EXPECT_EQ(*st.WorkspaceRole(bob.id, second.id), Role::kOwner);
  EXPECT_EQ(*st.WorkspaceRole(f.user.id, second.id), Role::kNone);
  ASSERT_TRUE(st.RenameWorkspace(second.id, "Renamed").ok());
  EXPECT_EQ((*st.FindWorkspace(second.id))->name, "Renamed");
  ASSERT_EQ(st.ListWorkspaces(bob.id)->size(), 1u);
  // A workspace with bases cannot be deleted; an empty one can.
  EXPECT_EQ(st.DeleteWorkspace(f.ws.id).code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(st.DeleteWorkspace(second.id).ok());
  EXPECT_FALSE(st.FindWorkspace(second.id)->has_value());

  ASSERT_EQ(st.ListBases(f.user.id)->size(), 1u);
  EXPECT_EQ((*st.ListBases(f.user.id))[0].role, Role::kOwner);
  EXPECT_TRUE(st.ListBases(bob.id)->empty());

  EXPECT_EQ(*st.GetSetting("tokens.maxDays"), "");
  ASSERT_TRUE(st.SetSetting("tokens.maxDays", "30").ok());
  EXPECT_EQ(*st.GetSetting("tokens.maxDays"), "30");
  ASSERT_TRUE(st.SetSetting("tokens.maxDays", "").ok());  // empty removes it
  EXPECT_EQ(*st.GetSetting("tokens.maxDays"), "");
}

TEST_P(StoreConformance, SessionsAndPasswordChanges) {
  Fixture f(GetParam());
  Store& st = *f.env.store;
  SessionRecord a{std::string(32, 'a'), f.user.id, "csrf-a", 1, 100};
  SessionRecord b{std::string(32, 'b'), f.user.id, "csrf-b", 2, 200};
  ASSERT_TRUE(st.CreateSession(a).ok());
  ASSERT_TRUE(st.CreateSession(b).ok());
  auto found = st.FindSession(a.id_hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->csrf, "csrf-a");
  EXPECT_EQ((*found)->expires_ms, 100);
  // A new password ends every other session of the user, keeping the one that changed it.
  ASSERT_TRUE(st.SetPassword(f.user.id, "new-hash", b.id_hash).ok());
  EXPECT_EQ(*st.PasswordHash(f.user.id), "new-hash");
  EXPECT_FALSE(st.FindSession(a.id_hash)->has_value());
  EXPECT_TRUE(st.FindSession(b.id_hash)->has_value());
  ASSERT_TRUE(st.DeleteSession(b.id_hash).ok());
  EXPECT_FALSE(st.FindSession(b.id_hash)->has_value());
}

TEST_P(StoreConformance, WebhooksAndTheirPayloads) {
  Fixture f(GetParam());
  Store& st = *f.env.store;
  WebhookRecord h;
  h.id = f.env.ids.Next("ach");
  h.base_id = f.base.id;
  h.user_id = f.user.id;
  h.notification_url = "https://example.com/hook";
  h.specification = R"({"options":{"filters":{"dataTypes":["tableData"]}}})";
  h.mac_secret = std::string("\x00\x01secret", 8);
  h.expires_ms = 5000;
  h.created_ms = 1000;
  ASSERT_TRUE(st.CreateWebhook(h).ok());
  auto listed = st.ListWebhooks(f.base.id);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].mac_secret, h.mac_secret);  // raw bytes survive
  EXPECT_EQ((*listed)[0].next_cursor, 1);

  // Payloads are appended inside a write transaction: one base transaction, one cursor each.
  {
    auto txn = st.BeginWrite(f.base.id);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(
        (*txn)->AppendWebhookPayloads({{h.id, R"({"n":1})"}, {h.id, R"({"n":2})"}}, 2000).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  {
    auto txn = st.BeginWrite(f.base.id);  // rolled back: nothing appended
    ASSERT_TRUE((*txn)->AppendWebhookPayloads({{h.id, R"({"n":3})"}}, 2500).ok());
  }
  {
    auto txn = st.BeginWrite(f.base.id);
    ASSERT_TRUE((*txn)->AppendWebhookPayloads({{h.id, R"({"n":4})"}}, 3000).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto payloads = st.ListWebhookPayloads(h.id, 1, 10);
  ASSERT_EQ(payloads->size(), 3u);
  EXPECT_EQ((*payloads)[0].cursor, 1);
  EXPECT_EQ((*payloads)[1].cursor, 2);
  EXPECT_EQ((*payloads)[2].cursor, 3);
  EXPECT_EQ((*payloads)[0].txn, (*payloads)[1].txn);  // one transaction
  EXPECT_EQ((*payloads)[2].txn, (*payloads)[0].txn + 1);
  EXPECT_EQ((*payloads)[2].body, R"({"n":4})");
  EXPECT_EQ(st.ListWebhookPayloads(h.id, 3, 10)->size(), 1u);
  EXPECT_EQ((*st.FindWebhook(h.id))->next_cursor, 4);

  WebhookRecord changed = **st.FindWebhook(h.id);
  changed.notifications_enabled = false;
  changed.last_result = R"({"success":false})";
  changed.last_success_ms = 1500;
  ASSERT_TRUE(st.SaveWebhookState(changed).ok());
  auto again = *st.FindWebhook(h.id);
  EXPECT_FALSE(again->notifications_enabled);
  EXPECT_EQ(again->last_result, R"({"success":false})");
  EXPECT_EQ(again->last_success_ms, 1500);

  ASSERT_TRUE(st.PruneWebhookPayloads(2500).ok());  // drops those created before 2,500 ms
  payloads = st.ListWebhookPayloads(h.id, 1, 10);
  ASSERT_EQ(payloads->size(), 1u);
  EXPECT_EQ((*payloads)[0].cursor, 3);

  ASSERT_TRUE(st.DeleteWebhook(h.id).ok());
  EXPECT_FALSE(st.FindWebhook(h.id)->has_value());
  EXPECT_TRUE(st.ListWebhookPayloads(h.id, 1, 10)->empty());
}

TEST(StoreOpen, AnUnknownSchemeIsRefused) {
  FakeClock clock(0);
  SeededIdGenerator ids(1);
  StoreOptions options{"/nonexistent", &clock, &ids, ""};
  options.url = "mysql://localhost/airbase";
  auto s = Store::Open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("unknown store"), std::string::npos);
}

TEST_P(StoreConformance, RateWindowsCountPerSecondAndKeepPenalties) {
  Fixture f(GetParam());
  RateStore& r = *f.env.store;
  for (int64_t n = 1; n <= 3; ++n) {
    auto c = r.CountRequest("b:app1", 5'000'100);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->first, n);
    EXPECT_EQ(c->second, 0);
  }
  EXPECT_EQ(r.CountRequest("b:app2", 5'000'900)->first, 1);  // another key counts apart
  EXPECT_EQ(r.CountRequest("b:app1", 5'001'000)->first, 1);  // the next second starts again
  ASSERT_TRUE(r.Penalize("b:app1", 5'031'000).ok());
  f.env.Reopen();  // every server of a fleet sees the same windows
  auto later = f.env.store->CountRequest("b:app1", 5'002'000);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->first, 1);
  EXPECT_EQ(later->second, 5'031'000);
  EXPECT_EQ(f.env.store->SharedByServers(), GetParam() == "postgres");
}

// Notices (storage/notice_board.h) reach every server on the store, the publisher's included; a
// store of another deployment (its own schema or directory) hears none of them.
TEST_P(StoreConformance, ANoticeReachesEveryServerOfTheStore) {
  Fixture f(GetParam());
  struct Heard {
    std::mutex mu;
    std::vector<std::string> notices;
    std::vector<std::string> Take() {
      std::lock_guard lock(mu);
      return std::exchange(notices, {});
    }
  };
  auto listen = [](Store& s, Heard& heard) {
    s.Notices().Receive({[&heard](std::string_view n) {
                           std::lock_guard lock(heard.mu);
                           heard.notices.emplace_back(n);
                         },
                         [] {}});
  };
  // The first `n` notices heard, sorted (two publishers' notices interleave in any order).
  auto await = [](Heard& heard, size_t n) {
    std::vector<std::string> got;
    for (int i = 0; i < 500 && got.size() < n; ++i) {
      for (std::string& s : heard.Take()) got.push_back(std::move(s));
      if (got.size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::sort(got.begin(), got.end());
    return got;
  };
  Heard here, there, elsewhere;
  listen(*f.env.store, here);
  std::unique_ptr<Store> other;  // another server of the fleet (PostgreSQL only)
  if (f.env.store->SharedByServers()) {
    StoreOptions options{f.env.dir, &f.env.clock, &f.env.ids, f.env.Url()};
    other = std::move(*Store::Open(options));
    listen(*other, there);
  }
  TempStore apart(GetParam());
  listen(*apart.store, elsewhere);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the listeners connect
  f.env.store->Notices().Publish("one");
  f.env.store->Notices().Publish("two");
  f.env.store->Notices().Publish(std::string(kMaxNoticeBytes + 1, 'x'));  // too long: dropped
  if (other) other->Notices().Publish("three");
  const std::vector<std::string> want = other ? std::vector<std::string>{"one", "three", "two"}
                                              : std::vector<std::string>{"one", "two"};
  EXPECT_EQ(await(here, want.size()), want);
  if (other) EXPECT_EQ(await(there, want.size()), want);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(here.Take(), std::vector<std::string>{});
  EXPECT_EQ(elsewhere.Take(), std::vector<std::string>{});
}

TEST_P(StoreConformance, APeriodicJobRunsOncePerPeriodWhoeverAsks) {
  Fixture f(GetParam());
  EXPECT_TRUE(*f.env.store->ClaimJob("prune", 1'000'000, 3'600'000));   // the first asker runs it
  EXPECT_FALSE(*f.env.store->ClaimJob("prune", 1'000'000, 3'600'000));  // the same period: no
  EXPECT_TRUE(*f.env.store->ClaimJob("other", 1'000'000, 3'600'000));   // jobs count apart
  f.env.Reopen();  // another server of the fleet
  EXPECT_FALSE(*f.env.store->ClaimJob("prune", 4'000'000, 3'600'000));  // not due until 4,600,000
  EXPECT_TRUE(*f.env.store->ClaimJob("prune", 4'600'000, 3'600'000));
  EXPECT_FALSE(*f.env.store->ClaimJob("prune", 4'600'001, 3'600'000));
}

// The webhook ping queue: one row per webhook, claimed by one caller at a time under a lease,
// kept across reopening (a restarted or another server), a ping queued while one is out sent again.
TEST_P(StoreConformance, AWebhookPingIsClaimedByOneCallerAndOutlivesIt) {
  Fixture f(GetParam());
  Store& s = *f.env.store;
  EXPECT_EQ(*s.NextWebhookPingMs(), INT64_MAX);
  EXPECT_FALSE(s.ClaimWebhookPing(1'000, 60'000)->has_value());
  ASSERT_TRUE(s.QueueWebhookPings({"achA", "achB"}, 1'000).ok());
  ASSERT_TRUE(s.QueueWebhookPings({"achA"}, 1'000).ok());  // coalesced: still one ping of A
  EXPECT_EQ(*s.NextWebhookPingMs(), 1'000);
  EXPECT_FALSE(s.ClaimWebhookPing(999, 60'000)->has_value());  // not due yet
  using Depth = std::pair<int64_t, int64_t>;                   // queued, due
  auto depth = [&](Store& st, int64_t now) {
    auto d = *st.WebhookPingQueue(now);
    return std::pair(d.queued, d.due);
  };
  EXPECT_EQ(depth(s, 999), Depth(2, 0));
  EXPECT_EQ(depth(s, 1'000), Depth(2, 2));

  auto a = *s.ClaimWebhookPing(1'000, 60'000);
  auto b = *s.ClaimWebhookPing(1'000, 60'000);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->webhook_id, b->webhook_id);  // two callers never get one ping
  EXPECT_EQ(a->retry, 0);
  EXPECT_FALSE(s.ClaimWebhookPing(1'000, 60'000)->has_value());
  EXPECT_EQ(*s.NextWebhookPingMs(), 61'000);  // both out until their leases end
  EXPECT_EQ(depth(s, 1'000), Depth(2, 0));    // out with a sender: not due

  // One failed: its retry waits in the queue, and a reopened store (another server) claims it.
  const WebhookPingClaim failed = a->webhook_id == "achA" ? *a : *b;
  const WebhookPingClaim sent = a->webhook_id == "achA" ? *b : *a;
  ASSERT_TRUE(s.ReleaseWebhookPing(failed, 1, 11'000, 2'000).ok());
  ASSERT_TRUE(s.ReleaseWebhookPing(sent, 0, -1, 2'000).ok());
  f.env.Reopen();
  Store& t = *f.env.store;
  EXPECT_EQ(*t.NextWebhookPingMs(), 11'000);
  EXPECT_FALSE(t.ClaimWebhookPing(10'999, 60'000)->has_value());
  auto retry = *t.ClaimWebhookPing(11'000, 60'000);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->webhook_id, "achA");
  EXPECT_EQ(retry->retry, 1);

  // A change queues A again while its retry is out: when the retry ends, a first try is due.
  ASSERT_TRUE(t.QueueWebhookPings({"achA"}, 12'000).ok());
  EXPECT_FALSE(t.ClaimWebhookPing(12'000, 60'000)->has_value());  // still leased
  ASSERT_TRUE(t.ReleaseWebhookPing(*retry, 0, -1, 13'000).ok());
  auto again = *t.ClaimWebhookPing(13'000, 60'000);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->retry, 0);

  // A claimant that dies: its ping is anyone's once the lease ends.
  EXPECT_FALSE(t.ClaimWebhookPing(72'999, 60'000)->has_value());
  auto orphan = *t.ClaimWebhookPing(73'000, 60'000);
  ASSERT_TRUE(orphan.has_value());
  EXPECT_EQ(orphan->webhook_id, "achA");
  ASSERT_TRUE(t.ReleaseWebhookPing(*orphan, 0, -1, 73'001).ok());
  EXPECT_EQ(*t.NextWebhookPingMs(), INT64_MAX);
  EXPECT_EQ(depth(t, 73'001), Depth(0, 0));

  // Queued inside a record write, it exists only if the write commits.
  {
    auto txn = t.BeginWrite("appAAAAAAAAAAAAAA");
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->QueueWebhookPings({"achC"}, 80'000).ok());
  }  // rolled back
  EXPECT_EQ(*t.NextWebhookPingMs(), INT64_MAX);
  {
    auto txn = t.BeginWrite("appAAAAAAAAAAAAAA");
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->QueueWebhookPings({"achC"}, 80'000).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(*t.NextWebhookPingMs(), 80'000);
}

// The attachment fetch queue: rows queued inside a record write (only if it commits), claimed by
// one caller at a time under a lease, retried later, kept across reopening, gone once released.
TEST_P(StoreConformance, AnAttachmentFetchIsQueuedWithItsWriteAndClaimedOnce) {
  Fixture f(GetParam());
  Store& s = *f.env.store;
  EXPECT_EQ(*s.NextAttachmentFetchMs(), INT64_MAX);
  AttachmentFetch one{"attAAAAAAAAAAAAAA", "appAAAAAAAAAAAAAA", "tblAAAAAAAAAAAAAA",
                      "recAAAAAAAAAAAAAA", "fldAAAAAAAAAAAAAA", "https://example.com/a.png",
                      "usrAAAAAAAAAAAAAA"};
  {
    auto txn = s.BeginWrite(one.base_id);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->QueueAttachmentFetch(one, 1'000).ok());
  }  // rolled back
  EXPECT_EQ(*s.NextAttachmentFetchMs(), INT64_MAX);
  AttachmentFetch two = one;
  two.attachment_id = "attBBBBBBBBBBBBBB";
  {
    auto txn = s.BeginWrite(one.base_id);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->QueueAttachmentFetch(one, 1'000).ok());
    ASSERT_TRUE((*txn)->QueueAttachmentFetch(two, 2'000).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(*s.NextAttachmentFetchMs(), 1'000);
  EXPECT_FALSE(s.ClaimAttachmentFetch(999, 60'000)->has_value());
  auto a = *s.ClaimAttachmentFetch(1'000, 60'000);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->attachment_id, one.attachment_id);
  EXPECT_EQ(a->url, one.url);
  EXPECT_EQ(a->user_id, one.user_id);
  EXPECT_EQ(a->record_id, one.record_id);
  EXPECT_EQ(a->field_id, one.field_id);
  EXPECT_EQ(a->tries, 0);
  EXPECT_FALSE(s.ClaimAttachmentFetch(1'500, 60'000)->has_value());  // two is not due yet
  auto b = *s.ClaimAttachmentFetch(2'000, 60'000);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->attachment_id, two.attachment_id);
  EXPECT_FALSE(s.ClaimAttachmentFetch(2'000, 60'000)->has_value());          // both out
  ASSERT_TRUE(s.ReleaseAttachmentFetch(one.attachment_id, 1, 11'000).ok());  // try again later
  ASSERT_TRUE(s.ReleaseAttachmentFetch(two.attachment_id, 0, -1).ok());      // done
  f.env.Reopen();
  Store& t = *f.env.store;
  EXPECT_EQ(*t.NextAttachmentFetchMs(), 11'000);
  auto retry = *t.ClaimAttachmentFetch(11'000, 60'000);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->tries, 1);
  // A claimant that dies: the fetch is anyone's once the lease ends.
  EXPECT_FALSE(t.ClaimAttachmentFetch(70'999, 60'000)->has_value());
  ASSERT_TRUE(t.ClaimAttachmentFetch(71'000, 60'000)->has_value());
  ASSERT_TRUE(t.ReleaseAttachmentFetch(one.attachment_id, 0, -1).ok());
  EXPECT_EQ(*t.NextAttachmentFetchMs(), INT64_MAX);
}

// Many servers claiming at once (threads over one database) send every ping exactly once.
TEST_P(StoreConformance, ConcurrentClaimersSendEachPingOnce) {
  Fixture f(GetParam());
  std::vector<std::string> ids;
  for (int i = 0; i < 60; ++i) ids.push_back("ach" + std::to_string(i));
  ASSERT_TRUE(f.env.store->QueueWebhookPings(ids, 1'000).ok());
  std::mutex mu;
  std::map<std::string, int> sent;
  std::vector<std::thread> claimers;
  for (int t = 0; t < 4; ++t)
    claimers.emplace_back([&] {
      while (true) {
        auto c = f.env.store->ClaimWebhookPing(1'000, 60'000);
        ASSERT_TRUE(c.ok()) << c.status().message();
        if (!*c) return;
        {
          std::lock_guard lock(mu);
          ++sent[(*c)->webhook_id];
        }
        ASSERT_TRUE(f.env.store->ReleaseWebhookPing(**c, 0, -1, 1'000).ok());
      }
    });
  for (auto& t : claimers) t.join();
  EXPECT_EQ(sent.size(), ids.size());
  for (const auto& [id, n] : sent) EXPECT_EQ(n, 1) << id;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::ValuesIn(testing::StoreKinds()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace airbase
