// The stream of record changes a write makes: the record writer (record_writer.h) tells every
// listener what it creates, updates and destroys, inside the write transaction, and when it
// commits. Webhooks listen today (their payloads are written in the same transaction, so a
// change and its payload commit together); live updates in the web app and other servers of a
// fleet are the next listeners.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schema/model.h"
#include "storage/store.h"

namespace airbase::engine {

using Cells = std::vector<std::pair<const Field*, SqlValue>>;

struct ChangeEvent {
  enum class Kind { kCreated, kUpdated, kDestroyed };
  Kind kind = Kind::kCreated;
  std::string record_id;
  int64_t at_ms = 0;
  Cells cells;  // the cells written (created, updated); none for a destroyed record
};

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Before records are updated: their cells as committed (for previous values and diffs).
  virtual Status BeforeUpdate(const Table& table, const std::vector<std::string>& record_ids) {
    return Status::Ok();
  }
  virtual void OnChange(const ChangeEvent& event) = 0;
  // Inside the transaction, just before it commits; `table` is the table as written (typecast
  // may have added select choices).
  virtual Status BeforeCommit(const Table& table, WriteTxn& txn) { return Status::Ok(); }
  // After the commit succeeded.
  virtual void AfterCommit() {}
};

}  // namespace airbase::engine
