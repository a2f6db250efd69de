// The verdict parser: structured JSON read tolerantly, anything unusable is a
// clear VerdictError (never a silent Neutral, never a crash).
#include <gtest/gtest.h>

#include <dashflow_reviewer/verdict.hpp>

#include <random>

using namespace dashflow;
using namespace dashflow_plugins::reviewer;

namespace {

const char* kGood = R"({"assessment": "agree", "confidence": 0.8,
  "critiques": [{"target": "rollback", "criticism": "No rollback is described", "severity": "major",
                 "suggested_fix": "Describe how to revert"}],
  "suggestions": ["Add a canary step"]})";

std::string error_of(std::string_view reply) {
  try {
    parse_verdict(reply);
  } catch (const VerdictError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Verdict, ReadsAPlainJsonObject) {
  Verdict v = parse_verdict(kGood);
  EXPECT_EQ(v.assessment, Assessment::Agree);
  EXPECT_DOUBLE_EQ(v.confidence, 0.8);
  ASSERT_EQ(v.critiques.size(), 1u);
  EXPECT_EQ(v.critiques[0].target, "rollback");
  EXPECT_EQ(v.critiques[0].criticism, "No rollback is described");
  EXPECT_EQ(v.critiques[0].severity, CritiqueSeverity::Major);
  EXPECT_EQ(v.critiques[0].suggested_fix, std::optional<std::string>("Describe how to revert"));
  EXPECT_EQ(v.suggestions, std::vector<std::string>{"Add a canary step"});
  EXPECT_TRUE(v.notes.empty());
}

TEST(Verdict, ReadsJsonInAFenceAfterProse) {
  const std::string reply = std::string("Here is my review of the plan.\n\n```json\n") + kGood + "\n```\nHope it helps!";
  Verdict v = parse_verdict(reply);
  EXPECT_EQ(v.assessment, Assessment::Agree);
  EXPECT_EQ(v.critiques.size(), 1u);
}

TEST(Verdict, ReadsJsonEmbeddedInProseWithBracesAround) {
  // A stray brace in prose before the verdict, and braces inside strings.
  const std::string reply =
      "Note: the {config is odd. My verdict: {\"assessment\": \"StronglyDisagree\", \"confidence\": \"90%\", "
      "\"critiques\": [{\"criticism\": \"uses {placeholders} and \\\"quotes\\\"\", \"severity\": \"Critical\"}]} Thanks.";
  Verdict v = parse_verdict(reply);
  EXPECT_EQ(v.assessment, Assessment::StronglyDisagree);
  EXPECT_DOUBLE_EQ(v.confidence, 0.9);
  ASSERT_EQ(v.critiques.size(), 1u);
  EXPECT_EQ(v.critiques[0].criticism, "uses {placeholders} and \"quotes\"");
  EXPECT_EQ(v.critiques[0].severity, CritiqueSeverity::Critical);
  EXPECT_EQ(v.critiques[0].target, "plan");
}

TEST(Verdict, ToleratesCommentsTrailingCommasAndWrapping) {
  Verdict v = parse_verdict(R"({"review": {
      // the verdict
      "Assessment": "Strongly Agree", "confidence": 85,
      "critiques": ["too vague", {"issue": "no tests", "severity": "low"},],
      "suggestions": [{"text": "add tests"}, "",],
  }})");
  EXPECT_EQ(v.assessment, Assessment::StronglyAgree);
  EXPECT_DOUBLE_EQ(v.confidence, 0.85);
  ASSERT_EQ(v.critiques.size(), 2u);
  EXPECT_EQ(v.critiques[0].criticism, "too vague");
  EXPECT_EQ(v.critiques[0].severity, CritiqueSeverity::Moderate);
  EXPECT_EQ(v.critiques[1].criticism, "no tests");
  EXPECT_EQ(v.critiques[1].severity, CritiqueSeverity::Minor);
  EXPECT_EQ(v.suggestions, std::vector<std::string>{"add tests"});
  EXPECT_FALSE(v.notes.empty());  // the percentage was noted
}

TEST(Verdict, MissingConfidenceCountsAsHalfWithANote) {
  Verdict v = parse_verdict(R"({"assessment": "disapprove"})");
  EXPECT_EQ(v.assessment, Assessment::Disagree);
  EXPECT_DOUBLE_EQ(v.confidence, 0.5);
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("no confidence"), std::string::npos);
}

TEST(Verdict, AssessmentNamesAndSynonyms) {
  EXPECT_EQ(parse_assessment("strongly_agree"), Assessment::StronglyAgree);
  EXPECT_EQ(parse_assessment("StronglyAgree"), Assessment::StronglyAgree);
  EXPECT_EQ(parse_assessment("strongly approve"), Assessment::StronglyAgree);
  EXPECT_EQ(parse_assessment("**Agree**"), Assessment::Agree);
  EXPECT_EQ(parse_assessment("approve"), Assessment::Agree);
  EXPECT_EQ(parse_assessment("NEUTRAL"), Assessment::Neutral);
  EXPECT_EQ(parse_assessment("reject"), Assessment::Disagree);
  EXPECT_EQ(parse_assessment("strongly-disagree"), Assessment::StronglyDisagree);
  EXPECT_EQ(parse_assessment("strongly_disapprove"), Assessment::StronglyDisagree);
  // DashFlow's substring rules read "I cannot agree" as Agree; here it is an error.
  EXPECT_THROW(parse_assessment("I cannot agree"), VerdictError);
  EXPECT_THROW(parse_assessment("maybe"), VerdictError);
}

TEST(Verdict, SeverityNames) {
  EXPECT_EQ(parse_severity("Critical"), CritiqueSeverity::Critical);
  EXPECT_EQ(parse_severity("blocker"), CritiqueSeverity::Critical);
  EXPECT_EQ(parse_severity("high"), CritiqueSeverity::Major);
  EXPECT_EQ(parse_severity("medium"), CritiqueSeverity::Moderate);
  EXPECT_EQ(parse_severity("nit"), CritiqueSeverity::Minor);
  EXPECT_EQ(parse_severity("whatever"), CritiqueSeverity::Moderate);
}

TEST(Verdict, EmptyReplyIsAnError) {
  EXPECT_EQ(error_of(""), "the reply is empty");
  EXPECT_EQ(error_of(" \n\t "), "the reply is empty");
}

TEST(Verdict, RefusalIsRecognised) {
  const std::string e = error_of("I\xE2\x80\x99m sorry, but I can\xE2\x80\x99t help with reviewing this request.");
  EXPECT_NE(e.find("declined to review"), std::string::npos) << e;
  EXPECT_NE(error_of("I cannot assist with that.").find("declined"), std::string::npos);
}

TEST(Verdict, CutOffJsonIsRecognised) {
  const std::string e = error_of(R"(```json
{"assessment": "agree", "confidence": 0.7, "critiques": [{"target": "steps", "criticism": "The second st)");
  EXPECT_NE(e.find("cut off"), std::string::npos) << e;
}

TEST(Verdict, JsonWithoutAssessmentIsRecognised) {
  const std::string e = error_of(R"({"verdict": "looks fine", "score": 7})");
  EXPECT_NE(e.find("no \"assessment\" field"), std::string::npos) << e;
}

TEST(Verdict, ProseWithoutJsonIsRecognised) {
  const std::string e = error_of("Overall I agree with this plan, it is strong.");
  EXPECT_NE(e.find("no JSON verdict"), std::string::npos) << e;
  EXPECT_NE(e.find("Overall I agree"), std::string::npos) << e;  // the reply is quoted
}

TEST(Verdict, MalformedFieldsNameTheField) {
  EXPECT_NE(error_of(R"({"assessment": "maybe", "confidence": 0.5})").find("assessment \"maybe\" is not one of"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"assessment": "agree", "confidence": 250})").find("outside 0..1"), std::string::npos);
  EXPECT_NE(error_of(R"({"assessment": "agree", "confidence": "sure"})").find("is not a number"), std::string::npos);
  EXPECT_NE(error_of(R"({"assessment": "agree", "critiques": 3})").find("critiques must be a list"), std::string::npos);
  EXPECT_NE(error_of(R"({"assessment": 1})").find("assessment must be text"), std::string::npos);
}

TEST(Verdict, FirstUsableVerdictWinsOverAnEarlierBrokenOne) {
  Verdict v = parse_verdict(R"(Draft: {"assessment": "maybe"} Final: {"assessment": "neutral", "confidence": 0.4})");
  EXPECT_EQ(v.assessment, Assessment::Neutral);
  EXPECT_DOUBLE_EQ(v.confidence, 0.4);
}

TEST(Verdict, NeverCrashesOnGarbage) {
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\":,`\\ aeg\n0.9-truenull\xC3\xA9\xFF";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    const size_t len = rng() % 200;
    for (size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    try {
      parse_verdict(s);
    } catch (const VerdictError&) {
    }
  }
  // Pathological nesting and size stay bounded.
  EXPECT_THROW(parse_verdict(std::string(300000, '{')), VerdictError);
  EXPECT_THROW(parse_verdict(std::string(100000, '[')), VerdictError);
}
