// The live-update notices of writes (live_notices.h).
#include "engine/live_notices.h"

#include <boost/json.hpp>

#include "common/limits.h"

namespace airbase::engine {

namespace json = boost::json;

namespace {

json::object Notice(const std::string& base_id, const char* kind, const std::string& origin) {
  json::object n{{"base", base_id}, {"kind", kind}};
  if (!origin.empty()) n["origin"] = origin;
  return n;
}

json::array Ids(const std::vector<std::string>& ids) {
  json::array out;
  out.reserve(ids.size());
  for (const std::string& id : ids) out.emplace_back(id);
  return out;
}

}  // namespace

void LiveNotice::Add(const std::string& table_id, int what, const std::string& id) {
  TableChanges& t = tables_[table_id];
  if (++t.count > static_cast<size_t>(kMaxLiveIdsPerNotice)) {
    for (auto& ids : t.ids) ids = {};
    return;
  }
  t.ids[what].push_back(id);
}

void LiveNotice::Publish(Store& store, const std::string& base_id,
                         const std::string& origin) const {
  NoticeBoard& board = store.Notices();
  if (schema_) board.Publish(json::serialize(Notice(base_id, "schema", origin)));
  for (const auto& [table_id, t] : tables_) {
    json::object n = Notice(base_id, "records", origin);
    n["table"] = table_id;
    if (t.count > static_cast<size_t>(kMaxLiveIdsPerNotice)) {
      n["reload"] = true;
    } else {
      n["created"] = Ids(t.ids[0]);
      n["updated"] = Ids(t.ids[1]);
      n["destroyed"] = Ids(t.ids[2]);
    }
    board.Publish(json::serialize(n));
  }
}

void PublishSchemaChange(Store& store, const std::string& base_id, const std::string& origin) {
  store.Notices().Publish(json::serialize(Notice(base_id, "schema", origin)));
}

void PublishCommentsChange(Store& store, const std::string& base_id, const std::string& table_id,
                           const std::string& record_id, const std::string& origin) {
  json::object n = Notice(base_id, "comments", origin);
  n["table"] = table_id;
  n["record"] = record_id;
  store.Notices().Publish(json::serialize(n));
}

std::string OriginOf(const std::string& header) {
  if (header.size() > 64) return "";
  for (char ch : header)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return "";
  return header;
}

}  // namespace airbase::engine
