// Attachment files and their thumbnails (attachment_files.h).
#include "engine/attachment_files.h"

#include <vips/vips.h>

#include <cstring>
#include <mutex>
#include <unordered_set>

#include "common/crypto.h"
#include "common/limits.h"

namespace airbase::engine {

namespace {

// libvips' loaders we read files with; the rest (SVG, PDF, ImageMagick, ...) parse far more
// than a photo and stay unused.
constexpr const char* kImageLoaders[] = {"VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",
                                         "VipsForeignLoadGifBuffer", "VipsForeignLoadWebpBuffer"};

bool InitVips() {
  static const bool ok = [] {
    if (VIPS_INIT("airbase") != 0) return false;
    vips_block_untrusted_set(TRUE);
    vips_concurrency_set(1);  // one request's thumbnail takes one core, not all of them
    vips_cache_set_max(0);    // no operation cache: each image is read once
    return true;
  }();
  return ok;
}

bool IsReadableImage(std::string_view bytes) {
  if (!InitVips() || bytes.empty()) return false;
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (!loader) {
    vips_error_clear();
    return false;
  }
  for (const char* l : kImageLoaders)
    if (std::strcmp(loader, l) == 0) return true;
  return false;
}

// Frees a VipsObject or a g_malloc'ed buffer at scope exit.
struct Unref {
  void operator()(VipsImage* i) const { g_object_unref(i); }
};
using ImagePtr = std::unique_ptr<VipsImage, Unref>;

}  // namespace

std::optional<ImageSize> ProbeImage(std::string_view bytes) {
  if (!IsReadableImage(bytes)) return std::nullopt;
  VipsImage* raw = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                              VIPS_ACCESS_SEQUENTIAL, nullptr);
  if (!raw) {
    vips_error_clear();
    return std::nullopt;
  }
  ImagePtr image(raw);
  const int w = vips_image_get_width(raw), h = vips_image_get_height(raw);
  if (w <= 0 || h <= 0 || static_cast<int64_t>(w) * h > kMaxThumbnailSourcePixels)
    return std::nullopt;
  return ImageSize{w, h};
}

Result<attachments::Item> StoreFile(BlobStore& blobs, IdGenerator& ids, std::string_view bytes,
                                    std::string filename, std::string type) {
  attachments::Item item;
  item.id = ids.Next("att");
  item.hash = Sha256Hex(bytes);
  item.filename = std::move(filename);
  item.type = std::move(type);
  item.size = static_cast<int64_t>(bytes.size());
  if (auto size = ProbeImage(bytes)) {
    item.width = size->width;
    item.height = size->height;
  }
  RETURN_IF_ERROR(blobs.Put(item.hash, bytes));
  return item;
}

Result<std::optional<std::string>> Thumbnail(BlobStore& blobs, const std::string& hash,
                                             std::string_view variant) {
  if (!attachments::IsThumbnailVariant(variant)) return std::optional<std::string>();
  const std::string key = hash + "." + std::string(variant);
  ASSIGN_OR_RETURN(auto kept, blobs.Get(key));
  if (kept) return kept;
  ASSIGN_OR_RETURN(auto file, blobs.Get(hash));
  if (!file) return std::optional<std::string>();
  auto size = ProbeImage(*file);
  if (!size) return std::optional<std::string>();
  const char* loader = vips_foreign_find_load_buffer(file->data(), file->size());
  const bool jpeg = loader && std::strcmp(loader, "VipsForeignLoadJpegBuffer") == 0;
  auto [w, h] = attachments::ThumbnailSize(size->width, size->height, variant);
  VipsImage* raw = nullptr;
  if (vips_thumbnail_buffer(file->data(), file->size(), &raw, w, "height", h, "size",
                            VIPS_SIZE_FORCE, nullptr) != 0) {
    vips_error_clear();
    return std::optional<std::string>();
  }
  ImagePtr thumb(raw);
  void* buf = nullptr;
  size_t len = 0;
  int rc = jpeg ? vips_jpegsave_buffer(raw, &buf, &len, "Q", 85, "strip", TRUE, nullptr)
                : vips_pngsave_buffer(raw, &buf, &len, "strip", TRUE, nullptr);
  if (rc != 0) {
    vips_error_clear();
    return std::optional<std::string>();
  }
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  RETURN_IF_ERROR(blobs.Put(key, out));
  return std::optional<std::string>(std::move(out));
}

// The keys are listed before the cells are read: a file stored after the listing waits for the
// next run, and one stored before it but named only by a cell committed after the reading is
// noted, never removed, since its store time is newer than the cutoff (BlobStore::Put).
Result<int64_t> SweepOrphanFiles(Store& store, int64_t now_ms, int64_t grace_ms) {
  BlobStore& blobs = store.Blobs();
  ASSIGN_OR_RETURN(std::vector<std::string> keys, blobs.Keys());
  std::unordered_set<std::string> named;
  RETURN_IF_ERROR(store.ForEachAttachmentCell([&](std::string_view cell) {
    for (const attachments::Item& it : attachments::Parse(cell))
      if (!it.hash.empty()) named.insert(it.hash);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(auto noted, store.OrphanFiles());
  const int64_t cutoff = now_ms - grace_ms;
  int64_t removed = 0;
  for (const std::string& key : keys) {
    auto since = noted.find(key);
    if (named.count(key.substr(0, 64))) {
      if (since != noted.end()) RETURN_IF_ERROR(store.NoteOrphanFile(key, -1));
    } else if (since == noted.end()) {
      RETURN_IF_ERROR(store.NoteOrphanFile(key, now_ms));
    } else if (since->second <= cutoff) {
      ASSIGN_OR_RETURN(bool gone, blobs.RemoveIfStoredBefore(key, cutoff));
      if (gone) {
        ++removed;
        RETURN_IF_ERROR(store.NoteOrphanFile(key, -1));
      }
    }
    if (since != noted.end()) noted.erase(since);
  }
  for (const auto& [key, at] : noted) RETURN_IF_ERROR(store.NoteOrphanFile(key, -1));  // gone
  return removed;
}

}  // namespace airbase::engine
