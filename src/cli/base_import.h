// `airbase base import`: a base document (docs/BASE_FORMAT.md) made a base again, in one
// transaction, read as a stream so a document of any size needs the memory of one record.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/store.h"

namespace airbase::cli {

struct ImportOptions {
  std::string workspace_id;  // where the base goes
  // Every app/tbl/fld/viw/rec/att/com id is the document's (refused when the server holds one);
  // else every one is new, and the references between them follow.
  bool keep_ids = false;
  // Hears (table name, records done, records in it) as the records go in.
  std::function<void(std::string_view table, int64_t done, int64_t total)> progress;
};

struct ImportResult {
  std::string base_id;
  int64_t tables = 0, records = 0, comments = 0, files = 0;
  int64_t missing_files = 0;  // attachment items whose bytes this server does not hold
};

// Reads the document at `path` twice (the schema first, then the records) and creates the base
// it describes in `store`. Nothing is created unless all of it is.
Result<ImportResult> ImportBase(Store& store, IdGenerator& ids, const Clock& clock,
                                const std::string& path, const ImportOptions& options);

}  // namespace airbase::cli
