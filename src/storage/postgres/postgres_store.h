// The PostgreSQL store: the portable SqlStore (storage/sql/sql_store.h) over a pool of libpq
// connections to one database, with airbase's migrations in PostgreSQL's dialect. Every server of
// a fleet opens the same database; nothing of the store's state lives only in one process except
// the caches that meta_version keeps exact.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/sql/migrations.h"
#include "storage/store.h"

namespace airbase::postgres {

// True for the URLs this store opens: postgres://... and postgresql://...
bool IsPostgresUrl(const std::string& url);

// Connects to `url`, creating and migrating airbase's tables if needed.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options, const std::string& url);

// "libpq 15.18": the client library linked in.
std::string LibraryVersion();

// airbase's migrations in PostgreSQL's dialect, numbered as SqliteMigrations() is.
const std::vector<sql::Migration>& PostgresMigrations();

}  // namespace airbase::postgres
