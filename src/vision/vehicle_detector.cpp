#include "vision/vehicle_detector.h"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <system_error>

namespace safelane::vision {
namespace {

// COCO class index -> the store's vehicle class name; other classes are ignored.
const char* VehicleClassOf(int coco_class) {
  switch (coco_class) {
    case 2: return "car";
    case 3: return "motorcycle";
    case 5: return "bus";
    case 7: return "truck";
    default: return nullptr;
  }
}

constexpr int kCocoClasses = 80;

}  // namespace

Result<VehicleDetector> VehicleDetector::Load(const VehicleDetectorOptions& options) {
  if (options.input_size < 128 || options.input_size > 1024 || options.input_size % 32 != 0) {
    return Error(ErrorCode::kBadConfig,
                 "vehicle detector input_size must be a multiple of 32 in "
                 "128..1024, got " +
                     std::to_string(options.input_size));
  }
  if (!(options.threshold > 0.0F && options.threshold < 1.0F) ||
      !(options.overlap_iou > 0.0F && options.overlap_iou <= 1.0F) || options.max_vehicles < 1) {
    return Error(ErrorCode::kBadConfig,
                 "vehicle detector threshold and overlap_iou must be in (0, 1), max_vehicles >= 1");
  }
  const auto cfg = options.model_dir / "yolo-fastest-1.1.cfg";
  const auto weights = options.model_dir / "yolo-fastest-1.1.weights";
  std::error_code ec;
  for (const auto& file : {cfg, weights}) {
    if (!std::filesystem::is_regular_file(file, ec)) {
      return Error(ErrorCode::kModel, "vehicle detector file missing: " + file.string());
    }
  }
  try {
    auto net = cv::dnn::readNetFromDarknet(cfg.string(), weights.string());
    if (net.empty())
      return Error(ErrorCode::kModel, "vehicle detector did not load: " + cfg.string());
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    VehicleDetector detector(net, options);
    detector.output_names_ = net.getUnconnectedOutLayersNames();
    return detector;
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("vehicle detector did not load: ") + e.what());
  }
}

Result<std::vector<VehicleDetection>> VehicleDetector::Detect(const cv::Mat& frame_bgr) {
  if (frame_bgr.empty() || frame_bgr.type() != CV_8UC3) {
    return Error(ErrorCode::kBadImage, "vehicle detector needs a non-empty 8-bit BGR frame");
  }
  std::vector<cv::Mat> outputs;
  try {
    const int n = options_.input_size;
    cv::dnn::blobFromImage(frame_bgr, blob_, 1.0 / 255.0, cv::Size(n, n), cv::Scalar(), true, false,
                           CV_32F);
    net_.setInput(blob_);
    net_.forward(outputs, output_names_);
  } catch (const cv::Exception& e) {
    return Error(ErrorCode::kModel, std::string("vehicle detector failed to run: ") + e.what());
  }
  // Darknet region output: rows of [cx, cy, w, h, objectness, 80 class scores], relative to
  // the (stretched) input, so scaling by the frame size maps straight back.
  const auto fw = static_cast<float>(frame_bgr.cols);
  const auto fh = static_cast<float>(frame_bgr.rows);
  std::vector<cv::Rect> boxes;
  std::vector<float> scores;
  std::vector<int> classes;
  for (const cv::Mat& out : outputs) {
    if (out.dims != 2 || out.cols != 5 + kCocoClasses || out.type() != CV_32F) {
      return Error(ErrorCode::kModel, "vehicle detector output has an unexpected shape");
    }
    for (int r = 0; r < out.rows; ++r) {
      const float* row = out.ptr<float>(r);
      int best = -1;
      float best_score = 0.0F;
      for (const int c : {2, 3, 5, 7}) {
        if (row[5 + c] > best_score) {
          best_score = row[5 + c];
          best = c;
        }
      }
      // OpenCV's region layer already multiplies class scores by objectness.
      if (best < 0 || best_score < options_.threshold) continue;
      const float w = row[2] * fw;
      const float h = row[3] * fh;
      boxes.emplace_back(cv::Rect(
          cv::Point(static_cast<int>(row[0] * fw - w / 2), static_cast<int>(row[1] * fh - h / 2)),
          cv::Size(static_cast<int>(w), static_cast<int>(h))));
      scores.push_back(best_score);
      classes.push_back(best);
    }
  }
  // Class-agnostic: one vehicle scored as both car and truck must give one box.
  std::vector<int> keep;
  cv::dnn::NMSBoxes(boxes, scores, options_.threshold, options_.overlap_iou, keep);
  std::vector<VehicleDetection> result;
  const cv::Rect2f frame_rect(0, 0, fw, fh);
  for (const int i : keep) {
    if (static_cast<int>(result.size()) >= options_.max_vehicles) break;
    const cv::Rect2f box = cv::Rect2f(boxes[i]) & frame_rect;
    if (box.area() <= 0) continue;
    result.push_back({box, VehicleClassOf(classes[i]), scores[i]});
  }
  return result;
}

}  // namespace safelane::vision
