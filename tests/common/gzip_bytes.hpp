// Test helper: gzip in memory, to write .gz inputs (whole, cut short, or as a
// bomb) for the code under test.
#pragma once

#include <string>

namespace dashflow::test {

// One gzip member holding data, compressed at zlib level 1 (fastest) to 9
// (smallest). zlib failures are reported as test failures.
std::string gzip_bytes(const std::string& data, int level = 9);

}  // namespace dashflow::test
