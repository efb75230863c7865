// Turns the parts of a filterByFormula whose meaning the store can test *exactly* into a
// Predicate (schema/predicate.h), so the database filters and can use indexes. Every other node
// is refused; the evaluator then runs over the rows the store returns. Golden cases run through
// both paths must agree (tests/unit/formula_sql_test.cc). No SQL here: the store renders the
// predicate for its engine.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "formula/formula.h"
#include "schema/model.h"
#include "schema/predicate.h"

namespace airbase::formula {

struct PushedFilter {
  std::optional<Predicate> predicate;  // none: the store cannot narrow the rows
  bool exact = false;  // true: `predicate` is the whole formula; false: a safe pre-filter
};

// `fields` maps CompiledFormula::field_ids to the table's fields (same order).
// Subexpressions that read no record (e.g. DATEADD(NOW(), -1, 'days')) are evaluated once at
// `now_ms` and pushed down as values. LOWER, UPPER and SEARCH are pushed down only with
// `case_mapping` (RecordStore::CaseMappingInSql), arithmetic over number cells compared with
// a number only with `arithmetic` (RecordStore::ArithmeticInSql).
PushedFilter PushDown(const CompiledFormula& formula, const std::vector<const Field*>& fields,
                      int64_t now_ms = 0, bool case_mapping = true, bool arithmetic = false);

}  // namespace airbase::formula
