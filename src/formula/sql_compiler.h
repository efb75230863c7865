// Compiles the parts of a filterByFormula whose meaning SQL can express *exactly* over the
// storage layout (docs/STORAGE.md) into a WHERE clause, so the database filters and can use
// indexes. Every other node is refused; the evaluator then runs over the rows SQL returns.
// Golden cases run through both paths must agree (tests/unit/formula_sql_test.cc).
#pragma once

#include <string>
#include <vector>

#include "formula/formula.h"
#include "schema/model.h"

namespace airbase::formula {

// The SQL spellings that differ between the stores (NULL-safe equality, substring search).
enum class SqlDialect { kSqlite, kPostgres };

struct SqlFilter {
  std::string where;             // a predicate that is never NULL; empty: nothing compiled
  std::vector<SqlValue> params;  // bound to the `?` placeholders of `where`, in order
  bool exact = false;            // true: `where` is the whole formula; false: a safe pre-filter
  std::vector<const Field*> indexable;  // fields compared by equality or range: worth an index
};

// `fields` maps CompiledFormula::field_ids to the table's fields (same order).
// Subexpressions that read no record (e.g. DATEADD(NOW(), -1, 'days')) are evaluated once at
// `now_ms` and bound as values.
SqlFilter CompileToSql(const CompiledFormula& formula, const std::vector<const Field*>& fields,
                       int64_t now_ms = 0, SqlDialect dialect = SqlDialect::kSqlite);

}  // namespace airbase::formula
