// `dashflow self-improve daemon`: one long-lived process that analyzes the
// traces that are new since its last cycle (a cursor persisted in storage),
// dispatches the alerts raised by analyzers, sends resolved notices when an
// alert stops firing, upserts plans by fingerprint (so a finding updates its
// open plan), runs storage retention every N cycles, keeps a status document
// for `introspect health`, and exports metrics on --metrics-addr. SIGINT and
// SIGTERM finish the current cycle, flush the sinks and exit 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "dashflow/json.hpp"

namespace dashflow::host {

struct DaemonOptions {
  std::optional<uint64_t> interval_seconds;  // --interval (overrides config)
  bool once = false;
  std::optional<std::string> storage_dir, traces_dir, metrics_addr, alert_file, alert_webhook;
  bool no_console = false;
  std::string pipeline;
};

struct CycleResult {
  uint64_t cycle = 0;
  std::string started_at, completed_at;
  uint64_t traces_analyzed = 0;
  uint64_t inputs_skipped = 0;
  uint64_t triggers_fired = 0;
  uint64_t plans_generated = 0;  // created
  uint64_t plans_updated = 0;    // open plans refreshed by the same finding
  uint64_t alerts_dispatched = 0;  // successful deliveries (alert x sink)
  uint64_t alerts_resolved = 0;
  std::optional<std::string> report_id;
  std::vector<std::string> errors;
  json cleanup;              // what retention did, on the cycles it ran
  bool interrupted = false;  // stopped by a signal: nothing of the cycle was stored

  json to_json() const;
};

// Runs the daemon; returns the exit code. Throws CommandError on a setup
// problem (bad flags, storage unusable, metrics address taken).
int run_daemon(CliContext& ctx, const DaemonOptions& options);

}  // namespace dashflow::host
