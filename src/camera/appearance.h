#pragma once
// Appearance: what the vehicle around a plate looks like, as a small colour descriptor, so
// the tracker can tell "the same vehicle, its plate misread differently" from "another
// vehicle (or background texture) nearby" when motion alone cannot (a low processed frame
// rate moves a vehicle further than its own width between frames).
//
// The region is the vehicle body around the plate (about two plate widths to each side,
// three plate heights above and one below), with the plate itself masked out: every plate
// of a country looks alike, the bodies do not. Each half (above / below the plate's top
// edge) gets a colour histogram in HSV: unsaturated pixels in kGreyBins brightness bins,
// the others in kHueBins hue x 2 brightness bins. Two descriptors compare by the
// Bhattacharyya coefficient (1 = identical distributions, 0 = disjoint). Cost: one resize
// of the region to at most 48 px and one HSV conversion (~0.05 ms at any frame size).

#include <array>
#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace safelane::camera {

inline constexpr int kGreyBins = 6;
inline constexpr int kHueBins = 12;
inline constexpr int kHalfBins = kGreyBins + 2 * kHueBins;
inline constexpr int kAppearanceBins = 2 * kHalfBins;

struct Appearance {
  // Each half sums to 1 (or 0 when it had no pixels); all zero = unknown.
  std::array<float, kAppearanceBins> histogram{};
  bool known() const;
};

// The descriptor of the vehicle around `plate_box` (frame pixels) in a BGR frame; unknown
// when the box lies outside the frame or the frame is not 8-bit BGR.
Appearance DescribeAppearance(const cv::Mat& frame_bgr, const cv::Rect2f& plate_box);

// Bhattacharyya coefficient averaged over the two halves, in [0, 1]; 0 when either is
// unknown (no evidence of sameness).
float AppearanceSimilarity(const Appearance& a, const Appearance& b);

// A running description of a track: old * (1 - gain) + seen * gain (unknown parts skipped).
void BlendAppearance(Appearance& track, const Appearance& seen, float gain);

}  // namespace safelane::camera
