#include "plugin/permissions.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dashflow::host {
namespace {

std::string mode_string(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string user_name(uid_t uid) {
  if (const passwd* pw = getpwuid(uid)) return std::string(pw->pw_name) + " (uid " + std::to_string(uid) + ")";
  return "uid " + std::to_string(uid);
}

}  // namespace

std::string check_plugin_path_permissions(const std::string& path, bool is_directory) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "cannot stat " + path + ": " + std::strerror(errno);
  const char* what = is_directory ? "directory" : "file";
  if (st.st_mode & S_IWOTH)
    return std::string(what) + " " + path + " is world-writable (mode " + mode_string(st.st_mode) +
           "), so anyone could plant code in it; run: chmod o-w " + path;
  const uid_t me = geteuid();
  if (st.st_uid != me && st.st_uid != 0)
    return std::string(what) + " " + path + " is owned by " + user_name(st.st_uid) + ", not by you (" +
           user_name(me) + ") or root; run: chown " + std::to_string(me) + " " + path;
  return "";
}

}  // namespace dashflow::host
