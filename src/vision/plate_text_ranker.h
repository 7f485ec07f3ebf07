#pragma once
// Chooses a plate's text from the reader's output: CTC hypotheses, plus the texts one
// confusable swap away that fit a country's format, each scored by its exact CTC
// probability times how well it fits the country's formats. With country "auto" the
// best-fitting country wins; a text that fits no format keeps its raw reading (it is
// never dropped) and reports no country.

#include <opencv2/core/mat.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "vision/plate_format_catalog.h"
#include "vision/plate_types.h"

namespace safelane::vision {

// Score factor for a text that fits none of a country's formats: a fitting text wins
// unless the reader is about ten times surer of the non-fitting one.
inline constexpr double kNoFormatFit = 0.1;

struct TextChoice {
  std::string text;
  double confidence = 0.0;  // P(text | crop)
  const CountryFormats* country = nullptr;
  const PlateFormat* format = nullptr;
  std::vector<TextCandidate> candidates;  // best first
};

// `probs_per_mode`: the same crop read in one or more preparation modes.
// `country`: "auto" or a code present in the catalog (checked by the caller).
TextChoice ChoosePlateText(const std::vector<cv::Mat>& probs_per_mode,
                           const PlateFormatCatalog& catalog, std::string_view country, int top_n);

}  // namespace safelane::vision
