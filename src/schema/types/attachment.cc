// multipleAttachments (attachments.h): a cell is a JSON array of items; reads write each with a
// signed URL (and, for images, width, height and thumbnails), in cell order. isReversed orders
// them only in Airtable's UI, so the API keeps cell order (docs/DECISIONS.md).
#include <boost/url.hpp>
#include <memory>
#include <mutex>

#include "common/crypto.h"
#include "common/ids.h"
#include "schema/attachments.h"
#include "schema/types/helpers.h"

namespace airbase::attachments {

namespace json = boost::json;

namespace {

std::mutex config_mu;
std::shared_ptr<const HmacSha256Key> config_key;  // GUARDED_BY(config_mu)
std::string config_origin;                        // GUARDED_BY(config_mu)
const Clock* config_clock = nullptr;
thread_local std::string request_origin;

std::string Signature(const HmacSha256Key& key, std::string_view file_key,
                      std::string_view filename, std::string_view type, std::string_view expires) {
  std::string msg;
  msg.reserve(16 + file_key.size() + filename.size() + type.size() + expires.size());
  msg.append("files|").append(file_key).append("|").append(filename).append("|");
  msg.append(type).append("|").append(expires);
  return ToHex(key.Sign(msg)).substr(0, 32);
}

std::string Pct(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

}  // namespace

std::vector<Item> Parse(std::string_view stored) {
  std::vector<Item> out;
  boost::system::error_code ec;
  json::value v = json::parse(stored, ec);
  if (ec || !v.is_array()) return out;
  for (const json::value& e : v.as_array()) {
    const json::object* o = e.if_object();
    if (!o) continue;
    Item it;
    auto str = [&](const char* k) {
      const json::value* x = o->if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    auto num = [&](const char* k) -> int64_t {
      const json::value* x = o->if_contains(k);
      return x && x->is_int64() ? x->as_int64() : 0;
    };
    it.id = str("id");
    it.hash = str("hash");
    it.source = str("source");
    it.filename = str("filename");
    it.type = str("type");
    it.size = num("size");
    it.width = static_cast<int>(num("width"));
    it.height = static_cast<int>(num("height"));
    out.push_back(std::move(it));
  }
  return out;
}

std::string Serialize(const std::vector<Item>& items) {
  json::array a;
  for (const Item& it : items) {
    json::object o{{"id", it.id}};
    if (!it.hash.empty()) {
      o["hash"] = it.hash;
      o["filename"] = it.filename;
      o["size"] = it.size;
      o["type"] = it.type;
      if (it.width > 0 && it.height > 0) {
        o["width"] = it.width;
        o["height"] = it.height;
      }
    } else if (!it.source.empty()) {
      o["source"] = it.source;
      o["filename"] = it.filename;
    }
    a.push_back(std::move(o));
  }
  return json::serialize(a);
}

bool IsThumbnailVariant(std::string_view v) { return v == "small" || v == "large" || v == "full"; }

std::pair<int, int> ThumbnailSize(int width, int height, std::string_view variant) {
  const int max_h = variant == "small" ? 36 : variant == "large" ? 512 : 3000;
  const int h = std::max(1, std::min(height, max_h));
  const int w = static_cast<int>(std::max<int64_t>(1, static_cast<int64_t>(width) * h / height));
  return {w, h};
}

std::string ThumbnailType(std::string_view image_type) {
  return image_type == "image/jpeg" ? "image/jpeg" : "image/png";
}

void Configure(std::string key, std::string default_origin, const Clock* clock) {
  std::lock_guard lock(config_mu);
  config_key = std::make_shared<const HmacSha256Key>(key);
  config_origin = std::move(default_origin);
  config_clock = clock;
}

RequestOrigin::RequestOrigin(std::string origin) : previous_(std::move(request_origin)) {
  request_origin = std::move(origin);
}
RequestOrigin::~RequestOrigin() { request_origin = std::move(previous_); }

std::string Url(const Item& item, std::string_view variant) {
  static const HmacSha256Key kUnconfigured("");
  std::shared_ptr<const HmacSha256Key> key;
  std::string origin;
  const Clock* clock;
  {
    std::lock_guard lock(config_mu);
    key = config_key;
    origin = request_origin.empty() ? config_origin : request_origin;
    clock = config_clock;
  }
  std::string file_key = item.hash + (variant.empty() ? "" : "." + std::string(variant));
  const std::string type = variant.empty() ? item.type : ThumbnailType(item.type);
  const int64_t now = clock ? clock->NowMs() : 0;
  const std::string expires = std::to_string((now + kAttachmentUrlLifetimeMs) / 1000);
  return origin + "/files/" + file_key + "/" + Pct(item.filename) + "?type=" + Pct(type) +
         "&expires=" + expires +
         "&sig=" + Signature(key ? *key : kUnconfigured, file_key, item.filename, type, expires);
}

std::string UnsignedUrl(const Item& item) {
  std::string origin;
  {
    std::lock_guard lock(config_mu);
    origin = config_origin;
  }
  return origin + "/files/" + item.hash + "/" + Pct(item.filename);
}

std::optional<FileRef> Verify(std::string_view file_key, std::string_view filename,
                              std::string_view type, std::string_view expires, std::string_view sig,
                              bool* expired) {
  *expired = false;
  std::shared_ptr<const HmacSha256Key> key;
  const Clock* clock;
  {
    std::lock_guard lock(config_mu);
    key = config_key;
    clock = config_clock;
  }
  if (!key || !clock || expires.empty() || expires.size() > 15) return std::nullopt;
  for (char c : expires)
    if (c < '0' || c > '9') return std::nullopt;
  if (!ConstantTimeEquals(Signature(*key, file_key, filename, type, expires), sig))
    return std::nullopt;
  if (std::stoll(std::string(expires)) * 1000 <= clock->NowMs()) {
    *expired = true;
    return std::nullopt;
  }
  return FileRef{std::string(file_key), std::string(filename), std::string(type)};
}

std::optional<FileRef> ParseOwnUrl(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::nullopt;
  auto segs = parsed->segments();  // "files", key, filename
  if (segs.size() != 3 || *segs.begin() != "files") return std::nullopt;
  auto it = segs.begin();
  const std::string key = *++it;
  const std::string filename = *++it;
  if (key.size() != 64 || key.find('.') != std::string::npos) return std::nullopt;  // no thumbnail
  auto param = [&](std::string_view name) -> std::string {
    auto found = parsed->params().find(name);
    return found == parsed->params().end() ? std::string() : std::string((*found).value);
  };
  bool expired = false;
  return Verify(key, filename, param("type"), param("expires"), param("sig"), &expired);
}

}  // namespace airbase::attachments

namespace airbase::types {

namespace {

using attachments::Item;

Result<json::object> AttachmentOptions(const json::object* o, const std::vector<Field>&,
                                       IdGenerator&) {
  const json::value* rev = o ? o->if_contains("isReversed") : nullptr;
  if (rev && !rev->is_null() && !rev->is_bool())
    return OptionsError("isReversed must be a boolean");
  return json::object{{"isReversed", rev && rev->is_bool() && rev->as_bool()}};
}

// The file name a URL suggests: its last path segment, decoded; "file" when it has none.
std::string FilenameOf(const boost::urls::url_view& u) {
  std::string last;
  for (auto seg : u.segments()) last = std::string(seg);
  if (last.empty() || last.size() > kMaxNameLength) return "file";
  return last;
}

// A client's items: {"id": "att..."} keeps an item of the cell (resolved by the record writer);
// other keys beside it are ignored, as Airtable ignores them. {"url", "filename"?} adds a file
// to fetch: a pending item with a new id, answered at once with the URL (the fetch, its address
// policy and its failures are the fetcher's). A URL that is no http(s) URL is the client's
// mistake and refused here, never stored.
// With typecast, text of items as cellFormat=string and CSV write them, "name (url), url, ...":
// each becomes a {url, filename} item.
std::optional<json::array> ItemsFromText(std::string_view s) {
  json::array out;
  auto trim = [](std::string_view t) {
    while (!t.empty() && (t.front() == ' ' || t.front() == ',')) t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    return t;
  };
  s = trim(s);
  while (!s.empty()) {
    if (s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0) {
      size_t end = s.find(", ");
      out.push_back(json::object{{"url", s.substr(0, end)}});
      s = end == std::string_view::npos ? std::string_view() : trim(s.substr(end));
      continue;
    }
    size_t open = s.find(" (http");
    if (open == std::string_view::npos) return std::nullopt;
    size_t close = s.find(')', open);
    while (close != std::string_view::npos && close + 1 < s.size() &&
           s.substr(close + 1, 2) != ", ")
      close = s.find(')', close + 1);
    if (close == std::string_view::npos) return std::nullopt;
    out.push_back(json::object{{"url", s.substr(open + 2, close - open - 2)},
                               {"filename", s.substr(0, open)}});
    s = trim(s.substr(close + 1));
  }
  return out;
}

Result<SqlValue> EncodeAttachments(Field& f, const json::value& given, bool typecast,
                                   IdGenerator& ids, bool*) {
  json::value v = given;
  if (typecast && v.is_string()) {
    auto items = ItemsFromText(v.as_string());
    if (!items) return ValueError(f);
    v = std::move(*items);
  }
  if (!v.is_array()) return ValueError(f);
  const json::array& a = v.as_array();
  if (a.size() > kMaxAttachmentsPerCell) return ValueError(f);
  std::vector<Item> items;
  for (const json::value& e : a) {
    const json::object* o = e.if_object();
    if (!o) return ValueError(f);
    const json::value* id = o->if_contains("id");
    if (id && id->is_string() && IsId(id->as_string(), "att")) {
      Item kept;
      kept.id = std::string(id->as_string());
      items.push_back(std::move(kept));
      continue;
    }
    const json::value* url = o->if_contains("url");
    if (!url) return ValueError(f);
    auto bad = [&](const std::string& why) {
      return Error(ErrorCode::kInvalidValueForColumn, "Field \"" + f.name + "\": " + why);
    };
    if (!url->is_string()) return bad("an attachment's url must be a string");
    auto parsed = boost::urls::parse_absolute_uri(url->as_string());
    if (url->as_string().size() > kMaxAttachmentUrlLength || !parsed ||
        (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty())
      return bad("an attachment's url must be an http or https URL");
    Item pending;
    pending.id = ids.Next("att");
    pending.source = std::string(url->as_string());
    const json::value* name = o->if_contains("filename");
    if (name && !name->is_null()) {
      if (!name->is_string() || name->as_string().empty() ||
          name->as_string().size() > kMaxNameLength)
        return bad("an attachment's filename must be a string of 1 to 255 characters");
      pending.filename = std::string(name->as_string());
    } else {
      pending.filename = FilenameOf(*parsed);
    }
    items.push_back(std::move(pending));
  }
  if (items.empty()) return SqlValue{};
  return SqlValue{attachments::Serialize(items)};
}

void WriteThumb(const Item& it, const char* name, JsonWriter& out) {
  auto [w, h] = attachments::ThumbnailSize(it.width, it.height, name);
  out.Key(name);
  out.BeginObject();
  out.Key("url");
  out.String(attachments::Url(it, name));
  out.Key("width");
  out.Int(w);
  out.Key("height");
  out.Int(h);
  out.EndObject();
}

void WriteAttachments(const Field&, const SqlValue& v, JsonWriter& out) {
  out.BeginArray();
  for (const Item& it : attachments::Parse(TextOf(v))) {
    out.BeginObject();
    out.Key("id");
    out.String(it.id);
    if (attachments::IsPending(it)) {  // not fetched yet: what the client sent
      out.Key("url");
      out.String(it.source);
      out.Key("filename");
      out.String(it.filename);
      out.EndObject();
      continue;
    }
    out.Key("url");
    out.String(attachments::Url(it));
    out.Key("filename");
    out.String(it.filename);
    out.Key("size");
    out.Int(it.size);
    out.Key("type");
    out.String(it.type);
    if (it.width > 0 && it.height > 0) {
      out.Key("width");
      out.Int(it.width);
      out.Key("height");
      out.Int(it.height);
      out.Key("thumbnails");
      out.BeginObject();
      WriteThumb(it, "small", out);
      WriteThumb(it, "large", out);
      WriteThumb(it, "full", out);
      out.EndObject();
    }
    out.EndObject();
  }
  out.EndArray();
}

// "name.pdf (url), photo.jpg (url)": Airtable's text of an attachment cell.
std::string AttachmentsText(const Field&, const SqlValue& v) {
  std::string out;
  for (const Item& it : attachments::Parse(TextOf(v))) {
    if (!out.empty()) out += ", ";
    out +=
        it.filename + " (" + (attachments::IsPending(it) ? it.source : attachments::Url(it)) + ")";
  }
  return out;
}

}  // namespace

const FieldTypeTraits kMultipleAttachments = {FieldType::kMultipleAttachments,
                                              "multipleAttachments",
                                              false,
                                              false,
                                              false,
                                              SqlType::kText,
                                              CellKind::kAttachments,
                                              AttachmentOptions,
                                              EncodeAttachments,
                                              WriteAttachments,
                                              AttachmentsText};

}  // namespace airbase::types
