#include "video/timeline.h"

#include <algorithm>
#include <cstdlib>

namespace safelane::video {

std::int64_t Timeline::Stamp(std::int64_t pts_us, std::int64_t arrival_us, bool follow_arrival) {
  if (!anchored_) {
    anchored_ = true;
    anchor_wall_us_ = std::max(arrival_us, last_us_ + 1000);
    anchor_pts_us_ = pts_us;
  }
  std::int64_t t = Map(pts_us);
  if (follow_arrival && std::llabs(t - arrival_us) > kMaxDriftUs) {
    anchor_wall_us_ = std::max(arrival_us, last_us_ + 1000);
    anchor_pts_us_ = pts_us;
    t = anchor_wall_us_;
  }
  last_us_ = std::max(last_us_, t);
  return t;
}

std::int64_t Timeline::Map(std::int64_t pts_us) const {
  return anchor_wall_us_ + (pts_us - anchor_pts_us_);
}

}  // namespace safelane::video
