// Copying one SQL store's whole database into another, empty one of any engine (`airbase
// migrate`): airbase's own tables row by row with their ids, secrets' hashes, sessions, comments,
// webhooks and payloads, then each base's record tables (created in the destination's dialect
// from the schema, row ids kept, so autoNumber values and list order survive) and junction
// tables; identity counters moved past the copied values; every table's rows counted on both
// sides. The destination is written in one transaction: a failed copy leaves it empty.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/connection.h"
#include "storage/sql/dialect.h"

namespace airbase::sql {

struct CopiedTable {
  std::string table;
  int64_t rows = 0;  // in the source, and (verified) in the destination
};

// Called after each batch of rows: the table being copied, rows copied of it, rows it has.
using CopyProgress = std::function<void(std::string_view table, int64_t done, int64_t total)>;

// `schema` gives the record tables to create: for each, the CREATE TABLE statement in the
// destination's dialect and the junction tables of its link fields (made by the caller, which
// knows the schema model).
struct RecordTableCopy {
  std::string name;                 // "t_tbl..." or "l_fld..." (unquoted)
  std::vector<std::string> create;  // statements creating it in the destination
  bool identity = false;            // has the rowid identity column
};

Result<std::vector<CopiedTable>> CopyDatabase(Connection& from, const Dialect& from_dialect,
                                              Connection& to, const Dialect& to_dialect,
                                              const std::vector<RecordTableCopy>& record_tables,
                                              const CopyProgress& progress);

}  // namespace airbase::sql
