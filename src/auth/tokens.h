// Personal access tokens (shared/spec/tokens.md): creation, verification on every request, the
// life cycle (edit, regenerate, revoke), coalesced last-used tracking and the audit log.
//
// A token is `pat<14 alphanumerics>.<64 lowercase hex>`. The part before the dot is the token id,
// stored in clear; only SHA-256 of the secret after the dot is stored, compared in constant time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "storage/store.h"

namespace airbase {

struct TokenSpec {
  std::string name;
  std::vector<std::string> scopes;
  bool all_bases = false;
  std::vector<std::string> base_ids;
  std::vector<std::string> workspace_ids;
  int64_t expires_ms = 0;  // 0 = never
};

// A verified token: who it acts for and what it may reach.
class TokenService {  // Safe for concurrent use.
 public:
  TokenService(Store* store, const Clock* clock, IdGenerator* ids)
      : store_(store), clock_(clock), ids_(ids) {}

  // Creates a token for `user_id`; returns the full token string, the only time it exists.
  // `fixed`: the whole token to create ("pat<14>.<64 hex>", stored hashed like any other), for a
  // test suite that commits a known token; refused unless kFixedTokensSetting is "true", and
  // when its id is taken.
  Result<std::string> Create(const std::string& user_id, const TokenSpec& spec,
                             std::string_view fixed = {});
  // Verifies an Authorization header value. Every failure is 401 AUTHENTICATION_REQUIRED.
  // With meta_version >= 0 (SchemaStore::MetaVersion()), token records come from a cache that is
  // exact for that version, so a request costs no token query.
  Result<Principal> Verify(std::string_view authorization_header, int64_t meta_version = -1);
  Result<std::vector<TokenRecord>> List(const std::string& user_id);
  // Replaces the parts of `spec` that are set; the caller passes the full new spec.
  Status Edit(const std::string& user_id, const std::string& token_id, const TokenSpec& spec);
  // A new secret for the same id; the old one stops working now, or after `overlap_ms`.
  Result<std::string> Regenerate(const std::string& user_id, const std::string& token_id,
                                 int64_t overlap_ms = 0);
  Status Revoke(const std::string& user_id, const std::string& token_id);
  // Writes pending last-used times (at most one per token per kLastUsedWriteIntervalMs).
  Status FlushUsage();

 private:
  Status Validate(const std::string& user_id, const TokenSpec& spec);
  // Applies the server's default expiry to `spec` and refuses one past the maximum.
  Status ApplyExpiryPolicy(TokenSpec* spec);
  Result<TokenRecord> Owned(const std::string& user_id, const std::string& token_id);
  void Audit(const std::string& user_id, const std::string& token_id, const char* event,
             std::string detail);
  void NoteUse(const TokenRecord& t);

  Store* store_;
  const Clock* clock_;
  IdGenerator* ids_;
  std::mutex cache_mu_;
  int64_t cache_version_ = -1;                               // GUARDED_BY(cache_mu_)
  std::map<std::string, std::optional<TokenRecord>> cache_;  // GUARDED_BY(cache_mu_)
  std::mutex usage_mu_;
  std::map<std::string, int64_t> last_written_;                     // GUARDED_BY(usage_mu_)
  std::map<std::string, std::pair<std::string, int64_t>> pending_;  // id -> (user, ms)
};

// Server-wide token policy, kept in the store's settings so the CLI and every server share it.
inline constexpr const char* kDefaultExpiryDaysSetting = "token.defaultExpiryDays";
inline constexpr const char* kMaxExpiryDaysSetting = "token.maxExpiryDays";
// "true" marks a data directory (or database) as a test server's: tokens with given secrets
// may be created (`token create --secret`). Never set on a real deployment.
inline constexpr const char* kFixedTokensSetting = "testing.fixedTokens";

// Splits "pat<14>.<64 hex>" into id and secret; nullopt when malformed.
std::optional<std::pair<std::string, std::string>> SplitToken(std::string_view token);

}  // namespace airbase
