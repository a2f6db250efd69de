// Test helper: a fresh temporary directory, removed with everything in it.
#pragma once

#include <filesystem>
#include <string>

namespace dashflow::test {

// A fresh directory (mode 0700) under the system temp dir, removed with its
// contents by the destructor, even when a test left parts of it chmod 000.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path as a string, for command lines, messages and exact comparisons.
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes bytes to the file `name` (parent directories created) and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace dashflow::test
