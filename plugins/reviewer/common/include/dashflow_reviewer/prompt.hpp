// The review prompt for one plan (DashFlow's to_review_prompt, dashflow-core
// §5.2, reworked): one plan per request, the plan and its evidence given as
// delimited JSON data (they come from trace text, so the model is told to
// treat them as data, never as instructions), and a strict JSON verdict
// format instead of free text.
#pragma once

#include <dashflow/plugin.hpp>

#include <string>

namespace dashflow_plugins::reviewer {

struct ReviewPrompt {
  std::string system;
  std::string user;
};

// When request.prompt is non-empty (rendered by the host) it replaces the
// plan, evidence and statistics sections; the framing and the required
// output format are always ours, because the parser depends on them.
ReviewPrompt build_review_prompt(const dashflow::ReviewRequest& request);

// The output contract, also used by tests and docs.
extern const char* const kVerdictFormat;

}  // namespace dashflow_plugins::reviewer
