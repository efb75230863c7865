// Link fields in storage (docs/STORAGE.md): a link field and its inverse share one junction
// table, "l_<pair id>" (the smaller of the two field ids; the field's own id when it has no
// inverse), one row per linked pair of records with each side's position in its cell:
//
//   l_<pair>(a_rec, b_rec, a_pos, b_pos)  PRIMARY KEY(a_rec, b_rec), indexed (a_rec, a_pos) and
//                                          (b_rec, b_pos)
//
// The pair-id field's cell of record r is the b_rec of the rows with a_rec = r by a_pos; its
// inverse's cell of record s is the a_rec of the rows with b_rec = s by b_pos. Linking one more
// record costs one indexed insert whatever either side already holds. Cells still cross the
// storage seam as comma-joined ids, so nothing above the store changes.
#pragma once

#include <string>
#include <vector>

#include "schema/model.h"
#include "storage/sql/connection.h"
#include "storage/sql/dialect.h"

namespace airbase::sql {

// One side of a link pair: the junction and the columns this field's cell reads.
struct LinkSide {
  std::string table;  // quoted junction table name
  const char* mine;   // the record whose cell this is: "a_rec" or "b_rec"
  const char* other;  // the linked record
  const char* my_pos;
  const char* other_pos;
};
LinkSide SideOf(const Field& link);

// The scalar subquery reading a link cell of the outer query's record (named by its `id`).
std::string LinkCellExpr(const Dialect& d, const Field& link);
// Creates the field's junction table and its indexes unless they exist (its inverse may have).
Status CreateJunction(Connection& db, const Field& link);
// The statements CreateJunction runs (for a copy into another database).
std::string CreateJunctionSql(const Field& link);
// Drops the junction table of `link`'s pair.
Status DropJunction(Connection& db, const Field& link);
// Drops the junction of a link field whose schema row is gone, unless its inverse still exists
// outside the table `gone_table_id` (empty: no table is going).
Status DropUnusedJunction(Connection& db, const Field& link, const std::string& gone_table_id);
// Drops the junctions a table's link fields leave unused, before its schema rows go.
Status DropTableJunctions(Connection& db, const std::string& table_id);

// Makes `ids` (comma-joined, in order; NULL for none) the link cell of `record_id`: removed
// links are deleted, kept ones re-positioned, new ones appended to the linked records' inverse
// cells. Costs one indexed statement per link changed.
Status SetLinks(Connection& db, const Field& link, const std::string& record_id,
                const SqlValue& ids);
// The records whose `link` cell holds `record_id`.
Result<std::vector<std::string>> LinkedFrom(Connection& db, const Field& link,
                                            const std::string& record_id);
// Removes a deleted record of `table` from every junction of its link fields (both sides of a
// link to its own table).
Status DeleteRecordLinks(Connection& db, const Table& table, const std::string& record_id);

// Migration: converts link cells stored as comma-joined id columns ("c_<fld>", before
// migration 6) into junction tables, keeping both sides' order, and drops the columns.
Status MoveLinksToJunctions(Connection& db);

}  // namespace airbase::sql
