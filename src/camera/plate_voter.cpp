#include "camera/plate_voter.h"

#include <map>

#include "camera/plate_text_similarity.h"

namespace safelane::camera {

std::optional<PlateVote> PlateVoter::Decide(const VoterOptions& options) const {
  std::map<std::string, double> weight;
  double total = 0.0;
  int read = 0;
  for (const auto& r : readings_) {
    if (r.text.empty()) continue;
    ++read;
    const double w = r.confidence * (r.fits_format ? 1.0 : options.unfit_weight);
    weight[r.text] += w;
    total += w;
  }
  if (weight.empty()) return std::nullopt;
  auto best = weight.begin();
  for (auto it = weight.begin(); it != weight.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  // A text that fits no format can outweigh the plate it is a piece of ("18E503K" from a
  // plate half out of the frame, seen more often than the whole "18E503KA" at a low frame
  // rate). The format-fitting text that is the same plate up to lost and confused characters
  // (SamePlateSimilarity) wins instead, when it has min_agreeing readings of its own.
  std::map<std::string, std::pair<bool, int>> fit_count;  // text -> fits, readings
  for (const auto& r : readings_) {
    if (r.text.empty()) continue;
    auto& [fits, count] = fit_count[r.text];
    fits = fits || r.fits_format;
    ++count;
  }
  if (!fit_count[best->first].first) {
    auto whole = weight.end();
    for (auto it = weight.begin(); it != weight.end(); ++it) {
      const auto& [fits, count] = fit_count[it->first];
      if (!fits || count < options.min_agreeing ||
          SamePlateSimilarity(it->first, best->first) < options.same_plate_similarity) {
        continue;
      }
      if (whole == weight.end() || it->second > whole->second) whole = it;
    }
    if (whole != weight.end()) best = whole;
  }
  PlateVote vote;
  vote.text = best->first;
  vote.frames_read = read;
  double confidence_sum = 0.0;
  double top = -1.0;
  for (std::size_t i = 0; i < readings_.size(); ++i) {
    const auto& r = readings_[i];
    if (r.text != vote.text) continue;
    ++vote.frames_agreed;
    confidence_sum += r.confidence;
    if (r.confidence > top) {
      top = r.confidence;
      vote.best_reading = i;
      vote.country = r.country;
      vote.fits_format = r.fits_format;
    }
  }
  if (vote.frames_agreed < options.min_agreeing) return std::nullopt;
  const double share = total > 0 ? best->second / total : 0.0;
  vote.confidence = share * confidence_sum / vote.frames_agreed;
  if (vote.confidence < options.min_confidence) return std::nullopt;
  return vote;
}

}  // namespace safelane::camera
