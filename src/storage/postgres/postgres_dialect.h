// PostgreSQL's spellings of the portable statements (storage/sql/dialect.h), ahead of its
// connection adapter (issue 10): the statements storage/sql/ builds are checked against both
// dialects today, so a PostgreSQL store inherits them instead of copying them.
#pragma once

#include "storage/sql/dialect.h"

namespace airbase::postgres {

const sql::Dialect& Dialect();

}  // namespace airbase::postgres
