// `airbase base export`: one base as a JSON document (docs/BASE_FORMAT.md), written as it is read
// so a large base never sits in memory whole.
#pragma once

#include <cstdio>
#include <string>

#include "common/status.h"
#include "storage/store.h"

namespace airbase::cli {

struct ExportOptions {
  bool records = false;   // each table's records with their cells
  bool comments = false;  // each record's comments (with records)
  bool files = false;     // the attachment files' bytes, by content key (with records)
};

// Writes base `base_id` of `store` to `out`.
Status ExportBase(Store& store, const std::string& base_id, const ExportOptions& options,
                  std::FILE* out);

}  // namespace airbase::cli
