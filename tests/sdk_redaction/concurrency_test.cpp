// One Redactor shared by many threads gives every thread the same result as
// a single-threaded run (the Redactor is immutable after construction).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

TEST(Concurrency, SharedRedactorFromManyThreads) {
  const Redactor shared(json{
      {"key_paths", {"items[*].secret_answer"}},
      {"custom_patterns", json::array({{{"name", "ticket"}, {"regex", "TICKET-[0-9]+"}}})}});

  json doc = json::object();
  for (int i = 0; i < 50; ++i) {
    doc["items"].push_back({{"note", "TICKET-" + std::to_string(i) + " from user" + std::to_string(i) + "@example.com"},
                            {"secret_answer", "blue"},
                            {"card", "4111 1111 1111 1111"},
                            {"auth", "Authorization: Bearer abc123def456ghi789"},
                            {"duration_ms", i * 10}});
  }
  json expected_doc = doc;
  const RedactionStats expected_stats = shared.redact_json(expected_doc);
  const std::string text = doc.dump();
  const std::string expected_text = shared.redact(text);
  ASSERT_EQ(expected_stats.count("ticket"), 50u);
  ASSERT_EQ(expected_stats.count("key_path"), 50u);

  constexpr int kThreads = 8;
  constexpr int kRounds = 20;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        json mine = doc;
        const RedactionStats stats = shared.redact_json(mine);
        if (mine != expected_doc || stats.by_kind != expected_stats.by_kind) ++mismatches;
        if (shared.redact(text) != expected_text) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
