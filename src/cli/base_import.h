// `airbase base import`: a base document (docs/BASE_FORMAT.md) made a base again, in one
// transaction, read as a stream so a document of any size needs the memory of one record.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace airbase::cli {

struct ImportOptions {
  std::string workspace_id;  // where the base goes
  // Every app/tbl/fld/viw/rec/att/com id is the document's (refused when the server holds one);
  // else every one is new, and the references between them follow.
  bool keep_ids = false;
  // Non-empty: the document's records go into this existing base instead (airbase clone
  // --again): its tables in the base's order, each record inserted or, when it exists, written
  // whole (cells it lacks cleared), or, without "fields", left as it is; new comments added; the
  // records of `deletions` (by table id) deleted. The base's ids are kept.
  std::string existing_base;
  std::map<std::string, std::vector<std::string>> deletions;
  // Hears (table name, records done, records in it) as the records go in.
  std::function<void(std::string_view table, int64_t done, int64_t total)> progress;
};

struct ImportResult {
  std::string base_id;
  int64_t tables = 0, records = 0, comments = 0, files = 0;
  int64_t missing_files = 0;  // attachment items whose bytes this server does not hold
  // By table, in the base's order: records inserted, and (existing_base) written over, deleted.
  struct TableCounts {
    int64_t inserted = 0, updated = 0, deleted = 0;
  };
  std::vector<TableCounts> per_table;
};

// Reads the document at `path` twice (the schema first, then the records) and creates the base
// it describes in `store`. Nothing is created unless all of it is.
Result<ImportResult> ImportBase(Store& store, IdGenerator& ids, const Clock& clock,
                                const std::string& path, const ImportOptions& options);

}  // namespace airbase::cli
