// Live updates (live.h): the hub that forwards a base's notices to the event streams open on it,
// and presence.
#include "api/live.h"

#include <boost/json.hpp>
#include <chrono>
#include <utility>

#include "api/handlers.h"
#include "common/crypto.h"
#include "common/limits.h"

namespace airbase::api {

namespace json = boost::json;

namespace {

std::string Event(std::string_view kind, std::string_view data) {
  std::string out;
  out.reserve(data.size() + kind.size() + 16);
  out += "event: ";
  out += kind;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

json::object UserJson(const User& u) {
  return json::object{{"id", u.id}, {"name", u.name}, {"email", u.email}};
}

User UserOf(const json::value* v) {
  User u;
  if (!v || !v->is_object()) return u;
  const json::object& o = v->as_object();
  for (auto [key, out] : {std::pair{"id", &u.id}, {"name", &u.name}, {"email", &u.email}})
    if (const json::value* s = o.if_contains(key); s && s->is_string()) *out = s->as_string();
  return u;
}

std::string_view StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

}  // namespace

std::shared_ptr<LiveHub> LiveHub::Start(Store* store, const Clock* clock) {
  std::shared_ptr<LiveHub> hub(new LiveHub(store, clock));
  std::weak_ptr<LiveHub> weak = hub;
  store->Notices().Receive({[weak](std::string_view text) {
                              if (auto h = weak.lock()) h->OnNotice(text);
                            },
                            [weak] {
                              if (auto h = weak.lock()) h->OnResync();
                            }});
  hub->beat_ = std::thread([raw = hub.get()] {  // joined by the destructor
    std::unique_lock lock(raw->mu_);
    while (!raw->stopping_) {
      raw->wake_.wait_for(lock, std::chrono::seconds(kPresenceBeatSeconds));
      if (raw->stopping_) return;
      lock.unlock();
      raw->Beat();
      lock.lock();
    }
  });
  return hub;
}

LiveHub::LiveHub(Store* store, const Clock* clock)
    : store_(store), clock_(clock), server_(RandomHex(6)) {}

LiveHub::~LiveHub() { Stop(); }

void LiveHub::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (beat_.joinable() && beat_.get_id() != std::this_thread::get_id()) beat_.join();
}

size_t LiveHub::streams() {
  std::lock_guard lock(mu_);
  return own_.size();
}

std::shared_ptr<http::BodyStream> LiveHub::Open(const std::string& base_id, const User& viewer) {
  uint64_t number;
  {
    std::lock_guard lock(mu_);
    number = next_++;
  }
  std::weak_ptr<LiveHub> weak = weak_from_this();
  auto stream = std::make_shared<http::BodyStream>([weak, base_id, number] {
    if (auto h = weak.lock()) h->Close(base_id, number);
  });
  // The browser reconnects a second after the stream ends; it learns its own key first.
  stream->Push("retry: 1000\n\n" +
               Event("hello", json::serialize(json::object{{"key", Key(number)}})));
  {
    std::lock_guard lock(mu_);
    bases_[base_id].streams[number] = stream;
    own_[number] = viewer;
    own_bases_[number] = base_id;
  }
  json::object join{
      {"base", base_id}, {"kind", "join"}, {"key", Key(number)}, {"user", UserJson(viewer)}};
  store_->Notices().Publish(json::serialize(join));
  return stream;
}

void LiveHub::Close(const std::string& base_id, uint64_t number) {
  {
    std::lock_guard lock(mu_);
    own_.erase(number);
    own_bases_.erase(number);
    auto it = bases_.find(base_id);
    if (it != bases_.end()) it->second.streams.erase(number);
  }
  json::object leave{{"base", base_id}, {"kind", "leave"}, {"key", Key(number)}};
  store_->Notices().Publish(json::serialize(leave));
}

void LiveHub::Send(const std::string& base_id, const std::string& event) {
  std::vector<std::shared_ptr<http::BodyStream>> to;
  {
    std::lock_guard lock(mu_);
    auto it = bases_.find(base_id);
    if (it == bases_.end()) return;
    for (auto& [n, s] : it->second.streams) to.push_back(s);
  }
  for (auto& s : to) s->Push(event);  // outside the lock: a stream over its backlog ends here
}

std::string LiveHub::PresenceEventLocked(const Base& base) {
  std::map<std::string, const User*> users;  // each user once, by id
  for (const auto& [key, v] : base.viewers) users.emplace(v.user.id, &v.user);
  json::array viewers;
  for (const auto& [id, u] : users) viewers.push_back(UserJson(*u));
  return Event("presence", json::serialize(json::object{{"viewers", std::move(viewers)}}));
}

void LiveHub::OnNotice(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return;
  const json::object& n = v.as_object();
  const std::string base_id(StringAt(n, "base"));
  const std::string_view kind = StringAt(n, "kind");
  if (kind == "records" || kind == "schema" || kind == "comments")
    return Send(base_id, Event(kind, text));
  const int64_t expires = clock_->NowMs() + kPresenceExpirySeconds * 1000;
  std::string presence;
  {
    std::lock_guard lock(mu_);
    Base& base = bases_[base_id];
    const std::string before = PresenceEventLocked(base);
    if (kind == "join") {
      base.viewers[std::string(StringAt(n, "key"))] = {UserOf(n.if_contains("user")), expires};
    } else if (kind == "leave") {
      base.viewers.erase(std::string(StringAt(n, "key")));
    } else if (kind == "here") {
      const json::value* list = n.if_contains("viewers");
      if (list && list->is_array())
        for (const json::value& e : list->as_array())
          if (e.is_object())
            base.viewers[std::string(StringAt(e.as_object(), "key"))] = {
                UserOf(e.as_object().if_contains("user")), expires};
    } else {
      return;
    }
    presence = PresenceEventLocked(base);
    if (presence == before && kind != "join") presence.clear();  // a joiner needs the list
    if (base.streams.empty() && base.viewers.empty()) bases_.erase(base_id);
  }
  if (!presence.empty()) Send(base_id, presence);
}

void LiveHub::OnResync() {
  std::vector<std::string> bases;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, b] : bases_)
      if (!b.streams.empty()) bases.push_back(id);
  }
  for (const std::string& id : bases) Send(id, Event("resync", "{}"));
  Beat();
}

void LiveHub::Beat() {
  std::map<std::string, json::array> here;                   // base -> this server's viewers
  std::vector<std::pair<std::string, std::string>> changed;  // base, presence event
  const int64_t now = clock_->NowMs();
  {
    std::lock_guard lock(mu_);
    for (const auto& [number, user] : own_)
      here[own_bases_[number]].push_back(
          json::object{{"key", Key(number)}, {"user", UserJson(user)}});
    for (auto it = bases_.begin(); it != bases_.end();) {
      Base& b = it->second;
      const std::string before = PresenceEventLocked(b);
      std::erase_if(b.viewers, [&](const auto& kv) {
        return kv.second.expires_ms < now && !kv.first.starts_with(server_ + "-");
      });
      std::string after = PresenceEventLocked(b);
      if (after != before) changed.emplace_back(it->first, std::move(after));
      if (b.streams.empty() && b.viewers.empty())
        it = bases_.erase(it);
      else
        ++it;
    }
  }
  for (auto& [base_id, viewers] : here) {
    // One notice per base, split where it would pass the notice size.
    json::array part;
    auto flush = [&] {
      if (part.empty()) return;
      store_->Notices().Publish(json::serialize(
          json::object{{"base", base_id}, {"kind", "here"}, {"viewers", std::exchange(part, {})}}));
    };
    size_t bytes = 0;
    for (json::value& v : viewers) {
      size_t size = json::serialize(v).size();
      if (bytes + size > kMaxNoticeBytes - 200) {
        flush();
        bytes = 0;
      }
      bytes += size + 1;
      part.push_back(std::move(v));
    }
    flush();
  }
  for (auto& [base_id, event] : changed) Send(base_id, event);
}

Result<std::string> OpenEvents(Call& c) {
  if (!c.svc.live) return Error(ErrorCode::kNotFound);
  ASSIGN_OR_RETURN(std::optional<User> user, c.svc.store->FindUser(c.principal.user_id()));
  if (!user) return Error(ErrorCode::kNotFound);
  c.stream = c.svc.live->Open(c.schema->base.id, *user);
  return std::string();
}

}  // namespace airbase::api
