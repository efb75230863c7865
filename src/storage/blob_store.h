// Attachment files' bytes, kept once per content: a key is the SHA-256 (hex) of a file's bytes,
// or that and a variant for a thumbnail ("<hash>.small"), so a key always names the same bytes
// and Put is idempotent. Two implementations: a directory of files beside a SQLite database
// (blobs/dir_blob_store.cc) and a table of the database itself for PostgreSQL, which every
// server of a fleet reaches (sql/blob_store.cc). docs/STORAGE.md says why. Safe for concurrent
// use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace airbase {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Keeps `bytes` under `key`, durably, before answering, stored now (the store's clock); a key
  // already held keeps its bytes and counts as stored now (what the orphan sweep's grace period
  // counts from, so a file named again is never removed under a new cell).
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // The bytes under `key` (nullopt: none): all of them, or `length` from `offset` (clipped to
  // the end) when length >= 0.
  virtual Result<std::optional<std::string>> Get(const std::string& key, int64_t offset = 0,
                                                 int64_t length = -1) = 0;
  // The size of the bytes under `key` (nullopt: none).
  virtual Result<std::optional<int64_t>> Size(const std::string& key) = 0;
  // Removes `key` if it was last stored before `before_ms`: true when it was removed. A Put of
  // the key at the same moment either counts as newer (the key stays) or stores it again.
  virtual Result<bool> RemoveIfStoredBefore(const std::string& key, int64_t before_ms) = 0;
  // Every key held.
  virtual Result<std::vector<std::string>> Keys() = 0;
};

// True for a well-formed key: 64 lower-case hex digits, optionally "." and a lower-case word.
bool IsBlobKey(std::string_view key);

// The files under `dir` (created when missing), two hex digits of fan-out: dir/ab/abcd....
// A file's modification time is when it was last stored, by `clock` (null: the system's).
Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir, const Clock* clock);

}  // namespace airbase
