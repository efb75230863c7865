// Linked records (linked_records.h), read through the store once per record per request.
#include "engine/linked_records.h"

#include "common/json_util.h"
#include "common/text.h"
#include "engine/cell_text.h"
#include "formula/value.h"

namespace airbase::engine {

namespace {

namespace json = boost::json;

std::string OptionText(const Field& f, const char* key) { return StringOr(f.options, key); }

}  // namespace

std::vector<std::string> LinkIds(const SqlValue& cell) {
  const std::string* s = std::get_if<std::string>(&cell);
  return s ? SplitOn(*s, ',') : std::vector<std::string>();
}

std::string LinkedTableId(const Field& link) { return OptionText(link, "linkedTableId"); }

std::pair<const Table*, const Field*> LinkTarget(const BaseSchema& schema, const Field& field) {
  const Table* linked = schema.FindTable(LinkedTableId(field));
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

Role LinkNames::RoleOf(const std::string& user_id) {
  if (!roles_) {
    roles_.emplace();
    if (auto all = store_->ListBaseCollaborators(schema_->base.id); all.ok())
      for (const BaseCollaborator& c : *all) (*roles_)[c.user.id] = c.role;
  }
  auto it = roles_->find(user_id);
  return it == roles_->end() ? Role::kNone : it->second;
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

}  // namespace airbase::engine
