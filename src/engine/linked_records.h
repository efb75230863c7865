// Reading linked records: a link cell's ids, the link's target table and inverse, and the
// primary-field text and cell values of linked records (what formulas, lookups, rollups and
// cellFormat=string show for a link), loaded at most once per record per request.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formula/field_formula.h"
#include "storage/store.h"

namespace airbase::engine {

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
  // A user's role on the base now (kNone once removed), for webhooks' collaborator cells.
  Role RoleOf(const std::string& user_id);

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
  int depth_ = 0;                                     // lookups of lookups, bounded
  std::optional<std::map<std::string, Role>> roles_;  // user id -> role, read on first use
};

// What formulas read from a fetched record (`fetched` aligned with its cells); with `names`, links
// read as primary text and lookups read linked records.
formula::RowAccess RecordAccess(const StoredRecord& r, const std::vector<const Field*>& fetched,
                                int64_t now_ms, LinkNames* names = nullptr);

// Splits a stored link cell ("recA,recB") into ids.
std::vector<std::string> LinkIds(const SqlValue& cell);

// The id of the table a link field links to.
std::string LinkedTableId(const Field& link);
// The link field's linked table and its inverse field there (null for a link without one).
std::pair<const Table*, const Field*> LinkTarget(const BaseSchema& schema, const Field& field);

}  // namespace airbase::engine
