// The metric families dashflow exports (dashflow-runtime.md §6, every one of
// them updated for real, plus per-plugin and ingestion metrics), declared up
// front so that a scrape shows each family with HELP and TYPE even at zero.
#pragma once

namespace dashflow::host {

void describe_standard_metrics();

}  // namespace dashflow::host
