#include "pipeline/cache/chunk_entry.hpp"

#include <zlib.h>

#include <cstring>
#include <limits>

namespace dashflow::host {
namespace {

constexpr std::string_view kMagic = "DFCHUNK1";
constexpr size_t kHeader = kChunkEntryHeaderBytes;
constexpr size_t kFactBytes = 8 + 8 + 8 + 4 + 1;

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  // Overwrites bytes written before (the header's length and CRC).
  void patch(size_t at, uint64_t v, size_t bytes) {
    for (size_t i = 0; i < bytes; ++i) out_[at + i] = static_cast<char>(v >> (8 * i));
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint8_t u8() { return static_cast<uint8_t>(take(1)[0]); }
  uint32_t u32() {
    const std::string_view b = take(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return v;
  }
  uint64_t u64() {
    const std::string_view b = take(8);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return v;
  }
  std::string str(const char* what) { return std::string(view(what)); }
  std::string_view view(const char* what) {
    const uint64_t n = u64();
    if (n > remaining()) throw ChunkEntryError(std::string(what) + ": length " + std::to_string(n) + " past the end");
    return take(static_cast<size_t>(n));
  }
  // A count of items of at least `min_bytes` each, checked against what is left.
  size_t count(const char* what, size_t min_bytes) {
    const uint64_t n = u64();
    if (n > remaining() / (min_bytes ? min_bytes : 1))
      throw ChunkEntryError(std::string(what) + ": count " + std::to_string(n) + " does not fit the entry");
    return static_cast<size_t>(n);
  }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  std::string_view take(size_t n) {
    if (n > remaining()) throw ChunkEntryError("truncated entry");
    const std::string_view b = in_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

uint32_t crc_of(std::string_view data) {
  return static_cast<uint32_t>(
      crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

}  // namespace

// The payload's exact size: an entry is built in one buffer that never
// grows (a 200k-trace run encodes ~66 MB of entries; every regrowth copies
// and, on a fresh buffer, page-faults).
size_t payload_size(const ChunkEntry& e, const std::string& summary) {
  size_t n = 8 + e.key.size() + 8 + 8 + 8 + summary.size() + 8 + 8;
  for (const auto& s : e.skipped) n += 8 + s.source.size() + 8 + 8 + s.reason.size();
  n += 8 + e.facts.size() * kFactBytes + 8;
  for (const auto& s : e.states) n += 8 + s.analyzer.size() + 8 + s.state.size();
  return n;
}

std::string encode_chunk_entry(const ChunkEntry& e) {
  const std::string summary = e.summary.to_json().dump();
  Writer p;
  p.out().reserve(kHeader + payload_size(e, summary));
  p.out().append(kMagic);
  p.u64(0);  // payload length and CRC: filled in once the payload is written
  p.u32(0);
  p.str(e.key);
  p.u64(e.units);
  p.u64(e.traces);
  p.str(summary);
  p.u64(e.skipped_count);
  p.u64(e.skipped.size());
  for (const auto& s : e.skipped) {
    p.str(s.source);
    p.u64(s.line);
    p.str(s.reason);
  }
  p.u64(e.facts.size());
  for (const auto& f : e.facts) {
    p.u64(static_cast<uint64_t>(f.started_at_ms));
    p.u64(f.duration_ms);
    p.u64(f.tokens);
    p.u32(f.retries);
    p.u8(f.successful ? 1 : 0);
  }
  p.u64(e.states.size());
  for (const auto& s : e.states) {
    p.str(s.analyzer);
    p.str(s.state);
  }
  const std::string_view payload = std::string_view(p.out()).substr(kHeader);
  p.patch(kMagic.size(), payload.size(), 8);
  p.patch(kMagic.size() + 8, crc_of(payload), 4);
  return std::move(p.out());
}

bool chunk_entry_header_fits(std::string_view header, uint64_t file_size) {
  if (header.size() < kHeader || header.substr(0, kMagic.size()) != kMagic || file_size < kHeader) return false;
  return Reader(header.substr(kMagic.size(), 8)).u64() == file_size - kHeader;
}

ChunkEntry decode_chunk_entry(std::string_view bytes) {
  if (bytes.size() < kHeader || bytes.substr(0, kMagic.size()) != kMagic)
    throw ChunkEntryError("not a chunk entry (bad magic or format version)");
  Reader header(bytes.substr(kMagic.size(), kHeader - kMagic.size()));
  const uint64_t length = header.u64();
  const uint32_t crc = header.u32();
  const std::string_view payload = bytes.substr(kHeader);
  if (length != payload.size())
    throw ChunkEntryError("payload is " + std::to_string(payload.size()) + " bytes, header says " +
                          std::to_string(length) + " (truncated or extended file)");
  if (crc_of(payload) != crc) throw ChunkEntryError("checksum mismatch (corrupted file)");

  Reader r(payload);
  ChunkEntry e;
  e.key = r.str("key");
  e.units = r.u64();
  e.traces = r.u64();
  try {
    e.summary = SummaryAccumulator::from_json(json::parse(r.str("summary")));
  } catch (const ChunkEntryError&) {
    throw;
  } catch (const std::exception& ex) {
    throw ChunkEntryError(std::string("summary: ") + ex.what());
  }
  e.skipped_count = r.u64();
  const size_t skipped = r.count("skipped", 8 + 8 + 8);
  e.skipped.reserve(skipped);
  for (size_t i = 0; i < skipped; ++i) {
    SkippedInput s;
    s.source = r.str("skipped source");
    s.line = r.u64();
    s.reason = r.str("skipped reason");
    e.skipped.push_back(std::move(s));
  }
  if (e.skipped.size() > e.skipped_count) throw ChunkEntryError("more skipped inputs listed than counted");
  const size_t facts = r.count("facts", kFactBytes);
  e.facts.reserve(facts);
  for (size_t i = 0; i < facts; ++i) {
    TraceFacts f;
    f.started_at_ms = static_cast<int64_t>(r.u64());
    f.duration_ms = r.u64();
    f.tokens = r.u64();
    f.retries = r.u32();
    const uint8_t ok = r.u8();
    if (ok > 1) throw ChunkEntryError("fact " + std::to_string(i) + ": bad success flag");
    f.successful = ok == 1;
    e.facts.push_back(f);
  }
  if (e.facts.size() != e.traces) throw ChunkEntryError("facts do not match the trace count");
  if (e.summary.traces() != e.traces) throw ChunkEntryError("summary does not match the trace count");
  const size_t states = r.count("states", 16);
  for (size_t i = 0; i < states; ++i) {
    SavedState s;
    s.analyzer = r.str("analyzer id");
    s.state = r.view("analyzer state");
    e.states.push_back(std::move(s));
  }
  if (r.remaining() != 0) throw ChunkEntryError(std::to_string(r.remaining()) + " stray bytes after the states");
  return e;
}

}  // namespace dashflow::host
