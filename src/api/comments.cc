// The record comments endpoints (airtable-api.md §8): list (newest first, paged with a signed
// offset), create (optionally as a reply), edit and delete (the author only). Mentions are written
// in the text as @[usrXXXXXXXXXXXXXX] and answered in `mentioned` for users that exist.
#include <algorithm>
#include <cstring>
#include <map>

#include "api/handlers.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/limits.h"
#include "common/time_util.h"

namespace airbase::api {

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

// Looks users up once per request.
class Users {
 public:
  explicit Users(Store* store) : store_(store) {}
  Result<const User*> Find(const std::string& id) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
      ASSIGN_OR_RETURN(std::optional<User> u, store_->FindUser(id));
      it = cache_.emplace(id, std::move(u)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  Store* store_;
  std::map<std::string, std::optional<User>> cache_;
};

// The ids mentioned as @[usrXXXXXXXXXXXXXX], in order of first appearance.
std::vector<std::string> Mentions(std::string_view text) {
  std::vector<std::string> out;
  for (size_t at = text.find("@[usr"); at != std::string_view::npos;
       at = text.find("@[usr", at + 2)) {
    std::string_view id = text.substr(at + 2, 17);
    if (at + 2 + 17 < text.size() && text[at + 2 + 17] == ']' && IsId(id, "usr") &&
        std::find(out.begin(), out.end(), id) == out.end())
      out.emplace_back(id);
  }
  return out;
}

Status WriteComment(JsonWriter& w, const CommentRecord& c, Users& users) {
  ASSIGN_OR_RETURN(const User* author, users.Find(c.author_id));
  w.BeginObject();
  w.Key("id");
  w.String(c.id);
  w.Key("author");
  w.BeginObject();
  w.Key("id");
  w.String(c.author_id);
  w.Key("email");
  w.String(author ? author->email : "");
  if (author) {
    w.Key("name");
    w.String(author->name);
  }
  w.EndObject();
  w.Key("text");
  w.String(c.text);
  w.Key("createdTime");
  w.String(FormatIsoMs(c.created_ms));
  w.Key("lastUpdatedTime");
  if (c.updated_ms)
    w.String(FormatIsoMs(c.updated_ms));
  else
    w.Null();
  if (!c.parent_id.empty()) {
    w.Key("parentCommentId");
    w.String(c.parent_id);
  }
  std::vector<std::string> mentions = Mentions(c.text);
  bool opened = false;
  for (const std::string& id : mentions) {
    ASSIGN_OR_RETURN(const User* u, users.Find(id));
    if (!u) continue;
    if (!opened) {
      w.Key("mentioned");
      w.BeginObject();
      opened = true;
    }
    w.Key(id);
    w.BeginObject();
    w.Key("type");
    w.String("user");
    w.Key("id");
    w.String(id);
    w.Key("displayName");
    w.String(u->name);
    w.Key("email");
    w.String(u->email);
    w.EndObject();
  }
  if (opened) w.EndObject();
  w.EndObject();
  return Status::Ok();
}

Result<std::string> CommentJson(Call& c, const CommentRecord& comment) {
  Users users(c.svc.store);
  std::string out;
  JsonWriter w(&out);
  RETURN_IF_ERROR(WriteComment(w, comment, users));
  return out;
}

// The table and an existing record of it (404 "Record not found" otherwise).
Result<const Table*> ResolveRecord(Call& c, const std::string& table_key,
                                   const std::string& record_id) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(*t, {}, {record_id}));
  if (rows.empty()) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  return t;
}

// A comment on this record; the caller must be its author to change it.
Result<CommentRecord> ResolveOwnComment(Call& c, const Table& t, const std::string& record_id,
                                        const std::string& comment_id) {
  ASSIGN_OR_RETURN(std::optional<CommentRecord> found, c.svc.store->FindComment(comment_id));
  if (!found || found->table_id != t.id || found->record_id != record_id)
    return Error(ErrorCode::kModelIdNotFound, "Comment not found");
  if (found->author_id != c.principal.user_id())
    return Error(ErrorCode::kInvalidPermissions, "Only the author of a comment can change it");
  return *found;
}

Result<std::string> TextOf(const json::object& body) {
  const json::value* text = body.if_contains("text");
  if (!text || !text->is_string() || text->as_string().empty())
    return Invalid("A comment needs a non-empty \"text\"");
  if (text->as_string().size() > kMaxCommentLength)
    return Invalid("A comment holds at most " + std::to_string(kMaxCommentLength) + " characters");
  return std::string(text->as_string());
}

uint32_t RecordFingerprint(const std::string& table_id, const std::string& record_id) {
  std::string h = Sha256("comments|" + table_id + "|" + record_id);
  uint32_t fp;
  std::memcpy(&fp, h.data(), sizeof fp);
  return fp;
}

}  // namespace

Result<std::string> ListComments(Call& c, const std::string& table_key,
                                 const std::string& record_id) {
  ASSIGN_OR_RETURN(const Table* t, ResolveRecord(c, table_key, record_id));
  int64_t page_size = kMaxCommentsPageSize;
  if (auto ps = c.query.Get("pageSize")) {
    char* end = nullptr;
    long v = std::strtol(ps->c_str(), &end, 10);
    if (ps->empty() || *end || v < 1 || v > kMaxCommentsPageSize)
      return Invalid("pageSize must be an integer from 1 to " +
                     std::to_string(kMaxCommentsPageSize));
    page_size = v;
  }
  ASSIGN_OR_RETURN(std::string key, c.svc.store->ServerKey());
  const uint32_t fp = RecordFingerprint(t->id, record_id);
  const int64_t now = c.svc.clock->NowMs();
  OffsetState pos;
  if (auto offset = c.query.Get("offset"); offset && !offset->empty()) {
    ASSIGN_OR_RETURN(pos, DecodeOffset(key, fp, *offset, now));
  }
  ASSIGN_OR_RETURN(std::vector<CommentRecord> rows,
                   c.svc.store->ListComments(t->id, record_id, pos.cursor,
                                             static_cast<int>(page_size + 1)));
  const bool more = static_cast<int64_t>(rows.size()) > page_size;
  if (more) rows.pop_back();
  Users users(c.svc.store);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("comments");
  w.BeginArray();
  for (const CommentRecord& r : rows) RETURN_IF_ERROR(WriteComment(w, r, users));
  w.EndArray();
  w.Key("offset");
  if (more)
    w.String(EncodeOffset(key, fp, pos.position + static_cast<int64_t>(rows.size()),
                          rows.back().seq, now + kIteratorLifetimeMs, rows.back().id));
  else
    w.Null();  // present and null on the last page (clients require the key)
  w.EndObject();
  return out;
}

Result<std::string> CreateComment(Call& c, const std::string& table_key,
                                  const std::string& record_id) {
  ASSIGN_OR_RETURN(const Table* t, ResolveRecord(c, table_key, record_id));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  for (const auto& [k, v] : body)
    if (k != "text" && k != "parentCommentId") return Invalid("Unknown key \"" + std::string(k) + "\"");
  CommentRecord comment;
  ASSIGN_OR_RETURN(comment.text, TextOf(body));
  if (const json::value* parent = body.if_contains("parentCommentId"); parent && !parent->is_null()) {
    if (!parent->is_string()) return Invalid("parentCommentId must be a comment id");
    ASSIGN_OR_RETURN(auto found, c.svc.store->FindComment(std::string(parent->as_string())));
    if (!found || found->table_id != t->id || found->record_id != record_id)
      return Invalid("parentCommentId must be a comment on this record");
    // Threads are one level deep: a reply to a reply joins its parent's thread.
    comment.parent_id = found->parent_id.empty() ? found->id : found->parent_id;
  }
  comment.id = c.svc.ids->Next("com");
  comment.base_id = c.schema->base.id;
  comment.table_id = t->id;
  comment.record_id = record_id;
  comment.author_id = c.principal.user_id();
  comment.created_ms = c.svc.clock->NowMs();
  RETURN_IF_ERROR(c.svc.store->CreateComment(comment));
  return CommentJson(c, comment);
}

Result<std::string> UpdateComment(Call& c, const std::string& table_key,
                                  const std::string& record_id, const std::string& comment_id) {
  ASSIGN_OR_RETURN(const Table* t, ResolveRecord(c, table_key, record_id));
  ASSIGN_OR_RETURN(CommentRecord comment, ResolveOwnComment(c, *t, record_id, comment_id));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  ASSIGN_OR_RETURN(comment.text, TextOf(body));
  comment.updated_ms = c.svc.clock->NowMs();
  RETURN_IF_ERROR(c.svc.store->UpdateComment(comment.id, comment.text, comment.updated_ms));
  return CommentJson(c, comment);
}

Result<std::string> DeleteComment(Call& c, const std::string& table_key,
                                  const std::string& record_id, const std::string& comment_id) {
  ASSIGN_OR_RETURN(const Table* t, ResolveRecord(c, table_key, record_id));
  ASSIGN_OR_RETURN(CommentRecord comment, ResolveOwnComment(c, *t, record_id, comment_id));
  RETURN_IF_ERROR(c.svc.store->DeleteComment(comment.id));
  return json::serialize(json::object{{"id", comment.id}, {"deleted", true}});
}

}  // namespace airbase::api
