#include "vision/plate_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

extern "C" {
extern const unsigned char safelane_model_detector[];
extern const unsigned long safelane_model_detector_size;
}

namespace safelane::vision {
namespace {

constexpr int kAlign = 32;
constexpr double kMaxUpscale = 2.0;

int RoundUp(int v, int m) {
  return (v + m - 1) / m * m;
}

float Iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0.0F ? inter / uni : 0.0F;
}

}  // namespace

WorkingGeometry WorkingGeometryFor(cv::Size frame, const DetectorOptions& options) {
  const int long_side = std::max(frame.width, frame.height);
  // Large frames are shrunk to the working size; small ones are enlarged so that their
  // small plates span enough network cells, but never beyond 2x: that invents no detail.
  const auto target = static_cast<double>(
      std::min(options.working_size, std::max(long_side, options.small_frame_size)));
  const double scale = std::min(target / long_side, kMaxUpscale);
  const cv::Size scaled(std::max(1, static_cast<int>(std::lround(frame.width * scale))),
                        std::max(1, static_cast<int>(std::lround(frame.height * scale))));
  return {scale, scaled, {RoundUp(scaled.width, kAlign), RoundUp(scaled.height, kAlign)}};
}

Result<PlateDetector> PlateDetector::Load(std::span<const std::uint8_t> onnx,
                                          DetectorOptions options) {
  if (options.working_size < 64 || options.working_size > 4096) {
    return Error(
        ErrorCode::kBadConfig,
        fmt::format("detector working size {} is outside [64, 4096]", options.working_size));
  }
  if (options.small_frame_size < 64 || options.small_frame_size > options.working_size) {
    return Error(ErrorCode::kBadConfig,
                 fmt::format("detector small-frame size {} is outside [64, working size {}]",
                             options.small_frame_size, options.working_size));
  }
  if (options.threshold <= 0.0F || options.threshold >= 1.0F) {
    return Error(ErrorCode::kBadConfig, "detector threshold must be within (0, 1)");
  }
  try {
    auto net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(onnx.data()), onnx.size());
    if (net.empty()) return Error(ErrorCode::kModel, "plate detector: empty network");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return PlateDetector(net, options);
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("plate detector: ") + e.what());
  }
}

Result<PlateDetector> PlateDetector::LoadBuiltin(DetectorOptions options) {
  return Load({safelane_model_detector, safelane_model_detector_size}, options);
}

Result<std::vector<PlateDetection>> PlateDetector::Detect(const cv::Mat& frame_bgr) {
  if (frame_bgr.empty() || frame_bgr.type() != CV_8UC3) {
    return Error(ErrorCode::kBadRequest, "detector needs a non-empty 8-bit BGR frame");
  }
  const auto geo = WorkingGeometryFor(frame_bgr.size(), options_);
  const cv::Mat* source = &frame_bgr;
  // Exact halvings take INTER_AREA's fast path; repeat them until less than a 2x shrink
  // remains (one fractional INTER_AREA step from 4K costs twice as much).
  while (source->cols >= 2 * geo.scaled.width && source->rows >= 2 * geo.scaled.height) {
    cv::Mat& next = source == halved_.data() ? halved_[1] : halved_[0];
    cv::resize(*source, next, cv::Size(source->cols / 2, source->rows / 2), 0, 0, cv::INTER_AREA);
    source = &next;
  }
  // After halving, the last step shrinks by less than 2x: bilinear costs 1 ms where a
  // fractional INTER_AREA costs 8 ms at 1080p, and read as well on validation scenes.
  cv::resize(*source, scaled_, geo.scaled, 0, 0, cv::INTER_LINEAR);
  const cv::Mat* padded = &scaled_;
  if (geo.padded != geo.scaled) {
    cv::copyMakeBorder(scaled_, padded_, 0, geo.padded.height - geo.scaled.height, 0,
                       geo.padded.width - geo.scaled.width, cv::BORDER_CONSTANT,
                       cv::Scalar::all(0));
    padded = &padded_;
  }

  cv::Mat heads;
  try {
    cv::dnn::blobFromImage(*padded, blob_, 1.0 / 255.0, {}, {}, /*swapRB=*/true);
    net_.setInput(blob_, "image");
    heads = net_.forward("heads");
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("plate detector: ") + e.what());
  }
  const int gh = geo.padded.height / kStride;
  const int gw = geo.padded.width / kStride;
  if (heads.dims != 4 || heads.size[1] != kChannels || heads.size[2] != gh || heads.size[3] != gw) {
    return Error(ErrorCode::kModel, "plate detector: unexpected output shape");
  }
  const auto channel = [&](int c) { return cv::Mat(gh, gw, CV_32F, heads.ptr<float>(0, c)); };
  const cv::Mat heat = channel(0);
  cv::Mat local_max;
  cv::dilate(heat, local_max, cv::Mat::ones(3, 3, CV_8U));

  std::vector<PlateDetection> found;
  const float to_frame = static_cast<float>(1.0 / geo.scale);
  const auto s = static_cast<float>(kStride);
  for (int r = 0; r < gh; ++r) {
    const auto* h = heat.ptr<float>(r);
    const auto* m = local_max.ptr<float>(r);
    for (int c = 0; c < gw; ++c) {
      if (h[c] < options_.threshold || h[c] < m[c]) continue;
      const float cx = (static_cast<float>(c) + channel(1).at<float>(r, c)) * s;
      const float cy = (static_cast<float>(r) + channel(2).at<float>(r, c)) * s;
      const float w = std::exp(std::clamp(channel(3).at<float>(r, c), -4.0F, 8.0F)) * s;
      const float hh = std::exp(std::clamp(channel(4).at<float>(r, c), -4.0F, 8.0F)) * s;
      PlateDetection d;
      d.score = h[c];
      d.box = cv::Rect2f((cx - w / 2) * to_frame, (cy - hh / 2) * to_frame, w * to_frame,
                         hh * to_frame);
      for (int k = 0; k < 4; ++k) {
        d.corners[static_cast<std::size_t>(k)] =
            cv::Point2f((cx + channel(5 + 2 * k).at<float>(r, c) * s) * to_frame,
                        (cy + channel(6 + 2 * k).at<float>(r, c) * s) * to_frame);
      }
      const cv::Rect2f frame_rect(0, 0, static_cast<float>(frame_bgr.cols),
                                  static_cast<float>(frame_bgr.rows));
      d.box &= frame_rect;
      if (d.box.width >= 2.0F && d.box.height >= 2.0F) found.push_back(d);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.score > b.score; });
  std::vector<PlateDetection> kept;
  for (const auto& d : found) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const auto& k) {
      return Iou(k.box, d.box) > options_.overlap_iou;
    });
    if (!overlaps) kept.push_back(d);
    if (static_cast<int>(kept.size()) >= options_.max_plates) break;
  }
  return kept;
}

}  // namespace safelane::vision
