// Internal helpers for the SDK's JSON read/write (not installed).
//
// Reading: every reader throws JsonError whose path names the field, built up
// from the innermost failure outwards ("nodes_executed[1].duration_ms").
// Writing: small helpers for "write only when set" extension fields.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dashflow/json.hpp"

namespace dashflow::detail {

// "a" + "b" -> "a.b"; "a" + "[1].b" -> "a[1].b".
inline std::string join_path(std::string_view parent, std::string_view child) {
  if (child.empty()) return std::string(parent);
  if (parent.empty()) return std::string(child);
  std::string out(parent);
  if (child.front() != '[') out += '.';
  out += child;
  return out;
}

// The message part of a JsonError (what() is "path: message").
inline std::string message_of(const JsonError& e) {
  std::string what = e.what();
  if (e.path().empty()) return what;
  const size_t skip = e.path().size() + 2;
  return what.size() >= skip ? what.substr(skip) : what;
}

// Runs fn(); a JsonError escaping it gets `prefix` put in front of its path.
template <class Fn>
void within(std::string_view prefix, Fn&& fn) {
  try {
    fn();
  } catch (const JsonError& e) {
    throw JsonError(join_path(prefix, e.path()), message_of(e));
  }
}

// "string", "float", "negative integer", "object", ...
inline std::string kind_of(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer: return j.get<int64_t>() < 0 ? "negative integer" : "integer";
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "float";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "binary";
  }
}

[[noreturn]] inline void type_mismatch(const char* expected, const json& j) {
  throw JsonError("", std::string("expected ") + expected + ", got " + kind_of(j));
}

inline void expect_object(const json& j) {
  if (!j.is_object()) type_mismatch("an object", j);
}

// ------------------------------------------------------------ scalar reads

inline void read_value(const json& j, std::string& out) {
  if (!j.is_string()) type_mismatch("a string", j);
  out = j.get_ref<const std::string&>();
}

inline void read_value(const json& j, bool& out) {
  if (!j.is_boolean()) type_mismatch("a boolean", j);
  out = j.get<bool>();
}

inline uint64_t read_unsigned(const json& j, uint64_t max, const char* expected) {
  if (j.is_number_unsigned()) {
    const uint64_t v = j.get<uint64_t>();
    if (v > max) throw JsonError("", std::string("expected ") + expected + ", got " + std::to_string(v) + " (too large)");
    return v;
  }
  if (j.is_number_integer() && j.get<int64_t>() >= 0) {
    const uint64_t v = static_cast<uint64_t>(j.get<int64_t>());
    if (v > max) throw JsonError("", std::string("expected ") + expected + ", got " + std::to_string(v) + " (too large)");
    return v;
  }
  type_mismatch(expected, j);
}

inline void read_value(const json& j, uint64_t& out) {
  out = read_unsigned(j, UINT64_MAX, "an unsigned integer");
}

inline void read_value(const json& j, uint32_t& out) {
  out = static_cast<uint32_t>(read_unsigned(j, UINT32_MAX, "an unsigned 32-bit integer"));
}

inline void read_value(const json& j, uint8_t& out) {
  out = static_cast<uint8_t>(read_unsigned(j, 255, "an integer 0..255"));
}

inline void read_value(const json& j, int64_t& out) {
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    out = j.get<int64_t>();
    return;
  }
  if (j.is_number_unsigned()) {
    const uint64_t v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(INT64_MAX)) throw JsonError("", "expected a signed 64-bit integer, got " + std::to_string(v) + " (too large)");
    out = static_cast<int64_t>(v);
    return;
  }
  type_mismatch("an integer", j);
}

inline void read_value(const json& j, double& out) {
  if (!j.is_number()) type_mismatch("a number", j);
  out = j.get<double>();
}

// ------------------------------------------------------------ composite reads

inline void read_value(const json& j, std::map<std::string, std::string>& out) {
  expect_object(j);
  out.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::string value;
    within(it.key(), [&] { read_value(it.value(), value); });
    out.emplace(it.key(), std::move(value));
  }
}

inline void read_value(const json& j, std::pair<uint64_t, uint64_t>& out) {
  if (!j.is_array() || j.size() != 2) type_mismatch("an array of two integers", j);
  within("[0]", [&] { read_value(j[0], out.first); });
  within("[1]", [&] { read_value(j[1], out.second); });
}


// Any SDK type: its from_json (found by argument-dependent lookup).
template <class T>
void read_value(const json& j, T& out) {
  from_json(j, out);
}

template <class T>
void read_value(const json& j, std::vector<T>& out);

template <class T>
void read_value(const json& j, std::optional<T>& out) {
  if (j.is_null()) {
    out.reset();
    return;
  }
  T value{};
  read_value(j, value);
  out = std::move(value);
}

template <class T>
void read_value(const json& j, std::vector<T>& out) {
  if (!j.is_array()) type_mismatch("an array", j);
  out.clear();
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    T item{};
    within("[" + std::to_string(i) + "]", [&] { read_value(j[i], item); });
    out.push_back(std::move(item));
  }
}

// ------------------------------------------------------------ field reads

inline const json* member(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// A field without a serde default: must be present.
template <class T>
void required(const json& obj, std::string_view key, T& out) {
  const json* v = member(obj, key);
  if (!v) throw JsonError(std::string(key), "missing required field");
  within(key, [&] { read_value(*v, out); });
}

// An Option field: absent or null reads as unset.
template <class T>
void optional(const json& obj, std::string_view key, std::optional<T>& out) {
  const json* v = member(obj, key);
  if (!v || v->is_null()) {
    out.reset();
    return;
  }
  within(key, [&] { read_value(*v, out); });
}

// A field with a default (serde default, or one of our extensions): absent
// or null keeps the value `out` already holds.
template <class T>
void defaulted(const json& obj, std::string_view key, T& out) {
  const json* v = member(obj, key);
  if (!v || v->is_null()) return;
  within(key, [&] { read_value(*v, out); });
}

// ------------------------------------------------------------ enums

// An externally tagged enum value: "Unit" or {"Variant": body}.
struct Tagged {
  std::string tag;
  const json* body = nullptr;  // null for a bare-string unit variant
};

inline Tagged read_tag(const json& j) {
  if (j.is_string()) return {j.get<std::string>(), nullptr};
  if (j.is_object() && j.size() == 1) return {j.begin().key(), &j.begin().value()};
  type_mismatch("an externally tagged enum (a string, or an object with exactly one key)", j);
}

[[noreturn]] inline void unknown_variant(const std::string& tag, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  throw JsonError("", "unknown variant '" + tag + "', expected one of " + list);
}

// The body of a struct variant, which must be an object.
inline const json& variant_body(const Tagged& t) {
  if (!t.body) throw JsonError("", "variant '" + t.tag + "' needs an object body, got a bare string");
  if (!t.body->is_object()) {
    try {
      type_mismatch("an object", *t.body);
    } catch (const JsonError& e) {
      throw JsonError(t.tag, message_of(e));
    }
  }
  return *t.body;
}

// A unit variant may be written "Unit" or {"Unit": null}.
inline void expect_unit(const Tagged& t) {
  if (t.body && !t.body->is_null()) throw JsonError(t.tag, "unit variant takes no value, got " + kind_of(*t.body));
}

// Reads the struct variant body with paths prefixed by the tag name.
template <class Fn>
void read_variant(const Tagged& t, Fn&& fn) {
  const json& body = variant_body(t);
  within(t.tag, [&] { fn(body); });
}

// A unit-only enum: maps the bare string onto one of the names.
template <class E, size_t N>
E read_unit_enum(const json& j, const std::pair<const char*, E> (&names)[N]) {
  const Tagged t = read_tag(j);
  for (const auto& [name, value] : names) {
    if (t.tag == name) {
      expect_unit(t);
      return value;
    }
  }
  std::string list;
  for (const auto& [name, value] : names) {
    (void)value;
    if (!list.empty()) list += ", ";
    list += name;
  }
  throw JsonError("", "unknown variant '" + t.tag + "', expected one of " + list);
}

// ------------------------------------------------------------ writes

// RawJson text -> the value it holds (null when empty).
inline json raw_value(const RawJson& raw) {
  if (raw.empty()) return nullptr;
  try {
    return json::parse(raw.text);
  } catch (const json::parse_error& e) {
    throw JsonError("", std::string("raw JSON text is not valid JSON: ") + e.what());
  }
}

// A required object field (metadata): {} when empty.
inline json raw_object(const RawJson& raw) {
  return raw.empty() ? json::object() : raw_value(raw);
}

// A required metadata object read back: {} reads as empty, so it round-trips.
inline void read_raw_object(const json& obj, std::string_view key, RawJson& out) {
  const json* v = member(obj, key);
  if (!v) throw JsonError(std::string(key), "missing required field");
  if (!v->is_object()) {
    try {
      type_mismatch("an object", *v);
    } catch (const JsonError& e) {
      throw JsonError(std::string(key), message_of(e));
    }
  }
  out.text = v->empty() ? std::string() : v->dump();
}

template <class T>
json value_or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <class T>
void put_if_set(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

inline void put_if_nonempty(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

template <class T>
void put_if_nonempty(json& j, const char* key, const std::vector<T>& v) {
  if (!v.empty()) j[key] = v;
}

inline json tagged(const char* tag, json body) {
  json j = json::object();
  j[tag] = std::move(body);
  return j;
}

}  // namespace dashflow::detail
