// Custom patterns: std::regex (ECMAScript) in libstdc++'s polynomial mode.
// The default executor backtracks recursively, once per input character, and
// overflows the stack near 100 kB of input; the breadth-first one does not,
// and cannot run back-references, which are therefore rejected.

// GCC 12 reports false -Wmaybe-uninitialized warnings inside libstdc++'s regex
// compiler (std::function moves in _NFA::_M_insert_*) when built with
// sanitizers; this file only wraps std::regex, so the warning is off here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <regex>
#include <stdexcept>

#include "redaction_scan.hpp"

namespace dashflow::redaction {

struct CustomPattern::Compiled {
  std::regex re;
};

CustomPattern::CustomPattern(std::string name, const std::string& regex, std::string replacement, bool ignore_case)
    : name_(std::move(name)), replacement_(std::move(replacement)) {
  auto flags = std::regex::ECMAScript;
#ifdef __GLIBCXX__
  flags |= std::regex_constants::__polynomial;
#endif
  if (ignore_case) flags |= std::regex::icase;
  auto compiled = std::make_shared<Compiled>();
  try {
    compiled->re = std::regex(regex, flags);
  } catch (const std::regex_error& e) {
    std::string message = std::string("is invalid: ") + e.what();
    if (e.code() == std::regex_constants::error_backref || message.find("back-reference") != std::string::npos)
      message += " (back-references are not supported: patterns must match in polynomial time)";
    throw std::invalid_argument(message);
  }
  if (std::regex_match(std::string(), compiled->re))
    throw std::invalid_argument("matches the empty string; it must match at least one character");
  compiled_ = std::move(compiled);
}

std::size_t CustomPattern::apply(std::string& text) const {
  std::string out;
  std::size_t last = 0, count = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), compiled_->re), end; it != end; ++it) {
    const std::smatch& m = *it;
    if (m.length(0) == 0) continue;
    const auto begin = static_cast<std::size_t>(m.position(0));
    out.append(text, last, begin - last);
    out += m.format(replacement_);
    last = begin + static_cast<std::size_t>(m.length(0));
    ++count;
  }
  if (count == 0) return 0;
  out.append(text, last, std::string::npos);
  text.swap(out);
  return count;
}

}  // namespace dashflow::redaction
