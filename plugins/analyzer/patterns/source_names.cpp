#include "source_names.hpp"

#include <algorithm>
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

// Turns `name` (the previous name) into the entry's name at `pos`.
void decode_entry(std::string_view bytes, size_t& pos, std::string& name) {
  uint64_t shared = 0, rest = 0;
  if (!get_varint(bytes, pos, shared) || !get_varint(bytes, pos, rest)) corrupt("cut short");
  if (shared > name.size()) corrupt("share more bytes than the name before them has");
  if (rest > bytes.size() - pos) corrupt("cut short");
  name.resize(shared);
  name.append(bytes.substr(pos, rest));
  pos += rest;
}

}  // namespace

void SourceNames::add(std::string_view name) {
  size_t shared = 0;
  if (count_ % kRestart == 0) {
    restarts_.push_back(bytes_.size());
  } else {
    const size_t most = std::min(name.size(), last_.size());
    while (shared < most && name[shared] == last_[shared]) ++shared;
  }
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
  std::string name;
  size_t pos = 0;
  for (uint64_t i = 0; i < other.count_; ++i) {
    decode_entry(other.bytes_, pos, name);
    add(name);
  }
}

std::string SourceNames::name(uint32_t id) const {
  if (id >= count_) throw std::out_of_range("source name " + std::to_string(id) + " of " + std::to_string(count_));
  std::string name;
  size_t pos = restarts_[id / kRestart];
  for (uint64_t i = id / kRestart * kRestart; i <= id; ++i) decode_entry(bytes_, pos, name);
  return name;
}

void SourceNames::load(std::string_view bytes, uint64_t count) {
  if (count > bytes.size() / 2) corrupt(std::to_string(count) + " names announced, too few bytes");  // 2 bytes or more each
  SourceNames fresh;
  fresh.bytes_.assign(bytes);
  fresh.restarts_.reserve(count / kRestart + 1);
  size_t pos = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (i % kRestart == 0) {
      fresh.restarts_.push_back(pos);
      fresh.last_.clear();  // a restart shares nothing; decode_entry rejects one that does
    }
    decode_entry(bytes, pos, fresh.last_);
  }
  if (pos != bytes.size()) corrupt("followed by " + std::to_string(bytes.size() - pos) + " stray bytes");
  fresh.count_ = count;
  *this = std::move(fresh);
}

}  // namespace dashflow::analyzers
