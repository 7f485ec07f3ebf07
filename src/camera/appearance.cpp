#include "camera/appearance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <opencv2/imgproc.hpp>

namespace safelane::camera {
namespace {

// OpenCV 8-bit HSV: H in [0, 180), S and V in [0, 255].
int BinOf(const cv::Vec3b& hsv) {
  const int h = hsv[0];
  const int s = hsv[1];
  const int v = hsv[2];
  // Dark pixels have no reliable hue; weakly saturated ones are white/grey/silver/black.
  if (s < 50 || v < 40) return std::min(kGreyBins - 1, v * kGreyBins / 256);
  const int hue = std::min(kHueBins - 1, h * kHueBins / 180);
  return kGreyBins + hue * 2 + (v >= 140 ? 1 : 0);
}

void Normalise(float* half) {
  float sum = 0;
  for (int i = 0; i < kHalfBins; ++i) sum += half[i];
  if (sum <= 0) return;
  for (int i = 0; i < kHalfBins; ++i) half[i] /= sum;
}

float HalfSimilarity(const float* a, const float* b) {
  float bc = 0;
  float mass_a = 0;
  float mass_b = 0;
  for (int i = 0; i < kHalfBins; ++i) {
    bc += std::sqrt(a[i] * b[i]);
    mass_a += a[i];
    mass_b += b[i];
  }
  return (mass_a > 0 && mass_b > 0) ? std::min(1.0F, bc) : -1.0F;  // -1: not comparable
}

}  // namespace

bool Appearance::known() const {
  return std::any_of(histogram.begin(), histogram.end(), [](float v) { return v > 0; });
}

Appearance DescribeAppearance(const cv::Mat& frame_bgr, const cv::Rect2f& plate_box) {
  Appearance out;
  if (frame_bgr.empty() || frame_bgr.type() != CV_8UC3 || plate_box.width <= 1 ||
      plate_box.height <= 1) {
    return out;
  }
  const float w = plate_box.width;
  const float h = plate_box.height;
  const cv::Rect2f wanted(plate_box.x - 2.0F * w, plate_box.y - 3.0F * h, 5.0F * w, 4.0F * h);
  const cv::Rect frame_rect(0, 0, frame_bgr.cols, frame_bgr.rows);
  const cv::Rect region = cv::Rect(wanted) & frame_rect;
  if (region.width < 2 || region.height < 2) return out;

  // At most 48 px on the long side: enough samples for 30 bins; bilinear, not area
  // averaging, which cost ~3 ms a plate at 2160p for a histogram that does not need it.
  const double scale = std::min(1.0, 48.0 / std::max(region.width, region.height));
  cv::Mat small;
  cv::resize(frame_bgr(region), small, cv::Size(), scale, scale, cv::INTER_LINEAR);
  if (small.empty()) return out;
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);

  // The plate and the split line in the small image's pixels.
  const auto sx = static_cast<float>(small.cols) / static_cast<float>(region.width);
  const auto sy = static_cast<float>(small.rows) / static_cast<float>(region.height);
  const cv::Rect2f plate((plate_box.x - static_cast<float>(region.x)) * sx,
                         (plate_box.y - static_cast<float>(region.y)) * sy, w * sx, h * sy);
  const float split = plate.y;
  for (int r = 0; r < hsv.rows; ++r) {
    const auto* px = hsv.ptr<cv::Vec3b>(r);
    const auto y = static_cast<float>(r) + 0.5F;
    float* half = out.histogram.data() + (y < split ? 0 : kHalfBins);
    for (int c = 0; c < hsv.cols; ++c) {
      if (plate.contains(cv::Point2f(static_cast<float>(c) + 0.5F, y))) continue;
      half[BinOf(px[c])] += 1.0F;
    }
  }
  Normalise(out.histogram.data());
  Normalise(out.histogram.data() + kHalfBins);
  return out;
}

float AppearanceSimilarity(const Appearance& a, const Appearance& b) {
  float sum = 0;
  int halves = 0;
  for (std::ptrdiff_t k = 0; k < 2; ++k) {
    const float s =
        HalfSimilarity(a.histogram.data() + k * kHalfBins, b.histogram.data() + k * kHalfBins);
    if (s < 0) continue;
    sum += s;
    ++halves;
  }
  return halves > 0 ? sum / static_cast<float>(halves) : 0.0F;
}

void BlendAppearance(Appearance& track, const Appearance& seen, float gain) {
  for (std::ptrdiff_t k = 0; k < 2; ++k) {
    float* t = track.histogram.data() + k * kHalfBins;
    const float* s = seen.histogram.data() + k * kHalfBins;
    float mass_t = 0;
    float mass_s = 0;
    for (int i = 0; i < kHalfBins; ++i) {
      mass_t += t[i];
      mass_s += s[i];
    }
    if (mass_s <= 0) continue;
    const float g = mass_t > 0 ? gain : 1.0F;
    for (int i = 0; i < kHalfBins; ++i) t[i] = t[i] * (1 - g) + s[i] * g;
  }
}

}  // namespace safelane::camera
