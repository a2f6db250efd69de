// Trace corpora for the testgen integration tests: a "checkout" graph with a
// loop variant, a graph whose name needs escaping everywhere, an unsuccessful
// run; and regressed copies (a node skipped, an error, a slow node).
#pragma once

#include <string>

#include "dashflow/json.hpp"
#include "dashflow/testing/builders.hpp"
#include "process.hpp"

namespace testgen_it {

using dashflow::json;
using dashflow::testing::TraceBuilder;

// Needs every escape: quotes, backslash, newline, non-ASCII, "*/", "??=".
inline const std::string kOddGraph = "support \"bot\"\\v2\n\xe5\xa4\x9a\xe8\xaf\xad\xe8\xa8\x80 */ ?\?=";

inline std::string stamp(int minute) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2025-12-15T10:%02d:00+00:00", minute);
  return buf;
}

inline TraceBuilder checkout(int minute, const std::string& id) {
  TraceBuilder b;
  b.metadata_json(json{{"graph_name", "checkout"}}.dump()).started_at(stamp(minute)).execution(id).thread("session-" + id);
  return b;
}

inline void write(const std::string& path, const dashflow::ExecutionTrace& t) {
  dashflow::test::write_file(path, dashflow::to_json_text(t));
}

// plan -> validate(schema_check) -> llm(search) -> respond, 4 times; the loop
// variant plan -> llm -> llm -> respond twice; the odd graph once; one failed run.
inline void write_baseline(const std::string& dir) {
  for (int i = 0; i < 4; ++i)
    write(dir + "/checkout-" + std::to_string(i) + ".json",
          checkout(i, "c" + std::to_string(i))
              .node("plan", 100 + i).node("validate", 40).tool("schema_check")
              .node("llm", 110 + i * 3).tool("search").node("respond", 30)
              .build());
  for (int i = 0; i < 2; ++i)
    write(dir + "/loop-" + std::to_string(i) + ".json",
          checkout(10 + i, "l" + std::to_string(i)).node("plan", 90).node("llm", 100).node("llm", 100).node("respond", 20).build());
  TraceBuilder odd;
  odd.metadata_json(json{{"graph_name", kOddGraph}}.dump()).started_at(stamp(20)).execution("odd-1");
  odd.node("r\xc3\xa9sum\xc3\xa9 \"node\"\\", 10).tool("t\"ool\n").node("*/", 5);
  write(dir + "/odd.json", odd.build());
  write(dir + "/failed.json",
        checkout(30, "f1").node("plan", 100).node("boom", 5).error("boom", "exploded", false, "Crash").build());
}

// One regression each, for the checkout graph.
inline void write_skipped_node(const std::string& dir) {
  write(dir + "/skipped.json", checkout(40, "s1").node("plan", 100).node("llm", 110).tool("search").node("respond", 30).build());
}
inline void write_error(const std::string& dir) {
  write(dir + "/error.json",
        checkout(41, "e1").node("plan", 100).node("validate", 40).tool("schema_check").node("llm", 110).tool("search")
            .node("respond", 30).error("llm", "rate limited \"429\"", true, "LLMError").completed(true).build());
}
inline void write_slow(const std::string& dir) {
  write(dir + "/slow.json", checkout(42, "w1").node("plan", 100).node("validate", 40).tool("schema_check").node("llm", 912)
                                .tool("search").node("respond", 30).build());
}

}  // namespace testgen_it
