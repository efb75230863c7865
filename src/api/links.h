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
#include "formula/field_formula.h"

namespace airbase::api {

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

// The primary-field text of linked records (what Airtable shows for a link in formulas and
// string cells), looked up at most once per record per request.
class LinkNames {
 public:
  LinkNames(Store* store, std::shared_ptr<const BaseSchema> schema)
      : store_(store), schema_(std::move(schema)) {}
  std::string NameOf(const Field& link, const std::string& record_id);
  // "Alice, Bob" for a stored link cell.
  std::string Joined(const Field& link, const SqlValue& cell);
  // The value of `field_id` in a record of the link's table (lookups), computed fields included.
  formula::Value ValueIn(const Field& link, const std::string& record_id,
                         const std::string& field_id);
  // A RowAccess that reads links through this object (names, lookups).
  void Attach(formula::RowAccess& row);

 private:
  struct Linked {
    const Table* table = nullptr;
    std::vector<const Field*> fields;
    std::optional<StoredRecord> row;
  };
  const Linked& Load(const Table& table, const std::string& record_id);
  Store* store_;
  std::shared_ptr<const BaseSchema> schema_;
  std::map<std::string, std::string> names_;  // record id -> primary text
  std::map<std::string, Linked> records_;     // record id -> its stored cells
  std::map<std::string, std::unique_ptr<formula::TableFormulas>> formulas_;  // by table id
  int depth_ = 0;  // lookups of lookups, bounded
};

// What formulas read from a fetched record (`fetched` aligned with its cells); with `names`, links
// read as primary text and lookups read linked records.
formula::RowAccess RecordAccess(const StoredRecord& r, const std::vector<const Field*>& fetched,
                                int64_t now_ms, LinkNames* names = nullptr);

// Splits a stored link cell ("recA,recB") into ids.
std::vector<std::string> LinkIds(const SqlValue& cell);

// The link field's linked table and its inverse field there (null for a link without one).
std::pair<const Table*, const Field*> LinkTarget(const BaseSchema& schema, const Field& field);

}  // namespace airbase::api
