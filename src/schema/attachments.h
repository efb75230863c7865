// multipleAttachments cells (airtable-api.md §5.8): the items a cell holds, and the signed,
// expiring URLs airbase serves their files under (GET /files/..., api/files.cc).
//
// A stored cell is a JSON array of items {"id","hash","filename","size","type"[,"width",
// "height"]}; `hash` is the file's content key in the store's BlobStore. A client's write names
// an existing item by {"id"} alone: such a placeholder is stored nowhere, the record writer
// replaces it by the item of the cell it keeps (engine/record_writer.cc). A file attached by URL
// is a pending item {"id","source","filename"} until the fetcher (api/attachment_fetcher.h) has
// stored its bytes and made it a whole item with the same id; read meanwhile, it shows the source
// URL, as Airtable's do.
//
// URLs: {origin}/files/{key}/{filename}?type=...&expires=...&sig=... where key is the content
// hash (or "<hash>.small" etc. for a thumbnail), expires is seconds since the epoch (2 hours
// after the read, as Airtable's) and sig an HMAC-SHA256 of the rest under the server key. The
// origin is --public-url when set, else the Host the request came to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/limits.h"

namespace airbase::attachments {

struct Item {
  std::string id;      // att...
  std::string hash;    // empty: a pending item (source set) or a placeholder for the kept item `id`
  std::string source;  // a pending item's URL, to fetch
  std::string filename;
  std::string type;  // MIME type
  int64_t size = 0;
  int width = 0, height = 0;  // images only
};

inline bool IsPending(const Item& it) { return it.hash.empty() && !it.source.empty(); }

std::vector<Item> Parse(std::string_view stored);
std::string Serialize(const std::vector<Item>& items);

// The process's URL signing: the server key, the origin used when a request named none, the
// clock. Set once at start (serve); until then URLs are relative and unsigned.
void Configure(std::string key, std::string default_origin, const Clock* clock);
// The origin of this thread's request (scheme://host[:port]); empty: the default. RAII.
class RequestOrigin {
 public:
  explicit RequestOrigin(std::string origin);
  ~RequestOrigin();
  RequestOrigin(const RequestOrigin&) = delete;
  RequestOrigin& operator=(const RequestOrigin&) = delete;

 private:
  std::string previous_;
};

// Thumbnails: "small" is 36 px tall, "large" 512 and "full" 3000 at most (Airtable's), the width
// in proportion, never enlarged. PNG for the formats that can be transparent, else JPEG.
bool IsThumbnailVariant(std::string_view variant);
std::pair<int, int> ThumbnailSize(int width, int height, std::string_view variant);
std::string ThumbnailType(std::string_view image_type);

// The signed URL of an item's file (`variant` empty) or thumbnail ("small", "large", "full").
std::string Url(const Item& item, std::string_view variant = {});
// The item's file URL without a signature (the default origin): what formulas see, as
// Airtable's formulas see legacy URLs that no longer serve the file.
std::string UnsignedUrl(const Item& item);
// A served URL's parts, checked: nullopt when forged or expired (*expired tells which).
struct FileRef {
  std::string key, filename, type;
};
std::optional<FileRef> Verify(std::string_view key, std::string_view filename,
                              std::string_view type, std::string_view expires, std::string_view sig,
                              bool* expired);

// A whole file's URL that this server signed and that has not expired (any origin): its parts.
// A file copied by its URL (a CSV round trip, a URL copied from another cell) is then taken from
// the blob store rather than fetched.
std::optional<FileRef> ParseOwnUrl(std::string_view url);

}  // namespace airbase::attachments
