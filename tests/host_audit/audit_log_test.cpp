// AuditLog: appends chain by hash across day files, survive concurrent
// appenders (threads and processes), and verify names the first bad line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "audit/audit_log.hpp"
#include "audit/sha256.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using dashflow::host::AuditError;
using dashflow::host::AuditLog;
using dashflow::host::AuditLogOptions;
using dashflow::host::AuditRecord;
using dashflow::host::AuditVerifyResult;
using dashflow::host::kAuditGenesisHash;
using dashflow::test::read_file;
using dashflow::test::TempDir;
using dashflow::test::write_file;
using nlohmann::json;

namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kDay1 = 1765792800000;  // 2025-12-15T10:00:00Z

// A clock the test moves by hand.
struct ManualClock {
  std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(kDay1);
  AuditLogOptions options() const {
    AuditLogOptions o;
    auto n = now;
    o.now_ms = [n] { return n->load(); };
    return o;
  }
};

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file(path, text);
}

std::string failure(const AuditVerifyResult& r) { return r.problem ? r.problem->where() + ": " + r.problem->reason : "ok"; }

class AuditLogTest : public ::testing::Test {
 protected:
  TempDir tmp;
  ManualClock clock;
  std::string dir() const { return tmp / "audit"; }
  AuditLog log() const { return AuditLog(dir(), clock.options()); }
  std::string day_file(const std::string& day) const { return dir() + "/" + day + ".jsonl"; }

  // Three records on 2025-12-15, two on 12-16, two on 12-17.
  void three_days() {
    AuditLog l = log();
    for (int i = 0; i < 3; ++i) l.append("plan.transition", "ana@host", {{"plan_id", "p" + std::to_string(i)}});
    *clock.now += kDay;
    for (int i = 0; i < 2; ++i) l.append("analysis.run", "daemon", {{"traces", 10 + i}});
    *clock.now += kDay;
    for (int i = 0; i < 2; ++i) l.append("import", "ana@host", {{"n", i}});
  }
};

}  // namespace

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(dashflow::host::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(dashflow::host::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(AuditLogTest, AppendsChainedRecords) {
  AuditLog l = log();
  AuditRecord a = l.append("plan.transition", "ana@host", {{"plan_id", "1a2b"}, {"to", "InProgress"}});
  AuditRecord b = l.append("analysis.run", "daemon", {{"traces", 40}, {"score", 0.1}});
  EXPECT_EQ(a.seq, 1u);
  EXPECT_EQ(a.prev_hash, kAuditGenesisHash);
  EXPECT_EQ(b.seq, 2u);
  EXPECT_EQ(b.prev_hash, a.hash);
  EXPECT_EQ(a.ts, "2025-12-15T10:00:00Z");
  EXPECT_EQ(a.hash, dashflow::host::compute_hash(a));

  const auto lines = lines_of(day_file("2025-12-15"));
  ASSERT_EQ(lines.size(), 2u);
  json first = json::parse(lines[0]);
  EXPECT_EQ(first["kind"], "plan.transition");
  EXPECT_EQ(first["actor"], "ana@host");
  EXPECT_EQ(first["details"]["plan_id"], "1a2b");
  EXPECT_EQ(first["hash"], a.hash);
  EXPECT_EQ(lines[0].rfind("{\"seq\":1,\"ts\":", 0), 0u) << "fields in reading order";

  AuditVerifyResult v = l.verify();
  EXPECT_TRUE(v.ok()) << failure(v);
  EXPECT_EQ(v.records, 2u);
  EXPECT_EQ(v.last_seq, 2u);
  EXPECT_EQ(v.last_hash, b.hash);
  EXPECT_TRUE(v.warnings.empty());

  // A new AuditLog object (another process later) continues the same chain.
  AuditRecord c = AuditLog(dir(), clock.options()).append("config.change", "ana@host", json::object());
  EXPECT_EQ(c.seq, 3u);
  EXPECT_EQ(c.prev_hash, b.hash);
}

TEST_F(AuditLogTest, ChainContinuesAcrossDayFiles) {
  three_days();
  EXPECT_TRUE(fs::exists(day_file("2025-12-15")));
  EXPECT_TRUE(fs::exists(day_file("2025-12-16")));
  EXPECT_TRUE(fs::exists(day_file("2025-12-17")));
  json first_of_day2 = json::parse(lines_of(day_file("2025-12-16")).front());
  json last_of_day1 = json::parse(lines_of(day_file("2025-12-15")).back());
  EXPECT_EQ(first_of_day2["seq"], 4);
  EXPECT_EQ(first_of_day2["prev_hash"], last_of_day1["hash"]);

  AuditVerifyResult v = log().verify();
  EXPECT_TRUE(v.ok()) << failure(v);
  EXPECT_EQ(v.files, 3u);
  EXPECT_EQ(v.records, 7u);

  auto all = log().read();
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);
  auto since = log().read(kDay1 + kDay);
  ASSERT_EQ(since.size(), 4u);
  EXPECT_EQ(since.front().kind, "analysis.run");
}

TEST_F(AuditLogTest, ClockGoingBackNeverWritesIntoAnEarlierFile) {
  AuditLog l = log();
  *clock.now += kDay;
  l.append("analysis.run", "daemon", json::object());
  *clock.now -= kDay;  // NTP step back over midnight
  l.append("analysis.run", "daemon", json::object());
  EXPECT_FALSE(fs::exists(day_file("2025-12-15")));
  EXPECT_EQ(lines_of(day_file("2025-12-16")).size(), 2u);
  EXPECT_TRUE(l.verify().ok());
}

TEST_F(AuditLogTest, ConcurrentThreadsProduceOneValidChain) {
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      AuditLog l(dir());  // each thread its own object, like separate callers
      for (int i = 0; i < kEach; ++i) l.append("analysis.run", "thread-" + std::to_string(t), {{"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  AuditLog l(dir());
  AuditVerifyResult v = l.verify();
  EXPECT_TRUE(v.ok()) << failure(v);
  EXPECT_EQ(v.records, static_cast<uint64_t>(kThreads * kEach));
  std::set<uint64_t> seqs;
  for (const auto& r : l.read()) seqs.insert(r.seq);
  EXPECT_EQ(seqs.size(), static_cast<size_t>(kThreads * kEach));
}

TEST_F(AuditLogTest, ConcurrentProcessesProduceOneValidChain) {
  constexpr int kProcesses = 3, kEach = 20;
  fs::create_directories(dir());
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      try {
        AuditLog l(dir());
        for (int i = 0; i < kEach; ++i) l.append("plan.transition", "proc-" + std::to_string(p), {{"i", i}});
      } catch (...) {
        code = 3;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  AuditVerifyResult v = AuditLog(dir()).verify();
  EXPECT_TRUE(v.ok()) << failure(v);
  EXPECT_EQ(v.records, static_cast<uint64_t>(kProcesses * kEach));
}

TEST_F(AuditLogTest, VerifyFindsAnEditedLine) {
  three_days();
  auto lines = lines_of(day_file("2025-12-16"));
  json r = json::parse(lines[1]);
  r["details"]["traces"] = 99;  // edited, hash left as it was
  lines[1] = r.dump();
  write_lines(day_file("2025-12-16"), lines);
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->file, "2025-12-16.jsonl");
  EXPECT_EQ(v.problem->line, 2u);
  EXPECT_NE(v.problem->reason.find("hash mismatch"), std::string::npos) << v.problem->reason;
  EXPECT_EQ(v.records, 4u) << "records before the bad one were fine";
}

TEST_F(AuditLogTest, VerifyFindsAnEditedLineWhoseHashWasRecomputed) {
  three_days();
  auto lines = lines_of(day_file("2025-12-15"));
  AuditRecord r = dashflow::host::parse_record_line(lines[1]);
  r.actor = "mallory@host";
  r.hash = dashflow::host::compute_hash(r);
  lines[1] = dashflow::host::record_line(r);
  write_lines(day_file("2025-12-15"), lines);
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->where(), "2025-12-15.jsonl:3");
  EXPECT_NE(v.problem->reason.find("prev_hash does not match"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, VerifyFindsADeletedLine) {
  three_days();
  auto lines = lines_of(day_file("2025-12-15"));
  lines.erase(lines.begin() + 1);
  write_lines(day_file("2025-12-15"), lines);
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->where(), "2025-12-15.jsonl:2");
  EXPECT_NE(v.problem->reason.find("seq gap: expected seq 2"), std::string::npos) << v.problem->reason;
  EXPECT_NE(v.problem->reason.find("record 2 missing"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, VerifyFindsADeletedLastLine) {
  three_days();
  auto lines = lines_of(day_file("2025-12-17"));
  lines.pop_back();
  write_lines(day_file("2025-12-17"), lines);
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->file, "head.json");
  EXPECT_NE(v.problem->reason.find("records at the end of the log were deleted"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, VerifyFindsADeletedMiddleFile) {
  three_days();
  fs::remove(day_file("2025-12-16"));
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->where(), "2025-12-17.jsonl:1");
  EXPECT_NE(v.problem->reason.find("records 4..5 missing"), std::string::npos) << v.problem->reason;
  EXPECT_NE(v.problem->reason.find("a whole day file between them"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, VerifyFindsADeletedFirstFile) {
  three_days();
  fs::remove(day_file("2025-12-15"));
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->where(), "2025-12-16.jsonl:1");
  EXPECT_NE(v.problem->reason.find("should start at seq 1"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, VerifyFindsATruncatedLastLine) {
  three_days();
  std::string text = read_file(day_file("2025-12-17"));
  text.resize(text.size() - 20);
  write_file(day_file("2025-12-17"), text);
  AuditVerifyResult v = log().verify();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.problem->where(), "2025-12-17.jsonl:2");
  EXPECT_NE(v.problem->reason.find("truncated last line"), std::string::npos) << v.problem->reason;
}

TEST_F(AuditLogTest, AppendAfterACrashCutMovesTheFragmentAsideAndContinues) {
  three_days();
  std::string text = read_file(day_file("2025-12-17"));
  const std::string complete = text.substr(0, text.rfind('\n', text.size() - 2) + 1);  // records 1..6
  write_file(day_file("2025-12-17"), complete + text.substr(complete.size(), 30));    // half of record 7
  // head.json still says seq 7: rewrite it as the crash would have left it
  // (the append of record 7 never completed, so head said 6).
  AuditRecord six = dashflow::host::parse_record_line(lines_of(day_file("2025-12-17")).front());
  write_file(dir() + "/head.json", json({{"seq", 6}, {"hash", six.hash}, {"file", "2025-12-17.jsonl"}}).dump());

  AuditRecord next = log().append("import", "ana@host", json::object());
  EXPECT_EQ(next.seq, 7u);
  EXPECT_EQ(next.prev_hash, six.hash);
  EXPECT_TRUE(fs::exists(day_file("2025-12-17") + ".damaged"));
  AuditVerifyResult v = log().verify();
  EXPECT_TRUE(v.ok()) << failure(v);
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_NE(v.warnings[0].find(".damaged"), std::string::npos);
}

TEST_F(AuditLogTest, AppendRefusesToContinueFromAnInvalidLastRecord) {
  three_days();
  auto lines = lines_of(day_file("2025-12-17"));
  lines.back() = "{\"seq\": \"garbage\"}";
  write_lines(day_file("2025-12-17"), lines);
  try {
    log().append("import", "ana@host", json::object());
    FAIL() << "append should refuse";
  } catch (const AuditError& e) {
    EXPECT_NE(std::string(e.what()).find("2025-12-17.jsonl:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("audit verify"), std::string::npos) << e.what();
  }
}

TEST_F(AuditLogTest, ReadSkipsLinesThatAreNotRecordsAndSaysWhere) {
  three_days();
  auto lines = lines_of(day_file("2025-12-16"));
  lines[0] = "not json";
  write_lines(day_file("2025-12-16"), lines);
  std::vector<dashflow::host::AuditProblem> skipped;
  auto records = log().read(std::nullopt, &skipped);
  EXPECT_EQ(records.size(), 6u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].where(), "2025-12-16.jsonl:1");
}

TEST_F(AuditLogTest, DetailsWithNumbersAndUnicodeVerify) {
  AuditLog l = log();
  l.append("config.change", "ana@host",
           {{"ratio", 0.1}, {"big", 18446744073709551615ull}, {"neg", -5}, {"name", "caf\xc3\xa9 \xe2\x9c\x93"},
            {"bad_utf8", std::string("x\xff")}, {"nested", {{"z", 1}, {"a", {1.5, 2e-300, nullptr}}}}});
  AuditVerifyResult v = l.verify();
  EXPECT_TRUE(v.ok()) << failure(v);
}

TEST_F(AuditLogTest, RejectsBadKinds) {
  EXPECT_THROW(log().append("Plan Transition", "ana", json::object()), AuditError);
  EXPECT_THROW(log().append("", "ana", json::object()), AuditError);
}

TEST_F(AuditLogTest, EmptyOrMissingLogVerifies) {
  AuditVerifyResult v = log().verify();
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.records, 0u);
  EXPECT_TRUE(log().read().empty());
}

TEST(AuditActor, IsUserAtHost) {
  const std::string actor = dashflow::host::current_actor();
  EXPECT_FALSE(actor.empty());
  EXPECT_NE(actor.find('@'), std::string::npos) << actor;
}
