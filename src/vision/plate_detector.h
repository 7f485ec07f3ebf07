#pragma once
// PlateDetector: a frame -> plate boxes and corners, with the project's CNN
// (models/plate_detector.onnx, contract in docs/model-contracts.md section 2).
//
// The network runs on a down-scaled copy (long side = working_size); detections are
// mapped back to full-resolution frame coordinates so that reading uses every pixel.
// Not thread-safe: one PlateDetector per thread.

#include <array>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <opencv2/dnn/dnn.hpp>
#include <span>
#include <vector>

#include "core/result.h"
#include "vision/plate_types.h"

namespace safelane::vision {

struct DetectorOptions {
  int working_size = 1024;     // px: frames with a longer long side are shrunk to it
  int small_frame_size = 416;  // px: frames with a shorter long side are enlarged to it (<= 2x)
  float threshold = 0.35F;     // minimum centre probability (chosen: docs/accuracy.md)
  float overlap_iou = 0.3F;    // boxes overlapping more than this keep only the best
  int max_plates = 64;
};

class PlateDetector {
 public:
  static constexpr int kStride = 4;
  static constexpr int kChannels = 13;

  static Result<PlateDetector> Load(std::span<const std::uint8_t> onnx, DetectorOptions options);
  static Result<PlateDetector> LoadBuiltin(DetectorOptions options);

  Result<std::vector<PlateDetection>> Detect(const cv::Mat& frame_bgr);

  const DetectorOptions& options() const { return options_; }

 private:
  // cv::dnn::Net is a reference-counted handle; copying it shares the network.
  PlateDetector(const cv::dnn::Net& net, DetectorOptions options) : net_(net), options_(options) {}

  cv::dnn::Net net_;
  DetectorOptions options_;
  // Working buffers kept between frames: a fresh multi-megabyte buffer per frame costs
  // page faults that were measured at 40 ms a frame on a VM (docs/performance.md).
  std::array<cv::Mat, 2> halved_;  // alternating halvings of a large frame
  cv::Mat scaled_;
  cv::Mat padded_;
  cv::Mat blob_;
};

// Network input geometry for a frame: the scale applied and the padded size.
struct WorkingGeometry {
  double scale;     // working pixels per frame pixel
  cv::Size scaled;  // frame size after scaling
  cv::Size padded;  // multiple of 32, >= scaled
};
WorkingGeometry WorkingGeometryFor(cv::Size frame, const DetectorOptions& options);

}  // namespace safelane::vision
