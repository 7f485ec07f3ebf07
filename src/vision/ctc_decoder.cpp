#include "vision/ctc_decoder.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

namespace safelane::vision {
namespace {

// Classes below this probability at a time step cannot start a prefix that ends up in
// the top few; skipping them keeps the search linear in practice.
constexpr float kPruneProbability = 1e-4F;

struct BeamEntry {
  double p_blank = 0.0;      // ends in blank
  double p_non_blank = 0.0;  // ends in its last character
  double total() const { return p_blank + p_non_blank; }
};

int ClassOf(std::string_view alphabet, char c) {
  const auto at = alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at) + 1;
}

}  // namespace

std::vector<TextHypothesis> CtcBeamSearch(const cv::Mat& probs, std::string_view alphabet,
                                          int beam_width, int top_n) {
  assert(probs.type() == CV_32F && probs.cols == static_cast<int>(alphabet.size()) + 1);
  std::unordered_map<std::string, BeamEntry> beams{{"", BeamEntry{1.0, 0.0}}};
  std::vector<std::pair<std::string, BeamEntry>> ranked;
  for (int t = 0; t < probs.rows; ++t) {
    const auto* p = probs.ptr<float>(t);
    std::unordered_map<std::string, BeamEntry> next;
    for (const auto& [prefix, entry] : beams) {
      // Blank: the prefix is unchanged.
      next[prefix].p_blank += entry.total() * p[0];
      for (int k = 1; k < probs.cols; ++k) {
        if (p[k] < kPruneProbability) continue;
        const char c = alphabet[static_cast<std::size_t>(k - 1)];
        if (!prefix.empty() && prefix.back() == c) {
          // A repeat collapses unless a blank separated it.
          next[prefix].p_non_blank += entry.p_non_blank * p[k];
          next[prefix + c].p_non_blank += entry.p_blank * p[k];
        } else {
          next[prefix + c].p_non_blank += entry.total() * p[k];
        }
      }
    }
    ranked.assign(next.begin(), next.end());
    const auto keep = std::min<std::size_t>(ranked.size(), static_cast<std::size_t>(beam_width));
    std::partial_sort(
        ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
        [](const auto& a, const auto& b) { return a.second.total() > b.second.total(); });
    ranked.resize(keep);
    beams = {ranked.begin(), ranked.end()};
  }
  std::vector<TextHypothesis> out;
  out.reserve(ranked.size());
  for (const auto& [text, entry] : ranked) out.push_back({text, entry.total()});
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.probability > b.probability; });
  if (out.size() > static_cast<std::size_t>(top_n)) out.resize(static_cast<std::size_t>(top_n));
  return out;
}

double CtcTextProbability(const cv::Mat& probs, std::string_view alphabet, std::string_view text) {
  assert(probs.type() == CV_32F && probs.cols == static_cast<int>(alphabet.size()) + 1);
  // Extended label sequence: blank, c1, blank, c2, ..., blank.
  std::vector<int> labels{0};
  for (char c : text) {
    const int k = ClassOf(alphabet, c);
    if (k < 0) return 0.0;
    labels.push_back(k);
    labels.push_back(0);
  }
  const std::size_t s_count = labels.size();
  if (probs.rows == 0) return text.empty() ? 1.0 : 0.0;
  std::vector<double> alpha(s_count, 0.0);
  std::vector<double> next(s_count, 0.0);
  const auto* p0 = probs.ptr<float>(0);
  alpha[0] = p0[0];
  if (s_count > 1) alpha[1] = p0[labels[1]];
  for (int t = 1; t < probs.rows; ++t) {
    const auto* p = probs.ptr<float>(t);
    for (std::size_t s = 0; s < s_count; ++s) {
      double a = alpha[s];
      if (s >= 1) a += alpha[s - 1];
      // Skipping the blank between two different characters.
      if (s >= 2 && labels[s] != 0 && labels[s] != labels[s - 2]) a += alpha[s - 2];
      next[s] = a * p[labels[s]];
    }
    std::swap(alpha, next);
  }
  return alpha[s_count - 1] + (s_count >= 2 ? alpha[s_count - 2] : 0.0);
}

}  // namespace safelane::vision
