#include "padded_buffer.hpp"

#include <cstring>

namespace dashflow::tracedir {

void PaddedBuffer::reserve(size_t n) {
  if (data_ && n <= capacity_) return;
  size_t grown = capacity_ + capacity_ / 2;
  size_t capacity = n > grown ? n : grown;
  // new char[] leaves the bytes uninitialized: no cost for zeroing a buffer
  // that read() or inflate() fills right away.
  std::unique_ptr<char[]> fresh(new char[capacity + kPadding]);
  if (size_ > 0) std::memcpy(fresh.get(), data_.get(), size_);
  data_ = std::move(fresh);
  capacity_ = capacity;
}

void PaddedBuffer::set_size(size_t n) {
  size_ = n;
  std::memset(data_.get() + n, 0, kPadding);
}

void PaddedBuffer::trim() {
  if (capacity_ <= kKeepLimit) return;
  data_.reset();
  capacity_ = 0;
  size_ = 0;
}

}  // namespace dashflow::tracedir
