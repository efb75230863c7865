// The SQLite spelling of airbase's migrations (run by sql::Migrate, storage/sql/migrations.h).
#include "storage/sql/link_sql.h"
#include "storage/sqlite/sqlite_store.h"

namespace airbase::sqlite {

// Versioned migrations of airbase's own tables; each runs once, in order, in a transaction.
const std::vector<sql::Migration>& SqliteMigrations() {
  static const std::vector<sql::Migration> kMigrations = {
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
      // 6: link cells move from comma-joined id columns to a junction table per link pair.
      sql::MoveLinksToJunctions,
      // 7: rate-limit windows shared by the servers of a fleet (one server counts in memory).
      R"sql(
CREATE TABLE rate_windows(key TEXT PRIMARY KEY, second INTEGER NOT NULL, count INTEGER NOT NULL,
  blocked_until_ms INTEGER NOT NULL DEFAULT 0);
)sql",
      // 8: periodic jobs (payload pruning), each run claimed by one server of a fleet.
      R"sql(
CREATE TABLE jobs(name TEXT PRIMARY KEY, next_ms INTEGER NOT NULL);
)sql",
      // 9: webhook pings waiting to be sent or retried, claimed by one server at a time (a lease),
      // so a retry survives the restart or death of the server that scheduled it. `seq` counts
      // the changes that asked for a ping: one arriving while a ping is out asks for another.
      R"sql(
CREATE TABLE webhook_pings(webhook_id TEXT PRIMARY KEY, due_ms INTEGER NOT NULL,
  retry INTEGER NOT NULL DEFAULT 0, lease_until_ms INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 1);
CREATE INDEX webhook_pings_due ON webhook_pings(due_ms);
)sql",
      // 10: (PostgreSQL: the attachment files' table; a SQLite store keeps them as files in
      // <data>/files, blobs/dir_blob_store.cc.)
      +[](sql::Connection&) { return Status::Ok(); },
      // 11: attachment files to fetch from URLs, one row per pending item, claimed with a lease
      // by one server at a time; files no cell names, since when (sql/attachment_store.h).
      R"sql(
CREATE TABLE attachment_fetches(attachment_id TEXT PRIMARY KEY, base_id TEXT NOT NULL,
  table_id TEXT NOT NULL, record_id TEXT NOT NULL, field_id TEXT NOT NULL, url TEXT NOT NULL,
  user_id TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, due_ms INTEGER NOT NULL,
  lease_until_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX attachment_fetches_due ON attachment_fetches(due_ms);
CREATE TABLE orphan_files(key TEXT PRIMARY KEY, since_ms INTEGER NOT NULL);
)sql",
      // 12: a workspace's own order of its bases (moveBase's targetIndex), first the order of
      // their creation.
      R"sql(
ALTER TABLE bases ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE bases SET position=(SELECT count(*) FROM bases o WHERE o.workspace_id=bases.workspace_id
  AND (o.created_ms < bases.created_ms OR (o.created_ms = bases.created_ms AND o.id < bases.id)));
)sql",
  };
  return kMigrations;
}

}  // namespace airbase::sqlite
