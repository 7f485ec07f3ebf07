#include "vision/plate_text_ranker.h"

#include <gtest/gtest.h>

#include "vision/plate_reader.h"

namespace safelane::vision {
namespace {

// A reader output that spells `spec` one character per pair of steps (character,
// blank). Each step is a list of (character, probability); '_' is the blank.
cv::Mat Spell(const std::vector<std::vector<std::pair<char, float>>>& steps) {
  const std::string_view alphabet = PlateReader::kAlphabet;
  cv::Mat probs = cv::Mat::zeros(static_cast<int>(steps.size()) * 2,
                                 static_cast<int>(alphabet.size()) + 1, CV_32F);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const int row = static_cast<int>(i) * 2;
    for (const auto& [c, p] : steps[i]) {
      const int k = c == '_' ? 0 : static_cast<int>(alphabet.find(c)) + 1;
      probs.at<float>(row, k) = p;
    }
    probs.at<float>(row + 1, 0) = 1.0F;
  }
  return probs;
}

std::vector<std::vector<std::pair<char, float>>> Certain(std::string_view text) {
  std::vector<std::vector<std::pair<char, float>>> steps;
  for (char c : text) steps.push_back({{c, 1.0F}});
  return steps;
}

TEST(PlateTextRanker, FormatFitOutranksASlightlyMoreLikelyMisreading) {
  auto steps = Certain("01A123BC");
  steps[0] = {{'O', 0.55F}, {'0', 0.45F}};  // the reader hesitates between O and 0
  const auto choice = ChoosePlateText({Spell(steps)}, PlateFormatCatalog::Builtin(), "auto", 5);
  EXPECT_EQ(choice.text, "01A123BC");
  ASSERT_NE(choice.country, nullptr);
  EXPECT_EQ(choice.country->country, "uz");
  ASSERT_NE(choice.format, nullptr);
  EXPECT_EQ(choice.format->id, "uz-private");
  EXPECT_NEAR(choice.confidence, 0.45, 1e-6);
  ASSERT_GE(choice.candidates.size(), 2U);
  EXPECT_EQ(choice.candidates[0].text, "01A123BC");
}

TEST(PlateTextRanker, ConfusableSwapWinsWithinTheFitMargin) {
  auto steps = Certain("01A123BC");
  steps[4] = {{'Z', 0.8F}, {'2', 0.2F}};
  const auto choice = ChoosePlateText({Spell(steps)}, PlateFormatCatalog::Builtin(), "uz", 3);
  EXPECT_EQ(choice.text, "01A123BC");
  EXPECT_NEAR(choice.confidence, 0.2, 1e-6);
}

TEST(PlateTextRanker, AMuchSurerNonFittingReadingIsKept) {
  auto steps = Certain("01A123BC");
  steps[4] = {{'Z', 0.95F}, {'2', 0.05F}};
  const auto choice = ChoosePlateText({Spell(steps)}, PlateFormatCatalog::Builtin(), "uz", 3);
  EXPECT_EQ(choice.text, "01A1Z3BC");
  EXPECT_EQ(choice.format, nullptr);
}

TEST(PlateTextRanker, ATextFittingNoFormatIsKeptNotDropped) {
  const auto choice =
      ChoosePlateText({Spell(Certain("QQQQQQQQQQ"))}, PlateFormatCatalog::Builtin(), "auto", 5);
  EXPECT_EQ(choice.text, "QQQQQQQQQQ");
  EXPECT_EQ(choice.country, nullptr);
  EXPECT_EQ(choice.format, nullptr);
  EXPECT_NEAR(choice.confidence, 1.0, 1e-6);
}

TEST(PlateTextRanker, TheBetterModeWins) {
  // The two-line reading is confident; the one-line one is noise.
  auto noisy = Certain("7XQ");
  const auto choice = ChoosePlateText({Spell(noisy), Spell(Certain("BRA2E19"))},
                                      PlateFormatCatalog::Builtin(), "auto", 5);
  EXPECT_EQ(choice.text, "BRA2E19");
  ASSERT_NE(choice.country, nullptr);
  EXPECT_EQ(choice.country->country, "br");
}

}  // namespace
}  // namespace safelane::vision
