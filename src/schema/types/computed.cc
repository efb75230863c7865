// The types computed when read: formula, count, lookup (multipleLookupValues), rollup and button
// (its label, and its URL from a formula; formulas read it as the label). Their
// options are built and checked above this layer (formula::FormulaFieldOptions and the metadata
// API, which need other tables and the formula language) and stored as they are; a cell reaches
// the writer as its V1 JSON, computed per record.
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

Result<json::object> TrustedOptions(const json::object* o, const std::vector<Field>&,
                                    IdGenerator&) {
  return o ? *o : json::object();
}

void WriteComputed(const Field&, const SqlValue& v, JsonWriter& out) { out.Raw(TextOf(v)); }

constexpr FieldTypeTraits Computed(FieldType type, std::string_view name, bool can_be_primary,
                                   CellKind kind) {
  return {type, name,           true,    true,          can_be_primary, SqlType::kText,
          kind, TrustedOptions, nullptr, WriteComputed, nullptr};
}

}  // namespace

const FieldTypeTraits kFormula = Computed(FieldType::kFormula, "formula", true, CellKind::kAny);
const FieldTypeTraits kCount = Computed(FieldType::kCount, "count", false, CellKind::kNumber);
const FieldTypeTraits kMultipleLookupValues =
    Computed(FieldType::kMultipleLookupValues, "multipleLookupValues", false, CellKind::kLookup);
const FieldTypeTraits kRollup = Computed(FieldType::kRollup, "rollup", false, CellKind::kAny);
const FieldTypeTraits kButton = Computed(FieldType::kButton, "button", false, CellKind::kText);

}  // namespace airbase::types
