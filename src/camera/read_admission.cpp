#include "camera/read_admission.h"

#include <algorithm>
#include <climits>
#include <cstdio>

namespace safelane::camera {

Result<std::monostate> ValidateReadAdmissionOptions(const ReadAdmissionOptions& o) {
  if (o.min_plate_chars < 1 || o.min_plate_chars > 16 ||
      !(o.min_unfit_confidence >= 0 && o.min_unfit_confidence <= 1)) {
    return Error(ErrorCode::kBadConfig,
                 "min_plate_chars must be in 1..16 and min_unfit_confidence in [0, 1]");
  }
  return std::monostate{};
}

std::string WhyNotARead(const PlateVote& vote, const ReadAdmissionOptions& options) {
  if (static_cast<int>(vote.text.size()) < options.min_plate_chars) {
    return "shorter than " + std::to_string(options.min_plate_chars) + " characters";
  }
  if (!vote.fits_format && vote.confidence < options.min_unfit_confidence) {
    char why[96];
    std::snprintf(why, sizeof why, "fits no plate format and its confidence is under %.2f",
                  options.min_unfit_confidence);
    return why;
  }
  return "";
}

int ShortestPlate(const vision::PlateFormatCatalog& catalog,
                  std::span<const std::string> countries) {
  int shortest = INT_MAX;
  for (const auto& country : catalog.countries()) {
    if (!countries.empty() &&
        std::find(countries.begin(), countries.end(), country.country) == countries.end()) {
      continue;
    }
    for (const auto& format : country.formats) {
      if (!format.pattern.empty()) shortest = std::min(shortest, format.min_len);
    }
  }
  return shortest == INT_MAX ? 1 : shortest;
}

}  // namespace safelane::camera
