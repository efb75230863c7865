// The base export (base_export.h): the schema with every id, then, table by table, the records a
// page at a time (the cells each field stores, as V1 JSON by field id) and their comments.
#include "cli/base_export.h"

#include <boost/json.hpp>
#include <set>

#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/time_util.h"
#include "schema/attachments.h"

namespace airbase::cli {

namespace json = boost::json;

namespace {

constexpr int kVersion = 1;
constexpr int64_t kPage = 500;

// The cells an export carries: what a field stores (typed-in values, links, attachments, and the
// stored computed cells: lastModifiedTime, createdBy, lastModifiedBy). Formulas, lookups,
// rollups, counts and buttons are recomputed from them; autoNumber and createdTime come from the
// record.
bool Exported(const Field& f) {
  return !IsComputedAtRead(f.type) && f.type != FieldType::kAutoNumber &&
         f.type != FieldType::kCreatedTime;
}

// An attachment cell as its stored items: with the content key, not a URL that expires. The keys
// go to `files` (with --files).
void WriteAttachments(const SqlValue& v, JsonWriter& w, std::set<std::string>* files) {
  w.BeginArray();
  for (const attachments::Item& it : attachments::Parse(std::get<std::string>(v))) {
    if (files && !attachments::IsPending(it)) files->insert(it.hash);
    w.BeginObject();
    w.Key("id");
    w.String(it.id);
    w.Key("filename");
    w.String(it.filename);
    if (attachments::IsPending(it)) {
      w.Key("url");
      w.String(it.source);
    } else {
      w.Key("hash");
      w.String(it.hash);
      w.Key("size");
      w.Int(it.size);
      w.Key("type");
      w.String(it.type);
      if (it.width > 0) {
        w.Key("width");
        w.Int(it.width);
        w.Key("height");
        w.Int(it.height);
      }
    }
    w.EndObject();
  }
  w.EndArray();
}

Status WriteComments(Store& store, const Table& t, const std::string& record_id, JsonWriter& w) {
  std::vector<CommentRecord> all;
  int64_t before = 0;
  while (true) {
    ASSIGN_OR_RETURN(auto page, store.ListComments(t.id, record_id, before, 100));
    all.insert(all.end(), page.begin(), page.end());
    if (page.size() < 100) break;
    before = page.back().seq;
  }
  w.Key("comments");
  w.BeginArray();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {  // oldest first
    w.BeginObject();
    w.Key("id");
    w.String(it->id);
    w.Key("authorId");
    w.String(it->author_id);
    w.Key("text");
    w.String(it->text);
    if (!it->parent_id.empty()) {
      w.Key("parentCommentId");
      w.String(it->parent_id);
    }
    w.Key("createdTime");
    w.String(FormatIsoMs(it->created_ms));
    if (it->updated_ms) {
      w.Key("lastUpdatedTime");
      w.String(FormatIsoMs(it->updated_ms));
    }
    w.EndObject();
  }
  w.EndArray();
  return Status::Ok();
}

Status WriteRecords(Store& store, const Table& t, const ExportOptions& options, JsonWriter& w,
                    std::string& buf, std::FILE* out, std::set<std::string>* files) {
  ListQuery q;
  for (const Field& f : t.fields)
    if (Exported(f)) q.fields.push_back(&f);
  q.limit = kPage;
  w.Key("records");
  w.BeginArray();
  while (true) {
    ASSIGN_OR_RETURN(std::vector<StoredRecord> page, store.List(t, q));
    std::vector<int64_t> counts(page.size(), 0);
    if (options.comments && !page.empty()) {
      std::vector<std::string> ids;
      for (const StoredRecord& r : page) ids.push_back(r.id);
      ASSIGN_OR_RETURN(counts, store.CountComments(t.id, ids));
    }
    for (size_t i = 0; i < page.size(); ++i) {
      const StoredRecord& r = page[i];
      w.BeginObject();
      w.Key("id");
      w.String(r.id);
      w.Key("createdTime");
      w.String(FormatIsoMs(r.created_ms));
      w.Key("fields");
      w.BeginObject();
      for (size_t c = 0; c < q.fields.size(); ++c) {
        const Field& f = *q.fields[c];
        if (IsEmptyCell(f, r.cells[c])) continue;
        w.Key(f.id);
        if (f.type == FieldType::kMultipleAttachments)
          WriteAttachments(r.cells[c], w, files);
        else
          WriteCell(f, r.cells[c], w);
      }
      w.EndObject();
      if (options.comments && counts[i] > 0) RETURN_IF_ERROR(WriteComments(store, t, r.id, w));
      w.EndObject();
    }
    w.Flush();
    std::fwrite(buf.data(), 1, buf.size(), out);  // a page at a time: memory stays flat
    buf.clear();
    if (page.size() < static_cast<size_t>(kPage)) break;
    q.after_rowid = page.back().rowid;
  }
  w.EndArray();
  return Status::Ok();
}

}  // namespace

Status ExportBase(Store& store, const std::string& base_id, const ExportOptions& options,
                  std::FILE* out) {
  ASSIGN_OR_RETURN(auto schema, store.LoadSchema(base_id));
  if (!schema) return Error(ErrorCode::kNotFound, "no base " + base_id);
  ASSIGN_OR_RETURN(auto workspace, store.FindWorkspace(schema->base.workspace_id));
  std::string buf;
  std::set<std::string> files;  // content keys the cells name (with --files)
  JsonWriter w(&buf);
  w.BeginObject();
  w.Key("format");
  w.String("airbase.base");
  w.Key("version");
  w.Int(kVersion);
  w.Key("workspace");
  w.Raw(json::serialize(json::object{{"id", schema->base.workspace_id},
                                     {"name", workspace ? workspace->name : std::string()}}));
  w.Key("base");
  w.Raw(json::serialize(json::object{{"id", schema->base.id}, {"name", schema->base.name}}));
  w.Key("tables");
  w.BeginArray();
  for (const Table& t : schema->tables) {
    json::array fields, views;
    for (const Field& f : t.fields) fields.push_back(f.ToJson());
    for (const View& v : t.views) views.push_back(v.ToJson());
    w.BeginObject();
    w.Key("id");
    w.String(t.id);
    w.Key("name");
    w.String(t.name);
    if (!t.description.empty()) {
      w.Key("description");
      w.String(t.description);
    }
    w.Key("primaryFieldId");
    w.String(t.primary_field_id);
    w.Key("fields");
    w.Raw(json::serialize(fields));
    w.Key("views");
    w.Raw(json::serialize(views));
    if (options.records)
      RETURN_IF_ERROR(
          WriteRecords(store, t, options, w, buf, out, options.files ? &files : nullptr));
    w.EndObject();
  }
  w.EndArray();
  if (options.files) {  // one file at a time: memory stays that of the largest
    w.Key("files");
    w.BeginObject();
    for (const std::string& key : files) {
      ASSIGN_OR_RETURN(auto bytes, store.Blobs().Get(key));
      if (!bytes) continue;  // named by a cell but gone: the item reads as missing anyway
      w.Key(key);
      w.String(Base64Encode(*bytes));
      w.Flush();
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
    w.EndObject();
  }
  w.EndObject();
  buf.push_back('\n');
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (std::fflush(out) != 0) return Error(ErrorCode::kInternal, "could not write the export");
  return Status::Ok();
}

}  // namespace airbase::cli
