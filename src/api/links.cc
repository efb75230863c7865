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
