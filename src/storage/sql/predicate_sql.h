// Renders a Predicate (schema/predicate.h) as a WHERE clause for one engine's dialect: the only
// place a filter becomes SQL text.
#pragma once

#include <string>
#include <vector>

#include "schema/predicate.h"
#include "storage/sql/dialect.h"

namespace airbase::sql {

// Appends `p` as a boolean SQL expression that selects exactly the rows `p` holds for (NULL only
// where it means "no match" outside any NOT), and its parameters in placeholder (`?`) order.
void AppendPredicate(const Dialect& d, const Predicate& p, std::string* sql,
                     std::vector<SqlValue>* params);
// The fields `p` compares by equality or range: worth an index.
void IndexableFields(const Predicate& p, std::vector<const Field*>* out);
// The cells `p` compares through a function (LOWER({Name}) = 'x', LEN({Notes}) > 10): each is
// worth an index on that expression.
void TransformedFields(const Predicate& p,
                       std::vector<std::pair<const Field*, Predicate::Transform>>* out);

}  // namespace airbase::sql
