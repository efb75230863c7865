// Attachments over HTTP: uploadAttachment (airtable-api.md §4.9), which stores a file and adds it
// to a record's attachment cell, and GET /files/..., which serves the files and thumbnails that
// attachment cells name under signed, expiring URLs (schema/attachments.h).
#include <boost/url.hpp>

#include "api/handlers.h"
#include "api/webhooks.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/limits.h"
#include "common/time_util.h"
#include "engine/attachment_files.h"
#include "engine/record_writer.h"

namespace airbase::api {

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

Result<std::string> StringMember(const json::object& body, const char* key) {
  const json::value* v = body.if_contains(key);
  if (!v || !v->is_string())
    return Invalid(std::string("The request body needs \"") + key + "\" as a string");
  return std::string(v->as_string());
}

}  // namespace

Result<std::string> UploadAttachment(Call& c, const std::string& record_id,
                                     const std::string& field_key) {
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  for (const auto& [k, v] : body)
    if (k != "contentType" && k != "file" && k != "filename")
      return Invalid("Unknown key \"" + std::string(k) + "\" in the upload");
  ASSIGN_OR_RETURN(std::string type, StringMember(body, "contentType"));
  ASSIGN_OR_RETURN(std::string file, StringMember(body, "file"));
  ASSIGN_OR_RETURN(std::string filename, StringMember(body, "filename"));
  if (filename.empty() || filename.size() > kMaxNameLength)
    return Invalid("filename must be 1 to 255 characters");
  if (type.size() > kMaxNameLength) return Invalid("contentType is too long");
  if (file.size() > (kMaxUploadBytes + 2) / 3 * 4 + kMaxUploadBytes / 38)  // + line breaks
    return Error(ErrorCode::kRequestTooLarge,
                 "The file is larger than 5 MB; attach larger files by URL");
  std::optional<std::string> bytes = Base64Decode(file);
  if (!bytes) return Invalid("file must be the file's bytes in base64");
  if (bytes->size() > kMaxUploadBytes)
    return Error(ErrorCode::kRequestTooLarge,
                 "The file is larger than 5 MB; attach larger files by URL");

  // The record may be in any table of the base (the path names none).
  const Table* table = nullptr;
  for (const Table& t : c.schema->tables) {
    ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(t, {}, {record_id}));
    if (!rows.empty()) {
      table = &t;
      break;
    }
  }
  if (!table) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  const Field* field = table->FindField(field_key);
  if (!field)
    return Error(ErrorCode::kUnknownFieldName, "Unknown field name: \"" + field_key + "\"");
  if (field->type != FieldType::kMultipleAttachments)
    return Error(ErrorCode::kInvalidValueForColumn,
                 "Field \"" + field->name + "\" is not an attachment field");

  // The file is durable before any cell names it: a crash between the two leaves at most a file
  // that no cell names (removed later by the orphan sweep), never a cell without its file.
  ASSIGN_OR_RETURN(attachments::Item item,
                   engine::StoreFile(c.svc.store->Blobs(), *c.svc.ids, *bytes, std::move(filename),
                                     std::move(type)));
  engine::CellEncoder enc(*table, c.svc.ids, false);
  const Field* f = enc.table().FindField(field->id);
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, engine::RecordWriter::Begin(
                                    {c.svc.store, c.schema, c.svc.clock, c.svc.ids,
                                     c.principal.user_id(), engine::OriginOf(c.req.client)},
                                    enc, {&changes}));
  ASSIGN_OR_RETURN(auto old, writer->ReadCell(record_id, *f));
  if (!old) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  std::vector<attachments::Item> items;
  if (!IsEmptyCell(*f, *old)) items = attachments::Parse(std::get<std::string>(*old));
  if (items.size() >= kMaxAttachmentsPerCell)
    return Error(ErrorCode::kInvalidValueForColumn,
                 "Field \"" + f->name + "\" holds the most attachments a cell can hold");
  items.push_back(std::move(item));
  engine::Cells cells;
  cells.emplace_back(f, SqlValue{attachments::Serialize(items)});
  ASSIGN_OR_RETURN(bool found, writer->Update(record_id, std::move(cells)));
  if (!found) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  RETURN_IF_ERROR(writer->Commit());

  // {"id", "createdTime", "fields": {"<field id>": [...]}}: the attachment field only, by id.
  ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(*table, {field}, {record_id}));
  if (rows.empty()) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("id");
  w.String(rows[0].id);
  w.Key("createdTime");
  w.String(FormatIsoMs(rows[0].created_ms));
  w.Key("fields");
  w.BeginObject();
  if (!IsEmptyCell(*field, rows[0].cells[0])) {
    w.Key(field->id);
    WriteCell(*field, rows[0].cells[0], w);
  }
  w.EndObject();
  w.EndObject();
  return out;
}

}  // namespace airbase::api

namespace airbase::api {

namespace {

// "bytes=A-B", "bytes=A-" or "bytes=-N" of a file of `size` bytes: [first, last]. nullopt for
// no single range (the whole file is sent); {-1,-1} for one that cannot be satisfied.
std::optional<std::pair<int64_t, int64_t>> ParseRange(std::string_view h, int64_t size) {
  if (!h.starts_with("bytes=")) return std::nullopt;
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) return std::nullopt;  // several: send it all
  size_t dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto num = [](std::string_view s) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char ch : s) {
      if (ch < '0' || ch > '9') return std::nullopt;
      v = v * 10 + (ch - '0');
    }
    return v;
  };
  std::string_view a = h.substr(0, dash), b = h.substr(dash + 1);
  const std::pair<int64_t, int64_t> unsatisfiable{-1, -1};
  if (a.empty()) {  // the last N bytes
    auto n = num(b);
    if (!n) return std::nullopt;
    if (*n == 0 || size == 0) return unsatisfiable;
    return std::make_pair(std::max<int64_t>(0, size - *n), size - 1);
  }
  auto first = num(a);
  if (!first) return std::nullopt;
  int64_t last = size - 1;
  if (!b.empty()) {
    auto l = num(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, size - 1);
  }
  if (*first >= size) return unsatisfiable;
  return std::make_pair(*first, last);
}

Response FileError(int status, const char* type, const char* message) {
  Response r;
  r.status = status;
  r.body = std::string(R"({"error":{"type":")") + type + R"(","message":")" + message + "\"}}";
  return r;
}

// Types a browser may show in place; any other file is a download, so an uploaded page or
// script never runs as this server's origin (the sandbox policy stops it either way).
bool ShownInline(std::string_view type) {
  if (type.starts_with("image/")) return type != "image/svg+xml";
  return type.starts_with("video/") || type.starts_with("audio/") || type == "application/pdf" ||
         type == "text/plain";
}

bool SafeHeaderValue(std::string_view s) {
  for (unsigned char ch : s)
    if (ch < 0x20 || ch == 0x7f) return false;
  return true;
}

}  // namespace

// GET|HEAD /files/{key}/{filename}?type=&expires=&sig=: no token; the signature is the grant.
Response ServeFile(const Services& svc, const Request& req, const std::vector<std::string>& segs,
                   const Query& query) {
  if (segs.size() != 3 || !IsBlobKey(segs[1]))
    return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
  const std::string& key = segs[1];
  const std::string& filename = segs[2];
  std::string type = query.Get("type").value_or("");
  bool expired = false;
  auto ref = attachments::Verify(key, filename, type, query.Get("expires").value_or(""),
                                 query.Get("sig").value_or(""), &expired);
  if (!ref) {
    if (expired)
      return FileError(410, "URL_EXPIRED",
                       "This attachment URL has expired; read the record again for a new one");
    return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
  }
  if (!SafeHeaderValue(type) || !SafeHeaderValue(filename))
    return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
  BlobStore& blobs = svc.store->Blobs();
  const size_t dot = key.find('.');
  std::optional<std::string> thumb;
  int64_t size = 0;
  if (dot != std::string::npos) {
    auto made = engine::Thumbnail(blobs, key.substr(0, dot), key.substr(dot + 1));
    if (!made.ok()) return ErrorResponse(made.status());
    if (!*made) return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
    thumb = std::move(**made);
    size = static_cast<int64_t>(thumb->size());
  } else {
    auto s = blobs.Size(key);
    if (!s.ok()) return ErrorResponse(s.status());
    if (!*s) return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
    size = **s;
  }
  Response r;
  r.content_type = type.empty() ? "application/octet-stream" : type;
  if (thumb)  // thumbnails are JPEG or PNG whatever the file's type claimed
    r.content_type = thumb->starts_with("\xff\xd8") ? "image/jpeg" : "image/png";
  const std::string quoted = [&] {
    std::string q;
    for (char ch : filename) q += (ch == '"' || ch == '\\') ? '_' : ch;
    return q;
  }();
  r.extra_headers = "Accept-Ranges: bytes\r\nContent-Disposition: " +
                    std::string(ShownInline(type) ? "inline" : "attachment") + "; filename=\"" +
                    quoted + "\"; filename*=UTF-8''" +
                    boost::urls::encode(filename, boost::urls::unreserved_chars) +
                    "\r\nContent-Security-Policy: sandbox; default-src 'none'; img-src 'self'; "
                    "media-src 'self'\r\nX-Content-Type-Options: nosniff\r\n"
                    "Cache-Control: private, max-age=3600\r\n";
  int64_t first = 0, last = size - 1;
  if (auto range = ParseRange(req.range, size)) {
    if (range->first < 0) {
      Response bad = FileError(416, "RANGE_NOT_SATISFIABLE", "The range is outside the file");
      bad.extra_headers = "Content-Range: bytes */" + std::to_string(size) + "\r\n";
      return bad;
    }
    std::tie(first, last) = *range;
    r.status = 206;
    r.extra_headers += "Content-Range: bytes " + std::to_string(first) + "-" +
                       std::to_string(last) + "/" + std::to_string(size) + "\r\n";
  }
  const int64_t length = size == 0 ? 0 : last - first + 1;
  if (req.method == "HEAD") {
    r.head_length = length;
    return r;
  }
  if (thumb) {
    r.body = thumb->substr(static_cast<size_t>(first), static_cast<size_t>(length));
  } else if (length > 0) {
    auto bytes = blobs.Get(key, first, length);
    if (!bytes.ok()) return ErrorResponse(bytes.status());
    if (!*bytes) return FileError(404, "NOT_FOUND", "Could not find what you are looking for");
    r.body = std::move(**bytes);
  }
  return r;
}

}  // namespace airbase::api
