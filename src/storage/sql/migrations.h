// Versioned migrations of airbase's own tables: each runs once, in order, in its own write
// transaction, recorded in schema_migrations. The engine adapter supplies the migration texts in
// its dialect (storage/sqlite/sqlite_migrations.cc); a step that converts data is portable code
// over the connection (e.g. link_sql.h's MoveLinksToJunctions).
#pragma once

#include <vector>

#include "common/clock.h"
#include "storage/sql/pool.h"

namespace airbase::sql {

struct Migration {
  Migration(const char* text) : sql(text) {}             // NOLINT: a list of texts reads best
  Migration(Status (*code)(Connection&)) : run(code) {}  // NOLINT
  const char* sql = nullptr;                             // statements, or
  Status (*run)(Connection& db) = nullptr;               // a conversion
};

Status Migrate(ConnectionPool& pool, const std::vector<Migration>& migrations, const Clock* clock);

}  // namespace airbase::sql
