// The statements over user tables and their physical names (record_sql.h), spelled through the
// engine's Dialect.
#include "storage/sql/record_sql.h"

#include "storage/sql/connection.h"
#include "storage/sql/link_sql.h"
#include "storage/sql/predicate_sql.h"

namespace airbase::sql {

namespace {

// The expression to sort by: select choices sort in choice order, text case-insensitively.
std::string SortExpr(const Dialect& d, const Field& f) {
  if (f.type == FieldType::kSingleSelect) {
    std::string e = "CASE " + ValueExpr(d, f);
    for (size_t i = 0; i < f.choices.size(); ++i) {
      std::string id = f.choices[i].id;  // sel + alphanumerics: safe as a literal
      e += " WHEN '" + id + "' THEN " + std::to_string(i);
    }
    return e + " END";
  }
  if (StorageType(f.type) == SqlType::kText) return d.NoCase(ValueExpr(d, f));
  return ValueExpr(d, f);
}

// Hot: built for every record read, so it appends in place rather than concatenating temporaries.
std::string Columns(const Dialect& d, const std::vector<const Field*>& fields) {
  std::string s = "rowid, id, created_ms, modified_ms";
  s.reserve(s.size() + fields.size() * 24);
  for (const Field* f : fields) {
    s += ", ";
    s += ValueExpr(d, *f);
  }
  return s;
}

// Whether an index over the field's value expression can exist and help: not the row id
// (autoNumber), nor a subquery (links), nor a value computed above the store.
bool Indexable(const Field& f) {
  return f.type != FieldType::kAutoNumber && f.type != FieldType::kMultipleRecordLinks &&
         !IsComputedAtRead(f.type);
}

std::string ColumnDecl(const Dialect& d, const Field& f) {
  return Quote(ColumnName(f)) + " " + std::string(d.ColumnType(StorageType(f.type)));
}

// The letter naming a transform's index (it_<field>_<letter>).
char TransformLetter(Predicate::Transform t) {
  switch (t) {
    case Predicate::Transform::kLower:
      return 'l';
    case Predicate::Transform::kUpper:
      return 'u';
    case Predicate::Transform::kTrim:
      return 't';
    case Predicate::Transform::kLength:
      return 'n';
    case Predicate::Transform::kNone:
      break;
  }
  return 0;
}
constexpr Predicate::Transform kTransforms[] = {
    Predicate::Transform::kLower, Predicate::Transform::kUpper, Predicate::Transform::kTrim,
    Predicate::Transform::kLength};
}  // namespace

std::string TableRef(std::string_view table_id) {
  std::string s = "\"t_";
  s += table_id;  // ids are alphanumeric: nothing to escape
  return s + '"';
}

std::string ColumnName(const Field& f) {
  switch (f.type) {
    case FieldType::kAutoNumber:
    case FieldType::kCreatedTime:
    case FieldType::kMultipleRecordLinks:
      return {};
    default:
      return "c_" + f.id;
  }
}

std::string ValueExpr(const Dialect& d, const Field& f) {
  switch (f.type) {
    case FieldType::kAutoNumber:
      return "rowid";
    case FieldType::kCreatedTime:
      return "created_ms";
    case FieldType::kMultipleRecordLinks:
      return LinkCellExpr(d, f);  // its junction table (link_sql.h)
    default:
      if (IsComputedAtRead(f.type)) return "NULL";  // computed above the store
      return "\"c_" + f.id + "\"";
  }
}

std::string CreateRecordTable(const Dialect& d, const Table& table) {
  const std::string integer(d.ColumnType(SqlType::kInteger));
  std::string s = "CREATE TABLE " + TableRef(table.id) + "(" + std::string(d.RowidColumn()) +
                  ", id " + std::string(d.ColumnType(SqlType::kText)) +
                  " NOT NULL UNIQUE, created_ms " + integer + " NOT NULL, modified_ms " + integer +
                  " NOT NULL";
  for (const Field& f : table.fields)
    if (!ColumnName(f).empty()) s += ", " + ColumnDecl(d, f);
  return s + ")";
}

std::string AddColumn(const Dialect& d, const std::string& table_id, const Field& field) {
  return "ALTER TABLE " + TableRef(table_id) + " ADD COLUMN " + ColumnDecl(d, field);
}

std::vector<std::string> DropColumn(const std::string& table_id, const Field& field,
                                    const std::vector<Field>& others) {
  std::vector<std::string> out = {"DROP INDEX IF EXISTS " + Quote("i_" + field.id),
                                  "DROP INDEX IF EXISTS " + Quote("id_" + field.id),
                                  "DROP INDEX IF EXISTS " + Quote("iq_" + field.id)};
  for (Predicate::Transform t : kTransforms)
    out.push_back("DROP INDEX IF EXISTS " + Quote("it_" + field.id + "_" + TransformLetter(t)));
  // SQLite refuses to drop an indexed column; each name is cheap to try.
  for (const Field& other : others) {
    if (other.id == field.id || !Indexable(other)) continue;
    out.push_back("DROP INDEX IF EXISTS " + Quote("ic_" + field.id + "_" + other.id));
    out.push_back("DROP INDEX IF EXISTS " + Quote("ic_" + other.id + "_" + field.id));
  }
  out.push_back("ALTER TABLE " + TableRef(table_id) + " DROP COLUMN " + Quote(ColumnName(field)));
  return out;
}

std::string RenameColumn(const std::string& table_id, const std::string& from,
                         const std::string& to) {
  return "ALTER TABLE " + TableRef(table_id) + " RENAME COLUMN " + Quote(from) + " TO " + Quote(to);
}

std::string SetColumnById(const std::string& table_id, const std::string& column) {
  return "UPDATE " + TableRef(table_id) + " SET " + Quote(column) + "=?1 WHERE id=?2";
}

IndexSpec SortIndex(const Dialect& d, const Table& table, const Field& field, bool desc) {
  if (field.type == FieldType::kSingleSelect || !Indexable(field)) return {};
  // Ties sort by rowid ascending either way; an index entry ends with the rowid ascending, so a
  // descending sort needs its own (expr DESC) index to be read in order without sorting.
  return {(desc ? "id_" : "i_") + field.id, "ON " + TableRef(table.id) + "(" + SortExpr(d, field) +
                                                std::string(d.Direction(desc)) + ")"};
}

IndexSpec FilterIndex(const Dialect& d, const Table& table, const Field& field) {
  if (!Indexable(field)) return {};
  // Where the sort expression is the plain column, the sort index serves filters too.
  if (SortExpr(d, field) == ValueExpr(d, field)) return SortIndex(d, table, field, false);
  return {"iq_" + field.id, "ON " + TableRef(table.id) + "(" + ValueExpr(d, field) + ")"};
}

IndexSpec CompoundIndex(const Dialect& d, const Table& table, const Field& first,
                        const Field& then) {
  if (!Indexable(first) || !Indexable(then) || first.id == then.id) return {};
  return {"ic_" + first.id + "_" + then.id,
          "ON " + TableRef(table.id) + "(" + ValueExpr(d, first) + ", " + ValueExpr(d, then) + ")"};
}

IndexSpec TransformIndex(const Dialect& d, const Table& table, const Field& field,
                         Predicate::Transform transform) {
  if (!Indexable(field) || transform == Predicate::Transform::kNone) return {};
  return {"it_" + field.id + "_" + TransformLetter(transform),
          "ON " + TableRef(table.id) + "(" + d.TextFunction(transform, ValueExpr(d, field)) + ")"};
}

std::optional<std::pair<const Field*, const Field*>> CompoundShape(const Predicate& filter) {
  using Kind = Predicate::Kind;
  if (filter.kind != Kind::kAnd) return std::nullopt;
  auto plain = [](const Predicate& p) {
    return p.field != nullptr && p.transform == Predicate::Transform::kNone && Indexable(*p.field);
  };
  auto equality = [&](const Predicate& p) {
    return p.kind == Kind::kSame && plain(p) && !std::holds_alternative<std::monostate>(p.value);
  };
  auto range = [&](const Predicate& p) {
    return p.kind == Kind::kCompare && !p.blank_matches && plain(p);
  };
  // The first term of `kind` on another field than `not_on`.
  auto first = [&](auto&& kind, const Field* not_on) -> const Field* {
    for (const Predicate& t : filter.terms)
      if (kind(t) && t.field != not_on) return t.field;
    return nullptr;
  };
  const Field* equal = first(equality, nullptr);
  if (!equal) return std::nullopt;
  // A range bounded on both sides ({n} >= a, {n} < b): the index then reads only its rows. A
  // one-sided range ({Price} > 50) is left out: it usually matches much of the table, and an
  // index read in its order must then be sorted back into list order in full, where a scan in
  // list order stops at the page's end (measured: 0.6x on such a filter).
  auto side = [](Predicate::Op op) {  // -1: a lower bound, 1: an upper one, 0: neither
    using Op = Predicate::Op;
    return op == Op::kGt || op == Op::kGe ? -1 : op == Op::kLt || op == Op::kLe ? 1 : 0;
  };
  auto bounded = [&](const Predicate& p) {
    if (!range(p) || p.op == Predicate::Op::kNe) return false;
    if (p.op == Predicate::Op::kEq) return true;  // a number's equality: a point
    for (const Predicate& t : filter.terms)
      // The other bound may match blanks ({n} < b counts a blank as 0): it still bounds.
      if (t.kind == Kind::kCompare && t.field == p.field && side(t.op) == -side(p.op)) return true;
    return false;
  };
  const Field* then = first(bounded, equal);
  if (!then) then = first(equality, equal);
  if (!then) return std::nullopt;
  return std::pair{equal, then};
}

BoundSql SelectList(const Dialect& d, const Table& table, const ListQuery& q) {
  BoundSql out;
  std::string& s = out.text;
  s = "SELECT " + Columns(d, q.fields) + " FROM " + TableRef(table.id);
  if (q.sort.empty()) {  // keyset pagination over the row id
    s += " WHERE rowid > ?";
    out.params.emplace_back(q.after_rowid);
    if (q.filter) s += " AND ";
  } else if (q.filter) {
    s += " WHERE ";
  }
  if (q.filter) {
    s += '(';
    AppendPredicate(d, *q.filter, &s, &out.params);
    s += ')';
  }
  if (q.test) {  // last: SQLite tests the cheaper terms first
    s += q.sort.empty() || q.filter ? " AND " : " WHERE ";
    s += d.RowTestFunction();
    s += "(?, id, created_ms, modified_ms";
    out.params.emplace_back();
    out.test_param = static_cast<int>(out.params.size());
    for (const Field* f : q.test_fields) {
      s += ", ";
      s += ValueExpr(d, *f);
    }
    s += ')';
  }
  s += " ORDER BY ";
  for (const SortKey& k : q.sort) {
    s += SortExpr(d, *k.field);
    s += d.Direction(k.desc);
    s += ", ";
  }
  s += "rowid LIMIT ?";
  out.params.emplace_back(q.limit);
  if (!q.sort.empty()) {
    s += " OFFSET ?";
    out.params.emplace_back(q.skip);
  }
  return out;
}

std::string SelectById(const Dialect& d, const Table& table,
                       const std::vector<const Field*>& fields) {
  return "SELECT " + Columns(d, fields) + " FROM " + TableRef(table.id) + " WHERE id=?1";
}

std::string SelectByIds(const Dialect& d, const Table& table,
                        const std::vector<const Field*>& fields, size_t n) {
  std::string sql =
      "SELECT " + Columns(d, fields) + " FROM " + TableRef(table.id) + " WHERE id IN (";
  for (size_t i = 0; i < n; ++i) sql += (i ? ",?" : "?") + std::to_string(i + 1);
  return sql + ")";
}

std::string Insert(const Table& table,
                   const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  std::string cols = "id, created_ms, modified_ms", vals = "?1, ?2, ?2";
  for (size_t i = 0; i < cells.size(); ++i) {
    cols += ", " + Quote(ColumnName(*cells[i].first));
    vals += ", ?" + std::to_string(i + 3);
  }
  return "INSERT INTO " + TableRef(table.id) + "(" + cols + ") VALUES(" + vals + ")";
}

std::string Update(const Table& table,
                   const std::vector<std::pair<const Field*, SqlValue>>& cells) {
  std::string s =
      "UPDATE " + TableRef(table.id) + " SET modified_ms=?" + std::to_string(cells.size() + 2);
  for (size_t i = 0; i < cells.size(); ++i) {
    s += ", ";
    s += Quote(ColumnName(*cells[i].first)) + "=?" + std::to_string(i + 1);
  }
  return s + " WHERE id=?" + std::to_string(cells.size() + 1);
}

std::string SelectEqual(const Dialect& d, const Table& table,
                        const std::vector<std::pair<const Field*, SqlValue>>& values) {
  std::string s = "SELECT id FROM " + TableRef(table.id) + " WHERE ";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += " AND ";
    s += d.SameAs(ValueExpr(d, *values[i].first), false) + std::to_string(i + 1);
  }
  return s + " ORDER BY rowid LIMIT ?" + std::to_string(values.size() + 1);
}

}  // namespace airbase::sql
