// Attachment files (schema/attachments.h): storing a new file's bytes under their content hash,
// and the thumbnails of images, made with libvips the first time one is asked for and kept in
// the store beside the file ("<hash>.small", ".large", ".full"), so each is made once.
//
// Images are the formats of kImageLoaders only (JPEG, PNG, GIF, WebP), read by libvips with its
// untrusted loaders blocked and at most kMaxThumbnailSourcePixels pixels; any other file is
// kept as it is and has no width, height or thumbnails.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/ids.h"
#include "schema/attachments.h"
#include "storage/blob_store.h"
#include "storage/store.h"

namespace airbase::engine {

// Keeps `bytes` (durably, before the caller commits a cell naming them) and returns the new
// item: a fresh att id, the content hash, and for an image its width and height.
Result<attachments::Item> StoreFile(BlobStore& blobs, IdGenerator& ids, std::string_view bytes,
                                    std::string filename, std::string type);

// The bytes of the thumbnail `variant` ("small", "large", "full") of the file `hash`: as kept,
// or made now from the file and kept. nullopt when the file is missing or no image.
Result<std::optional<std::string>> Thumbnail(BlobStore& blobs, const std::string& hash,
                                             std::string_view variant);

// Width and height of an image file (nullopt: not an image we read).
struct ImageSize {
  int width = 0, height = 0;
};
std::optional<ImageSize> ProbeImage(std::string_view bytes);

// One run of the orphan sweep (run hourly by one server of a fleet, api/attachment_fetcher.cc):
// a file that no attachment cell names is noted with the time it was first found so; once it has
// been so for `grace_ms` and was not stored again in that time, it is removed with its
// thumbnails. A file named again is forgotten. Answers how many files and thumbnails went.
Result<int64_t> SweepOrphanFiles(Store& store, int64_t now_ms, int64_t grace_ms);

}  // namespace airbase::engine
