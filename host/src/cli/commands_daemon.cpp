// dashflow self-improve daemon: flag parsing only; the daemon is daemon/daemon.cpp.
#include "cli/command.hpp"
#include "daemon/daemon.hpp"
#include "dashflow/errors.hpp"

namespace dashflow::host {
namespace {

int daemon_command(CliContext& ctx, const po::variables_map& vm) {
  DaemonOptions options;
  if (vm.count("interval")) {
    const int64_t interval = vm["interval"].as<int64_t>();
    if (interval <= 0)
      throw UsageError("--interval must be at least 1 second (got " + std::to_string(interval) +
                           "); use --once for a single cycle",
                       "self-improve daemon");
    options.interval_seconds = static_cast<uint64_t>(interval);
  }
  options.once = vm.count("once") > 0;
  options.no_console = vm.count("no-console") > 0;
  options.storage_dir = opt(vm, "storage");
  options.traces_dir = opt(vm, "traces");
  options.metrics_addr = opt(vm, "metrics-addr");
  options.alert_file = opt(vm, "alert-file");
  options.alert_webhook = opt(vm, "alert-webhook");
  options.pipeline = vm["pipeline"].as<std::string>();
  return run_daemon(ctx, options);
}

}  // namespace

void register_daemon_commands(std::vector<Command>& commands) {
  commands.push_back(
      {{"self-improve", "daemon"},
       "Analyze new traces continuously, raise alerts, keep plans up to date",
       "[options]",
       "Each cycle analyzes only the traces that are new since the previous one (the cursor is kept in\n"
       "storage, so a restart repeats nothing). A cycle starts when trace files appear (inotify) or\n"
       "when the interval passes. SIGINT/SIGTERM finish the current cycle, flush the sinks and exit 0.",
       [](po::options_description& d, po::positional_options_description&) {
         d.add_options()("interval", po::value<int64_t>(), "Seconds between cycles when no files arrive (default 60, config daemon.interval_seconds)")(
             "once", "Run one cycle and exit")(
             "storage", po::value<std::string>(), "Storage directory (default .dashflow/introspection)")(
             "traces", po::value<std::string>(), "Traces directory (default .dashflow/traces)")(
             "metrics-addr", po::value<std::string>(), "Serve Prometheus metrics on HOST:PORT (/metrics)")(
             "alert-file", po::value<std::string>(), "Also write alerts to this JSON Lines file")(
             "alert-webhook", po::value<std::string>(), "Also POST alerts to this URL")(
             "no-console", "Do not print alerts on the console")(
             "pipeline", po::value<std::string>()->default_value(""), "Pipeline name from the config (default: its default pipeline)");
       },
       daemon_command, true});
}

}  // namespace dashflow::host
