// Turning a model's reply text into a verdict, replacing DashFlow's keyword
// heuristics (dashflow-core §5.3, whose weaknesses are listed there) with a
// structured JSON contract read tolerantly:
//  - the JSON object may stand alone, sit in a ```json fence, or be embedded
//    in prose; the first object with an "assessment" field wins (one level of
//    wrapping, e.g. {"review": {...}}, is accepted);
//  - // and /* */ comments and trailing commas are tolerated;
//  - assessment accepts the enum names in any case/spacing and the synonyms
//    approve/disapprove/reject; anything else is an error, never a silent
//    Neutral;
//  - confidence may be 0..1, a percentage 1..100, or a string "85%"; when
//    absent it counts as 0.5 (no information) and a note says so;
//  - critiques may be objects or plain strings; severities minor/low,
//    moderate/medium, major/high/important, critical/blocking/blocker;
//    unknown or missing severity counts as moderate.
// Anything else throws VerdictError with a message saying what was wrong and
// quoting the reply: empty text, a refusal, cut-off JSON, JSON without an
// assessment, no JSON at all.
#pragma once

#include <dashflow/types.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dashflow_plugins::reviewer {

class VerdictError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Verdict {
  dashflow::Assessment assessment = dashflow::Assessment::Neutral;
  double confidence = 0.5;
  std::vector<dashflow::Critique> critiques;
  std::vector<std::string> suggestions;
  std::vector<std::string> notes;  // what was repaired or assumed
};

Verdict parse_verdict(std::string_view reply);

// Strict name mapping used by parse_verdict; throws VerdictError.
dashflow::Assessment parse_assessment(std::string_view text);
dashflow::CritiqueSeverity parse_severity(std::string_view text);

// True when the text reads like a refusal ("I can't help with that").
bool looks_like_refusal(std::string_view text);

}  // namespace dashflow_plugins::reviewer
