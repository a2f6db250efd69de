// A whole file mapped read-only. Reading a cache entry of tens of MB into a
// fresh buffer costs a page fault per 4 KiB of new memory (expensive on
// virtual machines); mapping uses the page cache's pages as they are.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

namespace dashflow::host {

class MappedFile {
 public:
  // nullopt when the file cannot be opened, is not a regular file or cannot be mapped.
  static std::optional<MappedFile> open(const std::filesystem::path& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;  // null for an empty file
  size_t size_ = 0;
};

}  // namespace dashflow::host
