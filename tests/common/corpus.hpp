// Writes small DashFlow trace corpora with planted problems whose answers
// the tests know: a node with recurring timeouts, a node with retries, a slow
// node, a missing tool.
#pragma once

#include <cstdint>
#include <string>

namespace dashflow::test {

struct PlantedCorpus {
  int traces = 40;
  // 'fetch' times out (retried) in every 4th trace; 'summarize' is slow (~2.5 s);
  // 'lookup' fails with "tool 'geocode' not found" in every 5th trace.
  int start_minute = 0;  // started_at minutes after 2025-12-15T10:00
};

// Writes traces t0000.json ... into dir; returns the number written.
int write_planted_corpus(const std::string& dir, const PlantedCorpus& spec = {});

// One successful trace through planner -> fetch -> summarize -> respond.
std::string healthy_trace_json(int index, int start_minute);

}  // namespace dashflow::test
