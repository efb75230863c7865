// Bases, tables, fields and views: the schema rows, the DDL of each user table, and the schema
// cache. One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlSchemaStore : public virtual SchemaStore, protected StorePart {
 public:
  explicit SqlSchemaStore(StoreContext* ctx) : StorePart(ctx) {}

  Status RenameBase(const std::string& id, const std::string& name) override;
  Status DeleteTable(const std::string& base_id, const std::string& table_id) override;
  Status DeleteBase(const std::string& id) override;
  Result<std::optional<BaseInfo>> FindBase(const std::string& id) override;
  Result<int64_t> MetaVersion() override;
  Status CreateView(const std::string& base_id, const std::string& table_id,
                    const View& view) override;
  Status UpdateView(const std::string& base_id, const std::string& table_id,
                    const View& view) override;
  Status DeleteView(const std::string& base_id, const std::string& table_id,
                    const std::string& view_id) override;
  Status CreateBase(const BaseInfo& base, const std::vector<Table>& tables) override;
  Status CreateTable(const std::string& base_id, const Table& table) override;
  Status UpdateTable(const std::string& base_id, const Table& table) override;
  Status CreateField(const std::string& base_id, const std::string& table_id,
                     const Field& field) override;
  Status ChangeFieldType(const std::string& base_id, const Table& table, const Field& field,
                         const std::vector<std::pair<std::string, SqlValue>>& cells,
                         const std::vector<Field>& also_save) override;
  Status DeleteField(const std::string& base_id, const Table& table, const Field& field,
                     const std::vector<Field>& also_save) override;
  Status UpdateField(const std::string& base_id, const std::string& table_id,
                     const Field& field) override;
  Result<std::shared_ptr<const BaseSchema>> LoadSchema(const std::string& base_id,
                                                       int64_t meta_version) override;

  // Saves a field's name, description and options; bumps a base's schema version (inside the
  // caller's transaction; the write transaction uses them too).
  static Status SaveFieldOn(Connection& db, const Field& field);
  static Status BumpSchema(Connection& db, const std::string& base_id);

 protected:
  // Inserts a base and its tables (inside the caller's transaction).
  Status CreateBaseOn(Connection& db, const BaseInfo& base, const std::vector<Table>& tables);
  // kAlreadyExists naming the first of the base's app, tbl, fld and viw ids the server holds.
  static Status CheckIdsFree(Connection& db, const BaseInfo& base,
                             const std::vector<Table>& tables);
  // Drops a user table's records and its schema rows (inside the caller's transaction).
  Status DropTableOn(Connection& db, const std::string& table_id);
  Result<std::optional<BaseInfo>> FindBaseOn(Connection& db, const std::string& id);
  Status InsertField(Connection& db, const std::string& table_id, const Field& f, int position);
  Status InsertTable(Connection& db, const std::string& base_id, const Table& t, int position);
  Status InsertView(Connection& db, const std::string& table_id, const View& v, int position);
  // Forgets the lazy indexes of a field whose column is dropped.
  void ForgetIndexes(const Table& table, const Field& field);
  Result<std::shared_ptr<const BaseSchema>> LoadSchemaFromDb(const std::string& base_id);
};

}  // namespace airbase::sql
