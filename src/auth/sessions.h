// Web app accounts: passwords (argon2id through libsodium), first-run setup, sign-in with
// throttling of repeated failures, and sessions carried in an HttpOnly SameSite cookie with a
// per-session CSRF token that every state-changing request must echo.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "storage/store.h"

namespace airbase {

// argon2id with libsodium's interactive limits; a self-describing string with salt and costs.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view password, const std::string& hash);

inline constexpr const char* kSessionCookie = "airbase_session";
inline constexpr int64_t kSessionLifetimeMs = 14LL * 24 * 3600 * 1000;
inline constexpr int kSignInFailuresBeforeLock = 5;
inline constexpr int64_t kSignInLockMs = 30 * 1000;
inline constexpr size_t kMinPasswordLength = 8;

struct Session {
  User user;
  std::string csrf;
};

struct NewSession {
  std::string secret;  // goes into the cookie; never stored
  Session session;
};

class SessionService {  // Safe for concurrent use.
 public:
  SessionService(Store* store, const Clock* clock, IdGenerator* ids)
      : store_(store), clock_(clock), ids_(ids) {}

  Result<bool> SetupNeeded();
  // Creates the first (owner) account with a workspace and signs it in; refused once any user
  // exists.
  Result<NewSession> Setup(const std::string& email, const std::string& name,
                           const std::string& password);
  // kAuthenticationRequired on a wrong email or password; kRateLimited while the email is locked
  // after repeated failures.
  Result<NewSession> SignIn(const std::string& email, const std::string& password);
  // The session of a Cookie header, if any and unexpired.
  Result<std::optional<Session>> FromCookie(std::string_view cookie_header);
  Status SignOut(std::string_view cookie_header);
  // Changes the signed-in user's password after checking the current one; every other session of
  // the user ends. kInvalidPermissions for a wrong current password (counts as a failed sign-in),
  // kInvalidRequestUnknown for a short new one.
  Status ChangePassword(std::string_view cookie_header, const User& user,
                        const std::string& current, const std::string& next);

  // "airbase_session=<secret>; HttpOnly; SameSite=Strict; Path=/; Max-Age=..." (+ "; Secure"
  // when the app is served over HTTPS)
  static std::string CookieFor(const std::string& secret, bool secure);
  static std::string ClearCookie(bool secure);

 private:
  Result<NewSession> Start(const User& user);

  Store* store_;
  const Clock* clock_;
  IdGenerator* ids_;
  std::mutex mu_;
  std::map<std::string, std::pair<int, int64_t>> failures_;  // email -> (count, locked until)
};

}  // namespace airbase
