// SQL text for the per-table record storage. Every statement airbase builds over user tables is
// produced here, so a PostgreSQL dialect differs from SQLite's in this one file. All values are
// bound as parameters; identifiers are generated ids (alphanumeric), quoted anyway.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "schema/model.h"
#include "storage/store.h"

namespace airbase::sql {

// CREATE TABLE "t_<id>"(rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, created_ms,
// modified_ms, c_...)
std::string CreateRecordTable(const Table& table);
std::string AddColumn(const std::string& table_id, const Field& field);
// The statements that drop a field's column and its lazy indexes, in order.
std::vector<std::string> DropColumn(const std::string& table_id, const Field& field);
std::string RenameColumn(const std::string& table_id, const std::string& from,
                         const std::string& to);
// UPDATE ... SET "<column>"=?1 WHERE id=?2
std::string SetColumnById(const std::string& table_id, const std::string& column);
// CREATE INDEX IF NOT EXISTS over the expression SelectList sorts `field` by; empty when a sort on
// this field cannot use an index (e.g. select choice order).
std::string CreateSortIndex(const Table& table, const Field& field, bool desc);
// CREATE INDEX IF NOT EXISTS over the plain column, for equality and range filters.
std::string CreateFilterIndex(const Table& table, const Field& field);
// SELECT rowid, id, created_ms, modified_ms, <cells> ... ; parameters:
// [after_rowid,] where_params..., limit [, skip]
std::string SelectList(const Table& table, const ListQuery& q);
// Same columns, WHERE id=?1.
std::string SelectById(const Table& table, const std::vector<const Field*>& fields);
// INSERT ... VALUES(?1 id, ?2 created_ms, ?3.. cells)
std::string Insert(const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells);
// UPDATE ... SET cells(?1..?n), modified_ms=?n+2 WHERE id=?n+1
std::string Update(const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells);
// SELECT id ... WHERE each cell IS ?i ... LIMIT ?n+1
std::string SelectEqual(const Table& table,
                        const std::vector<std::pair<const Field*, SqlValue>>& values);

}  // namespace airbase::sql
