// Printing helpers: plain tables, JSON documents and errors. In JSON mode
// everything on stdout is valid JSON, errors included ({"error": {...}}).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"

namespace dashflow::host {

void print_json(const nlohmann::json& value);

// Prints an error in the context's format; returns exit_code.
int print_error(const CliContext& ctx, const std::string& kind, const std::string& message,
                const std::vector<std::string>& details, int exit_code, const std::string& hint = "");

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Shortens to at most `max` characters (code points), ending with "...".
std::string ellipsize(const std::string& text, size_t max);
// True when stdout/stderr is a terminal and NO_COLOR is unset.
bool use_color(int fd);

}  // namespace dashflow::host
