// SqlAccountStore: users, workspaces, memberships, roles and settings over the portable SQL layer.
#include "storage/sql/account_store.h"

#include "common/crypto.h"

namespace airbase::sql {

Result<User> SqlAccountStore::CreateFirstUser(const std::string& email, const std::string& name,
                                              const std::string& password_hash) {
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

Status SqlAccountStore::InsertUser(Connection& db, const User& u,
                                   const std::string& password_hash) {
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

Result<User> SqlAccountStore::CreateUser(const std::string& email, const std::string& name,
                                         const std::string& password_hash) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  User u{options_.ids->Next("usr"), email, name};
  RETURN_IF_ERROR(InsertUser(*db, u, password_hash));
  return u;
}

Result<std::optional<User>> SqlAccountStore::FindUserBy(const char* column, const std::string& v) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare(std::string("SELECT id, email, name FROM users WHERE ") +
                                          column + "=?"));
  s->Bind(1, v);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<User>();
  return std::optional<User>(User{s->Text(0), s->Text(1), s->Text(2)});
}

Result<std::optional<User>> SqlAccountStore::FindUserByEmail(const std::string& email) {
  return FindUserBy("email", email);
}

Result<std::optional<User>> SqlAccountStore::FindUser(const std::string& id) {
  return FindUserBy("id", id);
}

Result<Workspace> SqlAccountStore::CreateWorkspace(const std::string& owner_id,
                                                   const std::string& name) {
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

Result<std::optional<Workspace>> SqlAccountStore::FindWorkspace(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT id, name FROM workspaces WHERE id=?"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<Workspace>();
  return std::optional<Workspace>(Workspace{s->Text(0), s->Text(1)});
}

Result<std::vector<Workspace>> SqlAccountStore::ListWorkspaces(const std::string& user_id) {
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

Result<Role> SqlAccountStore::WorkspaceRole(const std::string& user_id, const std::string& ws_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT role FROM workspace_members WHERE "
                                          "workspace_id=? AND user_id=?"));
  s->Bind(1, ws_id);
  s->Bind(2, user_id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? static_cast<Role>(s->Int(0)) : Role::kNone;
}

Status SqlAccountStore::SetMemberRole(Connection& db, const char* table, const char* key,
                                      const std::string& id, const std::string& user_id,
                                      Role role) {
  std::string sql = role == Role::kNone
                        ? std::string("DELETE FROM ") + table + " WHERE " + key + "=? AND user_id=?"
                        : std::string("INSERT INTO ") + table + "(" + key +
                              ", user_id, role) VALUES(?,?,?) ON CONFLICT(" + key +
                              ", user_id) DO UPDATE SET role=excluded.role";
  ASSIGN_OR_RETURN(StmtRef s, db.Prepare(sql));
  s->Bind(1, id);
  s->Bind(2, user_id);
  if (role != Role::kNone) s->Bind(3, static_cast<int>(role));
  return s->Run();
}

Status SqlAccountStore::SetWorkspaceRole(const std::string& ws_id, const std::string& user_id,
                                         Role role) {
  return InTransaction([&](Lease& db) -> Status {
    if (role != Role::kOwner) {
      // The workspace's row is written first, so that of two transactions demoting its two last
      // owners (on an engine with concurrent writers) the second waits and then sees one owner.
      {
        ASSIGN_OR_RETURN(StmtRef lock, db->Prepare("UPDATE workspaces SET name=name WHERE id=?"));
        lock->Bind(1, ws_id);
        RETURN_IF_ERROR(lock->Run());
      }
      ASSIGN_OR_RETURN(StmtRef s,
                       db->Prepare("SELECT (SELECT role FROM workspace_members WHERE "
                                   "workspace_id=?1 AND user_id=?2), (SELECT count(*) FROM "
                                   "workspace_members WHERE workspace_id=?1 AND role=?3)"));
      s->Bind(1, ws_id);
      s->Bind(2, user_id);
      s->Bind(3, static_cast<int>(Role::kOwner));
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (row && !s->IsNull(0) && s->Int(0) == static_cast<int>(Role::kOwner) && s->Int(1) <= 1)
        return Error(
            ErrorCode::kInvalidPermissions,
            role == Role::kNone
                ? "You can not remove the sole owner of the workspace."
                : "You can not change the permissions of the sole owner of the workspace.");
    }
    return SetMemberRole(*db, "workspace_members", "workspace_id", ws_id, user_id, role);
  });
}

Status SqlAccountStore::SetBaseRole(const std::string& base_id, const std::string& user_id,
                                    Role role) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  return SetMemberRole(*db, "base_members", "base_id", base_id, user_id, role);
}

Status SqlAccountStore::MoveBase(const std::string& base_id, const std::string& ws_id,
                                 int64_t index) {
  return InTransaction([&](Lease& db) -> Status {
    std::vector<std::string> order;
    {
      ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT id FROM bases WHERE workspace_id=? AND "
                                              "id<>? ORDER BY position, created_ms, id"));
      s->Bind(1, ws_id);
      s->Bind(2, base_id);
      while (true) {
        ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        order.push_back(s->Text(0));
      }
    }
    if (index > static_cast<int64_t>(order.size()))
      return Error(ErrorCode::kInvalidArgument,
                   "targetIndex must be between 0 and " + std::to_string(order.size()) +
                       ", the number of bases in the target workspace");
    order.insert(index < 0 ? order.end() : order.begin() + index, base_id);
    // The workspace's bases are numbered again from 0: at most its few hundred rows.
    ASSIGN_OR_RETURN(StmtRef u,
                     db->Prepare("UPDATE bases SET workspace_id=?, position=? WHERE id=?"));
    for (size_t i = 0; i < order.size(); ++i) {
      u->Bind(1, ws_id);
      u->Bind(2, static_cast<int64_t>(i));
      u->Bind(3, order[i]);
      RETURN_IF_ERROR(u->Run());
      u->Reset();
    }
    return Status::Ok();
  });
}

Status SqlAccountStore::RenameWorkspace(const std::string& id, const std::string& name) {
  return SetName("workspaces", id, name);
}

Status SqlAccountStore::DeleteWorkspace(const std::string& id) {
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

Result<Role> SqlAccountStore::BaseRole(const std::string& user_id, const std::string& base_id,
                                       int64_t meta_version) {
  std::string key = user_id + "|" + base_id;
  if (meta_version >= 0) {
    std::lock_guard lock(ctx_->meta_mu);
    ctx_->SyncMetaCache(meta_version);
    auto it = ctx_->roles.find(key);
    if (it != ctx_->roles.end()) return it->second;
  }
  ASSIGN_OR_RETURN(Role role, QueryBaseRole(user_id, base_id));
  if (meta_version >= 0) {
    std::lock_guard lock(ctx_->meta_mu);
    if (meta_version == ctx_->meta_version && ctx_->roles.size() < 100000) ctx_->roles[key] = role;
  }
  return role;
}

std::string SqlAccountStore::BaseRoleExpr() const {
  return ctx_->dialect->Greatest(
      "coalesce((SELECT role FROM base_members WHERE base_id=b.id AND user_id=?1), 0)",
      "coalesce((SELECT role FROM workspace_members WHERE workspace_id=b.workspace_id AND "
      "user_id=?1), 0)");
}

Result<Role> SqlAccountStore::QueryBaseRole(const std::string& user_id,
                                            const std::string& base_id) {
  ASSIGN_OR_RETURN(Lease db, AcquireRead());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare("SELECT " + BaseRoleExpr() + " FROM bases b WHERE b.id=?2"));
  s->Bind(1, user_id);
  s->Bind(2, base_id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? static_cast<Role>(s->Int(0)) : Role::kNone;
}

Result<std::vector<BaseAccess>> SqlAccountStore::ListBases(const std::string& user_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(
      StmtRef s,
      db->Prepare("SELECT id, name, workspace_id, schema_version, r FROM (SELECT b.id, b.name, "
                  "b.workspace_id, b.schema_version, " +
                  BaseRoleExpr() +
                  " AS r, b.created_ms, b.rowid FROM bases b) x WHERE r > 0 ORDER BY "
                  "created_ms, rowid"));
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

Result<std::vector<BaseCollaborator>> SqlAccountStore::ListBaseCollaborators(
    const std::string& base_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(
      StmtRef s,
      db->Prepare("SELECT u.id, u.email, u.name, max(m.role) FROM users u JOIN ("
                  "SELECT user_id, role FROM base_members WHERE base_id=?1 UNION ALL "
                  "SELECT w.user_id, w.role FROM workspace_members w JOIN bases b ON "
                  "b.workspace_id=w.workspace_id WHERE b.id=?1) m ON m.user_id=u.id "
                  "GROUP BY u.id, u.email, u.name HAVING max(m.role) > 0 ORDER BY u.name, u.id"));
  s->Bind(1, base_id);
  std::vector<BaseCollaborator> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(
        BaseCollaborator{User{s->Text(0), s->Text(1), s->Text(2)}, static_cast<Role>(s->Int(3))});
  }
  return out;
}

Result<std::optional<WorkspaceDetail>> SqlAccountStore::DescribeWorkspace(const std::string& id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  WorkspaceDetail d;
  {
    ASSIGN_OR_RETURN(StmtRef s,
                     db->Prepare("SELECT id, name, created_ms FROM workspaces WHERE id=?"));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<WorkspaceDetail>();
    d.workspace = Workspace{s->Text(0), s->Text(1)};
    d.created_ms = s->Int(2);
  }
  {
    ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT id, created_ms FROM bases WHERE workspace_id=? "
                                            "ORDER BY position, created_ms, id"));
    s->Bind(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      d.bases.emplace_back(s->Text(0), s->Int(1));
    }
  }
  ASSIGN_OR_RETURN(
      StmtRef m,
      db->Prepare(
          "SELECT '', u.id, u.email, u.name, m.role, 0, 0 FROM workspace_members m JOIN users u "
          "ON u.id=m.user_id WHERE m.workspace_id=?1 AND m.role > 0 UNION ALL "
          "SELECT m.base_id, u.id, u.email, u.name, m.role, 1, b.created_ms FROM base_members "
          "m JOIN bases b ON b.id=m.base_id JOIN users u ON u.id=m.user_id WHERE "
          "b.workspace_id=?1 AND m.role > 0 ORDER BY 6, 7, 1, 4, 2"));
  m->Bind(1, id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, m->Step());
    if (!row) break;
    d.members.push_back(WorkspaceDetail::Member{
        m->Text(0), User{m->Text(1), m->Text(2), m->Text(3)}, static_cast<Role>(m->Int(4))});
  }
  return std::optional<WorkspaceDetail>(std::move(d));
}

Result<int64_t> SqlAccountStore::CountUsers() {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT count(*) FROM users"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : int64_t{0};
}

Result<std::vector<User>> SqlAccountStore::ListUsers() {
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

Result<std::string> SqlAccountStore::PasswordHash(const std::string& user_id) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT password_hash FROM users WHERE id=?"));
  s->Bind(1, user_id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status SqlAccountStore::SetPassword(const std::string& user_id, const std::string& hash,
                                    const std::string& keep_session_hash) {
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

Result<std::string> SqlAccountStore::GetSetting(const std::string& key) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT value FROM settings WHERE key=?"));
  s->Bind(1, "setting." + key);
  ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Text(0) : std::string();
}

Status SqlAccountStore::SetSetting(const std::string& key, const std::string& value) {
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s,
                   db->Prepare(value.empty() ? "DELETE FROM settings WHERE key=?1"
                                             : "INSERT INTO settings VALUES(?1, ?2) ON CONFLICT "
                                               "(key) DO UPDATE SET value=excluded.value"));
  s->Bind(1, "setting." + key);
  if (!value.empty()) s->Bind(2, value);
  return s->Run();
}

Result<std::string> SqlAccountStore::ServerKey() {
  {
    std::lock_guard lock(ctx_->key_mu);
    if (!ctx_->server_key.empty()) return ctx_->server_key;
  }
  ASSIGN_OR_RETURN(Lease db, Acquire());
  ASSIGN_OR_RETURN(StmtRef s, db->Prepare("SELECT value FROM settings WHERE key='server_key'"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) {  // only the very first use writes (a read must not need a writable disk)
    s = StmtRef(nullptr);
    std::string fresh(32, '\0');
    RandomBytes(reinterpret_cast<unsigned char*>(fresh.data()), fresh.size());
    ASSIGN_OR_RETURN(
        StmtRef ins,
        db->Prepare("INSERT INTO settings VALUES('server_key', ?) ON CONFLICT DO NOTHING"));
    ins->BindBlob(1, fresh);
    RETURN_IF_ERROR(ins->Run());
    ins = StmtRef(nullptr);
    ASSIGN_OR_RETURN(s, db->Prepare("SELECT value FROM settings WHERE key='server_key'"));
    ASSIGN_OR_RETURN(row, s->Step());
  }
  if (!row) return Error(ErrorCode::kInternal, "server key missing");
  std::lock_guard lock(ctx_->key_mu);
  ctx_->server_key = s->Blob(0);
  return ctx_->server_key;
}

}  // namespace airbase::sql
