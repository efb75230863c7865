// A view's filter conditions (set in the web app, saved with the view) as a formula, so that one
// engine filters both `filterByFormula` and `view`: the SQL compiler takes what it can say exactly,
// the evaluator the rest.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/model.h"

namespace airbase::formula {

// The operators a field of this type offers (Airtable's names), e.g. {"contains", "=", ...}.
std::vector<std::string_view> ViewOperators(FieldType type);

// Checks a condition against its table: the field exists, the operator suits its type and the
// value has the operator's shape. kInvalidRequestUnknown with a message otherwise.
Status CheckCondition(const Table& table, const ViewCondition& c);

// The view's conditions joined by its conjunction, over {fldXXX} references; empty when the view
// filters nothing. Conditions without a value (an "is" with nothing typed yet) and conditions on
// fields that no longer exist are inactive, as in Airtable.
std::string ViewFilterFormula(const Table& table, const View& view);

}  // namespace airbase::formula
