#include "common/ids.h"

#include <gtest/gtest.h>

namespace airbase {
TEST(Ids, RandomIdsHaveAirtableShape) {
  RandomIdGenerator gen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = gen.Next("rec");
    EXPECT_TRUE(IsId(id, "rec")) << id;
  }
}
}  // namespace airbase
