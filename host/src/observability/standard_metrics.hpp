// The metric families dashflow exports (dashflow-runtime.md §6, every one of
// them updated for real, plus per-plugin and ingestion metrics), declared up
// front so that a scrape shows each family with HELP and TYPE even at zero.
#pragma once

#include <string>

namespace dashflow::host {

void describe_standard_metrics();

// The counter a plan transition verb ("approved", "completed", "failed")
// increments, or nullptr for verbs without one. Shared by the CLI, which
// makes the transition, and the daemon, which learns of it from the audit log.
const char* plan_transition_counter(const std::string& verb);

}  // namespace dashflow::host
