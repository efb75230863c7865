// The record writer (record_writer.h): encode, then inside one transaction resolve links, write,
// emit the changes, and commit.
#include "engine/record_writer.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/limits.h"
#include "engine/attachment_files.h"
#include "engine/linked_records.h"
#include "schema/attachments.h"
#include "schema/collaborators.h"

namespace airbase::engine {

namespace json = boost::json;

namespace {

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out.push_back(',');
    out += id;
  }
  return out;
}

Status UnknownField(std::string_view name) {
  return Error(ErrorCode::kUnknownFieldName, "Unknown field name: \"" + std::string(name) + "\"");
}

// A link cell's ids resolved against the linked table: record ids that exist, or with typecast
// the primary-field text of one of its records; duplicates dropped, order kept.
Result<std::vector<std::string>> ResolveIds(WriteTxn& txn, const Field& field, const Table& linked,
                                            const SqlValue& value, bool typecast) {
  const Field* primary = linked.FindField(linked.primary_field_id);
  std::vector<std::string> resolved;
  std::unordered_set<std::string> seen;
  for (const std::string& given : LinkIds(value)) {
    std::string id;
    if (IsId(given, "rec")) {
      ASSIGN_OR_RETURN(bool exists, txn.Exists(linked, given));
      if (exists) id = given;
    }
    if (id.empty() && typecast && primary) {
      ASSIGN_OR_RETURN(auto found, txn.FindEqual(linked, {{primary, SqlValue{given}}}, 1));
      if (!found.empty()) id = found[0];
    }
    if (id.empty())
      return Error(ErrorCode::kInvalidValueForColumn,
                   "Record ID " + given + " does not exist in table " + linked.name + " (field \"" +
                       field.name + "\")");
    if (seen.insert(id).second) resolved.push_back(id);
  }
  return resolved;
}

}  // namespace

Field* CellEncoder::MutableField(const std::string& key) {
  for (Field& f : table_.fields)
    if (f.id == key) return &f;
  for (Field& f : table_.fields)
    if (f.name == key) return &f;
  return nullptr;
}

Result<Cells> CellEncoder::Encode(const json::value& fields, bool replace) {
  if (!fields.is_object()) return Error(ErrorCode::kInvalidRecords);
  Cells cells;
  std::set<std::string> given;
  for (const auto& [key, value] : fields.as_object()) {
    Field* f = MutableField(std::string(key));
    if (!f) return UnknownField(key);
    bool changed = false;
    ASSIGN_OR_RETURN(SqlValue v, EncodeCell(*f, value, typecast_, *ids_, &changed));
    if (changed) changed_.insert(f->id);
    if (!given.insert(f->id).second) continue;
    cells.emplace_back(f, std::move(v));
  }
  if (replace)
    for (const Field& f : table_.fields)
      if (!IsComputed(f.type) && !given.count(f.id)) cells.emplace_back(&f, SqlValue{});
  return cells;
}

std::vector<const Field*> CellEncoder::ChangedFields() const {
  std::vector<const Field*> out;
  for (const Field& f : table_.fields)
    if (changed_.count(f.id)) out.push_back(&f);
  return out;
}

RecordWriter::RecordWriter(Env env, const CellEncoder& encoder,
                           std::vector<ChangeListener*> listeners, std::unique_ptr<WriteTxn> txn)
    : env_(std::move(env)),
      encoder_(encoder),
      table_(encoder.table()),
      listeners_(std::move(listeners)),
      txn_(std::move(txn)) {}

Result<std::unique_ptr<RecordWriter>> RecordWriter::Begin(Env env, const CellEncoder& encoder,
                                                          std::vector<ChangeListener*> listeners) {
  ASSIGN_OR_RETURN(auto txn, env.store->BeginWrite(env.schema->base.id));
  for (const Field* f : encoder.ChangedFields()) RETURN_IF_ERROR(txn->SaveFieldOptions(*f));
  // createdBy and lastModifiedBy name the user behind the token or session (a write with no
  // user, e.g. an import by the CLI, leaves them as they are).
  const bool by =
      std::any_of(encoder.table().fields.begin(), encoder.table().fields.end(), [](const Field& f) {
        return f.type == FieldType::kCreatedBy || f.type == FieldType::kLastModifiedBy;
      });
  if (by && !env.user_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<User> user, env.store->FindUser(env.user_id));
    if (user) txn->SetWriter(collaborators::Serialize({{user->id, user->email, user->name}}));
  }
  return std::unique_ptr<RecordWriter>(
      new RecordWriter(std::move(env), encoder, std::move(listeners), std::move(txn)));
}

// Resolves the link cells of `cells` in place and touches the linked records that gain or lose
// this one: the store keeps both sides of a pair, so their inverse cells change with this write.
Status RecordWriter::ResolveLinks(const std::string& record_id, Cells& cells, bool is_new) {
  for (auto& [field, value] : cells) {
    if (field->type != FieldType::kMultipleRecordLinks) continue;
    auto [linked, inverse] = LinkTarget(*env_.schema, *field);
    if (!linked)
      return Error(ErrorCode::kInvalidValueForColumn,
                   "Field \"" + field->name + "\" links to a table that no longer exists");
    ASSIGN_OR_RETURN(std::vector<std::string> resolved,
                     ResolveIds(*txn_, *field, *linked, value, encoder_.typecast()));
    value = resolved.empty() ? SqlValue{} : SqlValue{Join(resolved)};
    if (!inverse) continue;
    std::vector<std::string> before;
    if (!is_new) {
      ASSIGN_OR_RETURN(auto old, txn_->Read(table_, {field}, record_id));
      if (!old) continue;  // the update fails later and the transaction rolls back
      before = LinkIds((*old)[0]);
    }
    const std::unordered_set<std::string> was(before.begin(), before.end());
    const std::unordered_set<std::string> now_linked(resolved.begin(), resolved.end());
    const int64_t now = env_.clock->NowMs();
    for (const std::string& id : before)
      if (!now_linked.count(id)) RETURN_IF_ERROR(Touch(*linked, id, inverse, now));
    for (const std::string& id : resolved)
      if (!was.count(id)) RETURN_IF_ERROR(Touch(*linked, id, inverse, now));
  }
  return Status::Ok();
}

Result<const std::vector<BaseCollaborator>*> RecordWriter::Directory() {
  if (!directory_) {
    ASSIGN_OR_RETURN(auto all, env_.store->ListBaseCollaborators(env_.schema->base.id));
    directory_ = std::move(all);
  }
  return &*directory_;
}

Status ResolvePeople(const Field& field, SqlValue& value,
                     const std::vector<BaseCollaborator>& directory) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  std::vector<collaborators::Person> out;
  std::unordered_set<std::string> seen;
  for (const collaborators::Person& ref : collaborators::Parse(std::get<std::string>(value))) {
    const BaseCollaborator* found = nullptr;
    for (const BaseCollaborator& c : directory) {
      if (!ref.id.empty()      ? c.user.id == ref.id
          : !ref.email.empty() ? same(c.user.email, ref.email)
                               : same(c.user.name, ref.name)) {
        found = &c;
        break;
      }
    }
    if (!found) {
      const std::string& named = !ref.id.empty()      ? ref.id
                                 : !ref.email.empty() ? ref.email
                                                      : ref.name;
      return Error(ErrorCode::kInvalidValueForColumn,
                   "Field \"" + field.name + "\" cannot accept the provided value: \"" + named +
                       "\" is not a collaborator of this base");
    }
    if (seen.insert(found->user.id).second)
      out.push_back({found->user.id, found->user.email, found->user.name});
  }
  value = SqlValue{collaborators::Serialize(out)};
  return Status::Ok();
}

Status RecordWriter::ResolveCollaborators(Cells& cells) {
  for (auto& [field, value] : cells) {
    if (!HoldsPeople(field->type) || IsEmptyCell(*field, value)) continue;
    ASSIGN_OR_RETURN(const std::vector<BaseCollaborator>* dir, Directory());
    RETURN_IF_ERROR(ResolvePeople(*field, value, *dir));
  }
  return Status::Ok();
}

Result<bool> TakeOwnFile(BlobStore& blobs, IdGenerator& ids, attachments::Item& it) {
  auto ref = attachments::ParseOwnUrl(it.source);
  if (!ref) return false;
  // Stored again: that tells the orphan sweep the file is named now.
  ASSIGN_OR_RETURN(auto bytes, blobs.Get(ref->key));
  if (!bytes) return true;  // gone: `it` stays pending
  ASSIGN_OR_RETURN(attachments::Item whole, StoreFile(blobs, ids, *bytes, it.filename, ref->type));
  whole.id = it.id;
  it = std::move(whole);
  return true;
}

// Replaces the {"id"} placeholders of attachment cells by the items the record's cell holds
// (attachments.h); an id it does not hold is refused, so a write never names another record's
// file. Items written whole (uploads, fetched URLs) pass as they are; a repeated id is kept once.
// A new pending item (a {"url"} the client sent) is this server's own file (TakeOwnFile) or is
// queued for the fetcher in this transaction, so the fetch happens exactly when the cell that
// names it is committed.
Status RecordWriter::ResolveAttachments(const std::string& record_id, Cells& cells, bool is_new) {
  for (auto& [field, value] : cells) {
    if (field->type != FieldType::kMultipleAttachments || IsEmptyCell(*field, value)) continue;
    std::vector<attachments::Item> items = attachments::Parse(std::get<std::string>(value));
    std::vector<attachments::Item> held;
    bool read = false;
    std::vector<attachments::Item> out;
    std::unordered_set<std::string> seen;
    for (attachments::Item& it : items) {
      if (!it.hash.empty()) {
        // A whole item (an upload, a fetched file): as it is.
      } else {
        if (!read && !is_new) {
          ASSIGN_OR_RETURN(auto old, txn_->Read(table_, {field}, record_id));
          if (old && !IsEmptyCell(*field, (*old)[0]))
            held = attachments::Parse(std::get<std::string>((*old)[0]));
          read = true;
        }
        auto found = std::find_if(held.begin(), held.end(),
                                  [&](const attachments::Item& h) { return h.id == it.id; });
        if (found != held.end()) {
          it = *found;  // kept (a pending item stays pending, already queued)
        } else if (!attachments::IsPending(it)) {
          return Error(ErrorCode::kInvalidValueForColumn,
                       "Attachment " + it.id + " does not exist in field \"" + field->name +
                           "\" of this record; new files are added by url or uploadAttachment");
        } else {
          // This server's own file (a URL copied from a cell) is taken at once; any other URL
          // is fetched.
          ASSIGN_OR_RETURN(bool own, TakeOwnFile(env_.store->Blobs(), *env_.ids, it));
          if (own && it.hash.empty())
            return Error(ErrorCode::kInvalidValueForColumn, "Field \"" + field->name +
                                                                "\": the file at " + it.filename +
                                                                "'s URL no longer exists");
          if (!own) {
            AttachmentFetch fetch{it.id,     env_.schema->base.id, table_.id, record_id, field->id,
                                  it.source, env_.user_id};
            RETURN_IF_ERROR(
                txn_->QueueAttachmentFetch(fetch, env_.clock->NowMs() + kAttachmentFetchDelayMs));
            ++queued_fetches_;
          }
        }
      }
      if (seen.insert(it.id).second) out.push_back(std::move(it));
    }
    value = SqlValue{attachments::Serialize(out)};
  }
  return Status::Ok();
}

// Before a record goes: every link field of the base that points at its table may hold it;
// those cells change (the store deletes the links with the record), so their records count as
// modified.
Status RecordWriter::TouchLinkersOf(const std::string& record_id) {
  const int64_t now = env_.clock->NowMs();
  for (const Table& other : env_.schema->tables) {
    for (const Field& f : other.fields) {
      if (f.type != FieldType::kMultipleRecordLinks) continue;
      if (LinkedTableId(f) != table_.id) continue;
      ASSIGN_OR_RETURN(std::vector<std::string> holders, txn_->LinkedFrom(f, record_id));
      for (const std::string& id : holders)
        if (id != record_id || other.id != table_.id) RETURN_IF_ERROR(Touch(other, id, &f, now));
    }
  }
  return Status::Ok();
}

Status RecordWriter::Touch(const Table& table, const std::string& id, const Field* field,
                           int64_t now) {
  RETURN_IF_ERROR(txn_->Touch(table, id, {field}, now));
  live_.Updated(table.id, id);
  return Status::Ok();
}

void RecordWriter::Emit(ChangeEvent::Kind kind, const std::string& id, int64_t at_ms, Cells cells) {
  if (listeners_.empty()) return;
  ChangeEvent e{kind, id, at_ms, std::move(cells)};
  for (ChangeListener* l : listeners_) l->OnChange(e);
}

Result<std::string> RecordWriter::Create(Cells cells) {
  std::string id = env_.ids->Next("rec");
  RETURN_IF_ERROR(ResolveLinks(id, cells, /*is_new=*/true));
  RETURN_IF_ERROR(ResolveAttachments(id, cells, /*is_new=*/true));
  RETURN_IF_ERROR(ResolveCollaborators(cells));
  const int64_t now = env_.clock->NowMs();
  RETURN_IF_ERROR(txn_->Insert(table_, id, cells, now));
  live_.Created(table_.id, id);
  Emit(ChangeEvent::Kind::kCreated, id, now, std::move(cells));
  return id;
}

Result<bool> RecordWriter::Update(const std::string& record_id, Cells cells) {
  for (ChangeListener* l : listeners_) RETURN_IF_ERROR(l->BeforeUpdate(table_, {record_id}));
  RETURN_IF_ERROR(ResolveLinks(record_id, cells, /*is_new=*/false));
  RETURN_IF_ERROR(ResolveAttachments(record_id, cells, /*is_new=*/false));
  RETURN_IF_ERROR(ResolveCollaborators(cells));
  const int64_t now = env_.clock->NowMs();
  ASSIGN_OR_RETURN(bool found, txn_->Update(table_, record_id, cells, now));
  if (!found) return false;
  live_.Updated(table_.id, record_id);
  Emit(ChangeEvent::Kind::kUpdated, record_id, now, std::move(cells));
  return found;
}

Result<bool> RecordWriter::Delete(const std::string& record_id) {
  RETURN_IF_ERROR(TouchLinkersOf(record_id));
  ASSIGN_OR_RETURN(bool found, txn_->Delete(table_, record_id));
  if (!found) return false;
  live_.Destroyed(table_.id, record_id);
  Emit(ChangeEvent::Kind::kDestroyed, record_id, env_.clock->NowMs(), {});
  return found;
}

Result<std::optional<SqlValue>> RecordWriter::ReadCell(const std::string& record_id,
                                                       const Field& field) {
  ASSIGN_OR_RETURN(auto row, txn_->Read(table_, {&field}, record_id));
  if (!row) return std::optional<SqlValue>();
  return std::optional<SqlValue>(std::move((*row)[0]));
}

Result<std::vector<std::string>> RecordWriter::FindEqual(const Cells& values, int limit) {
  return txn_->FindEqual(table_, values, limit);
}

Status RecordWriter::Commit() {
  for (ChangeListener* l : listeners_) RETURN_IF_ERROR(l->BeforeCommit(table_, *txn_));
  RETURN_IF_ERROR(txn_->Commit());
  for (ChangeListener* l : listeners_) l->AfterCommit();
  if (!encoder_.ChangedFields().empty()) live_.SchemaChanged();  // typecast added choices
  live_.Publish(*env_.store, env_.schema->base.id, env_.origin);
  return Status::Ok();
}

}  // namespace airbase::engine
