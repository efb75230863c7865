// The CLI's commands (commands.h): serve, backup, and user, workspace, base and token
// administration over the store.
#include "cli/commands.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "api/attachment_fetcher.h"
#include "api/control.h"
#include "api/live.h"
#include "api/outbound.h"
#include "api/router.h"
#include "api/webhooks.h"
#include "auth/scopes.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "cli/base_export.h"
#include "cli/base_import.h"
#include "cli/clone.h"
#include "cli/ephemeral.h"
#include "common/crypto.h"
#include "common/limits.h"
#include "common/metrics.h"
#include "common/time_util.h"
#include "http/server.h"
#include "schema/attachments.h"
#include "storage/store.h"

namespace airbase::cli {

namespace {

constexpr const char* kUsage = R"(usage: airbase <command> [options]

  serve [--data DIR | --store URL] [--listen HOST:PORT] [--threads N] [--rate-limits on|off] [--access-log on|off|json]
        [--max-connections N] [--idle-timeout SECONDS] [--sql-filters on|off]
        [--request-timeout SECONDS] [--shutdown-grace SECONDS] [--public-url URL]
        [--store-connections N]   (PostgreSQL: the most connections this server opens; 32)
        [--metrics-listen HOST:PORT|off]   (GET /metrics there instead of on --listen)
        [--ephemeral [--fixture base.json ...] [--token-file F] [--control]]
              a test server: its own data directory, removed at exit; the fixtures with their
              ids; the token in F (or a new one, written to F); --control: /_airbase/ reset,
              requests, faults (README "airbase in a test suite")
  user create --data DIR --email E --name N --password-stdin
  workspace create --data DIR --owner E --name N
  workspace list --data DIR --owner E
  workspace share --data DIR --workspace ID --user E --role owner|creator|editor|commenter|read
  base share --data DIR --base ID --user E --role owner|creator|editor|commenter|read|none
  base export --data DIR --base ID [--records] [--comments] [--files] > base.json
        the base with every id as one JSON document (docs/BASE_FORMAT.md)
  base import --data DIR --file base.json --workspace ID [--keep-ids]
        creates the document's base, in one transaction; --keep-ids: with the document's ids
  token create --data DIR --user E --name N --scope S [--scope S ...] [--base ID ...]
               [--workspace ID ...] [--expires DATE]
               [--secret pat...]   (this whole token, for tests; needs testing.fixedTokens=true)
  token list --data DIR --user E
  token edit --data DIR --user E --token ID [--name N] [--scope S ...] [--base ID ...]
             [--workspace ID ...] [--all-bases] [--expires DATE|never]
  token regenerate --data DIR --user E --token ID [--overlap SECONDS]
  token revoke --data DIR --user E --token ID
  token audit --data DIR --user E [--limit N]
  clone --from https://api.airtable.com --token pat... --base ID --workspace ID [--again]
        a base from any server speaking Airtable's API, with its ids (resumable; --again:
        bring an earlier clone up to date)
  backup --data DIR --to FILE   a consistent copy of the database, while the server runs
  migrate --from DIR --to postgres://USER@HOST:PORT/DB
        copies a SQLite data directory (stop its server first) into an empty PostgreSQL database
  settings set --data DIR --key K --value V      (empty value: unset)
  settings list --data DIR
       keys: token.defaultExpiryDays, token.maxExpiryDays,
             outbound.allowPrivateAddresses (true: webhooks may reach loopback/private hosts),
             testing.fixedTokens (true: a test server; token create takes --secret)
  scopes

--data defaults to $AIRBASE_DATA, else ./airbase-data. --store postgres://USER@HOST:PORT/DB (or
$AIRBASE_STORE) keeps everything in PostgreSQL instead; every command takes it.
--listen defaults to 127.0.0.1:8080.
)";

// The flags that an environment variable may also give: --store-connections is
// AIRBASE_STORE_CONNECTIONS. The others (users, tokens, roles) are named on the command line.
const char* const kEnvFlags[] = {
    "data",           "store",       "store-connections", "listen",        "threads",
    "rate-limits",    "access-log",  "max-connections",   "idle-timeout",  "request-timeout",
    "shutdown-grace", "sql-filters", "public-url",        "metrics-listen"};

std::string EnvName(const std::string& flag) {
  std::string name = "AIRBASE_";
  for (char c : flag) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return name;
}

std::string FromEnv(const std::string& flag) {
  for (const char* f : kEnvFlags)
    if (flag == f) {
      const char* v = std::getenv(EnvName(flag).c_str());
      return v ? v : "";
    }
  return "";
}

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;
  // A flag given on the command line, else (for the server's and the store's flags) its
  // AIRBASE_* environment variable.
  bool Has(const std::string& k) const { return flags.count(k) > 0 || !FromEnv(k).empty(); }
  std::string Get(const std::string& k, const std::string& def = "") const {
    auto it = flags.find(k);
    if (it != flags.end()) return it->second.empty() ? def : it->second.back();
    std::string env = FromEnv(k);
    return env.empty() ? def : env;
  }
  std::vector<std::string> All(const std::string& k) const {
    auto it = flags.find(k);
    return it == flags.end() ? std::vector<std::string>{} : it->second;
  }
};

const std::map<std::string, bool> kFlagTakesValue = {{"data", true},
                                                     {"store", true},
                                                     {"store-connections", true},
                                                     {"from", true},
                                                     {"listen", true},
                                                     {"threads", true},
                                                     {"rate-limits", true},
                                                     {"access-log", true},
                                                     {"metrics-listen", true},
                                                     {"email", true},
                                                     {"name", true},
                                                     {"owner", true},
                                                     {"user", true},
                                                     {"workspace", true},
                                                     {"base", true},
                                                     {"role", true},
                                                     {"scope", true},
                                                     {"expires", true},
                                                     {"token", true},
                                                     {"overlap", true},
                                                     {"to", true},
                                                     {"limit", true},
                                                     {"password-stdin", false},
                                                     {"help", false},
                                                     {"version", false},
                                                     {"all-bases", false},
                                                     {"max-connections", true},
                                                     {"idle-timeout", true},
                                                     {"key", true},
                                                     {"value", true},
                                                     {"sql-filters", true},
                                                     {"request-timeout", true},
                                                     {"shutdown-grace", true},
                                                     {"public-url", true},
                                                     {"secret", true},
                                                     {"records", false},
                                                     {"comments", false},
                                                     {"file", true},
                                                     {"files", false},
                                                     {"keep-ids", false},
                                                     {"ephemeral", false},
                                                     {"control", false},
                                                     {"fixture", true},
                                                     {"token-file", true},
                                                     {"again", false}};

bool ParseArgs(const std::vector<std::string>& in, Args* out, std::string* err) {
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (a.rfind("--", 0) != 0) {
      out->positional.push_back(a);
      continue;
    }
    std::string key = a.substr(2), value;
    size_t eq = key.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    auto it = kFlagTakesValue.find(key);
    if (it == kFlagTakesValue.end()) {
      *err = "unknown option --" + key;
      return false;
    }
    if (it->second && !inline_value) {
      if (i + 1 >= in.size()) {
        *err = "option --" + key + " needs a value";
        return false;
      }
      value = in[++i];
    }
    out->flags[key].push_back(value);
  }
  return true;
}

// The usage lines of one command (all of them for ""), with the notes at the end.
std::string UsageOf(const std::string& command) {
  if (command.empty()) return kUsage;
  std::string out = "usage:\n", line;
  std::istringstream in(kUsage);
  bool mine = false, any = false;
  while (std::getline(in, line)) {
    if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ')
      mine = line.compare(2, command.size() + 1, command + " ") == 0 || line.substr(2) == command;
    else if (line.rfind("  ", 0) != 0)
      mine = false;
    if (mine) {
      out += line + "\n";
      any = true;
    }
  }
  return any ? out : kUsage;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "airbase: %s\n", msg.c_str());
  return 1;
}

int Fail(const Status& st) { return Fail(st.client_message()); }

std::string DataDir(const Args& a) { return a.Get("data", "airbase-data"); }

// --store URL (or AIRBASE_STORE): empty for the SQLite store in the data directory.
std::string StoreUrl(const Args& a) { return a.Get("store"); }

// The store as printed: a URL's password replaced by ***, or the data directory.
std::string StoreText(const Args& a) {
  std::string url = StoreUrl(a);
  if (url.empty()) return DataDir(a);
  size_t scheme = url.find("://"), at = url.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    size_t colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
  }
  return url;
}

struct Env {
  SystemClock clock;
  RandomIdGenerator ids;
  std::unique_ptr<Store> store;
};

Result<std::unique_ptr<Env>> OpenEnv(const Args& a) {
  auto env = std::make_unique<Env>();
  StoreOptions opts{DataDir(a), &env->clock, &env->ids, StoreUrl(a),
                    std::atoi(a.Get("store-connections", "0").c_str())};
  ASSIGN_OR_RETURN(env->store, Store::Open(opts));
  return env;
}

Result<User> NeedUser(Env& env, const std::string& email) {
  if (email.empty()) return Error(ErrorCode::kInvalidArgument, "--user/--owner E is required");
  ASSIGN_OR_RETURN(auto u, env.store->FindUserByEmail(email));
  if (!u) return Error(ErrorCode::kInvalidArgument, "no user with email " + email);
  return *u;
}

Result<int64_t> ParseExpiry(const std::string& s) {
  if (s.empty() || s == "never") return int64_t{0};
  auto ms = ParseIsoDateTime(s);
  if (!ms) return Error(ErrorCode::kInvalidArgument, "--expires takes YYYY-MM-DD or an ISO time");
  return *ms;
}

std::string ReadPasswordStdin() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// ---- serve --------------------------------------------------------------------------------------
// HOST:PORT (an IPv6 host in brackets) into `sopts`.
Status ParseListen(const std::string& flag, const std::string& listen, http::ServerOptions* sopts) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    return Error(ErrorCode::kInvalidArgument, "--" + flag + " takes HOST:PORT");
  sopts->host = listen.substr(0, colon);
  if (sopts->host.size() > 2 && sopts->host.front() == '[')
    sopts->host = sopts->host.substr(1, sopts->host.size() - 2);
  sopts->port = static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
  return Status::Ok();
}

Result<http::ServerOptions> ServerOptionsFrom(const Args& a) {
  http::ServerOptions sopts;
  RETURN_IF_ERROR(ParseListen("listen", a.Get("listen", "127.0.0.1:8080"), &sopts));
  sopts.threads = std::atoi(a.Get("threads", "0").c_str());
  const std::string log = a.Get("access-log", "on");
  if (log != "on" && log != "off" && log != "json")
    return Error(ErrorCode::kInvalidArgument, "--access-log takes on, off or json");
  sopts.access_log = log == "off"    ? http::AccessLog::kOff
                     : log == "json" ? http::AccessLog::kJson
                                     : http::AccessLog::kText;
  sopts.max_connections = std::atoi(a.Get("max-connections", "0").c_str());
  sopts.idle_timeout_seconds = std::atoi(a.Get("idle-timeout", "0").c_str());
  sopts.request_timeout_seconds = std::atoi(a.Get("request-timeout", "0").c_str());
  sopts.shutdown_grace_seconds = std::atoi(a.Get("shutdown-grace", "0").c_str());
  return sopts;
}

// Blocks the shutdown signals in every thread (threads started later inherit the mask); the main
// thread waits for them with sigwait.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// One server per data directory: a second `serve` is refused (the CLI commands, which work
// beside a running server, take no lock). The lock lasts as long as the process.
Status LockDataDir(const std::string& dir) {
  std::error_code mkdir_ec;
  std::filesystem::create_directories(dir, mkdir_ec);
  int lock_fd = ::open((dir + "/serve.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0)
    return Error(ErrorCode::kInternal,
                 "cannot open " + dir + "/serve.lock: " + std::strerror(errno));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
    return Error(ErrorCode::kInternal,
                 "another airbase server is already running on the data directory " + dir);
  return Status::Ok();
}

// Flushes token last-used times every 5 s until stopped, and once more at the end.
class UsageFlusher {
 public:
  explicit UsageFlusher(TokenService* tokens)
      : tokens_(tokens), thread_([this] {
          while (!done_) {
            for (int i = 0; i < 50 && !done_; ++i)
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
            (void)tokens_->FlushUsage();
          }
        }) {}
  ~UsageFlusher() {
    done_ = true;
    thread_.join();
    (void)tokens_->FlushUsage();
  }

 private:
  TokenService* tokens_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The last resort: work that ignores cancellation must not keep the process alive.
void ExitIfShutdownHangs(int grace_seconds) {
  int grace = grace_seconds > 0 ? grace_seconds : kShutdownGraceSeconds;
  std::thread([grace] {
    std::this_thread::sleep_for(std::chrono::seconds(grace + 10));
    std::fprintf(stderr, "airbase: shutdown did not finish in time; exiting\n");
    std::_Exit(1);
  }).detach();
}

int Serve(const Args& given) {
  const auto started = std::chrono::steady_clock::now();
  Args a = given;
  // --ephemeral: a data directory of its own (declared before the store: removed after it).
  const bool ephemeral = a.Has("ephemeral");
  EphemeralDir temp;
  if (ephemeral) {
    if (a.flags.count("data") || a.flags.count("store"))
      return Fail("--ephemeral makes its own data directory: drop --data and --store");
    if (Status st = temp.Make(); !st.ok()) return Fail(st);
    a.flags["data"] = {temp.data_dir()};
    a.flags["store"] = {""};  // not $AIRBASE_STORE either
  } else if (a.Has("control") || a.Has("fixture") || a.Has("token-file")) {
    return Fail("--control, --fixture and --token-file need --ephemeral (a test server)");
  }
  auto sopts = ServerOptionsFrom(a);
  if (!sopts.ok()) return Fail(sopts.status());
  bool rate_limits = a.Get("rate-limits", "off") == "on";
  sigset_t set = BlockShutdownSignals();
  // One server per data directory; a database server's store is shared by a fleet by design.
  if (StoreUrl(a).empty())
    if (Status st = LockDataDir(DataDir(a)); !st.ok()) return Fail(st);

  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Env& e = **env;
  // The offset-signing key is made now, so that no read ever has to write it.
  auto server_key = e.store->ServerKey();
  if (!server_key.ok()) return Fail(server_key.status());
  TokenService tokens(e.store.get(), &e.clock, &e.ids);
  std::optional<EphemeralState> fixtures;
  if (ephemeral) {
    auto state =
        SetUpEphemeral(*e.store, tokens, e.ids, e.clock,
                       EphemeralOptions{a.All("fixture"), a.Get("token-file")}, temp.snapshot());
    if (!state.ok()) return Fail(state.status());
    fixtures = std::move(*state);
  }
  std::unique_ptr<RateLimiter> limiter;
  if (rate_limits)
    limiter = std::make_unique<RateLimiter>(&e.clock, kBasePerSecondLimit, kTokenPerSecondLimit,
                                            kRateLimitPenaltySeconds,
                                            e.store->SharedByServers() ? e.store.get() : nullptr);
  SessionService sessions(e.store.get(), &e.clock, &e.ids);
  api::Services services{e.store.get(), &tokens, limiter.get(), &e.clock, &e.ids};
  services.sessions = &sessions;
  services.sql_filters = a.Get("sql-filters", "on") != "off";
  // --public-url https://...: the address users reach (behind a TLS proxy); cookies get Secure.
  services.https = a.Get("public-url").rfind("https://", 0) == 0;
  services.public_origin = a.Get("public-url");
  while (services.public_origin.ends_with('/')) services.public_origin.pop_back();
  // Attachment URLs: signed with a key of their own derived from the server key (the same on
  // every server of a fleet), naming --public-url or the host each request came to.
  attachments::Configure(HmacSha256(*server_key, "attachment-urls"), services.public_origin,
                         &e.clock);
  Metrics metrics;
  services.metrics = &metrics;
  sopts->metrics = &metrics;
  metrics.OnScrape([&e](Metrics& m) {
    Store::ConnectionStats c = e.store->Connections();
    m.SetPool({c.open, c.lent, c.max, c.waits, c.wait_us, c.timeouts});
    if (auto q = e.store->WebhookPingQueue(e.clock.NowMs()); q.ok())
      m.SetWebhookQueue(q->queued, q->due);
  });
  // --metrics-listen HOST:PORT serves /metrics there instead (a port only the scraper reaches);
  // off serves it nowhere.
  const std::string metrics_listen = a.Get("metrics-listen");
  services.metrics_here = metrics_listen.empty();
  std::unique_ptr<api::MetricsHandler> metrics_handler;
  std::unique_ptr<http::Server> metrics_server;
  std::string metrics_host;
  if (!metrics_listen.empty() && metrics_listen != "off") {
    http::ServerOptions mopts;
    if (Status st = ParseListen("metrics-listen", metrics_listen, &mopts); !st.ok())
      return Fail(st);
    metrics_host = mopts.host;
    mopts.threads = 1;
    mopts.access_log = http::AccessLog::kOff;
    metrics_handler = std::make_unique<api::MetricsHandler>(&metrics);
    metrics_server = std::make_unique<http::Server>(mopts, metrics_handler.get());
  }
  api::WebhookNotifier notifier(e.store.get(), &e.clock, 10000, &metrics);
  services.notifier = &notifier;
  api::AttachmentFetcher fetcher(&services);
  services.fetcher = &fetcher;
  std::shared_ptr<api::LiveHub> live = api::LiveHub::Start(e.store.get(), &e.clock);
  services.live = live.get();
  api::Router router(services);
  // --control: the emulator's control API in front of the router (api/control.h).
  std::unique_ptr<api::ControlHandler> control;
  if (a.Has("control"))
    control = std::make_unique<api::ControlHandler>(&router, [&]() -> Status {
      RETURN_IF_ERROR(e.store->RestoreFrom(temp.snapshot()));
      if (limiter) limiter->Reset();
      return Status::Ok();
    });
  http::Server server(*sopts, control ? static_cast<const http::Handler*>(control.get()) : &router);
  if (Status st = server.Start(); !st.ok()) return Fail(st);
  if (metrics_server) {
    if (Status st = metrics_server->Start(); !st.ok()) return Fail(st);
    std::fprintf(stdout, "airbase metrics on http://%s:%u/metrics\n", metrics_host.c_str(),
                 metrics_server->port());
  }
  std::fprintf(stdout, "airbase listening on http://%s:%u (%s: %s, rate limits: %s)\n",
               sopts->host.c_str(), server.port(), StoreUrl(a).empty() ? "data" : "store",
               StoreText(a).c_str(), rate_limits ? "on" : "off");
  if (fixtures) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    std::fprintf(stdout,
                 "airbase ephemeral: user %s, workspace %s, %zu fixture bases (%lld records)%s, "
                 "ready in %.0f ms\n",
                 fixtures->user_email.c_str(), fixtures->workspace_id.c_str(),
                 fixtures->base_ids.size(), static_cast<long long>(fixtures->records),
                 control ? ", control API on /_airbase/" : "", ms);
    if (!fixtures->token.empty() && a.Get("token-file").empty())
      std::fprintf(stdout, "airbase ephemeral: token %s\n", fixtures->token.c_str());
  }
  std::fflush(stdout);

  UsageFlusher flusher(&tokens);
  int sig = 0;
  sigwait(&set, &sig);
  std::fprintf(stdout, "airbase: shutting down (signal %d)\n", sig);
  std::fflush(stdout);
  ExitIfShutdownHangs(sopts->shutdown_grace_seconds);
  server.Stop();
  if (metrics_server) metrics_server->Stop();
  live->Stop();
  return 0;
}

// ---- users and workspaces -----------------------------------------------------------------------
int UserCreate(const Args& a) {
  std::string email = a.Get("email"), name = a.Get("name");
  if (email.empty() || name.empty()) return Fail("user create needs --email and --name");
  std::string hash;
  if (a.Has("password-stdin")) {
    std::string pw = ReadPasswordStdin();
    if (pw.size() < kMinPasswordLength) return Fail("the password must have at least 8 characters");
    auto h = HashPassword(pw);
    if (!h.ok()) return Fail(h.status());
    hash = *h;
  }
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  auto u = (*env)->store->CreateUser(email, name, hash);
  if (!u.ok()) return Fail(u.status());
  std::printf("%s\n", u->id.c_str());
  return 0;
}

int WorkspaceCmd(const std::string& verb, const Args& a) {
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Env& e = **env;
  if (verb == "create" || verb == "list") {
    auto owner = NeedUser(e, a.Get("owner"));
    if (!owner.ok()) return Fail(owner.status());
    if (verb == "create") {
      std::string name = a.Get("name");
      if (name.empty()) return Fail("workspace create needs --name");
      auto w = e.store->CreateWorkspace(owner->id, name);
      if (!w.ok()) return Fail(w.status());
      std::printf("%s\n", w->id.c_str());
      return 0;
    }
    auto list = e.store->ListWorkspaces(owner->id);
    if (!list.ok()) return Fail(list.status());
    for (const auto& w : *list) std::printf("%s\t%s\n", w.id.c_str(), w.name.c_str());
    return 0;
  }
  if (verb == "share") {
    auto user = NeedUser(e, a.Get("user"));
    if (!user.ok()) return Fail(user.status());
    auto role = ParseRole(a.Get("role"));
    if (!role) return Fail("--role must be owner, creator, editor, commenter or read");
    auto ws = e.store->FindWorkspace(a.Get("workspace"));
    if (!ws.ok()) return Fail(ws.status());
    if (!*ws) return Fail("no workspace " + a.Get("workspace"));
    Status st = e.store->SetWorkspaceRole((*ws)->id, user->id, *role);
    return st.ok() ? 0 : Fail(st);
  }
  return Fail(std::string("unknown command: workspace ") + verb);
}

// airbase base import: the progress on a terminal, then the new base's id on stdout.
int BaseImport(Env& e, const Args& a) {
  if (a.Get("file").empty() || a.Get("workspace").empty())
    return Fail("base import needs --file base.json and --workspace ID");
  ImportOptions opts;
  opts.workspace_id = a.Get("workspace");
  opts.keep_ids = a.Has("keep-ids");
  const bool tty = isatty(2);
  if (tty)
    opts.progress = [](std::string_view table, int64_t done, int64_t total) {
      constexpr int kWidth = 30;
      const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
      std::fprintf(stderr, "\r\033[K%-24.*s [%s%s] %lld / %lld records",
                   static_cast<int>(std::min<size_t>(table.size(), 24)), table.data(),
                   std::string(static_cast<size_t>(filled), '#').c_str(),
                   std::string(static_cast<size_t>(kWidth - filled), ' ').c_str(),
                   static_cast<long long>(done), static_cast<long long>(total));
    };
  auto r = ImportBase(*e.store, e.ids, e.clock, a.Get("file"), opts);
  if (tty) std::fputs("\r\033[K", stderr);
  if (!r.ok()) return Fail(r.status());
  std::printf("%s\n", r->base_id.c_str());
  std::fprintf(stderr, "imported %lld tables, %lld records, %lld comments\n",
               static_cast<long long>(r->tables), static_cast<long long>(r->records),
               static_cast<long long>(r->comments));
  if (r->missing_files > 0)
    std::fprintf(stderr,
                 "%lld attachment files are not on this server (export them with --files)\n",
                 static_cast<long long>(r->missing_files));
  return 0;
}

int BaseCmd(const std::string& verb, const Args& a) {
  if (verb != "share" && verb != "export" && verb != "import")
    return Fail("unknown command: base " + verb);
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Env& e = **env;
  if (verb == "import") return BaseImport(e, a);
  if (verb == "export") {
    if (a.Get("base").empty()) return Fail("base export needs --base ID");
    ExportOptions opts{a.Has("records") || a.Has("comments") || a.Has("files"), a.Has("comments"),
                       a.Has("files")};
    Status st = ExportBase(*e.store, a.Get("base"), opts, stdout);
    return st.ok() ? 0 : Fail(st);
  }
  auto user = NeedUser(e, a.Get("user"));
  if (!user.ok()) return Fail(user.status());
  std::string r = a.Get("role");
  auto role = r == "none" ? std::optional<Role>(Role::kNone) : ParseRole(r);
  if (!role) return Fail("--role must be owner, creator, editor, commenter, read or none");
  auto base = e.store->FindBase(a.Get("base"));
  if (!base.ok()) return Fail(base.status());
  if (!*base) return Fail("no base " + a.Get("base"));
  Status st = e.store->SetBaseRole((*base)->id, user->id, *role);
  return st.ok() ? 0 : Fail(st);
}

// ---- tokens
// ---------------------------------------------------------------------------------------
std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string AccessText(const TokenRecord& t) {
  if (t.all_bases) return "all";
  std::vector<std::string> parts = t.base_ids;
  for (const auto& w : t.workspace_ids) parts.push_back(w);
  return Join(parts, ",");
}

std::string TimeText(int64_t ms) { return ms ? FormatIsoMs(ms) : "-"; }

// The token's name, scopes, access and expiry from the flags given, over `spec`.
Result<TokenSpec> SpecFromArgs(const Args& a, TokenSpec spec) {
  if (a.Has("name")) spec.name = a.Get("name");
  if (a.Has("scope")) spec.scopes = a.All("scope");
  if (a.Has("base") || a.Has("workspace") || a.Has("all-bases")) {
    spec.base_ids = a.All("base");
    spec.workspace_ids = a.All("workspace");
    spec.all_bases = a.Has("all-bases");
  }
  if (a.Has("expires")) {
    ASSIGN_OR_RETURN(spec.expires_ms, ParseExpiry(a.Get("expires")));
  }
  return spec;
}

int PrintSecret(const Result<std::string>& token) {
  if (!token.ok()) return Fail(token.status());
  std::printf("%s\n", token->c_str());
  return 0;
}

int TokenList(TokenService& tokens, const User& user) {
  auto list = tokens.List(user.id);
  if (!list.ok()) return Fail(list.status());
  // id, name, scopes, access, created, last used, expires
  for (const auto& t : *list)
    std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.id.c_str(), t.name.c_str(),
                Join(t.scopes, ",").c_str(), AccessText(t).c_str(), TimeText(t.created_ms).c_str(),
                TimeText(t.last_used_ms).c_str(), TimeText(t.expires_ms).c_str());
  return 0;
}

int TokenAudit(Env& e, const User& user, const Args& a) {
  auto events = e.store->ListAudit(user.id, std::atoi(a.Get("limit", "100").c_str()));
  if (!events.ok()) return Fail(events.status());
  for (const auto& ev : *events)
    std::printf("%s\t%s\t%s\t%s\n", FormatIsoMs(ev.at_ms).c_str(), ev.token_id.c_str(),
                ev.event.c_str(), ev.detail.c_str());
  return 0;
}

int TokenEdit(Env& e, TokenService& tokens, const User& user, const std::string& id,
              const Args& a) {
  auto existing = e.store->FindToken(id);
  if (!existing.ok()) return Fail(existing.status());
  if (!*existing || (*existing)->user_id != user.id || (*existing)->revoked_ms)
    return Fail("no token " + id + " for this user");
  const TokenRecord& t = **existing;
  auto spec = SpecFromArgs(
      a, TokenSpec{t.name, t.scopes, t.all_bases, t.base_ids, t.workspace_ids, t.expires_ms});
  if (!spec.ok()) return Fail(spec.status());
  Status st = tokens.Edit(user.id, id, *spec);
  return st.ok() ? 0 : Fail(st);
}

int TokenCmd(const std::string& verb, const Args& a) {
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Env& e = **env;
  auto user = NeedUser(e, a.Get("user"));
  if (!user.ok()) return Fail(user.status());
  TokenService tokens(e.store.get(), &e.clock, &e.ids);
  if (verb == "create") {
    auto spec = SpecFromArgs(a, TokenSpec{});
    if (!spec.ok()) return Fail(spec.status());
    if (!a.Has("base") && !a.Has("workspace")) spec->all_bases = true;
    return PrintSecret(tokens.Create(user->id, *spec, a.Get("secret")));
  }
  if (verb == "list") return TokenList(tokens, *user);
  if (verb == "audit") return TokenAudit(e, *user, a);
  std::string id = a.Get("token");
  if (id.empty()) return Fail("--token ID is required");
  if (verb == "edit") return TokenEdit(e, tokens, *user, id, a);
  if (verb == "regenerate") {
    int64_t overlap = std::atoll(a.Get("overlap", "0").c_str()) * 1000;
    return PrintSecret(tokens.Regenerate(user->id, id, overlap));
  }
  if (verb == "revoke") {
    Status st = tokens.Revoke(user->id, id);
    return st.ok() ? 0 : Fail(st);
  }
  return Fail("unknown command: token " + verb);
}

int SettingsCmd(const std::string& verb, const Args& a) {
  static const char* const kKeys[] = {kDefaultExpiryDaysSetting, kMaxExpiryDaysSetting,
                                      api::kAllowPrivateSetting, kFixedTokensSetting};
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Env& e = **env;
  if (verb == "list") {
    for (const char* k : kKeys) {
      auto v = e.store->GetSetting(k);
      if (!v.ok()) return Fail(v.status());
      std::printf("%s\t%s\n", k, v->c_str());
    }
    return 0;
  }
  if (verb != "set") return Fail("unknown command: settings " + verb);
  std::string key = a.Get("key"), value = a.Get("value");
  if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
    return Fail("unknown setting: " + key);
  if (key == api::kAllowPrivateSetting || key == kFixedTokensSetting) {
    if (value != "true" && value != "false" && !value.empty())
      return Fail(key + " takes true or false");
  } else {
    for (char c : value)
      if (c < '0' || c > '9') return Fail(key + " takes a whole number of days");
  }
  Status st = e.store->SetSetting(key, value);
  return st.ok() ? 0 : Fail(st);
}

// airbase migrate --from DIR|URL --to URL: everything of one store into another, empty one, with
// a progress line on a terminal and every table's rows counted on both sides.
int Migrate(const Args& a) {
  std::string from = a.Get("from"), to = a.Get("to");
  if (from.empty() || to.empty()) return Fail("migrate needs --from DIR and --to postgres://...");
  SystemClock clock;
  RandomIdGenerator ids;
  bool from_url = from.find("://") != std::string::npos || from.rfind("sqlite:", 0) == 0;
  if (!from_url && !std::filesystem::exists(from + "/airbase.db"))
    return Fail("no airbase data directory at " + from + " (no airbase.db in it)");
  auto source = Store::Open(StoreOptions{from, &clock, &ids, from_url ? from : ""});
  if (!source.ok()) return Fail(source.status());
  auto dest = Store::Open(StoreOptions{"", &clock, &ids, to});
  if (!dest.ok()) return Fail(dest.status());
  const bool tty = isatty(2);
  int64_t rows = 0;
  auto copied =
      (*source)->CopyInto(**dest, [&](std::string_view table, int64_t done, int64_t total) {
        if (tty)
          std::fprintf(stderr, "\r\033[K%-24.*s %lld / %lld", static_cast<int>(table.size()),
                       table.data(), static_cast<long long>(done), static_cast<long long>(total));
      });
  if (tty) std::fputs("\r\033[K", stderr);
  if (!copied.ok()) return Fail(copied.status());
  for (const auto& [table, n] : *copied) {
    std::printf("%s\t%lld\n", table.c_str(), static_cast<long long>(n));
    rows += n;
  }
  std::printf(
      "copied %zu tables, %lld rows; every table's rows counted again in the "
      "destination\n",
      copied->size(), static_cast<long long>(rows));
  return 0;
}

// airbase clone: a progress line per table on a terminal, the base id on stdout, the summary
// and what did not come along on stderr.
int Clone(const Args& a) {
  CloneOptions o;
  o.from = a.Get("from");
  o.token = a.Get("token");
  o.base_id = a.Get("base");
  o.workspace_id = a.Get("workspace");
  o.again = a.Has("again");
  if (o.from.empty() || o.token.empty() || o.base_id.empty() ||
      (o.workspace_id.empty() && !o.again))
    return Fail("clone needs --from URL, --token pat..., --base ID and --workspace ID");
  o.work_dir = DataDir(a) + "/clones/" + o.base_id;
  const bool tty = isatty(2);
  o.progress = [tty](std::string_view table, int64_t records) {
    const int width = static_cast<int>(std::min<size_t>(table.size(), 24));
    if (records < 0) {
      if (tty) std::fputs("\r\033[K", stderr);
      return;
    }
    if (tty)
      std::fprintf(stderr, "\r\033[K%-24.*s %lld records", width, table.data(),
                   static_cast<long long>(records));
  };
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  if (!o.again) {
    auto ws = (*env)->store->FindWorkspace(o.workspace_id);
    if (!ws.ok()) return Fail(ws.status());
    if (!*ws) return Fail("no workspace " + o.workspace_id);
  }
  auto r = CloneBase(*(*env)->store, (*env)->ids, (*env)->clock, o);
  if (tty) std::fputs("\r\033[K", stderr);
  if (!r.ok()) {
    std::fprintf(stderr,
                 "airbase: %s\n(what was fetched is kept in %s: run the same command "
                 "again to go on)\n",
                 r.status().message().c_str(), o.work_dir.c_str());
    return 1;
  }
  std::printf("%s\n", r->base_id.c_str());
  for (const auto& t : r->tables) {
    if (o.again)
      std::fprintf(stderr, "%s: %lld added, %lld changed, %lld deleted\n", t.name.c_str(),
                   static_cast<long long>(t.added), static_cast<long long>(t.changed),
                   static_cast<long long>(t.deleted));
    else
      std::fprintf(stderr, "%s: %lld records\n", t.name.c_str(), static_cast<long long>(t.records));
  }
  std::fprintf(stderr, "%lld comments, %lld files, %lld requests (%lld rate limits waited out)%s\n",
               static_cast<long long>(r->comments), static_cast<long long>(r->files),
               static_cast<long long>(r->requests), static_cast<long long>(r->waits),
               r->resumed ? ", resumed" : "");
  if (!r->not_carried.empty()) {
    std::fprintf(stderr, "not carried over:\n");
    for (const auto& n : r->not_carried) std::fprintf(stderr, "  - %s\n", n.c_str());
  }
  return 0;
}

// airbase backup --to FILE: works beside a running server (one consistent snapshot).
int Backup(const Args& a) {
  std::string to = a.Get("to");
  if (to.empty()) return Fail("backup needs --to FILE");
  if (std::filesystem::exists(to)) return Fail(to + " already exists");
  auto env = OpenEnv(a);
  if (!env.ok()) return Fail(env.status());
  Status st = (*env)->store->BackupTo(to);
  if (!st.ok()) return Fail(st);
  std::printf("%s\n", to.c_str());
  return 0;
}

}  // namespace

int Run(const std::vector<std::string>& raw) {
  Args a;
  std::string err;
  if (!ParseArgs(raw, &a, &err)) {
    std::fprintf(stderr, "airbase: %s\n\n%s", err.c_str(), kUsage);
    return 2;
  }
  const auto& p = a.positional;
  if (a.flags.count("version")) {
    std::printf("airbase %s (stores: %s)\n", AIRBASE_VERSION, Store::EnginesText().c_str());
    return 0;
  }
  if (a.flags.count("help") || (!p.empty() && p[0] == "help")) {
    std::fputs(UsageOf(p.empty() || p[0] == "help" ? "" : p[0]).c_str(), stdout);
    return 0;
  }
  if (p.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (p[0] == "serve") return Serve(a);
  if (p[0] == "backup") return Backup(a);
  if (p[0] == "migrate") return Migrate(a);
  if (p[0] == "clone") return Clone(a);
  if (p[0] == "scopes") {
    for (const auto& s : AllScopes())
      std::printf("%s\t%s\n", std::string(s.name).c_str(), std::string(s.description).c_str());
    return 0;
  }
  if (p.size() < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (p[0] == "user" && p[1] == "create") return UserCreate(a);
  if (p[0] == "workspace") return WorkspaceCmd(p[1], a);
  if (p[0] == "base") return BaseCmd(p[1], a);
  if (p[0] == "token") return TokenCmd(p[1], a);
  if (p[0] == "settings") return SettingsCmd(p[1], a);
  std::fprintf(stderr, "airbase: unknown command\n\n%s", kUsage);
  return 2;
}

}  // namespace airbase::cli
