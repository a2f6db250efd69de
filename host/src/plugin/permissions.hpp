// Loading policy for plugin files and directories: nothing world-writable,
// nothing owned by another non-root user. The refusal names the check and the fix.
#pragma once

#include <string>

namespace dashflow::host {

// Empty string = acceptable. Otherwise the reason, e.g.
// "directory /x/plugins is world-writable (mode 0777); run: chmod o-w /x/plugins".
std::string check_plugin_path_permissions(const std::string& path, bool is_directory);

}  // namespace dashflow::host
