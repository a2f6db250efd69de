// Redactor: config, the detector pipeline, custom patterns and the JSON walk.
#include "dashflow/redaction.hpp"

#include <array>
#include <stdexcept>

#include "dashflow/errors.hpp"
#include "redaction_scan.hpp"

namespace dashflow {
namespace {

using namespace redaction;

// Characters a detector cannot match without. One pass over the text sets
// these bits, so short strings skip most detectors without scanning them.
enum Needs : unsigned {
  kDigit = 1u << 0,
  kAt = 1u << 1,
  kSeparator = 1u << 2,  // ':' or '='
  kDash = 1u << 3,
  kUnderscore = 1u << 4,
  kDot = 1u << 5,
  kCapitalA = 1u << 6,
  kLetterB = 1u << 7,
  kPlusOrParen = 1u << 8,
};

constexpr std::array<unsigned, 256> make_char_bits() {
  std::array<unsigned, 256> bits{};
  for (int c = '0'; c <= '9'; ++c) bits[c] = kDigit;
  bits['@'] = kAt;
  bits[':'] = bits['='] = kSeparator;
  bits['-'] = kDash;
  bits['_'] = kUnderscore;
  bits['.'] = kDot;
  bits['A'] = kCapitalA;
  bits['b'] = bits['B'] = kLetterB;
  bits['+'] = bits['('] = kPlusOrParen;
  return bits;
}
constexpr std::array<unsigned, 256> kCharBits = make_char_bits();

unsigned present(std::string_view text) {
  unsigned mask = 0;
  for (char c : text) mask |= kCharBits[static_cast<unsigned char>(c)];
  return mask;
}

struct Builtin {
  RedactionDetectorInfo info;
  DetectFn fn;
  unsigned needs;  // all of these bits
};

// The run order: specific before generic (see redaction.hpp).
const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> list = {
      {{"pem_private_key", true, "PEM private key blocks, BEGIN to END, whole"}, detect_pem_private_key, kDash},
      {{"jwt", true, "JSON Web Tokens (eyJ...eyJ...sig)"}, detect_jwt, kDot},
      {{"anthropic_key", true, "Anthropic API keys (sk-ant-...)"}, detect_anthropic_key, kDash},
      {{"openai_key", true, "OpenAI API keys (sk-..., sk-proj-...)"}, detect_openai_key, kDash},
      {{"github_token", true, "GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"}, detect_github_token,
       kUnderscore},
      {{"slack_token", true, "Slack tokens (xoxb-, xoxp-, ...)"}, detect_slack_token, kDash},
      {{"aws_access_key", true, "AWS access key ids (AKIA..., ASIA...)"}, detect_aws_access_key, kCapitalA},
      {{"aws_secret_key", true, "AWS secret access keys after an AWS label"}, detect_aws_secret_key, kSeparator},
      {{"url_credentials", true, "user:password@ in URLs (scheme and host kept)"}, detect_url_credentials,
       kSeparator | kAt},
      {{"bearer_token", true, "Bearer tokens"}, detect_bearer_token, kLetterB},
      {{"generic_secret", true, "values of password=, secret:, api_key:, token=, Authorization: ..."},
       detect_generic_secret, kSeparator},
      {{"email", true, "e-mail addresses"}, detect_email, kAt | kDot},
      {{"credit_card", true, "card numbers (Luhn-checked, brand prefixes)"}, detect_credit_card, kDigit},
      {{"phone", true, "phone numbers (+E.164, formatted North American)"}, detect_phone, kDigit},
      {{"ip_address", false, "IPv4 addresses (off by default)"}, detect_ip_address, kDigit | kDot},
  };
  return list;
}

constexpr std::string_view kKeyPathKind = "key_path";
constexpr std::string_view kGenericKind = "generic_secret";

std::string type_name(const json& j) { return j.type_name(); }

[[noreturn]] void config_error(const std::string& message) { throw ConfigError("redaction config: " + message); }

CustomPattern compile_custom(const json& item, std::size_t index) {
  const std::string where = "custom_patterns[" + std::to_string(index) + "]";
  if (!item.is_object()) config_error(where + " must be an object {name, regex, replacement?}, got " + type_name(item));
  for (const auto& [key, _] : item.items())
    if (key != "name" && key != "regex" && key != "replacement" && key != "ignore_case")
      config_error(where + ": unknown key '" + key + "' (known: name, regex, replacement, ignore_case)");
  if (!item.contains("name") || !item["name"].is_string() || item["name"].get_ref<const std::string&>().empty())
    config_error(where + ": 'name' is required and must be a non-empty string");
  const std::string name = item["name"].get<std::string>();
  for (char c : name)
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-')
      config_error(where + " (\"" + name + "\"): name may only use letters, digits, '_', '.' and '-'");
  const std::string named = where + " (\"" + name + "\")";
  if (!item.contains("regex") || !item["regex"].is_string() || item["regex"].get_ref<const std::string&>().empty())
    config_error(named + ": 'regex' is required and must be a non-empty string");
  const std::string& regex = item["regex"].get_ref<const std::string&>();
  if (item.contains("replacement") && !item["replacement"].is_string())
    config_error(named + ": 'replacement' must be a string, got " + type_name(item["replacement"]));
  if (item.contains("ignore_case") && !item["ignore_case"].is_boolean())
    config_error(named + ": 'ignore_case' must be a boolean, got " + type_name(item["ignore_case"]));
  std::string replacement = item.contains("replacement") ? item["replacement"].get<std::string>() : redaction_marker(name);
  try {
    return CustomPattern(name, regex, std::move(replacement), item.value("ignore_case", false));
  } catch (const std::invalid_argument& e) {
    config_error(named + ": regular expression '" + regex + "' " + e.what());
  }
}

}  // namespace

// ------------------------------------------------------------------- stats

std::size_t RedactionStats::total() const {
  std::size_t sum = 0;
  for (const auto& [_, n] : by_kind) sum += n;
  return sum;
}

std::size_t RedactionStats::count(std::string_view kind) const {
  auto it = by_kind.find(kind);
  return it == by_kind.end() ? 0 : it->second;
}

void RedactionStats::add(std::string_view kind, std::size_t n) {
  if (n == 0) return;
  auto it = by_kind.find(kind);
  if (it == by_kind.end()) it = by_kind.emplace(std::string(kind), 0).first;
  it->second += n;
}

void RedactionStats::merge(const RedactionStats& other) {
  for (const auto& [kind, n] : other.by_kind) add(kind, n);
}

const std::vector<RedactionDetectorInfo>& redaction_detectors() {
  static const std::vector<RedactionDetectorInfo> infos = [] {
    std::vector<RedactionDetectorInfo> out;
    for (const auto& b : builtins()) out.push_back(b.info);
    return out;
  }();
  return infos;
}

std::string redaction_marker(std::string_view kind) {
  std::string out(kMarkerPrefix);
  out += kind;
  out += ']';
  return out;
}

// ---------------------------------------------------------------- Redactor

struct Redactor::Impl {
  struct Step {
    std::string_view kind;
    DetectFn fn;
    unsigned needs;
  };
  struct PathState {
    std::size_t path;
    std::size_t segment;
  };
  using States = std::vector<PathState>;

  bool enabled = true;
  std::vector<Step> steps;
  bool secret_keys = true;  // generic_secret on: members named like secrets lose their value
  std::vector<KeyPath> key_paths;
  std::vector<CustomPattern> custom;

  std::size_t run(std::string& text, RedactionStats& stats) const {
    std::size_t total = 0;
    // Replacements only remove characters or add marker characters, which no
    // detector matches on, so the mask of the original text stays a valid filter.
    const unsigned mask = present(text);
    for (const Step& step : steps) {
      if ((mask & step.needs) != step.needs) continue;
      if (const std::size_t n = step.fn(text)) {
        stats.add(step.kind, n);
        total += n;
      }
    }
    for (const CustomPattern& p : custom) {
      if (const std::size_t n = p.apply(text)) {
        stats.add(p.name(), n);
        total += n;
      }
    }
    return total;
  }

  // Advances path states over one child; true when a path ends on it.
  bool advance(const States& states, const std::string* member, std::size_t index, States& next) const {
    bool whole = false;
    for (const PathState& s : states) {
      const auto& segments = key_paths[s.path].segments;
      const PathSegment& seg = segments[s.segment];
      bool match;
      if (member) {
        match = seg.kind == PathSegment::Kind::AnyMember || (seg.kind == PathSegment::Kind::Member && seg.name == *member);
      } else {
        match = seg.kind == PathSegment::Kind::AnyIndex || (seg.kind == PathSegment::Kind::Index && seg.index == index);
        if (seg.kind == PathSegment::Kind::Member || seg.kind == PathSegment::Kind::AnyMember) {
          next.push_back(s);  // arrays are walked through where the path names a member
          continue;
        }
      }
      if (!match) continue;
      if (s.segment + 1 == segments.size())
        whole = true;
      else
        next.push_back({s.path, s.segment + 1});
    }
    return whole;
  }

  void replace_whole(json& value, RedactionStats& stats) const {
    value = redaction_marker(kKeyPathKind);
    stats.add(kKeyPathKind);
  }

  // A member named like a secret loses its whole value unless detectors already replaced all of it.
  void redact_secret_member(SecretKey cls, json& value, RedactionStats& stats) const {
    if (value.is_number() && (cls == SecretKey::Strong || cls == SecretKey::AwsSecret)) {
      value = redaction_marker(kGenericKind);
      stats.add(kGenericKind);
      return;
    }
    if (!value.is_string()) return;
    std::string& s = value.get_ref<std::string&>();
    if (s.empty() || only_markers(s)) return;
    if (cls == SecretKey::Weak && !looks_like_credential(s)) return;
    if (cls == SecretKey::BareKey || cls == SecretKey::None) return;
    std::string replaced;
    if (cls == SecretKey::Authorization) {
      const std::size_t space = s.find(' ');
      if (space != std::string::npos && space > 0 && space <= 16) replaced = s.substr(0, space) + ' ';
    }
    replaced += redaction_marker(kGenericKind);
    s = std::move(replaced);
    stats.add(kGenericKind);
  }

  void walk(json& value, const States& states, RedactionStats& stats) const {
    if (value.is_string()) {
      run(value.get_ref<std::string&>(), stats);
    } else if (value.is_array()) {
      std::size_t index = 0;
      for (json& element : value) {
        States next;
        if (advance(states, nullptr, index++, next))
          replace_whole(element, stats);
        else
          walk(element, next, stats);
      }
    } else if (value.is_object()) {
      walk_object(value.get_ref<json::object_t&>(), states, stats);
    }
  }

  void walk_object(json::object_t& object, const States& states, RedactionStats& stats) const {
    std::vector<std::pair<std::string, std::string>> renames;
    for (auto& [key, child] : object) {
      States next;
      if (advance(states, &key, 0, next)) {
        replace_whole(child, stats);
      } else {
        walk(child, next, stats);
        if (secret_keys) {
          const SecretKey cls = classify_key(key);
          if (cls != SecretKey::None) redact_secret_member(cls, child, stats);
        }
      }
      std::string new_key = key;
      if (run(new_key, stats) > 0) renames.emplace_back(key, std::move(new_key));
    }
    // Keys that held secrets: rename, keeping siblings apart ("#2", "#3", ...).
    for (auto& [old_key, new_key] : renames) {
      auto node = object.extract(old_key);
      std::string unique = new_key;
      for (int n = 2; object.count(unique) > 0; ++n) unique = new_key + "#" + std::to_string(n);
      node.key() = std::move(unique);
      object.insert(std::move(node));
    }
  }
};

Redactor::Redactor() : Redactor(json::object()) {}

Redactor::Redactor(const json& config) {
  auto impl = std::make_shared<Impl>();
  if (!config.is_object()) config_error("must be a JSON object, got " + type_name(config));
  for (const auto& [key, _] : config.items())
    if (key != "enabled" && key != "detectors" && key != "key_paths" && key != "custom_patterns")
      config_error("unknown key '" + key + "' (known: enabled, detectors, key_paths, custom_patterns)");

  if (config.contains("enabled")) {
    if (!config["enabled"].is_boolean()) config_error("'enabled' must be a boolean, got " + type_name(config["enabled"]));
    impl->enabled = config["enabled"].get<bool>();
  }

  std::map<std::string, bool, std::less<>> on;
  for (const auto& b : builtins()) on.emplace(std::string(b.info.name), b.info.enabled_by_default);
  if (config.contains("detectors")) {
    const json& detectors = config["detectors"];
    if (!detectors.is_object())
      config_error("'detectors' must be an object of detector name -> true/false, got " + type_name(detectors));
    for (const auto& [name, value] : detectors.items()) {
      auto it = on.find(name);
      if (it == on.end()) {
        std::string known;
        for (const auto& b : builtins()) known += (known.empty() ? "" : ", ") + std::string(b.info.name);
        config_error("detectors: unknown detector '" + name + "' (known: " + known + ")");
      }
      if (!value.is_boolean()) config_error("detectors." + name + " must be true or false, got " + type_name(value));
      it->second = value.get<bool>();
    }
  }
  for (const auto& b : builtins())
    if (on[std::string(b.info.name)]) impl->steps.push_back({b.info.name, b.fn, b.needs});
  impl->secret_keys = on[std::string(kGenericKind)];

  if (config.contains("key_paths")) {
    const json& paths = config["key_paths"];
    if (!paths.is_array()) config_error("'key_paths' must be an array of strings, got " + type_name(paths));
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const std::string where = "key_paths[" + std::to_string(i) + "]";
      if (!paths[i].is_string()) config_error(where + " must be a string, got " + type_name(paths[i]));
      try {
        impl->key_paths.push_back(parse_key_path(paths[i].get<std::string>()));
      } catch (const std::invalid_argument& e) {
        config_error(where + ": " + e.what());
      }
    }
  }

  if (config.contains("custom_patterns")) {
    const json& patterns = config["custom_patterns"];
    if (!patterns.is_array())
      config_error("'custom_patterns' must be an array of {name, regex, replacement?}, got " + type_name(patterns));
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      CustomPattern p = compile_custom(patterns[i], i);
      const bool builtin_name = on.count(p.name()) > 0 || p.name() == kKeyPathKind;
      for (const CustomPattern& earlier : impl->custom)
        if (earlier.name() == p.name())
          config_error("custom_patterns[" + std::to_string(i) + "]: name '" + p.name() + "' is used twice");
      if (builtin_name)
        config_error("custom_patterns[" + std::to_string(i) + "]: name '" + p.name() +
                     "' is a built-in detector name; pick another so the counts stay apart");
      impl->custom.push_back(std::move(p));
    }
  }
  impl_ = std::move(impl);
}

bool Redactor::enabled() const { return impl_->enabled; }

std::string Redactor::redact(std::string_view text) const {
  RedactionStats ignored;
  return redact(text, ignored);
}

std::string Redactor::redact(std::string_view text, RedactionStats& stats) const {
  std::string out(text);
  if (impl_->enabled) impl_->run(out, stats);
  return out;
}

RedactionStats Redactor::redact_json(json& value) const {
  RedactionStats stats;
  if (!impl_->enabled) return stats;
  Impl::States roots;
  for (std::size_t i = 0; i < impl_->key_paths.size(); ++i) roots.push_back({i, 0});
  impl_->walk(value, roots, stats);
  return stats;
}

}  // namespace dashflow
