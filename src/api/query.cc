// Query-string decoding as Airtable's clients send it (airtable-api.md §1.3): '+' is a space,
// brackets in keys arrive percent-encoded, arrays as key[]=, key[0]= or repeated key=.
#include <boost/url.hpp>

#include "api/context.h"

namespace airbase::api {

Result<Query> Query::Parse(std::string_view raw) {
  Query q;
  if (raw.empty()) return q;
  auto params = boost::urls::parse_query(raw);
  if (!params) return Error(ErrorCode::kInvalidRequestUnknown);
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto p : *params) {
    if (p.key.empty() && !p.has_value) continue;
    q.items_.emplace_back(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
  }
  return q;
}

std::optional<std::string> Query::Get(std::string_view key) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (it->first == key) return it->second;
  return std::nullopt;
}

std::vector<std::string> Query::GetArray(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items_) {
    if (k == key) {
      out.push_back(v);
      continue;
    }
    if (k.size() < key.size() + 2 || k.compare(0, key.size(), key) != 0 || k[key.size()] != '[' ||
        k.back() != ']')
      continue;
    std::string_view inner(k.data() + key.size() + 1, k.size() - key.size() - 2);
    bool index = true;
    for (char c : inner)
      if (c < '0' || c > '9') index = false;
    if (index) out.push_back(v);
  }
  return out;
}

}  // namespace airbase::api
