// airbase benchmark: builds a 100,000-record table (17 fields), starts the real `airbase serve`
// binary on it, and measures over real HTTP with keep-alive connections. Prints one table. Each
// row runs on freshly started servers.
//
//   build/airbase_bench [--airbase build/airbase] [--records 100000] [--seconds 3]
//                       [--connections 4]
//                       [--compare OTHER_BINARY]   (both binaries on the same data, taking turns
//                       row by row; prints both columns and their ratio)
//                       [--rounds N]   (each row N times per binary; the table shows the mean)
//                       [--bulk 100000]   (the bulk load row's records; 0 leaves it out)
//                       [--only TEXT]   (only the rows whose name contains TEXT)
//                       [--hold SECONDS]   (print the URL and token, wait, then measure)
//                       [--link-records 100000] [--link-seconds 120]   (the link row's size and
//                       time limit; not run with --compare)
//                       [--store postgres://USER@HOST:PORT/DB]   (an empty PostgreSQL database
//                       instead of a SQLite data directory)
//                       [--servers N]   (N servers on the one --store database, a fleet)
//                       [--haproxy on|off]   (measure through Debian's haproxy in front of the
//                       servers; on by default when N > 1)
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "auth/sessions.h"
#include "auth/tokens.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "schema/attachments.h"
#include "storage/store.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace airbase;
namespace json = boost::json;

namespace {

struct Setup {
  std::string store;  // "" for the SQLite file in dir, else the store's URL
  std::string dir, token, base_id, table_id, sorted_view_id;
  // Linking many records to one: a Members table (Name, Hub link) and a Hub table of one record.
  std::string members_id, hub_record;
  std::vector<std::string> member_ids;
  std::string cookie;  // a web app session, for the grid's endpoints
  // Attachments: a Files table of 100 records, each with 3 image items (their files are not
  // needed to list them).
  std::string files_table_id;
  std::vector<std::string> file_record_ids;
  std::vector<std::string> record_ids;
  // Empty tables (Name, Count, Status) for the bulk load row: one per run, so every run loads
  // into an empty table.
  std::vector<std::string> load_table_ids;
  std::string writes_table_id;  // where the create rows write
  int fields = 0;               // the Bench table's
  double meta_version_us = 0;   // one store->MetaVersion() (the per-request check), measured
};

// Members (`n` records) linked to a one-record Hub table, for the link row: the link pair is
// made through the store as the API makes it (a field and its inverse naming each other).
void BuildLinkTables(Store& store, IdGenerator& ids, const Clock& clock, Setup& s, int n) {
  Table members, hub;
  members.id = ids.Next("tbl");
  members.name = "Members";
  hub.id = ids.Next("tbl");
  hub.name = "Hub";
  for (Table* t : {&members, &hub}) {
    Field name;
    name.id = ids.Next("fld");
    name.name = "Name";
    name.type = FieldType::kSingleLineText;
    t->fields.push_back(name);
    t->primary_field_id = name.id;
    t->views.push_back(View::Grid(ids.Next("viw")));
  }
  Field link, inverse;
  link.id = ids.Next("fld");
  inverse.id = ids.Next("fld");
  link.name = "Hub";
  inverse.name = "Members";
  link.type = inverse.type = FieldType::kMultipleRecordLinks;
  link.options = {{"linkedTableId", hub.id},
                  {"isReversed", false},
                  {"prefersSingleRecordLink", false},
                  {"inverseLinkFieldId", inverse.id}};
  inverse.options = {{"linkedTableId", members.id},
                     {"isReversed", false},
                     {"prefersSingleRecordLink", false},
                     {"inverseLinkFieldId", link.id}};
  (void)store.CreateTable(s.base_id, members);
  (void)store.CreateTable(s.base_id, hub);
  (void)store.CreateField(s.base_id, members.id, link);
  (void)store.CreateField(s.base_id, hub.id, inverse);
  s.members_id = members.id;
  auto schema = *store.LoadSchema(s.base_id);
  const Table& m = *schema->FindTable(members.id);
  const Table& h = *schema->FindTable(hub.id);
  const int64_t now = clock.NowMs();
  for (int done = 0; done < n;) {
    auto txn = std::move(*store.BeginWrite(s.base_id));
    for (int i = 0; i < 5000 && done < n; ++i, ++done) {
      std::string id = ids.Next("rec");
      (void)txn->Insert(m, id, {{&m.fields[0], SqlValue{"Member " + std::to_string(done)}}}, now);
      s.member_ids.push_back(id);
    }
    if (s.hub_record.empty()) {
      s.hub_record = ids.Next("rec");
      (void)txn->Insert(h, s.hub_record, {{&h.fields[0], SqlValue{std::string("Hub")}}}, now);
    }
    (void)txn->Commit();
  }
}

// A table of the named fields (selects get the named choices), its first field primary, with one
// grid view.
Table MakeTable(IdGenerator& ids, const std::string& name,
                std::initializer_list<std::pair<const char*, FieldType>> fields,
                std::initializer_list<const char*> choices = {"red", "green", "blue", "amber"}) {
  Table t;
  t.id = ids.Next("tbl");
  t.name = name;
  for (auto [field_name, type] : fields) {
    Field f;
    f.id = ids.Next("fld");
    f.name = field_name;
    f.type = type;
    json::value none;
    f.options = *NormalizeOptions(type, &none, t.fields, ids);
    if (type == FieldType::kSingleSelect || type == FieldType::kMultipleSelects) {
      json::array list;
      for (const char* c : choices)
        list.push_back(json::object{{"id", ids.Next("sel")}, {"name", c}});
      f.options["choices"] = list;
    }
    f.Derive();
    t.fields.push_back(f);
  }
  t.primary_field_id = t.fields[0].id;
  t.views.push_back(View::Grid(ids.Next("viw")));
  return t;
}

Setup Build(int records, int link_records, int load_tables, const std::string& store_url) {
  Setup s;
  s.store = store_url;
  char tmpl[] = "/tmp/airbase-bench-XXXXXX";
  s.dir = mkdtemp(tmpl);
  SystemClock clock;
  RandomIdGenerator ids;
  auto opened = Store::Open(StoreOptions{s.dir, &clock, &ids, store_url});
  if (!opened.ok()) {
    std::fprintf(stderr, "airbase_bench: %s\n", opened.status().message().c_str());
    std::exit(1);
  }
  auto store = std::move(*opened);
  auto user = store->CreateUser("bench@example.com", "Bench", *HashPassword("bench password"));
  if (!user.ok()) {
    std::fprintf(stderr,
                 "airbase_bench: %s (--store needs an empty database: an earlier run's "
                 "data is still there)\n",
                 user.status().message().c_str());
    std::exit(1);
  }
  User u = *user;
  Workspace ws = *store->CreateWorkspace(u.id, "Bench");
  Table t = MakeTable(ids, "Bench",
                      {{"Name", FieldType::kSingleLineText},
                       {"Notes", FieldType::kMultilineText},
                       {"Email", FieldType::kEmail},
                       {"Site", FieldType::kUrl},
                       {"Phone", FieldType::kPhoneNumber},
                       {"Count", FieldType::kNumber},
                       {"Price", FieldType::kCurrency},
                       {"Share", FieldType::kPercent},
                       {"Stars", FieldType::kRating},
                       {"Done", FieldType::kCheckbox},
                       {"Status", FieldType::kSingleSelect},
                       {"Tags", FieldType::kMultipleSelects},
                       {"Due", FieldType::kDate},
                       {"At", FieldType::kDateTime},
                       {"Auto", FieldType::kAutoNumber},
                       {"Category", FieldType::kSingleLineText},
                       {"Quantity", FieldType::kNumber}});
  View by_count = View::Grid(ids.Next("viw"));
  by_count.name = "By count";
  by_count.sorts = {ViewSort{t.fields[5].id, true}};
  t.views.push_back(by_count);
  s.sorted_view_id = by_count.id;
  Table files =
      MakeTable(ids, "Files",
                {{"Name", FieldType::kSingleLineText}, {"Files", FieldType::kMultipleAttachments}});
  // The create rows write into a table of their own, so that the rows after them read a table of
  // the size asked for.
  Table writes = t;
  writes.id = ids.Next("tbl");
  writes.name = "Writes";
  for (Field& f : writes.fields) f.id = ids.Next("fld");
  writes.primary_field_id = writes.fields[0].id;
  writes.views = {View::Grid(ids.Next("viw"))};
  s.writes_table_id = writes.id;
  std::vector<Table> tables = {t, files, writes};
  for (int i = 0; i < load_tables; ++i) {
    Table load = MakeTable(ids, "Load " + std::to_string(i + 1),
                           {{"Name", FieldType::kSingleLineText},
                            {"Count", FieldType::kNumber},
                            {"Status", FieldType::kSingleSelect}},
                           {"red"});
    s.load_table_ids.push_back(load.id);
    tables.push_back(load);
  }
  s.fields = static_cast<int>(t.fields.size());
  BaseInfo base{ids.Next("app"), "Bench", ws.id, 1};
  (void)store->CreateBase(base, tables);
  s.files_table_id = files.id;
  {
    auto txn = std::move(*store->BeginWrite(base.id));
    for (int i = 0; i < 100; ++i) {
      std::vector<attachments::Item> items;
      for (int j = 0; j < 3; ++j) {
        const std::string name = "photo-" + std::to_string(i) + "-" + std::to_string(j) + ".jpg";
        items.push_back(attachments::Item{ids.Next("att"), Sha256Hex(name), "", name, "image/jpeg",
                                          123456, 1200, 800});
      }
      std::string id = ids.Next("rec");
      (void)txn->Insert(files, id,
                        {{&files.fields[0], SqlValue{"File " + std::to_string(i)}},
                         {&files.fields[1], SqlValue{attachments::Serialize(items)}}},
                        clock.NowMs());
      s.file_record_ids.push_back(id);
    }
    (void)txn->Commit();
  }
  s.base_id = base.id;
  s.table_id = t.id;
  std::mt19937 rng(1);
  const int64_t now = clock.NowMs();
  for (int done = 0; done < records;) {
    auto txn = std::move(*store->BeginWrite(base.id));
    for (int i = 0; i < 5000 && done < records; ++i, ++done) {
      std::vector<std::pair<const Field*, SqlValue>> cells;
      const auto& F = t.fields;
      cells.emplace_back(&F[0], SqlValue{"Record " + std::to_string(done)});
      cells.emplace_back(&F[1],
                         SqlValue{std::string("Some notes about record ") + std::to_string(done)});
      cells.emplace_back(&F[2], SqlValue{"user" + std::to_string(done) + "@example.com"});
      cells.emplace_back(&F[3],
                         SqlValue{std::string("https://example.com/") + std::to_string(done)});
      cells.emplace_back(&F[4], SqlValue{std::string("+1 555 0100")});
      cells.emplace_back(&F[5], SqlValue{static_cast<double>(rng() % 1000)});
      cells.emplace_back(&F[6], SqlValue{(rng() % 10000) / 100.0});
      cells.emplace_back(&F[7], SqlValue{(rng() % 100) / 100.0});
      cells.emplace_back(&F[8], SqlValue{static_cast<int64_t>(1 + rng() % 5)});
      if (rng() % 2) cells.emplace_back(&F[9], SqlValue{int64_t{1}});
      cells.emplace_back(&F[10], SqlValue{F[10].choices[rng() % 4].id});
      cells.emplace_back(&F[11], SqlValue{F[11].choices[rng() % 4].id});
      cells.emplace_back(&F[12], SqlValue{std::string("2024-05-17")});
      cells.emplace_back(&F[13], SqlValue{now - static_cast<int64_t>(rng() % 100000000)});
      char category[16];
      std::snprintf(category, sizeof(category), "cat-%02u", static_cast<unsigned>(rng() % 100));
      cells.emplace_back(&F[15], SqlValue{std::string(category)});
      cells.emplace_back(&F[16], SqlValue{static_cast<double>(rng() % 10000)});
      std::string id = ids.Next("rec");
      (void)txn->Insert(t, id, cells, now);
      s.record_ids.push_back(id);
    }
    (void)txn->Commit();
  }
  BuildLinkTables(*store, ids, clock, s, link_records);
  SessionService sessions(store.get(), &clock, &ids);
  s.cookie = "airbase_session=" + sessions.SignIn("bench@example.com", "bench password")->secret;
  TokenService tokens(store.get(), &clock, &ids);
  TokenSpec spec{"bench", {"data.records:read", "data.records:write"}, true, {}, {}, 0};
  s.token = *tokens.Create(u.id, spec);
  // What keeping the caches exact costs each request: one read of the schema version.
  const int kReads = 20000;
  auto m0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kReads; ++i) (void)store->MetaVersion();
  s.meta_version_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - m0).count() /
      kReads;
  return s;
}

// A width x height PNG (RGB, a gradient) with stored (uncompressed) deflate blocks: an image for
// the thumbnail row without an image library.
std::string Png(int width, int height) {
  auto crc = [](const std::string& data) {
    uint32_t c = 0xffffffff;
    for (unsigned char b : data) {
      c ^= b;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffff;
  };
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  auto chunk = [&](const char* type, const std::string& data) {
    std::string td = std::string(type) + data;
    return be32(static_cast<uint32_t>(data.size())) + td + be32(crc(td));
  };
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < width; ++x) {
      raw.push_back(static_cast<char>(x * 255 / width));
      raw.push_back(static_cast<char>(y * 255 / height));
      raw.push_back(static_cast<char>(128));
    }
  }
  std::string z = "\x78\x01";
  uint32_t a = 1, b = 0;
  for (unsigned char ch : raw) {
    a = (a + ch) % 65521;
    b = (b + a) % 65521;
  }
  for (size_t off = 0; off < raw.size(); off += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - off);
    z.push_back(off + n == raw.size() ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xff));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xff));
    z.push_back(static_cast<char>((~n >> 8) & 0xff));
    z += raw.substr(off, n);
  }
  z += be32((b << 16) | a);
  std::string ihdr = be32(width) + be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) +
         chunk("IEND", "");
}

struct Stats {
  std::string name;
  double rps = 0, p50 = 0, p99 = 0;
  int errors = 0;
};

// Serializes a request once; the clients send the same bytes many times.
std::string Serialize(const bhttp::request<bhttp::string_body>& req) {
  std::ostringstream os;
  os << req;
  return os.str();
}

// Reads one HTTP/1.1 response with Content-Length from `sock`; returns its status (0 on error).
// A minimal reader keeps the load generator's own CPU use low on a 2-core machine.
int ReadResponse(int fd, std::string& buf, std::string* body = nullptr) {
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    char tmp[65536];
    ssize_t n = ::read(fd, tmp, sizeof(tmp));
    if (n <= 0) return 0;
    buf.append(tmp, static_cast<size_t>(n));
  }
  int status = std::atoi(buf.c_str() + 9);
  // Header names in any case: haproxy sends them in lower case.
  std::string head = buf.substr(0, header_end);
  for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  size_t cl = head.find("\r\ncontent-length:");
  size_t len = cl != std::string::npos ? std::strtoul(head.c_str() + cl + 17, nullptr, 10) : 0;
  size_t total = header_end + 4 + len;
  while (buf.size() < total) {
    char tmp[65536];
    ssize_t n = ::read(fd, tmp, sizeof(tmp));
    if (n <= 0) return 0;
    buf.append(tmp, static_cast<size_t>(n));
  }
  if (body) *body = buf.substr(header_end + 4, len);
  buf.erase(0, total);
  return status;
}

// Runs `connections` keep-alive clients, each sending what `next` gives until it gives nullptr.
struct Load {
  std::vector<double> ms;  // each request's latency, sorted
  int errors = 0;          // answers other than 200, and requests without an answer
  double seconds = 0;
};
Load Drive(uint16_t port, int connections,
           const std::function<const std::string*(std::mt19937&)>& next) {
  std::vector<std::vector<double>> lat(connections);
  std::atomic<int> errors{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      asio::io_context ioc;
      tcp::socket sock(ioc);
      sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      sock.set_option(tcp::no_delay(true));
      int fd = sock.native_handle();
      std::string buf;
      std::mt19937 rng(c + 7);
      while (const std::string* req = next(rng)) {
        auto t0 = std::chrono::steady_clock::now();
        if (::write(fd, req->data(), req->size()) != static_cast<ssize_t>(req->size())) {
          ++errors;
          return;
        }
        int status = ReadResponse(fd, buf);
        lat[c].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (status != 200) ++errors;
        if (status == 0) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  Load out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& l : lat) out.ms.insert(out.ms.end(), l.begin(), l.end());
  std::sort(out.ms.begin(), out.ms.end());
  out.errors = errors;
  return out;
}

// A row's figures: `done` things (requests, records) in `seconds`, and the latencies of `load`.
Stats Summarize(const std::string& name, const Load& load, double done, double seconds) {
  Stats s;
  s.name = name;
  s.errors = load.errors;
  if (!load.ms.empty()) {
    s.rps = done / seconds;
    s.p50 = load.ms[load.ms.size() / 2];
    s.p99 = load.ms[std::min(load.ms.size() - 1, load.ms.size() * 99 / 100)];
  }
  return s;
}

// Runs `connections` keep-alive clients for `seconds`; `make` picks each request's bytes.
Stats Measure(const std::string& name, uint16_t port, int connections, double seconds,
              const std::function<const std::string&(std::mt19937&)>& make) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  Load load = Drive(port, connections, [&](std::mt19937& rng) -> const std::string* {
    return std::chrono::steady_clock::now() < deadline ? &make(rng) : nullptr;
  });
  return Summarize(name, load, static_cast<double>(load.ms.size()), seconds);
}

long PeakRssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct LinkFigures {
  std::vector<std::pair<int, double>> rates;  // (links made before this tenth, links/s in it)
  int linked = 0, errors = 0;
  int error_status = 0;  // the HTTP status that stopped the row (0: none, or no answer)
  double seconds = 0;
};

// Links every member to the hub record, 10 members per PATCH on one keep-alive connection, and
// times each tenth: with linear cost every tenth runs at the same rate.
LinkFigures LinkManyToOne(uint16_t port, const std::string& auth, const std::string& path,
                          const std::vector<std::string>& members, const std::string& hub,
                          double max_seconds) {
  LinkFigures out;
  asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  sock.set_option(tcp::no_delay(true));
  std::string buf;
  const size_t tenth = std::max<size_t>(10, members.size() / 10);
  const auto start = std::chrono::steady_clock::now();
  auto segment_start = start;
  size_t segment_from = 0;
  for (size_t i = 0; i < members.size(); i += 10) {
    std::string body = R"({"records":[)";
    for (size_t j = i; j < std::min(i + 10, members.size()); ++j)
      body += std::string(j > i ? "," : "") + R"({"id":")" + members[j] +
              R"(","fields":{"Hub":[")" + hub + R"("]}})";
    body += "]}";
    bhttp::request<bhttp::string_body> r{bhttp::verb::patch, path, 11};
    r.set(bhttp::field::host, "127.0.0.1");
    r.set(bhttp::field::authorization, auth);
    r.set(bhttp::field::content_type, "application/json");
    r.keep_alive(true);
    r.body() = std::move(body);
    r.prepare_payload();
    const std::string bytes = Serialize(r);
    errno = 0;
    int status = ::write(sock.native_handle(), bytes.data(), bytes.size()) ==
                         static_cast<ssize_t>(bytes.size())
                     ? ReadResponse(sock.native_handle(), buf)
                     : 0;
    if (status != 200) {
      ++out.errors;
      out.error_status = status;
      if (status == 0)
        std::fprintf(stderr, "link row: no answer to PATCH %zu (%s; %zu bytes unread)\n", i / 10,
                     errno ? std::strerror(errno) : "the server closed the connection", buf.size());
      break;
    }
    out.linked = static_cast<int>(std::min(i + 10, members.size()));
    const auto now = std::chrono::steady_clock::now();
    if (static_cast<size_t>(out.linked) - segment_from >= tenth ||
        static_cast<size_t>(out.linked) == members.size()) {
      double secs = std::chrono::duration<double>(now - segment_start).count();
      out.rates.emplace_back(static_cast<int>(segment_from), (out.linked - segment_from) / secs);
      segment_from = out.linked;
      segment_start = now;
    }
    out.seconds = std::chrono::duration<double>(now - start).count();
    if (out.seconds > max_seconds) {
      if (static_cast<size_t>(out.linked) > segment_from) {
        double secs = std::chrono::duration<double>(now - segment_start).count();
        out.rates.emplace_back(static_cast<int>(segment_from), (out.linked - segment_from) / secs);
      }
      break;
    }
  }
  return out;
}

// A free TCP port on 127.0.0.1 (for haproxy, which cannot report the one it was given).
uint16_t FreePort() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

// GET `target` on 127.0.0.1:port with Connection: close; the whole response, "" on failure.
std::string FetchOnce(uint16_t port, const std::string& target) {
  try {
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    asio::write(sock, asio::buffer(req));
    std::string out;
    beast::error_code ec;
    char buf[65536];
    while (true) {
      size_t n = sock.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  } catch (const std::exception&) {
    return "";
  }
}

// The requests a server has answered, from its /metrics.
long RequestsAnswered(uint16_t port) {
  std::istringstream text(FetchOnce(port, "/metrics"));
  double total = 0;
  for (std::string line; std::getline(text, line);)
    if (line.rfind("airbase_http_requests_total{", 0) == 0)
      total += std::atof(line.c_str() + line.rfind(' ') + 1);
  return static_cast<long>(total);
}

// Starts Debian's haproxy in front of `ports` (round robin per request, keep-alive on both
// sides); answers its port, 0 when it did not come up.
uint16_t StartHaproxy(const std::vector<uint16_t>& ports, const std::string& dir, pid_t* pid) {
  const uint16_t port = FreePort();
  const std::string cfg = dir + "/haproxy.cfg";
  {
    std::ofstream f(cfg);
    f << "global\n  maxconn 4000\n"
      << "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n"
      << "  timeout server 60s\n  option http-keep-alive\n  http-reuse always\n"
      << "frontend airbase\n  bind 127.0.0.1:" << port << "\n  default_backend fleet\n"
      << "backend fleet\n  balance roundrobin\n";
    for (size_t i = 0; i < ports.size(); ++i)
      f << "  server s" << i << " 127.0.0.1:" << ports[i] << "\n";
  }
  *pid = fork();
  if (*pid == 0) {
    execlp("haproxy", "haproxy", "-db", "-q", "-f", cfg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (FetchOnce(port, "/healthz").rfind("HTTP/1.1 200", 0) == 0) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// LISTEN/NOTIFY as the way to keep the servers' caches exact, measured: how long after a
// change's commit returns another session has the notification. While it has not, a server kept
// exact by notifications alone would still answer from its old cache (a revoked token, a deleted
// field); meta_version's read per request never does. Answers (p50 us, p99 us, max us, the
// trials whose notification had not arrived when the commit returned).
struct NotifyFigures {
  double p50 = 0, p99 = 0, max = 0;
  int late = 0, trials = 0;
};
NotifyFigures MeasureNotify(const std::string& url, int trials) {
  NotifyFigures out;
  PGconn* listener = PQconnectdb(url.c_str());
  PGconn* writer = PQconnectdb(url.c_str());
  if (PQstatus(listener) != CONNECTION_OK || PQstatus(writer) != CONNECTION_OK) {
    PQfinish(listener);
    PQfinish(writer);
    return out;
  }
  PQclear(PQexec(listener, "LISTEN airbase_bench"));
  std::vector<double> waits;
  for (int i = 0; i < trials; ++i) {
    PQclear(PQexec(writer, "NOTIFY airbase_bench"));  // autocommit: returns after the commit
    const auto committed = std::chrono::steady_clock::now();
    bool arrived = false, late = false;
    while (!arrived) {
      PQconsumeInput(listener);
      while (PGnotify* n = PQnotifies(listener)) {
        arrived = true;
        PQfreemem(n);
      }
      if (arrived) break;
      late = true;
      pollfd fd{PQsocket(listener), POLLIN, 0};
      if (poll(&fd, 1, 1000) <= 0) break;  // lost: count it as late, stop waiting
    }
    out.late += late ? 1 : 0;
    waits.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - committed)
            .count());
  }
  PQfinish(listener);
  PQfinish(writer);
  std::sort(waits.begin(), waits.end());
  out.trials = trials;
  out.p50 = waits[waits.size() / 2];
  out.p99 = waits[waits.size() * 99 / 100];
  out.max = waits.back();
  return out;
}

// What a server process holds in memory, from /proc (KiB): its private anonymous pages (heap,
// stacks) and the file pages it has mapped (the database's mmap), now; and its peak RSS.
struct Memory {
  long anonymous = 0, file = 0, peak = 0;
};
Memory MemoryOf(pid_t pid) {
  Memory m;
  std::ifstream f("/proc/" + std::to_string(pid) + "/smaps_rollup");
  long rss = 0;
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("Rss:", 0) == 0) rss = std::atol(line.c_str() + 4);
    if (line.rfind("Anonymous:", 0) == 0) m.anonymous = std::atol(line.c_str() + 10);
  }
  m.file = rss - m.anonymous;
  m.peak = PeakRssKb(pid);
  return m;
}

// Loads `n` records into the table at `path` over `loaders` keep-alive connections, 10 records
// per POST; the row's figure is records per second (latencies are per request).
Stats BulkLoad(const std::string& name, uint16_t port, const std::string& auth,
               const std::string& path, int n, int loaders) {
  std::string body = R"({"records":[)";
  for (int i = 0; i < 10; ++i)
    body += std::string(i ? "," : "") + R"({"fields":{"Name":"loaded","Count":)" +
            std::to_string(i) + R"(,"Status":"red"}})";
  body += "]}";
  bhttp::request<bhttp::string_body> r{bhttp::verb::post, path, 11};
  r.set(bhttp::field::host, "127.0.0.1");
  r.set(bhttp::field::authorization, auth);
  r.set(bhttp::field::content_type, "application/json");
  r.keep_alive(true);
  r.body() = body;
  r.prepare_payload();
  const std::string request = Serialize(r);
  const int requests = (n + 9) / 10;
  std::atomic<int> sent{0};
  Load load = Drive(port, loaders, [&](std::mt19937&) -> const std::string* {
    return sent++ < requests ? &request : nullptr;
  });
  return Summarize(name, load,
                   10.0 * static_cast<double>(load.ms.size() - static_cast<size_t>(load.errors)),
                   load.seconds);
}

// Percent-encodes a query value.
std::string Encode(const std::string& text) {
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch)) {
      out.push_back(static_cast<char>(ch));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", ch);
      out += hex;
    }
  }
  return out;
}

// One row of the table: a timed load of `make`'s requests, or a row that times itself (`run`,
// given the port and the number of the run). `sql_filters` is the server's --sql-filters.
struct Row {
  std::string name;
  int connections = 1;
  bool sql_filters = true;
  bool memory = false;  // the list and filter load: sample the server's memory after it
  std::function<const std::string&(std::mt19937&)> make;
  std::function<Stats(uint16_t port, int run)> run;
};

}  // namespace

int main(int argc, char** argv) {
  std::string bin = "build/airbase", compare;
  std::string only;  // run only the rows whose name contains this
  int records = 100000, connections = 4, link_records = 100000, rounds = 1, bulk = 100000;
  double link_seconds = 120;  // the link row stops after this long, reporting how far it got
  double seconds = 3;
  int hold = 0;  // seconds to wait before measuring, so an external load tool can run too
  std::string store_url;
  int servers = 1;
  std::string haproxy;  // "on", "off", or "" (on when servers > 1)
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--airbase")
      bin = v;
    else if (k == "--compare")
      compare = v;
    else if (k == "--rounds")
      rounds = std::max(1, std::atoi(v.c_str()));
    else if (k == "--only")
      only = v;
    else if (k == "--bulk")
      bulk = std::max(0, std::atoi(v.c_str()));
    else if (k == "--records")
      records = std::atoi(v.c_str());
    else if (k == "--seconds")
      seconds = std::atof(v.c_str());
    else if (k == "--connections")
      connections = std::atoi(v.c_str());
    else if (k == "--hold")
      hold = std::atoi(v.c_str());
    else if (k == "--link-records")
      link_records = std::atoi(v.c_str());
    else if (k == "--link-seconds")
      link_seconds = std::atof(v.c_str());
    else if (k == "--store")
      store_url = v;
    else if (k == "--servers")
      servers = std::max(1, std::atoi(v.c_str()));
    else if (k == "--haproxy")
      haproxy = v;
  }
  const bool balanced = haproxy.empty() ? servers > 1 : haproxy == "on";
  if (servers > 1 && store_url.empty()) {
    std::fprintf(stderr,
                 "airbase_bench: --servers %d needs --store (a SQLite directory has one "
                 "server)\n",
                 servers);
    return 1;
  }
  std::vector<std::string> bins = {bin};
  if (!compare.empty()) bins.push_back(compare);
  const int runs = rounds * static_cast<int>(bins.size());
  auto t0 = std::chrono::steady_clock::now();
  Setup s = Build(records, compare.empty() ? link_records : 0, bulk > 0 ? runs : 0, store_url);
  double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Starts `airbase serve` (binary number `which`) on its data; returns its pid and port.
  // Each binary's data directory: with --compare on SQLite, the second binary gets a copy, so
  // that what one binary leaves in the database (lazy indexes, statistics) never speeds up the
  // other. (A PostgreSQL --store is shared.)
  std::vector<std::string> dirs = {s.dir};
  auto start_server = [&](size_t which, bool sql_filters, uint16_t* port_out) -> pid_t {
    const std::string& exe = bins[which];
    const std::string& dir = dirs[std::min(which, dirs.size() - 1)];
    int pipefd[2];
    if (pipe(pipefd) != 0) return -1;
    pid_t child = fork();
    if (child == 0) {
      dup2(pipefd[1], 1);
      close(pipefd[0]);
      // AIRBASE_BENCH_SERVE_ARGS adds options to `serve` (e.g. "--threads 2").
      std::vector<std::string> args = {exe,
                                       "serve",
                                       "--data",
                                       dir,
                                       "--listen",
                                       "127.0.0.1:0",
                                       "--access-log",
                                       "off",
                                       "--sql-filters",
                                       sql_filters ? "on" : "off"};
      if (!s.store.empty()) {
        args.push_back("--store");
        args.push_back(s.store);
      }
      if (const char* extra = std::getenv("AIRBASE_BENCH_SERVE_ARGS")) {
        std::istringstream words(extra);
        for (std::string w; words >> w;) args.push_back(w);
      }
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(exe.c_str(), argv.data());
      _exit(127);
    }
    close(pipefd[1]);
    std::string out;
    char c;
    while (read(pipefd[0], &c, 1) == 1 && c != '\n') out += c;
    close(pipefd[0]);
    auto pos = out.find("127.0.0.1:");
    *port_out =
        pos == std::string::npos ? 0 : static_cast<uint16_t>(std::atoi(out.c_str() + pos + 10));
    return child;
  };
  // The servers (one, or a fleet on the one database) and what the load goes to: the only
  // server, or haproxy in front of them.
  struct Fleet {
    std::vector<pid_t> pids;
    std::vector<uint16_t> ports;
    pid_t balancer = -1;
    uint16_t port = 0;
  };
  auto start_fleet = [&](size_t which, bool sql_filters) {
    Fleet f;
    for (int i = 0; i < servers; ++i) {
      uint16_t p = 0;
      f.pids.push_back(start_server(which, sql_filters, &p));
      f.ports.push_back(p);
      if (p == 0) return f;
    }
    f.port = balanced ? StartHaproxy(f.ports, s.dir, &f.balancer) : f.ports[0];
    return f;
  };
  std::vector<Memory> memory(bins.size());  // the largest figures seen, by binary
  std::vector<long> answered(static_cast<size_t>(servers), 0);  // by each server, all rows
  auto stop_fleet = [&](Fleet& f, size_t which) {
    for (size_t i = 0; i < f.pids.size(); ++i) {
      if (f.ports[i]) answered[i] += RequestsAnswered(f.ports[i]);
      memory[which].peak = std::max(memory[which].peak, PeakRssKb(f.pids[i]));
      kill(f.pids[i], SIGTERM);
      waitpid(f.pids[i], nullptr, 0);
    }
    if (f.balancer > 0) {
      kill(f.balancer, SIGKILL);
      waitpid(f.balancer, nullptr, 0);
    }
  };

  const std::string auth = "Bearer " + s.token;
  const std::string table_path = "/v0/" + s.base_id + "/" + s.table_id;
  auto req = [&](bhttp::verb verb, std::string target, std::string body = {}) {
    bhttp::request<bhttp::string_body> r{verb, target, 11};
    r.set(bhttp::field::host, "127.0.0.1");
    r.set(bhttp::field::authorization, auth);
    r.keep_alive(true);
    if (!body.empty()) {
      r.set(bhttp::field::content_type, "application/json");
      r.body() = std::move(body);
    }
    r.prepare_payload();
    return r;
  };
  // What needs a running server before the rows: --hold, and a kept thumbnail of a real image.
  std::string thumb;
  {
    Fleet fleet = start_fleet(0, true);
    if (fleet.port == 0) {
      std::fprintf(stderr, "a server or haproxy did not start\n");
      stop_fleet(fleet, 0);
      return 1;
    }
    if (hold > 0) {
      std::printf("holding %d s: http://127.0.0.1:%u%s/%s\nAuthorization: %s\n", hold, fleet.port,
                  table_path.c_str(), s.record_ids[0].c_str(), auth.c_str());
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::seconds(hold));
    }
    auto upload_body = [](const std::string& bytes, const char* type, const char* name) {
      return json::serialize(
          json::object{{"contentType", type}, {"file", Base64Encode(bytes)}, {"filename", name}});
    };
    const std::string png =
        Serialize(req(bhttp::verb::post,
                      "/v0/" + s.base_id + "/" + s.file_record_ids[0] + "/Files/uploadAttachment",
                      upload_body(Png(1200, 800), "image/png", "photo.png")));
    asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), fleet.port));
    (void)::write(sock.native_handle(), png.data(), png.size());
    std::string buf, body;
    if (ReadResponse(sock.native_handle(), buf, &body) == 200) {
      json::value v = json::parse(body);
      const json::array& items = v.at("fields").as_object().begin()->value().as_array();
      std::string url(items.back().at("thumbnails").at("large").at("url").as_string());
      if (size_t at = url.find("/files/"); at != std::string::npos) url = url.substr(at);
      bhttp::request<bhttp::string_body> r{bhttp::verb::get, url, 11};
      r.set(bhttp::field::host, "127.0.0.1");
      r.keep_alive(true);
      thumb = Serialize(r);
      (void)::write(sock.native_handle(), thumb.data(), thumb.size());
      if (int st = ReadResponse(sock.native_handle(), buf, &body); st != 200) {
        std::fprintf(stderr, "thumbnail: status %d for %s: %s\n", st, url.c_str(), body.c_str());
        thumb.clear();
      }
    }
    stop_fleet(fleet, 0);
  }

  if (bins.size() > 1 && s.store.empty()) {
    dirs.push_back(s.dir + "-b");
    std::filesystem::copy(s.dir, dirs[1], std::filesystem::copy_options::recursive);
  }
  // Every request is serialized up front so the load generator only writes bytes.
  const std::string whoami = Serialize(req(bhttp::verb::get, "/v0/meta/whoami"));
  std::vector<std::string> gets;
  for (size_t i = 0; i < 5000 && i < s.record_ids.size(); ++i)
    gets.push_back(Serialize(
        req(bhttp::verb::get, table_path + "/" + s.record_ids[(i * 7919) % s.record_ids.size()])));
  const std::string page = Serialize(req(bhttp::verb::get, table_path));
  const std::string sorted =
      Serialize(req(bhttp::verb::get, table_path + "?sort%5B0%5D%5Bfield%5D=Count"));
  std::string create_body = R"({"records":[)";
  for (int i = 0; i < 10; ++i)
    create_body +=
        std::string(i ? "," : "") +
        R"({"fields":{"Name":"new","Count":5,"Status":"red","Tags":["blue"],"Done":true,"Email":"x@example.com"}})";
  create_body += "]}";
  const std::string create =
      Serialize(req(bhttp::verb::post, "/v0/" + s.base_id + "/" + s.writes_table_id, create_body));
  // The web app's grid: a view's whole id list, then records by id as they scroll into sight.
  auto web = [&](std::string target) {
    bhttp::request<bhttp::string_body> r{bhttp::verb::get, target, 11};
    r.set(bhttp::field::host, "127.0.0.1");
    r.set(bhttp::field::cookie, s.cookie);
    r.keep_alive(true);
    r.prepare_payload();
    return Serialize(r);
  };
  const std::string grid_path = "/api/web/" + s.base_id + "/" + s.table_id;
  const std::string all_ids = web(grid_path + "/ids");
  const std::string sorted_ids = web(grid_path + "/ids?view=" + s.sorted_view_id);
  std::vector<std::string> blocks;
  for (size_t b = 0; b + 100 <= s.record_ids.size() && blocks.size() < 200; b += 997) {
    std::string target = grid_path + "/records?";
    for (size_t i = b; i < b + 100; ++i)
      target += (i > b ? "&ids%5B%5D=" : "ids%5B%5D=") + s.record_ids[i];
    blocks.push_back(web(target));
  }
  const std::string files_page =
      Serialize(req(bhttp::verb::get, "/v0/" + s.base_id + "/" + s.files_table_id));
  // filterByFormula over the whole table (pageSize 100): each scans until a page is full.
  const std::pair<const char*, const char*> kFilters[] = {
      {"filter: text equality", "{Name} = 'Record 99999'"},
      {"filter: numeric range", "AND({Count} >= 100, {Count} < 110)"},
      {"filter: AND/OR of three terms",
       "AND({Stars} = 5, OR({Status} = 'red', {Done}), {Price} > 50)"},
      {"filter: FIND in text", "FIND('9999', {Notes}) > 0"},
      {"filter: date comparison", "IS_AFTER({At}, DATEADD(NOW(), -1, 'hours'))"},
      {"filter: LOWER() equality", "LOWER({Category}) = 'cat-07'"},
      {"filter: equality and a range",
       "AND({Category}='cat-07', {Quantity}>=5000, {Quantity}<5200)"},
      {"filter: SEARCH in text", "SEARCH('record 9999', {Name})"},
      {"filter: LEN() (a full scan)", "LEN({Name}) = 8"},
      {"filter: arithmetic on a number", "{Count} * 2 + 1 > 1996"},
      {"filter: DATETIME_DIFF against now", "DATETIME_DIFF(NOW(), {At}, 'hours') < 1"},
      {"filter: IS_SAME as today", "IS_SAME({At}, TODAY(), 'day')"},
  };
  std::vector<std::string> filter_requests;
  for (const auto& [label, formula] : kFilters)
    filter_requests.push_back(
        Serialize(req(bhttp::verb::get, table_path + "?filterByFormula=" + Encode(formula))));

  auto fixed = [](const std::string& bytes) {
    return [&bytes](std::mt19937&) -> const std::string& { return bytes; };
  };
  std::vector<Row> rows;
  rows.push_back(
      {"token check (GET /v0/meta/whoami)", connections, true, false, fixed(whoami), {}});
  rows.push_back(
      {"GET one record",
       connections,
       true,
       false,
       [&](std::mt19937& rng) -> const std::string& { return gets[rng() % gets.size()]; },
       {}});
  rows.push_back({"list a page of 100 (first page)", connections, true, true, fixed(page), {}});
  rows.push_back(
      {"list a page of 100 (sorted by Count)", connections, true, true, fixed(sorted), {}});
  rows.push_back({"create 10 records per request", connections, true, false, fixed(create), {}});
  rows.push_back({"create 10 records per request, 32 writers", 32, true, false, fixed(create), {}});
  rows.push_back({"grid: every id of a view (creation order)",
                  std::min(connections, 2),
                  true,
                  false,
                  fixed(all_ids),
                  {}});
  rows.push_back({"grid: every id of a view (sorted by Count)",
                  std::min(connections, 2),
                  true,
                  false,
                  fixed(sorted_ids),
                  {}});
  rows.push_back(
      {"grid: 100 records by id",
       connections,
       true,
       false,
       [&](std::mt19937& rng) -> const std::string& { return blocks[rng() % blocks.size()]; },
       {}});
  // Attachments: a page of 100 records of 3 items each (signed URLs and thumbnails written for
  // each), a kept thumbnail of a real image, and uploads of distinct 1 MB files.
  rows.push_back({"list a page of 100 with 3 attachments each",
                  connections,
                  true,
                  false,
                  fixed(files_page),
                  {}});
  if (!thumb.empty())
    rows.push_back(
        {"fetch a thumbnail (large, 768x512, kept)", connections, true, false, fixed(thumb), {}});
  std::vector<std::string> uploads;
  rows.push_back(
      {"upload a 1 MB attachment (128 distinct files)",
       connections,
       true,
       false,
       {},
       [&](uint16_t port, int run) {
         // Files no earlier run stored (a stored file is not written again).
         uploads.clear();
         std::mt19937_64 file_rng(3 + static_cast<uint64_t>(run));
         for (int i = 0; i < 128; ++i) {
           std::string bytes(1 << 20, '\0');
           for (size_t k = 0; k < bytes.size(); k += 8) {
             const uint64_t r = file_rng();
             std::memcpy(bytes.data() + k, &r, 8);
           }
           uploads.push_back(Serialize(req(
               bhttp::verb::post,
               "/v0/" + s.base_id + "/" + s.file_record_ids[1 + i % 99] + "/Files/uploadAttachment",
               json::serialize(json::object{{"contentType", "application/octet-stream"},
                                            {"file", Base64Encode(bytes)},
                                            {"filename", "file.bin"}}))));
         }
         return Measure("", port, connections, seconds,
                        [&](std::mt19937& rng) -> const std::string& {
                          return uploads[rng() % uploads.size()];
                        });
       }});
  for (bool sql : {true, false})
    for (size_t i = 0; i < filter_requests.size(); ++i)
      rows.push_back({std::string(kFilters[i].first) + (sql ? " [SQL]" : " [evaluator]"),
                      std::min(connections, 2),
                      sql,
                      true,
                      fixed(filter_requests[i]),
                      {}});
  if (bulk > 0)
    rows.push_back({"bulk load: " + std::to_string(bulk) + " records, 4 loaders (records/s)",
                    4,
                    true,
                    false,
                    {},
                    [&](uint16_t port, int run) {
                      return BulkLoad("", port, auth,
                                      "/v0/" + s.base_id + "/" + s.load_table_ids[run], bulk, 4);
                    }});

  if (!only.empty())
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const Row& r) { return r.name.find(only) == std::string::npos; }),
               rows.end());
  // Each row runs on freshly started servers, once per binary per round; with two binaries
  // they take turns going first, so drift of the machine falls on both alike.
  std::vector<std::vector<std::vector<Stats>>> results(
      rows.size(), std::vector<std::vector<Stats>>(bins.size()));
  int run_no = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    for (int round = 0; round < rounds; ++round) {
      for (size_t j = 0; j < bins.size(); ++j) {
        const size_t k = (r + static_cast<size_t>(round)) % 2 == 0 ? j : bins.size() - 1 - j;
        Fleet fleet = start_fleet(k, row.sql_filters);
        if (fleet.port == 0) {
          std::fprintf(stderr, "%s: a server or haproxy did not start\n", bins[k].c_str());
          stop_fleet(fleet, k);
          return 1;
        }
        Stats st;
        if (row.run) {
          st = row.run(fleet.port, row.name.rfind("bulk", 0) == 0 ? run_no++ : 0);
        } else {
          (void)Measure("", fleet.port, row.connections, std::min(0.3, seconds / 4), row.make);
          st = Measure(row.name, fleet.port, row.connections, seconds, row.make);
        }
        st.name = row.name;
        if (row.memory)
          for (pid_t p : fleet.pids) {
            const Memory m = MemoryOf(p);
            memory[k].anonymous = std::max(memory[k].anonymous, m.anonymous);
            memory[k].file = std::max(memory[k].file, m.file);
          }
        stop_fleet(fleet, k);
        results[r][k].push_back(st);
      }
    }
  }
  LinkFigures links;
  if (compare.empty() && !s.member_ids.empty()) {
    Fleet fleet = start_fleet(0, true);
    links = LinkManyToOne(fleet.port, auth, "/v0/" + s.base_id + "/" + s.members_id, s.member_ids,
                          s.hub_record, link_seconds);
    stop_fleet(fleet, 0);
  }
  for (const std::string& dir : dirs) std::filesystem::remove_all(dir);

  auto mean = [](const std::vector<Stats>& runs, double Stats::*what) {
    double sum = 0;
    for (const Stats& st : runs) sum += st.*what;
    return runs.empty() ? 0 : sum / static_cast<double>(runs.size());
  };
  auto errors = [](const std::vector<Stats>& runs) {
    int n = 0;
    for (const Stats& st : runs) n += st.errors;
    return n;
  };
  std::printf(
      "\nairbase benchmark: %d records x %d fields on %s (built in %.1f s), %d server%s%s, %d "
      "keep-alive connections, %.1f s per row, %d round%s, %u cores\n\n",
      records, s.fields, store_url.empty() ? "SQLite" : "PostgreSQL", build_s, servers,
      servers > 1 ? "s" : "", balanced ? " behind haproxy" : "", connections, seconds, rounds,
      rounds > 1 ? "s" : "", std::thread::hardware_concurrency());
  if (bins.size() == 1) {
    std::printf("| %-58s | %10s | %8s | %8s | %6s |\n", "operation", "requests/s", "p50 ms",
                "p99 ms", "errors");
    std::printf("|%s|%s|%s|%s|%s|\n", std::string(60, '-').c_str(), std::string(12, '-').c_str(),
                std::string(10, '-').c_str(), std::string(10, '-').c_str(),
                std::string(8, '-').c_str());
    for (size_t r = 0; r < rows.size(); ++r)
      std::printf("| %-58s | %10.0f | %8.3f | %8.3f | %6d |\n", rows[r].name.c_str(),
                  mean(results[r][0], &Stats::rps), mean(results[r][0], &Stats::p50),
                  mean(results[r][0], &Stats::p99), errors(results[r][0]));
  } else {
    std::printf("A: %s\nB: %s (--compare)\n\n", bins[0].c_str(), bins[1].c_str());
    std::printf("| %-58s | %10s | %10s | %6s | %8s | %8s | %6s |\n", "operation", "A req/s",
                "B req/s", "A/B", "A p50 ms", "B p50 ms", "errors");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(60, '-').c_str(),
                std::string(12, '-').c_str(), std::string(12, '-').c_str(),
                std::string(8, '-').c_str(), std::string(10, '-').c_str(),
                std::string(10, '-').c_str(), std::string(8, '-').c_str());
    for (size_t r = 0; r < rows.size(); ++r) {
      const double a = mean(results[r][0], &Stats::rps), b = mean(results[r][1], &Stats::rps);
      std::printf("| %-58s | %10.0f | %10.0f | %6.2f | %8.3f | %8.3f | %6d |\n",
                  rows[r].name.c_str(), a, b, b > 0 ? a / b : 0.0, mean(results[r][0], &Stats::p50),
                  mean(results[r][1], &Stats::p50), errors(results[r][0]) + errors(results[r][1]));
    }
  }
  if (!links.rates.empty()) {
    std::printf(
        "\nlinking %zu records to one record, 10 per PATCH, one connection (links/s by tenth; "
        "a flat row is linear cost):\n\n",
        s.member_ids.size());
    std::printf("| %-22s | %10s |\n|%s|%s|\n", "links already made", "links/s",
                std::string(24, '-').c_str(), std::string(12, '-').c_str());
    for (const auto& [from, rate] : links.rates) std::printf("| %22d | %10.0f |\n", from, rate);
    const bool stopped = links.linked < static_cast<int>(s.member_ids.size());
    std::printf(
        "linked %d of %zu in %.1f s%s (errors: %d, last error status %d)\n", links.linked,
        s.member_ids.size(), links.seconds,
        stopped ? (links.errors ? ", stopped by an error" : ", stopped at the time limit") : "",
        links.errors, links.error_status);
  }
  std::printf("\nserver memory after the list and filter rows (the largest server):\n");
  for (size_t k = 0; k < bins.size(); ++k)
    std::printf(
        "  %s: private (anonymous) %.1f MiB, mapped file pages %.1f MiB, peak RSS %.1f MiB\n",
        bins.size() > 1 ? (k ? "B" : "A") : "server", memory[k].anonymous / 1024.0,
        memory[k].file / 1024.0, memory[k].peak / 1024.0);
  std::printf("the schema/token version check (one per request): %.1f us\n", s.meta_version_us);
  if (!store_url.empty()) {
    const NotifyFigures n = MeasureNotify(store_url, 2000);
    std::printf(
        "LISTEN/NOTIFY instead (measured): a notification reaches another session %.0f us "
        "(p50), %.0f us (p99), %.0f us (max) after its commit returns; %d of %d had not arrived "
        "by then\n",
        n.p50, n.p99, n.max, n.late, n.trials);
  }
  std::printf("requests answered by each server (all rows):");
  for (size_t i = 0; i < answered.size(); ++i) std::printf("%s %ld", i ? " /" : "", answered[i]);
  std::printf("\n");
  return 0;
}
