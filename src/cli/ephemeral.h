// `airbase serve --ephemeral` (README "airbase in a test suite"): a server on a data directory of
// its own, made under $TMPDIR at start and removed at exit, holding a test user, the fixtures
// (base documents, docs/BASE_FORMAT.md) with their ids, and one token; and a snapshot of that
// state, which the control API's reset (api/control.h) copies back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/tokens.h"
#include "common/status.h"
#include "storage/store.h"

namespace airbase::cli {

// The directory: made by Make, removed (with everything in it) when destroyed.
class EphemeralDir {
 public:
  EphemeralDir() = default;
  ~EphemeralDir();
  EphemeralDir(const EphemeralDir&) = delete;
  EphemeralDir& operator=(const EphemeralDir&) = delete;
  Status Make();
  const std::string& path() const { return path_; }
  std::string data_dir() const { return path_ + "/data"; }
  std::string snapshot() const { return path_ + "/fixtures.db"; }

 private:
  std::string path_;
};

struct EphemeralOptions {
  std::vector<std::string> fixtures;  // base documents, imported with their ids
  // Holds the token to accept ("pat….<64 hex>"); when missing or empty, the new token is
  // written there. Unset: the new token is printed.
  std::string token_file;
};

struct EphemeralState {
  std::string user_email, workspace_id;
  std::vector<std::string> base_ids;
  int64_t records = 0;
  std::string token;  // the token secret, when it was made here
};

inline constexpr const char* kEphemeralUserEmail = "test@airbase.local";

// Fills a fresh store: marks it a test server's (testing.fixedTokens), makes the user and a
// workspace, imports the fixtures, makes the token (every scope, every base), then writes the
// snapshot to `snapshot`.
Result<EphemeralState> SetUpEphemeral(Store& store, TokenService& tokens, IdGenerator& ids,
                                      const Clock& clock, const EphemeralOptions& options,
                                      const std::string& snapshot);

}  // namespace airbase::cli
