// One test per built-in detector: what it must replace (and count), and the
// near misses it must leave alone byte for byte.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "dashflow/redaction.hpp"

namespace {

using dashflow::json;
using dashflow::RedactionStats;
using dashflow::Redactor;

const Redactor& default_redactor() {
  static const Redactor r;
  return r;
}

// Asserts `input` becomes `expected` and that exactly `count` spans of `kind` were replaced.
void expect_redacted(const Redactor& r, const std::string& input, const std::string& expected, const std::string& kind,
                     std::size_t count = 1) {
  RedactionStats stats;
  EXPECT_EQ(r.redact(input, stats), expected) << "input: " << input;
  EXPECT_EQ(stats.count(kind), count) << "input: " << input;
  EXPECT_EQ(stats.total(), count) << "input: " << input << " (other kinds fired too)";
}

void expect_redacted(const std::string& input, const std::string& expected, const std::string& kind,
                     std::size_t count = 1) {
  expect_redacted(default_redactor(), input, expected, kind, count);
}

void expect_untouched(const Redactor& r, std::initializer_list<std::string> inputs) {
  for (const std::string& input : inputs) {
    RedactionStats stats;
    EXPECT_EQ(r.redact(input, stats), input);
    EXPECT_TRUE(stats.empty()) << "input: " << input << " fired " << stats.by_kind.begin()->first;
  }
}

void expect_untouched(std::initializer_list<std::string> inputs) { expect_untouched(default_redactor(), inputs); }

TEST(Detectors, PemPrivateKeyWholeBlockIncludingBody) {
  const std::string block =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Zk3pKq8vTn2QyXgM7bq9c4Lw1hJr8tY2uV6sP3oN5mK7jH9\n"
      "gF1dS3aQ5wE7rT9yU1iO3pA5sD7fG9hJ1kL3zX5cV7bN9mQ1wE3rT5yU7iO9pA2s==\n-----END RSA PRIVATE KEY-----";
  expect_redacted("key:\n" + block + "\ndone", "key:\n[REDACTED:pem_private_key]\ndone", "pem_private_key");
  expect_redacted("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
                  "[REDACTED:pem_private_key]", "pem_private_key");
  expect_redacted("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n",
                  "[REDACTED:pem_private_key]\\n", "pem_private_key");
  // Truncated (no END line): the body still goes, the text after it stays.
  expect_redacted("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY\n... (truncated)",
                  "[REDACTED:pem_private_key]... (truncated)", "pem_private_key");
  // Certificates and public keys are not secrets.
  expect_untouched({"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
                    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
                    "-----BEGIN PRIVATE KEY", "----- BEGIN notes -----"});
}

TEST(Detectors, Jwt) {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  expect_redacted("session=" + jwt + ";", "session=[REDACTED:jwt];", "jwt");
  expect_redacted("id " + jwt, "id [REDACTED:jwt]", "jwt");
  expect_redacted("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0. end", "unsigned [REDACTED:jwt] end", "jwt");
  expect_untouched({"eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.notjsonpayload.sig", "keyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.x",
                    "eyJ.eyJ.x"});
}

TEST(Detectors, AnthropicKey) {
  expect_redacted("ANTHROPIC_API_KEY=sk-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0Ef2Gh7Ij4Kl9Mn1Op6Qr3St8Uv5Wx0Yz-AbCdEfGhAA",
                  "ANTHROPIC_API_KEY=[REDACTED:anthropic_key]", "anthropic_key");
  expect_redacted("use sk-ant-admin01-abcdefghijklmnopqrstuvwxyz now", "use [REDACTED:anthropic_key] now", "anthropic_key");
  expect_untouched({"sk-ant-short", "mask-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0"});
}

TEST(Detectors, OpenAiKey) {
  expect_redacted("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_AbCdEf-GhIjKlMn0pQ used",
                  "key [REDACTED:openai_key] used", "openai_key");
  expect_redacted("sk-Zx9TQm1Lr7Kp2Wv8Ns3Hb6Yd4Gf0Jc5Ae1Uq7Io3Pl9Rt2Mk", "[REDACTED:openai_key]", "openai_key");
  expect_redacted("\"sk-svcacct-0123456789abcdefghijKLMNOP\"", "\"[REDACTED:openai_key]\"", "openai_key");
  expect_untouched({"task-1234567890abcdefghij1234", "sk-learn-preprocessing-pipeline-step", "sk-short1",
                    "disk-0123456789abcdefghijklmnop", "sk-12345678901234567890123"});
}

TEST(Detectors, GithubToken) {
  for (const std::string prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
    expect_redacted("t=" + prefix + "1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz", "t=[REDACTED:github_token]", "github_token");
  expect_redacted("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
                  "[REDACTED:github_token]", "github_token");
  expect_untouched({"ghp_short123", "laughs_0123456789abcdefghij0123456789", "ghx_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz",
                    "github_pat_short"});
}

TEST(Detectors, SlackToken) {
  expect_redacted("xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[REDACTED:slack_token]", "slack_token");
  expect_redacted("bot xoxp-2345678901-3456789012-abcdef123456 ok", "bot [REDACTED:slack_token] ok", "slack_token");
  expect_untouched({"xoxo-hugs-and-kisses", "xoxz-1234567890-123", "xoxb-12", "fxoxb-1234567890-1234567890123"});
}

TEST(Detectors, AwsAccessKey) {
  expect_redacted("AKIAIOSFODNN7EXAMPLE", "[REDACTED:aws_access_key]", "aws_access_key");
  expect_redacted("id=ASIAY34FZKBOKMUTVV7A,", "id=[REDACTED:aws_access_key],", "aws_access_key");
  expect_untouched({"AKIAIOSFODNN7EXAMPLEX", "XAKIAIOSFODNN7EXAMPLE", "AKIAiosfodnn7example", "AKIA1234"});
}

TEST(Detectors, AwsSecretKeyOnlyWhenLabelled) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  expect_redacted("aws_secret_access_key = " + secret, "aws_secret_access_key = [REDACTED:aws_secret_key]",
                  "aws_secret_key");
  expect_redacted("AWS_SECRET_ACCESS_KEY=" + secret + "\n", "AWS_SECRET_ACCESS_KEY=[REDACTED:aws_secret_key]\n",
                  "aws_secret_key");
  expect_redacted("{\"SecretAccessKey\": \"" + secret + "\"}", "{\"SecretAccessKey\": \"[REDACTED:aws_secret_key]\"}",
                  "aws_secret_key");
  // Unlabelled 40-character runs are git SHAs and hashes far more often than secrets.
  expect_untouched({secret, "commit 9fceb02d0ae598e95dc970b74767f19372d61af8"});
}

TEST(Detectors, UrlCredentialsKeepSchemeAndHost) {
  expect_redacted("postgres://admin:s3cr3t@db.example.com:5432/app",
                  "postgres://[REDACTED:url_credentials]@db.example.com:5432/app", "url_credentials");
  expect_redacted("redis://:p4ssw0rd@cache.internal:6379/0", "redis://[REDACTED:url_credentials]@cache.internal:6379/0",
                  "url_credentials");
  // A raw '@' in the password: the user info ends at the last '@' of the authority.
  expect_redacted("https://user:p@ss@host.example.com/x", "https://[REDACTED:url_credentials]@host.example.com/x",
                  "url_credentials");
  expect_redacted("https://Zk8sT2mQ9vX4pL7rN3wB@git.example.com/repo.git",
                  "https://[REDACTED:url_credentials]@git.example.com/repo.git", "url_credentials");
  expect_untouched({"ssh://git@github.com/org/repo.git", "https://example.com/@handle", "https://example.com:8443/p?a=b",
                    "mailto:someone"});
}

TEST(Detectors, BearerToken) {
  expect_redacted("Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [REDACTED:bearer_token]",
                  "bearer_token");
  expect_redacted("bearer 7f9a8b6c5d4e", "bearer [REDACTED:bearer_token]", "bearer_token");
  expect_redacted("BEARER dGhpcyBpcyBhIHRva2VuIHZhbHVl", "BEARER [REDACTED:bearer_token]", "bearer_token");
  expect_untouched({"use a Bearer token", "Bearer authentication is required", "bearers 1234567890", "Bearer"});
}

TEST(Detectors, GenericSecretForms) {
  expect_redacted("password=hunter2", "password=[REDACTED:generic_secret]", "generic_secret");
  expect_redacted("secret: s3cr3t-value more", "secret: [REDACTED:generic_secret] more", "generic_secret");
  expect_redacted("{\"password\": \"correct horse battery staple\"}", "{\"password\": \"[REDACTED:generic_secret]\"}",
                  "generic_secret");
  expect_redacted("api_key: abcdef", "api_key: [REDACTED:generic_secret]", "generic_secret");
  expect_redacted("export DB_PASSWORD='x9y8z7'", "export DB_PASSWORD='[REDACTED:generic_secret]'", "generic_secret");
  expect_redacted("apiKey=\"q1w2e3\"", "apiKey=\"[REDACTED:generic_secret]\"", "generic_secret");
  expect_redacted("GET /v1?user=bob&token=9f8e7d6c5b4a&page=2", "GET /v1?user=bob&token=[REDACTED:generic_secret]&page=2",
                  "generic_secret");
  expect_redacted("maps?key=AIzaSyA1b2C3d4E5f6G7h8I9j0", "maps?key=[REDACTED:generic_secret]", "generic_secret");
  expect_redacted("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED:generic_secret]",
                  "generic_secret");
  expect_redacted("{\"authorization\": \"Digest username=x\"}", "{\"authorization\": \"Digest [REDACTED:generic_secret]\"}",
                  "generic_secret");
  // Serialized JSON inside a string, and escaped newlines before the key.
  expect_redacted("{\\\"password\\\": \\\"hunter2\\\"}", "{\\\"password\\\": \\\"[REDACTED:generic_secret]\\\"}",
                  "generic_secret");
  expect_redacted("a=1\\npassword=hunter2\\n", "a=1\\npassword=[REDACTED:generic_secret]\\n", "generic_secret");
  // Serialized JSON stays valid: a bare number becomes a string, and a quote that ends a
  // JSON string is not taken for the start of a value.
  expect_redacted("{\"password\": 12345678}", "{\"password\": \"[REDACTED:generic_secret]\"}", "generic_secret");
  expect_untouched({"{\"cmd\": \"mysql --password=\", \"n\": 1}", "[\"token=\", \"abc123def456\"]",
                    "{\"q\": \"password: \"}"});
  expect_untouched({"max_tokens=4096", "prompt_tokens: 1234", "token: 57", "key=node_summary", "key: abc123def456",
                    "password_hint: your pet", "tokens=abc123def456", "password: null", "reset-password?x=1",
                    "secret_santa_count=3", "token=Hello", "password==expected", "Authorization: [REDACTED:x]"});
}

TEST(Detectors, Email) {
  expect_redacted("mail alice.smith+tag@mail.example.co.uk.", "mail [REDACTED:email].", "email");
  expect_redacted("<bob@example.com>", "<[REDACTED:email]>", "email");
  expect_redacted("mailto:carol_99@sub-domain.example.org?subject=x", "mailto:[REDACTED:email]?subject=x", "email");
  expect_untouched({"pkg@1.2.3", "user@localhost", "git@github.com:acme/agents.git", "@mention", "foo@bar", "a@b.c",
                    "python@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"});
}

TEST(Detectors, CreditCardLuhnCheckedWithOrWithoutSeparators) {
  for (const std::string card : {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
                                 "3782 822463 10005", "5555555555554444", "6011111111111117", "3530111333300000",
                                 "2223003122003222", "4012888888881881"})
    expect_redacted("pay " + card + " now", "pay [REDACTED:credit_card] now", "credit_card");
  expect_redacted("4111 1111 1111 1111 2 items", "[REDACTED:credit_card] 2 items", "credit_card");
  expect_untouched({"4111111111111112",          // Luhn fails
                    "1734567890123",             // epoch ms
                    "1734567890123456789",       // epoch ns
                    "79927398713",               // Luhn-valid but too short
                    "12345678901234567890",      // too long
                    "0.4111111111111111",        // a fraction
                    "4111111111111111.5",        // a float
                    "v4111111111111111",         // part of a word
                    "41 11 11 11 11 11 11 11",   // not card groups
                    "4111-1111 1111-1111",       // mixed separators
                    "+4111111111111111"});       // a '+' means a phone number
}

TEST(Detectors, Phone) {
  expect_redacted("call +14155552671 now", "call [REDACTED:phone] now", "phone");
  expect_redacted("call +1 (415) 555-2671.", "call [REDACTED:phone].", "phone");
  expect_redacted("uk +44 20 7946 0958", "uk [REDACTED:phone]", "phone");
  expect_redacted("tel:+49-30-1234567", "tel:[REDACTED:phone]", "phone");
  expect_redacted("(415) 555-2671", "[REDACTED:phone]", "phone");
  expect_redacted("415-555-2671", "[REDACTED:phone]", "phone");
  expect_redacted("at 415.555.2671,", "at [REDACTED:phone],", "phone");
  expect_redacted("1-800-555-0199", "[REDACTED:phone]", "phone");
  expect_untouched({"2024-01-15", "10:30:00", "1734567890", "4155552671", "12345678", "+05:30", "-08:00", "+1.5",
                    "+12345", "512 256 1024", "123-456-7890", "415-555-26710", "v415.555.2671", "1.415.555.2671.3",
                    "+1.23456789012", "2024-12-18T10:30:00.123456+00:00", "UTC+14155552671"});
}

TEST(Detectors, IpAddressOffByDefaultOnWhenAsked) {
  expect_untouched({"10.0.0.1", "connect 192.168.1.20:8080"});
  const Redactor with_ip(json{{"detectors", {{"ip_address", true}}}});
  expect_redacted(with_ip, "connect 192.168.1.20:8080", "connect [REDACTED:ip_address]:8080", "ip_address");
  expect_redacted(with_ip, "from 8.8.8.8.", "from [REDACTED:ip_address].", "ip_address");
  expect_untouched(with_ip, {"1.2.3.4.5", "256.1.1.1", "v1.2.3", "1.2.3", "3.14159"});
}

TEST(Detectors, EachCanBeTurnedOff) {
  const std::string one_of_each =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
      "jwt eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.sig\n"
      "sk-ant-api03-Xy7Kq2Lm9Np4Rs6Tu1Vw3Xz8Ab5Cd0 sk-Zx9TQm1Lr7Kp2Wv8Ns3Hb6Yd4Gf0Jc5Ae1Uq7\n"
      "ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz xoxb-1234567890-abcdefghij AKIAIOSFODNN7EXAMPLE\n"
      "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
      "postgres://u:pw@db.example.com/x Bearer abc123def456ghi789 password=hunter2\n"
      "bob@example.com 4111111111111111 +14155552671 10.0.0.1\n";
  json all_on = {{"detectors", {{"ip_address", true}}}};
  RedactionStats on_stats;
  const std::string redacted = Redactor(all_on).redact(one_of_each, on_stats);
  for (const auto& info : dashflow::redaction_detectors()) {
    EXPECT_EQ(on_stats.count(info.name), 1u) << info.name << " in " << redacted;
    json config = all_on;
    config["detectors"][std::string(info.name)] = false;
    RedactionStats off_stats;
    Redactor(config).redact(one_of_each, off_stats);
    EXPECT_EQ(off_stats.count(info.name), 0u) << info.name;
  }
}

}  // namespace
