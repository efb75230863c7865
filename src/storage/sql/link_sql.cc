// Link cells over junction tables (link_sql.h): the reads are one indexed subquery per cell,
// the writes touch only the rows of the links that change, and the one-time migration turns
// the comma-joined columns of older data directories into junction rows.
#include "storage/sql/link_sql.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "common/json_util.h"
#include "common/text.h"
#include "storage/sql/record_sql.h"

namespace airbase::sql {

namespace {

namespace json = boost::json;

std::string OptionText(const json::object& options, const char* key) {
  return StringOr(options, key);
}

std::string PairId(const std::string& id, const std::string& inverse) {
  return inverse.empty() ? id : std::min(id, inverse);
}

LinkSide Side(const std::string& id, const std::string& inverse) {
  std::string pair = PairId(id, inverse);
  std::string table = "\"l_" + pair + "\"";  // ids are alphanumeric: nothing to escape
  if (pair == id) return {table, "a_rec", "b_rec", "a_pos", "b_pos"};
  return {table, "b_rec", "a_rec", "b_pos", "a_pos"};
}

std::vector<std::string> SplitIds(const SqlValue& cell) {
  const std::string* s = std::get_if<std::string>(&cell);
  return s ? SplitOn(*s, ',') : std::vector<std::string>();
}

Status Run(Connection& db, const std::string& sql, const std::vector<SqlValue>& params) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare(sql));
  for (size_t i = 0; i < params.size(); ++i) s->Bind(static_cast<int>(i) + 1, params[i]);
  return s->Run();
}

// Appends a link to the end of `other`'s inverse cell, at `my_pos` in this record's cell.
Status AppendLink(Connection& db, const LinkSide& s, const std::string& mine,
                  const std::string& other, int64_t my_pos) {
  return Run(db,
             "INSERT INTO " + s.table + "(" + s.mine + ", " + s.other + ", " + s.my_pos + ", " +
                 s.other_pos + ") VALUES(?1, ?2, ?3, (SELECT coalesce(max(" + s.other_pos +
                 ") + 1, 0) FROM " + s.table + " WHERE " + s.other + " = ?2))",
             {mine, other, my_pos});
}

}  // namespace

LinkSide SideOf(const Field& link) {
  return Side(link.id, OptionText(link.options, "inverseLinkFieldId"));
}

std::string LinkCellExpr(const Dialect& d, const Field& link) {
  LinkSide s = SideOf(link);
  // The junction has no column named id, so `id` names the outer query's record.
  return d.OrderedList(s.other, s.table, std::string(s.mine) + " = id", s.my_pos);
}

Status CreateJunction(Connection& db, const Field& link) {
  return db.Exec(CreateJunctionSql(link));
}

std::string CreateJunctionSql(const Field& link) {
  LinkSide s = SideOf(link);
  const std::string name = s.table.substr(1, s.table.size() - 2);
  return std::string("CREATE TABLE IF NOT EXISTS ") + s.table +
         "(a_rec TEXT NOT NULL, b_rec TEXT NOT NULL, a_pos INTEGER, b_pos INTEGER, "
         "PRIMARY KEY(a_rec, b_rec)); CREATE INDEX IF NOT EXISTS " +
         Quote(name + "_a") + " ON " + s.table + "(a_rec, a_pos); " +
         "CREATE INDEX IF NOT EXISTS " + Quote(name + "_b") + " ON " + s.table + "(b_rec, b_pos)";
}

Status DropJunction(Connection& db, const Field& link) {
  return db.Exec("DROP TABLE IF EXISTS " + SideOf(link).table);
}

Status SetLinks(Connection& db, const Field& link, const std::string& record_id,
                const SqlValue& ids) {
  const LinkSide s = SideOf(link);
  std::map<std::string, int64_t> current;  // linked record -> its position in this cell
  {
    ASSIGN_OR_RETURN(StmtRef q, db.Prepare("SELECT " + std::string(s.other) + ", " + s.my_pos +
                                           " FROM " + s.table + " WHERE " + s.mine + " = ?"));
    q->Bind(1, record_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      current[q->Text(0)] = q->Int(1);
    }
  }
  const std::vector<std::string> wanted = SplitIds(ids);
  for (const auto& [other, pos] : current)
    if (std::find(wanted.begin(), wanted.end(), other) == wanted.end())
      RETURN_IF_ERROR(
          Run(db, "DELETE FROM " + s.table + " WHERE " + s.mine + " = ? AND " + s.other + " = ?",
              {record_id, other}));
  for (size_t i = 0; i < wanted.size(); ++i) {
    const int64_t pos = static_cast<int64_t>(i);
    auto it = current.find(wanted[i]);
    if (it == current.end()) {
      RETURN_IF_ERROR(AppendLink(db, s, record_id, wanted[i], pos));
    } else if (it->second != pos) {
      RETURN_IF_ERROR(Run(db,
                          "UPDATE " + s.table + " SET " + s.my_pos + " = ? WHERE " + s.mine +
                              " = ? AND " + s.other + " = ?",
                          {pos, record_id, wanted[i]}));
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> LinkedFrom(Connection& db, const Field& link,
                                            const std::string& record_id) {
  const LinkSide s = SideOf(link);
  ASSIGN_OR_RETURN(StmtRef q, db.Prepare("SELECT " + std::string(s.mine) + " FROM " + s.table +
                                         " WHERE " + s.other + " = ? ORDER BY " + s.other_pos));
  q->Bind(1, record_id);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(q->Text(0));
  }
  return out;
}

Status DeleteRecordLinks(Connection& db, const Table& table, const std::string& record_id) {
  for (const Field& f : table.fields) {
    if (f.type != FieldType::kMultipleRecordLinks) continue;
    const LinkSide s = SideOf(f);
    RETURN_IF_ERROR(Run(db, "DELETE FROM " + s.table + " WHERE " + s.mine + " = ?", {record_id}));
    if (OptionText(f.options, "linkedTableId") == table.id)  // a link to its own table
      RETURN_IF_ERROR(
          Run(db, "DELETE FROM " + s.table + " WHERE " + s.other + " = ?", {record_id}));
  }
  return Status::Ok();
}

namespace {

struct LinkRow {
  std::string id, table_id, inverse;
};

// The link fields of one table (of every base when `table_id` is empty), from the schema rows.
Result<std::vector<LinkRow>> LinkRows(Connection& db, const std::string& table_id) {
  ASSIGN_OR_RETURN(StmtRef q, db.Prepare("SELECT id, table_id, options FROM fields_meta WHERE "
                                         "type = 'multipleRecordLinks' AND (?1 = '' OR "
                                         "table_id = ?1) ORDER BY id"));
  q->Bind(1, table_id);
  std::vector<LinkRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    boost::system::error_code ec;
    json::value options = json::parse(q->Text(2), ec);
    std::string inverse =
        !ec && options.is_object() ? OptionText(options.as_object(), "inverseLinkFieldId") : "";
    out.push_back({q->Text(0), q->Text(1), inverse});
  }
  return out;
}

// Fills one side's positions from the old column of `f`, adding rows the other side lacked.
Status CopyOldColumn(Connection& db, const LinkRow& f, const LinkSide& s) {
  const std::string column = Quote("c_" + f.id);
  ASSIGN_OR_RETURN(StmtRef rows,
                   db.Prepare("SELECT id, " + column + " FROM " + TableRef(f.table_id) + " WHERE " +
                              column + " IS NOT NULL"));
  ASSIGN_OR_RETURN(
      StmtRef put,
      db.Prepare("INSERT INTO " + s.table + "(" + s.mine + ", " + s.other + ", " + s.my_pos +
                 ") VALUES(?, ?, ?) ON CONFLICT(a_rec, b_rec) DO UPDATE SET " + s.my_pos +
                 " = excluded." + s.my_pos));
  while (true) {
    ASSIGN_OR_RETURN(bool row, rows->Step());
    if (!row) break;
    const std::string mine = rows->Text(0);
    std::vector<std::string> ids = SplitIds(rows->Value(1));
    for (size_t i = 0; i < ids.size(); ++i) {
      put->Bind(1, mine);
      put->Bind(2, ids[i]);
      put->Bind(3, static_cast<int64_t>(i));
      RETURN_IF_ERROR(put->Run());
      put->Reset();
    }
  }
  return Status::Ok();
}

// Links one side held and the other did not get positions after every ordered one.
Status FillMissingPositions(Connection& db, const LinkSide& s) {
  for (const char* pos : {"a_pos", "b_pos"}) {
    RETURN_IF_ERROR(
        db.Exec("UPDATE " + s.table + " SET " + pos + " = 1000000000 WHERE " + pos + " IS NULL"));
  }
  return Status::Ok();
}

}  // namespace

Status DropUnusedJunction(Connection& db, const Field& link, const std::string& gone_table_id) {
  const std::string inverse = OptionText(link.options, "inverseLinkFieldId");
  if (!inverse.empty()) {
    ASSIGN_OR_RETURN(StmtRef q, db.Prepare("SELECT table_id FROM fields_meta WHERE id = ?"));
    q->Bind(1, inverse);
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (row && q->Text(0) != gone_table_id) return Status::Ok();  // the other side still reads it
  }
  return DropJunction(db, link);
}

Status DropTableJunctions(Connection& db, const std::string& table_id) {
  ASSIGN_OR_RETURN(std::vector<LinkRow> links, LinkRows(db, table_id));
  for (const LinkRow& r : links) {
    Field f;
    f.id = r.id;
    if (!r.inverse.empty()) f.options["inverseLinkFieldId"] = r.inverse;
    RETURN_IF_ERROR(DropUnusedJunction(db, f, table_id));
  }
  return Status::Ok();
}

Status MoveLinksToJunctions(Connection& db) {
  ASSIGN_OR_RETURN(std::vector<LinkRow> links, LinkRows(db, ""));
  for (const LinkRow& f : links) {
    Field field;
    field.id = f.id;
    if (!f.inverse.empty()) field.options["inverseLinkFieldId"] = f.inverse;
    RETURN_IF_ERROR(CreateJunction(db, field));
    RETURN_IF_ERROR(CopyOldColumn(db, f, SideOf(field)));
  }
  for (const LinkRow& f : links) {
    Field field;
    field.id = f.id;
    field.type = FieldType::kMultipleRecordLinks;
    if (!f.inverse.empty()) field.options["inverseLinkFieldId"] = f.inverse;
    RETURN_IF_ERROR(FillMissingPositions(db, SideOf(field)));
    Field old = field;
    old.type = FieldType::kSingleLineText;  // the old layout: a plain column "c_<fld>"
    for (const std::string& stmt : DropColumn(f.table_id, old)) RETURN_IF_ERROR(db.Exec(stmt));
  }
  return Status::Ok();
}

}  // namespace airbase::sql
