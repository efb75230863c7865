// SQLite's spellings of the portable statements (storage/sql/dialect.h).
#pragma once

#include "storage/sql/dialect.h"

namespace airbase::sqlite {

const sql::Dialect& Dialect();

}  // namespace airbase::sqlite
