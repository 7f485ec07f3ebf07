#pragma once
// VehicleDetector: a frame -> car / bus / truck / motorcycle boxes, with Yolo-Fastest 1.1
// (COCO, Darknet cfg + weights). The weights are third-party and stay outside the
// repository: the camera config names their folder (default: the shared data folder,
// models/yolo-fastest-1.1-coco). The network sees the whole frame at input_size x
// input_size (the cfg's 320 by default); boxes come back in full-resolution pixels.
// Not thread-safe: one VehicleDetector per thread.

#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <opencv2/dnn/dnn.hpp>
#include <string>
#include <vector>

#include "core/result.h"

namespace safelane::vision {

struct VehicleDetectorOptions {
  std::filesystem::path model_dir;  // holds yolo-fastest-1.1.cfg and yolo-fastest-1.1.weights
  int input_size = 320;             // px, multiple of 32 in 128..1024
  float threshold = 0.30F;          // minimum objectness x class score
  float overlap_iou = 0.45F;        // NMS, across classes
  int max_vehicles = 64;
};

struct VehicleDetection {
  cv::Rect2f box;             // frame pixels
  std::string vehicle_class;  // "car", "bus", "truck" or "motorcycle" (store names)
  float score = 0.0F;         // [0, 1]
};

class VehicleDetector {
 public:
  // kBadConfig: options out of bounds; kModel: the files are missing or do not load.
  static Result<VehicleDetector> Load(const VehicleDetectorOptions& options);

  Result<std::vector<VehicleDetection>> Detect(const cv::Mat& frame_bgr);

 private:
  VehicleDetector(const cv::dnn::Net& net, VehicleDetectorOptions options)
      : net_(net), options_(std::move(options)) {}

  cv::dnn::Net net_;
  VehicleDetectorOptions options_;
  std::vector<cv::String> output_names_;
  cv::Mat blob_;  // kept between frames (page faults, docs/performance.md)
};

}  // namespace safelane::vision
