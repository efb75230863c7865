// BlobStore as a table of the database (blob_store.h): PostgreSQL's, so that every server of a
// fleet reads the files every other one wrote, with no shared directory to mount. The bytes are
// stored EXTERNAL (uncompressed out of line), so a range is read without the whole file.
#pragma once

#include "storage/blob_store.h"
#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlBlobStore final : public BlobStore, protected StorePart {
 public:
  explicit SqlBlobStore(StoreContext* ctx) : StorePart(ctx) {}

  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::optional<std::string>> Get(const std::string& key, int64_t offset,
                                         int64_t length) override;
  Result<std::optional<int64_t>> Size(const std::string& key) override;
  Result<bool> RemoveIfStoredBefore(const std::string& key, int64_t before_ms) override;
  Result<std::vector<std::string>> Keys() override;
};

}  // namespace airbase::sql
