// Schema changes the web app makes beyond Airtable's Web API (session calls only): changing a
// field's type, which converts every cell the way typecast would read the old value; deleting a
// field, after which formulas that read it report #ERROR! (isValid false), as on Airtable; and
// deleting a table.
#include <algorithm>
#include <map>

#include "api/attachment_fetcher.h"
#include "api/handlers.h"
#include "api/webhooks.h"
#include "engine/linked_records.h"
#include "engine/record_writer.h"
#include "formula/field_formula.h"
#include "schema/attachments.h"

namespace airbase::api {

using engine::LinkTarget;

namespace {

Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg)); }

// Types whose cells are stored and written by users: the ones a conversion may go from or to.
bool Convertible(FieldType t) { return !IsComputed(t) && t != FieldType::kMultipleRecordLinks; }

bool TextLike(FieldType t) {
  return t == FieldType::kSingleLineText || t == FieldType::kMultilineText ||
         t == FieldType::kEmail || t == FieldType::kUrl || t == FieldType::kPhoneNumber ||
         t == FieldType::kRichText;
}

// What typecast receives for a cell of `from` becoming a cell of `to`: text targets take the
// cell's text; arrays go to multiple selects (and people to multiple collaborators) whole and to
// a single one by their first item;
// everything else goes as its JSON value (numbers, booleans, ISO dates, text).
json::value ConversionInput(const Field& from, const Field& to, const SqlValue& v) {
  json::value j = CellToJson(from, v);
  if (j.is_null()) return j;
  if (TextLike(to.type)) return json::value(CellString(from, v));
  const bool people = HoldsPeople(from.type);
  if (j.is_array()) {
    if (to.type == FieldType::kMultipleSelects ||
        (people && to.type == FieldType::kMultipleCollaborators))
      return j;
    if (to.type == FieldType::kSingleSelect ||
        (people && to.type == FieldType::kSingleCollaborator))
      return j.as_array().empty() ? json::value(nullptr) : j.as_array()[0];
    return json::value(CellString(from, v));
  }
  if (people && to.type == FieldType::kMultipleCollaborators) return json::array{j};
  if (people) return json::value(CellString(from, v));  // a person's name
  return j;
}

bool References(const Field& f, const std::string& id) {
  const json::value* refs = f.options.if_contains("referencedFieldIds");
  if (!refs || !refs->is_array()) return false;
  for (const json::value& r : refs->as_array())
    if (r.is_string() && r.as_string() == id) return true;
  return false;
}

}  // namespace

// A text cell converted to attachments: the files this server holds (their signed URLs) taken
// from the blob store now; other URLs left out of the cell and kept in `later`, to be added as
// items fetched in the background once the field has its new type (FetchLater).
Result<SqlValue> FilesNow(Call& c, const std::string& record_id, const SqlValue& v,
                          std::map<std::string, std::vector<attachments::Item>>* later) {
  std::vector<attachments::Item> now;
  for (attachments::Item& it : attachments::Parse(std::get<std::string>(v))) {
    ASSIGN_OR_RETURN(bool own, engine::TakeOwnFile(c.svc.store->Blobs(), *c.svc.ids, it));
    if (!own)
      (*later)[record_id].push_back(std::move(it));
    else if (!it.hash.empty())
      now.push_back(std::move(it));
  }
  return now.empty() ? SqlValue{} : SqlValue{attachments::Serialize(now)};
}

// Appends the URL items a type change left for later to their records' cells through the record
// writer, which queues their fetches; the fetcher is woken after the commit.
Status FetchLater(Call& c, const std::string& table_id, const std::string& field_id,
                  const std::map<std::string, std::vector<attachments::Item>>& later) {
  ASSIGN_OR_RETURN(auto schema, c.svc.store->LoadSchema(c.schema->base.id));
  const Table* table = schema ? schema->FindTable(table_id) : nullptr;
  if (!table) return Status::Ok();
  engine::CellEncoder enc(*table, c.svc.ids, false);
  const Field* f = enc.table().FindField(field_id);
  if (!f) return Status::Ok();
  Call fresh{c.svc, c.req, c.query, c.segs, c.principal, c.role, schema, nullptr};
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(fresh, *table));
  ASSIGN_OR_RETURN(auto writer, engine::RecordWriter::Begin({c.svc.store, schema, c.svc.clock,
                                                             c.svc.ids, c.principal.user_id()},
                                                            enc, {&changes}));
  for (const auto& [record_id, pending] : later) {
    ASSIGN_OR_RETURN(auto held, writer->ReadCell(record_id, *f));
    if (!held) continue;
    std::vector<attachments::Item> items;
    if (!IsEmptyCell(*f, *held)) items = attachments::Parse(std::get<std::string>(*held));
    items.insert(items.end(), pending.begin(), pending.end());
    engine::Cells cells;
    cells.emplace_back(f, SqlValue{attachments::Serialize(items)});
    RETURN_IF_ERROR(writer->Update(record_id, std::move(cells)).status());
  }
  RETURN_IF_ERROR(writer->Commit());
  if (writer->queued_fetches() > 0 && c.svc.fetcher) c.svc.fetcher->Wake();
  return Status::Ok();
}

Result<std::string> ChangeFieldType(Call& c, const std::string& table_key,
                                    const std::string& field_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  const Field* old = t->FindField(field_key);
  if (!old) return Error(ErrorCode::kPermissionsOrNotFound);
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  const json::value* type_name = body.if_contains("type");
  if (!type_name || !type_name->is_string()) return Invalid("Give the new type");
  auto type = ParseFieldType(type_name->as_string());
  if (!type)
    return Error(ErrorCode::kUnsupportedFieldType,
                 "Field type \"" + std::string(type_name->as_string()) + "\" is not supported");
  if (!Convertible(old->type) || !Convertible(*type))
    return Invalid("Only fields that hold typed-in values change type here (not " +
                   std::string(FieldTypeName(Convertible(old->type) ? *type : old->type)) + ")");
  if (old->id == t->primary_field_id && !CanBePrimary(*type))
    return Invalid("The primary field cannot be of type " + std::string(FieldTypeName(*type)));

  Field next = *old;
  next.type = *type;
  std::vector<Field> siblings;
  for (const Field& f : t->fields)
    if (f.id != old->id) siblings.push_back(f);
  ASSIGN_OR_RETURN(next.options,
                   NormalizeOptions(next.type, body.if_contains("options"), siblings, *c.svc.ids));
  next.Derive();

  // Every stored cell, converted; what does not convert is cleared, as Airtable does.
  std::vector<std::pair<std::string, SqlValue>> cells;
  std::optional<std::vector<BaseCollaborator>> people;
  std::map<std::string, std::vector<attachments::Item>> fetch_later;  // record id -> URL items
  if (HoldsPeople(next.type)) {
    ASSIGN_OR_RETURN(auto all, c.svc.store->ListBaseCollaborators(c.schema->base.id));
    people = std::move(all);
  }
  ListQuery scan;
  scan.fields = {old};
  scan.limit = 10000;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<StoredRecord> batch, c.svc.store->List(*t, scan));
    for (const StoredRecord& r : batch) {
      if (IsEmptyCell(*old, r.cells[0])) continue;
      bool changed = false;
      auto v = EncodeCell(next, ConversionInput(*old, next, r.cells[0]), /*typecast=*/true,
                          *c.svc.ids, &changed);
      if (v.ok() && !IsEmptyCell(next, *v) && people) {  // names and emails of collaborators
        if (!engine::ResolvePeople(next, *v, *people).ok()) continue;
      }
      if (v.ok() && !IsEmptyCell(next, *v) && next.type == FieldType::kMultipleAttachments) {
        ASSIGN_OR_RETURN(*v, FilesNow(c, r.id, *v, &fetch_later));
      }
      if (v.ok() && !IsEmptyCell(next, *v)) cells.emplace_back(r.id, std::move(*v));
    }
    if (batch.size() < static_cast<size_t>(scan.limit)) break;
    scan.after_rowid = batch.back().rowid;
  }
  next.Derive();

  // Formulas that read the field keep their text; their result type may follow the new type.
  std::vector<Field> fields = siblings;
  fields.push_back(next);
  std::vector<Field> also_save;
  for (const Field& f : siblings) {
    if (f.type != FieldType::kFormula || !References(f, old->id)) continue;
    const json::value* text = f.options.if_contains("formula");
    if (!text || !text->is_string()) continue;
    auto opts = formula::FormulaFieldOptions(std::string_view(text->as_string()), f.id, fields);
    if (!opts.ok()) continue;
    Field g = f;
    g.options = std::move(*opts);
    g.Derive();
    also_save.push_back(std::move(g));
  }
  RETURN_IF_ERROR(c.svc.store->ChangeFieldType(c.schema->base.id, *t, next, cells, also_save));
  SchemaChange change{SchemaChange::What::kField, "update", t->id, next.id};
  change.current = json::object{{"type", FieldTypeName(next.type)}, {"options", next.options}};
  change.previous = json::object{{"type", FieldTypeName(old->type)}, {"options", old->options}};
  RecordSchemaChange(c, change);
  if (!fetch_later.empty()) RETURN_IF_ERROR(FetchLater(c, t->id, next.id, fetch_later));
  return json::serialize(next.ToJson());
}

namespace {

// Drops one field: formulas that read it turn invalid, views forget it, webhooks hear of it.
Status RemoveField(Call& c, const Table& t, const Field& gone) {
  std::vector<Field> also_save;
  for (const Field& f : t.fields) {
    if (f.id == gone.id || !References(f, gone.id)) continue;
    Field g = f;
    json::array refs;
    for (const json::value& r : f.options.at("referencedFieldIds").as_array())
      if (!(r.is_string() && r.as_string() == gone.id)) refs.push_back(r);
    g.options["referencedFieldIds"] = std::move(refs);
    if (g.type == FieldType::kFormula || g.type == FieldType::kButton) g.options["isValid"] = false;
    g.Derive();
    also_save.push_back(std::move(g));
  }
  // Counts and lookups built on the field (its link, or the looked-up field) stop being valid.
  for (const Table& any : c.schema->tables)
    for (const Field& f : any.fields) {
      if (f.type != FieldType::kCount && f.type != FieldType::kMultipleLookupValues &&
          f.type != FieldType::kRollup)
        continue;
      const json::value* link = f.options.if_contains("recordLinkFieldId");
      const json::value* target = f.options.if_contains("fieldIdInLinkedTable");
      bool uses = (&any == &t && link && link->is_string() && link->as_string() == gone.id) ||
                  (target && target->is_string() && target->as_string() == gone.id);
      if (!uses || f.id == gone.id) continue;
      Field g = f;
      g.options["isValid"] = false;
      also_save.push_back(std::move(g));
    }
  RETURN_IF_ERROR(c.svc.store->DeleteField(c.schema->base.id, t, gone, also_save));
  for (const View& v : t.views) {
    View w = v;
    std::erase_if(w.sorts, [&](const ViewSort& k) { return k.field_id == gone.id; });
    std::erase_if(w.conditions, [&](const ViewCondition& k) { return k.field_id == gone.id; });
    std::erase(w.hidden_field_ids, gone.id);
    if (w.sorts.size() != v.sorts.size() || w.conditions.size() != v.conditions.size() ||
        w.hidden_field_ids.size() != v.hidden_field_ids.size())
      RETURN_IF_ERROR(c.svc.store->UpdateView(c.schema->base.id, t.id, w));
  }
  RecordSchemaChange(c, SchemaChange{SchemaChange::What::kField, "remove", t.id, gone.id});
  return Status::Ok();
}

}  // namespace

Result<std::string> DeleteField(Call& c, const std::string& table_key,
                                const std::string& field_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  const Field* gone = t->FindField(field_key);
  if (!gone) return Error(ErrorCode::kPermissionsOrNotFound);
  if (gone->id == t->primary_field_id) return Invalid("The primary field cannot be deleted");
  RETURN_IF_ERROR(RemoveField(c, *t, *gone));
  // A link's inverse in the linked table goes with it: the pair is one relationship.
  if (gone->type == FieldType::kMultipleRecordLinks) {
    auto [linked, inverse] = LinkTarget(*c.schema, *gone);
    if (linked && inverse && linked->id != t->id)
      RETURN_IF_ERROR(RemoveField(c, *linked, *inverse));
  }
  return json::serialize(json::object{{"id", gone->id}, {"deleted", true}});
}

Result<std::string> DeleteTable(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* t, ResolveTable(c, table_key));
  if (c.schema->tables.size() <= 1) return Invalid("A base keeps at least one table");
  RETURN_IF_ERROR(c.svc.store->DeleteTable(c.schema->base.id, t->id));
  // Link fields of other tables that pointed here lose their table: they go too.
  for (const Table& other : c.schema->tables) {
    if (other.id == t->id) continue;
    for (const Field& f : other.fields) {
      if (f.type != FieldType::kMultipleRecordLinks) continue;
      const json::value* linked = f.options.if_contains("linkedTableId");
      if (linked && linked->is_string() && linked->as_string() == t->id)
        RETURN_IF_ERROR(RemoveField(c, other, f));
    }
  }
  RecordSchemaChange(c, SchemaChange{SchemaChange::What::kTable, "remove", t->id});
  return json::serialize(json::object{{"id", t->id}, {"deleted", true}});
}

}  // namespace airbase::api
