#pragma once
// CTC decoding of a plate reader's output: a T x C matrix of per-time-step class
// probabilities (class 0 = blank, class k = alphabet[k - 1]).

#include <opencv2/core/mat.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace safelane::vision {

struct TextHypothesis {
  std::string text;
  double probability;  // P(text | input), summed over all CTC alignments
};

// Prefix beam search: the `top_n` most probable texts, best first. `probs` is CV_32F,
// T rows by (alphabet.size() + 1) columns.
std::vector<TextHypothesis> CtcBeamSearch(const cv::Mat& probs, std::string_view alphabet,
                                          int beam_width, int top_n);

// Exact P(text | input) by the CTC forward algorithm. Characters outside the
// alphabet give 0.
double CtcTextProbability(const cv::Mat& probs, std::string_view alphabet, std::string_view text);

}  // namespace safelane::vision
