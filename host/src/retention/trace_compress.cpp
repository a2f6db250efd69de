#include "retention/trace_compress.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "retention/gzip_stream.hpp"
#include "retention/trace_scan.hpp"

namespace dashflow::host {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // close() with its error, for the temp file whose data must be on disk.
  int close_checked() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

int open_read(const std::string& path) {
  // O_NONBLOCK: a FIFO named like a trace must not hang the run.
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
}

bool same_identity(const struct stat& st, const TraceUnit& unit) {
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return static_cast<uint64_t>(st.st_ino) == unit.inode && static_cast<uint64_t>(st.st_size) == unit.size &&
         mtime_ns == unit.mtime_ns;
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Removes the temp file unless the compression got as far as the rename.
struct TempGuard {
  std::string path;
  bool armed = true;
  ~TempGuard() {
    if (armed) ::unlink(path.c_str());
  }
};

void rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  const int err = errno;
  if (err == EEXIST)
    throw TraceRetentionError(to + " appeared while compressing (another program wrote it); the original is kept");
  if (err != EINVAL && err != ENOSYS)
    throw TraceRetentionError("cannot rename the compressed copy to " + to + ": " + errno_text(err));
  // A file system without RENAME_NOREPLACE: check, then rename (the run holds
  // the retention lock, so only a foreign writer could race us here).
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0)
    throw TraceRetentionError(to + " appeared while compressing (another program wrote it); the original is kept");
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw TraceRetentionError("cannot rename the compressed copy to " + to + ": " + errno_text(errno));
}

}  // namespace

std::string parent_dir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void fsync_directory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw TraceRetentionError("cannot open directory " + dir + " to sync it: " + errno_text(errno));
  // Some file systems cannot fsync a directory (EINVAL); nothing more to do there.
  if (::fsync(fd.get()) != 0 && errno != EINVAL)
    throw TraceRetentionError("cannot sync directory " + dir + ": " + errno_text(errno));
}

CompressOutcome compress_trace(const TraceUnit& original, bool dry_run, const RetentionStepHook& hook) {
  const std::string& path = original.locator;
  const std::string target = path + ".gz";
  const std::string dir = parent_dir(path);
  Fd in(open_read(path));
  if (in.get() < 0) {
    const int err = errno;
    throw TraceRetentionError("cannot open " + path + " to compress it: " + errno_text(err) +
                              (err == EACCES ? " (check its permissions)" : ""));
  }
  struct stat before {};
  if (::fstat(in.get(), &before) != 0) throw TraceRetentionError("cannot stat " + path + ": " + errno_text(errno));
  if (!S_ISREG(before.st_mode) || !same_identity(before, original))
    throw TraceRetentionError(path + " changed since it was listed; left for the next run");
  struct stat existing {};
  if (::lstat(target.c_str(), &existing) == 0)
    throw TraceRetentionError(target + " already exists; " + path + " is left uncompressed");

  const GzipHeaderInfo header{base_name(path), static_cast<int64_t>(before.st_mtim.tv_sec)};
  CompressOutcome outcome;
  outcome.compressed = original;
  outcome.compressed.locator = target;
  if (dry_run) {
    try {
      outcome.compressed.size = gzip_fd(in.get(), -1, header, path).compressed;
    } catch (const GzipStreamError& e) {
      throw TraceRetentionError(e.what());
    }
    outcome.compressed.inode = 0;
    return outcome;
  }

  TempGuard guard{dir + "/" + retention_temp_name(base_name(path))};
  Fd out(::open(guard.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (out.get() < 0) {
    guard.armed = false;
    const int err = errno;
    throw TraceRetentionError("cannot create a temp file in " + dir + " to compress " + path + ": " + errno_text(err) +
                              (err == EACCES || err == EROFS ? " (the traces directory must be writable)" : ""));
  }
  StreamDigest written;
  try {
    written = gzip_fd(in.get(), out.get(), header, path);
  } catch (const GzipStreamError& e) {
    throw TraceRetentionError(std::string(e.what()) + "; the original is kept");
  }
  struct stat after {};
  if (::fstat(in.get(), &after) != 0 || !same_identity(after, original) || written.uncompressed != original.size)
    throw TraceRetentionError(path + " changed while it was being compressed (still being written?); left for the next run");

  // The copy takes the original's permissions, owner (when we may) and times.
  if (::fchmod(out.get(), before.st_mode & 07777) != 0)
    throw TraceRetentionError("cannot set the mode of the compressed copy of " + path + ": " + errno_text(errno));
  if (::geteuid() == 0 && ::fchown(out.get(), before.st_uid, before.st_gid) != 0)
    throw TraceRetentionError("cannot set the owner of the compressed copy of " + path + ": " + errno_text(errno));
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  if (::futimens(out.get(), times) != 0)
    throw TraceRetentionError("cannot set the mtime of the compressed copy of " + path + ": " + errno_text(errno));
  if (::fsync(out.get()) != 0 || out.close_checked() != 0)
    throw TraceRetentionError("cannot write the compressed copy of " + path + " to disk: " + errno_text(errno) +
                              (errno == ENOSPC ? " (the disk is full)" : ""));
  if (hook) hook("temp-synced", path);

  // Read the copy back before trusting it with the only copy of the trace.
  {
    Fd check(open_read(guard.path));
    if (check.get() < 0)
      throw TraceRetentionError("cannot reopen the compressed copy of " + path + ": " + errno_text(errno));
    StreamDigest read_back;
    try {
      read_back = gunzip_digest_fd(check.get(), "the compressed copy of " + path);
    } catch (const GzipStreamError& e) {
      throw TraceRetentionError(std::string(e.what()) + "; the original is kept");
    }
    if (!(read_back == written))
      throw TraceRetentionError("the compressed copy of " + path +
                                " does not decompress to the original bytes; the original is kept");
  }

  rename_no_replace(guard.path, target);
  guard.armed = false;
  fsync_directory(dir);
  if (hook) hook("renamed", path);

  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    outcome.warning = "compressed " + path + " to " + target + " but cannot remove the original: " + errno_text(errno) +
                      "; the next run removes it";
  } else {
    fsync_directory(dir);
    if (hook) hook("original-removed", path);
  }
  if (!stat_unit(target, outcome.compressed))
    throw TraceRetentionError(target + " vanished right after it was written");
  return outcome;
}

DuplicateCheck check_duplicate(const std::string& original, const std::string& compressed) {
  Fd plain(open_read(original));
  if (plain.get() < 0) throw TraceRetentionError("cannot open " + original + ": " + errno_text(errno));
  Fd gz(open_read(compressed));
  if (gz.get() < 0) throw TraceRetentionError("cannot open " + compressed + ": " + errno_text(errno));
  StreamDigest plain_digest, gz_digest;
  try {
    plain_digest = digest_fd(plain.get(), original);
  } catch (const GzipStreamError& e) {
    throw TraceRetentionError(e.what());
  }
  try {
    gz_digest = gunzip_digest_fd(gz.get(), compressed);
  } catch (const GzipStreamError& e) {
    return {DuplicateVerdict::CompressedCorrupt, e.what()};
  }
  if (gz_digest == plain_digest) return {DuplicateVerdict::SameTrace, "the .gz holds exactly the original's bytes"};
  return {DuplicateVerdict::Different, compressed + " decompresses to " + std::to_string(gz_digest.uncompressed) +
                                           " bytes that differ from the " + std::to_string(plain_digest.uncompressed) +
                                           " bytes of " + original};
}

}  // namespace dashflow::host
