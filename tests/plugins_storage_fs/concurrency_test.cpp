// fs storage: several processes at once (fork), and the lock timeout.
#include <sys/wait.h>

#include <atomic>
#include <functional>
#include <map>
#include <thread>

#include "dir_lock.hpp"
#include "storage_test_support.hpp"

namespace fstest {
namespace {

// Runs fn in a child process; returns the child's pid. fn's return value is
// the exit code; an exception exits with 99.
pid_t spawn(const std::function<int()>& fn) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = fn();
    } catch (...) {
    }
    ::_exit(code);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Both children wait on the pipe so that they start together.
struct StartGate {
  int fds[2];
  StartGate() {
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  }
  void wait_in_child() {
    ::close(fds[1]);
    char c;
    while (::read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
  }
  void open_gate() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

TEST(FsStorageConcurrency, TwoProcessesApproveTheSamePlanExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    TestHost host;
    auto store = make_storage(dir.path(), host);
    const std::string id = "1a2b3c4d-0000-4000-8000-00000000000" + std::to_string(round);
    store->save_plan(sample_plan(id));
    StartGate gate;
    std::vector<pid_t> children;
    for (int k = 0; k < 2; ++k) {
      children.push_back(spawn([&, k] {
        gate.wait_in_child();
        TestHost child_host;
        auto child = make_storage(dir.path(), child_host);
        try {
          child->transition_plan(id, in_progress("worker-" + std::to_string(k)));
          return 0;
        } catch (const TransitionError& e) {
          return std::string(e.what()).find("InProgress") != std::string::npos ? 1 : 3;
        } catch (...) {
          return 2;
        }
      }));
    }
    gate.open_gate();
    std::vector<int> codes;
    for (pid_t pid : children) codes.push_back(wait_exit(pid));
    std::sort(codes.begin(), codes.end());
    EXPECT_EQ(codes, (std::vector<int>{0, 1}));
    const ExecutionPlan stored = store->load_plan(id);
    ASSERT_TRUE(std::holds_alternative<PlanStatus::InProgress>(stored.status.value));
    const std::string winner = std::get<PlanStatus::InProgress>(stored.status.value).assignee;
    EXPECT_TRUE(winner == "worker-0" || winner == "worker-1") << winner;
    EXPECT_EQ(names_in(dir.path() / "plans" / "approved"), std::vector<std::string>{id + ".json"});
    EXPECT_TRUE(names_in(dir.path() / "plans" / "pending").empty());
  }
}

TEST(FsStorageConcurrency, ConcurrentUpsertsLoseAndDuplicateNothing) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->initialize();
  constexpr int kPerProcess = 50;
  StartGate gate;
  std::vector<pid_t> children;
  for (int k = 0; k < 2; ++k) {
    children.push_back(spawn([&, k] {
      gate.wait_in_child();
      TestHost child_host;
      auto child = make_storage(dir.path(), child_host);
      for (int i = 0; i < kPerProcess; ++i) {
        // Half the findings are shared by both processes, half are their own.
        const std::string fp = i % 2 == 0 ? "shared-" + std::to_string(i) : "own-" + std::to_string(k) + "-" + std::to_string(i);
        ExecutionPlan p = sample_plan("", fp);
        p.title = "finding " + fp;
        child->upsert_plan(p);
      }
      return 0;
    }));
  }
  gate.open_gate();
  for (pid_t pid : children) EXPECT_EQ(wait_exit(pid), 0);

  const auto plans = store->list_plans(std::nullopt);
  std::map<std::string, std::vector<ExecutionPlan>> by_fp;
  for (const ExecutionPlan& p : plans) by_fp[p.fingerprint].push_back(p);
  EXPECT_EQ(plans.size(), 25u + 2 * 25u);
  EXPECT_EQ(by_fp.size(), plans.size()) << "a fingerprint was stored twice";
  for (const auto& [fp, list] : by_fp) {
    ASSERT_EQ(list.size(), 1u) << fp;
    EXPECT_EQ(list[0].occurrences, fp.rfind("shared-", 0) == 0 ? 2u : 1u) << fp;
    EXPECT_EQ(list[0].title, "finding " + fp);
  }
  for (const std::string& name : names_in(dir.path() / "plans" / "pending"))
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
}

TEST(FsStorageConcurrency, ConcurrentThreadsInOneProcessAreSerialized) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host);
  store->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001"));
  std::atomic<int> wins{0}, refusals{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      TestHost h;
      auto s = make_storage(dir.path(), h);
      try {
        s->transition_plan("1a2b3c4d", in_progress("t" + std::to_string(k)));
        ++wins;
      } catch (const TransitionError&) {
        ++refusals;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(refusals.load(), 3);
}

TEST(FsStorageConcurrency, LockTimeoutNamesPathAndHolder) {
  TempDir dir;
  TestHost host;
  auto store = make_storage(dir.path(), host, json{{"lock_timeout_ms", 200}});
  store->initialize();
  fsstore::DirLock held(dir.path(), fsstore::DirLock::Mode::Exclusive, 1000);
  const auto start = std::chrono::steady_clock::now();
  try {
    store->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001"));
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("storage " + dir.path().string() + " is locked by another process (pid " +
                       std::to_string(::getpid()) + ") for more than 0.2 s"),
              std::string::npos)
        << msg;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
  // Readers wait too (an exclusive holder excludes shared locks).
  EXPECT_THROW(store->list_plans(std::nullopt), StorageError);
  held.release();
  EXPECT_NO_THROW(store->save_plan(sample_plan("1a2b3c4d-0000-4000-8000-000000000001")));
}

}  // namespace
}  // namespace fstest
