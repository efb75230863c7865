// Users, workspaces, memberships, roles and settings over the portable SQL layer.
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlAccountStore : public virtual AccountStore, protected StorePart {
 public:
  explicit SqlAccountStore(StoreContext* ctx) : StorePart(ctx) {}

  Result<User> CreateFirstUser(const std::string& email, const std::string& name,
                               const std::string& password_hash) override;
  Result<User> CreateUser(const std::string& email, const std::string& name,
                          const std::string& password_hash) override;
  Result<std::optional<User>> FindUserByEmail(const std::string& email) override;
  Result<std::optional<User>> FindUser(const std::string& id) override;
  Result<Workspace> CreateWorkspace(const std::string& owner_id, const std::string& name) override;
  Result<std::optional<Workspace>> FindWorkspace(const std::string& id) override;
  Result<std::vector<Workspace>> ListWorkspaces(const std::string& user_id) override;
  Result<Role> WorkspaceRole(const std::string& user_id, const std::string& ws_id) override;
  Status SetWorkspaceRole(const std::string& ws_id, const std::string& user_id, Role role) override;
  Status SetBaseRole(const std::string& base_id, const std::string& user_id, Role role) override;
  Status MoveBase(const std::string& base_id, const std::string& ws_id, int64_t index) override;
  Status RenameWorkspace(const std::string& id, const std::string& name) override;
  Status DeleteWorkspace(const std::string& id) override;
  Result<Role> BaseRole(const std::string& user_id, const std::string& base_id,
                        int64_t meta_version) override;
  Result<std::vector<BaseAccess>> ListBases(const std::string& user_id) override;
  Result<std::vector<BaseCollaborator>> ListBaseCollaborators(const std::string& base_id) override;
  Result<std::optional<WorkspaceDetail>> DescribeWorkspace(const std::string& id) override;
  Result<int64_t> CountUsers() override;
  Result<std::vector<User>> ListUsers() override;
  Result<std::string> PasswordHash(const std::string& user_id) override;
  Status SetPassword(const std::string& user_id, const std::string& hash,
                     const std::string& keep_session_hash) override;
  Result<std::string> GetSetting(const std::string& key) override;
  Status SetSetting(const std::string& key, const std::string& value) override;
  Result<std::string> ServerKey() override;

 protected:
  Status InsertUser(Connection& db, const User& u, const std::string& password_hash);
  Result<std::optional<User>> FindUserBy(const char* column, const std::string& v);
  Status SetMemberRole(Connection& db, const char* table, const char* key, const std::string& id,
                       const std::string& user_id, Role role);
  Result<Role> QueryBaseRole(const std::string& user_id, const std::string& base_id);
  // The role of user ?1 in base `b`: the greater of its base and workspace memberships (0: none).
  std::string BaseRoleExpr() const;
};

}  // namespace airbase::sql
