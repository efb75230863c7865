// Store::Open: the one place that chooses a storage engine by the store's URL.
#include "storage/store.h"

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace airbase {

std::string Store::EnginesText() {
  return "sqlite (" + sqlite::LibraryVersion() + "), postgres (" + postgres::LibraryVersion() + ")";
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  const std::string& url = options.url;
  if (url.empty() || url == "sqlite:") return sqlite::OpenStore(options, options.data_dir);
  if (url.rfind("sqlite:", 0) == 0) return sqlite::OpenStore(options, url.substr(7));
  if (postgres::IsPostgresUrl(url)) return postgres::OpenStore(options, url);
  return Error(ErrorCode::kInvalidArgument,
               "unknown store " + url + " (expected sqlite:DIR or postgres://USER@HOST:PORT/DB)");
}

}  // namespace airbase
