// multipleRecordLinks: record ids of the linked table, in cell order (the store keeps them in a
// junction table shared with the inverse field, docs/STORAGE.md). The API layer checks that the
// ids exist, matches typecast text against the linked table's primary field and creates the
// inverse; here a cell is only its list of ids.
#include <set>

#include "common/text.h"
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

Result<json::object> LinkOptions(const json::object* o, const std::vector<Field>&, IdGenerator&) {
  // The API layer checks linkedTableId against the base and fills inverseLinkFieldId.
  const json::value* linked = o ? o->if_contains("linkedTableId") : nullptr;
  if (!linked || !linked->is_string() || !IsId(linked->as_string(), "tbl"))
    return OptionsError("options.linkedTableId must name a table of this base");
  json::object out;
  out["linkedTableId"] = linked->as_string();
  out["isReversed"] = false;
  const json::value* single = o->if_contains("prefersSingleRecordLink");
  if (single && !single->is_null() && !single->is_bool())
    return OptionsError("prefersSingleRecordLink must be a boolean");
  out["prefersSingleRecordLink"] = single && single->is_bool() && single->as_bool();
  if (const json::value* inv = o->if_contains("inverseLinkFieldId");
      inv && inv->is_string() && IsId(inv->as_string(), "fld"))
    out["inverseLinkFieldId"] = inv->as_string();
  return out;
}

Result<SqlValue> EncodeLinks(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  std::vector<std::string> recs;
  if (v.is_array()) {
    for (const auto& e : v.as_array()) {
      if (!e.is_string()) return ValueError(f);
      recs.emplace_back(e.as_string());
    }
  } else if (typecast && v.is_string()) {  // "recA, recB" or primary-field texts
    for (const std::string& part : SplitOn(v.as_string(), ','))
      if (std::string text = TrimSpace(part); !text.empty()) recs.push_back(text);
  } else {
    return ValueError(f);
  }
  std::string joined;
  std::set<std::string> seen;
  for (const auto& r : recs) {
    if (r.empty() || r.find(',') != std::string::npos) return ValueError(f);
    if (!seen.insert(r).second) continue;
    if (!joined.empty()) joined.push_back(',');
    joined += r;
  }
  if (joined.empty()) return SqlValue{};
  return SqlValue{std::move(joined)};
}

void WriteLinks(const Field&, const SqlValue& v, JsonWriter& out) {
  out.BeginArray();
  for (const std::string& id : SplitOn(TextOf(v), ',')) out.String(id);
  out.EndArray();
}

}  // namespace

const FieldTypeTraits kMultipleRecordLinks = {FieldType::kMultipleRecordLinks,
                                              "multipleRecordLinks",
                                              false,
                                              false,
                                              false,
                                              SqlType::kText,
                                              CellKind::kLinks,
                                              LinkOptions,
                                              EncodeLinks,
                                              WriteLinks,
                                              nullptr};

}  // namespace airbase::types
