// Query-string decoding as Airtable's clients send it (airtable-api.md §1.3): '+' is a space,
// brackets in keys arrive percent-encoded, arrays as key[]=, key[0]= or repeated key=.
#include "api/context.h"

namespace airbase::api {

namespace {
int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes leniently: '+' is a space, raw brackets and stray '%' are kept as they are
// (clients such as airtable-mcp-server send `records[]=` unencoded).
std::string Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}
}  // namespace

Result<Query> Query::Parse(std::string_view raw) {
  Query q;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    q.items_.emplace_back(Decode(key), Decode(value));
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
