// Alert sink "file": JSON Lines, one fsynced line per alert, size-based
// rotation, clear errors for unusable paths, several writers.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dashflow/errors.hpp"
#include "dashflow/plugin.hpp"
#include "file_sink.hpp"
#include "sink_test_support.hpp"

namespace sinktest {
namespace {

using dashflow::Alert;
using dashflow::PluginContext;
using dashflow::sinks::FileSink;

std::unique_ptr<FileSink> make_sink(const json& config) {
  return std::make_unique<FileSink>(PluginContext(nullptr, config.dump()));
}

std::vector<Alert> parse_alerts(const fs::path& file) {
  std::vector<Alert> out;
  for (const std::string& line : read_lines(file)) {
    const json j = json::parse(line);  // every line is one complete JSON document
    EXPECT_EQ(j["_schema_version"], 1);
    out.push_back(j.get<Alert>());
  }
  return out;
}

TEST(FileSink, WritesOneParsableJsonLinePerAlertAndCreatesParentDirs) {
  TempDir dir;
  const fs::path file = dir / "deep/er/alerts.jsonl";
  auto sink = make_sink({{"path", file.string()}});
  sink->start();
  EXPECT_TRUE(fs::exists(file)) << "start() opens (and creates) the file";
  std::vector<Alert> sent;
  for (int i = 0; i < 5; ++i) {
    Alert a = make_alert("node-" + std::to_string(i), i);
    a.message += " with \"quotes\",\nnewlines and unicode \xC3\xBC";
    if (i == 3) {
      a.resolved = true;
      a.ends_at = "2025-12-15T11:00:00Z";
    }
    sink->send(a);
    sent.push_back(a);
    // Durable before send returns: the line is in the file right now.
    EXPECT_EQ(read_lines(file).size(), static_cast<size_t>(i + 1));
  }
  sink->flush();
  sink->stop();
  sink->stop();
  EXPECT_EQ(parse_alerts(file), sent);
  const std::string text = read_text(file);
  EXPECT_EQ(text.back(), '\n');
}

TEST(FileSink, AppendsToAnExistingFileAndRepairsATornLastLine) {
  TempDir dir;
  const fs::path file = dir / "alerts.jsonl";
  {
    auto sink = make_sink({{"path", file.string()}});
    sink->send(make_alert("a", 1));
  }
  // A crash in the middle of a write left half a line.
  std::ofstream(file, std::ios::app) << "{\"kind\":\"slow_no";
  auto sink = make_sink({{"path", file.string()}});
  sink->send(make_alert("b", 2));
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(json::parse(lines[0]).get<Alert>(), make_alert("a", 1));
  EXPECT_FALSE(json::accept(lines[1]));  // the torn line stays as it was
  EXPECT_EQ(json::parse(lines[2]).get<Alert>(), make_alert("b", 2));
}

TEST(FileSink, RotatesBySizeAndKeepsMaxFiles) {
  TempDir dir;
  const fs::path file = dir / "alerts.jsonl";
  const size_t line_size = dashflow::sinks::file_sink_line(make_alert("n", 10)).size() + 1;
  // Room for exactly two lines per file.
  auto sink = make_sink({{"path", file.string()}, {"max_bytes", line_size * 2 + line_size / 2}, {"max_files", 2}});
  for (int i = 10; i < 17; ++i) sink->send(make_alert("n", i));  // 7 alerts: 2+2+2+1
  EXPECT_EQ(read_lines(file).size(), 1u);
  EXPECT_EQ(read_lines(dir / "alerts.jsonl.1").size(), 2u);
  EXPECT_EQ(read_lines(dir / "alerts.jsonl.2").size(), 2u);
  EXPECT_FALSE(fs::exists(dir / "alerts.jsonl.3")) << "max_files = 2 keeps two rotated files";
  // Newest last: .2 holds alerts 12-13, .1 holds 14-15, the active file 16.
  EXPECT_EQ(parse_alerts(dir / "alerts.jsonl.2").front().labels.at("seq"), "12");
  EXPECT_EQ(parse_alerts(dir / "alerts.jsonl.1").front().labels.at("seq"), "14");
  EXPECT_EQ(parse_alerts(file).front().labels.at("seq"), "16");
  for (const auto& f : {file, dir / "alerts.jsonl.1", dir / "alerts.jsonl.2"})
    EXPECT_LE(fs::file_size(f), line_size * 2 + line_size / 2) << f;
}

TEST(FileSink, OversizedAlertGoesWholeIntoAFreshFileAndZeroMaxFilesKeepsNoHistory) {
  TempDir dir;
  const fs::path file = dir / "alerts.jsonl";
  auto sink = make_sink({{"path", file.string()}, {"max_bytes", 64}, {"max_files", 0}});
  sink->send(make_alert("first", 1));  // larger than 64 bytes, but the file is empty: written whole
  sink->send(make_alert("second", 2));
  const auto alerts = parse_alerts(file);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].labels.at("node"), "second");
  EXPECT_FALSE(fs::exists(dir / "alerts.jsonl.1"));
}

TEST(FileSink, ZeroMaxBytesNeverRotates) {
  TempDir dir;
  auto sink = make_sink({{"path", (dir / "a.jsonl").string()}, {"max_bytes", 0}});
  for (int i = 0; i < 50; ++i) sink->send(make_alert("n", i));
  EXPECT_EQ(read_lines(dir / "a.jsonl").size(), 50u);
  EXPECT_FALSE(fs::exists(dir / "a.jsonl.1"));
}

TEST(FileSink, ADirectoryPathMeansAlertsJsonlInside) {
  TempDir dir;
  auto sink = make_sink({{"path", dir.path().string()}});
  sink->send(make_alert("x"));
  EXPECT_EQ(sink->path(), dir / "alerts.jsonl");
  EXPECT_EQ(read_lines(dir / "alerts.jsonl").size(), 1u);
}

TEST(FileSink, UnwritablePathIsAClearErrorAtStartAndSend) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  fs::create_directories(dir / "locked");
  fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  auto sink = make_sink({{"path", (dir / "locked/alerts.jsonl").string()}});
  try {
    sink->start();
    FAIL() << "start() must fail for an unwritable path";
  } catch (const dashflow::StorageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("file sink"), std::string::npos) << m;
    EXPECT_NE(m.find((dir / "locked/alerts.jsonl").string()), std::string::npos) << m;
    EXPECT_NE(m.find("Permission denied"), std::string::npos) << m;
    EXPECT_NE(m.find("'path'"), std::string::npos) << m;
  }
  EXPECT_THROW(sink->send(make_alert("x")), dashflow::StorageError);

  auto nested = make_sink({{"path", (dir / "locked/sub/alerts.jsonl").string()}});
  try {
    nested->send(make_alert("x"));
    FAIL() << "send() must fail when the parent directory cannot be created";
  } catch (const dashflow::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create directory"), std::string::npos) << e.what();
  }
}

TEST(FileSink, ParentThatIsAFileIsAClearError) {
  TempDir dir;
  std::ofstream(dir / "not-a-dir") << "x";
  auto sink = make_sink({{"path", (dir / "not-a-dir/alerts.jsonl").string()}});
  try {
    sink->start();
    FAIL() << "start() must fail when the parent is a file";
  } catch (const dashflow::StorageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("file sink"), std::string::npos) << m;
    EXPECT_NE(m.find((dir / "not-a-dir").string()), std::string::npos) << m;
    EXPECT_NE(m.find("config key 'path'"), std::string::npos) << m;
  }
}

TEST(FileSink, ConfigErrorsNameTheKey) {
  try {
    make_sink({{"path", "x"}, {"max_byte", 5}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown config key 'max_byte'"), std::string::npos) << e.what();
  }
  try {
    make_sink({{"max_files", -1}});
    FAIL();
  } catch (const dashflow::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'max_files' must be at least 0"), std::string::npos) << e.what();
  }
}

TEST(FileSink, SeveralProcessesAppendingAndRotatingLoseNoLine) {
  TempDir dir;
  const fs::path file = dir / "alerts.jsonl";
  const json config = {{"path", file.string()}, {"max_bytes", 4096}, {"max_files", 1000}};
  constexpr int kWriters = 3, kEach = 60;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        auto sink = make_sink(config);
        for (int i = 0; i < kEach; ++i) sink->send(make_alert("w" + std::to_string(w), i));
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::map<std::string, std::vector<int>> per_writer;
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    ++files;
    for (const Alert& a : parse_alerts(entry.path())) {
      per_writer[a.labels.at("node")].push_back(std::stoi(a.labels.at("seq")));
      EXPECT_LE(fs::file_size(entry.path()), 4096u);
    }
  }
  EXPECT_GT(files, 2u) << "the test must exercise rotation";
  ASSERT_EQ(per_writer.size(), static_cast<size_t>(kWriters));
  for (auto& [writer, seqs] : per_writer) {
    std::sort(seqs.begin(), seqs.end());
    ASSERT_EQ(seqs.size(), static_cast<size_t>(kEach)) << writer;
    for (int i = 0; i < kEach; ++i) EXPECT_EQ(seqs[static_cast<size_t>(i)], i) << writer;
  }
}

}  // namespace
}  // namespace sinktest
