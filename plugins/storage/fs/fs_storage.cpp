// FsStorage: construction, layout, locking and named documents.
#include "fs_storage.hpp"

#include <system_error>

#include "atomic_file.hpp"
#include "dashflow/errors.hpp"
#include "dashflow/lifecycle.hpp"
#include "folder_scan.hpp"
#include "dashflow/time.hpp"
#include "versioned_json.hpp"

namespace dashflow::fsstore {

FsStorage::FsStorage(const PluginContext& context)
    : FsStorage(parse_fs_config(context.config()), context.host()) {}

FsStorage::FsStorage(FsConfig config, HostServices host)
    : config_(std::move(config)), host_(host), root_(config_.path) {}

std::string FsStorage::location() const { return root_.string(); }

fs::path FsStorage::plan_dir(PlanFolder folder) const { return plans_dir() / folder_name(folder); }

std::vector<fs::path> FsStorage::plan_dirs() const {
  return {plan_dir(PlanFolder::Pending), plan_dir(PlanFolder::Approved), plan_dir(PlanFolder::Implemented),
          plan_dir(PlanFolder::Failed)};
}

std::vector<fs::path> FsStorage::hypothesis_dirs() const {
  return {hypothesis_dir("active"), hypothesis_dir("evaluated")};
}

void FsStorage::ensure_layout() {
  const std::vector<fs::path> dirs = {reports_dir(),
                                      plan_dir(PlanFolder::Pending),
                                      plan_dir(PlanFolder::Approved),
                                      plan_dir(PlanFolder::Implemented),
                                      plan_dir(PlanFolder::Failed),
                                      hypothesis_dir("active"),
                                      hypothesis_dir("evaluated"),
                                      root_ / "meta",
                                      root_ / "state"};
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) continue;
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
      throw StorageError("cannot create storage directory " + dir.string() + ": " + ec.message() +
                         "; check permissions or set the storage 'path' to a writable directory");
    }
    fsync_directory(dir.parent_path());
  }
}

void FsStorage::initialize() {
  ensure_layout();
  DirLock lock(root_, DirLock::Mode::Exclusive, config_.lock_timeout_ms);
  for (const fs::path& p : remove_temp_files(root_, false)) {
    host_.warn("storage fs: removed " + p.string() + " left by an interrupted write");
  }
  repair_plans_locked();
  repair_hypotheses_locked();
}

std::unique_ptr<DirLock> FsStorage::write_lock() {
  ensure_layout();
  return std::make_unique<DirLock>(root_, DirLock::Mode::Exclusive, config_.lock_timeout_ms);
}

std::unique_ptr<DirLock> FsStorage::read_lock() {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return nullptr;
  return std::make_unique<DirLock>(root_, DirLock::Mode::Shared, config_.lock_timeout_ms);
}

std::unique_ptr<DirLock> FsStorage::read_lock_repaired() {
  auto lock = read_lock();
  if (!lock) return lock;
  if (duplicated_ids(scan_folders(plan_dirs())).empty() && duplicated_ids(scan_folders(hypothesis_dirs())).empty())
    return lock;
  lock->release();
  lock = std::make_unique<DirLock>(root_, DirLock::Mode::Exclusive, config_.lock_timeout_ms);
  repair_plans_locked();
  repair_hypotheses_locked();
  return lock;
}

std::string FsStorage::now() const { return format_rfc3339_ms(host_.now_unix_ms()); }

void FsStorage::warn_skipped(const fs::path& file, const std::string& why) const {
  host_.warn("storage fs: skipped " + file.string() + ": " + why);
}

// ------------------------------------------------------------------ documents

namespace {

// The document's directory must really be inside the storage directory (no
// escape through a symbolic link).
void check_inside(const fs::path& root, const fs::path& path, std::string_view name) {
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  const fs::path real_parent = ec ? fs::path() : fs::canonical(path.parent_path(), ec);
  if (ec) throw StorageError("cannot resolve " + path.parent_path().string() + ": " + ec.message());
  const std::string r = real_root.string(), p = real_parent.string();
  if (p != r && p.compare(0, r.size() + 1, r + "/") != 0) {
    throw StorageError("document '" + std::string(name) + "' resolves to " + p + ", outside the storage directory " +
                       r + " (through a symbolic link); remove the link");
  }
}

}  // namespace

fs::path FsStorage::document_path(std::string_view name) const {
  const std::string text(name);
  auto refuse = [&](const std::string& why) -> void {
    throw StorageError("document name '" + text + "' is not allowed: " + why +
                       "; use a relative name inside the storage directory such as 'meta/patterns.json'");
  };
  if (text.empty()) refuse("it is empty");
  if (text.front() == '/') refuse("it is an absolute path");
  fs::path rel;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    if (part.empty()) refuse("it has an empty path component");
    if (part == "..") refuse("it contains '..'");
    if (part == ".") refuse("it contains '.'");
    if (part.front() == '.') refuse("components must not start with '.'");
    for (char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
      if (!ok) refuse(std::string("it contains the character '") + c + "'");
    }
    rel /= part;
    start = end + 1;
  }
  const std::string first = rel.begin()->string();
  if (first == "reports" || first == "plans" || first == "hypotheses") {
    refuse("'" + first + "/' is managed by the storage itself");
  }
  return root_ / rel;
}

void FsStorage::put_document(std::string_view name, std::string_view json_text) {
  const fs::path path = document_path(name);
  std::string content(json_text);
  if (path.extension() == ".json") {
    json value;
    try {
      value = json::parse(json_text);
    } catch (const json::parse_error& e) {
      throw StorageError("document '" + std::string(name) + "' is not valid JSON: " + e.what());
    }
    content = versioned_text(value);
  }
  auto lock = write_lock();
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    throw StorageError("cannot create " + path.parent_path().string() + " for document '" + std::string(name) +
                       "': " + ec.message());
  }
  check_inside(root_, path, name);
  write_file_atomic(path, content);
}

std::optional<std::string> FsStorage::get_document(std::string_view name) {
  const fs::path path = document_path(name);
  auto lock = read_lock();
  if (!lock) return std::nullopt;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  check_inside(root_, path, name);
  std::optional<std::string> text = read_file(path);
  if (!text || path.extension() != ".json") return text;
  json value;
  try {
    value = json::parse(*text);
  } catch (const json::parse_error& e) {
    throw StorageError(path.string() + " is corrupt (not valid JSON: " + e.what() + "); fix or remove the file");
  }
  if (!value.is_object()) return text;
  return parse_versioned(*text, path).dump(2);
}

}  // namespace dashflow::fsstore
