// The clone (clone.h): a Source (throttled, retrying GETs of the source's API), the work
// directory (schema.json, one <tbl>.jsonl of document records per table, state.json with each
// table's list offset and bytes kept), and the conversion of API records into document records.
#include "cli/clone.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "api/outbound.h"
#include "cli/base_import.h"
#include "common/crypto.h"
#include "common/json_util.h"
#include "common/limits.h"
#include "common/time_util.h"

namespace airbase::cli {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

Status Bad(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

// The source's API, one GET at a time: at most kCloneRequestsPerSecond, a 429 waited out for its
// Retry-After, a failed exchange (no answer, 5xx) tried again a few times.
class Source {
 public:
  Source(std::string origin, std::string token, CloneReport* report)
      : origin_(std::move(origin)), token_(std::move(token)), report_(report) {
    while (!origin_.empty() && origin_.back() == '/') origin_.pop_back();
  }

  // The JSON answer to GET `target` (path and query); a 4xx is an error carrying its message.
  Result<json::value> Get(const std::string& target) {
    for (int tries = 0;; ++tries) {
      Throttle();
      ASSIGN_OR_RETURN(auto dest, api::ResolveDestination(origin_ + target, true, "--from"));
      ++report_->requests;
      api::GetResult r = api::Get(dest, std::chrono::seconds(kCloneRequestTimeoutSeconds),
                                  kCloneMaxAnswerBytes, {{"Authorization", "Bearer " + token_}});
      if (r.status == 429 && tries < kCloneMaxRateLimitWaits) {
        ++report_->waits;
        const int wait = r.retry_after > 0 ? r.retry_after : kRateLimitPenaltySeconds;
        std::this_thread::sleep_for(std::chrono::seconds(wait));
        continue;
      }
      if ((r.status == 0 || r.status >= 500) && tries < kCloneMaxTries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500 << tries));
        continue;
      }
      if (r.status == 0)
        return Error(ErrorCode::kRetriable, "the source did not answer: " + r.error);
      boost::system::error_code ec;
      json::value v = json::parse(r.body, ec);
      if (r.status != 200) {
        std::string what = r.body.substr(0, 300);
        if (!ec && v.is_object())
          if (const json::value* e = v.as_object().if_contains("error")) what = json::serialize(*e);
        return Error(r.status == 422 ? ErrorCode::kInvalidArgument : ErrorCode::kNotFound,
                     "the source answered " + std::to_string(r.status) + " to GET " +
                         target.substr(0, target.find('?')) + ": " + what);
      }
      if (ec)
        return Error(ErrorCode::kInternal, "the source's answer to " + target + " is not JSON");
      return v;
    }
  }

  // A file's bytes (attachment URLs are signed: no token is sent with them).
  Result<std::string> Download(std::string url) {
    for (int hops = 0; hops <= kMaxAttachmentRedirects; ++hops) {
      for (int tries = 0;; ++tries) {
        ASSIGN_OR_RETURN(auto dest, api::ResolveDestination(url, true, "an attachment URL"));
        api::GetResult r = api::Get(dest, std::chrono::seconds(kAttachmentFetchTimeoutSeconds),
                                    kMaxFetchedFileBytes);
        if ((r.status == 0 || r.status >= 500) && tries < kCloneMaxTries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(500 << tries));
          continue;
        }
        if (r.status >= 300 && r.status < 400 && !r.location.empty()) {
          url = r.location;
          break;
        }
        if (r.status != 200)
          return Error(ErrorCode::kNotFound,
                       "the attachment at " + url.substr(0, 120) + " could not be downloaded (" +
                           (r.error.empty() ? std::to_string(r.status) : r.error) + ")");
        return std::move(r.body);
      }
    }
    return Error(ErrorCode::kNotFound, "too many redirects for an attachment");
  }

 private:
  void Throttle() {
    const auto now = std::chrono::steady_clock::now();
    if (next_ > now) std::this_thread::sleep_for(next_ - now);
    // A little under the limit: the source counts arrivals, which network jitter can bunch.
    next_ = std::max(now, next_) + std::chrono::milliseconds(1000 / kCloneRequestsPerSecond + 20);
  }

  std::string origin_, token_;
  CloneReport* report_;
  std::chrono::steady_clock::time_point next_{};
};

std::string Encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
    out << text;
    if (!out) return Error(ErrorCode::kInternal, "cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Error(ErrorCode::kInternal, "cannot write " + path.string());
  return Status::Ok();
}

Result<json::value> ReadJsonFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec)
    return Error(ErrorCode::kInternal, path.string() + " is damaged; remove it to start over");
  return v;
}

class Cloner {
 public:
  Cloner(Store& store, IdGenerator& ids, const Clock& clock, const CloneOptions& o)
      : store_(store), ids_(ids), clock_(clock), o_(o), source_(o.from, o.token, &report_) {
    report_.base_id = o.base_id;
  }

  Result<CloneReport> Run() {
    if (!IsId(o_.base_id, "app")) return Bad("--base needs a base id (app…)");
    ASSIGN_OR_RETURN(auto here, store_.FindBase(o_.base_id));
    if (o_.again && !here) return Bad("there is no clone of " + o_.base_id + " here to update");
    if (!o_.again && here)
      return Bad("base " + o_.base_id + " is here already; --again brings it up to date");
    std::error_code ec;
    fs::create_directories(o_.work_dir, ec);
    if (ec) return Error(ErrorCode::kInternal, "cannot make " + o_.work_dir);
    RETURN_IF_ERROR(LoadState());
    RETURN_IF_ERROR(Schema());
    for (json::value& t : schema_["tables"].as_array()) RETURN_IF_ERROR(Records(t.as_object()));
    RETURN_IF_ERROR(Write());
    fs::remove_all(o_.work_dir, ec);
    return report_;
  }

 private:
  fs::path Work(const std::string& name) const { return fs::path(o_.work_dir) / name; }

  // The state, with the counts so far (a resumed run reports the whole clone).
  Status SaveState() {
    state_["counts"] = json::object{{"comments", report_.comments},
                                    {"files", report_.files},
                                    {"requests", report_.requests},
                                    {"waits", report_.waits}};
    return WriteFileAtomically(Work("state.json"), json::serialize(state_));
  }

  Status LoadState() {
    const std::string mode = o_.again ? "again" : "new";
    if (fs::exists(Work("state.json"))) {
      ASSIGN_OR_RETURN(json::value v, ReadJsonFile(Work("state.json")));
      if (v.is_object() && StringOr(v.as_object(), "from") == o_.from &&
          StringOr(v.as_object(), "mode") == mode) {
        state_ = std::move(v.as_object());
        report_.resumed = true;
        if (const json::value* c = state_.if_contains("counts"); c && c->is_object()) {
          auto n = [&](const char* k) {
            const json::value* x = c->as_object().if_contains(k);
            return x && x->is_int64() ? x->as_int64() : int64_t{0};
          };
          report_.comments = n("comments");
          report_.files = n("files");
          report_.requests = n("requests");
          report_.waits = n("waits");
        }
        return Status::Ok();
      }
      std::error_code ec;  // another clone's pages: start over
      for (const auto& e : fs::directory_iterator(o_.work_dir, ec)) fs::remove_all(e.path(), ec);
    }
    // The time this run began: what --again later asks the source for changes since.
    state_ = {{"from", o_.from},
              {"mode", mode},
              {"started", FormatIsoMs(clock_.NowMs())},
              {"tables", json::object{}}};
    if (o_.again) {
      ASSIGN_OR_RETURN(std::string last, store_.GetSetting("clone." + o_.base_id));
      boost::system::error_code pec;
      json::value lv = json::parse(last, pec);
      if (pec || !lv.is_object() || StringOr(lv.as_object(), "lastRun").empty())
        return Bad("base " + o_.base_id + " was not made by airbase clone");
      state_["since"] = StringOr(lv.as_object(), "lastRun");
    }
    return SaveState();
  }

  // The schema: the base's name from the bases list, its tables from the metadata API, each
  // field of a type airbase holds (the others said in the report).
  Status Schema() {
    if (fs::exists(Work("schema.json"))) {
      ASSIGN_OR_RETURN(json::value v, ReadJsonFile(Work("schema.json")));
      schema_ = std::move(v.as_object());
      for (const json::value& n : schema_["notCarried"].as_array())
        report_.not_carried.emplace_back(n.as_string());
      return Status::Ok();
    }
    std::string name, offset;
    do {
      ASSIGN_OR_RETURN(
          json::value page,
          source_.Get("/v0/meta/bases" + (offset.empty() ? "" : "?offset=" + Encode(offset))));
      for (const json::value& b : page.at("bases").as_array())
        if (StringOr(b.as_object(), "id") == o_.base_id) name = StringOr(b.as_object(), "name");
      offset = StringOr(page.as_object(), "offset");
    } while (!offset.empty() && name.empty());
    if (name.empty())
      return Bad("the source shows no base " + o_.base_id + " to this token (schema.bases:read?)");
    ASSIGN_OR_RETURN(json::value meta, source_.Get("/v0/meta/bases/" + o_.base_id + "/tables"));
    json::array tables;
    for (const json::value& tv : meta.at("tables").as_array()) {
      json::object t = tv.as_object();
      json::array fields;
      for (const json::value& fv : t["fields"].as_array()) {
        const json::object& f = fv.as_object();
        const std::string type = StringOr(f, "type");
        const std::string where =
            "field " + StringOr(f, "name") + " of table " + StringOr(t, "name");
        auto known = ParseFieldType(type);
        if (!known) {
          if (StringOr(f, "id") == StringOr(t, "primaryFieldId"))
            return Bad(where + " is the primary field, of type " + type + ", which airbase lacks");
          report_.not_carried.push_back(where + ": airbase has no " + type + " fields");
          continue;
        }
        const json::object* opts = f.contains("options") && f.at("options").is_object()
                                       ? &f.at("options").as_object()
                                       : nullptr;
        if (*known == FieldType::kRollup && (!opts || !opts->contains("formula")))
          report_.not_carried.push_back(where + ": its rollup formula (the API does not show it)");
        if (*known == FieldType::kButton && (!opts || !opts->contains("label")))
          report_.not_carried.push_back(where +
                                        ": its label and action (the API does not show them)");
        fields.push_back(fv);
      }
      t["fields"] = std::move(fields);
      json::array views;
      for (const json::value& vv : t["views"].as_array()) {
        const json::object& v = vv.as_object();
        views.push_back(
            json::object{{"id", v.at("id")}, {"name", v.at("name")}, {"type", v.at("type")}});
      }
      if (!views.empty())
        report_.not_carried.push_back("table " + StringOr(t, "name") +
                                      ": the filters, sorts and hidden "
                                      "fields of its " +
                                      std::to_string(views.size()) +
                                      " views (the API shows only their names and types)");
      t["views"] = std::move(views);
      tables.push_back(std::move(t));
    }
    schema_ = {{"name", name}, {"tables", std::move(tables)}, {"notCarried", json::array{}}};
    for (const std::string& n : report_.not_carried)
      schema_["notCarried"].as_array().push_back(json::string(n));
    RETURN_IF_ERROR(WriteFileAtomically(Work("schema.json"), json::serialize(schema_)));
    return SaveState();
  }

  // A table's records, page by page into <tbl>.jsonl; the state after each page says how far.
  Status Records(const json::object& t) {
    const std::string id = StringOr(t, "id"), name = StringOr(t, "name");
    json::object& tables = state_["tables"].as_object();
    if (!tables.contains(id))
      tables[id] = json::object{{"offset", ""}, {"bytes", 0}, {"records", 0}, {"done", false}};
    json::object& st = tables[id].as_object();
    report_.tables.push_back({name});
    CloneReport::Table& counts = report_.tables.back();
    counts.records = st["records"].as_int64();
    if (st["done"].as_bool()) {
      // Interrupted after the pages and before the deletions were listed: list them now.
      if (o_.again && !st.contains("gone")) RETURN_IF_ERROR(Gone(t));
      return Status::Ok();
    }
    const fs::path file = Work(id + ".jsonl");
    // Keep exactly the pages the state counts (a page written but not yet counted goes).
    std::error_code ec;
    if (!fs::exists(file)) std::ofstream(file).close();
    fs::resize_file(file, static_cast<uintmax_t>(st["bytes"].as_int64()), ec);
    std::FILE* out = std::fopen(file.c_str(), "ab");
    if (!out) return Error(ErrorCode::kInternal, "cannot write " + file.string());
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(out, &std::fclose);
    std::map<std::string, FieldType> types;
    for (const json::value& f : t.at("fields").as_array())
      types[StringOr(f.as_object(), "id")] = *ParseFieldType(StringOr(f.as_object(), "type"));
    std::string offset(st["offset"].as_string());
    const std::string since = StringOr(state_, "since");
    while (true) {
      std::string target =
          "/v0/" + o_.base_id + "/" + id +
          "?pageSize=100&returnFieldsByFieldId=true&recordMetadata%5B%5D=commentCount";
      if (!since.empty())
        target += "&filterByFormula=" + Encode("IS_AFTER(LAST_MODIFIED_TIME(), '" + since + "')");
      if (!offset.empty()) target += "&offset=" + Encode(offset);
      auto page = source_.Get(target);
      if (!page.ok() && !offset.empty() &&
          page.status().message().find("LIST_RECORDS_ITERATOR_NOT_AVAILABLE") !=
              std::string::npos) {
        // The saved offset has expired: the table starts over.
        fs::resize_file(file, 0, ec);
        offset.clear();
        counts.records = 0;
        st["bytes"] = 0;
        st["records"] = 0;
        continue;
      }
      if (!page.ok()) return page.status();
      std::string lines;
      for (const json::value& rv : page->at("records").as_array()) {
        ASSIGN_OR_RETURN(json::object rec, Convert(id, rv.as_object(), types));
        lines += json::serialize(rec);
        lines += '\n';
        ++counts.records;
      }
      if (std::fwrite(lines.data(), 1, lines.size(), out) != lines.size() || std::fflush(out) != 0)
        return Error(ErrorCode::kInternal, "cannot write " + file.string());
      offset = StringOr(page->as_object(), "offset");
      st["offset"] = offset;
      st["bytes"] = static_cast<int64_t>(std::ftell(out));
      st["records"] = counts.records;
      st["done"] = offset.empty();
      RETURN_IF_ERROR(SaveState());
      if (o_.progress) o_.progress(name, counts.records);
      if (offset.empty()) break;
    }
    if (o_.again) RETURN_IF_ERROR(Gone(t));
    if (o_.progress) o_.progress(name, -1);
    return Status::Ok();
  }

  // --again: the ids the source no longer has (every id listed, only the primary field asked),
  // and the comments added to records that did not change (a comment changes no modified time):
  // those records go to <tbl>.comments.jsonl with their comments and no cells.
  Status Gone(const json::object& t) {
    const std::string id = StringOr(t, "id");
    std::set<std::string> there;
    std::map<std::string, int64_t> counted;  // source comment counts, where there are some
    std::string offset;
    do {
      std::string target = "/v0/" + o_.base_id + "/" + id +
                           "?pageSize=100&fields%5B%5D=" + Encode(StringOr(t, "primaryFieldId")) +
                           "&returnFieldsByFieldId=true&recordMetadata%5B%5D=commentCount";
      if (!offset.empty()) target += "&offset=" + Encode(offset);
      ASSIGN_OR_RETURN(json::value page, source_.Get(target));
      for (const json::value& r : page.at("records").as_array()) {
        const std::string rid = StringOr(r.as_object(), "id");
        there.insert(rid);
        const json::value* cc = r.as_object().if_contains("commentCount");
        if (cc && cc->is_int64() && cc->as_int64() > 0) counted[rid] = cc->as_int64();
      }
      offset = StringOr(page.as_object(), "offset");
    } while (!offset.empty());
    ASSIGN_OR_RETURN(auto schema, store_.LoadSchema(o_.base_id));
    const Table* local = schema ? schema->FindTable(id) : nullptr;
    if (!local) return Status::Ok();  // a table the clone lacks: said by Write
    ListQuery q;
    q.limit = 1000;
    json::array gone;
    std::vector<std::string> kept;
    while (true) {
      ASSIGN_OR_RETURN(auto rows, store_.List(*local, q));
      for (const StoredRecord& r : rows) {
        if (!there.count(r.id))
          gone.push_back(json::string(r.id));
        else if (counted.count(r.id))
          kept.push_back(r.id);
      }
      if (rows.size() < static_cast<size_t>(q.limit)) break;
      q.after_rowid = rows.back().rowid;
    }
    RETURN_IF_ERROR(NewComments(id, counted, kept));
    state_["tables"].as_object()[id].as_object()["gone"] = std::move(gone);
    return SaveState();
  }

  // The records of `kept` whose source comment count differs from the clone's, and that the
  // pages did not bring already, with their comments (the import skips those it has).
  Status NewComments(const std::string& table_id, const std::map<std::string, int64_t>& counted,
                     const std::vector<std::string>& kept) {
    const fs::path file = Work(table_id + ".comments.jsonl");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (no_comments_ || kept.empty()) return Status::Ok();
    std::set<std::string> paged;  // written whole by the pages
    {
      std::ifstream in(Work(table_id + ".jsonl"), std::ios::binary);
      std::string line;
      while (std::getline(in, line))
        if (!line.empty()) paged.insert(StringOr(json::parse(line).as_object(), "id"));
    }
    for (size_t at = 0; at < kept.size(); at += 1000) {
      std::vector<std::string> batch(
          kept.begin() + static_cast<std::ptrdiff_t>(at),
          kept.begin() + static_cast<std::ptrdiff_t>(std::min(kept.size(), at + 1000)));
      ASSIGN_OR_RETURN(auto have, store_.CountComments(table_id, batch));
      for (size_t i = 0; i < batch.size(); ++i) {
        if (paged.count(batch[i]) || have[i] == counted.at(batch[i])) continue;
        ASSIGN_OR_RETURN(auto comments, FetchComments(table_id, batch[i]));
        if (!comments) return Status::Ok();  // the token cannot read comments (reported)
        out << json::serialize(json::object{{"id", batch[i]}, {"comments", std::move(*comments)}})
            << '\n';
      }
    }
    out.flush();
    if (!out) return Error(ErrorCode::kInternal, "cannot write " + file.string());
    return Status::Ok();
  }

  // An API record (cells by field id) as a document record: cells of stored fields only,
  // attachments downloaded into the blob store and named by content key, comments fetched.
  Result<json::object> Convert(const std::string& table_id, const json::object& r,
                               const std::map<std::string, FieldType>& types) {
    json::object out{{"id", r.at("id")}, {"createdTime", r.at("createdTime")}};
    json::object cells;
    if (const json::value* fv = r.if_contains("fields"); fv && fv->is_object())
      for (const auto& kv : fv->as_object()) {
        auto type = types.find(std::string(kv.key()));
        if (type == types.end()) continue;  // a field airbase cannot hold (reported)
        FieldType ft = type->second;
        if (IsComputedAtRead(ft) || ft == FieldType::kAutoNumber || ft == FieldType::kCreatedTime)
          continue;
        if (ft == FieldType::kMultipleAttachments && kv.value().is_array()) {
          json::array items;
          for (const json::value& iv : kv.value().as_array()) {
            const json::object& it = iv.as_object();
            ASSIGN_OR_RETURN(std::string bytes, source_.Download(StringOr(it, "url")));
            const std::string hash = Sha256Hex(bytes);
            RETURN_IF_ERROR(store_.Blobs().Put(hash, bytes));
            ++report_.files;
            json::object item{{"id", it.at("id")},
                              {"filename", StringOr(it, "filename")},
                              {"hash", hash},
                              {"size", static_cast<int64_t>(bytes.size())},
                              {"type", StringOr(it, "type")}};
            for (const char* k : {"width", "height"})
              if (const json::value* d = it.if_contains(k); d && d->is_int64()) item[k] = *d;
            items.push_back(std::move(item));
          }
          cells[kv.key()] = std::move(items);
          continue;
        }
        cells[kv.key()] = kv.value();
      }
    out["fields"] = std::move(cells);
    const json::value* cc = r.if_contains("commentCount");
    if (cc && cc->is_int64() && cc->as_int64() > 0 && !no_comments_) {
      ASSIGN_OR_RETURN(auto comments, FetchComments(table_id, StringOr(r, "id")));
      if (comments) out["comments"] = std::move(*comments);
    }
    return out;
  }

  // A record's comments as the document holds them, oldest first; none when the token cannot
  // read comments (said once in the report, and no more are asked for).
  Result<std::optional<json::array>> FetchComments(const std::string& table_id,
                                                   const std::string& record_id) {
    json::array comments;
    std::string offset;
    do {
      std::string target =
          "/v0/" + o_.base_id + "/" + table_id + "/" + record_id + "/comments?pageSize=100";
      if (!offset.empty()) target += "&offset=" + Encode(offset);
      auto got = source_.Get(target);
      if (!got.ok() && got.status().message().find("answered 403") != std::string::npos) {
        // The token may read records but not comments: the clone goes on without them.
        no_comments_ = true;
        report_.not_carried.push_back(
            "comments: the token cannot read them (it needs data.recordComments:read)");
        return std::optional<json::array>();
      }
      if (!got.ok()) return got.status();
      json::value page = std::move(*got);
      for (const json::value& cv : page.at("comments").as_array()) {
        const json::object& c = cv.as_object();
        json::object doc{
            {"id", c.at("id")}, {"text", c.at("text")}, {"createdTime", c.at("createdTime")}};
        if (const json::value* a = c.if_contains("author"); a && a->is_object())
          doc["authorId"] = StringOr(a->as_object(), "id");
        if (!StringOr(c, "parentCommentId").empty())
          doc["parentCommentId"] = c.at("parentCommentId");
        if (!StringOr(c, "lastUpdatedTime").empty())
          doc["lastUpdatedTime"] = c.at("lastUpdatedTime");
        comments.push_back(std::move(doc));
      }
      offset = StringOr(page.as_object(), "offset");
    } while (!offset.empty());
    std::reverse(comments.begin(), comments.end());  // the API lists newest first
    report_.comments += static_cast<int64_t>(comments.size());
    return std::optional<json::array>(std::move(comments));
  }

  // The pages as one document, imported (a new clone) or applied (--again).
  Status Write() {
    const fs::path doc = Work("base.json");
    {
      std::FILE* out = std::fopen(doc.c_str(), "wb");
      if (!out) return Error(ErrorCode::kInternal, "cannot write " + doc.string());
      std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(out, &std::fclose);
      std::string head =
          json::serialize(json::object{{"format", "airbase.base"},
                                       {"version", 1},
                                       {"base", {{"id", o_.base_id}, {"name", schema_["name"]}}}});
      head.pop_back();
      head += ",\"tables\":[";
      std::fputs(head.c_str(), out);
      // --again: the tables in the clone's order, each with the fields both sides have.
      std::vector<const json::object*> order;
      std::shared_ptr<const BaseSchema> local;
      if (o_.again) {
        ASSIGN_OR_RETURN(local, store_.LoadSchema(o_.base_id));
        for (const Table& lt : local->tables) {
          const json::object* found = nullptr;
          for (const json::value& t : schema_["tables"].as_array())
            if (StringOr(t.as_object(), "id") == lt.id) found = &t.as_object();
          order.push_back(found);
          if (!found)
            report_.not_carried.push_back("table " + lt.name +
                                          " is gone from the source; the clone keeps it");
        }
        for (const json::value& t : schema_["tables"].as_array())
          if (!local->FindTable(StringOr(t.as_object(), "id")))
            report_.not_carried.push_back("table " + StringOr(t.as_object(), "name") +
                                          " is new on the source: clone again to have it");
      } else {
        for (const json::value& t : schema_["tables"].as_array()) order.push_back(&t.as_object());
      }
      for (size_t i = 0; i < order.size(); ++i) {
        if (i) std::fputc(',', out);
        if (!order[i]) {
          std::fputs(
              json::serialize(json::object{{"id", local->tables[i].id}, {"records", json::array{}}})
                  .c_str(),
              out);
          continue;
        }
        json::object t = *order[i];
        const std::string id = StringOr(t, "id");
        std::set<std::string> local_fields;
        if (local) {
          for (const Field& f : local->tables[i].fields) local_fields.insert(f.id);
          for (const json::value& f : t["fields"].as_array())
            if (!local_fields.count(StringOr(f.as_object(), "id")))
              report_.not_carried.push_back("field " + StringOr(f.as_object(), "name") +
                                            " of table " + StringOr(t, "name") +
                                            " is new on the source: clone again to have it");
        }
        std::string s = json::serialize(t);
        s.pop_back();
        s += ",\"records\":[";
        std::fputs(s.c_str(), out);
        std::ifstream in(Work(id + ".jsonl"), std::ios::binary);
        std::string line;
        bool first = true;
        while (std::getline(in, line)) {
          if (line.empty()) continue;
          if (local) {  // only the fields the clone has
            json::object rec = json::parse(line).as_object();
            json::object& cells = rec["fields"].as_object();
            for (auto it = cells.begin(); it != cells.end();)
              it = local_fields.count(std::string(it->key())) ? std::next(it) : cells.erase(it);
            line = json::serialize(rec);
          }
          if (!first) std::fputc(',', out);
          first = false;
          std::fputs(line.c_str(), out);
        }
        if (local) {  // --again: records with new comments only, cells as the clone has them
          std::ifstream more(Work(id + ".comments.jsonl"), std::ios::binary);
          while (std::getline(more, line)) {
            if (line.empty()) continue;
            if (!first) std::fputc(',', out);
            first = false;
            std::fputs(line.c_str(), out);
          }
        }
        std::fputs("]}", out);
      }
      std::fputs("]}\n", out);
      if (std::fflush(out) != 0) return Error(ErrorCode::kInternal, "cannot write " + doc.string());
    }
    ImportOptions io;
    io.workspace_id = o_.workspace_id;
    io.keep_ids = true;
    if (o_.again) {
      io.existing_base = o_.base_id;
      for (const auto& kv : state_["tables"].as_object())
        if (const json::value* g = kv.value().as_object().if_contains("gone"))
          for (const json::value& id : g->as_array())
            io.deletions[std::string(kv.key())].emplace_back(id.as_string());
    }
    ASSIGN_OR_RETURN(ImportResult r, ImportBase(store_, ids_, clock_, doc.string(), io));
    if (o_.again) {
      ASSIGN_OR_RETURN(auto local, store_.LoadSchema(o_.base_id));
      report_.tables.clear();
      for (size_t i = 0; i < local->tables.size() && i < r.per_table.size(); ++i)
        report_.tables.push_back(
            {local->tables[i].name, r.per_table[i].inserted + r.per_table[i].updated,
             r.per_table[i].inserted, r.per_table[i].updated, r.per_table[i].deleted});
    }
    if (r.missing_files > 0)
      report_.not_carried.push_back(std::to_string(r.missing_files) + " attachment files");
    return store_.SetSetting(
        "clone." + o_.base_id,
        json::serialize(json::object{{"from", o_.from}, {"lastRun", state_["started"]}}));
  }

  Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  const CloneOptions& o_;
  CloneReport report_;
  Source source_;
  json::object state_, schema_;
  bool no_comments_ = false;  // the token may not read comments
};

}  // namespace

Result<CloneReport> CloneBase(Store& store, IdGenerator& ids, const Clock& clock,
                              const CloneOptions& options) {
  Cloner c(store, ids, clock, options);
  return c.Run();
}

}  // namespace airbase::cli
