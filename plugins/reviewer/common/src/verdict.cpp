#include "dashflow_reviewer/verdict.hpp"

#include <dashflow/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>

#include "dashflow_reviewer/scrub.hpp"

namespace dashflow_plugins::reviewer {

using dashflow::Assessment;
using dashflow::Critique;
using dashflow::CritiqueSeverity;
using dashflow::json;

namespace {

constexpr size_t kMaxItems = 50;          // critiques / suggestions kept
constexpr size_t kMaxItemText = 2000;     // bytes per critique or suggestion field
constexpr size_t kMaxCandidates = 200;    // JSON candidates tried per reply
constexpr size_t kMaxScannedBytes = 256u << 10;  // of the reply searched for JSON
constexpr size_t kMaxObjectStarts = 256;          // bounds the rescanning work

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Letters only, lower case: "Strongly-Agree", "strongly_agree" and
// "**StronglyAgree**" all become "stronglyagree".
std::string letters(std::string_view s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalpha(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

std::string quoted(std::string_view reply) { return "\"" + snippet(reply, 200) + "\""; }

std::string describe(const json& v) { return snippet(v.dump(-1, ' ', false, json::error_handler_t::replace), 80); }

// ------------------------------------------------------------ finding JSON

// Removes commas that directly precede } or ] (outside strings).
std::string without_trailing_commas(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_string = false, escape = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      out += c;
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      size_t j = i + 1;
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && (s[j] == '}' || s[j] == ']')) continue;
    }
    out += c;
  }
  return out;
}

std::optional<json> parse_lenient(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false, true);
  if (!j.is_discarded()) return j;
  const std::string fixed = without_trailing_commas(text);
  j = json::parse(fixed, nullptr, false, true);
  if (!j.is_discarded()) return j;
  return std::nullopt;
}

const json* field(const json& obj, std::initializer_list<const char*> names) {
  if (!obj.is_object()) return nullptr;
  for (const char* name : names)
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (lower(it.key()) == name && !it.value().is_null()) return &it.value();
  return nullptr;
}

bool has_assessment(const json& v) { return v.is_object() && field(v, {"assessment"}) != nullptr; }

// The verdict object in a parsed value: itself, or one level down.
const json* verdict_object(const json& v) {
  if (has_assessment(v)) return &v;
  if (v.is_object() || v.is_array())
    for (const auto& inner : v)
      if (has_assessment(inner)) return &inner;
  return nullptr;
}

struct Scan {
  std::vector<std::string> candidates;  // in the order to try
  bool cut_off = false;                 // an object that looks like JSON never closes
  bool any_json = false;                // some candidate parsed as JSON
};

// Contents of ``` fences (the info string on the opening line skipped).
void fenced_blocks(std::string_view text, Scan& scan) {
  for (size_t open = text.find("```"); open != std::string_view::npos && scan.candidates.size() < kMaxCandidates;) {
    size_t start = text.find('\n', open + 3);
    if (start == std::string_view::npos) return;
    ++start;
    const size_t close = text.find("```", start);
    scan.candidates.emplace_back(text.substr(start, close == std::string_view::npos ? text.npos : close - start));
    if (close == std::string_view::npos) return;
    open = text.find("```", close + 3);
  }
}

// Every balanced {...} region, outermost first; after a region that does not
// parse, scanning resumes just inside it so an object nested in broken text
// is still found.
void balanced_objects(std::string_view text, Scan& scan) {
  size_t from = 0;
  for (size_t starts = 0; starts < kMaxObjectStarts && scan.candidates.size() < kMaxCandidates; ++starts) {
    const size_t start = text.find('{', from);
    if (start == std::string_view::npos) return;
    int depth = 0;
    bool in_string = false, escape = false;
    size_t end = std::string_view::npos;
    for (size_t i = start; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (escape) escape = false;
        else if (c == '\\') escape = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        end = i;
        break;
      }
    }
    if (end == std::string_view::npos) {
      // Never closed: cut off if what follows the brace looks like JSON.
      size_t next = start + 1;
      while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
      if (next < text.size() && text[next] == '"') scan.cut_off = true;
      from = start + 1;
      continue;
    }
    const std::string_view region = text.substr(start, end - start + 1);
    scan.candidates.emplace_back(region);
    from = parse_lenient(region) ? end + 1 : start + 1;
  }
}

// ------------------------------------------------------------ fields

std::string text_of(const json& v, const char* what) {
  if (v.is_string()) return truncate_utf8(trim(v.get<std::string>()), kMaxItemText);
  if (v.is_number() || v.is_boolean()) return v.dump();
  throw VerdictError(std::string(what) + " must be text, got " + describe(v));
}

double parse_confidence(const json& v, std::vector<std::string>& notes) {
  double c = 0;
  if (v.is_number()) {
    c = v.get<double>();
  } else if (v.is_string()) {
    const std::string s = lower(trim(v.get<std::string>()));
    if (s == "high" || s == "very high") return notes.push_back("confidence \"" + s + "\" read as 0.8"), 0.8;
    if (s == "medium" || s == "moderate") return notes.push_back("confidence \"" + s + "\" read as 0.5"), 0.5;
    if (s == "low" || s == "very low") return notes.push_back("confidence \"" + s + "\" read as 0.2"), 0.2;
    char* end = nullptr;
    c = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) throw VerdictError("confidence " + describe(v) + " is not a number");
    std::string rest = trim(end);
    if (rest == "%") {
      c /= 100.0;
    } else if (!rest.empty()) {
      throw VerdictError("confidence " + describe(v) + " is not a number");
    }
  } else {
    throw VerdictError("confidence must be a number from 0 to 1, got " + describe(v));
  }
  if (!std::isfinite(c) || c < 0 || c > 100) throw VerdictError("confidence " + describe(v) + " is outside 0..1");
  if (c > 1) {
    notes.push_back("confidence " + describe(v) + " read as a percentage");
    c /= 100.0;
  }
  return c;
}

Critique parse_critique(const json& item) {
  Critique c;
  c.target = "plan";
  c.severity = CritiqueSeverity::Moderate;
  if (item.is_string()) {
    c.criticism = text_of(item, "a critique");
    return c;
  }
  if (!item.is_object()) throw VerdictError("each critique must be an object or text, got " + describe(item));
  if (const json* t = field(item, {"target", "aspect", "area", "topic"})) c.target = text_of(*t, "critique target");
  if (c.target.empty()) c.target = "plan";
  if (const json* t = field(item, {"criticism", "critique", "issue", "concern", "problem", "description", "text"}))
    c.criticism = text_of(*t, "critique criticism");
  if (const json* s = field(item, {"severity", "level"})) c.severity = parse_severity(text_of(*s, "critique severity"));
  if (const json* f = field(item, {"suggested_fix", "fix", "suggestion", "remedy"})) {
    std::string fix = text_of(*f, "critique suggested_fix");
    if (!fix.empty()) c.suggested_fix = std::move(fix);
  }
  return c;
}

Verdict read_verdict(const json& v) {
  Verdict out;
  const json* a = field(v, {"assessment"});
  if (!a->is_string()) throw VerdictError("assessment must be text, got " + describe(*a));
  out.assessment = parse_assessment(a->get<std::string>());

  if (const json* c = field(v, {"confidence"})) {
    out.confidence = parse_confidence(*c, out.notes);
  } else {
    out.confidence = 0.5;
    out.notes.push_back("no confidence given; counted as 0.5");
  }

  if (const json* list = field(v, {"critiques", "concerns", "issues"})) {
    if (list->is_string() || list->is_object()) {
      out.critiques.push_back(parse_critique(*list));
    } else if (list->is_array()) {
      for (const auto& item : *list) {
        if (out.critiques.size() == kMaxItems) {
          out.notes.push_back("critiques beyond the first " + std::to_string(kMaxItems) + " dropped");
          break;
        }
        Critique c = parse_critique(item);
        if (c.criticism.empty()) {
          out.notes.push_back("a critique without text was dropped");
          continue;
        }
        out.critiques.push_back(std::move(c));
      }
    } else {
      throw VerdictError("critiques must be a list, got " + describe(*list));
    }
  }

  if (const json* list = field(v, {"suggestions", "recommendations"})) {
    auto add = [&](const json& item) {
      std::string s;
      if (item.is_object()) {
        const json* t = field(item, {"suggestion", "text", "description", "recommendation"});
        if (!t) throw VerdictError("a suggestion object has no text: " + describe(item));
        s = text_of(*t, "a suggestion");
      } else {
        s = text_of(item, "a suggestion");
      }
      if (!s.empty() && out.suggestions.size() < kMaxItems) out.suggestions.push_back(std::move(s));
    };
    if (list->is_array()) {
      for (const auto& item : *list) add(item);
    } else {
      add(*list);
    }
  }
  return out;
}

std::string normalize_apostrophes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    // U+2018 / U+2019 (curly single quotes) -> '
    if (i + 2 < text.size() && text[i] == '\xE2' && text[i + 1] == '\x80' && (text[i + 2] == '\x98' || text[i + 2] == '\x99')) {
      out += '\'';
      i += 2;
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
  }
  return out;
}

}  // namespace

Assessment parse_assessment(std::string_view text) {
  const std::string k = letters(text);
  for (const char* s : {"stronglyagree", "stronglyapprove", "strongyes", "stronglysupport", "stronglyaccept"})
    if (k == s) return Assessment::StronglyAgree;
  for (const char* s : {"agree", "approve", "yes", "support", "accept"})
    if (k == s) return Assessment::Agree;
  for (const char* s : {"neutral", "mixed", "undecided", "abstain", "uncertain"})
    if (k == s) return Assessment::Neutral;
  for (const char* s : {"disagree", "disapprove", "reject", "no", "oppose"})
    if (k == s) return Assessment::Disagree;
  for (const char* s : {"stronglydisagree", "stronglydisapprove", "stronglyreject", "strongno", "stronglyoppose"})
    if (k == s) return Assessment::StronglyDisagree;
  throw VerdictError("assessment \"" + snippet(text, 60) +
                     "\" is not one of strongly_agree, agree, neutral, disagree, strongly_disagree");
}

CritiqueSeverity parse_severity(std::string_view text) {
  const std::string k = letters(text);
  for (const char* s : {"critical", "blocking", "blocker", "severe", "showstopper"})
    if (k == s) return CritiqueSeverity::Critical;
  for (const char* s : {"major", "high", "important", "serious"})
    if (k == s) return CritiqueSeverity::Major;
  for (const char* s : {"minor", "low", "trivial", "nit", "nitpick", "cosmetic"})
    if (k == s) return CritiqueSeverity::Minor;
  return CritiqueSeverity::Moderate;  // moderate, medium, or unknown
}

bool looks_like_refusal(std::string_view text) {
  const std::string t = normalize_apostrophes(text.substr(0, 2000));
  for (const char* p : {"i can't help", "i cannot help", "i can't assist", "i cannot assist", "i can't provide",
                        "i cannot provide", "i can't review", "i cannot review", "i can't comply", "i cannot comply",
                        "i can't do that", "i cannot do that", "i'm unable to", "i am unable to", "i'm not able to",
                        "i am not able to", "i won't be able", "i must decline", "i have to decline", "i'm sorry, but i",
                        "i am sorry, but i", "unable to comply"})
    if (t.find(p) != std::string::npos) return true;
  return false;
}

Verdict parse_verdict(std::string_view reply) {
  const std::string trimmed = trim(reply);
  if (trimmed.empty()) throw VerdictError("the reply is empty");
  const std::string_view text = std::string_view(trimmed).substr(0, kMaxScannedBytes);

  Scan scan;
  fenced_blocks(text, scan);
  balanced_objects(text, scan);
  std::string first_error, syntax_error;
  for (const auto& candidate : scan.candidates) {
    std::optional<json> parsed = parse_lenient(trim(candidate));
    if (!parsed) {
      // Remember why an object that talks about an assessment does not parse.
      if (syntax_error.empty() && lower(candidate).find("\"assessment\"") != std::string::npos) {
        try {
          [[maybe_unused]] const json strict = json::parse(without_trailing_commas(trim(candidate)), nullptr, true, true);
        } catch (const json::parse_error& e) {
          syntax_error = e.what();
        }
      }
      continue;
    }
    scan.any_json = true;
    const json* v = verdict_object(*parsed);
    if (!v) continue;
    try {
      return read_verdict(*v);
    } catch (const VerdictError& e) {
      if (first_error.empty()) first_error = e.what();
    }
  }
  if (!first_error.empty()) throw VerdictError("the verdict is malformed: " + first_error + "; reply: " + quoted(text));
  if (looks_like_refusal(text)) throw VerdictError("the model declined to review the plan: " + quoted(text));
  if (scan.cut_off)
    throw VerdictError("the JSON verdict is cut off before its end (raise max_tokens?); reply: " + quoted(text));
  if (!syntax_error.empty())
    throw VerdictError("the JSON verdict is not valid JSON (" + syntax_error + "); reply: " + quoted(text));
  if (scan.any_json)
    throw VerdictError("the reply has JSON but no \"assessment\" field; reply: " + quoted(text));
  throw VerdictError("no JSON verdict in the reply; reply: " + quoted(text));
}

}  // namespace dashflow_plugins::reviewer
