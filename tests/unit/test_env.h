// A fresh store in a temporary directory with an injected clock and seeded ids, for unit tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/ids.h"
#include "storage/store.h"

namespace airbase::testing {

class TempStore {
 public:
  TempStore() : clock(1700000000000LL), ids(42) {
    char tmpl[] = "/tmp/airbase-unit-XXXXXX";
    dir = mkdtemp(tmpl);
    Reopen();
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  void Reopen() {
    store.reset();
    auto s = Store::Open(StoreOptions{dir, &clock, &ids});
    EXPECT_TRUE(s.ok()) << s.status().message();
    store = std::move(*s);
  }

  std::string dir;
  FakeClock clock;
  SeededIdGenerator ids;
  std::unique_ptr<Store> store;
};

}  // namespace airbase::testing
