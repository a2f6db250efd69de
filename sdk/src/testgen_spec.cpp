// The test-spec model: flows, specs, and the versioned JSON spec file.
// Reading is strict inside "tests" (unknown keys are errors) so that a typo
// in a hand-edited expectation cannot silently turn a check off.
#include <cmath>
#include <fstream>
#include <sstream>

#include "dashflow/testgen.hpp"
#include "json_support.hpp"

namespace dashflow::testgen {

using detail::within;

// ------------------------------------------------------------------ flows

namespace {
std::string entry_key(const FlowKey& k) { return k.graph_name ? std::string() : k.entry_node; }
}  // namespace

bool FlowKey::operator==(const FlowKey& other) const {
  return graph_name == other.graph_name && entry_key(*this) == entry_key(other);
}

bool FlowKey::operator<(const FlowKey& other) const {
  if (graph_name != other.graph_name) return graph_name < other.graph_name;
  return entry_key(*this) < entry_key(other);
}

std::string FlowKey::describe() const {
  if (graph_name) return "graph " + quote_text(*graph_name);
  return "unnamed graph starting at node " + quote_text(entry_node);
}

FlowKey flow_of(const ExecutionTrace& trace) {
  FlowKey key;
  if (!trace.metadata.empty()) {
    const json meta = json::parse(trace.metadata.text, nullptr, /*allow_exceptions=*/false);
    if (meta.is_object()) {
      auto it = meta.find("graph_name");
      if (it != meta.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
        key.graph_name = it->get<std::string>();
    }
  }
  if (!key.graph_name && !trace.nodes_executed.empty()) key.entry_node = trace.nodes_executed.front().node;
  return key;
}

// ------------------------------------------------------------------ specs

std::vector<std::string> TestSpec::node_sequence() const {
  std::vector<std::string> out;
  out.reserve(steps.size());
  for (const auto& s : steps) out.push_back(s.node);
  return out;
}

const TestSpec* SpecFile::find(std::string_view name) const {
  for (const auto& t : tests)
    if (t.name == name) return &t;
  return nullptr;
}

// ------------------------------------------------------------------ writing

namespace {

json optional_string(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

json flow_json(const FlowKey& k) {
  json j = json::object();
  j["graph_name"] = optional_string(k.graph_name);
  if (!k.graph_name) j["entry_node"] = k.entry_node;
  return j;
}

json test_json(const TestSpec& t) {
  json steps = json::array();
  for (const auto& s : t.steps) steps.push_back({{"node", s.node}, {"tools", s.tools}});
  json expect = json::object();
  expect["success"] = t.expect_success;
  expect["error_count"] = t.expected_error_count;
  expect["steps"] = std::move(steps);
  if (t.timing) {
    json timing = json::object();
    timing["tolerance"] = t.timing->tolerance;
    timing["floor_ms"] = t.timing->floor_ms;
    if (t.timing->total_max_ms) timing["total_max_ms"] = *t.timing->total_max_ms;
    timing["node_max_ms"] = t.timing->node_max_ms;
    expect["timing"] = std::move(timing);
  }
  json source = json::object();
  source["location"] = t.source.location;
  source["execution_id"] = optional_string(t.source.execution_id);
  source["thread_id"] = optional_string(t.source.thread_id);
  source["started_at"] = optional_string(t.source.started_at);
  source["traces"] = t.source.traces;
  json j = json::object();
  j["name"] = t.name;
  j["description"] = t.description;
  j["match"] = flow_json(t.match);
  j["source"] = std::move(source);
  j["expect"] = std::move(expect);
  return j;
}

}  // namespace

std::string spec_file_to_json(const SpecFile& file) {
  json tests = json::array();
  for (const auto& t : file.tests) tests.push_back(test_json(t));
  json j = json::object();
  j["_schema_version"] = file.schema_version;
  j["kind"] = kSpecKind;
  j["generated_at"] = file.generated_at;
  j["generator"] = file.generator.is_object() ? file.generator : json::object();
  j["tests"] = std::move(tests);
  // ASCII only: the text can be embedded in C++ and shown on any terminal.
  return j.dump(2, ' ', true, json::error_handler_t::replace) + "\n";
}

// ------------------------------------------------------------------ reading

namespace {

void only_keys(const json& obj, std::initializer_list<std::string_view> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (auto a : allowed) known = known || it.key() == a;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw JsonError(it.key(), "unknown key (expected one of " + list + ")");
    }
  }
}

void read_flow(const json& j, FlowKey& k) {
  detail::expect_object(j);
  only_keys(j, {"graph_name", "entry_node"});
  const json* g = detail::member(j, "graph_name");
  if (!g) throw JsonError("graph_name", "missing required field (a string, or null for traces without a graph name)");
  if (g->is_null()) {
    k.graph_name.reset();
    detail::required(j, "entry_node", k.entry_node);
  } else {
    std::string name;
    within("graph_name", [&] { detail::read_value(*g, name); });
    if (name.empty()) throw JsonError("graph_name", "must not be empty (use null for traces without a graph name)");
    k.graph_name = std::move(name);
    k.entry_node.clear();
  }
}

void read_step(const json& j, StepSpec& s) {
  detail::expect_object(j);
  only_keys(j, {"node", "tools"});
  detail::required(j, "node", s.node);
  s.tools.clear();
  detail::defaulted(j, "tools", s.tools);
}

void read_timing(const json& j, TimingSpec& t) {
  detail::expect_object(j);
  only_keys(j, {"tolerance", "floor_ms", "total_max_ms", "node_max_ms"});
  detail::defaulted(j, "tolerance", t.tolerance);
  if (!std::isfinite(t.tolerance) || t.tolerance < 0) throw JsonError("tolerance", "must be a finite number >= 0");
  detail::defaulted(j, "floor_ms", t.floor_ms);
  detail::optional(j, "total_max_ms", t.total_max_ms);
  t.node_max_ms.clear();
  if (const json* m = detail::member(j, "node_max_ms"); m && !m->is_null()) {
    within("node_max_ms", [&] {
      detail::expect_object(*m);
      for (auto it = m->begin(); it != m->end(); ++it)
        within(it.key(), [&] { detail::read_value(it.value(), t.node_max_ms[it.key()]); });
    });
  }
}

void read_source(const json& j, SourceInfo& s) {
  detail::expect_object(j);
  only_keys(j, {"location", "execution_id", "thread_id", "started_at", "traces"});
  detail::defaulted(j, "location", s.location);
  detail::optional(j, "execution_id", s.execution_id);
  detail::optional(j, "thread_id", s.thread_id);
  detail::optional(j, "started_at", s.started_at);
  detail::defaulted(j, "traces", s.traces);
}

void read_test(const json& j, TestSpec& t) {
  detail::expect_object(j);
  only_keys(j, {"name", "description", "match", "source", "expect"});
  detail::required(j, "name", t.name);
  if (!is_cpp_identifier(t.name))
    throw JsonError("name", quote_text(t.name) + " is not a valid C++ identifier (ASCII letters, digits and '_', not "
                                            "starting with a digit or '_', no \"__\", not a keyword)");
  detail::defaulted(j, "description", t.description);
  const json* match = detail::member(j, "match");
  if (!match) throw JsonError("match", "missing required field");
  within("match", [&] { read_flow(*match, t.match); });
  if (const json* s = detail::member(j, "source"); s && !s->is_null()) within("source", [&] { read_source(*s, t.source); });
  const json* e = detail::member(j, "expect");
  if (!e) throw JsonError("expect", "missing required field");
  within("expect", [&] {
    detail::expect_object(*e);
    only_keys(*e, {"success", "error_count", "steps", "timing"});
    detail::required(*e, "success", t.expect_success);
    detail::required(*e, "error_count", t.expected_error_count);
    const json* steps = detail::member(*e, "steps");
    if (!steps) throw JsonError("steps", "missing required field");
    within("steps", [&] {
      if (!steps->is_array()) detail::type_mismatch("an array", *steps);
      t.steps.resize(steps->size());
      for (size_t i = 0; i < steps->size(); ++i)
        within("[" + std::to_string(i) + "]", [&] { read_step((*steps)[i], t.steps[i]); });
    });
    if (const json* timing = detail::member(*e, "timing"); timing && !timing->is_null()) {
      t.timing.emplace();
      within("timing", [&] { read_timing(*timing, *t.timing); });
    }
    if (t.expect_success && t.expected_error_count != 0)
      throw JsonError("error_count", "is " + std::to_string(t.expected_error_count) +
                                         " but success is true (a successful run has no errors)");
  });
}

}  // namespace

SpecFile parse_spec_file(std::string_view text, const std::string& where) {
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw SpecError(where + ": not valid JSON: " + e.what());
  }
  SpecFile file;
  try {
    detail::expect_object(j);
    const json* version = detail::member(j, "_schema_version");
    if (!version)
      throw JsonError("_schema_version", "missing required field (is this a file written by 'dashflow self-improve generate-tests'?)");
    uint64_t v = 0;
    within("_schema_version", [&] { detail::read_value(*version, v); });
    if (v == 0 || v > static_cast<uint64_t>(kSpecSchemaVersion))
      throw JsonError("_schema_version", "is " + std::to_string(v) + "; this version of dashflow reads schema " +
                                             std::to_string(kSpecSchemaVersion) +
                                             (v > static_cast<uint64_t>(kSpecSchemaVersion) ? " (written by a newer dashflow: upgrade)" : ""));
    file.schema_version = static_cast<int>(v);
    only_keys(j, {"_schema_version", "kind", "generated_at", "generator", "tests"});
    if (const json* kind = detail::member(j, "kind")) {
      if (!kind->is_string() || kind->get_ref<const std::string&>() != kSpecKind)
        throw JsonError("kind", std::string("expected \"") + kSpecKind + "\", got " + kind->dump());
    }
    detail::defaulted(j, "generated_at", file.generated_at);
    if (const json* g = detail::member(j, "generator"); g && !g->is_null()) {
      within("generator", [&] { detail::expect_object(*g); });
      file.generator = *g;
    }
    const json* tests = detail::member(j, "tests");
    if (!tests) throw JsonError("tests", "missing required field");
    std::set<std::string> names;
    within("tests", [&] {
      if (!tests->is_array()) detail::type_mismatch("an array", *tests);
      file.tests.resize(tests->size());
      for (size_t i = 0; i < tests->size(); ++i) {
        within("[" + std::to_string(i) + "]", [&] {
          read_test((*tests)[i], file.tests[i]);
          if (!names.insert(file.tests[i].name).second)
            throw JsonError("name", quote_text(file.tests[i].name) + " is used by an earlier test (names must be unique)");
        });
      }
    });
  } catch (const JsonError& e) {
    throw SpecError(where + ": " + e.what());
  }
  return file;
}

SpecFile read_spec_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError("cannot read test spec file '" + path + "' (does it exist and is it readable?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SpecError("cannot read test spec file '" + path + "': read error");
  return parse_spec_file(text.str(), path);
}

}  // namespace dashflow::testgen
