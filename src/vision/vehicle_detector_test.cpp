#include "vision/vehicle_detector.h"

#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "test_data.h"

namespace safelane::vision {
namespace {

VehicleDetectorOptions Options() {
  VehicleDetectorOptions o;
  o.model_dir = testing::DataDir() / "models" / "yolo-fastest-1.1-coco";
  return o;
}

// Large labelled vehicles (class 1, at least 30 % of the image wide) in the real
// openimages test scenes: the detector must find most of them at IoU 0.5.
TEST(VehicleDetector, FindsLargeVehiclesInRealScenes) {
  auto detector = VehicleDetector::Load(Options());
  ASSERT_TRUE(detector.ok()) << detector.error().message;
  const auto dir = testing::DataDir() / "scenes" / "openimages-plates" / "test";
  int truth = 0;
  int found = 0;
  for (const auto& item : std::filesystem::directory_iterator(dir / "labels")) {
    const auto image_path = dir / "images" / (item.path().stem().string() + ".jpg");
    const cv::Mat image = cv::imread(image_path.string());
    ASSERT_FALSE(image.empty()) << image_path;
    std::vector<cv::Rect2f> vehicles;
    std::ifstream in(item.path());
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      int cls = 0;
      float cx = 0;
      float cy = 0;
      float w = 0;
      float h = 0;
      if (!(fields >> cls >> cx >> cy >> w >> h) || cls != 1 || w < 0.3F) continue;
      vehicles.emplace_back((cx - w / 2) * image.cols, (cy - h / 2) * image.rows, w * image.cols,
                            h * image.rows);
    }
    if (vehicles.empty()) continue;
    auto detections = detector->Detect(image);
    ASSERT_TRUE(detections.ok()) << detections.error().message;
    for (const auto& v : vehicles) {
      ++truth;
      for (const auto& d : *detections) {
        const float inter = (v & d.box).area();
        if (inter / (v.area() + d.box.area() - inter) >= 0.5F) {
          ++found;
          break;
        }
      }
    }
  }
  ASSERT_GT(truth, 20);
  const double recall = static_cast<double>(found) / truth;
  std::printf("large-vehicle recall %d/%d = %.3f\n", found, truth, recall);
  EXPECT_GE(recall, 0.70);  // measured 28/37 = 0.757 on 2026-11-22
}

TEST(VehicleDetector, BadOptionsAndMissingFilesAreErrors) {
  auto o = Options();
  o.input_size = 300;
  auto bad = VehicleDetector::Load(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadConfig);
  o = Options();
  o.model_dir = "/nonexistent/models";
  auto missing = VehicleDetector::Load(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kModel);
  EXPECT_NE(missing.error().message.find("/nonexistent/models"), std::string::npos);
}

TEST(VehicleDetector, EmptyOrWrongTypeFrameIsBadImage) {
  auto detector = VehicleDetector::Load(Options());
  ASSERT_TRUE(detector.ok()) << detector.error().message;
  auto empty = detector->Detect(cv::Mat());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kBadImage);
  auto grey = detector->Detect(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0)));
  ASSERT_FALSE(grey.ok());
  EXPECT_EQ(grey.error().code, ErrorCode::kBadImage);
}

}  // namespace
}  // namespace safelane::vision
