// The SQLite implementation of Store: one database file (airbase.db) in the data directory, WAL
// mode, a pool of connections (one per concurrent caller), cached prepared statements.
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <limits>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/crypto.h"
#include "storage/sql_dialect.h"
#include "storage/sqlite_db.h"
#include "storage/store.h"

namespace airbase {

namespace json = boost::json;
using sqlite::Db;
using sqlite::Quote;
using sqlite::Stmt;
using sqlite::StmtRef;

namespace {

// Versioned migrations of airbase's own tables; each runs once, in order, in a transaction.
const char* const kMigrations[] = {
    // 1: accounts, bases, schema metadata, tokens, audit.
    R"sql(
CREATE TABLE settings(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE users(id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL);
CREATE TABLE workspaces(id TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE workspace_members(workspace_id TEXT NOT NULL, user_id TEXT NOT NULL,
  role INTEGER NOT NULL, PRIMARY KEY(workspace_id, user_id));
CREATE INDEX workspace_members_user ON workspace_members(user_id);
CREATE TABLE bases(id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1, created_ms INTEGER NOT NULL);
CREATE INDEX bases_workspace ON bases(workspace_id);
CREATE TABLE base_members(base_id TEXT NOT NULL, user_id TEXT NOT NULL, role INTEGER NOT NULL,
  PRIMARY KEY(base_id, user_id));
CREATE INDEX base_members_user ON base_members(user_id);
CREATE TABLE tables_meta(id TEXT PRIMARY KEY, base_id TEXT NOT NULL, name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', primary_field_id TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX tables_meta_base ON tables_meta(base_id, position);
CREATE TABLE fields_meta(id TEXT PRIMARY KEY, table_id TEXT NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', options TEXT NOT NULL DEFAULT '{}',
  position INTEGER NOT NULL);
CREATE INDEX fields_meta_table ON fields_meta(table_id, position);
CREATE TABLE views_meta(id TEXT PRIMARY KEY, table_id TEXT NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL, config TEXT NOT NULL DEFAULT '{}', position INTEGER NOT NULL);
CREATE INDEX views_meta_table ON views_meta(table_id, position);
CREATE TABLE tokens(id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL,
  secret_hash BLOB NOT NULL, prev_secret_hash BLOB, prev_valid_until_ms INTEGER NOT NULL DEFAULT 0,
  scopes TEXT NOT NULL, all_bases INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL DEFAULT 0, last_used_ms INTEGER NOT NULL DEFAULT 0,
  revoked_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE token_resources(token_id TEXT NOT NULL, kind TEXT NOT NULL, resource_id TEXT NOT NULL,
  PRIMARY KEY(token_id, kind, resource_id));
CREATE TABLE audit_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,
  user_id TEXT NOT NULL, token_id TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX audit_log_user ON audit_log(user_id, seq);
)sql",
    // 2: one version number bumped by triggers on every change to accounts, roles, tokens and
    // schemas, so that in-memory caches of them are exact (checked with one query per request).
    R"sql(
CREATE TABLE meta_version(id INTEGER PRIMARY KEY CHECK(id = 1), v INTEGER NOT NULL);
INSERT INTO meta_version VALUES(1, 1);
CREATE TRIGGER users_insert_mv AFTER INSERT ON users BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER users_update_mv AFTER UPDATE ON users BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER users_delete_mv AFTER DELETE ON users BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspaces_insert_mv AFTER INSERT ON workspaces BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspaces_update_mv AFTER UPDATE ON workspaces BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspaces_delete_mv AFTER DELETE ON workspaces BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspace_members_insert_mv AFTER INSERT ON workspace_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspace_members_update_mv AFTER UPDATE ON workspace_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER workspace_members_delete_mv AFTER DELETE ON workspace_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER bases_insert_mv AFTER INSERT ON bases BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER bases_update_mv AFTER UPDATE ON bases BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER bases_delete_mv AFTER DELETE ON bases BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER base_members_insert_mv AFTER INSERT ON base_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER base_members_update_mv AFTER UPDATE ON base_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER base_members_delete_mv AFTER DELETE ON base_members BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tables_meta_insert_mv AFTER INSERT ON tables_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tables_meta_update_mv AFTER UPDATE ON tables_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tables_meta_delete_mv AFTER DELETE ON tables_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER fields_meta_insert_mv AFTER INSERT ON fields_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER fields_meta_update_mv AFTER UPDATE ON fields_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER fields_meta_delete_mv AFTER DELETE ON fields_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER views_meta_insert_mv AFTER INSERT ON views_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER views_meta_update_mv AFTER UPDATE ON views_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER views_meta_delete_mv AFTER DELETE ON views_meta BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER token_resources_insert_mv AFTER INSERT ON token_resources BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER token_resources_update_mv AFTER UPDATE ON token_resources BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER token_resources_delete_mv AFTER DELETE ON token_resources BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tokens_insert_mv AFTER INSERT ON tokens BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tokens_delete_mv AFTER DELETE ON tokens BEGIN UPDATE meta_version SET v=v+1; END;
CREATE TRIGGER tokens_update_mv AFTER UPDATE OF name, secret_hash, prev_secret_hash, prev_valid_until_ms, scopes, all_bases, expires_ms, revoked_ms ON tokens BEGIN UPDATE meta_version SET v=v+1; END;
)sql",
    // 3: web app sessions (only a hash of the session secret is stored).
    R"sql(
CREATE TABLE sessions(id_hash BLOB PRIMARY KEY, user_id TEXT NOT NULL, csrf TEXT NOT NULL,
  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
CREATE INDEX sessions_user ON sessions(user_id);
)sql",
    // 4: record comments (airtable-api.md §8), newest first by seq within a record.
    R"sql(
CREATE TABLE comments(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  base_id TEXT NOT NULL, table_id TEXT NOT NULL, record_id TEXT NOT NULL,
  author_id TEXT NOT NULL, text TEXT NOT NULL, parent_id TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX comments_record ON comments(table_id, record_id, seq);
)sql",
    // 5: webhooks (airtable-api.md §9): hooks, their payloads by cursor, a transaction number per
    // base (kept apart from `bases` so that record writes do not bump meta_version).
    R"sql(
CREATE TABLE webhooks(id TEXT PRIMARY KEY, base_id TEXT NOT NULL, user_id TEXT NOT NULL,
  notification_url TEXT NOT NULL, specification TEXT NOT NULL, mac_secret BLOB NOT NULL,
  notifications_enabled INTEGER NOT NULL, expires_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL,
  next_cursor INTEGER NOT NULL DEFAULT 1, last_result TEXT NOT NULL DEFAULT '',
  last_success_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX webhooks_base ON webhooks(base_id, created_ms);
CREATE TABLE webhook_payloads(webhook_id TEXT NOT NULL, cursor INTEGER NOT NULL,
  txn INTEGER NOT NULL, created_ms INTEGER NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY(webhook_id, cursor));
CREATE INDEX webhook_payloads_age ON webhook_payloads(created_ms);
CREATE TABLE base_txn(base_id TEXT PRIMARY KEY, n INTEGER NOT NULL);
)sql",
};

std::string JoinScopes(const std::vector<std::string>& scopes) {
  json::array a;
  for (const auto& s : scopes) a.emplace_back(s);
  return json::serialize(a);
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && v.is_array())
    for (const auto& s : v.as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

class SqliteStore;

// RAII lease of a pooled connection.
class Lease {
 public:
  Lease(SqliteStore* store, std::unique_ptr<Db> db) : store_(store), db_(std::move(db)) {}
  Lease(Lease&&) = default;
  ~Lease();
  Db* operator->() { return db_.get(); }
  Db& operator*() { return *db_; }
  bool ok() const { return db_ != nullptr; }

 private:
  SqliteStore* store_;
  std::unique_ptr<Db> db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(StoreOptions options) : options_(std::move(options)) {
    path_ = options_.data_dir + "/airbase.db";
  }

  Status Init() {
    if (mkdir(options_.data_dir.c_str(), 0700) != 0 && errno != EEXIST)
      return Error(ErrorCode::kInternal,
                   "cannot create data directory " + options_.data_dir + ": " + strerror(errno));
    ASSIGN_OR_RETURN(Lease db, Acquire());
    RETURN_IF_ERROR(
        db->Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER "
                 "PRIMARY KEY, applied_ms INTEGER NOT NULL)"));
    const int n = sizeof(kMigrations) / sizeof(kMigrations[0]);
    for (int v = 1; v <= n; ++v) {
      RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
      ASSIGN_OR_RETURN(StmtRef q, db->Prepare("SELECT 1 FROM schema_migrations WHERE version=?"));
      q->Bind(1, v);
      auto applied = q->Step();
      q->Reset();
      if (!applied.ok()) {
        (void)db->Exec("ROLLBACK");
        return applied.status();
      }
      if (!*applied) {
        Status st = db->Exec(kMigrations[v - 1]);
        if (st.ok()) {
          ASSIGN_OR_RETURN(StmtRef ins, db->Prepare("INSERT INTO schema_migrations VALUES(?, ?)"));
          ins->Bind(1, v);
          ins->Bind(2, options_.clock->NowMs());
          st = ins->Run();
        }
        if (!st.ok()) {
          (void)db->Exec("ROLLBACK");
          return st;
        }
      }
      RETURN_IF_ERROR(db->Exec("COMMIT"));
    }
    return Status::Ok();
  }

  Result<Lease> Acquire() {
    {
      std::lock_guard lock(pool_mu_);
      if (!pool_.empty()) {
        auto db = std::move(pool_.back());
        pool_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    ASSIGN_OR_RETURN(auto db, Db::Open(path_));
    return Lease(this, std::move(db));
  }

  void Release(std::unique_ptr<Db> db) {
    // A connection left inside a transaction (a COMMIT or ROLLBACK that failed, e.g. on a full
    // disk) would fail every later statement: it is closed instead of pooled.
    if (!sqlite3_get_autocommit(db->raw())) {
      (void)db->Exec("ROLLBACK");
      if (!sqlite3_get_autocommit(db->raw())) return;
    }
    std::lock_guard lock(pool_mu_);
    if (pool_.size() < 64) pool_.push_back(std::move(db));
  }

  // ---- users, workspaces, roles -------------------------------------------------------------
  Result<User> CreateFirstUser(const std::string& email, const std::string& name,
                               const std::string& password_hash) override {
    User u{options_.ids->Next("usr"), email, name};
    Status st = InTransaction([&](Lease& db) -> Status {
      {
        ASSIGN_OR_RETURN(StmtRef count, db->Prepare("SELECT count(*) FROM users"));
        ASSIGN_OR_RETURN(bool row, count->Step());
        if (row && count->Int(0) > 0) return Error(ErrorCode::kAlreadyExists, "already set up");
      }
      return InsertUser(*db, u, password_hash);
    });
    RETURN_IF_ERROR(st);
    return u;
  }

  Status InsertUser(Db& db, const User& u, const std::string& password_hash) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO users VALUES(?,?,?,?,?)"));
    s->Bind(1, u.id);
    s->Bind(2, u.email);
    s->Bind(3, u.name);
    s->Bind(4, password_hash);
    s->Bind(5, options_.clock->NowMs());
    Status st = s->Run();
    if (st.code() == ErrorCode::kAlreadyExists)
      return Error(ErrorCode::kAlreadyExists, "a user with email " + u.email + " already exists");
    return st;
  }

  Result<User> CreateUser(const std::string& email, const std::string& name,
                          const std::string& password_hash) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    User u{options_.ids->Next("usr"), email, name};
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO users VALUES(?,?,?,?,?)"));
    s->Bind(1, u.id);
    s->Bind(2, email);
    s->Bind(3, name);
    s->Bind(4, password_hash);
    s->Bind(5, options_.clock->NowMs());
    Status st = s->Run();
    if (st.code() == ErrorCode::kAlreadyExists)
      return Error(ErrorCode::kAlreadyExists, "a user with email " + email + " already exists");
    RETURN_IF_ERROR(st);
    return u;
  }

  Result<std::optional<User>> FindUserBy(const char* column, const std::string& v) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(
        StmtRef s,
        db->Prepare(std::string("SELECT id, email, name FROM users WHERE ") + column + "=?"));
    s->Bind(1, v);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<User>();
    return std::optional<User>(User{s->Text(0), s->Text(1), s->Text(2)});
  }
  Result<std::optional<User>> FindUserByEmail(const std::string& email) override {
    return FindUserBy("email", email);
  }
  Result<std::optional<User>> FindUser(const std::string& id) override {
    return FindUserBy("id", id);
  }

  Result<Workspace> CreateWorkspace(const std::string& owner_id, const std::string& name) override {
    Workspace w{options_.ids->Next("wsp"), name};
    Status st = InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO workspaces VALUES(?,?,?)"));
      s->Bind(1, w.id);
      s->Bind(2, name);
      s->Bind(3, options_.clock->NowMs());
      RETURN_IF_ERROR(s->Run());
      ASSIGN_OR_RETURN(StmtRef m, db->Prepare("INSERT INTO workspace_members VALUES(?,?,?)"));
      m->Bind(1, w.id);
      m->Bind(2, owner_id);
      m->Bind(3, static_cast<int>(Role::kOwner));
      return m->Run();
    });
    RETURN_IF_ERROR(st);
    return w;
  }

  Result<std::optional<Workspace>> FindWorkspace(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT id, name FROM workspaces WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<Workspace>();
    return std::optional<Workspace>(Workspace{s->Text(0), s->Text(1)});
  }

  Result<std::vector<Workspace>> ListWorkspaces(const std::string& user_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare("SELECT w.id, w.name FROM workspaces w JOIN workspace_members m "
                                 "ON m.workspace_id=w.id WHERE m.user_id=? ORDER BY w.created_ms, "
                                 "w.rowid"));
    s->Bind(1, user_id);
    std::vector<Workspace> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(Workspace{s->Text(0), s->Text(1)});
    }
    return out;
  }

  Result<Role> WorkspaceRole(const std::string& user_id, const std::string& ws_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT role FROM workspace_members WHERE "
                                            "workspace_id=? AND user_id=?"));
    s->Bind(1, ws_id);
    s->Bind(2, user_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? static_cast<Role>(s->Int(0)) : Role::kNone;
  }

  Status SetMemberRole(const char* table, const char* key, const std::string& id,
                       const std::string& user_id, Role role) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    std::string sql =
        role == Role::kNone
            ? std::string("DELETE FROM ") + table + " WHERE " + key + "=? AND user_id=?"
            : std::string("INSERT INTO ") + table + "(" + key +
                  ", user_id, role) VALUES(?,?,?) ON CONFLICT DO UPDATE SET "
                  "role=excluded.role";
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql));
    s->Bind(1, id);
    s->Bind(2, user_id);
    if (role != Role::kNone) s->Bind(3, static_cast<int>(role));
    RETURN_IF_ERROR(s->Run());
    return BumpAuthVersion(*db);
  }
  Status SetWorkspaceRole(const std::string& ws_id, const std::string& user_id,
                          Role role) override {
    return SetMemberRole("workspace_members", "workspace_id", ws_id, user_id, role);
  }
  Status SetBaseRole(const std::string& base_id, const std::string& user_id, Role role) override {
    return SetMemberRole("base_members", "base_id", base_id, user_id, role);
  }
  Status BumpAuthVersion(Db&) { return Status::Ok(); }

  // `table` is one of our own table names, never user input.
  Status SetName(const char* table, const std::string& id, const std::string& name) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare(std::string("UPDATE ") + table + " SET name=? WHERE id=?"));
    s->Bind(1, name);
    s->Bind(2, id);
    return s->Run();
  }

  Status RenameWorkspace(const std::string& id, const std::string& name) override {
    return SetName("workspaces", id, name);
  }

  Status DeleteWorkspace(const std::string& id) override {
    return InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef c, db->Prepare("SELECT count(*) FROM bases WHERE workspace_id=?"));
      c->Bind(1, id);
      ASSIGN_OR_RETURN(bool row, c->Step());
      if (row && c->Int(0) > 0)
        return Error(ErrorCode::kInvalidArgument, "Delete the workspace's bases first");
      for (const char* sql : {"DELETE FROM workspace_members WHERE workspace_id=?",
                              "DELETE FROM token_resources WHERE kind='workspace' AND "
                              "resource_id=?",
                              "DELETE FROM workspaces WHERE id=?"}) {
        ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql));
        s->Bind(1, id);
        RETURN_IF_ERROR(s->Run());
      }
      return Status::Ok();
    });
  }

  Status RenameBase(const std::string& id, const std::string& name) override {
    return SetName("bases", id, name);
  }

  // Drops a user table's records and its schema rows (inside the caller's transaction).
  Status DropTableOn(Db& db, const std::string& table_id) {
    RETURN_IF_ERROR(db.Exec("DROP TABLE IF EXISTS " + Quote("t_" + table_id)));
    for (const char* sql :
         {"DELETE FROM fields_meta WHERE table_id=?", "DELETE FROM views_meta WHERE table_id=?",
          "DELETE FROM comments WHERE table_id=?", "DELETE FROM tables_meta WHERE id=?"}) {
      ASSIGN_OR_RETURN(StmtRef s, db.Prepare(sql));
      s->Bind(1, table_id);
      RETURN_IF_ERROR(s->Run());
    }
    return Status::Ok();
  }

  Status DeleteTable(const std::string& base_id, const std::string& table_id) override {
    return InTransaction([&](Lease& db) -> Status {
      RETURN_IF_ERROR(DropTableOn(*db, table_id));
      return BumpSchema(*db, base_id);
    });
  }

  Status DeleteBase(const std::string& id) override {
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

  // ---- bases and schema -----------------------------------------------------------------------
  Result<std::optional<BaseInfo>> FindBase(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    return FindBaseOn(*db, id);
  }

  Result<std::optional<BaseInfo>> FindBaseOn(Db& db, const std::string& id) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare("SELECT id, name, workspace_id, schema_version FROM "
                                           "bases WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<BaseInfo>();
    return std::optional<BaseInfo>(BaseInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  }

  Result<int64_t> MetaVersion() override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT v FROM meta_version"));
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Int(0) : int64_t{0};
  }

  // Drops the cached roles and schema tags when the meta version moved. Holds meta_mu_.
  void SyncMetaCache(int64_t version) {
    if (version != meta_version_) {
      meta_version_ = version;
      roles_.clear();
    }
  }

  Result<Role> BaseRole(const std::string& user_id, const std::string& base_id,
                        int64_t meta_version) override {
    std::string key = user_id + "|" + base_id;
    if (meta_version >= 0) {
      std::lock_guard lock(meta_mu_);
      SyncMetaCache(meta_version);
      auto it = roles_.find(key);
      if (it != roles_.end()) return it->second;
    }
    ASSIGN_OR_RETURN(Role role, QueryBaseRole(user_id, base_id));
    if (meta_version >= 0) {
      std::lock_guard lock(meta_mu_);
      if (meta_version == meta_version_ && roles_.size() < 100000) roles_[key] = role;
    }
    return role;
  }

  Result<Role> QueryBaseRole(const std::string& user_id, const std::string& base_id) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(
        StmtRef s,
        db->Prepare("SELECT max(coalesce((SELECT role FROM base_members WHERE base_id=b.id AND "
                    "user_id=?1), 0), coalesce((SELECT role FROM workspace_members WHERE "
                    "workspace_id=b.workspace_id AND user_id=?1), 0)) FROM bases b WHERE b.id=?2"));
    s->Bind(1, user_id);
    s->Bind(2, base_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? static_cast<Role>(s->Int(0)) : Role::kNone;
  }

  Result<std::vector<BaseAccess>> ListBases(const std::string& user_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(
        StmtRef s,
        db->Prepare(
            "SELECT b.id, b.name, b.workspace_id, b.schema_version, max(coalesce((SELECT "
            "role FROM base_members WHERE base_id=b.id AND user_id=?1), 0), "
            "coalesce((SELECT role FROM workspace_members WHERE workspace_id=b.workspace_id "
            "AND user_id=?1), 0)) AS r FROM bases b WHERE r > 0 ORDER BY b.created_ms, "
            "b.rowid"));
    s->Bind(1, user_id);
    std::vector<BaseAccess> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(BaseAccess{BaseInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3)},
                               static_cast<Role>(s->Int(4))});
    }
    return out;
  }

  // Runs `body` in one BEGIN IMMEDIATE transaction on a pooled connection: commits when it
  // succeeds, rolls back on any error.
  template <typename F>
  Status InTransaction(F&& body) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    return Finish(*db, body(db));
  }

  Status Finish(Db& db, const Status& st) {
    if (!st.ok()) {
      (void)db.Exec("ROLLBACK");
      return st;
    }
    Status c = db.Exec("COMMIT");
    if (!c.ok())
      (void)db.Exec("ROLLBACK");
    else
      sqlite::NoteCommit();
    return c;
  }

  Status InsertField(Db& db, const std::string& table_id, const Field& f, int position) {
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

  Status InsertTable(Db& db, const std::string& base_id, const Table& t, int position) {
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
    return db.Exec(sql::CreateRecordTable(t));
  }

  Status InsertView(Db& db, const std::string& table_id, const View& v, int position) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare("INSERT INTO views_meta VALUES(?,?,?,?,?,?)"));
    s->Bind(1, v.id);
    s->Bind(2, table_id);
    s->Bind(3, v.name);
    s->Bind(4, v.type);
    s->Bind(5, json::serialize(v.ConfigJson()));
    s->Bind(6, position);
    return s->Run();
  }

  Status CreateView(const std::string& base_id, const std::string& table_id,
                    const View& view) override {
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

  Status UpdateView(const std::string& base_id, const std::string& table_id,
                    const View& view) override {
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

  Status DeleteView(const std::string& base_id, const std::string& table_id,
                    const std::string& view_id) override {
    return InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM views_meta WHERE id=? AND table_id=?"));
      s->Bind(1, view_id);
      s->Bind(2, table_id);
      RETURN_IF_ERROR(s->Run());
      return BumpSchema(*db, base_id);
    });
  }

  Status BumpSchema(Db& db, const std::string& base_id) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare("UPDATE bases SET schema_version=schema_version+1 "
                                           "WHERE id=?"));
    s->Bind(1, base_id);
    return s->Run();
  }

  Status CreateBase(const BaseInfo& base, const std::vector<Table>& tables) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO bases VALUES(?,?,?,1,?)"));
      s->Bind(1, base.id);
      s->Bind(2, base.workspace_id);
      s->Bind(3, base.name);
      s->Bind(4, options_.clock->NowMs());
      RETURN_IF_ERROR(s->Run());
      for (size_t i = 0; i < tables.size(); ++i)
        RETURN_IF_ERROR(InsertTable(*db, base.id, tables[i], static_cast<int>(i)));
      return Status::Ok();
    });
    return st;
  }

  Status CreateTable(const std::string& base_id, const Table& table) override {
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

  Status UpdateTable(const std::string& base_id, const Table& table) override {
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

  Status CreateField(const std::string& base_id, const std::string& table_id,
                     const Field& field) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT coalesce(max(position)+1, 0) FROM "
                                              "fields_meta WHERE table_id=?"));
      s->Bind(1, table_id);
      ASSIGN_OR_RETURN(bool row, s->Step());
      int pos = row ? static_cast<int>(s->Int(0)) : 0;
      s->Reset();
      RETURN_IF_ERROR(InsertField(*db, table_id, field, pos));
      if (!field.Column().empty()) RETURN_IF_ERROR(db->Exec(sql::AddColumn(table_id, field)));
      return BumpSchema(*db, base_id);
    });
    return st;
  }

  Status SaveFieldOn(Db& db, const Field& field) {
    ASSIGN_OR_RETURN(StmtRef s, db.Prepare("UPDATE fields_meta SET name=?, description=?, "
                                           "options=? WHERE id=?"));
    s->Bind(1, field.name);
    s->Bind(2, field.description);
    s->Bind(3, json::serialize(field.options));
    s->Bind(4, field.id);
    return s->Run();
  }

  // Forgets the lazy indexes of a field whose column is dropped.
  void ForgetIndexes(const Table& table, const Field& field) {
    std::lock_guard lock(index_mu_);
    for (const char* kind : {"|s", "|d", "|f"}) indexed_.erase(table.id + "|" + field.id + kind);
  }

  Status ChangeFieldType(const std::string& base_id, const Table& table, const Field& field,
                         const std::vector<std::pair<std::string, SqlValue>>& cells,
                         const std::vector<Field>& also_save) override {
    const Field* old = table.FindField(field.id);
    if (!old || old->Column().empty() || field.Column().empty())
      return Error(ErrorCode::kInvalidRequestUnknown, "This field's type cannot be changed");
    Status st = InTransaction([&](Lease& db) -> Status {
      Field staged = field;
      staged.id = "new" + field.id;  // a temporary column beside the old one
      RETURN_IF_ERROR(db->Exec(sql::AddColumn(table.id, staged)));
      ASSIGN_OR_RETURN(StmtRef set, db->Prepare(sql::SetColumnById(table.id, staged.Column())));
      for (const auto& [id, value] : cells) {
        set->Bind(1, value);
        set->Bind(2, id);
        RETURN_IF_ERROR(set->Run());
        set->Reset();
      }
      for (const std::string& stmt : sql::DropColumn(table.id, *old)) RETURN_IF_ERROR(db->Exec(stmt));
      RETURN_IF_ERROR(db->Exec(sql::RenameColumn(table.id, staged.Column(), field.Column())));
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

  Status DeleteField(const std::string& base_id, const Table& table, const Field& field,
                     const std::vector<Field>& also_save) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      if (!field.Column().empty())
        for (const std::string& stmt : sql::DropColumn(table.id, field))
          RETURN_IF_ERROR(db->Exec(stmt));
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM fields_meta WHERE id=?"));
      s->Bind(1, field.id);
      RETURN_IF_ERROR(s->Run());
      for (const Field& f : also_save) RETURN_IF_ERROR(SaveFieldOn(*db, f));
      return BumpSchema(*db, base_id);
    });
    ForgetIndexes(table, field);
    return st;
  }

  Status UpdateField(const std::string& base_id, const std::string& table_id,
                     const Field& field) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      RETURN_IF_ERROR(SaveFieldOn(*db, field));
      return BumpSchema(*db, base_id);
    });
    return st;
  }

  Result<std::shared_ptr<const BaseSchema>> LoadSchema(const std::string& base_id,
                                                       int64_t meta_version) override {
    if (meta_version >= 0) {
      std::lock_guard lock(meta_mu_);
      SyncMetaCache(meta_version);
      auto it = tagged_.find(base_id);
      if (it != tagged_.end() && it->second.first == meta_version) return it->second.second;
    }
    ASSIGN_OR_RETURN(auto schema, LoadSchemaFromDb(base_id));
    if (meta_version >= 0) {
      std::lock_guard lock(meta_mu_);
      if (tagged_.size() > 10000) tagged_.clear();
      tagged_[base_id] = {meta_version, schema};
    }
    return schema;
  }

  Result<std::shared_ptr<const BaseSchema>> LoadSchemaFromDb(const std::string& base_id) {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(std::optional<BaseInfo> base, FindBaseOn(*db, base_id));
    if (!base) return std::shared_ptr<const BaseSchema>();
    {
      std::lock_guard lock(schema_mu_);
      auto it = schemas_.find(base_id);
      if (it != schemas_.end() && it->second->base.schema_version == base->schema_version &&
          it->second->base.name == base->name)
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
    std::lock_guard lock(schema_mu_);
    schemas_[base_id] = out;
    return out;
  }

  // ---- tokens and audit -------------------------------------------------------------------------
  Status WriteResources(Db& db, const TokenRecord& t) {
    ASSIGN_OR_RETURN(StmtRef d, db.Prepare("DELETE FROM token_resources WHERE token_id=?"));
    d->Bind(1, t.id);
    RETURN_IF_ERROR(d->Run());
    auto add = [&](const char* kind, const std::string& rid) -> Status {
      ASSIGN_OR_RETURN(StmtRef s,
                       db.Prepare("INSERT OR IGNORE INTO token_resources VALUES(?,?,?)"));
      s->Bind(1, t.id);
      s->Bind(2, std::string_view(kind));
      s->Bind(3, rid);
      return s->Run();
    };
    for (const auto& b : t.base_ids) RETURN_IF_ERROR(add("base", b));
    for (const auto& w : t.workspace_ids) RETURN_IF_ERROR(add("workspace", w));
    return Status::Ok();
  }

  Status CreateToken(const TokenRecord& t) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s,
                       db->Prepare("INSERT INTO tokens(id, user_id, name, secret_hash, scopes, "
                                   "all_bases, created_ms, expires_ms) VALUES(?,?,?,?,?,?,?,?)"));
      s->Bind(1, t.id);
      s->Bind(2, t.user_id);
      s->Bind(3, t.name);
      s->BindBlob(4, t.secret_hash);
      s->Bind(5, JoinScopes(t.scopes));
      s->Bind(6, t.all_bases ? 1 : 0);
      s->Bind(7, t.created_ms);
      s->Bind(8, t.expires_ms);
      RETURN_IF_ERROR(s->Run());
      return WriteResources(*db, t);
    });
    return st;
  }

  Status ReadResources(Db& db, TokenRecord* t) {
    ASSIGN_OR_RETURN(StmtRef r, db.Prepare("SELECT kind, resource_id FROM token_resources WHERE "
                                           "token_id=? ORDER BY rowid"));
    r->Bind(1, t->id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, r->Step());
      if (!row) break;
      (r->Text(0) == "base" ? t->base_ids : t->workspace_ids).push_back(r->Text(1));
    }
    return Status::Ok();
  }

  static constexpr const char* kTokenColumns =
      "id, user_id, name, secret_hash, coalesce(prev_secret_hash, x''), prev_valid_until_ms, "
      "scopes, all_bases, created_ms, expires_ms, last_used_ms, revoked_ms";

  TokenRecord ReadToken(Stmt* s) {
    TokenRecord t;
    t.id = s->Text(0);
    t.user_id = s->Text(1);
    t.name = s->Text(2);
    t.secret_hash = s->Blob(3);
    t.prev_secret_hash = s->Blob(4);
    t.prev_valid_until_ms = s->Int(5);
    t.scopes = SplitScopes(s->Text(6));
    t.all_bases = s->Int(7) != 0;
    t.created_ms = s->Int(8);
    t.expires_ms = s->Int(9);
    t.last_used_ms = s->Int(10);
    t.revoked_ms = s->Int(11);
    return t;
  }

  Result<std::optional<TokenRecord>> FindToken(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(
        StmtRef s, db->Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<TokenRecord>();
    TokenRecord t = ReadToken(s.get());
    s->Reset();
    RETURN_IF_ERROR(ReadResources(*db, &t));
    return std::optional<TokenRecord>(std::move(t));
  }

  Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kTokenColumns +
                                            " FROM tokens WHERE user_id=? AND revoked_ms=0 "
                                            "ORDER BY created_ms, rowid"));
    s->Bind(1, user_id);
    std::vector<TokenRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadToken(s.get()));
    }
    s->Reset();
    for (auto& t : out) RETURN_IF_ERROR(ReadResources(*db, &t));
    return out;
  }

  Status UpdateToken(const TokenRecord& t) override {
    Status st = InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef s,
                       db->Prepare("UPDATE tokens SET name=?, secret_hash=?, prev_secret_hash=?, "
                                   "prev_valid_until_ms=?, scopes=?, all_bases=?, expires_ms=?, "
                                   "revoked_ms=? WHERE id=?"));
      s->Bind(1, t.name);
      s->BindBlob(2, t.secret_hash);
      s->BindBlob(3, t.prev_secret_hash);
      s->Bind(4, t.prev_valid_until_ms);
      s->Bind(5, JoinScopes(t.scopes));
      s->Bind(6, t.all_bases ? 1 : 0);
      s->Bind(7, t.expires_ms);
      s->Bind(8, t.revoked_ms);
      s->Bind(9, t.id);
      RETURN_IF_ERROR(s->Run());
      return WriteResources(*db, t);
    });
    return st;
  }

  Status TouchTokens(const std::vector<std::pair<std::string, int64_t>>& uses) override {
    if (uses.empty()) return Status::Ok();
    Status st = InTransaction([&](Lease& db) -> Status {
      for (const auto& [id, ms] : uses) {
        ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE tokens SET last_used_ms=max(last_used_ms, "
                                                "?) WHERE id=?"));
        s->Bind(1, ms);
        s->Bind(2, id);
        RETURN_IF_ERROR(s->Run());
      }
      return Status::Ok();
    });
    return st;
  }

  Status AppendAudit(const AuditEvent& e) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO audit_log(at_ms, user_id, token_id, "
                                            "event, detail) VALUES(?,?,?,?,?)"));
    s->Bind(1, e.at_ms);
    s->Bind(2, e.user_id);
    s->Bind(3, e.token_id);
    s->Bind(4, e.event);
    s->Bind(5, e.detail);
    return s->Run();
  }

  Result<std::vector<AuditEvent>> ListAudit(const std::string& user_id, int limit) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT at_ms, user_id, token_id, event, detail FROM "
                                            "audit_log WHERE user_id=? ORDER BY seq DESC LIMIT ?"));
    s->Bind(1, user_id);
    s->Bind(2, limit);
    std::vector<AuditEvent> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(AuditEvent{s->Int(0), s->Text(1), s->Text(2), s->Text(3), s->Text(4)});
    }
    return out;
  }

  // ---- web app sessions ------------------------------------------------------------------------
  Result<int64_t> CountUsers() override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM users"));
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Int(0) : int64_t{0};
  }

  Result<std::vector<User>> ListUsers() override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare("SELECT id, email, name FROM users ORDER BY created_ms, rowid"));
    std::vector<User> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(User{s->Text(0), s->Text(1), s->Text(2)});
    }
    return out;
  }

  Result<std::string> PasswordHash(const std::string& user_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT password_hash FROM users WHERE id=?"));
    s->Bind(1, user_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Text(0) : std::string();
  }

  Status CreateSession(const SessionRecord& r) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO sessions VALUES(?,?,?,?,?)"));
    s->BindBlob(1, r.id_hash);
    s->Bind(2, r.user_id);
    s->Bind(3, r.csrf);
    s->Bind(4, r.created_ms);
    s->Bind(5, r.expires_ms);
    return s->Run();
  }

  Result<std::optional<SessionRecord>> FindSession(const std::string& id_hash) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT user_id, csrf, created_ms, expires_ms FROM "
                                            "sessions WHERE id_hash=?"));
    s->BindBlob(1, id_hash);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(
        SessionRecord{id_hash, s->Text(0), s->Text(1), s->Int(2), s->Int(3)});
  }

  Status SetPassword(const std::string& user_id, const std::string& hash,
                     const std::string& keep_session_hash) override {
    return InTransaction([&](Lease& db) -> Status {
      ASSIGN_OR_RETURN(StmtRef u, db->Prepare("UPDATE users SET password_hash=? WHERE id=?"));
      u->Bind(1, hash);
      u->Bind(2, user_id);
      RETURN_IF_ERROR(u->Run());
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM sessions WHERE user_id=? AND id_hash<>?"));
      s->Bind(1, user_id);
      s->BindBlob(2, keep_session_hash);
      return s->Run();
    });
  }

  Status DeleteSession(const std::string& id_hash) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM sessions WHERE id_hash=?"));
    s->BindBlob(1, id_hash);
    return s->Run();
  }

  Result<std::string> GetSetting(const std::string& key) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT value FROM settings WHERE key=?"));
    s->Bind(1, "setting." + key);
    ASSIGN_OR_RETURN(bool row, s->Step());
    return row ? s->Text(0) : std::string();
  }

  Status SetSetting(const std::string& key, const std::string& value) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare(value.empty() ? "DELETE FROM settings WHERE key=?1"
                                               : "INSERT INTO settings VALUES(?1, ?2) ON CONFLICT "
                                                 "DO UPDATE SET value=excluded.value"));
    s->Bind(1, "setting." + key);
    if (!value.empty()) s->Bind(2, value);
    return s->Run();
  }

  Result<std::string> ServerKey() override {
    {
      std::lock_guard lock(key_mu_);
      if (!server_key_.empty()) return server_key_;
    }
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT value FROM settings WHERE key='server_key'"));
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {  // only the very first use writes (a read must not need a writable disk)
      s = StmtRef(nullptr);
      std::string fresh(32, '\0');
      RandomBytes(reinterpret_cast<unsigned char*>(fresh.data()), fresh.size());
      ASSIGN_OR_RETURN(StmtRef ins,
                       db->Prepare("INSERT OR IGNORE INTO settings VALUES('server_key', ?)"));
      ins->BindBlob(1, fresh);
      RETURN_IF_ERROR(ins->Run());
      ins = StmtRef(nullptr);
      ASSIGN_OR_RETURN(s, db->Prepare("SELECT value FROM settings WHERE key='server_key'"));
      ASSIGN_OR_RETURN(row, s->Step());
    }
    if (!row) return Error(ErrorCode::kInternal, "server key missing");
    std::lock_guard lock(key_mu_);
    server_key_ = s->Blob(0);
    return server_key_;
  }

  // ---- records ----------------------------------------------------------------------------------
  Result<std::vector<StoredRecord>> ReadRecords(Stmt* s, size_t nfields) {
    std::vector<StoredRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      StoredRecord r;
      r.rowid = s->Int(0);
      r.id = s->Text(1);
      r.created_ms = s->Int(2);
      r.modified_ms = s->Int(3);
      r.cells.reserve(nfields);
      for (size_t i = 0; i < nfields; ++i) r.cells.push_back(s->Value(static_cast<int>(i) + 4));
      out.push_back(std::move(r));
    }
    return out;
  }

  // Sorted and filtered lists use an index on their first sort key and on the columns a filter
  // compares, created the first time they are needed (indexing every field up front would tax
  // every write for queries nobody asks for).
  enum class IndexKind { kSortAsc, kSortDesc, kFilter };
  void EnsureIndex(Db& db, const Table& table, const Field& field, IndexKind kind) {
    static constexpr const char* kSuffix[] = {"|s", "|d", "|f"};
    std::string key = table.id + "|" + field.id + kSuffix[static_cast<int>(kind)];
    {
      std::lock_guard lock(index_mu_);
      if (!indexed_.insert(key).second) return;
    }
    std::string sql = kind == IndexKind::kFilter
                          ? sql::CreateFilterIndex(table, field)
                          : sql::CreateSortIndex(table, field, kind == IndexKind::kSortDesc);
    if (!sql.empty()) (void)db.Exec(sql);
  }

  Result<std::vector<StoredRecord>> List(const Table& table, const ListQuery& q) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    if (!q.sort.empty())
      EnsureIndex(*db, table, *q.sort[0].field,
                  q.sort[0].desc ? IndexKind::kSortDesc : IndexKind::kSortAsc);
    for (const Field* f : q.where_index_fields) EnsureIndex(*db, table, *f, IndexKind::kFilter);
    std::string text = sql::SelectList(table, q);
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(text));
    int i = 1;
    if (q.sort.empty()) s->Bind(i++, q.after_rowid);
    for (const SqlValue& v : q.where_params) s->Bind(i++, v);
    s->Bind(i++, q.limit);
    if (!q.sort.empty()) s->Bind(i++, q.skip);
    auto out = ReadRecords(s.get(), q.fields.size());
    s->Reset();
    return out;
  }

  bool StorageFull() override {
    if (!sqlite::StorageFull()) return false;
    // Room again (4 MiB free for this user) clears the condition; a failing write sets it anew.
    struct statvfs fs;
    if (statvfs(options_.data_dir.c_str(), &fs) == 0 &&
        static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize >= (4u << 20)) {
      sqlite::NoteCommit();
      return false;
    }
    return true;
  }

  Status BackupTo(const std::string& path) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    // VACUUM INTO reads one snapshot (WAL readers do not block writers) and writes a new file.
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("VACUUM INTO ?"));
    s->Bind(1, path);
    return s->Run();
  }

  // ---- webhooks --------------------------------------------------------------------------------
  static constexpr const char* kHookColumns =
      "id, base_id, user_id, notification_url, specification, mac_secret, notifications_enabled, "
      "expires_ms, created_ms, next_cursor, last_result, last_success_ms";
  static WebhookRecord HookFrom(Stmt& s) {
    WebhookRecord h;
    h.id = s.Text(0);
    h.base_id = s.Text(1);
    h.user_id = s.Text(2);
    h.notification_url = s.Text(3);
    h.specification = s.Text(4);
    h.mac_secret = s.Blob(5);
    h.notifications_enabled = s.Int(6) != 0;
    h.expires_ms = s.Int(7);
    h.created_ms = s.Int(8);
    h.next_cursor = s.Int(9);
    h.last_result = s.Text(10);
    h.last_success_ms = s.Int(11);
    return h;
  }

  Status CreateWebhook(const WebhookRecord& h) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO webhooks(id, base_id, user_id, "
                                            "notification_url, specification, mac_secret, "
                                            "notifications_enabled, expires_ms, created_ms) "
                                            "VALUES(?,?,?,?,?,?,?,?,?)"));
    s->Bind(1, h.id);
    s->Bind(2, h.base_id);
    s->Bind(3, h.user_id);
    s->Bind(4, h.notification_url);
    s->Bind(5, h.specification);
    s->BindBlob(6, h.mac_secret);
    s->Bind(7, h.notifications_enabled ? 1 : 0);
    s->Bind(8, h.expires_ms);
    s->Bind(9, h.created_ms);
    return s->Run();
  }

  Result<std::vector<WebhookRecord>> ListWebhooks(const std::string& base_id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kHookColumns +
                                            " FROM webhooks WHERE base_id=? ORDER BY created_ms, id"));
    s->Bind(1, base_id);
    std::vector<WebhookRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(HookFrom(*s.get()));
    }
    return out;
  }

  Result<std::optional<WebhookRecord>> FindWebhook(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kHookColumns +
                                            " FROM webhooks WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<WebhookRecord>();
    return std::optional<WebhookRecord>(HookFrom(*s.get()));
  }

  Status SaveWebhookState(const WebhookRecord& h) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE webhooks SET notifications_enabled=?, "
                                            "expires_ms=?, last_result=?, last_success_ms=? "
                                            "WHERE id=?"));
    s->Bind(1, h.notifications_enabled ? 1 : 0);
    s->Bind(2, h.expires_ms);
    s->Bind(3, h.last_result);
    s->Bind(4, h.last_success_ms);
    s->Bind(5, h.id);
    return s->Run();
  }

  Status DeleteWebhook(const std::string& id) override {
    return InTransaction([&](Lease& db) -> Status {
      for (const char* sql : {"DELETE FROM webhook_payloads WHERE webhook_id=?",
                              "DELETE FROM webhooks WHERE id=?"}) {
        ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql));
        s->Bind(1, id);
        RETURN_IF_ERROR(s->Run());
      }
      return Status::Ok();
    });
  }

  Result<std::vector<WebhookPayload>> ListWebhookPayloads(const std::string& webhook_id,
                                                          int64_t from_cursor,
                                                          int limit) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT cursor, txn, created_ms, payload FROM "
                                            "webhook_payloads WHERE webhook_id=? AND cursor>=? "
                                            "ORDER BY cursor LIMIT ?"));
    s->Bind(1, webhook_id);
    s->Bind(2, from_cursor);
    s->Bind(3, limit);
    std::vector<WebhookPayload> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(WebhookPayload{s->Int(0), s->Int(1), s->Int(2), s->Text(3)});
    }
    return out;
  }

  Status PruneWebhookPayloads(int64_t before_ms) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM webhook_payloads WHERE created_ms<?"));
    s->Bind(1, before_ms);
    return s->Run();
  }

  // ---- record comments -------------------------------------------------------------------------
  static CommentRecord CommentFrom(Stmt& s) {
    CommentRecord c;
    c.seq = s.Int(0);
    c.id = s.Text(1);
    c.base_id = s.Text(2);
    c.table_id = s.Text(3);
    c.record_id = s.Text(4);
    c.author_id = s.Text(5);
    c.text = s.Text(6);
    c.parent_id = s.Text(7);
    c.created_ms = s.Int(8);
    c.updated_ms = s.Int(9);
    return c;
  }
  static constexpr const char* kCommentColumns =
      "seq, id, base_id, table_id, record_id, author_id, text, parent_id, created_ms, updated_ms";

  Status CreateComment(const CommentRecord& c) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("INSERT INTO comments(id, base_id, table_id, "
                                            "record_id, author_id, text, parent_id, created_ms) "
                                            "VALUES(?,?,?,?,?,?,?,?)"));
    s->Bind(1, c.id);
    s->Bind(2, c.base_id);
    s->Bind(3, c.table_id);
    s->Bind(4, c.record_id);
    s->Bind(5, c.author_id);
    s->Bind(6, c.text);
    s->Bind(7, c.parent_id);
    s->Bind(8, c.created_ms);
    return s->Run();
  }

  Result<std::optional<CommentRecord>> FindComment(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kCommentColumns +
                                            " FROM comments WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<CommentRecord>();
    return std::optional<CommentRecord>(CommentFrom(*s.get()));
  }

  Status UpdateComment(const std::string& id, const std::string& text,
                       int64_t updated_ms) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("UPDATE comments SET text=?, updated_ms=? WHERE id=?"));
    s->Bind(1, text);
    s->Bind(2, updated_ms);
    s->Bind(3, id);
    return s->Run();
  }

  Status DeleteComment(const std::string& id) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("DELETE FROM comments WHERE id=?"));
    s->Bind(1, id);
    return s->Run();
  }

  Result<std::vector<CommentRecord>> ListComments(const std::string& table_id,
                                                  const std::string& record_id,
                                                  int64_t before_seq, int limit) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT ") + kCommentColumns +
                                            " FROM comments WHERE table_id=? AND record_id=? "
                                            "AND seq < ? ORDER BY seq DESC LIMIT ?"));
    s->Bind(1, table_id);
    s->Bind(2, record_id);
    s->Bind(3, before_seq > 0 ? before_seq : std::numeric_limits<int64_t>::max());
    s->Bind(4, limit);
    std::vector<CommentRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(CommentFrom(*s.get()));
    }
    return out;
  }

  Result<std::vector<int64_t>> CountComments(const std::string& table_id,
                                             const std::vector<std::string>& record_ids) override {
    std::vector<int64_t> out(record_ids.size(), 0);
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM comments WHERE table_id=? AND "
                                            "record_id=?"));
    for (size_t i = 0; i < record_ids.size(); ++i) {
      s->Bind(1, table_id);
      s->Bind(2, record_ids[i]);
      ASSIGN_OR_RETURN(bool row, s->Step());
      out[i] = row ? s->Int(0) : 0;
      s->Reset();
    }
    return out;
  }

  Result<int64_t> Count(const Table& table) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM " + Quote(table.SqlName())));
    ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t n = row ? s->Int(0) : 0;
    s->Reset();
    return n;
  }

  Result<std::vector<StoredRecord>> Get(const Table& table, const std::vector<const Field*>& fields,
                                        const std::vector<std::string>& ids) override {
    ASSIGN_OR_RETURN(Lease db, Acquire());
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare(sql::SelectById(table, fields)));
    std::vector<StoredRecord> out;
    for (const auto& id : ids) {
      s->Reset();
      s->Bind(1, id);
      ASSIGN_OR_RETURN(auto rows, ReadRecords(s.get(), fields.size()));
      for (auto& r : rows) out.push_back(std::move(r));
    }
    s->Reset();
    return out;
  }

  Result<std::unique_ptr<WriteTxn>> BeginWrite(const std::string& base_id) override;

  const StoreOptions& options() const { return options_; }

 private:
  friend class SqliteWriteTxn;
  StoreOptions options_;
  std::string path_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Db>> pool_;  // GUARDED_BY(pool_mu_)
  std::mutex schema_mu_;
  std::map<std::string, std::shared_ptr<const BaseSchema>> schemas_;  // GUARDED_BY(schema_mu_)
  std::mutex meta_mu_;
  int64_t meta_version_ = -1;                    // GUARDED_BY(meta_mu_)
  std::unordered_map<std::string, Role> roles_;  // GUARDED_BY(meta_mu_)
  std::unordered_map<std::string, std::pair<int64_t, std::shared_ptr<const BaseSchema>>>
      tagged_;  // GUARDED_BY(meta_mu_)
  std::mutex index_mu_;
  std::set<std::string> indexed_;  // GUARDED_BY(index_mu_)
  std::mutex key_mu_;
  std::string server_key_;  // GUARDED_BY(key_mu_)
};

Lease::~Lease() {
  if (db_) store_->Release(std::move(db_));
}

class SqliteWriteTxn final : public WriteTxn {
 public:
  SqliteWriteTxn(SqliteStore* store, Lease lease, std::string base_id)
      : store_(store), db_(std::move(lease)), base_id_(std::move(base_id)) {}
  ~SqliteWriteTxn() override {
    if (!done_) (void)db_->Exec("ROLLBACK");
  }

  Status Begin() { return db_->Exec("BEGIN IMMEDIATE"); }

  Result<int64_t> Insert(const Table& table, const std::string& record_id,
                         const std::vector<std::pair<const Field*, SqlValue>>& cells,
                         int64_t now_ms) override {
    auto all = WithModifiedTimes(table, cells, now_ms, /*for_insert=*/true);
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::Insert(table, all)));
    s->Bind(1, record_id);
    s->Bind(2, now_ms);
    for (size_t i = 0; i < all.size(); ++i) s->Bind(static_cast<int>(i) + 3, all[i].second);
    RETURN_IF_ERROR(s->Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->raw()));
  }

  Result<bool> Update(const Table& table, const std::string& record_id,
                      const std::vector<std::pair<const Field*, SqlValue>>& cells,
                      int64_t now_ms) override {
    ASSIGN_OR_RETURN(bool exists, Exists(table, record_id));
    if (!exists) return false;
    auto all = WithModifiedTimes(table, cells, now_ms, /*for_insert=*/false);
    if (all.empty()) return true;
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::Update(table, all)));
    for (size_t i = 0; i < all.size(); ++i) s->Bind(static_cast<int>(i) + 1, all[i].second);
    s->Bind(static_cast<int>(all.size()) + 1, record_id);
    s->Bind(static_cast<int>(all.size()) + 2, now_ms);
    RETURN_IF_ERROR(s->Run());
    return true;
  }

  Result<bool> Delete(const Table& table, const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s,
                     db_->Prepare("DELETE FROM " + Quote(table.SqlName()) + " WHERE id=?"));
    s->Bind(1, record_id);
    RETURN_IF_ERROR(s->Run());
    bool deleted = db_->Changes() > 0;
    if (deleted) {  // a record's comments go with it
      ASSIGN_OR_RETURN(StmtRef c, db_->Prepare("DELETE FROM comments WHERE table_id=? AND "
                                               "record_id=?"));
      c->Bind(1, table.id);
      c->Bind(2, record_id);
      RETURN_IF_ERROR(c->Run());
    }
    return deleted;
  }

  Status AppendWebhookPayloads(const std::vector<std::pair<std::string, std::string>>& payloads,
                               int64_t now_ms) override {
    if (payloads.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(StmtRef t, db_->Prepare("INSERT INTO base_txn VALUES(?, 1) ON CONFLICT(base_id) "
                                             "DO UPDATE SET n=n+1 RETURNING n"));
    t->Bind(1, base_id_);
    ASSIGN_OR_RETURN(bool row, t->Step());
    int64_t txn = row ? t->Int(0) : 0;
    t->Reset();
    for (const auto& [hook, body] : payloads) {
      ASSIGN_OR_RETURN(StmtRef c, db_->Prepare("UPDATE webhooks SET next_cursor=next_cursor+1 "
                                               "WHERE id=? RETURNING next_cursor-1"));
      c->Bind(1, hook);
      ASSIGN_OR_RETURN(bool found, c->Step());
      if (!found) continue;
      int64_t cursor = c->Int(0);
      c->Reset();
      ASSIGN_OR_RETURN(StmtRef p, db_->Prepare("INSERT INTO webhook_payloads VALUES(?,?,?,?,?)"));
      p->Bind(1, hook);
      p->Bind(2, cursor);
      p->Bind(3, txn);
      p->Bind(4, now_ms);
      p->Bind(5, body);
      RETURN_IF_ERROR(p->Run());
    }
    return Status::Ok();
  }

  Result<bool> Exists(const Table& table, const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s,
                     db_->Prepare("SELECT 1 FROM " + Quote(table.SqlName()) + " WHERE id=?"));
    s->Bind(1, record_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    return row;
  }

  Result<std::vector<std::string>> FindEqual(
      const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& values,
      int limit) override {
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::SelectEqual(table, values)));
    for (size_t i = 0; i < values.size(); ++i) s->Bind(static_cast<int>(i) + 1, values[i].second);
    s->Bind(static_cast<int>(values.size()) + 1, limit);
    std::vector<std::string> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(s->Text(0));
    }
    s->Reset();
    return out;
  }

  Result<std::optional<std::vector<SqlValue>>> Read(const Table& table,
                                                    const std::vector<const Field*>& fields,
                                                    const std::string& record_id) override {
    ASSIGN_OR_RETURN(StmtRef s, db_->Prepare(sql::SelectById(table, fields)));
    s->Bind(1, record_id);
    ASSIGN_OR_RETURN(auto rows, store_->ReadRecords(s.get(), fields.size()));
    s->Reset();
    if (rows.empty()) return std::optional<std::vector<SqlValue>>();
    return std::optional<std::vector<SqlValue>>(std::move(rows[0].cells));
  }

  Status SaveFieldOptions(const Field& field) override {
    RETURN_IF_ERROR(store_->SaveFieldOn(*db_, field));
    return store_->BumpSchema(*db_, base_id_);
  }

  Status Commit() override {
    done_ = true;
    Status st = db_->Exec("COMMIT");
    if (!st.ok())
      (void)db_->Exec("ROLLBACK");
    else
      sqlite::NoteCommit();
    return st;
  }

 private:
  // Adds the lastModifiedTime columns that this write touches.
  std::vector<std::pair<const Field*, SqlValue>> WithModifiedTimes(
      const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& cells,
      int64_t now_ms, bool for_insert) {
    std::vector<std::pair<const Field*, SqlValue>> all = cells;
    for (const Field& f : table.fields) {
      if (f.type != FieldType::kLastModifiedTime) continue;
      bool touched = false;
      for (const auto& [cf, v] : cells) {
        bool referenced = f.referenced_field_ids.empty() ||
                          std::find(f.referenced_field_ids.begin(), f.referenced_field_ids.end(),
                                    cf->id) != f.referenced_field_ids.end();
        if (referenced && (!for_insert || !std::holds_alternative<std::monostate>(v)))
          touched = true;
      }
      if (touched) all.emplace_back(&f, SqlValue{now_ms});
    }
    return all;
  }

  SqliteStore* store_;
  Lease db_;
  std::string base_id_;
  bool done_ = false;
};

Result<std::unique_ptr<WriteTxn>> SqliteStore::BeginWrite(const std::string& base_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  auto txn = std::make_unique<SqliteWriteTxn>(this, std::move(db), base_id);
  RETURN_IF_ERROR(txn->Begin());
  return std::unique_ptr<WriteTxn>(std::move(txn));
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace airbase
