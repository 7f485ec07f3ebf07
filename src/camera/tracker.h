#pragma once
// Tracker: multi-object tracking of plate boxes across frames, so that the readings of one
// passing vehicle can be voted on together (plate_voter.h).
//
// Motion model: an alpha-beta filter per track on the box centre (position + velocity in
// pixels per frame) and size (position only); the second sighting sets the velocity outright
// (a vehicle is at full speed when it enters). Each frame every track is predicted one step
// (or more, if frames were skipped), then detections are assigned greedily, best pair first.
// A pair is admissible when
//   - the detection's box overlaps the prediction by IoU >= min_iou, or
//   - its centre is within reach of the prediction AND it looks like the same vehicle: its
//     text is similar to the track's latest reading (PlateTextSimilarity >= min_text_
//     similarity: a misread of the same plate, not only the identical text), or the vehicle
//     around the plate looks the same (AppearanceSimilarity >= min_appearance).
// Reach is max_jump_widths box widths for every frame interval since the track was last
// seen (frame_index steps, so frames the node had no time to process count too): that is
// the re-identification window, so a vehicle whose track lost it for a few frames (a far
// jump at a low processed frame rate, a misread, an occlusion) is found again by appearance
// where a new track would otherwise be born next to the dying one. For a moving track the
// window widens along its motion only: it is never looked for behind where it was last seen,
// nor more than max_jump_widths across its motion (the other lane).
// A track that stands still (still_after_hits assignments, never half its width from where
// it was born: a sign, text on a wall, a parked car) is matched by IoU only, and never to a
// detection whose text contradicts its own: when a vehicle passes in front of it, the
// vehicle's plate is the vehicle's, and the still thing is hidden where it stands.
// Unassigned detections start tentative tracks; a track is confirmed after confirm_hits
// assignments and ends after max_missed frames without one (tentative tracks end at their
// first miss). Not thread-safe.

#include <cstdint>
#include <opencv2/core/types.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "camera/appearance.h"
#include "core/result.h"

namespace safelane::camera {

using Done = std::monostate;  // the value of an operation that returns nothing

struct TrackerOptions {
  float min_iou = 0.2F;              // IoU gate for a plain assignment
  float max_jump_widths = 2.0F;      // centre distance gate (in box widths) for a look-alike match
  float min_text_similarity = 0.6F;  // PlateTextSimilarity for a text match
  float min_appearance = 0.8F;       // AppearanceSimilarity for an appearance match
  float appearance_gain = 0.3F;      // how fast a track's appearance follows what is seen
  int confirm_hits = 2;              // assignments before a track counts
  int max_missed = 12;               // frames a confirmed track may go unseen (occlusion, misses)
  float alpha = 0.7F;                // position gain
  float beta = 0.3F;                 // velocity gain
  // A track assigned still_after_hits times that stayed within half its width of where it
  // was born stands still (background text, a parked car): it is matched by IoU only, and
  // not to a detection read as a text this unlike its own (PlateTextSimilarity below it).
  int still_after_hits = 10;
  // A detection this many times wider or narrower than a track's box is not that track's.
  float max_width_ratio = 2.0F;
  float still_contradicting_text = 0.3F;
};
Result<Done> ValidateTrackerOptions(const TrackerOptions& options);

struct TrackDetection {
  cv::Rect2f box;         // frame pixels
  std::string text;       // the reading of this detection ("" if unread)
  Appearance appearance;  // unknown: the detection matches by motion and text only
};

struct TrackState {
  std::int64_t id = 0;
  cv::Rect2f box;            // filtered box at the last update
  cv::Point2f velocity;      // px per frame
  cv::Point2f first_centre;  // where the track was born
  cv::Point2f last_centre;   // where it was last assigned (filtered)
  int hits = 0;
  int missed = 0;              // processed frames since the last assignment
  std::int64_t last_seen = 0;  // frame index of the last assignment
  bool confirmed = false;
  std::string last_text;
  Appearance appearance;  // running description of the vehicle (appearance.h)
};

class Tracker {
 public:
  explicit Tracker(TrackerOptions options) : options_(options) {}

  // One frame's detections; frame_index must increase (a gap predicts several steps).
  // Returns the track id of each detection, in order.
  std::vector<std::int64_t> Update(std::int64_t frame_index,
                                   std::span<const TrackDetection> detections);

  // Ids of the confirmed tracks that ended in the latest Update (or Flush); tentative
  // tracks that ended are in ended_tentative().
  const std::vector<std::int64_t>& ended() const { return ended_; }
  const std::vector<std::int64_t>& ended_tentative() const { return ended_tentative_; }
  // Ends every live track (end of stream).
  void Flush();

  const std::vector<TrackState>& live() const { return tracks_; }

  // Where each live track is expected at frame_index (same order as live()), without
  // changing anything: lets a caller skip reading a plate whose track needs no more votes.
  std::vector<cv::Rect2f> Predict(std::int64_t frame_index) const;

 private:
  std::vector<cv::Rect2f> PredictSteps(float steps) const;
  bool StandsStill(const TrackState& track) const;

  TrackerOptions options_;
  std::vector<TrackState> tracks_;
  std::vector<std::int64_t> ended_;
  std::vector<std::int64_t> ended_tentative_;
  std::int64_t next_id_ = 1;
  std::int64_t last_frame_ = -1;
};

float Iou(const cv::Rect2f& a, const cv::Rect2f& b);

}  // namespace safelane::camera
