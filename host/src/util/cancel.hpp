// Process-wide cancellation flag, set by SIGINT/SIGTERM handlers and read by
// the pipeline and by plugins through HostServices::cancelled().
#pragma once

#include <atomic>

namespace dashflow::host {

std::atomic<bool>& cancel_flag();
// Installs SIGINT/SIGTERM handlers that set the flag (a second signal exits at once).
void install_signal_handlers();

}  // namespace dashflow::host
