// dashflow introspect health
#include "cli/command.hpp"
#include "cli/output.hpp"

namespace dashflow::host {

void register_introspect_commands(std::vector<Command>& commands) {
  commands.push_back({{"introspect", "health"}, "Check storage, traces, plugins and the daemon; exit 1 when unhealthy",
                      "[options]", "", nullptr,
                      [](CliContext&, const po::variables_map&) -> int {
                        throw CommandError("not-implemented",
                                           "'dashflow introspect health' is not built yet in this version");
                      },
                      true});
}

}  // namespace dashflow::host
