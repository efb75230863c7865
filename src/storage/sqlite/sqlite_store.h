// The SQLite store: one database file (airbase.db) in the data directory, WAL mode, a pool of
// connections (one per concurrent caller) with cached prepared statements; everything else is
// the portable SqlStore (storage/sql/sql_store.h).
#pragma once

#include <memory>
#include <vector>

#include "storage/sql/migrations.h"
#include "storage/store.h"

namespace airbase::sqlite {

// Opens (creating and migrating if needed) the store in `data_dir`.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options, const std::string& data_dir);

// "SQLite 3.40.1": the library linked in.
std::string LibraryVersion();

// airbase's migrations in SQLite's dialect, in order.
const std::vector<sql::Migration>& SqliteMigrations();

}  // namespace airbase::sqlite
