// The notices that tell the web app's open pages what a write changed (published on the store's
// notice board, storage/notice_board.h, after the commit; api/live.h forwards them to browsers).
// Each is one JSON object naming its base and kind:
//   {"base","kind":"records","table","created":[ids],"updated":[ids],"destroyed":[ids]}
//     (or "reload":true instead of the ids when more than kMaxLiveIdsPerNotice records changed)
//   {"base","kind":"schema"}                      tables, fields, views or choices changed
//   {"base","kind":"comments","table","record"}   a record's comments changed
// Only ids travel: a page refetches what it shows through the API, under its own user's access.
// A change a web page made names it as "origin" (its stream's key, sent as X-Airbase-Client),
// so that page knows the records it wrote are already current.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/store.h"

namespace airbase::engine {

// What one write changed, gathered as it goes and published once it committed.
class LiveNotice {
 public:
  void Created(const std::string& table_id, const std::string& id) { Add(table_id, 0, id); }
  void Updated(const std::string& table_id, const std::string& id) { Add(table_id, 1, id); }
  void Destroyed(const std::string& table_id, const std::string& id) { Add(table_id, 2, id); }
  void SchemaChanged() { schema_ = true; }
  void Publish(Store& store, const std::string& base_id, const std::string& origin) const;

 private:
  struct TableChanges {
    std::vector<std::string> ids[3];  // created, updated, destroyed
    size_t count = 0;                 // past kMaxLiveIdsPerNotice: ids dropped, "reload"
  };
  void Add(const std::string& table_id, int what, const std::string& id);
  std::map<std::string, TableChanges> tables_;
  bool schema_ = false;
};

void PublishSchemaChange(Store& store, const std::string& base_id, const std::string& origin);
void PublishCommentsChange(Store& store, const std::string& base_id, const std::string& table_id,
                           const std::string& record_id, const std::string& origin);

// The origin a request names (X-Airbase-Client), if it is one a stream could have handed out:
// up to 64 lower-case letters, digits and dashes; "" otherwise.
std::string OriginOf(const std::string& header);

}  // namespace airbase::engine
