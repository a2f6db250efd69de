// For every good fixture: the simdjson parse equals the SDK's nlohmann-based
// from_json_text<ExecutionTrace> (raw payloads compared as JSON values, since
// nlohmann re-serializes them with sorted keys). Bad inputs that the SDK
// rejects are skipped here too.
#include <zlib.h>

#include <gtest/gtest.h>

#include "trace_dir_test_util.hpp"
#include "trace_files.hpp"

using namespace tdtest;

namespace {

std::string gunzip_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

std::vector<std::string> documents_of(const std::string& path) {
  const std::string text = path.ends_with(".gz") ? gunzip_file(path) : read_file(path);
  std::vector<std::string> docs;
  if (path.ends_with(".jsonl")) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(pos, nl - pos);
      pos = nl + 1;
      if (line.find_first_not_of(" \t\r") != std::string::npos) docs.push_back(line);
    }
  } else if (text.find_first_not_of(" \t\r\n") != std::string::npos && text[text.find_first_not_of(" \t\r\n")] == '[') {
    for (const auto& item : dashflow::json::parse(text)) docs.push_back(item.dump());
  } else {
    docs.push_back(text);
  }
  return docs;
}

}  // namespace

TEST(TraceDirEquivalence, EveryGoodFixtureMatchesTheSdkParse) {
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(good_dir())) {
    const std::string path = entry.path().string();
    if (!dashflow::tracedir::classify(entry.path().filename().string()).is_trace) continue;  // README.md
    SCOPED_TRACE(path);
    const CollectingSink sink = read_path(path);
    ASSERT_TRUE(sink.skips.empty()) << sink.skips[0].reason;
    const auto docs = documents_of(path);
    ASSERT_EQ(sink.traces.size(), docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      const auto sdk = dashflow::from_json_text<dashflow::ExecutionTrace>(docs[i]);
      expect_same_trace(sink.traces[i].trace, sdk);
      ++compared;
    }
  }
  EXPECT_EQ(compared, 12u);
}

TEST(TraceDirEquivalence, BadFilesTheSdkRejectsAreSkipped) {
  for (const char* name : {"missing_total_tokens.json", "wrong_type_duration.json", "negative_tokens.json",
                           "float_duration.json", "null_completed.json", "node_missing_index.json",
                           "error_message_number.json", "tool_not_string.json", "metadata_array.json",
                           "top_level_string.json", "syntax_error.json", "trailing_garbage.json", "truncated.json"}) {
    SCOPED_TRACE(name);
    const std::string text = read_file(bad_dir() + "/" + name);
    EXPECT_THROW(dashflow::from_json_text<dashflow::ExecutionTrace>(text), dashflow::JsonError);
    const CollectingSink sink = read_path(bad_dir() + "/" + name);
    EXPECT_TRUE(sink.traces.empty());
    EXPECT_EQ(sink.skips.size(), 1u);
  }
}
