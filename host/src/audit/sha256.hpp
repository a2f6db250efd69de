// SHA-256 through OpenSSL's libcrypto (EVP interface), as lowercase hex.
#pragma once

#include <string>
#include <string_view>

namespace dashflow::host {

// 64 lowercase hex characters. Throws std::runtime_error if libcrypto fails
// (it only does when out of memory).
std::string sha256_hex(std::string_view data);

// True for a string of exactly 64 lowercase hex characters.
bool is_sha256_hex(std::string_view text);

}  // namespace dashflow::host
