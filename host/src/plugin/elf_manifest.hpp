// Reads a plugin's manifest straight from its ELF file, without loading it:
// `dashflow plugins list` over a directory of untrusted files runs no code.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dashflow::host {

struct EmbeddedManifest {
  std::string abi_line;  // "abi=1.0 cxx11abi=1 gxxabi=1017"
  std::string json_text;
};

struct ManifestReadResult {
  enum class Status { Ok, NotElf, NoManifest, Invalid };
  Status status = Status::Invalid;
  std::string message;  // why, for NotElf/NoManifest/Invalid
  EmbeddedManifest manifest;
};

// Bounds-checked: rejects non-ELF files, 32-bit or big-endian objects,
// non-shared objects, a writable or executable manifest section, and more
// than one manifest.
ManifestReadResult read_embedded_manifest(const std::string& path);

// DT_NEEDED entries of a shared object (the libraries it asks the loader
// for), read from the file. Empty on any parse problem.
std::vector<std::string> read_needed_libraries(const std::string& path);

}  // namespace dashflow::host
