// The base import (base_import.h). The first read takes the schema (records only counted) and
// checks it whole: ids well formed and distinct, names distinct, every reference (primary field,
// linked tables, inverse and link fields, view config) to something the document holds. Without
// --keep-ids every id gets a new one and the references follow (formula text included). The
// second read, inside the transaction that creates the base, turns each record's cells into
// their stored form (the inverse of the export: links by record id, attachments by content key,
// people as written, stored times) and inserts it with its comments; links to records the
// document does not hold are refused once every record is in.
#include "cli/base_import.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cli/base_document.h"
#include "common/crypto.h"
#include "common/json_util.h"
#include "common/time_util.h"
#include "schema/attachments.h"
#include "schema/collaborators.h"

namespace airbase::cli {

namespace json = boost::json;

namespace {

constexpr int64_t kVersion = 1;  // the newest version this reader knows (base_export.cc)

Status Bad(std::string message) { return Error(ErrorCode::kInvalidArgument, std::move(message)); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const json::string* StringAt(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

std::string OptionId(const Field& f, const char* key) { return StringOr(f.options, key); }

// ---- the schema ---------------------------------------------------------------------------------

struct DocTable {
  Table table;
  int64_t records = 0;
};

class SchemaReader final : public DocumentSink {
 public:
  explicit SchemaReader(BlobStore& blobs) : blobs_(blobs) {}

  Status Member(std::string_view key, json::value v) override {
    if (key == "format") {
      if (!v.is_string() || v.as_string() != "airbase.base")
        return Bad("not an airbase base document (its \"format\" is not \"airbase.base\")");
      format_ = true;
    } else if (key == "version") {
      if (!v.is_int64() || v.as_int64() < 1) return Bad("\"version\" must be a positive integer");
      if (v.as_int64() > kVersion)
        return Bad("the document is version " + std::to_string(v.as_int64()) +
                   " of the base format; this airbase reads versions up to " +
                   std::to_string(kVersion) + " (a newer airbase wrote it)");
      version_ = true;
    } else if (key == "base") {
      if (!v.is_object()) return Bad("\"base\" must be an object");
      base.id = StringOr(v.as_object(), "id");
      base.name = StringOr(v.as_object(), "name");
      if (!IsId(base.id, "app")) return Bad("\"base\" needs an \"id\" of the form app…");
      if (base.name.empty()) return Bad("\"base\" needs a \"name\"");
    }
    return Status::Ok();  // "workspace" and members a later version adds are not needed
  }

  Status TableBegin(size_t) override {
    tables.emplace_back();
    return Status::Ok();
  }

  Status TableMember(std::string_view key, json::value v) override {
    Table& t = tables.back().table;
    const std::string where = "table " + std::to_string(tables.size() - 1);
    if (key == "id" || key == "name" || key == "description" || key == "primaryFieldId") {
      if (!v.is_string()) return Bad(where + ": \"" + std::string(key) + "\" must be a string");
      std::string s(v.as_string());
      (key == "id"            ? t.id
       : key == "name"        ? t.name
       : key == "description" ? t.description
                              : t.primary_field_id) = std::move(s);
    } else if (key == "fields") {
      if (!v.is_array()) return Bad(where + ": \"fields\" must be an array");
      for (const json::value& f : v.as_array()) {
        ASSIGN_OR_RETURN(Field field, ParseField(f, where));
        t.fields.push_back(std::move(field));
      }
    } else if (key == "views") {
      if (!v.is_array()) return Bad(where + ": \"views\" must be an array");
      for (const json::value& jv : v.as_array()) {
        if (!jv.is_object()) return Bad(where + ": a view is not an object");
        const json::object& o = jv.as_object();
        View view;
        view.id = StringOr(o, "id");
        view.name = StringOr(o, "name");
        view.type = o.contains("type") ? StringOr(o, "type") : "grid";
        if (view.type.empty()) return Bad(where + ": view " + view.id + " has no \"type\"");
        view.ApplyConfig(o);
        t.views.push_back(std::move(view));
      }
    }
    return Status::Ok();
  }

  Status Record(json::value) override { return Status::Ok(); }

  // A file is kept at once (a key names the same bytes wherever they come from, so a file kept
  // by an import that fails later harms nothing; the orphan sweep removes it).
  Status File(std::string_view hash, json::value v) override {
    const std::string key(hash);
    if (!IsBlobKey(key) || key.find('.') != std::string::npos)
      return Bad("\"files\": " + key + " is not a content key (SHA-256 in hex)");
    std::optional<std::string> bytes =
        v.is_string() ? Base64Decode(std::string_view(v.as_string())) : std::nullopt;
    if (!bytes) return Bad("\"files\": the bytes of " + key + " are not base64");
    if (Sha256Hex(*bytes) != key) return Bad("\"files\": the bytes of " + key + " are not its");
    RETURN_IF_ERROR(blobs_.Put(key, *bytes));
    ++files;
    return Status::Ok();
  }

  Status TableEnd(size_t records) override {
    tables.back().records = static_cast<int64_t>(records);
    return Status::Ok();
  }

  // After the read: the document whole and consistent.
  Status Check(IdGenerator& ids) {
    if (!format_) return Bad("not an airbase base document (it has no \"format\")");
    if (!version_) return Bad("the document has no \"version\"");
    if (base.id.empty()) return Bad("the document has no \"base\"");
    if (tables.empty()) return Bad("the document has no tables (a base needs one)");
    std::set<std::string> seen_ids{base.id}, table_names;
    auto fresh = [&](const std::string& id, const char* prefix, const std::string& what) {
      if (!IsId(id, prefix)) return Bad(what + " needs an \"id\" of the form " + prefix + "…");
      if (!seen_ids.insert(id).second) return Bad("the id " + id + " appears twice");
      return Status::Ok();
    };
    std::map<std::string, const Table*> by_id;
    for (DocTable& dt : tables) {
      Table& t = dt.table;
      const std::string where = "table " + (t.name.empty() ? t.id : t.name);
      RETURN_IF_ERROR(fresh(t.id, "tbl", where));
      if (t.name.empty()) return Bad("table " + t.id + " has no \"name\"");
      if (!table_names.insert(Lower(t.name)).second)
        return Bad("two tables are named \"" + t.name + "\"");
      if (t.fields.empty()) return Bad(where + " has no fields");
      std::set<std::string> names;
      for (const Field& f : t.fields) {
        RETURN_IF_ERROR(fresh(f.id, "fld", where + ": a field"));
        if (!names.insert(Lower(f.name)).second)
          return Bad(where + ": two fields are named \"" + f.name + "\"");
      }
      const Field* primary = t.FindField(t.primary_field_id);
      if (t.primary_field_id.empty() || !primary || primary->id != t.primary_field_id)
        return Bad(where + ": \"primaryFieldId\" names none of its fields");
      if (!CanBePrimary(primary->type))
        return Bad(where + ": a " + std::string(FieldTypeName(primary->type)) +
                   " field cannot be the primary field");
      if (t.views.empty()) t.views.push_back(View::Grid(ids.Next("viw")));
      for (const View& v : t.views) {
        RETURN_IF_ERROR(fresh(v.id, "viw", where + ": a view"));
        if (v.name.empty()) return Bad(where + ": view " + v.id + " has no \"name\"");
        auto known = [&](const std::string& id) {
          return t.FindField(id) && t.FindField(id)->id == id;
        };
        for (const ViewSort& s : v.sorts)
          if (!known(s.field_id)) return Bad(where + ": view " + v.name + " sorts by no field");
        for (const ViewCondition& c : v.conditions)
          if (!known(c.field_id))
            return Bad(where + ": view " + v.name + " filters on an unknown field " + c.field_id);
        for (const std::string& h : v.hidden_field_ids)
          if (!known(h)) return Bad(where + ": view " + v.name + " hides an unknown field " + h);
      }
      by_id[t.id] = &t;
    }
    for (const DocTable& dt : tables) {  // references across tables
      const Table& t = dt.table;
      for (const Field& f : t.fields) {
        const std::string where = "field " + f.name + " of table " + t.name;
        if (f.type == FieldType::kMultipleRecordLinks) {
          auto to = by_id.find(OptionId(f, "linkedTableId"));
          if (to == by_id.end()) return Bad(where + " links to a table the document does not hold");
          const std::string inverse = OptionId(f, "inverseLinkFieldId");
          const Field* inv = inverse.empty() ? nullptr : to->second->FindField(inverse);
          if (!inverse.empty() && (!inv || inv->type != FieldType::kMultipleRecordLinks))
            return Bad(where + ": its inverse link field is not in table " + to->second->name);
        }
        const std::string via = OptionId(f, "recordLinkFieldId");
        if (!via.empty()) {
          const Field* link = t.FindField(via);
          if (!link || link->type != FieldType::kMultipleRecordLinks)
            return Bad(where + " reads through a link field the table does not have");
        }
      }
    }
    return Status::Ok();
  }

  // Every app/tbl/fld/viw id replaced by a new one, in the references too.
  void Renumber(IdGenerator& ids) {
    std::unordered_map<std::string, std::string>& map = renumbered;
    map[base.id] = ids.Next("app");
    for (DocTable& dt : tables) {
      map[dt.table.id] = ids.Next("tbl");
      for (const Field& f : dt.table.fields) map[f.id] = ids.Next("fld");
      for (const View& v : dt.table.views) map[v.id] = ids.Next("viw");
    }
    auto re = [&](std::string& s) { s = RenumberText(s, map); };
    re(base.id);
    for (DocTable& dt : tables) {
      Table& t = dt.table;
      re(t.id);
      re(t.primary_field_id);
      for (Field& f : t.fields) {
        re(f.id);
        RenumberJson(f.options, map);
        f.Derive();
      }
      for (View& v : t.views) {
        re(v.id);
        for (ViewSort& s : v.sorts) re(s.field_id);
        for (ViewCondition& c : v.conditions) re(c.field_id);
        for (std::string& h : v.hidden_field_ids) re(h);
      }
    }
  }

  BaseInfo base;
  std::vector<DocTable> tables;
  std::unordered_map<std::string, std::string> renumbered;  // Renumber's: document id -> new
  int64_t files = 0;

 private:
  static Result<Field> ParseField(const json::value& v, const std::string& where) {
    if (!v.is_object()) return Bad(where + ": a field is not an object");
    const json::object& o = v.as_object();
    Field f;
    f.id = StringOr(o, "id");
    f.name = StringOr(o, "name");
    f.description = StringOr(o, "description");
    if (f.name.empty()) return Bad(where + ": field " + f.id + " has no \"name\"");
    auto type = ParseFieldType(StringOr(o, "type"));
    if (!type)
      return Bad(where + ": field " + f.name + " has an unknown type \"" + StringOr(o, "type") +
                 "\"");
    f.type = *type;
    if (const json::value* opts = o.if_contains("options"); opts && !opts->is_null()) {
      if (!opts->is_object())
        return Bad(where + ": field " + f.name + "'s options are not an object");
      f.options = opts->as_object();
    }
    try {
      f.Derive();
    } catch (const std::exception&) {
      return Bad(where + ": field " + f.name + " has malformed options");
    }
    return f;
  }

  // `s` with each id the map knows (a whole word of the form xxx + 14 alphanumerics) replaced.
  static std::string RenumberText(const std::string& s,
                                  const std::unordered_map<std::string, std::string>& map) {
    std::string out;
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    size_t i = 0;
    while (i < s.size()) {
      if (i + kIdLength <= s.size() && (i == 0 || !alnum(s[i - 1])) &&
          (i + kIdLength == s.size() || !alnum(s[i + kIdLength]))) {
        auto it = map.find(s.substr(i, kIdLength));
        if (it != map.end()) {
          out += it->second;
          i += kIdLength;
          continue;
        }
      }
      out.push_back(s[i++]);
    }
    return out;
  }

  static void RenumberJson(json::value& v, const std::unordered_map<std::string, std::string>& m) {
    if (v.is_string()) {
      v = RenumberText(std::string(v.as_string()), m);
    } else if (v.is_array()) {
      for (json::value& e : v.as_array()) RenumberJson(e, m);
    } else if (v.is_object()) {
      RenumberJson(v.as_object(), m);
    }
  }
  static void RenumberJson(json::object& o, const std::unordered_map<std::string, std::string>& m) {
    for (auto& kv : o) RenumberJson(kv.value(), m);
  }

  BlobStore& blobs_;
  bool format_ = false, version_ = false;
};

// ---- the records --------------------------------------------------------------------------------

class RecordLoader final : public DocumentSink {
 public:
  RecordLoader(Store& store, IdGenerator& ids, const Clock& clock, WriteTxn& txn,
               std::vector<DocTable>& tables,
               const std::unordered_map<std::string, std::string>& renumbered, const BaseInfo& base,
               const ImportOptions& options, ImportResult& result)
      : store_(store),
        ids_(ids),
        clock_(clock),
        txn_(txn),
        tables_(tables),
        renumbered_(renumbered),
        base_(base),
        options_(options),
        result_(result),
        seen_(tables.size()),
        wanted_(tables.size()) {
    result_.per_table.resize(tables.size());
    for (size_t i = 0; i < tables.size(); ++i) table_index_[tables[i].table.id] = i;
  }

  Status Member(std::string_view, json::value) override { return Status::Ok(); }
  Status TableMember(std::string_view, json::value) override { return Status::Ok(); }
  Status File(std::string_view, json::value) override { return Status::Ok(); }
  Status TableBegin(size_t index) override {
    current_ = index;
    done_ = 0;
    return Status::Ok();
  }
  Status TableEnd(size_t) override {
    Progress(true);
    return Status::Ok();
  }

  Status Record(json::value v) override {
    Table& t = tables_[current_].table;
    if (!v.is_object()) return Bad("table " + t.name + ": a record is not an object");
    const json::object& o = v.as_object();
    const std::string doc_id = StringOr(o, "id");
    if (!IsId(doc_id, "rec"))
      return Bad("table " + t.name + ": a record needs an \"id\" of the form rec…");
    if (!seen_[current_].insert(doc_id).second)
      return Bad("table " + t.name + ": the record " + doc_id + " appears twice");
    const std::string where = "record " + doc_id + " of table " + t.name;
    const std::string id = RecordId(doc_id);
    int64_t created_ms = clock_.NowMs();
    if (const json::value* c = o.if_contains("createdTime")) {
      auto ms = c->is_string() ? ParseIsoDateTime(std::string_view(c->as_string()))
                               : std::optional<int64_t>();
      if (!ms) return Bad(where + ": \"createdTime\" is not an ISO date-time");
      created_ms = *ms;
    }
    std::vector<std::pair<const Field*, SqlValue>> cells;
    if (const json::value* fv = o.if_contains("fields")) {
      if (!fv->is_object()) return Bad(where + ": \"fields\" is not an object");
      for (const auto& kv : fv->as_object()) {
        std::string_view key = kv.key();
        if (auto it = renumbered_.find(std::string(key)); it != renumbered_.end()) key = it->second;
        const Field* cf = t.FindField(key);
        if (!cf) return Bad(where + ": the table has no field " + std::string(kv.key()));
        Field& f = const_cast<Field&>(*cf);  // the document's own copy (EncodeCell's signature)
        if (IsComputedAtRead(f.type) || f.type == FieldType::kAutoNumber ||
            f.type == FieldType::kCreatedTime || kv.value().is_null())
          continue;  // recomputed from the rest
        auto cell = Cell(f, kv.value());
        if (!cell.ok())
          return Bad(where + ", field " + f.name + ": " + cell.status().client_message());
        cells.emplace_back(&f, std::move(*cell));
      }
    }
    if (options_.existing_base.empty()) {
      RETURN_IF_ERROR(txn_.Insert(t, id, cells, created_ms));
      ++result_.per_table[current_].inserted;
    } else if (!o.contains("fields")) {
      // Into an existing base, a record without "fields" keeps its cells: only its comments
      // come (a clone's --again brings comments added to records that did not change).
      ASSIGN_OR_RETURN(bool there, txn_.Exists(t, id));
      if (!there) return Bad(where + ": not in the base, and without \"fields\" to make it");
    } else {
      // Written whole: a cell the record no longer has is cleared.
      // The stored times and people too: given empty, they stay as the source has them.
      std::unordered_set<const Field*> given;
      for (const auto& c : cells) given.insert(c.first);
      for (const Field& f : t.fields)
        if (!IsComputedAtRead(f.type) && f.type != FieldType::kAutoNumber &&
            f.type != FieldType::kCreatedTime && !given.count(&f))
          cells.emplace_back(&f, SqlValue{});
      ASSIGN_OR_RETURN(bool updated, txn_.Update(t, id, cells, clock_.NowMs()));
      if (updated) {
        ++result_.per_table[current_].updated;
      } else {
        RETURN_IF_ERROR(txn_.Insert(t, id, cells, created_ms));
        ++result_.per_table[current_].inserted;
      }
    }
    for (const auto& [f, cell] : cells)
      if (const auto* q = std::get_if<std::string>(&cell);
          q && f->type == FieldType::kMultipleAttachments)
        RETURN_IF_ERROR(QueuePending(t, *f, id, *q));
    if (const json::value* cv = o.if_contains("comments"))
      RETURN_IF_ERROR(Comments(t, id, *cv, where));
    ++result_.records;
    ++done_;
    Progress(false);
    return Status::Ok();
  }

  // Once every record is in: each link names a record of its table (in the document, or, for
  // an existing base, already there).
  Status CheckLinks() {
    for (size_t i = 0; i < tables_.size(); ++i)
      for (const std::string& id : wanted_[i]) {
        if (seen_[i].count(id)) continue;
        if (!options_.existing_base.empty()) {
          ASSIGN_OR_RETURN(bool there, txn_.Exists(tables_[i].table, id));
          if (there) continue;
        }
        return Bad("a link names " + id + ", which is not a record of table " +
                   tables_[i].table.name + " in the document");
      }
    return Status::Ok();
  }

  // An existing base's deletions (after the records: a record both written and deleted goes).
  Status Deletions() {
    for (size_t i = 0; i < tables_.size(); ++i) {
      auto it = options_.deletions.find(tables_[i].table.id);
      if (it == options_.deletions.end()) continue;
      for (const std::string& id : it->second) {
        ASSIGN_OR_RETURN(bool gone, txn_.Delete(tables_[i].table, id));
        if (gone) ++result_.per_table[i].deleted;
      }
    }
    return Status::Ok();
  }

 private:
  std::string NewId(std::unordered_map<std::string, std::string>& map, const std::string& doc_id,
                    const char* prefix) {
    if (options_.keep_ids) return doc_id;
    auto [it, added] = map.try_emplace(doc_id);
    if (added) it->second = ids_.Next(prefix);
    return it->second;
  }
  std::string RecordId(const std::string& doc_id) { return NewId(rec_ids_, doc_id, "rec"); }

  // A document cell as its stored value: the export's forms for what the store keeps itself,
  // the API's (strict, no typecast) for the rest.
  Result<SqlValue> Cell(Field& f, const json::value& v) {
    if (f.type == FieldType::kMultipleRecordLinks) return Links(f, v);
    if (f.type == FieldType::kMultipleAttachments) return Attachments(v);
    if (HoldsPeople(f.type)) return People(f, v);
    if (f.type == FieldType::kLastModifiedTime) {
      auto ms = v.is_string() ? ParseIsoDateTime(std::string_view(v.as_string()))
                              : std::optional<int64_t>();
      if (!ms) return Bad("not an ISO date-time");
      return SqlValue{*ms};
    }
    bool changed = false;
    ASSIGN_OR_RETURN(SqlValue stored, EncodeCell(f, v, /*typecast=*/false, ids_, &changed));
    if (changed) return Bad("the value names a choice the field does not have");
    return stored;
  }

  Result<SqlValue> Links(const Field& f, const json::value& v) {
    if (!v.is_array()) return Bad("a link cell is an array of record ids");
    const size_t to = table_index_.at(OptionId(f, "linkedTableId"));
    std::string joined;
    for (const json::value& e : v.as_array()) {
      if (!e.is_string() || !IsId(std::string_view(e.as_string()), "rec"))
        return Bad("a link cell is an array of record ids");
      std::string doc_id(e.as_string());
      wanted_[to].insert(doc_id);
      if (!joined.empty()) joined.push_back(',');
      joined += RecordId(doc_id);
    }
    return joined.empty() ? SqlValue{} : SqlValue{joined};
  }

  Result<SqlValue> Attachments(const json::value& v) {
    if (!v.is_array()) return Bad("an attachment cell is an array of items");
    std::vector<attachments::Item> items;
    for (const json::value& e : v.as_array()) {
      if (!e.is_object()) return Bad("an attachment item is an object");
      const json::object& o = e.as_object();
      attachments::Item it;
      const std::string doc_id = StringOr(o, "id");
      if (!IsId(doc_id, "att")) return Bad("an attachment item needs an \"id\" of the form att…");
      it.id = NewId(att_ids_, doc_id, "att");
      it.filename = StringOr(o, "filename");
      if (o.contains("hash")) {
        it.hash = StringOr(o, "hash");
        it.type = StringOr(o, "type");
        const json::value* size = o.if_contains("size");
        if (!IsBlobKey(it.hash) || it.hash.find('.') != std::string::npos)
          return Bad("an attachment's \"hash\" is the SHA-256 of its bytes, in hex");
        if (!size || !size->is_int64() || size->as_int64() < 0)
          return Bad("an attachment item needs its \"size\"");
        it.size = size->as_int64();
        for (auto [key, out] : {std::pair{"width", &it.width}, std::pair{"height", &it.height}})
          if (const json::value* d = o.if_contains(key); d && d->is_int64())
            *out = static_cast<int>(d->as_int64());
        ASSIGN_OR_RETURN(auto held, store_.Blobs().Size(it.hash));
        if (!held) ++result_.missing_files;
      } else if (const json::string* url = StringAt(o, "url")) {
        it.source = std::string(*url);  // still to fetch: queued once the record is in
      } else {
        return Bad("an attachment item needs a \"hash\" or a \"url\"");
      }
      if (it.filename.empty()) return Bad("an attachment item needs a \"filename\"");
      items.push_back(std::move(it));
    }
    if (items.empty()) return SqlValue{};
    return SqlValue{attachments::Serialize(items)};
  }

  Status QueuePending(const Table& t, const Field& f, const std::string& record_id,
                      const std::string& stored) {
    for (const attachments::Item& it : attachments::Parse(stored))
      if (attachments::IsPending(it))
        RETURN_IF_ERROR(txn_.QueueAttachmentFetch(
            AttachmentFetch{it.id, base_.id, t.id, record_id, f.id, it.source, "", 0},
            clock_.NowMs()));
    return Status::Ok();
  }

  Result<SqlValue> People(const Field& f, const json::value& v) {
    const bool many = KindOf(f.type) == CellKind::kPeople;
    std::vector<collaborators::Person> people;
    auto one = [&](const json::value& e) -> Status {
      if (!e.is_object()) return Bad("a person is an object {id, email, name}");
      collaborators::Person p{StringOr(e.as_object(), "id"), StringOr(e.as_object(), "email"),
                              StringOr(e.as_object(), "name")};
      if (!p.id.empty() && !IsId(p.id, "usr")) return Bad("a person's \"id\" is of the form usr…");
      if (p.id.empty() && p.email.empty()) return Bad("a person needs an \"id\" or an \"email\"");
      people.push_back(std::move(p));
      return Status::Ok();
    };
    if (many) {
      if (!v.is_array()) return Bad("the cell is an array of people");
      for (const json::value& e : v.as_array()) RETURN_IF_ERROR(one(e));
    } else {
      RETURN_IF_ERROR(one(v));
    }
    if (people.empty()) return SqlValue{};
    return SqlValue{collaborators::Serialize(people)};
  }

  Status Comments(const Table& t, const std::string& record_id, const json::value& v,
                  const std::string& where) {
    if (!v.is_array()) return Bad(where + ": \"comments\" is not an array");
    for (const json::value& e : v.as_array()) {
      if (!e.is_object()) return Bad(where + ": a comment is not an object");
      const json::object& o = e.as_object();
      CommentRecord c;
      const std::string doc_id = StringOr(o, "id");
      if (!IsId(doc_id, "com")) return Bad(where + ": a comment needs an \"id\" of the form com…");
      if (!comment_ids_seen_.insert(doc_id).second)
        return Bad(where + ": the comment " + doc_id + " appears twice");
      c.id = NewId(com_ids_, doc_id, "com");
      c.base_id = base_.id;
      c.table_id = t.id;
      c.record_id = record_id;
      c.author_id = StringOr(o, "authorId");
      c.text = StringOr(o, "text");
      if (!IsId(c.author_id, "usr")) return Bad(where + ": comment " + doc_id + " has no authorId");
      if (c.text.empty()) return Bad(where + ": comment " + doc_id + " has no text");
      const std::string parent = StringOr(o, "parentCommentId");
      if (!parent.empty()) {
        if (!comment_ids_seen_.count(parent))
          return Bad(where + ": comment " + doc_id + " replies to " + parent +
                     ", which is not an earlier comment of the document");
        c.parent_id = NewId(com_ids_, parent, "com");
      }
      for (auto [key, out] :
           {std::pair{"createdTime", &c.created_ms}, std::pair{"lastUpdatedTime", &c.updated_ms}}) {
        const json::value* tv = o.if_contains(key);
        if (!tv) continue;
        auto ms = tv->is_string() ? ParseIsoDateTime(std::string_view(tv->as_string()))
                                  : std::optional<int64_t>();
        if (!ms) return Bad(where + ": comment " + doc_id + "'s " + key + " is not a date-time");
        *out = *ms;
      }
      if (c.created_ms == 0) c.created_ms = clock_.NowMs();
      Status st = txn_.InsertComment(c);
      if (!st.ok() && st.code() == ErrorCode::kAlreadyExists && !options_.existing_base.empty())
        continue;  // a comment the clone has already
      if (!st.ok()) return Bad(where + ": " + st.message());
      ++result_.comments;
    }
    return Status::Ok();
  }

  void Progress(bool last) {
    if (!options_.progress || (!last && done_ % 1000 != 0)) return;
    options_.progress(tables_[current_].table.name, done_, tables_[current_].records);
  }

  Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  WriteTxn& txn_;
  std::vector<DocTable>& tables_;
  const std::unordered_map<std::string, std::string>& renumbered_;  // fields' document ids
  const BaseInfo& base_;
  const ImportOptions& options_;
  ImportResult& result_;
  std::unordered_map<std::string, size_t> table_index_;
  size_t current_ = 0;
  int64_t done_ = 0;
  // By table: the document's record ids read, and those links name.
  std::vector<std::unordered_set<std::string>> seen_, wanted_;
  std::unordered_set<std::string> comment_ids_seen_;
  // Without keep_ids: the document's ids to the new ones.
  std::unordered_map<std::string, std::string> rec_ids_, att_ids_, com_ids_;
};

}  // namespace

namespace {

// The records of the document into an existing base (ImportOptions::existing_base).
Result<ImportResult> ApplyToBase(Store& store, IdGenerator& ids, const Clock& clock,
                                 const std::string& path, const ImportOptions& options) {
  ASSIGN_OR_RETURN(auto schema, store.LoadSchema(options.existing_base));
  if (!schema) return Error(ErrorCode::kNotFound, "no base " + options.existing_base);
  std::vector<DocTable> tables;
  for (const Table& t : schema->tables) tables.push_back(DocTable{t, 0});
  ASSIGN_OR_RETURN(auto txn, store.BeginWrite(schema->base.id));
  ImportResult result;
  result.base_id = schema->base.id;
  result.tables = static_cast<int64_t>(tables.size());
  const std::unordered_map<std::string, std::string> same;
  RecordLoader loader(store, ids, clock, *txn, tables, same, schema->base, options, result);
  RETURN_IF_ERROR(ReadDocument(path, DocumentParts{true, false}, loader));
  RETURN_IF_ERROR(loader.CheckLinks());
  RETURN_IF_ERROR(loader.Deletions());
  RETURN_IF_ERROR(txn->Commit());
  return result;
}

}  // namespace

Result<ImportResult> ImportBase(Store& store, IdGenerator& ids, const Clock& clock,
                                const std::string& path, const ImportOptions& options) {
  if (!options.existing_base.empty()) {
    if (!options.keep_ids) return Error(ErrorCode::kInvalidArgument, "an update keeps the ids");
    return ApplyToBase(store, ids, clock, path, options);
  }
  ASSIGN_OR_RETURN(auto workspace, store.FindWorkspace(options.workspace_id));
  if (!workspace) return Error(ErrorCode::kNotFound, "no workspace " + options.workspace_id);
  SchemaReader schema(store.Blobs());
  RETURN_IF_ERROR(ReadDocument(path, DocumentParts{false, true}, schema));
  RETURN_IF_ERROR(schema.Check(ids));
  if (!options.keep_ids) schema.Renumber(ids);
  BaseInfo base = schema.base;
  base.workspace_id = options.workspace_id;
  std::vector<Table> tables;
  for (const DocTable& dt : schema.tables) tables.push_back(dt.table);
  ASSIGN_OR_RETURN(auto txn, store.BeginCreateBase(base, tables));
  ImportResult result;
  result.base_id = base.id;
  result.tables = static_cast<int64_t>(tables.size());
  result.files = schema.files;
  RecordLoader loader(store, ids, clock, *txn, schema.tables, schema.renumbered, base, options,
                      result);
  RETURN_IF_ERROR(ReadDocument(path, DocumentParts{true, false}, loader));
  RETURN_IF_ERROR(loader.CheckLinks());
  RETURN_IF_ERROR(txn->Commit());
  return result;
}

}  // namespace airbase::cli
