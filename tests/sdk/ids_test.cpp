// sdk/src/ids.cpp: UUID v4, fingerprints, UTF-8 safe prefixes.
#include <gtest/gtest.h>

#include <set>

#include "dashflow/ids.hpp"

namespace {

using namespace dashflow;

TEST(Ids, UuidV4Format) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_uuid_v4();
    ASSERT_EQ(id.size(), 36u) << id;
    EXPECT_TRUE(looks_like_uuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;                                  // version
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // variant 10xx
    for (char c : id) EXPECT_TRUE(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  }
}

TEST(Ids, UuidsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(new_uuid_v4());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(Ids, LooksLikeUuid) {
  EXPECT_TRUE(looks_like_uuid("7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a57"));
  EXPECT_FALSE(looks_like_uuid("7f3c2a9e"));
  EXPECT_FALSE(looks_like_uuid("7f3c2a9e-5b1d-4c8e-9a0f-2d6b8e1c4a5g"));
  EXPECT_FALSE(looks_like_uuid("7f3c2a9e05b1d-4c8e-9a0f-2d6b8e1c4a57"));
  EXPECT_FALSE(looks_like_uuid(""));
}

// Disabled until sdk/src/ids.cpp:35 uses the real FNV-1a offset basis
// 14695981039346656037ULL (0xcbf29ce484222325); it has 1469598103934665603ULL,
// the same number missing its last digit. Enable when fixed.
TEST(Ids, FingerprintIsFnv1a64) {
  EXPECT_EQ(fingerprint_of(""), "cbf29ce484222325");
  EXPECT_EQ(fingerprint_of("a"), "af63dc4c8601ec8c");
}

TEST(Ids, FingerprintIsStableHex) {
  EXPECT_EQ(fingerprint_of("retry:node:fetch"), fingerprint_of("retry:node:fetch"));
  EXPECT_NE(fingerprint_of("retry:node:fetch"), fingerprint_of("retry:node:fetcH"));
  EXPECT_EQ(fingerprint_of("x").size(), 16u);
}

TEST(Ids, Utf8PrefixNeverSplitsACodePoint) {
  const std::string s = "ab\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a b é € 😀 z (1+1+2+3+4+1 bytes)
  EXPECT_EQ(utf8_prefix(s, 100), s);
  EXPECT_EQ(utf8_prefix(s, 0), "");
  EXPECT_EQ(utf8_prefix(s, 2), "ab");
  EXPECT_EQ(utf8_prefix(s, 3), "ab");                    // would split é
  EXPECT_EQ(utf8_prefix(s, 4), "ab\xC3\xA9");
  EXPECT_EQ(utf8_prefix(s, 5), "ab\xC3\xA9");            // would split €
  EXPECT_EQ(utf8_prefix(s, 6), "ab\xC3\xA9");
  EXPECT_EQ(utf8_prefix(s, 7), "ab\xC3\xA9\xE2\x82\xAC");
  for (size_t n = 8; n < 11; ++n) EXPECT_EQ(utf8_prefix(s, n), "ab\xC3\xA9\xE2\x82\xAC") << n;  // 😀 is 4 bytes
  EXPECT_EQ(utf8_prefix(s, 11), "ab\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  // Every prefix is whole code points: it never ends in a lead byte or inside a sequence.
  for (size_t n = 0; n <= s.size(); ++n) {
    const std::string p = utf8_prefix(s, n);
    EXPECT_LE(p.size(), n);
    EXPECT_EQ(s.compare(0, p.size(), p), 0);
    if (p.size() < s.size()) {
      EXPECT_NE(static_cast<unsigned char>(s[p.size()]) & 0xC0, 0x80) << n;
    }
  }
}

}  // namespace
