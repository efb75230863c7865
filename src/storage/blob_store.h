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

#include "common/status.h"

namespace airbase {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Keeps `bytes` under `key`, durably, before answering; a key already held is left as it is.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // The bytes under `key` (nullopt: none): all of them, or `length` from `offset` (clipped to
  // the end) when length >= 0.
  virtual Result<std::optional<std::string>> Get(const std::string& key, int64_t offset = 0,
                                                 int64_t length = -1) = 0;
  // The size of the bytes under `key` (nullopt: none).
  virtual Result<std::optional<int64_t>> Size(const std::string& key) = 0;
  virtual Status Remove(const std::string& key) = 0;
  // Every key held.
  virtual Result<std::vector<std::string>> Keys() = 0;
};

// True for a well-formed key: 64 lower-case hex digits, optionally "." and a lower-case word.
bool IsBlobKey(std::string_view key);

// The files under `dir` (created when missing), two hex digits of fan-out: dir/ab/abcd....
Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir);

}  // namespace airbase
