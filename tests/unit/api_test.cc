// src/api: query decoding, offsets, and the router's precedence of errors, in process.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "api/context.h"
#include "api/handlers.h"
#include "api/router.h"
#include "api/webhooks.h"
#include "common/crypto.h"
#include "schema/attachments.h"
#include "test_env.h"

namespace airbase::api {
namespace {

using airbase::testing::TempStore;

TEST(Query, DecodesAsAirtableClientsEncode) {
  auto q = *Query::Parse(
      "fields%5B%5D=Name&fields[]=Age&view=Grid+view&sort%5B0%5D%5Bfield%5D=A%2FB&x=%ZZ&flag");
  EXPECT_EQ(q.GetArray("fields"), (std::vector<std::string>{"Name", "Age"}));
  EXPECT_EQ(*q.Get("view"), "Grid view");
  EXPECT_EQ(*q.Get("sort[0][field]"), "A/B");
  EXPECT_EQ(*q.Get("x"), "%ZZ");
  EXPECT_TRUE(q.Has("flag"));
  auto r = *Query::Parse("records=rec1&records=rec2&records[0]=rec3&recordsX=no");
  EXPECT_EQ(r.GetArray("records"), (std::vector<std::string>{"rec1", "rec2", "rec3"}));
  auto b = *Query::Parse("a=1&b=false&c=yes");
  EXPECT_EQ(**QueryBool(b, "a"), true);
  EXPECT_EQ(**QueryBool(b, "b"), false);
  EXPECT_FALSE(QueryBool(b, "c").ok());
  EXPECT_FALSE(QueryBool(b, "d")->has_value());
}

TEST(Offset, SignedExpiringAndBoundToTheQuery) {
  std::string key(32, 'k');
  std::string off = EncodeOffset(key, 77, 300, 1234, 5000, "recAAAAAAAAAAAAAA");
  EXPECT_EQ(off.rfind("itr", 0), 0u);
  EXPECT_NE(off.find("/recAAAAAAAAAAAAAA"), std::string::npos);
  auto st = DecodeOffset(key, 77, off, 4999);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->position, 300);
  EXPECT_EQ(st->cursor, 1234);
  EXPECT_EQ(DecodeOffset(key, 77, off, 5001).status().code(), ErrorCode::kIteratorNotAvailable);
  EXPECT_FALSE(DecodeOffset(key, 78, off, 0).ok());
  EXPECT_FALSE(DecodeOffset(std::string(32, 'x'), 77, off, 0).ok());
  std::string tampered = off;
  tampered[5] = tampered[5] == '0' ? '1' : '0';
  EXPECT_FALSE(DecodeOffset(key, 77, tampered, 0).ok());
  EXPECT_FALSE(DecodeOffset(key, 77, "itrzz", 0).ok());
}

struct RouterFixture {
  TempStore env;
  TokenService tokens;
  Router router;
  std::string token;
  RouterFixture()
      : tokens(env.store.get(), &env.clock, &env.ids),
        router(Services{env.store.get(), &tokens, nullptr, &env.clock, &env.ids}) {
    auto user = *env.store->CreateUser("a@example.com", "Ann", "");
    (void)*env.store->CreateWorkspace(user.id, "WS");
    TokenSpec s;
    s.name = "t";
    s.scopes = {"data.records:read"};
    s.all_bases = true;
    token = *tokens.Create(user.id, s);
  }
  Response Call(const std::string& method, const std::string& target, bool auth = true,
                std::string body = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.authorization = auth ? "Bearer " + token : "";
    r.body = std::move(body);
    return router.Handle(r);
  }
};

TEST(Router, PrecedenceNotFoundThenAuthThenPermission) {
  RouterFixture f;
  // Unknown routes and malformed ids are 404 even without a token.
  EXPECT_EQ(f.Call("POST", "/v1/whatever", false).status, 404);
  // Other GET paths belong to the web app: its files, or index.html for its own routes.
  Response page = f.Call("GET", "/appAAAAAAAAAAAAAA/tblAAAAAAAAAAAAAA", false);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(f.Call("GET", "/app.js", false).content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(f.Call("GET", "/missing.js", false).status, 404);
  EXPECT_EQ(f.Call("GET", "/v0/notanapp/Table", false).body, R"({"error":"NOT_FOUND"})");
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/Table/notarecord", false).status, 404);
  EXPECT_EQ(f.Call("TRACE", "/v0/appAAAAAAAAAAAAAA/Table", false).status, 404);
  // A real route without a token is 401.
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/Table", false).status, 401);
  // With a token: an unknown base is the not-found 403; a missing scope too.
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/Table").status, 403);
  EXPECT_EQ(f.Call("POST", "/v0/appAAAAAAAAAAAAAA/Table", true, "{}").status, 403);
  EXPECT_EQ(f.Call("GET", "/v0/meta/bases").status, 403);
  EXPECT_EQ(f.Call("GET", "/v0/meta/whoami").status, 200);
  // Over-long URLs are refused with a clear message.
  Response longUrl = f.Call("GET", "/v0/meta/whoami?x=" + std::string(16001, 'a'));
  EXPECT_EQ(longUrl.status, 422);
}

// Attachment URLs (schema/attachments.h) through the router: served without a token while the
// signature holds, refused once the 2 hours have passed (the injected clock) or when forged.
TEST(Router, AttachmentUrlsExpireAfterTwoHours) {
  RouterFixture f;
  attachments::Configure(std::string(32, 'f'), "", &f.env.clock);
  const std::string bytes = "file body";
  attachments::Item item;
  item.id = "attAAAAAAAAAAAAAA";
  item.hash = Sha256Hex(bytes);
  item.filename = "notes v1.txt";
  item.type = "text/plain";
  item.size = static_cast<int64_t>(bytes.size());
  ASSERT_TRUE(f.env.store->Blobs().Put(item.hash, bytes).ok());
  const std::string url = attachments::Url(item);
  ASSERT_EQ(url.rfind("/files/" + item.hash + "/notes%20v1.txt?type=text%2Fplain&expires=", 0), 0u)
      << url;
  Response ok = f.Call("GET", url, false);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, bytes);
  EXPECT_EQ(ok.content_type, "text/plain");
  f.env.clock.Advance(kAttachmentUrlLifetimeMs - 1000);
  EXPECT_EQ(f.Call("GET", url, false).status, 200);
  f.env.clock.Advance(1000);
  Response expired = f.Call("GET", url, false);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("URL_EXPIRED"), std::string::npos);
  // A URL made now serves again; one signed under another key never does.
  EXPECT_EQ(f.Call("GET", attachments::Url(item), false).status, 200);
  attachments::Configure(std::string(32, 'g'), "", &f.env.clock);
  EXPECT_EQ(f.Call("GET", url, false).status, 404);
  attachments::Configure("", "", nullptr);
}

TEST(Router, PercentEncodedSlashStaysInsideTheSegment) {
  RouterFixture f;
  // "A%2FB" is one table segment; "A/B" would be table A, record B (not a record id: 404).
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/A%2FB").status, 403);
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/A/B").status, 404);
  EXPECT_EQ(f.Call("GET", "/v0/appAAAAAAAAAAAAAA/Table/?").status, 403);
}

}  // namespace
}  // namespace airbase::api

namespace airbase::api {
namespace {

// A receiver that never answers (a closed port): every ping fails, is retried 13 times, and then
// the hook's notifications are turned off while the hook itself stays.
TEST(WebhookNotifier, GivesUpAfterThirteenRetriesAndDisablesNotifications) {
  testing::TempStore env;
  WebhookRecord hook;
  hook.id = "achAAAAAAAAAAAAAA";
  hook.base_id = "appAAAAAAAAAAAAAA";
  hook.user_id = "usrAAAAAAAAAAAAAA";
  hook.notification_url = "http://127.0.0.1:9/ping";  // discard port: nothing listens
  hook.specification = "{}";
  hook.mac_secret = std::string(32, 'k');
  hook.expires_ms = env.clock.NowMs() + 1000000;
  ASSERT_TRUE(env.store->CreateWebhook(hook).ok());
  {
    WebhookNotifier notifier(env.store.get(), &env.clock, /*first_retry_ms=*/0);
    notifier.Notify(hook.id);
    for (int i = 0; i < 200; ++i) {
      auto h = *env.store->FindWebhook(hook.id);
      if (h && !h->notifications_enabled) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  auto h = *env.store->FindWebhook(hook.id);
  ASSERT_TRUE(h.has_value());
  EXPECT_FALSE(h->notifications_enabled);
  auto result = json::parse(h->last_result).as_object();
  EXPECT_EQ(result.at("success").as_bool(), false);
  EXPECT_EQ(result.at("retryNumber").as_int64(), 13);
  EXPECT_EQ(result.at("willBeRetried").as_bool(), false);
  EXPECT_EQ(h->last_success_ms, 0);
}

// A notifier destroyed while its sender threads are busy (the first payload prune runs at start)
// must still stop them at once: a refused `serve` exits through this destructor. Each round
// destroys one after a different delay, on a thread, and fails (instead of hanging) when the
// destructor does not return within 5 s.
TEST(WebhookNotifier, StopsPromptlyWhateverItsThreadsAreDoing) {
  TempStore env;
  for (int round = 0; round < 200; ++round) {
    auto* notifier = new WebhookNotifier(env.store.get(), &env.clock);
    std::this_thread::sleep_for(std::chrono::microseconds((round % 40) * 25));
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> stopped = done->get_future();
    std::thread([notifier, done] {
      delete notifier;
      done->set_value();
    }).detach();
    if (stopped.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "the notifier did not stop (round " << round << ")";
      return;  // the stuck thread is left behind; the process exit ends it
    }
  }
}

}  // namespace
}  // namespace airbase::api
