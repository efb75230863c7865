// Versioned migrations of airbase's own tables: each runs once, in order, in its own write
// transaction, recorded in schema_migrations. The engine adapter supplies the migration texts in
// its dialect (storage/sqlite/sqlite_migrations.cc).
#pragma once

#include <vector>

#include "common/clock.h"
#include "storage/sql/pool.h"

namespace airbase::sql {

Status Migrate(ConnectionPool& pool, const std::vector<const char*>& migrations,
               const Clock* clock);

}  // namespace airbase::sql
