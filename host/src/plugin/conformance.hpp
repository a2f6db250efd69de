// `dashflow plugins test <file.so>`: the conformance suite any plugin can run
// (OpenTelemetry mdatagen-style lifecycle checks, pluginval-style isolation).
// Every check that runs plugin code runs in its own child process, so a crash
// or a hang is a failed check, never a dead harness.
#pragma once

#include <string>
#include <vector>

namespace dashflow::host {

struct ConformanceCheck {
  std::string name;
  bool passed = false;
  std::string detail;
};

std::vector<ConformanceCheck> run_conformance_suite(const std::string& plugin_path, int timeout_seconds = 30);

}  // namespace dashflow::host
