// The daemon's trace watcher: a burst of trace files wakes it once, other
// files do not; subdirectories are watched (and new ones wake it) only for a
// source that reads them (recursive), never for a flat one.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "daemon/trace_watcher.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::host::TraceWatcher;
using dashflow::test::TempDir;
using namespace std::chrono_literals;

namespace {

void touch(const std::string& path) { std::ofstream(path) << "{}\n"; }

}  // namespace

TEST(TraceWatcher, TraceFilesWakeItOtherFilesDoNot) {
  TempDir tmp;
  TraceWatcher w(tmp.path(), true, 50ms);
  ASSERT_TRUE(w.watching()) << w.problem();
  touch(tmp / "notes.txt");
  EXPECT_EQ(w.wait(300ms), TraceWatcher::Wake::Interval);
  touch(tmp / "a.json");
  touch(tmp / "b.jsonl");
  EXPECT_EQ(w.wait(5s), TraceWatcher::Wake::Files);
  EXPECT_EQ(w.wait(300ms), TraceWatcher::Wake::Interval) << "one burst, one wake-up";
}

TEST(TraceWatcher, ARecursiveSourceHasItsSubdirectoriesWatched) {
  TempDir tmp;
  fs::create_directories(tmp / "old/deeper");
  TraceWatcher w(tmp.path(), true, 50ms);
  ASSERT_TRUE(w.watching()) << w.problem();
  EXPECT_EQ(w.watched_directories(), 3u);
  fs::create_directory(tmp / "new");
  EXPECT_EQ(w.wait(5s), TraceWatcher::Wake::Files);  // files may have landed before its watch
  EXPECT_EQ(w.watched_directories(), 4u);
  touch(tmp / "new/x.json");
  EXPECT_EQ(w.wait(5s), TraceWatcher::Wake::Files);
  touch(tmp / "old/deeper/y.json");
  EXPECT_EQ(w.wait(5s), TraceWatcher::Wake::Files);
}

TEST(TraceWatcher, AFlatSourceIgnoresSubdirectories) {
  TempDir tmp;
  fs::create_directories(tmp / "old");
  TraceWatcher w(tmp.path(), false, 50ms);
  ASSERT_TRUE(w.watching()) << w.problem();
  EXPECT_EQ(w.watched_directories(), 1u);
  fs::create_directory(tmp / "new");
  touch(tmp / "old/x.json");
  EXPECT_EQ(w.wait(300ms), TraceWatcher::Wake::Interval) << "the source reads neither directory";
  EXPECT_EQ(w.watched_directories(), 1u);
  touch(tmp / "top.json");
  EXPECT_EQ(w.wait(5s), TraceWatcher::Wake::Files);
}

TEST(TraceWatcher, AMissingDirectoryFallsBackToTheInterval) {
  TempDir tmp;
  TraceWatcher w(tmp / "nope", true, 50ms);
  EXPECT_FALSE(w.watching());
  EXPECT_NE(w.problem().find("does not exist yet"), std::string::npos) << w.problem();
  EXPECT_EQ(w.wait(100ms), TraceWatcher::Wake::Interval);
}
