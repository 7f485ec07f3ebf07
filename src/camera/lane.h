#pragma once
// Lanes of a camera's view: each an id, a polygon in frame fractions ([0, 1] x [0, 1], the
// same units as the detection zone, so a lane map survives a change of stream resolution)
// and the direction traffic is meant to take in it. A read's lane is the lane that holds
// the bottom centre of its plate box in most of the track's sightings (a plate sits just
// above the road, where the lane markings are); "" when no lane holds it (unknown).

#include <opencv2/core/types.hpp>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace safelane::camera {

struct Lane {
  std::string id;                    // [A-Za-z0-9_.-]{1,32}, unique per camera
  std::vector<cv::Point2f> polygon;  // >= 3 points, frame fractions
  std::string direction = "any";     // any, left_to_right, right_to_left, towards, away
};

inline constexpr std::size_t kMaxLanes = 16;

// kBadConfig naming the lane and what is wrong: at most kMaxLanes, ids valid and unique,
// polygons of 3..64 points in [0, 1], a known direction.
Result<std::monostate> ValidateLanes(std::span<const Lane> lanes);

// The id of the first lane whose polygon holds `point` (frame fractions), "" if none.
std::string LaneAt(std::span<const Lane> lanes, cv::Point2f point);

}  // namespace safelane::camera
