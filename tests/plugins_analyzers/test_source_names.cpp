// The patterns analyzer's front-coded file names: every name comes back as
// added (across restarts, after append and after a save/load), they take far
// less room than the names themselves, and damaged bytes are rejected.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "source_names.hpp"

using dashflow::analyzers::SourceNames;

namespace {

std::vector<std::string> listing(size_t n, const std::string& dir = "/data/traces/2026-12-05/") {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back(dir + "run-" + std::to_string(100000 + i) + ".json");
  return names;
}

SourceNames names_of(const std::vector<std::string>& names) {
  SourceNames s;
  for (const auto& n : names) s.add(n);
  return s;
}

void expect_names(const SourceNames& s, const std::vector<std::string>& names) {
  ASSERT_EQ(s.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(s.name(static_cast<uint32_t>(i)), names[i]) << "id " << i;
  EXPECT_EQ(s.last(), names.empty() ? "" : names.back());
}

}  // namespace

TEST(SourceNames, EveryNameComesBackAcrossRestarts) {
  // Unrelated names, empty ones, a name that is a prefix of the next, and
  // more than two restart intervals.
  std::vector<std::string> names = {"", "a", "ab", "", "b/c.json", "b/c.json.gz", "日本/トレース.jsonl"};
  for (const auto& n : listing(3 * SourceNames::kRestart + 5)) names.push_back(n);
  names.push_back(std::string(300, 'x'));  // suffix length past one LEB128 byte
  expect_names(names_of(names), names);
}

TEST(SourceNames, AppendShiftsIdsAndKeepsEveryName) {
  const auto first = listing(SourceNames::kRestart + 3, "/a/");
  const auto second = listing(2 * SourceNames::kRestart + 1, "/b/");
  SourceNames s = names_of(first);
  s.append(names_of(second));
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  expect_names(s, all);

  s.append(s);  // itself: the names twice
  std::vector<std::string> twice = all;
  twice.insert(twice.end(), all.begin(), all.end());
  expect_names(s, twice);
}

TEST(SourceNames, ManySmallAppendsStayDecodableAndLoadBack) {
  // Merging hundreds of chunk states: each appended set starts with a whole
  // name, so its bytes are copied as they are.
  SourceNames s;
  std::vector<std::string> all;
  for (int piece = 0; piece < 50; ++piece) {
    const auto names = listing(1 + piece % 7, "/c/" + std::to_string(piece) + "/");
    s.append(names_of(names));
    all.insert(all.end(), names.begin(), names.end());
    s.add("/c/loose-" + std::to_string(piece));
    all.push_back("/c/loose-" + std::to_string(piece));
  }
  expect_names(s, all);
  SourceNames loaded;
  loaded.load(s.bytes(), s.size());
  expect_names(loaded, all);
}

TEST(SourceNames, SavedBytesLoadBackAndAreSmall) {
  const auto names = listing(10000);
  const SourceNames s = names_of(names);
  size_t plain = 0;
  for (const auto& n : names) plain += n.size();
  EXPECT_LT(s.bytes().size() * 3, plain) << "front coding should save most of a sorted listing";

  SourceNames loaded;
  loaded.load(s.bytes(), s.size());
  expect_names(loaded, names);
  loaded.add("/data/traces/2026-12-06/run-0.json");  // and it goes on from there
  EXPECT_EQ(loaded.name(10000), "/data/traces/2026-12-06/run-0.json");
}

TEST(SourceNames, DamagedBytesAreRejected) {
  const SourceNames s = names_of(listing(SourceNames::kRestart + 2));
  const std::string& bytes = s.bytes();
  SourceNames out;
  EXPECT_THROW(out.load(bytes.substr(0, bytes.size() - 1), s.size()), std::runtime_error);  // cut short
  EXPECT_THROW(out.load(bytes + "x", s.size()), std::runtime_error);                       // stray bytes
  EXPECT_THROW(out.load(bytes, s.size() + 1), std::runtime_error);                         // one name too many
  EXPECT_THROW(out.load(bytes, bytes.size()), std::runtime_error);                         // absurd count
  EXPECT_THROW(out.load(std::string("\x05\x01x", 3), 1), std::runtime_error);  // shares 5 bytes with nothing
  EXPECT_THROW(out.load(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11), 1), std::runtime_error);
  // A restart entry must stand alone: name 32 claims to share with name 31.
  SourceNames shifted = names_of(listing(SourceNames::kRestart + 1));
  EXPECT_NO_THROW(out.load(shifted.bytes(), shifted.size()));
  std::string forged = shifted.bytes();
  // The last entry is the restart (id 32): "\x00" shared, then its length.
  const std::string whole = listing(SourceNames::kRestart + 1).back();
  const size_t at = forged.size() - whole.size() - 2;
  ASSERT_EQ(forged[at], '\0');
  forged[at] = '\x01';
  EXPECT_THROW(out.load(forged, shifted.size()), std::runtime_error);

  // 40 names each sharing all of the one before: no whole name for more than kRestart entries.
  std::string chain("\x00\x01" "a", 3);
  for (int i = 1; i < 40; ++i) chain += std::string("\x01\x00", 2);
  EXPECT_NO_THROW(out.load(chain.substr(0, 3 + 2 * (SourceNames::kRestart - 1)), SourceNames::kRestart));
  EXPECT_THROW(out.load(chain, 40), std::runtime_error);

  EXPECT_EQ(out.size(), SourceNames::kRestart) << "a failed load leaves the names as they were";
  EXPECT_THROW((void)s.name(static_cast<uint32_t>(s.size())), std::out_of_range);
}
