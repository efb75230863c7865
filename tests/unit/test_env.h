// A fresh store in a temporary directory with an injected clock and seeded ids, for unit tests.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "storage/store.h"

namespace airbase::testing {

// The PostgreSQL server the tests may use (AIRBASE_TEST_POSTGRES, set by scripts/test.sh to a
// throwaway cluster); empty when there is none.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("AIRBASE_TEST_POSTGRES");
  return url ? url : "";
}

// The store implementations the conformance suite (store_conformance_test.cc) runs against, by
// the scheme of their URL. A new implementation adds its scheme here and to TempStore::Url().
inline const std::vector<std::string>& StoreKinds() {
  static const std::vector<std::string> kKinds = [] {
    std::vector<std::string> k = {"sqlite"};
    if (!TestPostgresUrl().empty()) k.push_back("postgres");
    return k;
  }();
  return kKinds;
}

// Runs one statement on the test PostgreSQL server (creating and dropping test schemas).
inline void PostgresAdmin(const std::string& sql) {
  PGconn* c = PQconnectdb(TestPostgresUrl().c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
}

class TempStore {
 public:
  explicit TempStore(std::string kind = "sqlite")
      : clock(1700000000000LL), ids(42), kind(std::move(kind)) {
    char tmpl[] = "/tmp/airbase-unit-XXXXXX";
    dir = mkdtemp(tmpl);
    if (this->kind == "postgres") {  // a schema of its own, named after the directory
      schema = "t_";  // lower-case letters, digits and _: search_path needs no quoting
      for (char ch : std::filesystem::path(dir).filename().string())
        schema += std::isalnum(static_cast<unsigned char>(ch))
                      ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                      : '_';
      PostgresAdmin("CREATE SCHEMA \"" + schema + "\"");
    }
    Reopen();
  }
  // A URL naming a fresh, empty store of this kind (opened again by Reopen()).
  std::string Url() const {
    if (kind == "postgres") {
      std::string url = TestPostgresUrl();
      return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
             schema;
    }
    return kind + ":" + dir;
  }
  ~TempStore() {
    store.reset();
    if (!schema.empty()) PostgresAdmin("DROP SCHEMA \"" + schema + "\" CASCADE");
    std::filesystem::remove_all(dir);
  }
  void Reopen() {
    store.reset();
    StoreOptions options{dir, &clock, &ids, Url()};
    auto s = Store::Open(options);
    EXPECT_TRUE(s.ok()) << s.status().message();
    store = std::move(*s);
  }

  std::string dir;
  std::string schema;  // postgres: the schema holding this store's tables
  FakeClock clock;
  SeededIdGenerator ids;
  std::string kind;
  std::unique_ptr<Store> store;
};

}  // namespace airbase::testing
