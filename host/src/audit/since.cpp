#include "audit/since.hpp"

#include <string>

#include "dashflow/time.hpp"

namespace dashflow::host {

std::optional<int64_t> parse_since(std::string_view text, int64_t now_ms) {
  if (text.empty()) return std::nullopt;
  // Duration: digits then one unit letter.
  const char unit = text.back();
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (!digits.empty() && digits.size() <= 9 && digits.find_first_not_of("0123456789") == std::string_view::npos) {
    const int64_t n = std::stoll(std::string(digits));
    int64_t unit_ms = 0;
    switch (unit) {
      case 's': unit_ms = 1000; break;
      case 'm': unit_ms = 60 * 1000; break;
      case 'h': unit_ms = 3600 * 1000; break;
      case 'd': unit_ms = 86400 * 1000; break;
      case 'w': unit_ms = 7 * 86400 * 1000; break;
      default: return std::nullopt;
    }
    return now_ms - n * unit_ms;
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    return parse_rfc3339_ms(std::string(text) + "T00:00:00Z");
  }
  return parse_rfc3339_ms(text);
}

}  // namespace dashflow::host
