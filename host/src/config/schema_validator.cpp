#include "config/schema_validator.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace dashflow::host {
namespace {

using json = nlohmann::json;

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestion(const std::string& key, const json& properties) {
  std::string best;
  size_t best_distance = 3;  // only close matches are useful
  for (auto it = properties.begin(); it != properties.end(); ++it) {
    size_t d = edit_distance(key, it.key());
    if (d < best_distance) best_distance = d, best = it.key();
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "unknown";
  }
}

bool matches_type(const json& v, const std::string& type) {
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (v.is_number_float()) {
      double d = v.get<double>();
      return d == static_cast<double>(static_cast<long long>(d));
    }
    return false;
  }
  return type_of(v) == type;
}

void validate(const json& v, const json& s, const std::string& path, std::vector<SchemaIssue>& out) {
  if (!s.is_object()) return;
  if (auto t = s.find("type"); t != s.end()) {
    bool ok = false;
    std::string expected;
    if (t->is_string()) {
      ok = matches_type(v, *t);
      expected = *t;
    } else if (t->is_array()) {
      for (const auto& one : *t) {
        ok = ok || matches_type(v, one.get<std::string>());
        expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
      }
    }
    if (!ok) {
      out.push_back({path, "expected " + expected + ", got " + type_of(v) + " " + v.dump()});
      return;
    }
  }
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    if (std::find(e->begin(), e->end(), v) == e->end())
      out.push_back({path, "value " + v.dump() + " is not one of " + e->dump()});
  }
  if (auto c = s.find("const"); c != s.end() && *c != v)
    out.push_back({path, "value " + v.dump() + " must be " + c->dump()});
  if (v.is_number()) {
    double d = v.get<double>();
    if (auto m = s.find("minimum"); m != s.end() && d < m->get<double>())
      out.push_back({path, "value " + v.dump() + " is below the minimum " + m->dump()});
    if (auto m = s.find("maximum"); m != s.end() && d > m->get<double>())
      out.push_back({path, "value " + v.dump() + " is above the maximum " + m->dump()});
    if (auto m = s.find("exclusiveMinimum"); m != s.end() && d <= m->get<double>())
      out.push_back({path, "value " + v.dump() + " must be greater than " + m->dump()});
    if (auto m = s.find("exclusiveMaximum"); m != s.end() && d >= m->get<double>())
      out.push_back({path, "value " + v.dump() + " must be less than " + m->dump()});
  }
  if (v.is_string()) {
    const auto& str = v.get_ref<const std::string&>();
    if (auto m = s.find("minLength"); m != s.end() && str.size() < m->get<size_t>())
      out.push_back({path, "string is shorter than " + m->dump() + " characters"});
    if (auto m = s.find("maxLength"); m != s.end() && str.size() > m->get<size_t>())
      out.push_back({path, "string is longer than " + m->dump() + " characters"});
    if (auto p = s.find("pattern"); p != s.end()) {
      try {
        if (!std::regex_search(str, std::regex(p->get<std::string>(), std::regex::ECMAScript)))
          out.push_back({path, "value " + v.dump() + " does not match the pattern " + p->dump()});
      } catch (const std::regex_error&) {
        out.push_back({path, "schema pattern " + p->dump() + " is not a valid regular expression"});
      }
    }
  }
  if (v.is_array()) {
    if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<size_t>())
      out.push_back({path, "needs at least " + m->dump() + " items, has " + std::to_string(v.size())});
    if (auto m = s.find("maxItems"); m != s.end() && v.size() > m->get<size_t>())
      out.push_back({path, "allows at most " + m->dump() + " items, has " + std::to_string(v.size())});
    if (auto items = s.find("items"); items != s.end())
      for (size_t i = 0; i < v.size(); ++i) validate(v[i], *items, path + "/" + std::to_string(i), out);
  }
  if (v.is_object()) {
    static const json kEmpty = json::object();
    const json& props = s.contains("properties") ? s["properties"] : kEmpty;
    if (auto r = s.find("required"); r != s.end() && r->is_array()) {
      for (const auto& key : *r)
        if (!v.contains(key.get<std::string>()))
          out.push_back({path, "missing required key '" + key.get<std::string>() + "'"});
    }
    auto additional = s.find("additionalProperties");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string child = path + "/" + it.key();
      if (auto p = props.find(it.key()); p != props.end()) {
        validate(it.value(), *p, child, out);
      } else if (additional != s.end() && additional->is_boolean() && !additional->get<bool>()) {
        out.push_back({path, "unknown key '" + it.key() + "'" + suggestion(it.key(), props)});
      } else if (additional != s.end() && additional->is_object()) {
        validate(it.value(), *additional, child, out);
      }
    }
  }
}

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> k = {
      "type", "properties", "required", "additionalProperties", "enum", "const", "minimum", "maximum",
      "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "items", "minItems",
      "maxItems", "default", "description", "title", "examples", "$schema", "$comment"};
  return k;
}

void check_supported(const json& s, const std::string& path, std::vector<SchemaIssue>& out) {
  if (!s.is_object()) {
    out.push_back({path, "a schema must be an object"});
    return;
  }
  static const std::set<std::string> kTypes = {"null", "boolean", "integer", "number", "string", "array", "object"};
  auto bad = [&](const std::string& key, const std::string& need) {
    out.push_back({path, "schema keyword '" + key + "' must be " + need});
  };
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    if (!supported_keywords().count(k)) {
      out.push_back({path, "schema keyword '" + k + "' is not supported by dashflow's validator"});
    } else if (k == "type") {
      bool ok = v.is_string() ? kTypes.count(v.get<std::string>()) > 0 : v.is_array() && !v.empty();
      if (v.is_array())
        for (const auto& t : v) ok = ok && t.is_string() && kTypes.count(t.get<std::string>());
      if (!ok) bad(k, "a JSON type name or a list of them");
    } else if (k == "minimum" || k == "maximum" || k == "exclusiveMinimum" || k == "exclusiveMaximum") {
      if (!v.is_number()) bad(k, "a number");
    } else if (k == "minLength" || k == "maxLength" || k == "minItems" || k == "maxItems") {
      if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) bad(k, "a non-negative integer");
    } else if (k == "required") {
      bool ok = v.is_array();
      if (ok)
        for (const auto& r : v) ok = ok && r.is_string();
      if (!ok) bad(k, "a list of key names");
    } else if (k == "enum") {
      if (!v.is_array()) bad(k, "a list");
    } else if (k == "pattern") {
      if (!v.is_string()) bad(k, "a string");
      else {
        try {
          std::regex re(v.get<std::string>(), std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          bad(k, "a valid regular expression");
        }
      }
    } else if (k == "properties") {
      if (!v.is_object()) bad(k, "an object of schemas");
    } else if (k == "additionalProperties") {
      if (!v.is_boolean() && !v.is_object()) bad(k, "a boolean or a schema");
    } else if (k == "items") {
      if (!v.is_object()) bad(k, "a schema");
    }
  }
  if (auto p = s.find("properties"); p != s.end() && p->is_object())
    for (auto it = p->begin(); it != p->end(); ++it) check_supported(it.value(), path + "/properties/" + it.key(), out);
  if (auto i = s.find("items"); i != s.end() && i->is_object()) check_supported(*i, path + "/items", out);
  if (auto a = s.find("additionalProperties"); a != s.end() && a->is_object())
    check_supported(*a, path + "/additionalProperties", out);
}

}  // namespace

std::vector<SchemaIssue> validate_against_schema(const json& value, const json& schema) {
  std::vector<SchemaIssue> out;
  validate(value, schema, "", out);
  return out;
}

json apply_schema_defaults(const json& value, const json& schema) {
  json result = value;
  if (!schema.is_object()) return result;
  if (result.is_null() && schema.contains("default")) return schema["default"];
  auto is_object_schema = [](const json& sc) { return sc.contains("type") && sc["type"] == "object"; };
  if (result.is_null() && is_object_schema(schema)) result = json::object();
  if (result.is_object() && schema.contains("properties")) {
    for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
      if (result.contains(it.key())) {
        result[it.key()] = apply_schema_defaults(result[it.key()], it.value());
      } else if (it.value().contains("default")) {
        result[it.key()] = it.value()["default"];
      } else if (is_object_schema(it.value()) && it.value().contains("properties")) {
        json nested = apply_schema_defaults(json::object(), it.value());
        if (!nested.empty()) result[it.key()] = nested;
      }
    }
  }
  return result;
}

std::vector<SchemaIssue> check_schema_supported(const json& schema) {
  std::vector<SchemaIssue> out;
  check_supported(schema, "", out);
  return out;
}

}  // namespace dashflow::host
