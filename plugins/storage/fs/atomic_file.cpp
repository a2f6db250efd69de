#include "atomic_file.hpp"

#include "dashflow/durable_file.hpp"
#include "dashflow/errors.hpp"

namespace dashflow::fsstore {
namespace {

// The SDK's primitives say what failed and where; the storage adds what to do.
template <class F>
auto with_hint(const char* hint, F&& fn) {
  try {
    return fn();
  } catch (const FileError& e) {
    throw StorageError(std::string(e.what()) + "; " + hint);
  }
}

constexpr const char* kWriteHint = "check that the storage directory exists, is writable and the disk is not full";

}  // namespace

void write_file_atomic(const fs::path& target, std::string_view content) {
  with_hint(kWriteHint, [&] { dashflow::write_file_atomic(target, content); });
}

void fsync_directory(const fs::path& dir) {
  with_hint(kWriteHint, [&] { dashflow::fsync_dir(dir); });
}

bool remove_file_durable(const fs::path& file) {
  return with_hint(kWriteHint, [&] { return dashflow::remove_file_durable(file); });
}

std::optional<std::string> read_file(const fs::path& file) {
  return with_hint("check its permissions", [&] { return dashflow::read_whole_file(file); });
}

bool is_temp_name(std::string_view file_name) { return is_temp_file_name(file_name); }

}  // namespace dashflow::fsstore
