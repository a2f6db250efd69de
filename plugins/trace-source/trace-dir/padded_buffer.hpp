// A growable byte buffer with simdjson's padding after the data, reused
// between files so the hot path does not allocate per file.
#pragma once

#include <cstddef>
#include <memory>

namespace dashflow::tracedir {

class PaddedBuffer {
 public:
  // Bytes simdjson may read past the end of the data.
  static constexpr size_t kPadding = 64;
  // Buffers larger than this are released after use instead of kept per thread.
  static constexpr size_t kKeepLimit = 64u << 20;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  // Makes room for n data bytes (plus padding), keeping the first size() bytes.
  void reserve(size_t n);
  // Sets the data size (n <= capacity()) and zeroes the padding after it.
  void set_size(size_t n);
  // Forgets the data (no copy on the next reserve).
  void clear() { size_ = 0; }
  // Frees the memory when it grew past kKeepLimit.
  void trim();

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace dashflow::tracedir
