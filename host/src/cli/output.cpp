#include "cli/output.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace dashflow::host {
namespace {

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;  // count code points, not bytes
  return n;
}

}  // namespace

void print_json(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

int print_error(const CliContext& ctx, const std::string& kind, const std::string& message,
                const std::vector<std::string>& details, int exit_code, const std::string& hint) {
  if (ctx.format == OutputFormat::Json) {
    nlohmann::json e = {{"kind", kind}, {"message", message}, {"exit_code", exit_code}};
    if (!details.empty()) e["details"] = details;
    if (!hint.empty()) e["hint"] = hint;
    print_json({{"error", e}});
  } else {
    const bool color = use_color(STDERR_FILENO);
    std::cerr << (color ? "\033[1;31merror:\033[0m " : "error: ") << message << "\n";
    for (const auto& d : details) std::cerr << "  " << d << "\n";
    if (!hint.empty()) std::cerr << hint << "\n";
  }
  return exit_code;
}

std::string Table::render() const {
  std::vector<size_t> widths(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = display_width(headers_[i]);
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      l += cell;
      if (i + 1 < widths.size()) l += std::string(widths[i] - display_width(cell) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(headers_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows_) line(row);
  return out;
}

std::string ellipsize(const std::string& text, size_t max) {
  if (display_width(text) <= max) return text;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (n == max - 3) break;
      ++n;
    }
    out += text[i];
  }
  return out + "...";
}

bool use_color(int fd) { return std::getenv("NO_COLOR") == nullptr && isatty(fd); }

}  // namespace dashflow::host
