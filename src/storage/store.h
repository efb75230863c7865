// The storage seam. Code above this layer sees only these interfaces and plain structs. The
// implementation is the portable SqlStore (storage/sql/) over an engine adapter
// (storage/sqlite/ today; a PostgreSQL one plugs in beside it); Store::Open chooses by URL.
//
// Layout (docs/STORAGE.md): airbase's own metadata in fixed tables (users, workspaces, bases,
// tables_meta, fields_meta, views_meta, tokens, audit_log, ...), versioned by migrations; each
// user table is one physical SQL table "t_<tableId>" with one typed column "c_<fieldId>" per field.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "schema/model.h"
#include "schema/predicate.h"
#include "storage/blob_store.h"
#include "storage/notice_board.h"

namespace airbase {

struct StoreOptions {
  std::string data_dir;  // created if missing; holds airbase.db
  const Clock* clock = nullptr;
  IdGenerator* ids = nullptr;
  std::string url;  // which store: "" or "sqlite:" (data_dir), "sqlite:DIR", "postgres://..."
  // The most database connections this process opens at once; 0: the engine's default (SQLite:
  // no limit, PostgreSQL: kPostgresConnections).
  int max_connections = 0;
};

// A personal access token as stored: never the secret, only its SHA-256.
struct TokenRecord {
  std::string id;  // pat...
  std::string user_id;
  std::string name;
  std::string secret_hash;       // 32 raw bytes
  std::string prev_secret_hash;  // the secret before the last regenerate, while its overlap lasts
  int64_t prev_valid_until_ms = 0;
  std::vector<std::string> scopes;
  bool all_bases = false;
  std::vector<std::string> base_ids;
  std::vector<std::string> workspace_ids;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0 = never
  int64_t last_used_ms = 0;
  int64_t revoked_ms = 0;  // 0 = live
};

// A web app session: only SHA-256 of its secret is stored.
struct SessionRecord {
  std::string id_hash;  // 32 raw bytes
  std::string user_id;
  std::string csrf;  // the token state-changing requests must echo in X-CSRF-Token
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

struct AuditEvent {
  int64_t at_ms = 0;
  std::string user_id;
  std::string token_id;
  std::string event;   // token.created, token.edited, token.regenerated, token.revoked, token.used
  std::string detail;  // JSON
};

// A base together with the role a user has on it.
struct BaseAccess {
  BaseInfo base;
  Role role = Role::kNone;
};

// A user who can reach a base, with their role on it.
struct BaseCollaborator {
  User user;
  Role role = Role::kNone;
};

// A workspace as its owner administers it (GET /v0/meta/workspaces/{id}): when it was made, its
// bases oldest first, and who holds a role on it and on each of its bases.
struct WorkspaceDetail {
  Workspace workspace;
  int64_t created_ms = 0;
  std::vector<std::pair<std::string, int64_t>> bases;  // (id, created_ms) in the workspace's order
  struct Member {
    std::string base_id;  // empty: a role on the workspace
    User user;
    Role role = Role::kNone;
  };
  std::vector<Member> members;  // the workspace's by name, then its bases' (oldest base first)
};

// Users, workspaces, memberships and roles, and server-wide settings.
class AccountStore {  // Safe for concurrent use.
 public:
  virtual ~AccountStore() = default;
  virtual Result<User> CreateUser(const std::string& email, const std::string& name,
                                  const std::string& password_hash) = 0;
  // The server's first user (its owner), only while there is no user at all: one transaction,
  // so of concurrent first-run setups exactly one wins; the others get kAlreadyExists.
  virtual Result<User> CreateFirstUser(const std::string& email, const std::string& name,
                                       const std::string& password_hash) = 0;
  virtual Result<std::optional<User>> FindUserByEmail(const std::string& email) = 0;
  virtual Result<std::optional<User>> FindUser(const std::string& id) = 0;

  virtual Result<int64_t> CountUsers() = 0;
  // Every user, oldest first (the first one created owns the server).
  virtual Result<std::vector<User>> ListUsers() = 0;
  // The user's password hash (libsodium crypt string); empty when the user has none.
  virtual Result<std::string> PasswordHash(const std::string& user_id) = 0;

  // Replaces a user's password hash and ends every other session of the user (one transaction).
  virtual Status SetPassword(const std::string& user_id, const std::string& password_hash,
                             const std::string& keep_session_hash) = 0;

  // Creates a workspace with `owner_id` as its owner.
  virtual Result<Workspace> CreateWorkspace(const std::string& owner_id,
                                            const std::string& name) = 0;
  virtual Result<std::optional<Workspace>> FindWorkspace(const std::string& id) = 0;
  // Workspaces where the user has any role, oldest first.
  virtual Result<std::vector<Workspace>> ListWorkspaces(const std::string& user_id) = 0;
  virtual Result<Role> WorkspaceRole(const std::string& user_id, const std::string& ws_id) = 0;
  // Gives, changes or (kNone) takes a user's role on a workspace. A workspace keeps at least one
  // owner: demoting or removing its sole owner is kInvalidPermissions, and nothing changes.
  virtual Status SetWorkspaceRole(const std::string& ws_id, const std::string& user_id,
                                  Role role) = 0;

  virtual Status RenameWorkspace(const std::string& id, const std::string& name) = 0;
  // Deletes a workspace with no bases (kInvalidArgument when it still has some).
  virtual Status DeleteWorkspace(const std::string& id) = 0;

  virtual Status SetBaseRole(const std::string& base_id, const std::string& user_id, Role role) = 0;

  // Moves a base into a workspace (its own, to reorder it) at `index` of that workspace's bases
  // (-1: last); kInvalidArgument when index is past the end. Base roles go with the base.
  virtual Status MoveBase(const std::string& base_id, const std::string& ws_id, int64_t index) = 0;

  // The user's role on a base: the higher of its base role and its workspace role.
  // With meta_version >= 0 (from MetaVersion()), answers from a cache that is exact for it.
  virtual Result<Role> BaseRole(const std::string& user_id, const std::string& base_id,
                                int64_t meta_version = -1) = 0;
  // Bases where the user has a role, oldest first.
  virtual Result<std::vector<BaseAccess>> ListBases(const std::string& user_id) = 0;
  // Users with a role on the base (their own, or their workspace's: the higher), by name.
  virtual Result<std::vector<BaseCollaborator>> ListBaseCollaborators(
      const std::string& base_id) = 0;
  // None when the workspace does not exist.
  virtual Result<std::optional<WorkspaceDetail>> DescribeWorkspace(const std::string& id) = 0;

  // Server-wide settings (e.g. token expiry policy), as text; empty when unset.
  virtual Result<std::string> GetSetting(const std::string& key) = 0;
  virtual Status SetSetting(const std::string& key, const std::string& value) = 0;

  // A random per-data-directory key (created on first use), e.g. for signing list offsets.
  virtual Result<std::string> ServerKey() = 0;
};

// The web app's sessions.
class SessionStore {  // Safe for concurrent use.
 public:
  virtual ~SessionStore() = default;
  virtual Status CreateSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(const std::string& id_hash) = 0;
  virtual Status DeleteSession(const std::string& id_hash) = 0;
};

// Rate-limit windows in the database, so that every server of a fleet counts the same requests
// (auth/rate_limiter.h; a server with the store to itself counts in memory).
class RateStore {  // Safe for concurrent use.
 public:
  virtual ~RateStore() = default;
  // Counts one request against `key` in the second of `now_ms`; answers the requests counted in
  // that second so far (this one included) and when a penalty on the key ends (0: none).
  virtual Result<std::pair<int64_t, int64_t>> CountRequest(const std::string& key,
                                                           int64_t now_ms) = 0;
  virtual Status Penalize(const std::string& key, int64_t until_ms) = 0;
  // True when other processes share this store (a database server), so that limits must be
  // counted here rather than in one process's memory.
  virtual bool SharedByServers() const = 0;
};

// Personal access tokens and their audit log.
class TokenStore {  // Safe for concurrent use.
 public:
  virtual ~TokenStore() = default;
  virtual Status CreateToken(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const std::string& id) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) = 0;
  // Replaces name, scopes, resources, expiry, hashes and revocation of an existing token.
  virtual Status UpdateToken(const TokenRecord& token) = 0;
  // Sets last_used_ms for many tokens in one transaction, each only where the stored time is at
  // least `min_gap_ms` older (another server of a fleet may have written a nearer one); answers
  // the ids whose time was written.
  virtual Result<std::vector<std::string>> TouchTokens(
      const std::vector<std::pair<std::string, int64_t>>& uses, int64_t min_gap_ms) = 0;
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  virtual Result<std::vector<AuditEvent>> ListAudit(const std::string& user_id, int limit) = 0;
};

// Bases and their schema: tables, fields (with their columns) and views.
class SchemaStore {  // Safe for concurrent use.
 public:
  virtual ~SchemaStore() = default;
  virtual Result<std::optional<BaseInfo>> FindBase(const std::string& id) = 0;

  virtual Status RenameBase(const std::string& id, const std::string& name) = 0;
  // Deletes a base: its record tables, schema rows and memberships, in one transaction.
  virtual Status DeleteBase(const std::string& id) = 0;

  // Creates a base with its tables (ids, fields and default views already assigned).
  virtual Status CreateBase(const BaseInfo& base, const std::vector<Table>& tables) = 0;
  virtual Status CreateTable(const std::string& base_id, const Table& table) = 0;
  virtual Status UpdateTable(const std::string& base_id, const Table& table) = 0;
  // Drops a table with its records, fields and views.
  virtual Status DeleteTable(const std::string& base_id, const std::string& table_id) = 0;
  virtual Status CreateField(const std::string& base_id, const std::string& table_id,
                             const Field& field) = 0;
  virtual Status UpdateField(const std::string& base_id, const std::string& table_id,
                             const Field& field) = 0;
  // Changes a field's type and options and rewrites its column: `cells` holds each record's new
  // stored value (records not listed become empty). `also_save` are other fields of the table
  // whose options change with it (formula fields' result types). One transaction.
  virtual Status ChangeFieldType(const std::string& base_id, const Table& table, const Field& field,
                                 const std::vector<std::pair<std::string, SqlValue>>& cells,
                                 const std::vector<Field>& also_save) = 0;
  // Deletes a field, its column and indexes; `also_save` as above (formulas that referenced it).
  virtual Status DeleteField(const std::string& base_id, const Table& table, const Field& field,
                             const std::vector<Field>& also_save) = 0;
  // Views: a new view goes last; UpdateView saves its name and config (sorts, filters, hidden
  // fields).
  virtual Status CreateView(const std::string& base_id, const std::string& table_id,
                            const View& view) = 0;
  virtual Status UpdateView(const std::string& base_id, const std::string& table_id,
                            const View& view) = 0;
  virtual Status DeleteView(const std::string& base_id, const std::string& table_id,
                            const std::string& view_id) = 0;
  // The base's schema, cached until its schema version changes; null when the base does not
  // exist.
  // With meta_version >= 0 (from MetaVersion()), answers from a cache that is exact for it.
  virtual Result<std::shared_ptr<const BaseSchema>> LoadSchema(const std::string& base_id,
                                                               int64_t meta_version = -1) = 0;
  // A number that triggers bump on every change to users, workspaces, bases, roles, tokens and
  // schemas: one cheap query tells whether any cached account/schema state is still exact.
  virtual Result<int64_t> MetaVersion() = 0;
};

struct SortKey {
  const Field* field = nullptr;
  bool desc = false;
};

// The cells of one row a RowTest is given: its id, times and the cells of ListQuery::test_fields.
struct RowCells {
  std::string_view id;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  const std::vector<SqlValue>& cells;
};

// A test of one row that a store runs inside its scan (RecordStore::TestsRowsInScan()), so that
// a row failing it is never read out: the part of a filter only the evaluator can decide.
class RowTest {
 public:
  virtual ~RowTest() = default;
  virtual bool Passes(const RowCells& row) = 0;
};

struct ListQuery {
  std::vector<const Field*> fields;  // cells to fetch, in this order
  std::vector<SortKey> sort;         // empty: creation order
  int64_t limit = 100;
  int64_t skip = 0;         // rows to skip (with sort)
  int64_t after_rowid = 0;  // keyset position (without sort)
  // Rows to keep (from formula::PushDown, or a link lookup); none: every row. The fields it
  // compares are indexed on first use.
  std::optional<Predicate> filter;
  // Rows to keep besides `filter`, tested on the cells of `test_fields`; only for a store whose
  // TestsRowsInScan(). Set, `skip` counts rows that passed it.
  RowTest* test = nullptr;
  std::vector<const Field*> test_fields;
};

struct StoredRecord {
  int64_t rowid = 0;
  std::string id;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;      // the last write to any cell (creation counts)
  std::vector<SqlValue> cells;  // aligned with ListQuery::fields
};

// A record comment (airtable-api.md §8). Mentions stay in `text` as @[usrXXXXXXXXXXXXXX].
struct CommentRecord {
  int64_t seq = 0;  // insertion order, assigned by the store
  std::string id;   // com...
  std::string base_id, table_id, record_id;
  std::string author_id;
  std::string text;
  std::string parent_id;  // empty: not a reply
  int64_t created_ms = 0;
  int64_t updated_ms = 0;  // 0: never edited
};

// A webhook (airtable-api.md §9). The MAC secret is kept in clear: pings are signed with it.
struct WebhookRecord {
  std::string id;  // ach...
  std::string base_id;
  std::string user_id;           // who created it (its token's owner)
  std::string notification_url;  // empty: no pings
  std::string specification;     // JSON, as given (validated)
  std::string mac_secret;        // raw bytes
  bool notifications_enabled = true;
  int64_t expires_ms = 0;
  int64_t created_ms = 0;
  int64_t next_cursor = 1;  // the cursor the next payload gets
  std::string last_result;  // JSON of lastNotificationResult; empty: none yet
  int64_t last_success_ms = 0;
};

struct WebhookPayload {
  int64_t cursor = 0;
  int64_t txn = 0;  // baseTransactionNumber
  int64_t created_ms = 0;
  std::string body;  // JSON object without timestamp/baseTransactionNumber/payloadFormat
};

// A queued webhook ping that one caller has claimed until its lease ends.
struct WebhookPingClaim {
  std::string webhook_id;
  int retry = 0;    // 0: the first try
  int64_t seq = 0;  // the queue row's change count when claimed
};

// A file to fetch from a URL into an attachment cell (airtable-api.md §5.8): the pending item
// `attachment_id` of record `record_id`'s cell of `field_id`, written by `user_id`.
struct AttachmentFetch {
  std::string attachment_id;
  std::string base_id, table_id, record_id, field_id;
  std::string url;
  std::string user_id;
  int tries = 0;  // failed tries so far
};

// One write transaction on one base. Commit or it rolls back when destroyed.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  // Who makes this write, as a stored collaborator cell (schema/collaborators.h): the value of
  // the createdBy cells of records it inserts and of the lastModifiedBy cells whose watched
  // fields it changes. Unset, those cells are left as they are.
  virtual void SetWriter(std::string person) = 0;
  // Inserts a record with the given cells.
  virtual Status Insert(const Table& table, const std::string& record_id,
                        const std::vector<std::pair<const Field*, SqlValue>>& cells,
                        int64_t now_ms) = 0;
  // Updates cells of an existing record; false when the record does not exist.
  virtual Result<bool> Update(const Table& table, const std::string& record_id,
                              const std::vector<std::pair<const Field*, SqlValue>>& cells,
                              int64_t now_ms) = 0;
  // Bumps a record's modified time (and its lastModifiedTime cells that watch `changed`), for a
  // cell that changed without being written: a link's inverse.
  virtual Status Touch(const Table& table, const std::string& record_id,
                       const std::vector<const Field*>& changed, int64_t now_ms) = 0;
  // Deletes a record with its links and comments; false when it does not exist.
  virtual Result<bool> Delete(const Table& table, const std::string& record_id) = 0;
  // The records whose `link` cell holds `record_id`, in the order they linked it.
  virtual Result<std::vector<std::string>> LinkedFrom(const Field& link,
                                                      const std::string& record_id) = 0;
  virtual Result<bool> Exists(const Table& table, const std::string& record_id) = 0;
  // The cells of one record as this transaction sees them (its own writes included).
  virtual Result<std::optional<std::vector<SqlValue>>> Read(const Table& table,
                                                            const std::vector<const Field*>& fields,
                                                            const std::string& record_id) = 0;
  // Ids of records whose cells equal `values` (NULL matches NULL), at most `limit`.
  virtual Result<std::vector<std::string>> FindEqual(
      const Table& table, const std::vector<std::pair<const Field*, SqlValue>>& values,
      int limit) = 0;
  // Appends one payload per webhook (id, JSON body) as one base transaction: the base's
  // transaction number advances once and each webhook's cursor once per payload.
  virtual Status AppendWebhookPayloads(
      const std::vector<std::pair<std::string, std::string>>& payloads, int64_t now_ms) = 0;
  // Queues a ping of each webhook, due now, committed with the payloads (WebhookStore).
  virtual Status QueueWebhookPings(const std::vector<std::string>& webhook_ids, int64_t now_ms) = 0;
  // Queues the fetch of a pending attachment, due now, committed with the cell that names it.
  virtual Status QueueAttachmentFetch(const AttachmentFetch& fetch, int64_t now_ms) = 0;
  // Persists new options of a field (typecast adding select choices) and bumps the schema version.
  virtual Status SaveFieldOptions(const Field& field) = 0;
  // Inserts a comment as given, its id and times included (a base import; the API's comments go
  // through CommentStore). kAlreadyExists when the server holds its id.
  virtual Status InsertComment(const CommentRecord& comment) = 0;
  virtual Status Commit() = 0;
};

// The records of user tables, read and written.
class RecordStore {  // Safe for concurrent use.
 public:
  virtual ~RecordStore() = default;
  // Records in `query.sort` order (creation order without sort).
  virtual Result<std::vector<StoredRecord>> List(const Table& table, const ListQuery& query) = 0;
  // List into `rows` (replacing them), reusing their buffers where the store can.
  virtual Status ListInto(const Table& table, const ListQuery& query,
                          std::vector<StoredRecord>* rows) {
    ASSIGN_OR_RETURN(*rows, List(table, query));
    return Status::Ok();
  }
  virtual Result<int64_t> Count(const Table& table) = 0;
  // The records with these ids, in the given order; missing ids are skipped.
  virtual Result<std::vector<StoredRecord>> Get(const Table& table,
                                                const std::vector<const Field*>& fields,
                                                const std::vector<std::string>& ids) = 0;
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite(const std::string& base_id) = 0;
  // Whether a Predicate may test a cell through LOWER/UPPER (Predicate::Transform): true where
  // the store computes them exactly as the evaluator does (checked when the store opens).
  virtual bool CaseMappingInSql() const { return true; }
  // Whether a Predicate may compare arithmetic over number cells (Kind::kArithmetic): true where
  // the engine computes + - * / in IEEE doubles and turns NaN into NULL (SQLite); PostgreSQL's
  // float8 refuses an overflow with an error where the evaluator has Infinity.
  virtual bool ArithmeticInSql() const { return false; }
  // Whether a list may carry a RowTest (ListQuery::test), run on each row inside the scan (SQLite:
  // an SQL function; a PostgreSQL server cannot call back into this process).
  virtual bool TestsRowsInScan() const { return false; }
};

// Record comments (airtable-api.md §8).
class CommentStore {  // Safe for concurrent use.
 public:
  virtual ~CommentStore() = default;
  // Record comments. Deleting a record or table deletes its comments.
  virtual Status CreateComment(const CommentRecord& comment) = 0;
  virtual Result<std::optional<CommentRecord>> FindComment(const std::string& id) = 0;
  virtual Status UpdateComment(const std::string& id, const std::string& text,
                               int64_t updated_ms) = 0;
  virtual Status DeleteComment(const std::string& id) = 0;
  // A record's comments, newest first, older than the comment with `before_seq` (0: from the
  // newest), at most `limit`.
  virtual Result<std::vector<CommentRecord>> ListComments(const std::string& table_id,
                                                          const std::string& record_id,
                                                          int64_t before_seq, int limit) = 0;
  // How many comments each record has, aligned with `record_ids`.
  virtual Result<std::vector<int64_t>> CountComments(
      const std::string& table_id, const std::vector<std::string>& record_ids) = 0;
};

// Webhooks and their payloads (airtable-api.md §9).
class WebhookStore {  // Safe for concurrent use.
 public:
  virtual ~WebhookStore() = default;
  // Webhooks of a base, oldest first; payloads by cursor.
  virtual Status CreateWebhook(const WebhookRecord& hook) = 0;
  virtual Result<std::vector<WebhookRecord>> ListWebhooks(const std::string& base_id) = 0;
  virtual Result<std::optional<WebhookRecord>> FindWebhook(const std::string& id) = 0;
  // Saves notification_url-independent state: enabled, expiry, last result and success.
  virtual Status SaveWebhookState(const WebhookRecord& hook) = 0;
  virtual Status DeleteWebhook(const std::string& id) = 0;
  virtual Result<std::vector<WebhookPayload>> ListWebhookPayloads(const std::string& webhook_id,
                                                                  int64_t from_cursor,
                                                                  int limit) = 0;
  // Drops payloads created before `before_ms` (Airtable keeps them 7 days).
  virtual Status PruneWebhookPayloads(int64_t before_ms) = 0;
  // Periodic work done once per period by one server of a fleet: true when this caller claimed
  // the run of job `name` due at `now_ms` (the next run is then due `every_ms` later); false
  // when another caller already has this period's run.
  virtual Result<bool> ClaimJob(const std::string& name, int64_t now_ms, int64_t every_ms) = 0;

  // The ping queue, shared by every server of a fleet: at most one row per webhook, which
  // outlives the server that queued it. Queueing a ping for a webhook that has one makes it a
  // first try due now; one queued while a ping is out is sent again once that one ends.
  virtual Status QueueWebhookPings(const std::vector<std::string>& webhook_ids, int64_t now_ms) = 0;
  // Claims the ping due first (due by `now_ms` and not claimed by anyone whose lease is still
  // running) until `now_ms + lease_ms`; none when none is due. Two callers never get one ping.
  virtual Result<std::optional<WebhookPingClaim>> ClaimWebhookPing(int64_t now_ms,
                                                                   int64_t lease_ms) = 0;
  // Ends a claim: with `retry_at_ms` < 0 the ping is done (sent, or given up), else it is due
  // again then as try `retry`. A ping queued while the claim was out is due at `now_ms` instead.
  virtual Status ReleaseWebhookPing(const WebhookPingClaim& claim, int retry, int64_t retry_at_ms,
                                    int64_t now_ms) = 0;
  // When the next queued ping falls due (a claimed one: when its lease ends); INT64_MAX when
  // none is queued.
  virtual Result<int64_t> NextWebhookPingMs() = 0;
  // The queue's depth, for /metrics: webhooks with a ping queued, and of them those due by
  // `now_ms` and not out with a sender.
  struct PingQueueDepth {
    int64_t queued = 0;
    int64_t due = 0;
  };
  virtual Result<PingQueueDepth> WebhookPingQueue(int64_t now_ms) = 0;
};

// The queue of attachment files to fetch from URLs, shared by every server of a fleet: a row per
// pending item, queued by the write that named the URL (WriteTxn::QueueAttachmentFetch).
class AttachmentStore {  // Safe for concurrent use.
 public:
  virtual ~AttachmentStore() = default;
  // Claims the fetch due first (not claimed by anyone whose lease still runs) until
  // `now_ms + lease_ms`; none when none is due. Two callers never get one fetch.
  virtual Result<std::optional<AttachmentFetch>> ClaimAttachmentFetch(int64_t now_ms,
                                                                      int64_t lease_ms) = 0;
  // Ends a claim: with `retry_at_ms` < 0 the fetch is done (stored, or given up), else it is due
  // again then, with `tries` failed tries.
  virtual Status ReleaseAttachmentFetch(const std::string& attachment_id, int tries,
                                        int64_t retry_at_ms) = 0;
  // When the next queued fetch falls due (a claimed one: when its lease ends); INT64_MAX when
  // none is queued.
  virtual Result<int64_t> NextAttachmentFetchMs() = 0;

  // The orphan sweep's reading: every non-empty multipleAttachments cell of every table of
  // every base, as stored, one at a time.
  virtual Status ForEachAttachmentCell(const std::function<Status(std::string_view)>& fn) = 0;
  // Blob keys the sweep found named by no cell, with when it first did.
  virtual Result<std::map<std::string, int64_t>> OrphanFiles() = 0;
  // Notes `key` as named by no cell since `since_ms` (kept if noted already) or, with
  // since_ms < 0, forgets it (named again, or removed).
  virtual Status NoteOrphanFile(const std::string& key, int64_t since_ms) = 0;
};

// The whole store: every interface above over one database. Code above storage/ takes a Store
// (or one of its interfaces) and never sees which engine is behind it.
// Held by a request while its reads share one snapshot (Store::ShareReads).
class ReadScope {
 public:
  virtual ~ReadScope() = default;
};

class Store : public virtual AccountStore,
              public virtual SessionStore,
              public virtual RateStore,
              public virtual TokenStore,
              public virtual SchemaStore,
              public virtual RecordStore,
              public virtual CommentStore,
              public virtual WebhookStore,
              public virtual AttachmentStore {
 public:
  // True while writes fail for lack of disk space: set when one does, cleared once the data
  // directory has room again. Reads keep working meanwhile.
  virtual bool StorageFull() = 0;

  // Writes a consistent, compacted copy of the whole database to `path` (which must not exist),
  // while the server keeps running. Restoring is copying it back as <data>/airbase.db.
  virtual Status BackupTo(const std::string& path) = 0;

  // Replaces the whole database by the copy at `path` (written by BackupTo) while the server
  // runs, and forgets every cache of what it held: the emulator's reset (airbase serve
  // --ephemeral). The meta version moves past every value it had, so no cache tagged before is
  // ever taken for exact. kUnimplemented where the engine cannot (PostgreSQL).
  virtual Status RestoreFrom(const std::string& path) = 0;

  // This process's connections to the database, for /metrics: open and lent out now, the most it
  // opens (0: no limit), and since start the acquisitions that waited, their total wait and those
  // that gave up.
  struct ConnectionStats {
    int64_t open = 0, lent = 0, max = 0, waits = 0, wait_us = 0, timeouts = 0;
  };
  virtual ConnectionStats Connections() = 0;

  // Lets the calling thread's reads, until the result ends, share one connection and one
  // snapshot (on SQLite one read transaction instead of one per statement); the thread's first
  // write ends the sharing, so what it reads after a write sees the write. nullptr where the
  // store gains nothing by it (or the thread shares already).
  virtual std::unique_ptr<ReadScope> ShareReads() { return nullptr; }

  // Attachment files (blob_store.h): a directory beside a SQLite database, a table of a
  // PostgreSQL one.
  virtual BlobStore& Blobs() = 0;

  // Notices to every server on this store, this one included (notice_board.h): in the process
  // for SQLite, NOTIFY / LISTEN for PostgreSQL.
  virtual NoticeBoard& Notices() = 0;

  // Creates a base with its tables (every id given) inside a write transaction on it, and
  // answers that transaction: the base and whatever is written through it exist for others once
  // it commits, and not at all when it rolls back (airbase base import). kAlreadyExists names an
  // app, tbl, fld or viw id the server holds already.
  virtual Result<std::unique_ptr<WriteTxn>> BeginCreateBase(const BaseInfo& base,
                                                            const std::vector<Table>& tables) = 0;

  // Copies everything this store holds into `to`, which must be empty (airbase migrate): every
  // id, hash, session, comment, webhook and record, in one transaction of `to`, the rows of each
  // table counted on both sides. `progress` hears (table, rows done, rows in it) as it goes.
  // Answers each table copied with its rows.
  using CopyProgress = std::function<void(std::string_view table, int64_t done, int64_t total)>;
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CopyInto(
      Store& to, const CopyProgress& progress) = 0;

  // Opens (creating and migrating if needed) the store that options.url names: empty or
  // "sqlite:" for the SQLite file in options.data_dir, "sqlite:DIR" for one in DIR,
  // "postgres://..." or "postgresql://..." for a PostgreSQL database.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  // The engines this build can open, with their library versions (for --version).
  static std::string EnginesText();
};

}  // namespace airbase
