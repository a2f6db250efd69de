// Internal helpers shared by the testgen sources (not installed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dashflow::testgen::internal {

// A node or tool name inside a list: as is when printable, else quote_text().
std::string display_name(std::string_view name);
// "[a, b, c]"; long sequences keep their first and last 10 names.
std::string sequence_text(const std::vector<std::string>& names);
// "a -> b -> c", elided like sequence_text.
std::string path_text(const std::vector<std::string>& names);

}  // namespace dashflow::testgen::internal
