// Personal access tokens (tokens.h): secrets made and hashed, verification with the
// meta_version cache, edit, regenerate with overlap, revoke, last-used tracking, audit.
#include "auth/tokens.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <tuple>

#include "auth/scopes.h"
#include "common/crypto.h"
#include "common/limits.h"

namespace airbase {

namespace json = boost::json;

std::optional<std::pair<std::string, std::string>> SplitToken(std::string_view token) {
  if (token.size() != kIdLength + 1 + 64 || token[kIdLength] != '.') return std::nullopt;
  std::string_view id = token.substr(0, kIdLength);
  std::string_view secret = token.substr(kIdLength + 1);
  if (!IsId(id, "pat")) return std::nullopt;
  for (char c : secret)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return std::make_pair(std::string(id), std::string(secret));
}

namespace {
Status Invalid(std::string msg) { return Error(ErrorCode::kInvalidArgument, std::move(msg)); }

std::string SpecJson(const TokenSpec& s) {
  json::object o;
  o["name"] = s.name;
  json::array scopes, bases, wss;
  for (auto& x : s.scopes) scopes.emplace_back(x);
  for (auto& x : s.base_ids) bases.emplace_back(x);
  for (auto& x : s.workspace_ids) wss.emplace_back(x);
  o["scopes"] = std::move(scopes);
  o["allBases"] = s.all_bases;
  o["baseIds"] = std::move(bases);
  o["workspaceIds"] = std::move(wss);
  o["expiresMs"] = s.expires_ms;
  return json::serialize(o);
}
}  // namespace

Status TokenService::Validate(const std::string& user_id, const TokenSpec& spec) {
  if (spec.name.empty() || spec.name.size() > kMaxNameLength)
    return Invalid("a token needs a name of 1 to 255 characters");
  if (spec.scopes.empty()) return Invalid("a token needs at least one scope");
  for (const auto& s : spec.scopes)
    if (!IsKnownScope(s)) return Invalid("unknown scope: " + s);
  if (!spec.all_bases && spec.base_ids.empty() && spec.workspace_ids.empty())
    return Invalid("a token needs access to some bases, some workspaces, or all bases");
  for (const auto& b : spec.base_ids) {
    ASSIGN_OR_RETURN(Role role, store_->BaseRole(user_id, b));
    if (role == Role::kNone) return Invalid("no such base for this user: " + b);
  }
  for (const auto& w : spec.workspace_ids) {
    ASSIGN_OR_RETURN(Role role, store_->WorkspaceRole(user_id, w));
    if (role == Role::kNone) return Invalid("no such workspace for this user: " + w);
  }
  if (spec.expires_ms != 0 && spec.expires_ms <= clock_->NowMs())
    return Invalid("the expiry must be in the future");
  return Status::Ok();
}

void TokenService::Audit(const std::string& user_id, const std::string& token_id, const char* event,
                         std::string detail) {
  (void)store_->AppendAudit(
      AuditEvent{clock_->NowMs(), user_id, token_id, event, std::move(detail)});
}

Status TokenService::ApplyExpiryPolicy(TokenSpec* spec) {
  auto days = [&](const char* key) -> Result<int64_t> {
    ASSIGN_OR_RETURN(std::string v, store_->GetSetting(key));
    return v.empty() ? int64_t{0} : std::atoll(v.c_str());
  };
  ASSIGN_OR_RETURN(int64_t def, days(kDefaultExpiryDaysSetting));
  ASSIGN_OR_RETURN(int64_t max, days(kMaxExpiryDaysSetting));
  int64_t now = clock_->NowMs();
  if (spec->expires_ms == 0 && def > 0) spec->expires_ms = now + def * 86400000;
  if (max > 0 && (spec->expires_ms == 0 || spec->expires_ms > now + max * 86400000))
    return Invalid("this server allows tokens to live at most " + std::to_string(max) +
                   " days: give an expiry within that");
  return Status::Ok();
}

Result<std::string> TokenService::Create(const std::string& user_id, const TokenSpec& given,
                                         std::string_view fixed) {
  TokenSpec spec = given;
  RETURN_IF_ERROR(ApplyExpiryPolicy(&spec));
  RETURN_IF_ERROR(Validate(user_id, spec));
  std::string id, secret;
  if (!fixed.empty()) {
    ASSIGN_OR_RETURN(std::string marked, store_->GetSetting(kFixedTokensSetting));
    if (marked != "true")
      return Invalid(std::string("a token with a given secret is only for a test server: mark this "
                                 "data directory with `airbase settings set --key ") +
                     kFixedTokensSetting + " --value true`");
    auto parts = SplitToken(fixed);
    if (!parts)
      return Invalid("--secret must be a whole token: pat<14 letters or digits>.<64 hex>");
    ASSIGN_OR_RETURN(auto taken, store_->FindToken(parts->first));
    if (taken) return Invalid("token id " + parts->first + " is taken");
    std::tie(id, secret) = *parts;
  } else {
    id = ids_->Next("pat");
    secret = RandomHex(32);
  }
  TokenRecord t;
  t.id = id;
  t.user_id = user_id;
  t.name = spec.name;
  t.secret_hash = Sha256(secret);
  t.scopes = spec.scopes;
  t.all_bases = spec.all_bases;
  t.base_ids = spec.base_ids;
  t.workspace_ids = spec.workspace_ids;
  t.created_ms = clock_->NowMs();
  t.expires_ms = spec.expires_ms;
  RETURN_IF_ERROR(store_->CreateToken(t));
  Audit(user_id, t.id, "token.created", SpecJson(spec));
  return t.id + "." + secret;
}

Result<Principal> TokenService::Verify(std::string_view header, int64_t meta_version) {
  const Status denied = Error(ErrorCode::kAuthenticationRequired);
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size()) return denied;
  for (size_t i = 0; i < kBearer.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kBearer[i])))
      return denied;
  std::string_view token = header.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  auto parts = SplitToken(token);
  if (!parts) return denied;
  std::optional<TokenRecord> found;
  bool cached = false;
  if (meta_version >= 0) {
    std::lock_guard lock(cache_mu_);
    if (cache_version_ != meta_version) {
      cache_.clear();
      cache_version_ = meta_version;
    }
    auto it = cache_.find(parts->first);
    if (it != cache_.end()) {
      found = it->second;
      cached = true;
    }
  }
  if (!cached) {
    ASSIGN_OR_RETURN(found, store_->FindToken(parts->first));
    if (meta_version >= 0) {
      std::lock_guard lock(cache_mu_);
      if (cache_version_ == meta_version && cache_.size() < 100000) cache_[parts->first] = found;
    }
  }
  if (!found) return denied;
  TokenRecord& t = *found;
  int64_t now = clock_->NowMs();
  if (t.revoked_ms != 0 || (t.expires_ms != 0 && now >= t.expires_ms)) return denied;
  std::string hash = Sha256(parts->second);
  bool match = ConstantTimeEquals(hash, t.secret_hash);
  if (!match && !t.prev_secret_hash.empty() && now < t.prev_valid_until_ms)
    match = ConstantTimeEquals(hash, t.prev_secret_hash);
  if (!match) return denied;
  NoteUse(t);
  return Principal::ForToken(std::move(t));
}

void TokenService::NoteUse(const TokenRecord& t) {
  int64_t now = clock_->NowMs();
  std::lock_guard lock(usage_mu_);
  auto it = last_written_.find(t.id);
  int64_t last = it != last_written_.end() ? it->second : t.last_used_ms;
  if (now - last < kLastUsedWriteIntervalMs) return;
  last_written_[t.id] = now;
  pending_[t.id] = {t.user_id, now};
}

Status TokenService::FlushUsage() {
  std::map<std::string, std::pair<std::string, int64_t>> batch;
  {
    std::lock_guard lock(usage_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::Ok();
  std::vector<std::pair<std::string, int64_t>> uses;
  for (const auto& [id, um] : batch) uses.emplace_back(id, um.second);
  // A fleet's servers each see their own uses; the first to write in a minute wins, and only the
  // time written is audited, so a token in use on three servers is one write a minute, not three.
  ASSIGN_OR_RETURN(std::vector<std::string> written,
                   store_->TouchTokens(uses, kLastUsedWriteIntervalMs));
  for (const std::string& id : written) Audit(batch[id].first, id, "token.used", "{}");
  return Status::Ok();
}

Result<std::vector<TokenRecord>> TokenService::List(const std::string& user_id) {
  return store_->ListTokens(user_id);
}

Result<TokenRecord> TokenService::Owned(const std::string& user_id, const std::string& token_id) {
  ASSIGN_OR_RETURN(std::optional<TokenRecord> t, store_->FindToken(token_id));
  if (!t || t->user_id != user_id || t->revoked_ms != 0)
    return Error(ErrorCode::kModelIdNotFound, "Token not found");
  return std::move(*t);
}

Status TokenService::Edit(const std::string& user_id, const std::string& token_id,
                          const TokenSpec& spec) {
  ASSIGN_OR_RETURN(TokenRecord t, Owned(user_id, token_id));
  TokenSpec check = spec;
  if (check.expires_ms != t.expires_ms) RETURN_IF_ERROR(ApplyExpiryPolicy(&check));
  if (check.expires_ms != 0 && check.expires_ms == t.expires_ms) check.expires_ms = 0;
  RETURN_IF_ERROR(Validate(user_id, check));
  t.name = spec.name;
  t.scopes = spec.scopes;
  t.all_bases = spec.all_bases;
  t.base_ids = spec.base_ids;
  t.workspace_ids = spec.workspace_ids;
  t.expires_ms = spec.expires_ms;
  RETURN_IF_ERROR(store_->UpdateToken(t));
  Audit(user_id, token_id, "token.edited", SpecJson(spec));
  return Status::Ok();
}

Result<std::string> TokenService::Regenerate(const std::string& user_id,
                                             const std::string& token_id, int64_t overlap_ms) {
  ASSIGN_OR_RETURN(TokenRecord t, Owned(user_id, token_id));
  std::string secret = RandomHex(32);
  if (overlap_ms > 0) {
    t.prev_secret_hash = t.secret_hash;
    t.prev_valid_until_ms = clock_->NowMs() + overlap_ms;
  } else {
    t.prev_secret_hash.clear();
    t.prev_valid_until_ms = 0;
  }
  t.secret_hash = Sha256(secret);
  RETURN_IF_ERROR(store_->UpdateToken(t));
  Audit(user_id, token_id, "token.regenerated",
        "{\"overlapMs\":" + std::to_string(overlap_ms) + "}");
  return t.id + "." + secret;
}

Status TokenService::Revoke(const std::string& user_id, const std::string& token_id) {
  ASSIGN_OR_RETURN(TokenRecord t, Owned(user_id, token_id));
  t.revoked_ms = clock_->NowMs();
  t.prev_secret_hash.clear();
  RETURN_IF_ERROR(store_->UpdateToken(t));
  Audit(user_id, token_id, "token.revoked", "{}");
  return Status::Ok();
}

}  // namespace airbase
