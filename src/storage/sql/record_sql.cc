#include "storage/sql/record_sql.h"

#include "storage/sql/connection.h"

namespace airbase::sql {

namespace {

const char* ColumnType(FieldType t) {
  switch (StorageType(t)) {
    case SqlType::kText:
      return "TEXT";
    case SqlType::kReal:
      return "REAL";
    case SqlType::kInteger:
      return "INTEGER";
  }
  return "TEXT";
}

// The SQL expression holding a field's stored value.
std::string ValueExpr(const Field& f) { return f.ValueSql(); }

// The expression to sort by: select choices sort in choice order, text case-insensitively.
std::string SortExpr(const Field& f) {
  if (f.type == FieldType::kSingleSelect) {
    std::string e = "CASE " + ValueExpr(f);
    for (size_t i = 0; i < f.choices.size(); ++i) {
      std::string id = f.choices[i].id;  // sel + alphanumerics: safe as a literal
      e += " WHEN '" + id + "' THEN " + std::to_string(i);
    }
    return e + " END";
  }
  if (StorageType(f.type) == SqlType::kText) return ValueExpr(f) + " COLLATE NOCASE";
  return ValueExpr(f);
}

// Hot: built for every record read, so it appends in place rather than concatenating temporaries.
std::string Columns(const std::vector<const Field*>& fields) {
  std::string s = "rowid, id, created_ms, modified_ms";
  s.reserve(s.size() + fields.size() * 24);
  for (const Field* f : fields) {
    s += ", ";
    s += f->ValueSql();
  }
  return s;
}

}  // namespace

std::string CreateRecordTable(const Table& table) {
  std::string s = "CREATE TABLE " + Quote(table.SqlName()) +
                  "(rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                  "created_ms INTEGER NOT NULL, modified_ms INTEGER NOT NULL";
  for (const Field& f : table.fields)
    if (!f.Column().empty()) s += ", " + Quote(f.Column()) + " " + ColumnType(f.type);
  return s + ")";
}

std::string AddColumn(const std::string& table_id, const Field& field) {
  return "ALTER TABLE " + Quote("t_" + table_id) + " ADD COLUMN " + Quote(field.Column()) + " " +
         ColumnType(field.type);
}

std::vector<std::string> DropColumn(const std::string& table_id, const Field& field) {
  return {"DROP INDEX IF EXISTS " + Quote("i_" + field.id),
          "DROP INDEX IF EXISTS " + Quote("id_" + field.id),
          "DROP INDEX IF EXISTS " + Quote("iq_" + field.id),
          "ALTER TABLE " + Quote("t_" + table_id) + " DROP COLUMN " + Quote(field.Column())};
}

std::string RenameColumn(const std::string& table_id, const std::string& from,
                         const std::string& to) {
  return "ALTER TABLE " + Quote("t_" + table_id) + " RENAME COLUMN " + Quote(from) + " TO " +
         Quote(to);
}

std::string SetColumnById(const std::string& table_id, const std::string& column) {
  return "UPDATE " + Quote("t_" + table_id) + " SET " + Quote(column) + "=?1 WHERE id=?2";
}

std::string CreateSortIndex(const Table& table, const Field& field, bool desc) {
  if (field.type == FieldType::kSingleSelect || field.type == FieldType::kAutoNumber ||
      IsComputedAtRead(field.type))
    return {};
  // Ties sort by rowid ascending either way; an index entry ends with the rowid ascending, so a
  // descending sort needs its own (expr DESC) index to be read in order without sorting.
  return "CREATE INDEX IF NOT EXISTS " + Quote((desc ? "id_" : "i_") + field.id) + " ON " +
         Quote(table.SqlName()) + "(" + SortExpr(field) + (desc ? " DESC" : "") + ")";
}

std::string CreateFilterIndex(const Table& table, const Field& field) {
  if (field.type == FieldType::kAutoNumber || IsComputedAtRead(field.type)) return {};
  // Where the sort expression is the plain column, the sort index serves filters too.
  if (SortExpr(field) == ValueExpr(field)) return CreateSortIndex(table, field, false);
  return "CREATE INDEX IF NOT EXISTS " + Quote("iq_" + field.id) + " ON " + Quote(table.SqlName()) +
         "(" + ValueExpr(field) + ")";
}

std::string SelectList(const Table& table, const ListQuery& q) {
  std::string s = "SELECT " + Columns(q.fields) + " FROM " + Quote(table.SqlName());
  std::string filter = q.where.empty() ? "" : "(" + q.where + ")";
  if (q.sort.empty())
    return s + " WHERE rowid > ?" + (filter.empty() ? "" : " AND " + filter) +
           " ORDER BY rowid LIMIT ?";
  if (!filter.empty()) s += " WHERE " + filter;
  s += " ORDER BY ";
  for (const SortKey& k : q.sort) s += SortExpr(*k.field) + (k.desc ? " DESC, " : " ASC, ");
  return s + "rowid LIMIT ? OFFSET ?";
}

std::string SelectById(const Table& table, const std::vector<const Field*>& fields) {
  return "SELECT " + Columns(fields) + " FROM " + Quote(table.SqlName()) + " WHERE id=?1";
}

std::string Insert(const Table& table,
                   const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  std::string cols = "id, created_ms, modified_ms", vals = "?1, ?2, ?2";
  for (size_t i = 0; i < cells.size(); ++i) {
    cols += ", " + Quote(cells[i].first->Column());
    vals += ", ?" + std::to_string(i + 3);
  }
  return "INSERT INTO " + Quote(table.SqlName()) + "(" + cols + ") VALUES(" + vals + ")";
}

std::string Update(const Table& table,
                   const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  std::string s =
      "UPDATE " + Quote(table.SqlName()) + " SET modified_ms=?" + std::to_string(cells.size() + 2);
  for (size_t i = 0; i < cells.size(); ++i) {
    s += ", ";
    s += Quote(cells[i].first->Column()) + "=?" + std::to_string(i + 1);
  }
  return s + " WHERE id=?" + std::to_string(cells.size() + 1);
}

std::string SelectEqual(const Table& table,
                        const std::vector<std::pair<const Field*, SqlValue>>& values) {
  std::string s = "SELECT id FROM " + Quote(table.SqlName()) + " WHERE ";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += " AND ";
    s += ValueExpr(*values[i].first) + " IS ?" + std::to_string(i + 1);
  }
  return s + " ORDER BY rowid LIMIT ?" + std::to_string(values.size() + 1);
}

}  // namespace airbase::sql
