#include "camera/vehicle_colour.h"

#include <algorithm>
#include <array>
#include <opencv2/imgproc.hpp>

namespace safelane::camera {
namespace {

enum Colour {
  kBlack,
  kWhite,
  kSilver,
  kGrey,
  kRed,
  kOrange,
  kYellow,
  kGreen,
  kBlue,
  kPurple,
  kBrown,
  kCount
};
constexpr std::array<const char*, kCount> kNames = {"black", "white",  "silver", "grey",
                                                    "red",   "orange", "yellow", "green",
                                                    "blue",  "purple", "brown"};

// OpenCV 8-bit HSV: H in [0, 180), S and V in [0, 255].
Colour Classify(int h, int s, int v) {
  if (v < 60) return kBlack;
  if (s < 45) {
    if (v > 200) return kWhite;
    return v > 140 ? kSilver : kGrey;
  }
  if (h < 8 || h >= 165) return v < 120 ? kBrown : kRed;
  if (h < 20) return v < 150 ? kBrown : kOrange;
  if (h < 34) return kYellow;
  if (h < 85) return kGreen;
  if (h < 130) return kBlue;
  return kPurple;
}

}  // namespace

std::string DominantColour(const cv::Mat& vehicle_bgr) {
  if (vehicle_bgr.empty() || vehicle_bgr.type() != CV_8UC3) return "";
  // The central 60 % x 50 % (a little above the middle: bonnet, doors, not the road).
  const int w = vehicle_bgr.cols;
  const int h = vehicle_bgr.rows;
  const cv::Rect centre(w / 5, h / 5, std::max(1, w * 3 / 5), std::max(1, h / 2));
  cv::Mat small;
  // At most ~64x64 samples: enough for a majority, cheap for a 4K crop.
  const double scale = std::min(1.0, 64.0 / std::max(centre.width, centre.height));
  cv::resize(vehicle_bgr(centre), small, cv::Size(), scale, scale, cv::INTER_AREA);
  if (small.empty()) small = vehicle_bgr(centre);
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  std::array<int, kCount> votes{};
  for (int r = 0; r < hsv.rows; ++r) {
    const auto* px = hsv.ptr<cv::Vec3b>(r);
    for (int c = 0; c < hsv.cols; ++c) ++votes[Classify(px[c][0], px[c][1], px[c][2])];
  }
  const auto best = std::max_element(votes.begin(), votes.end()) - votes.begin();
  return kNames[static_cast<std::size_t>(best)];
}

}  // namespace safelane::camera
