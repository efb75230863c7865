// The record writer: the one path every record write takes (the API's create, update, upsert
// and delete; the web app's grid through the same endpoints). A CellEncoder turns a request's
// `fields` into stored cells before any lock is taken; a RecordWriter then opens the base's write
// transaction, resolves link cells (ids of the linked table, or typecast primary text) and bumps
// the records whose inverse cells change, writes, emits each change to its listeners
// (changes.h), saves typecast's new select choices, and commits once.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "engine/changes.h"
#include "engine/live_notices.h"
#include "schema/attachments.h"

namespace airbase::engine {

// A copy of the table that encoding may change (typecast adds select choices).
class CellEncoder {
 public:
  CellEncoder(const Table& table, IdGenerator* ids, bool typecast)
      : table_(table), ids_(ids), typecast_(typecast) {}
  // A `fields` object as stored cells; with `replace` every other writable field is cleared (PUT).
  Result<Cells> Encode(const boost::json::value& fields, bool replace);
  const Table& table() const { return table_; }
  bool typecast() const { return typecast_; }
  // The fields whose options typecast changed, to save with the write.
  std::vector<const Field*> ChangedFields() const;

 private:
  Field* MutableField(const std::string& key);
  Table table_;
  IdGenerator* ids_;
  bool typecast_;
  std::set<std::string> changed_;
};

class RecordWriter {
 public:
  struct Env {
    Store* store;
    std::shared_ptr<const BaseSchema> schema;
    const Clock* clock;
    IdGenerator* ids;
    std::string user_id = "";  // who writes (the fetches of attachments by URL act for them)
    std::string origin = "";   // the web page that writes, named in its live notice
  };
  // Opens the write transaction of `env.schema`'s base for the table `encoder` encoded for.
  static Result<std::unique_ptr<RecordWriter>> Begin(Env env, const CellEncoder& encoder,
                                                     std::vector<ChangeListener*> listeners);

  // Creates a record with a new id; returns it.
  Result<std::string> Create(Cells cells);
  // Updates a record's cells; false when it does not exist.
  Result<bool> Update(const std::string& record_id, Cells cells);
  // Deletes a record with its links and comments; false when it does not exist.
  Result<bool> Delete(const std::string& record_id);
  // A record's cell as this transaction sees it (nullopt: no such record).
  Result<std::optional<SqlValue>> ReadCell(const std::string& record_id, const Field& field);
  // Ids of records whose cells equal `values` as committed plus this write (upsert matching).
  Result<std::vector<std::string>> FindEqual(const Cells& values, int limit);
  // Saves the encoder's typecast choices, lets the listeners write, commits, tells them.
  Status Commit();
  // Attachments by URL this write queued for the fetcher (wake it after the commit).
  int queued_fetches() const { return queued_fetches_; }

 private:
  RecordWriter(Env env, const CellEncoder& encoder, std::vector<ChangeListener*> listeners,
               std::unique_ptr<WriteTxn> txn);
  Status ResolveLinks(const std::string& record_id, Cells& cells, bool is_new);
  Status ResolveAttachments(const std::string& record_id, Cells& cells, bool is_new);
  Status ResolveCollaborators(Cells& cells);
  // The base's collaborators, read once per write.
  Result<const std::vector<BaseCollaborator>*> Directory();
  Status TouchLinkersOf(const std::string& record_id);
  // Bumps a linked record whose inverse cell this write changes.
  Status Touch(const Table& table, const std::string& id, const Field* field, int64_t now);
  void Emit(ChangeEvent::Kind kind, const std::string& id, int64_t at_ms, Cells cells);

  Env env_;
  const CellEncoder& encoder_;
  const Table& table_;  // the encoder's copy
  std::vector<ChangeListener*> listeners_;
  std::unique_ptr<WriteTxn> txn_;
  int queued_fetches_ = 0;
  std::optional<std::vector<BaseCollaborator>> directory_;
  LiveNotice live_;  // what the web app's open pages are told after the commit
};

// A pending attachment item whose URL is a file this server signed (attachments::ParseOwnUrl):
// replaced by the whole item of that file from the blob store, keeping its id (it stays pending
// if the file is gone). False when the URL is not this server's.
Result<bool> TakeOwnFile(BlobStore& blobs, IdGenerator& ids, attachments::Item& it);

// Replaces each person a collaborator cell names (by id, email or, with typecast, name; as
// EncodeCell stores them) by the base collaborator it names, as they are now; a person who
// cannot reach the base is refused (422). Repeated people are kept once.
Status ResolvePeople(const Field& field, SqlValue& value,
                     const std::vector<BaseCollaborator>& directory);

}  // namespace airbase::engine
