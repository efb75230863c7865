// A fresh store in a temporary directory with an injected clock and seeded ids, for unit tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "storage/store.h"

namespace airbase::testing {

// The store implementations the conformance suite (store_conformance_test.cc) runs against, by
// the scheme of their URL. A new implementation adds its scheme here and to TempStore::Url().
inline const std::vector<std::string>& StoreKinds() {
  static const std::vector<std::string> kKinds = {"sqlite"};
  return kKinds;
}

class TempStore {
 public:
  explicit TempStore(std::string kind = "sqlite")
      : clock(1700000000000LL), ids(42), kind(std::move(kind)) {
    char tmpl[] = "/tmp/airbase-unit-XXXXXX";
    dir = mkdtemp(tmpl);
    Reopen();
  }
  // A URL naming a fresh, empty store of this kind (opened again by Reopen()).
  std::string Url() const { return kind + ":" + dir; }
  ~TempStore() {
    store.reset();
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
  FakeClock clock;
  SeededIdGenerator ids;
  std::string kind;
  std::unique_ptr<Store> store;
};

}  // namespace airbase::testing
