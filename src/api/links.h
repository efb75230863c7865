// Link fields (multipleRecordLinks). A link cell crosses the storage seam as comma-joined record
// ids (the store keeps a pair's two sides in one junction table), so every read path reads links
// like any cell; writes go through LinkWriter, which checks and resolves the ids and bumps the
// modified time of the linked records whose inverse cell changed, in the same transaction.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/handlers.h"
#include "engine/linked_records.h"

namespace airbase::api {

using engine::LinkIds;
using engine::LinkNames;
using engine::LinkTarget;
using engine::RecordAccess;

class LinkWriter {
 public:
  LinkWriter(Call& c, WriteTxn& txn, bool typecast) : c_(c), txn_(txn), typecast_(typecast) {}

  // Before a record's cells are written: resolves its link cells in place (record ids of the
  // linked table, or with typecast the text of their primary field) and touches the records it
  // now links or no longer links (their inverse cells change with this write).
  Status BeforeWrite(const Table& table, const std::string& record_id,
                     std::vector<std::pair<const Field*, SqlValue>>& cells, bool is_new);
  // Before a record is deleted: touches every record whose link cell holds it (the store removes
  // the links with the record).
  Status BeforeDelete(const Table& table, const std::string& record_id);

 private:
  Call& c_;
  WriteTxn& txn_;
  bool typecast_;
};

}  // namespace airbase::api
