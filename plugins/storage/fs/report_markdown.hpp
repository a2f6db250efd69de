// The human-readable companion (.md) of a stored report: DashFlow's layout
// (dashflow-core.md §2.4) with its defects fixed: enums as words, each plan
// with its real status, retrospective, proposals, vs_previous deltas,
// patterns and skipped inputs rendered.
#pragma once

#include <string>

#include "dashflow/types.hpp"

namespace dashflow::fsstore {

std::string render_report_markdown(const IntrospectionReport& report);

}  // namespace dashflow::fsstore
