// How each stored cell enters a formula (formula.md §3.1).
#pragma once

#include <vector>

#include "formula/formula.h"
#include "schema/model.h"

namespace airbase::formula {

Value FromCell(const Field& field, const SqlValue& stored);

// The fields a formula can name: every field of `table`, by name and id.
std::vector<FieldInfo> FieldsOf(const Table& table);

}  // namespace airbase::formula
