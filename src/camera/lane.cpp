#include "camera/lane.h"

#include <algorithm>
#include <array>
#include <opencv2/imgproc.hpp>
#include <set>
#include <string_view>

namespace safelane::camera {

Result<std::monostate> ValidateLanes(std::span<const Lane> lanes) {
  static constexpr std::array<std::string_view, 5> kDirections = {
      "any", "left_to_right", "right_to_left", "towards", "away"};
  if (lanes.size() > kMaxLanes) {
    return Error(ErrorCode::kBadConfig, "at most " + std::to_string(kMaxLanes) + " lanes");
  }
  std::set<std::string> ids;
  for (const Lane& lane : lanes) {
    const std::string name = "lane \"" + lane.id + "\"";
    if (lane.id.empty() || lane.id.size() > 32 ||
        lane.id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789_.-") != std::string::npos) {
      return Error(ErrorCode::kBadConfig, name + ": id must match [A-Za-z0-9_.-]{1,32}");
    }
    if (!ids.insert(lane.id).second) return Error(ErrorCode::kBadConfig, name + " is listed twice");
    if (lane.polygon.size() < 3 || lane.polygon.size() > 64) {
      return Error(ErrorCode::kBadConfig, name + ": polygon needs 3..64 points");
    }
    for (const auto& p : lane.polygon) {
      if (!(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) {
        return Error(ErrorCode::kBadConfig,
                     name + ": polygon points are frame fractions in [0, 1]");
      }
    }
    if (std::find(kDirections.begin(), kDirections.end(), lane.direction) == kDirections.end()) {
      return Error(ErrorCode::kBadConfig,
                   name + ": direction must be any, left_to_right, right_to_left, towards or away");
    }
  }
  return std::monostate{};
}

std::string LaneAt(std::span<const Lane> lanes, cv::Point2f point) {
  for (const Lane& lane : lanes) {
    if (cv::pointPolygonTest(lane.polygon, point, false) >= 0) return lane.id;
  }
  return "";
}

}  // namespace safelane::camera
