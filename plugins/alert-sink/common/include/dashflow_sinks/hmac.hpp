// HMAC-SHA256 (OpenSSL libcrypto) for signing webhook bodies.
#pragma once

#include <string>
#include <string_view>

namespace dashflow::sinks {

// Lowercase hex digest of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The signature header value: "sha256=<hex>".
inline std::string signature_value(std::string_view key, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(key, body);
}

}  // namespace dashflow::sinks
