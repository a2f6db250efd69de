// Identifiers: UUID v4 and stable fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace dashflow {

// Random lowercase hyphenated UUID v4.
std::string new_uuid_v4();
bool looks_like_uuid(std::string_view s);
// Stable short hex digest (FNV-1a 64) of a text: fingerprints, dedup keys.
std::string fingerprint_of(std::string_view text);
// Prefix of at most n characters that never splits a UTF-8 sequence.
std::string utf8_prefix(std::string_view s, size_t max_bytes);

}  // namespace dashflow
