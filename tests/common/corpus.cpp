#include "corpus.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "process.hpp"

using nlohmann::json;

namespace dashflow::test {
namespace {

std::string stamp(int minute, int second = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2025-12-%02d T%02d:%02d:%02d.000+00:00", 15 + minute / 1440, (minute / 60) % 24,
                minute % 60, second);
  std::string s = buf;
  s.erase(10, 1);  // drop the space used to keep the format readable
  return s;
}

json node(const std::string& name, uint64_t ms, uint64_t tokens, int index, bool success = true,
          const std::vector<std::string>& tools = {}) {
  return {{"node", name},        {"duration_ms", ms},       {"tokens_used", tokens},
          {"state_before", nullptr}, {"state_after", nullptr}, {"tools_called", tools},
          {"success", success},  {"error_message", nullptr}, {"index", index},
          {"started_at", nullptr}, {"metadata", json::object()}};
}

json error(const std::string& node, const std::string& message, bool retry, const std::string& type) {
  return {{"node", node},       {"message", message},    {"error_type", type}, {"state_at_error", nullptr},
          {"timestamp", nullptr}, {"execution_index", nullptr}, {"recoverable", true},
          {"retry_attempted", retry}, {"context", nullptr}, {"metadata", json::object()}};
}

json make_trace(int i, int start_minute) {
  json nodes = json::array();
  json errors = json::array();
  nodes.push_back(node("planner", 120 + (i % 7) * 10, 800, 0));
  const bool timeout = i % 4 == 0;
  nodes.push_back(node("fetch", timeout ? 30000 : 300 + (i % 5) * 20, 0, 1, !timeout, {"search"}));
  if (timeout) errors.push_back(error("fetch", "Timeout after " + std::to_string(30 + i % 3) + "s calling weather-api", true, "Timeout"));
  nodes.push_back(node("summarize", 2400 + (i % 10) * 20, 1500, 2));
  const bool missing = i % 5 == 0;
  nodes.push_back(node("lookup", 50, 0, 3, !missing, {"geocode"}));
  if (missing) errors.push_back(error("lookup", "tool 'geocode' not found", false, "ToolError"));
  nodes.push_back(node("respond", 200, 400, 4));
  uint64_t total = 0, tokens = 0;
  for (const auto& n : nodes) total += n["duration_ms"].get<uint64_t>(), tokens += n["tokens_used"].get<uint64_t>();
  return {{"thread_id", "session-" + std::to_string(i)},
          {"execution_id", "exec-" + std::to_string(100000 + i)},
          {"nodes_executed", nodes},
          {"total_duration_ms", total},
          {"total_tokens", tokens},
          {"errors", errors},
          {"completed", errors.empty()},
          {"started_at", stamp(start_minute + i)},
          {"ended_at", stamp(start_minute + i, 40)},
          {"final_state", nullptr},
          {"metadata", {{"graph_name", "weather_bot"}}}};
}

}  // namespace

int write_planted_corpus(const std::string& dir, const PlantedCorpus& spec) {
  for (int i = 0; i < spec.traces; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/t%04d.json", spec.start_minute + i);
    write_file(dir + name, make_trace(spec.start_minute + i, 0).dump(2));
  }
  return spec.traces;
}

std::string healthy_trace_json(int index, int start_minute) {
  json nodes = json::array({node("planner", 100, 500, 0), node("fetch", 300, 0, 1, true, {"search"}),
                            node("summarize", 400, 900, 2), node("respond", 150, 300, 3)});
  return json{{"thread_id", "ok-" + std::to_string(index)},
              {"execution_id", "ok-exec-" + std::to_string(index)},
              {"nodes_executed", nodes},
              {"total_duration_ms", 950},
              {"total_tokens", 1700},
              {"errors", json::array()},
              {"completed", true},
              {"started_at", stamp(start_minute + index)},
              {"ended_at", stamp(start_minute + index, 1)},
              {"final_state", nullptr},
              {"metadata", {{"graph_name", "weather_bot"}}}}
      .dump(2);
}

}  // namespace dashflow::test
