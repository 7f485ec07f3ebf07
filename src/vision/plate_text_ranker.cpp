#include "vision/plate_text_ranker.h"

#include <algorithm>
#include <map>

#include "vision/ctc_decoder.h"
#include "vision/plate_reader.h"

namespace safelane::vision {
namespace {

constexpr int kBeamWidth = 16;
constexpr int kHypothesesPerMode = 8;

double FormatFit(const PlateFormat* format) {
  // A common format (high prior) fits better than a rare one that admits almost
  // anything, such as a vanity plate.
  return format == nullptr ? kNoFormatFit : 0.5 + 0.5 * format->prior;
}

struct Scored {
  std::string text;
  double probability;
  double score;
  const PlateFormat* format;
};

// Scores every text for one country (or for none when `country` is null) and returns
// them best first.
std::vector<Scored> ScoreFor(const std::map<std::string, double>& probability,
                             const CountryFormats* country) {
  std::vector<Scored> out;
  for (const auto& [text, p] : probability) {
    const PlateFormat* f = country != nullptr ? PlateFormatCatalog::Match(*country, text) : nullptr;
    out.push_back({text, p, p * FormatFit(f), f});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.text < b.text;
  });
  return out;
}

}  // namespace

TextChoice ChoosePlateText(const std::vector<cv::Mat>& probs_per_mode,
                           const PlateFormatCatalog& catalog, std::string_view country, int top_n) {
  const std::string_view alphabet = PlateReader::kAlphabet;
  std::vector<const CountryFormats*> countries;
  if (country == "auto") {
    for (const auto& c : catalog.countries()) countries.push_back(&c);
  } else if (const auto* c = catalog.Find(country)) {
    countries.push_back(c);
  }

  // Candidate texts: each mode's hypotheses and their format-fitting corrections.
  std::vector<std::string> texts;
  for (const auto& probs : probs_per_mode) {
    for (const auto& h : CtcBeamSearch(probs, alphabet, kBeamWidth, kHypothesesPerMode)) {
      if (h.text.empty()) continue;
      texts.push_back(h.text);
      for (const auto* c : countries) {
        for (auto& fixed : PlateFormatCatalog::Corrections(*c, h.text)) texts.push_back(fixed);
      }
    }
  }
  // Exact probability of each text under the mode that explains it best.
  std::map<std::string, double> probability;
  for (const auto& text : texts) {
    if (probability.contains(text)) continue;
    double best = 0.0;
    for (const auto& probs : probs_per_mode) {
      best = std::max(best, CtcTextProbability(probs, alphabet, text));
    }
    probability[text] = best;
  }

  TextChoice choice;
  if (probability.empty()) return choice;
  std::vector<Scored> ranked = ScoreFor(probability, nullptr);
  for (const auto* c : countries) {
    auto scored = ScoreFor(probability, c);
    if (scored.front().format != nullptr && scored.front().score > ranked.front().score) {
      ranked = std::move(scored);
      choice.country = c;
    }
  }
  choice.text = ranked.front().text;
  choice.confidence = ranked.front().probability;
  choice.format = ranked.front().format;
  for (const auto& s : ranked) {
    if (static_cast<int>(choice.candidates.size()) >= top_n) break;
    choice.candidates.push_back({s.text, s.probability});
  }
  return choice;
}

}  // namespace safelane::vision
