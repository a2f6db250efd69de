// Specific detectors run before generic ones (the fix for DashFlow's order,
// reference/dashflow-runtime.md §9): each of these inputs was mangled there.
#include <gtest/gtest.h>

#include <string>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

TEST(Order, AnthropicKeyIsReportedAsAnthropicNotOpenAiOrGeneric) {
  const Redactor r;
  RedactionStats stats;
  const std::string out =
      r.redact("api_key: sk-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0Ef2Gh7Ij4Kl9Mn1Op6Qr3St8Uv5Wx0Yz-AbCdEfGhAA", stats);
  EXPECT_EQ(out, "api_key: [REDACTED:anthropic_key]");
  EXPECT_EQ(stats.count("anthropic_key"), 1u);
  EXPECT_EQ(stats.total(), 1u);

  // Turning the Anthropic detector off does not relabel its keys as OpenAI keys.
  const Redactor no_anthropic(json{{"detectors", {{"anthropic_key", false}}}});
  RedactionStats off;
  no_anthropic.redact("sk-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0Ef2Gh7Ij4", off);
  EXPECT_EQ(off.count("openai_key"), 0u);
}

TEST(Order, PemBlockIsRemovedWholeNotPiecemeal) {
  const std::string text =
      "before\n-----BEGIN RSA PRIVATE KEY-----\n"
      "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
      "password=inside-the-block AKIAIOSFODNN7EXAMPLE 4111111111111111\n"
      "MIIEowIBAAKCAQEA0Zk3pKq8vTn2QyXgM7bq9c4Lw1hJr8tY2uV6sP3oN5mK7jH9\n"
      "-----END RSA PRIVATE KEY-----\nafter";
  RedactionStats stats;
  EXPECT_EQ(Redactor().redact(text, stats), "before\n[REDACTED:pem_private_key]\nafter");
  EXPECT_EQ(stats.count("pem_private_key"), 1u);
  EXPECT_EQ(stats.total(), 1u);
}

TEST(Order, UrlWithCredentialsKeepsSchemeAndHostAndIsNotAnEmail) {
  // DashFlow: "postgres://user:[EMAIL]:5432/x".
  RedactionStats stats;
  EXPECT_EQ(Redactor().redact("postgres://user:pw@db.example.com:5432/x", stats),
            "postgres://[REDACTED:url_credentials]@db.example.com:5432/x");
  EXPECT_EQ(stats.count("url_credentials"), 1u);
  EXPECT_EQ(stats.count("email"), 0u);
}

TEST(Order, SeparatedCardIsACardNotAPhone) {
  // DashFlow: "4111 [PHONE] 1111".
  for (const std::string card : {"4111 1111 1111 1111", "4111-1111-1111-1111"}) {
    RedactionStats stats;
    EXPECT_EQ(Redactor().redact("card " + card, stats), "card [REDACTED:credit_card]");
    EXPECT_EQ(stats.count("credit_card"), 1u);
    EXPECT_EQ(stats.count("phone"), 0u);
  }
}

TEST(Order, JwtInABearerHeaderIsAJwt) {
  RedactionStats stats;
  EXPECT_EQ(Redactor().redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl", stats),
            "Authorization: Bearer [REDACTED:jwt]");
  EXPECT_EQ(stats.count("jwt"), 1u);
  EXPECT_EQ(stats.total(), 1u);
}

TEST(Order, KeyInAGenericAssignmentKeepsItsSpecificKind) {
  RedactionStats stats;
  EXPECT_EQ(Redactor().redact("GITHUB_TOKEN=ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz password: xoxb-1234567890-abcdefghij",
                              stats),
            "GITHUB_TOKEN=[REDACTED:github_token] password: [REDACTED:slack_token]");
  EXPECT_EQ(stats.count("github_token"), 1u);
  EXPECT_EQ(stats.count("slack_token"), 1u);
  EXPECT_EQ(stats.count("generic_secret"), 0u);
}

TEST(Order, NumericTelemetryIsNotEatenByGenericPatterns) {
  // DashFlow turned each of these into [PHONE], [SSN] or [AWS_SECRET].
  const std::string text =
      "epoch 1734567890 duration_ms 12345678 id 123456789 sha 9fceb02d0ae598e95dc970b74767f19372d61af8 "
      "n 1234567 ms 17345678901";
  EXPECT_EQ(Redactor().redact(text), text);
}

TEST(Order, CustomPatternsRunAfterBuiltInsAndSeeTheirMarkers) {
  const Redactor r(json{{"custom_patterns", json::array({{{"name", "ticket"}, {"regex", "TICKET-[0-9]+"}}})}});
  RedactionStats stats;
  EXPECT_EQ(r.redact("TICKET-42 by bob@example.com", stats), "[REDACTED:ticket] by [REDACTED:email]");
  EXPECT_EQ(stats.count("ticket"), 1u);
  EXPECT_EQ(stats.count("email"), 1u);
}

}  // namespace
