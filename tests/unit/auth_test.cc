// src/auth: token format, storage of hashes only, verification, life cycle, rate limits.
#include <gtest/gtest.h>

#include <regex>

#include "auth/rate_limiter.h"
#include "auth/scopes.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "common/crypto.h"
#include "test_env.h"

namespace airbase {
namespace {

using testing::TempStore;

struct AuthFixture {
  TempStore env;
  User user;
  Workspace ws;
  TokenService tokens;
  AuthFixture() : tokens(env.store.get(), &env.clock, &env.ids) {
    user = *env.store->CreateUser("a@example.com", "Ann", "");
    ws = *env.store->CreateWorkspace(user.id, "WS");
  }
  TokenSpec Spec() {
    TokenSpec s;
    s.name = "t";
    s.scopes = {"data.records:read"};
    s.all_bases = true;
    return s;
  }
};

TEST(Tokens, FormatMatchesTheSecretScannerRule) {
  AuthFixture f;
  std::string token = *f.tokens.Create(f.user.id, f.Spec());
  EXPECT_TRUE(std::regex_match(token, std::regex(R"(pat[[:alnum:]]{14}\.[a-f0-9]{64})"))) << token;
  EXPECT_EQ(token.size(), 82u);
}

TEST(Tokens, OnlyTheHashIsStored) {
  AuthFixture f;
  std::string token = *f.tokens.Create(f.user.id, f.Spec());
  auto parts = *SplitToken(token);
  auto rec = **f.env.store->FindToken(parts.first);
  EXPECT_EQ(rec.secret_hash, Sha256(parts.second));
  EXPECT_EQ(rec.secret_hash.find(parts.second), std::string::npos);
}

TEST(Tokens, VerifyAcceptsTheTokenAndNothingElse) {
  AuthFixture f;
  std::string token = *f.tokens.Create(f.user.id, f.Spec());
  auto ok = f.tokens.Verify("Bearer " + token);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->user_id(), f.user.id);
  EXPECT_FALSE(ok->IsSession());
  EXPECT_TRUE(ok->HasScope("data.records:read"));
  EXPECT_FALSE(ok->HasScope("data.records:write"));
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& h : {std::string(), "Bearer " + wrong, "Basic " + token, token,
                               "Bearer " + token.substr(0, 17), "Bearer " + token + "0"}) {
    auto r = f.tokens.Verify(h);
    ASSERT_FALSE(r.ok()) << h;
    EXPECT_EQ(r.status().code(), ErrorCode::kAuthenticationRequired);
  }
}

TEST(Tokens, ExpiryRegenerateRevoke) {
  AuthFixture f;
  TokenSpec spec = f.Spec();
  spec.expires_ms = f.env.clock.NowMs() + 1000;
  std::string token = *f.tokens.Create(f.user.id, spec);
  EXPECT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  f.env.clock.Advance(1000);
  EXPECT_FALSE(f.tokens.Verify("Bearer " + token).ok());

  std::string t2 = *f.tokens.Create(f.user.id, f.Spec());
  std::string id = SplitToken(t2)->first;
  std::string t3 = *f.tokens.Regenerate(f.user.id, id, /*overlap_ms=*/5000);
  EXPECT_TRUE(f.tokens.Verify("Bearer " + t2).ok());  // during the overlap
  EXPECT_TRUE(f.tokens.Verify("Bearer " + t3).ok());
  f.env.clock.Advance(5000);
  EXPECT_FALSE(f.tokens.Verify("Bearer " + t2).ok());
  EXPECT_TRUE(f.tokens.Verify("Bearer " + t3).ok());
  ASSERT_TRUE(f.tokens.Revoke(f.user.id, id).ok());
  EXPECT_FALSE(f.tokens.Verify("Bearer " + t3).ok());
  EXPECT_FALSE(f.tokens.Revoke(f.user.id, id).ok());
}

TEST(Tokens, SpecValidation) {
  AuthFixture f;
  TokenSpec s = f.Spec();
  s.scopes = {"data.records:destroy"};
  EXPECT_FALSE(f.tokens.Create(f.user.id, s).ok());
  s = f.Spec();
  s.all_bases = false;
  EXPECT_FALSE(f.tokens.Create(f.user.id, s).ok());
  s.workspace_ids = {f.ws.id};
  EXPECT_TRUE(f.tokens.Create(f.user.id, s).ok());
  s.workspace_ids = {"wspAAAAAAAAAAAAAA"};
  EXPECT_FALSE(f.tokens.Create(f.user.id, s).ok());
  s = f.Spec();
  s.name = "";
  EXPECT_FALSE(f.tokens.Create(f.user.id, s).ok());
  EXPECT_TRUE(IsKnownScope("enterprise.auditLogs:read"));
}

TEST(Tokens, LastUsedIsCoalesced) {
  AuthFixture f;
  std::string token = *f.tokens.Create(f.user.id, f.Spec());
  std::string id = SplitToken(token)->first;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  ASSERT_TRUE(f.tokens.FlushUsage().ok());
  int64_t first = (**f.env.store->FindToken(id)).last_used_ms;
  EXPECT_EQ(first, f.env.clock.NowMs());
  f.env.clock.Advance(1000);
  ASSERT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  ASSERT_TRUE(f.tokens.FlushUsage().ok());
  EXPECT_EQ((**f.env.store->FindToken(id)).last_used_ms, first);  // within the minute: no write
  f.env.clock.Advance(60000);
  ASSERT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  ASSERT_TRUE(f.tokens.FlushUsage().ok());
  EXPECT_EQ((**f.env.store->FindToken(id)).last_used_ms, f.env.clock.NowMs());
}

// Two servers of a fleet (two token services on one store) both see a token used: one write of
// its last-used time and one token.used event a minute, not one per server.
TEST(Tokens, LastUsedIsWrittenOncePerFleet) {
  AuthFixture f;
  TokenService other(f.env.store.get(), &f.env.clock, &f.env.ids);
  std::string token = *f.tokens.Create(f.user.id, f.Spec());
  std::string id = SplitToken(token)->first;
  auto used_events = [&] {
    int n = 0;
    for (const AuditEvent& e : *f.env.store->ListAudit(f.user.id, 100))
      n += e.event == "token.used";
    return n;
  };
  ASSERT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  f.env.clock.Advance(10);
  ASSERT_TRUE(other.Verify("Bearer " + token).ok());
  ASSERT_TRUE(f.tokens.FlushUsage().ok());
  const int64_t first = (**f.env.store->FindToken(id)).last_used_ms;
  ASSERT_TRUE(other.FlushUsage().ok());
  EXPECT_EQ((**f.env.store->FindToken(id)).last_used_ms, first);
  EXPECT_EQ(used_events(), 1);
  f.env.clock.Advance(61000);  // a minute on: whichever server flushes first writes
  ASSERT_TRUE(other.Verify("Bearer " + token).ok());
  ASSERT_TRUE(f.tokens.Verify("Bearer " + token).ok());
  ASSERT_TRUE(other.FlushUsage().ok());
  ASSERT_TRUE(f.tokens.FlushUsage().ok());
  EXPECT_EQ((**f.env.store->FindToken(id)).last_used_ms, f.env.clock.NowMs());
  EXPECT_EQ(used_events(), 2);
}

TEST(RateLimiter, PerBaseAndPerUserWithPenalty) {
  FakeClock clock(1000000);
  RateLimiter rl(&clock, 5, 8, 30);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rl.Admit("u1", "b1"), 0);
  EXPECT_EQ(rl.Admit("u1", "b1"), 30);
  EXPECT_GT(rl.Admit("u1", "b1"), 0);
  EXPECT_EQ(rl.Admit("u1", "b2"), 0);  // another base is fine
  EXPECT_EQ(rl.Admit("u1", "b3"), 0);
  EXPECT_EQ(rl.Admit("u1", "b3"), 0);
  EXPECT_EQ(rl.Admit("u1", "b4"), 30);  // the user's 8/s is used up
  clock.Advance(29000);
  EXPECT_GT(rl.Admit("u1", "b1"), 0);
  clock.Advance(1001);
  EXPECT_EQ(rl.Admit("u1", "b1"), 0);
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

TEST(Tokens, ServerExpiryPolicyDefaultsAndCaps) {
  AuthFixture f;
  ASSERT_TRUE(f.env.store->SetSetting(kDefaultExpiryDaysSetting, "30").ok());
  std::string t = *f.tokens.Create(f.user.id, f.Spec());
  auto rec = **f.env.store->FindToken(SplitToken(t)->first);
  EXPECT_EQ(rec.expires_ms, f.env.clock.NowMs() + 30LL * 86400000);

  ASSERT_TRUE(f.env.store->SetSetting(kMaxExpiryDaysSetting, "90").ok());
  TokenSpec far = f.Spec();
  far.expires_ms = f.env.clock.NowMs() + 91LL * 86400000;
  EXPECT_FALSE(f.tokens.Create(f.user.id, far).ok());
  far.expires_ms = f.env.clock.NowMs() + 89LL * 86400000;
  EXPECT_TRUE(f.tokens.Create(f.user.id, far).ok());
  // With a maximum but no default, a token without expiry is refused.
  ASSERT_TRUE(f.env.store->SetSetting(kDefaultExpiryDaysSetting, "").ok());
  EXPECT_FALSE(f.tokens.Create(f.user.id, f.Spec()).ok());
  // Editing the expiry past the maximum is refused too.
  std::string id = SplitToken(t)->first;
  TokenSpec edit = f.Spec();
  edit.expires_ms = f.env.clock.NowMs() + 200LL * 86400000;
  EXPECT_FALSE(f.tokens.Edit(f.user.id, id, edit).ok());
}

}  // namespace
}  // namespace airbase

namespace airbase {
namespace {

TEST(Sessions, PasswordsAreSaltedSlowHashes) {
  auto a = HashPassword("correct horse");
  auto b = HashPassword("correct horse");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(*a, *b);  // salted
  EXPECT_TRUE(VerifyPassword("correct horse", *a));
  EXPECT_FALSE(VerifyPassword("correct horsE", *a));
  EXPECT_FALSE(VerifyPassword("x", ""));
}

TEST(Sessions, CookieSessionsExpireAndSignOut) {
  AuthFixture f;
  SessionService s(f.env.store.get(), &f.env.clock, &f.env.ids);
  EXPECT_FALSE(*s.SetupNeeded());  // the fixture has a user already
  ASSERT_TRUE(f.env.store->CreateUser("b@example.com", "B", *HashPassword("password b")).ok());
  auto started = s.SignIn("B@example.com", "password b");
  ASSERT_TRUE(started.ok()) << started.status().message();
  std::string header =
      "other=1; " + SessionService::CookieFor(started->secret, false).substr(0, 16 + 64);
  auto found = *s.FromCookie(header);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user.email, "b@example.com");
  EXPECT_FALSE(s.FromCookie("airbase_session=" + std::string(64, '0'))->has_value());
  f.env.clock.Advance(kSessionLifetimeMs);
  EXPECT_FALSE(s.FromCookie(header)->has_value());
  auto again = *s.SignIn("b@example.com", "password b");
  std::string h2 = "airbase_session=" + again.secret;
  ASSERT_TRUE(s.SignOut(h2).ok());
  EXPECT_FALSE(s.FromCookie(h2)->has_value());
}

}  // namespace
}  // namespace airbase
