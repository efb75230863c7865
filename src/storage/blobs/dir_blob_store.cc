// BlobStore as a directory of files (blob_store.h): the SQLite store's, beside airbase.db. A file
// is written under a temporary name, synced and renamed, so a crash leaves it whole or absent.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/ids.h"
#include "storage/blob_store.h"

namespace airbase {

bool IsBlobKey(std::string_view key) {
  if (key.size() < 64) return false;
  for (size_t i = 0; i < 64; ++i)
    if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f'))) return false;
  if (key.size() == 64) return true;
  if (key[64] != '.' || key.size() == 65 || key.size() > 80) return false;
  for (size_t i = 65; i < key.size(); ++i)
    if (key[i] < 'a' || key[i] > 'z') return false;
  return true;
}

namespace {

Status IoError(const std::string& what, const std::string& path) {
  if (errno == ENOSPC || errno == EDQUOT) return Error(ErrorCode::kStorageFull, {});
  return Error(ErrorCode::kInternal, what + " " + path + ": " + std::strerror(errno));
}

class DirBlobStore final : public BlobStore {
 public:
  DirBlobStore(std::string dir, const Clock* clock) : dir_(std::move(dir)), clock_(clock) {}

  Status Put(const std::string& key, std::string_view bytes) override {
    if (!IsBlobKey(key)) return Error(ErrorCode::kInvalidArgument, "bad blob key");
    const std::string sub = dir_ + "/" + key.substr(0, 2);
    if (mkdir(sub.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", sub);
    const std::string path = sub + "/" + key;
    // Held already: marked stored now. Gone meanwhile (removed by the sweep): written again.
    const timespec now[2] = {Now(), Now()};
    if (utimensat(AT_FDCWD, path.c_str(), now, 0) == 0) return Status::Ok();
    const std::string tmp = path + ".tmp" + RandomIdGenerator().Next("");
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("cannot create", tmp);
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Status s = IoError("cannot write", tmp);
        close(fd);
        unlink(tmp.c_str());
        return s;
      }
      done += static_cast<size_t>(n);
    }
    if (futimens(fd, now) != 0 || fsync(fd) != 0 || close(fd) != 0) {
      Status s = IoError("cannot sync", tmp);
      unlink(tmp.c_str());
      return s;
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) {
      Status s = IoError("cannot rename", tmp);
      unlink(tmp.c_str());
      return s;
    }
    int d = open(sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // the rename, durable
    if (d >= 0) {
      (void)fsync(d);
      close(d);
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> Get(const std::string& key, int64_t offset,
                                         int64_t length) override {
    if (!IsBlobKey(key)) return std::optional<std::string>();
    const std::string path = PathOf(key);
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::optional<std::string>();
      return IoError("cannot open", path);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      return IoError("cannot stat", path);
    }
    const int64_t size = st.st_size;
    offset = std::min(std::max<int64_t>(offset, 0), size);
    const int64_t want = length < 0 ? size - offset : std::min(length, size - offset);
    std::string out(static_cast<size_t>(want), '\0');
    int64_t done = 0;
    while (done < want) {
      ssize_t n = pread(fd, out.data() + done, static_cast<size_t>(want - done), offset + done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += n;
    }
    close(fd);
    out.resize(static_cast<size_t>(done));
    return std::optional<std::string>(std::move(out));
  }

  Result<std::optional<int64_t>> Size(const std::string& key) override {
    struct stat st;
    if (!IsBlobKey(key) || stat(PathOf(key).c_str(), &st) != 0) return std::optional<int64_t>();
    return std::optional<int64_t>(st.st_size);
  }

  // The file is renamed aside first, so that a Put meanwhile finds it gone and writes it again;
  // when its time says it was stored since, it is put back (the same bytes either way).
  Result<bool> RemoveIfStoredBefore(const std::string& key, int64_t before_ms) override {
    if (!IsBlobKey(key)) return false;
    const std::string path = PathOf(key);
    const std::string aside = path + ".del" + RandomIdGenerator().Next("");
    if (rename(path.c_str(), aside.c_str()) != 0) {
      if (errno == ENOENT) return false;
      return IoError("cannot remove", key);
    }
    struct stat st;
    if (stat(aside.c_str(), &st) == 0 &&
        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000 >=
            before_ms) {
      if (rename(aside.c_str(), path.c_str()) != 0) return IoError("cannot restore", key);
      return false;
    }
    if (unlink(aside.c_str()) != 0) return IoError("cannot remove", key);
    return true;
  }

  Result<std::vector<std::string>> Keys() override {
    std::vector<std::string> out;
    DIR* top = opendir(dir_.c_str());
    if (!top) return IoError("cannot read", dir_);
    while (dirent* e = readdir(top)) {
      if (std::strlen(e->d_name) != 2) continue;
      const std::string sub = dir_ + "/" + e->d_name;
      DIR* d = opendir(sub.c_str());
      if (!d) continue;
      while (dirent* f = readdir(d))
        if (IsBlobKey(f->d_name)) out.emplace_back(f->d_name);
      closedir(d);
    }
    closedir(top);
    return out;
  }

 private:
  std::string PathOf(const std::string& key) const {
    return dir_ + "/" + key.substr(0, 2) + "/" + key;
  }
  timespec Now() const {
    if (!clock_) return timespec{0, UTIME_NOW};
    const int64_t ms = clock_->NowMs();
    return timespec{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000};
  }
  std::string dir_;
  const Clock* clock_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenDirBlobStore(const std::string& dir, const Clock* clock) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", dir);
  return std::unique_ptr<BlobStore>(std::make_unique<DirBlobStore>(dir, clock));
}

}  // namespace airbase
