#include "vision/ctc_decoder.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

namespace safelane::vision {
namespace {

// Collapses a CTC alignment: merge repeats, drop blanks.
std::string Collapse(const std::vector<int>& path, std::string_view alphabet) {
  std::string out;
  int prev = 0;
  for (int k : path) {
    if (k != 0 && k != prev) out.push_back(alphabet[static_cast<std::size_t>(k - 1)]);
    prev = k;
  }
  return out;
}

cv::Mat RandomProbs(int steps, int classes, std::mt19937& rng) {
  cv::Mat p(steps, classes, CV_32F);
  std::uniform_real_distribution<float> u(0.01F, 1.0F);
  for (int t = 0; t < steps; ++t) {
    float sum = 0.0F;
    for (int k = 0; k < classes; ++k) sum += (p.at<float>(t, k) = u(rng));
    for (int k = 0; k < classes; ++k) p.at<float>(t, k) /= sum;
  }
  return p;
}

// Brute force over every alignment: the ground truth both functions must match.
std::map<std::string, double> AllTexts(const cv::Mat& probs, std::string_view alphabet) {
  std::map<std::string, double> out;
  std::vector<int> path(static_cast<std::size_t>(probs.rows), 0);
  std::function<void(int, double)> walk = [&](int t, double p) {
    if (t == probs.rows) {
      out[Collapse(path, alphabet)] += p;
      return;
    }
    for (int k = 0; k < probs.cols; ++k) {
      path[static_cast<std::size_t>(t)] = k;
      walk(t + 1, p * probs.at<float>(t, k));
    }
  };
  walk(0, 1.0);
  return out;
}

TEST(CtcDecoder, TextProbabilityEqualsSumOverAlignments) {
  std::mt19937 rng(7);
  const std::string alphabet = "AB";
  for (int trial = 0; trial < 5; ++trial) {
    const cv::Mat probs = RandomProbs(5, 3, rng);
    for (const auto& [text, p] : AllTexts(probs, alphabet)) {
      EXPECT_NEAR(CtcTextProbability(probs, alphabet, text), p, 1e-9) << text;
    }
    EXPECT_EQ(CtcTextProbability(probs, alphabet, "C"), 0.0);
  }
}

TEST(CtcDecoder, BeamSearchFindsTheMostProbableTexts) {
  std::mt19937 rng(11);
  const std::string alphabet = "AB";
  for (int trial = 0; trial < 5; ++trial) {
    const cv::Mat probs = RandomProbs(6, 3, rng);
    auto truth = AllTexts(probs, alphabet);
    std::vector<std::pair<std::string, double>> ranked(truth.begin(), truth.end());
    std::sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.second > b.second; });
    // A wide beam on a tiny problem is exact.
    const auto beam = CtcBeamSearch(probs, alphabet, 200, 3);
    ASSERT_EQ(beam.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(beam[i].text, ranked[i].first);
      EXPECT_NEAR(beam[i].probability, ranked[i].second, 1e-9);
    }
  }
}

TEST(CtcDecoder, RepeatedCharactersNeedABlank) {
  const std::string alphabet = "0123456789";
  // Steps: 1 1 blank 1 -> "11"; without the blank it would be "1".
  cv::Mat probs = cv::Mat::zeros(4, 11, CV_32F);
  probs.at<float>(0, 2) = 1.0F;
  probs.at<float>(1, 2) = 1.0F;
  probs.at<float>(2, 0) = 1.0F;
  probs.at<float>(3, 2) = 1.0F;
  const auto best = CtcBeamSearch(probs, alphabet, 8, 1);
  ASSERT_EQ(best.size(), 1U);
  EXPECT_EQ(best[0].text, "11");
  EXPECT_NEAR(best[0].probability, 1.0, 1e-9);
}

}  // namespace
}  // namespace safelane::vision
