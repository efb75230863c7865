#include "api/links.h"

#include <algorithm>
#include <unordered_set>

#include "common/text.h"
#include "formula/field_formula.h"
#include "formula/value.h"

namespace airbase::api {

namespace {

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out.push_back(',');
    out += id;
  }
  return out;
}

std::string OptionText(const Field& f, const char* key) {
  const json::value* v = f.options.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::vector<std::string> LinkIds(const SqlValue& cell) {
  const std::string* s = std::get_if<std::string>(&cell);
  return s ? SplitOn(*s, ',') : std::vector<std::string>();
}

std::pair<const Table*, const Field*> LinkTarget(const BaseSchema& schema, const Field& field) {
  const Table* linked = schema.FindTable(OptionText(field, "linkedTableId"));
  if (!linked) return {nullptr, nullptr};
  std::string inverse = OptionText(field, "inverseLinkFieldId");
  const Field* g = inverse.empty() ? nullptr : linked->FindField(inverse);
  return {linked, g && g->type == FieldType::kMultipleRecordLinks ? g : nullptr};
}

std::string LinkNames::NameOf(const Field& link, const std::string& record_id) {
  if (auto it = names_.find(record_id); it != names_.end()) return it->second;
  std::string name;
  const Table* linked = LinkTarget(*schema_, link).first;
  const Field* primary = linked ? linked->FindField(linked->primary_field_id) : nullptr;
  if (primary && IsComputedAtRead(primary->type)) {
    name = formula::ToText(ValueIn(link, record_id, primary->id));
  } else if (primary) {
    const Linked& l = Load(*linked, record_id);
    for (size_t i = 0; l.row && i < l.fields.size(); ++i)
      if (l.fields[i] == primary && !IsEmptyCell(*primary, l.row->cells[i]))
        name = CellString(*primary, l.row->cells[i]);
  }
  return names_[record_id] = name;
}

const LinkNames::Linked& LinkNames::Load(const Table& table, const std::string& record_id) {
  auto it = records_.find(record_id);
  if (it != records_.end()) return it->second;
  Linked l;
  l.table = &table;
  for (const Field& f : table.fields) l.fields.push_back(&f);
  auto rows = store_->Get(table, l.fields, {record_id});
  if (rows.ok() && !rows->empty()) l.row = std::move((*rows)[0]);
  return records_.emplace(record_id, std::move(l)).first->second;
}

formula::Value LinkNames::ValueIn(const Field& link, const std::string& record_id,
                                  const std::string& field_id) {
  auto [linked, inverse] = LinkTarget(*schema_, link);
  (void)inverse;
  const Field* target = linked ? linked->FindField(field_id) : nullptr;
  if (!target || depth_ > 8) return formula::Value::Blank();
  const Linked& l = Load(*linked, record_id);
  if (!l.row) return formula::Value::Blank();
  auto& formulas = formulas_[linked->id];
  if (!formulas) formulas = std::make_unique<formula::TableFormulas>(*linked);
  formula::RowAccess ra = RecordAccess(*l.row, l.fields, 0, this);
  ++depth_;
  formula::Value v = formulas->ValueOf(*target, ra);
  --depth_;
  return v;
}

formula::RowAccess RecordAccess(const StoredRecord& r, const std::vector<const Field*>& fetched,
                                int64_t now_ms, LinkNames* names) {
  formula::RowAccess ra;
  ra.cell = [&r, &fetched](const std::string& id) -> const SqlValue* {
    for (size_t i = 0; i < fetched.size(); ++i)
      if (fetched[i]->id == id) return &r.cells[i];
    return nullptr;
  };
  ra.record_id = r.id;
  ra.created_ms = r.created_ms;
  ra.modified_ms = r.modified_ms;
  ra.now_ms = now_ms;
  if (names) names->Attach(ra);
  return ra;
}

void LinkNames::Attach(formula::RowAccess& row) {
  row.link_name = [this](const Field& f, const std::string& id) { return NameOf(f, id); };
  row.linked_value = [this](const Field& f, const std::string& id, const std::string& field) {
    return ValueIn(f, id, field);
  };
}

std::string LinkNames::Joined(const Field& link, const SqlValue& cell) {
  std::string out;
  for (const std::string& id : LinkIds(cell)) {
    if (!out.empty()) out += ", ";
    out += NameOf(link, id);
  }
  return out;
}

Status LinkWriter::BeforeWrite(const Table& table, const std::string& record_id,
                               std::vector<std::pair<const Field*, SqlValue>>& cells, bool is_new) {
  for (auto& [field, value] : cells) {
    if (field->type != FieldType::kMultipleRecordLinks) continue;
    auto [linked, inverse] = LinkTarget(*c_.schema, *field);
    if (!linked)
      return Error(ErrorCode::kInvalidValueForColumn,
                   "Field \"" + field->name + "\" links to a table that no longer exists");
    // Resolve: ids of the linked table; with typecast, primary-field text of one of its records.
    const Field* primary = linked->FindField(linked->primary_field_id);
    std::vector<std::string> resolved;
    std::unordered_set<std::string> now_linked;
    for (const std::string& given : LinkIds(value)) {
      std::string id;
      if (IsId(given, "rec")) {
        ASSIGN_OR_RETURN(bool exists, txn_.Exists(*linked, given));
        if (exists) id = given;
      }
      if (id.empty() && typecast_ && primary) {
        ASSIGN_OR_RETURN(auto found, txn_.FindEqual(*linked, {{primary, SqlValue{given}}}, 1));
        if (!found.empty()) id = found[0];
      }
      if (id.empty())
        return Error(ErrorCode::kInvalidValueForColumn,
                     "Record ID " + given + " does not exist in table " + linked->name +
                         " (field \"" + field->name + "\")");
      if (now_linked.insert(id).second) resolved.push_back(id);
    }
    value = resolved.empty() ? SqlValue{} : SqlValue{Join(resolved)};
    if (!inverse) continue;

    std::vector<std::string> before;
    if (!is_new) {
      ASSIGN_OR_RETURN(auto old, txn_.Read(table, {field}, record_id));
      if (!old) continue;  // the update fails later and the transaction rolls back
      before = LinkIds((*old)[0]);
    }
    const std::unordered_set<std::string> was_linked(before.begin(), before.end());
    // The store keeps both sides of the pair; the records that gained or lost this one get
    // their modified time bumped, as their inverse cell changed.
    const int64_t now = c_.svc.clock->NowMs();
    for (const std::string& id : before)
      if (!now_linked.count(id)) RETURN_IF_ERROR(txn_.Touch(*linked, id, {inverse}, now));
    for (const std::string& id : resolved)
      if (!was_linked.count(id)) RETURN_IF_ERROR(txn_.Touch(*linked, id, {inverse}, now));
  }
  return Status::Ok();
}

Status LinkWriter::BeforeDelete(const Table& table, const std::string& record_id) {
  const int64_t now = c_.svc.clock->NowMs();
  // Every link field of the base that points at this table may hold the record: those cells
  // change (the store deletes the links with the record), so their records count as modified.
  for (const Table& other : c_.schema->tables) {
    for (const Field& f : other.fields) {
      if (f.type != FieldType::kMultipleRecordLinks) continue;
      if (OptionText(f, "linkedTableId") != table.id) continue;
      ASSIGN_OR_RETURN(std::vector<std::string> holders, txn_.LinkedFrom(f, record_id));
      for (const std::string& id : holders)
        if (id != record_id || other.id != table.id)
          RETURN_IF_ERROR(txn_.Touch(other, id, {&f}, now));
    }
  }
  return Status::Ok();
}

}  // namespace airbase::api
