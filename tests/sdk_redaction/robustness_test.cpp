// Random inputs built from the pieces detectors look for: redaction never
// fails, is idempotent (markers never match again), and redacting serialized
// JSON as text keeps it parseable. Deterministic seeds, so a failure repeats.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::Redactor;

const std::vector<std::string> kAtoms = {
    "a", "Z", "0", "1", "4", "9", " ", "-", ".", ":", "=", "@", "/", "+", "(", ")", "\"", "'", "\\", "\\n", "\n", "_",
    "[", "]", "sk-", "ant-", "ghp_", "xoxb-", "AKIA", "eyJ", "Bearer ", "password", "token", "key", "Authorization",
    "://", "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "4111", "1111", "555", "415", "example.com",
    "[REDACTED:email]", "1234567890", "abc123def456", "\\\""};

std::string random_text(std::mt19937& rng, int max_atoms) {
  std::string s;
  const int n = static_cast<int>(rng() % static_cast<unsigned>(max_atoms));
  for (int i = 0; i < n; ++i) s += kAtoms[rng() % kAtoms.size()];
  return s;
}

TEST(Robustness, RandomTextIsIdempotent) {
  const Redactor r(json{{"detectors", {{"ip_address", true}}}});
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const std::string input = random_text(rng, 40);
    const std::string once = r.redact(input);
    ASSERT_EQ(r.redact(once), once) << "input: " << input;
  }
}

TEST(Robustness, RedactingSerializedJsonKeepsItValid) {
  const Redactor r;
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    json doc = json::object();
    for (int k = 0; k < 4; ++k) {
      json inner = json::array({random_text(rng, 12), random_text(rng, 12)});
      doc[random_text(rng, 4)] = {{random_text(rng, 3), random_text(rng, 12)}, {"list", inner}};
    }
    for (const std::string& text : {doc.dump(), doc.dump(2), json(doc.dump()).dump()}) {
      const std::string redacted = r.redact(text);
      ASSERT_TRUE(json::accept(redacted)) << "input:  " << text << "\noutput: " << redacted;
    }
    json copy = doc;
    r.redact_json(copy);
    ASSERT_TRUE(json::accept(copy.dump()));
  }
}

TEST(Robustness, LongInputsStayLinear) {
  // Pathological repetitions of detector anchors; each must finish quickly
  // (a quadratic scan would take minutes at this size).
  const Redactor r(json{{"detectors", {{"ip_address", true}}}});
  for (const std::string unit : {"sk-", "eyJ", "password=", "a@", "://", "-----BEGIN PRIVATE KEY-----", "1 ", "+1 ",
                                 "gh", "Bearer ", "4111-", "1.", "\\\""}) {
    std::string text;
    while (text.size() < (1u << 20)) text += unit;
    const std::string out = r.redact(text);
    EXPECT_FALSE(out.empty()) << unit;
  }
}

}  // namespace
