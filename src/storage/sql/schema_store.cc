// SqlSchemaStore: bases, tables, fields and views: the schema rows, the DDL of each user table, and
// the schema cache.
#include "storage/sql/schema_store.h"

#include <boost/json.hpp>

#include "storage/sql/link_sql.h"
#include "storage/sql/record_sql.h"

namespace airbase::sql {

namespace json = boost::json;

Status SqlSchemaStore::RenameBase(const std::string& id, const std::string& name) {
  return SetName("bases", id, name);
}

// Drops a user table's records and its schema rows (inside the caller's transaction).
Status SqlSchemaStore::DropTableOn(Connection& db, const std::string& table_id) {
  RETURN_IF_ERROR(db.Exec("DROP TABLE IF EXISTS " + TableRef(table_id)));
  RETURN_IF_ERROR(DropTableJunctions(db, table_id));
  for (const char* sql :
       {"DELETE FROM fields_meta WHERE table_id=?", "DELETE FROM views_meta WHERE table_id=?",
        "DELETE FROM comments WHERE table_id=?", "DELETE FROM tables_meta WHERE id=?"}) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare(sql));
    s->Bind(1, table_id);
    RETURN_IF_ERROR(s->Run());
  }
  return Status::Ok();
}

Status SqlSchemaStore::DeleteTable(const std::string& base_id, const std::string& table_id) {
  return InTransaction([&](Lease& db) -> Status {
    RETURN_IF_ERROR(DropTableOn(*db, table_id));
    return BumpSchema(*db, base_id);
  });
}

Status SqlSchemaStore::DeleteBase(const std::string& id) {
  return InTransaction([&](Lease& db) -> Status {
    std::vector<std::string> tables;
    {
      ASSIGN_OR_RETURN(StmtRef t, db->Prepare("SELECT id FROM tables_meta WHERE base_id=?"));
      t->Bind(1, id);
      while (true) {
        ASSIGN_OR_RETURN(bool row, t->Step());
        if (!row) break;
        tables.push_back(t->Text(0));
      }
    }
    for (const std::string& t : tables) RETURN_IF_ERROR(DropTableOn(*db, t));
    for (const char* sql :
         {"DELETE FROM webhook_payloads WHERE webhook_id IN (SELECT id FROM webhooks WHERE "
          "base_id=?)",
          "DELETE FROM webhooks WHERE base_id=?", "DELETE FROM base_txn WHERE base_id=?",
          "DELETE FROM comments WHERE base_id=?", "DELETE FROM base_members WHERE base_id=?",
          "DELETE FROM token_resources WHERE kind='base' AND resource_id=?",
          "DELETE FROM bases WHERE id=?"}) {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql));
      s->Bind(1, id);
      RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  });
}

Result<std::optional<BaseInfo>> SqlSchemaStore::FindBase(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  return FindBaseOn(*db, id);
}

Result<std::optional<BaseInfo>> SqlSchemaStore::FindBaseOn(Connection& db, const std::string& id) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("SELECT id, name, workspace_id, schema_version FROM "
                                         "bases WHERE id=?"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<BaseInfo>();
  return std::optional<BaseInfo>(BaseInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
}

Result<int64_t> SqlSchemaStore::MetaVersion() {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT v FROM meta_version"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t v = row ? s->Int(0) : int64_t{0};
  ctx_->pool->NoteSchemaEpoch(v);
  return v;
}

Status SqlSchemaStore::InsertField(Connection& db, const std::string& table_id, const Field& f,
                                   int position) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO fields_meta VALUES(?,?,?,?,?,?,?)"));
  s->Bind(1, f.id);
  s->Bind(2, table_id);
  s->Bind(3, f.name);
  s->Bind(4, FieldTypeName(f.type));
  s->Bind(5, f.description);
  s->Bind(6, json::serialize(f.options));
  s->Bind(7, position);
  return s->Run();
}

Status SqlSchemaStore::InsertTable(Connection& db, const std::string& base_id, const Table& t,
                                   int position) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO tables_meta VALUES(?,?,?,?,?,?)"));
  s->Bind(1, t.id);
  s->Bind(2, base_id);
  s->Bind(3, t.name);
  s->Bind(4, t.description);
  s->Bind(5, t.primary_field_id);
  s->Bind(6, position);
  RETURN_IF_ERROR(s->Run());
  for (size_t i = 0; i < t.fields.size(); ++i)
    RETURN_IF_ERROR(InsertField(db, t.id, t.fields[i], static_cast<int>(i)));
  for (size_t i = 0; i < t.views.size(); ++i)
    RETURN_IF_ERROR(InsertView(db, t.id, t.views[i], static_cast<int>(i)));
  for (const Field& f : t.fields)
    if (f.type == FieldType::kMultipleRecordLinks) RETURN_IF_ERROR(CreateJunction(db, f));
  return db.Exec(CreateRecordTable(*ctx_->dialect, t));
}

Status SqlSchemaStore::InsertView(Connection& db, const std::string& table_id, const View& v,
                                  int position) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO views_meta VALUES(?,?,?,?,?,?)"));
  s->Bind(1, v.id);
  s->Bind(2, table_id);
  s->Bind(3, v.name);
  s->Bind(4, v.type);
  s->Bind(5, json::serialize(v.ConfigJson()));
  s->Bind(6, position);
  return s->Run();
}

Status SqlSchemaStore::CreateView(const std::string& base_id, const std::string& table_id,
                                  const View& view) {
  return InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT coalesce(max(position)+1, 0) FROM "
                                            "views_meta WHERE table_id=?"));
    s->Bind(1, table_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    int pos = row ? static_cast<int>(s->Int(0)) : 0;
    s->Reset();
    RETURN_IF_ERROR(InsertView(*db, table_id, view, pos));
    return BumpSchema(*db, base_id);
  });
}

Status SqlSchemaStore::UpdateView(const std::string& base_id, const std::string& table_id,
                                  const View& view) {
  return InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE views_meta SET name=?, config=? "
                                            "WHERE id=? AND table_id=?"));
    s->Bind(1, view.name);
    s->Bind(2, json::serialize(view.ConfigJson()));
    s->Bind(3, view.id);
    s->Bind(4, table_id);
    RETURN_IF_ERROR(s->Run());
    return BumpSchema(*db, base_id);
  });
}

Status SqlSchemaStore::DeleteView(const std::string& base_id, const std::string& table_id,
                                  const std::string& view_id) {
  return InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM views_meta WHERE id=? AND table_id=?"));
    s->Bind(1, view_id);
    s->Bind(2, table_id);
    RETURN_IF_ERROR(s->Run());
    return BumpSchema(*db, base_id);
  });
}

Status SqlSchemaStore::BumpSchema(Connection& db, const std::string& base_id) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("UPDATE bases SET schema_version=schema_version+1 "
                                         "WHERE id=?"));
  s->Bind(1, base_id);
  return s->Run();
}

Status SqlSchemaStore::CreateBaseOn(Connection& db, const BaseInfo& base,
                                    const std::vector<Table>& tables) {
  // Last of its workspace's bases.
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO bases(id, workspace_id, name, "
                                         "schema_version, created_ms, position) VALUES(?1, ?2, "
                                         "?3, 1, ?4, (SELECT coalesce(max(position)+1, 0) FROM "
                                         "bases WHERE workspace_id=?2))"));
  s->Bind(1, base.id);
  s->Bind(2, base.workspace_id);
  s->Bind(3, base.name);
  s->Bind(4, options_.clock->NowMs());
  RETURN_IF_ERROR(s->Run());
  for (size_t i = 0; i < tables.size(); ++i)
    RETURN_IF_ERROR(InsertTable(db, base.id, tables[i], static_cast<int>(i)));
  return Status::Ok();
}

Status SqlSchemaStore::CheckIdsFree(Connection& db, const BaseInfo& base,
                                    const std::vector<Table>& tables) {
  auto taken = [&](const char* table, const std::string& id) -> Result<bool> {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare(std::string("SELECT 1 FROM ") + table + " WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    return row;
  };
  auto check = [&](const char* table, const char* what, const std::string& id) -> Status {
    ASSIGN_OR_RETURN(bool t, taken(table, id));
    if (t) return Error(ErrorCode::kAlreadyExists, std::string(what) + " id " + id + " is taken");
    return Status::Ok();
  };
  RETURN_IF_ERROR(check("bases", "base", base.id));
  for (const Table& t : tables) {
    RETURN_IF_ERROR(check("tables_meta", "table", t.id));
    for (const Field& f : t.fields) RETURN_IF_ERROR(check("fields_meta", "field", f.id));
    for (const View& v : t.views) RETURN_IF_ERROR(check("views_meta", "view", v.id));
  }
  return Status::Ok();
}

Status SqlSchemaStore::CreateBase(const BaseInfo& base, const std::vector<Table>& tables) {
  return InTransaction([&](Lease& db) -> Status { return CreateBaseOn(*db, base, tables); });
}

Status SqlSchemaStore::CreateTable(const std::string& base_id, const Table& table) {
  Status st = InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT coalesce(max(position)+1, 0) FROM "
                                            "tables_meta WHERE base_id=?"));
    s->Bind(1, base_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    int pos = row ? static_cast<int>(s->Int(0)) : 0;
    s->Reset();
    RETURN_IF_ERROR(InsertTable(*db, base_id, table, pos));
    return BumpSchema(*db, base_id);
  });
  return st;
}

Status SqlSchemaStore::UpdateTable(const std::string& base_id, const Table& table) {
  Status st = InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE tables_meta SET name=?, description=? "
                                            "WHERE id=? AND base_id=?"));
    s->Bind(1, table.name);
    s->Bind(2, table.description);
    s->Bind(3, table.id);
    s->Bind(4, base_id);
    RETURN_IF_ERROR(s->Run());
    return BumpSchema(*db, base_id);
  });
  return st;
}

Status SqlSchemaStore::CreateField(const std::string& base_id, const std::string& table_id,
                                   const Field& field) {
  Status st = InTransaction([&](Lease& db) -> Status {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT coalesce(max(position)+1, 0) FROM "
                                            "fields_meta WHERE table_id=?"));
    s->Bind(1, table_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    int pos = row ? static_cast<int>(s->Int(0)) : 0;
    s->Reset();
    RETURN_IF_ERROR(InsertField(*db, table_id, field, pos));
    if (!ColumnName(field).empty())
      RETURN_IF_ERROR(db->Exec(AddColumn(*ctx_->dialect, table_id, field)));
    if (field.type == FieldType::kMultipleRecordLinks) RETURN_IF_ERROR(CreateJunction(*db, field));
    return BumpSchema(*db, base_id);
  });
  return st;
}

Status SqlSchemaStore::SaveFieldOn(Connection& db, const Field& field) {
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare("UPDATE fields_meta SET name=?, description=?, "
                                         "options=? WHERE id=?"));
  s->Bind(1, field.name);
  s->Bind(2, field.description);
  s->Bind(3, json::serialize(field.options));
  s->Bind(4, field.id);
  return s->Run();
}

// Forgets the lazy indexes of a field whose column is dropped.
void SqlSchemaStore::ForgetIndexes(const Table& table, const Field& field) {
  std::lock_guard lock(ctx_->index_mu);
  for (auto it = ctx_->indexed.begin(); it != ctx_->indexed.end();)  // compound ones too
    it = it->rfind(table.id + "|", 0) == 0 && it->find("|" + field.id + "|") != std::string::npos
             ? ctx_->indexed.erase(it)
             : std::next(it);
}

Status SqlSchemaStore::ChangeFieldType(const std::string& base_id, const Table& table,
                                       const Field& field,
                                       const std::vector<std::pair<std::string, SqlValue>>& cells,
                                       const std::vector<Field>& also_save) {
  const Field* old = table.FindField(field.id);
  if (!old || ColumnName(*old).empty() || ColumnName(field).empty())
    return Error(ErrorCode::kInvalidRequestUnknown, "This field's type cannot be changed");
  Status st = InTransaction([&](Lease& db) -> Status {
    Field staged = field;
    staged.id = "new" + field.id;  // a temporary column beside the old one
    RETURN_IF_ERROR(db->Exec(AddColumn(*ctx_->dialect, table.id, staged)));
    ASSIGN_OR_RETURN(StmtRef set, db->Prepare(SetColumnById(table.id, ColumnName(staged))));
    for (const auto& [id, value] : cells) {
      set->Bind(1, value);
      set->Bind(2, id);
      RETURN_IF_ERROR(set->Run());
      set->Reset();
    }
    for (const std::string& stmt : DropColumn(table.id, *old, table.fields))
      RETURN_IF_ERROR(db->Exec(stmt));
    RETURN_IF_ERROR(db->Exec(RenameColumn(table.id, ColumnName(staged), ColumnName(field))));
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE fields_meta SET type=? WHERE id=?"));
    s->Bind(1, FieldTypeName(field.type));
    s->Bind(2, field.id);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(SaveFieldOn(*db, field));
    for (const Field& f : also_save) RETURN_IF_ERROR(SaveFieldOn(*db, f));
    return BumpSchema(*db, base_id);
  });
  ForgetIndexes(table, field);
  return st;
}

Status SqlSchemaStore::DeleteField(const std::string& base_id, const Table& table,
                                   const Field& field, const std::vector<Field>& also_save) {
  Status st = InTransaction([&](Lease& db) -> Status {
    if (!ColumnName(field).empty())
      for (const std::string& stmt : DropColumn(table.id, field, table.fields))
        RETURN_IF_ERROR(db->Exec(stmt));
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM fields_meta WHERE id=?"));
    s->Bind(1, field.id);
    RETURN_IF_ERROR(s->Run());
    if (field.type == FieldType::kMultipleRecordLinks)
      RETURN_IF_ERROR(DropUnusedJunction(*db, field, ""));
    for (const Field& f : also_save) RETURN_IF_ERROR(SaveFieldOn(*db, f));
    return BumpSchema(*db, base_id);
  });
  ForgetIndexes(table, field);
  return st;
}

Status SqlSchemaStore::UpdateField(const std::string& base_id, const std::string& table_id,
                                   const Field& field) {
  Status st = InTransaction([&](Lease& db) -> Status {
    RETURN_IF_ERROR(SaveFieldOn(*db, field));
    return BumpSchema(*db, base_id);
  });
  return st;
}

Result<std::shared_ptr<const BaseSchema>> SqlSchemaStore::LoadSchema(const std::string& base_id,
                                                                     int64_t meta_version) {
  if (meta_version >= 0) {
    std::lock_guard lock(ctx_->meta_mu);
    ctx_->SyncMetaCache(meta_version);
    auto it = ctx_->tagged.find(base_id);
    if (it != ctx_->tagged.end() && it->second.first == meta_version) return it->second.second;
  }
  ASSIGN_OR_RETURN(auto schema, LoadSchemaFromDb(base_id));
  if (meta_version >= 0) {
    std::lock_guard lock(ctx_->meta_mu);
    if (ctx_->tagged.size() > 10000) ctx_->tagged.clear();
    ctx_->tagged[base_id] = {meta_version, schema};
  }
  return schema;
}

Result<std::shared_ptr<const BaseSchema>> SqlSchemaStore::LoadSchemaFromDb(
    const std::string& base_id) {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  ASSIGN_OR_RETURN(std::optional<BaseInfo> base, FindBaseOn(*db, base_id));
  if (!base) return std::shared_ptr<const BaseSchema>();
  {
    std::lock_guard lock(ctx_->schema_mu);
    auto it = ctx_->schemas.find(base_id);
    if (it != ctx_->schemas.end() && it->second->base.schema_version == base->schema_version &&
        it->second->base.name == base->name && it->second->base.workspace_id == base->workspace_id)
      return it->second;
  }
  auto schema = std::make_shared<BaseSchema>();
  schema->base = *base;
  ASSIGN_OR_RETURN(StmtRef t, db->Prepare("SELECT id, name, description, primary_field_id FROM "
                                          "tables_meta WHERE base_id=? ORDER BY position"));
  t->Bind(1, base_id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, t->Step());
    if (!row) break;
    Table table;
    table.id = t->Text(0);
    table.name = t->Text(1);
    table.description = t->Text(2);
    table.primary_field_id = t->Text(3);
    schema->tables.push_back(std::move(table));
  }
  for (Table& table : schema->tables) {
    ASSIGN_OR_RETURN(StmtRef f, db->Prepare("SELECT id, name, type, description, options FROM "
                                            "fields_meta WHERE table_id=? ORDER BY position"));
    f->Bind(1, table.id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, f->Step());
      if (!row) break;
      Field field;
      field.id = f->Text(0);
      field.name = f->Text(1);
      auto type = ParseFieldType(f->Text(2));
      if (!type) return Error(ErrorCode::kInternal, "unknown stored field type");
      field.type = *type;
      field.description = f->Text(3);
      boost::system::error_code ec;
      json::value opts = json::parse(f->Text(4), ec);
      if (!ec && opts.is_object()) field.options = std::move(opts.as_object());
      field.Derive();
      table.fields.push_back(std::move(field));
    }
    ASSIGN_OR_RETURN(StmtRef v, db->Prepare("SELECT id, name, type, config FROM views_meta "
                                            "WHERE table_id=? ORDER BY position"));
    v->Bind(1, table.id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, v->Step());
      if (!row) break;
      View view;
      view.id = v->Text(0);
      view.name = v->Text(1);
      view.type = v->Text(2);
      boost::system::error_code ec;
      json::value config = json::parse(v->Text(3), ec);
      if (!ec && config.is_object()) view.ApplyConfig(config.as_object());
      table.views.push_back(std::move(view));
    }
  }
  std::shared_ptr<const BaseSchema> out = schema;
  std::lock_guard lock(ctx_->schema_mu);
  ctx_->schemas[base_id] = out;
  return out;
}

}  // namespace airbase::sql
