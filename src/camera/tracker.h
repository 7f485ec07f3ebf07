#pragma once
// Tracker: multi-object tracking of plate boxes across frames, so that the readings of one
// passing vehicle can be voted on together (plate_voter.h).
//
// Motion model: an alpha-beta filter per track on the box centre (position + velocity in
// pixels per frame) and size (position only). Each frame every track is predicted one step
// (or more, if frames were skipped), then detections are assigned greedily, best pair first,
// by IoU with the predicted box; a pair whose IoU is below min_iou is still accepted when the
// detection reads the same text as the track's latest reading and its centre is within
// max_jump_widths box widths of the prediction (fast vehicles, dropped frames). Unassigned
// detections start tentative tracks; a track is confirmed after confirm_hits assignments
// and ends after max_missed frames without one (tentative tracks end at their first miss).
// Not thread-safe.

#include <cstdint>
#include <opencv2/core/types.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace safelane::camera {

using Done = std::monostate;  // the value of an operation that returns nothing

struct TrackerOptions {
  float min_iou = 0.2F;          // IoU gate for a plain assignment
  float max_jump_widths = 2.0F;  // centre distance gate (in box widths) for a same-text match
  int confirm_hits = 2;          // assignments before a track counts
  int max_missed = 12;           // frames a confirmed track may go unseen (occlusion, misses)
  float alpha = 0.7F;            // position gain
  float beta = 0.3F;             // velocity gain
};
Result<Done> ValidateTrackerOptions(const TrackerOptions& options);

struct TrackDetection {
  cv::Rect2f box;    // frame pixels
  std::string text;  // the reading of this detection ("" if unread)
};

struct TrackState {
  std::int64_t id = 0;
  cv::Rect2f box;            // filtered box at the last update
  cv::Point2f velocity;      // px per frame
  cv::Point2f first_centre;  // where the track was born
  int hits = 0;
  int missed = 0;
  bool confirmed = false;
  std::string last_text;
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

 private:
  TrackerOptions options_;
  std::vector<TrackState> tracks_;
  std::vector<std::int64_t> ended_;
  std::vector<std::int64_t> ended_tentative_;
  std::int64_t next_id_ = 1;
  std::int64_t last_frame_ = -1;
};

float Iou(const cv::Rect2f& a, const cv::Rect2f& b);

}  // namespace safelane::camera
