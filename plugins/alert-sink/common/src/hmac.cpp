#include "dashflow_sinks/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace dashflow::sinks {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer then.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  const unsigned char* msg_ptr = message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (!HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), msg_ptr, message.size(), digest, &length))
    throw std::runtime_error("HMAC-SHA256 failed inside OpenSSL");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace dashflow::sinks
