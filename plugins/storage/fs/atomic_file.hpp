// Durable file primitives for the fs storage: atomic replace (temp file in the
// same directory + fsync + rename + directory fsync), whole-file reads, and
// recognition of temp files left behind by a crash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace dashflow::fsstore {

namespace fs = std::filesystem;

// Writes `content` to `target` atomically: a reader sees either the old file
// or the complete new one, never a partial file. Throws StorageError naming
// the path on failure (the temp file is removed).
void write_file_atomic(const fs::path& target, std::string_view content);

// fsync of a directory, so renames and unlinks inside it are durable.
void fsync_directory(const fs::path& dir);

// Removes a file and fsyncs its directory. Returns false when it was already
// gone; throws StorageError on any other failure.
bool remove_file_durable(const fs::path& file);

// The whole file, or nullopt when it does not exist. Throws StorageError on
// other read errors.
std::optional<std::string> read_file(const fs::path& file);

// True for names produced by write_file_atomic's temp files
// ("<name>.tmp.<pid>.<random>").
bool is_temp_name(std::string_view file_name);

}  // namespace dashflow::fsstore
