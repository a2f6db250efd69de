// Crash attribution and quarantine. Exceptions from plugins are contained by
// PluginInstance::call; a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
// SIGABRT) cannot be contained in-process. Instead the host records which
// plugin was running on the crashing thread, says so on stderr and writes a
// quarantine record for that plugin file, then lets the process die with the
// signal. Discovery refuses a quarantined file until it changes (rebuilt) or
// the user releases it (`dashflow plugins release <id>`).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace dashflow::host {

// Marks "plugin <id> is running <stage>" on this thread for its lifetime.
// Costs two thread-local stores; the strings must outlive the scope.
class CrashScope {
 public:
  CrashScope(const std::string& plugin_id, const char* stage, const std::string& library_path);
  ~CrashScope();
  CrashScope(const CrashScope&) = delete;
  CrashScope& operator=(const CrashScope&) = delete;

 private:
  const void* previous_;
};

// Where quarantine records live: $DASHFLOW_STATE_DIR, else
// $XDG_STATE_HOME/dashflow, else ~/.local/state/dashflow; "/quarantine" appended.
std::string quarantine_dir();

// Installs the fatal-signal handlers (idempotent). Called once by the CLI.
void install_crash_handlers();
// Back to the default actions: forked conformance children report a crash
// to their parent instead of quarantining the plugin.
void reset_crash_handlers();

struct QuarantineRecord {
  std::string plugin_id;
  std::string library_path;
  std::string signal_name;
  std::string stage;
  long long when_unix = 0;
  long long size = 0;       // identity of the file that crashed
  long long mtime_ns = 0;
};

// The record for this plugin file when it still applies (same size and mtime).
std::optional<QuarantineRecord> find_quarantine(const std::string& library_path);
// Removes the records of a plugin id; returns how many were removed.
int release_quarantine(const std::string& plugin_id);
std::string describe(const QuarantineRecord& record);

}  // namespace dashflow::host
