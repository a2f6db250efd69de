#include "dashflow_reviewer/llm_reviewer.hpp"

#include <chrono>
#include <stdexcept>

#include "dashflow_reviewer/scrub.hpp"
#include "dashflow_reviewer/verdict.hpp"

namespace dashflow_plugins::reviewer {

using namespace dashflow;

namespace {

constexpr size_t kMaxRawResponse = 64u << 10;

// Thrown by fail(): already prefixed and scrubbed.
class ReviewFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

std::string api_error_message(const std::string& body) {
  if (body.empty()) return "";
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    const json* e = j.contains("error") ? &j["error"] : &j;
    if (e->is_string()) return snippet(e->get<std::string>(), 300);
    if (e->is_object()) {
      std::string message = e->contains("message") && (*e)["message"].is_string() ? (*e)["message"].get<std::string>() : "";
      std::string type = e->contains("type") && (*e)["type"].is_string() ? (*e)["type"].get<std::string>() : "";
      if (type.empty() && e->contains("code") && (*e)["code"].is_string()) type = (*e)["code"].get<std::string>();
      if (!message.empty()) return snippet(type.empty() ? message : type + ": " + message, 300);
    }
  }
  return snippet(body, 300);
}

LlmReviewer::LlmReviewer(const PluginContext& ctx, const SettingsDefaults& defaults, std::unique_ptr<ChatDialect> dialect)
    : settings_(read_llm_settings(ctx.config(), defaults)),
      key_(read_api_key(settings_.api_key_env, settings_.plugin_id)),
      dialect_(std::move(dialect)),
      host_(ctx.host()) {
  scrub_.add(key_.value);
  prefix_ = "reviewer " + settings_.plugin_id + " (model " + settings_.model + ")";
  http_ = std::make_unique<HttpClient>(settings_.http, scrub_, host_, prefix_);
  ChatDialect* d = dialect_.get();
  http_->set_permanent_failure([d](const HttpResponse& r) { return d->permanent_failure(r); });
}

ModelIdentifier LlmReviewer::model() const { return {dialect_->provider(settings_), settings_.model}; }

bool LlmReviewer::available(std::string& why_not) const {
  why_not = key_.unavailable_reason;
  return why_not.empty();
}

void LlmReviewer::fail(const std::string& message) const {
  host_.counter_add("reviewer_reviews_total", 1, R"({"outcome":"error"})");
  throw ReviewFailure(scrub_(prefix_ + ": " + message));
}

ModelReview LlmReviewer::review(const ReviewRequest& request) {
  std::string why;
  if (!available(why)) fail("not available: " + why);
  const auto started = std::chrono::steady_clock::now();
  Completion completion;
  try {
    const ReviewPrompt prompt = build_review_prompt(request);
    const HttpResponse response = http_->post(dialect_->build(settings_, key_.value, prompt));
    try {
      completion = dialect_->read(response.body);
    } catch (const std::exception& e) {
      fail(std::string("unexpected reply from ") + display_url(settings_.base_url) + ": " + e.what() +
           "; body: \"" + snippet(scrub_(response.body), 300) + "\"");
    }
  } catch (const HttpError& e) {
    const std::string hint = dialect_->hint(settings_, e.status(), e.body());
    fail(std::string(e.what()) + (hint.empty() ? "" : " (" + hint + ")"));
  } catch (const ReviewFailure&) {
    throw;
  } catch (const std::exception& e) {
    fail(e.what());
  }

  const std::string max_tokens = "max_tokens=" + std::to_string(settings_.max_tokens);
  if (completion.refusal)
    fail("the model refused to review the plan (stop reason '" + completion.stop_reason + "'): \"" +
         snippet(*completion.refusal, 300) + "\"");
  if (completion.text.find_first_not_of(" \t\r\n") == std::string::npos)
    fail(completion.truncated ? "the reply is empty: generation stopped at " + max_tokens +
                                    " before any answer text (raise max_tokens; reasoning models need more)"
                              : "the reply is empty (stop reason '" + completion.stop_reason + "')");
  Verdict verdict;
  try {
    verdict = parse_verdict(completion.text);
  } catch (const VerdictError& e) {
    fail(std::string(e.what()) + (completion.truncated ? "; the reply was cut off at " + max_tokens + " (stop reason '" +
                                                             completion.stop_reason + "'): raise max_tokens"
                                                       : ""));
  }

  ModelReview r;
  r.model = model();
  r.assessment = verdict.assessment;
  r.confidence = verdict.confidence;
  for (auto& c : verdict.critiques) {
    c.target = scrub_(c.target);
    c.criticism = scrub_(c.criticism);
    if (c.suggested_fix) c.suggested_fix = scrub_(*c.suggested_fix);
    r.critiques.push_back(std::move(c));
  }
  for (const auto& s : verdict.suggestions) r.suggestions.push_back(scrub_(s));
  r.raw_response = scrub_(truncate_utf8(valid_utf8(completion.text), kMaxRawResponse));
  for (const auto& note : verdict.notes) host_.debug(prefix_ + ": " + scrub_(note));

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  host_.counter_add("reviewer_reviews_total", 1, R"({"outcome":"ok"})");
  host_.observe("reviewer_review_seconds", seconds);
  host_.debug(prefix_ + ": plan '" + scrub_(snippet(request.plan.title, 80)) + "' -> " + to_string(r.assessment));
  return r;
}

}  // namespace dashflow_plugins::reviewer
