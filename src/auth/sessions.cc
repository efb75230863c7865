// Web app accounts and sessions (sessions.h): password hashing, setup, throttled sign-in, the
// session cookie and its CSRF token.
#include "auth/sessions.h"

#include <sodium.h>

#include <algorithm>

#include "common/crypto.h"

namespace airbase {

Result<std::string> HashPassword(std::string_view password) {
  if (sodium_init() < 0) return Error(ErrorCode::kInternal, "libsodium failed to start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Error(ErrorCode::kInternal, "password hashing failed");
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (hash.empty() || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

namespace {
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

// The value of cookie `name` in a Cookie header.
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name)
      return std::string(part.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}
}  // namespace

Result<bool> SessionService::SetupNeeded() {
  ASSIGN_OR_RETURN(int64_t n, store_->CountUsers());
  return n == 0;
}

Result<NewSession> SessionService::Start(const User& user) {
  NewSession out;
  out.secret = RandomHex(32);
  out.session.user = user;
  out.session.csrf = RandomHex(16);
  int64_t now = clock_->NowMs();
  RETURN_IF_ERROR(store_->CreateSession(
      SessionRecord{Sha256(out.secret), user.id, out.session.csrf, now, now + kSessionLifetimeMs}));
  return out;
}

Result<NewSession> SessionService::Setup(const std::string& email, const std::string& name,
                                         const std::string& password) {
  ASSIGN_OR_RETURN(bool needed, SetupNeeded());
  if (!needed) return Error(ErrorCode::kInvalidPermissions, "This server is already set up");
  if (email.find('@') == std::string::npos || name.empty())
    return Error(ErrorCode::kInvalidRequestUnknown, "An email and a name are required");
  if (password.size() < kMinPasswordLength)
    return Error(ErrorCode::kInvalidRequestUnknown, "The password must have at least 8 characters");
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  // The check above is only a fast path: concurrent setups race to this one transaction.
  auto created = store_->CreateFirstUser(email, name, hash);
  if (created.status().code() == ErrorCode::kAlreadyExists)
    return Error(ErrorCode::kInvalidPermissions, "This server is already set up");
  ASSIGN_OR_RETURN(User user, std::move(created));
  ASSIGN_OR_RETURN(Workspace ws, store_->CreateWorkspace(user.id, "My First Workspace"));
  (void)ws;
  return Start(user);
}

Result<NewSession> SessionService::SignIn(const std::string& email, const std::string& password) {
  std::string key = Lower(email);
  int64_t now = clock_->NowMs();
  {
    std::lock_guard lock(mu_);
    auto it = failures_.find(key);
    if (it != failures_.end() && now < it->second.second)
      return Error(ErrorCode::kRateLimited,
                   "Too many failed sign-ins. Wait 30 seconds and try again.");
  }
  ASSIGN_OR_RETURN(std::optional<User> user, store_->FindUserByEmail(email));
  std::string hash;
  if (user) {
    ASSIGN_OR_RETURN(hash, store_->PasswordHash(user->id));
  }
  if (!user || !VerifyPassword(password, hash)) {
    std::lock_guard lock(mu_);
    if (failures_.size() > 100000) failures_.clear();
    auto& [count, until] = failures_[key];
    if (++count >= kSignInFailuresBeforeLock) {
      until = now + kSignInLockMs;
      count = 0;
    }
    return Error(ErrorCode::kAuthenticationRequired, "Wrong email or password");
  }
  {
    std::lock_guard lock(mu_);
    failures_.erase(key);
  }
  return Start(*user);
}

Result<std::optional<Session>> SessionService::FromCookie(std::string_view header) {
  std::string secret = CookieValue(header, kSessionCookie);
  if (secret.size() != 64) return std::optional<Session>();
  ASSIGN_OR_RETURN(std::optional<SessionRecord> rec, store_->FindSession(Sha256(secret)));
  if (!rec || clock_->NowMs() >= rec->expires_ms) return std::optional<Session>();
  ASSIGN_OR_RETURN(std::optional<User> user, store_->FindUser(rec->user_id));
  if (!user) return std::optional<Session>();
  return std::optional<Session>(Session{*user, rec->csrf});
}

Status SessionService::SignOut(std::string_view header) {
  std::string secret = CookieValue(header, kSessionCookie);
  if (secret.empty()) return Status::Ok();
  return store_->DeleteSession(Sha256(secret));
}

Status SessionService::ChangePassword(std::string_view header, const User& user,
                                      const std::string& current, const std::string& next) {
  ASSIGN_OR_RETURN(std::string hash, store_->PasswordHash(user.id));
  if (hash.empty() || !VerifyPassword(current, hash))
    return Error(ErrorCode::kInvalidPermissions, "The current password is wrong");
  if (next.size() < kMinPasswordLength)
    return Error(ErrorCode::kInvalidRequestUnknown, "The password must have at least 8 characters");
  ASSIGN_OR_RETURN(std::string fresh, HashPassword(next));
  return store_->SetPassword(user.id, fresh, Sha256(CookieValue(header, kSessionCookie)));
}

std::string SessionService::CookieFor(const std::string& secret, bool secure) {
  return std::string(kSessionCookie) + "=" + secret +
         "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" +
         std::to_string(kSessionLifetimeMs / 1000) + (secure ? "; Secure" : "");
}

std::string SessionService::ClearCookie(bool secure) {
  return std::string(kSessionCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" +
         (secure ? "; Secure" : "");
}

}  // namespace airbase
