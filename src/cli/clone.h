// `airbase clone`: a base read from any server that speaks Airtable's Web API (api.airtable.com,
// or another airbase) through its public endpoints, and created here with the same ids.
//
// The schema comes from the metadata API, the records from paged lists (cells by field id),
// each record's comments when it has some (recordMetadata=commentCount), attachment files
// downloaded into this server's blob store. Requests keep to the source's rate limit (5 per
// second per base) and wait out a 429's Retry-After. What is fetched goes to a work directory
// (<data>/clones/<base>/) page by page with the list offset, so a clone that is interrupted
// resumes where it stopped. Once every table is in, the pages become one base document
// (docs/BASE_FORMAT.md) imported with --keep-ids in one transaction. `--again` brings a clone
// up to date: records changed on the source since the last run (LAST_MODIFIED_TIME()) are
// written, records gone from it deleted, in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace airbase::cli {

struct CloneOptions {
  std::string from;  // the source's origin, e.g. https://api.airtable.com
  std::string token;
  std::string base_id;
  std::string workspace_id;  // where a new clone goes
  std::string work_dir;      // where the pages wait (resumable)
  bool again = false;        // update an existing clone
  // Hears (table, records so far) as pages arrive, and (table, -1) when a table is done.
  std::function<void(std::string_view table, int64_t records)> progress;
};

struct CloneReport {
  struct Table {
    std::string name;
    int64_t records = 0;  // fetched (a new clone), or changed and fetched (--again)
    int64_t added = 0, changed = 0, deleted = 0;  // --again
  };
  std::string base_id;
  std::vector<Table> tables;
  int64_t comments = 0, files = 0, requests = 0, waits = 0;  // waits: 429s waited out
  bool resumed = false;
  // What the source's API does not expose, or this server cannot hold: said, not lost.
  std::vector<std::string> not_carried;
};

Result<CloneReport> CloneBase(Store& store, IdGenerator& ids, const Clock& clock,
                              const CloneOptions& options);

}  // namespace airbase::cli
