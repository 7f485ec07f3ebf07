#pragma once
// PlateVoter: the readings of one track -> ONE text for the passing vehicle.
//
// Each reading votes for its text with weight confidence x (1 if the text fits a known plate
// format of an expected country, else unfit_weight): a plate half out of the frame or
// blurred reads as a shorter or format-less string with a lower confidence, and is outvoted
// by the frames that saw it whole; and where such a piece still outweighs the whole (a low
// processed frame rate sees a plate entering the frame as often as whole), the whole plate
// wins if it was read min_agreeing times and is the same plate up to lost characters. The result's
// confidence is the winner's share of all weight times the mean confidence of the readings that
// agreed with it, so a vehicle whose frames disagree is reported with a low confidence, not a
// made-up high one.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace safelane::camera {

struct PlateReading {
  std::string text;  // "" when the reader could not read the crop
  double confidence = 0.0;
  bool fits_format = false;  // the text fits a format of an expected country
  std::string country;
  std::int64_t frame_index = 0;
};

struct VoterOptions {
  double unfit_weight = 0.25;  // weight factor of a reading that fits no expected format
  int min_agreeing = 2;        // readings of the winning text needed to report anything
  // Below this result confidence nothing is reported: on the test video every read under
  // 0.05 was background texture or a plate in the photo behind the vehicle.
  double min_confidence = 0.05;
  // A winner that fits no format gives way to a format-fitting text of the same plate
  // (SamePlateSimilarity at least this, e.g. 18E503K -> 18E503KA) with min_agreeing readings.
  float same_plate_similarity = 0.8F;
};

struct PlateVote {
  std::string text;
  std::string country;
  double confidence = 0.0;
  int frames_agreed = 0;         // readings equal to the winner
  int frames_read = 0;           // readings with any text
  std::size_t best_reading = 0;  // index (Add order) of the agreeing reading with top confidence
  bool fits_format = false;      // the winner fits a format of an expected country
};

class PlateVoter {
 public:
  void Add(PlateReading reading) { readings_.push_back(std::move(reading)); }
  // nullopt: no text got min_agreeing readings, or the result is under min_confidence.
  std::optional<PlateVote> Decide(const VoterOptions& options) const;
  const std::vector<PlateReading>& readings() const { return readings_; }

 private:
  std::vector<PlateReading> readings_;
};

}  // namespace safelane::camera
