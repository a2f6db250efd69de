// Content-defined chunks of trace units for the analysis cache. A chunk ends
// after a unit whose locator hash is 0 modulo `modulus`, so the boundaries
// depend on the names only: adding, changing or deleting one file changes
// the chunk that holds it, not the others. Caps on units and bytes keep a
// chunk small when the hashes are unlucky or the files are large; a cap cut
// moves when a file before it is added or removed, until the next natural
// boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dashflow/plugin.hpp"

namespace dashflow::host {

struct ChunkLimits {
  uint64_t modulus = 512;              // expected units per chunk
  size_t max_units = 4096;             // hard cap on units per chunk
  uint64_t max_bytes = 32ull << 20;    // cut once a chunk's units reach this size
};

// [begin, end) into the unit list.
struct ChunkRange {
  size_t begin = 0, end = 0;
  size_t size() const { return end - begin; }
  bool operator==(const ChunkRange&) const = default;
};

// A stable 64-bit hash of a locator (FNV-1a with a final avalanche mix): the
// same on every platform and in every version, unlike std::hash.
uint64_t locator_hash(std::string_view locator);

// Splits units (in list order) into consecutive chunks covering all of them.
std::vector<ChunkRange> split_into_chunks(std::span<const TraceUnit> units, const ChunkLimits& limits = {});

}  // namespace dashflow::host
