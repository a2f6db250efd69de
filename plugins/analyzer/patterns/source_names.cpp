#include "source_names.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace dashflow::analyzers {
namespace {

[[noreturn]] void corrupt(const std::string& why) { throw std::runtime_error("patterns state: source names " + why); }

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// False when the bytes end inside the number or it does not fit 64 bits.
bool get_varint(std::string_view bytes, size_t& pos, uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
    const auto byte = static_cast<unsigned char>(bytes[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

// Turns `name` (the previous name) into the entry's name at `pos`; returns
// how many bytes it shared with the previous one.
uint64_t decode_entry(std::string_view bytes, size_t& pos, std::string& name) {
  uint64_t shared = 0, rest = 0;
  if (!get_varint(bytes, pos, shared) || !get_varint(bytes, pos, rest)) corrupt("cut short");
  if (shared > name.size()) corrupt("share more bytes than the name before them has");
  if (rest > bytes.size() - pos) corrupt("cut short");
  name.resize(shared);
  name.append(bytes.substr(pos, rest));
  pos += rest;
  return shared;
}

}  // namespace

void SourceNames::add(std::string_view name) {
  size_t shared = 0;
  if (!restarts_.empty() && count_ - restarts_.back().id < kRestart) {
    const size_t most = std::min(name.size(), last_.size());
    while (shared < most && name[shared] == last_[shared]) ++shared;
  }
  if (shared == 0) restarts_.push_back({count_, bytes_.size()});
  put_varint(bytes_, shared);
  put_varint(bytes_, name.size() - shared);
  bytes_.append(name.substr(shared));
  last_.assign(name);
  ++count_;
}

void SourceNames::append(const SourceNames& other) {
  if (&other == this) {
    const SourceNames copy = other;
    append(copy);
    return;
  }
  if (other.count_ == 0) return;
  // Its first name is whole, so its entries read the same after ours.
  for (const Restart& r : other.restarts_) restarts_.push_back({r.id + count_, r.offset + bytes_.size()});
  bytes_.append(other.bytes_);
  last_ = other.last_;
  count_ += other.count_;
}

std::string SourceNames::name(uint32_t id) const {
  if (id >= count_) throw std::out_of_range("source name " + std::to_string(id) + " of " + std::to_string(count_));
  // The last whole name at or before id.
  const auto after = std::upper_bound(restarts_.begin(), restarts_.end(), uint64_t{id},
                                      [](uint64_t v, const Restart& r) { return v < r.id; });
  const Restart& from = *std::prev(after);
  std::string name;
  size_t pos = from.offset;
  for (uint64_t i = from.id; i <= id; ++i) decode_entry(bytes_, pos, name);
  return name;
}

void SourceNames::load(std::string_view bytes, uint64_t count) {
  if (count > bytes.size() / 2) corrupt(std::to_string(count) + " names announced, too few bytes");  // 2 bytes or more each
  SourceNames fresh;
  fresh.bytes_.assign(bytes);
  size_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const size_t at = pos;
    // The first entry has no name before it to share with: decode_entry rejects one that claims to.
    if (decode_entry(bytes, pos, fresh.last_) == 0) {
      fresh.restarts_.push_back({i, at});
    } else if (i - fresh.restarts_.back().id >= kRestart) {
      corrupt("run " + std::to_string(i - fresh.restarts_.back().id + 1) + " entries without a whole name (at most " +
              std::to_string(kRestart) + ")");
    }
  }
  if (pos != bytes.size()) corrupt("followed by " + std::to_string(bytes.size() - pos) + " stray bytes");
  fresh.count_ = count;
  *this = std::move(fresh);
}

}  // namespace dashflow::analyzers
