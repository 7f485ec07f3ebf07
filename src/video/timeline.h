#pragma once
// Timeline: source presentation times -> wall-clock times (microseconds since the epoch).
//
// Frames and ring packets are stamped on the same timeline, so a clip requested for a
// frame's captured_at contains that frame. The first packet of a segment (an open of the
// source) anchors the timeline at its arrival (never earlier than the end of the previous
// segment, so times only go forward); later times follow the source's clock, which is
// smooth where arrival times jitter. For live sources the anchor is moved back to the
// arrival time if the two drift apart by more than a second (a camera clock jump, a
// stall); files replayed as fast as possible keep the source's clock (time runs ahead).

#include <cstdint>

namespace safelane::video {

class Timeline {
 public:
  static constexpr std::int64_t kMaxDriftUs = 1'000'000;

  // A new segment: the next Stamp() re-anchors.
  void StartSegment() { anchored_ = false; }

  // Stamps a packet that arrived at `arrival_us`; `follow_arrival` allows re-anchoring.
  std::int64_t Stamp(std::int64_t pts_us, std::int64_t arrival_us, bool follow_arrival);

  // Maps a time of the current segment without re-anchoring (decoded frames).
  std::int64_t Map(std::int64_t pts_us) const;

  bool anchored() const { return anchored_; }

 private:
  bool anchored_ = false;
  std::int64_t anchor_wall_us_ = 0;
  std::int64_t anchor_pts_us_ = 0;
  std::int64_t last_us_ = 0;  // latest time handed out (next segment starts after it)
};

}  // namespace safelane::video
