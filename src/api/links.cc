#include "api/links.h"

#include <algorithm>

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
  std::vector<std::string> out;
  const std::string* s = std::get_if<std::string>(&cell);
  if (!s) return out;
  std::string_view rest = *s;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    out.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
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
      if (std::find(resolved.begin(), resolved.end(), id) == resolved.end()) resolved.push_back(id);
    }
    value = resolved.empty() ? SqlValue{} : SqlValue{Join(resolved)};
    if (!inverse) continue;

    std::vector<std::string> before;
    if (!is_new) {
      ASSIGN_OR_RETURN(auto old, txn_.Read(table, {field}, record_id));
      if (!old) continue;  // the update fails later and the transaction rolls back
      before = LinkIds((*old)[0]);
    }
    const int64_t now = c_.svc.clock->NowMs();
    auto adjust = [&](const std::string& other, bool add) -> Status {
      ASSIGN_OR_RETURN(auto cell, txn_.Read(*linked, {inverse}, other));
      if (!cell) return Status::Ok();
      std::vector<std::string> ids = LinkIds((*cell)[0]);
      auto it = std::find(ids.begin(), ids.end(), record_id);
      if (add == (it != ids.end())) return Status::Ok();
      if (add)
        ids.push_back(record_id);
      else
        ids.erase(it);
      SqlValue next = ids.empty() ? SqlValue{} : SqlValue{Join(ids)};
      return txn_.Update(*linked, other, {{inverse, next}}, now).status();
    };
    for (const std::string& id : before)
      if (std::find(resolved.begin(), resolved.end(), id) == resolved.end())
        RETURN_IF_ERROR(adjust(id, false));
    for (const std::string& id : resolved)
      if (std::find(before.begin(), before.end(), id) == before.end())
        RETURN_IF_ERROR(adjust(id, true));
  }
  return Status::Ok();
}

Status LinkWriter::BeforeDelete(const Table& table, const std::string& record_id) {
  const int64_t now = c_.svc.clock->NowMs();
  // Every link field of the base that points at this table may hold the record.
  for (const Table& other : c_.schema->tables) {
    for (const Field& f : other.fields) {
      if (f.type != FieldType::kMultipleRecordLinks) continue;
      if (OptionText(f, "linkedTableId") != table.id) continue;
      ListQuery q;
      q.fields = {&f};
      q.limit = 1 << 30;
      q.filter = Predicate::Cell(Predicate::Kind::kListHas, &f, record_id);
      ASSIGN_OR_RETURN(auto rows, c_.svc.store->List(other, q));
      for (const StoredRecord& r : rows) {
        ASSIGN_OR_RETURN(auto cell, txn_.Read(other, {&f}, r.id));
        if (!cell) continue;
        std::vector<std::string> ids = LinkIds((*cell)[0]);
        auto it = std::find(ids.begin(), ids.end(), record_id);
        if (it == ids.end()) continue;
        ids.erase(it);
        SqlValue next = ids.empty() ? SqlValue{} : SqlValue{Join(ids)};
        RETURN_IF_ERROR(txn_.Update(other, r.id, {{&f, next}}, now).status());
      }
    }
  }
  return Status::Ok();
}

}  // namespace airbase::api
