#include "pipeline/cache/chunking.hpp"

namespace dashflow::host {

uint64_t locator_hash(std::string_view locator) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : locator) {
    h ^= c;
    h *= 1099511628211ull;  // FNV prime
  }
  // FNV's low bits mix poorly for similar names; finish with the SplitMix64
  // avalanche so `h % modulus` is uniform.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

std::vector<ChunkRange> split_into_chunks(std::span<const TraceUnit> units, const ChunkLimits& limits) {
  std::vector<ChunkRange> chunks;
  const uint64_t modulus = limits.modulus ? limits.modulus : 1;
  const size_t max_units = limits.max_units ? limits.max_units : 1;
  size_t begin = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    bytes += units[i].size;
    const bool natural = locator_hash(units[i].locator) % modulus == 0;
    const bool capped = i + 1 - begin >= max_units || bytes >= limits.max_bytes;
    if (natural || capped) {
      chunks.push_back({begin, i + 1});
      begin = i + 1;
      bytes = 0;
    }
  }
  if (begin < units.size()) chunks.push_back({begin, units.size()});
  return chunks;
}

}  // namespace dashflow::host
