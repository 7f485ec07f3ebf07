#include "vision/plate_detector.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "test_data.h"
#include "vision/image_decoder.h"

namespace safelane::vision {
namespace {

TEST(WorkingGeometry, ShrinksLargeFramesAndEnlargesTinyOnes) {
  const DetectorOptions o;
  const auto hd = WorkingGeometryFor({1920, 1080}, o);
  EXPECT_EQ(hd.scaled, cv::Size(1024, 576));
  EXPECT_EQ(hd.padded, cv::Size(1024, 576));
  EXPECT_EQ(WorkingGeometryFor({7680, 4320}, o).scaled, cv::Size(1024, 576));
  const auto native = WorkingGeometryFor({416, 416}, o);
  EXPECT_DOUBLE_EQ(native.scale, 1.0);
  const auto tiny = WorkingGeometryFor({200, 100}, o);
  EXPECT_DOUBLE_EQ(tiny.scale, 2.0) << "never enlarged beyond 2x";
  EXPECT_EQ(tiny.scaled, cv::Size(400, 200));
  EXPECT_EQ(tiny.padded, cv::Size(416, 224));
}

TEST(PlateDetector, RejectsBadOptions) {
  DetectorOptions o;
  o.threshold = 1.5F;
  EXPECT_EQ(PlateDetector::LoadBuiltin(o).error().code, ErrorCode::kBadConfig);
  o = {};
  o.small_frame_size = o.working_size + 1;
  EXPECT_EQ(PlateDetector::LoadBuiltin(o).error().code, ErrorCode::kBadConfig);
}

// The same real photo at its own size, enlarged to 4K and 8K (several halvings before
// the network) and shrunk to a thumbnail: every size runs, and the large copies find
// the plate in the same place, in frame coordinates.
TEST(PlateDetector, FindsThePlateAtEverySize) {
  auto photo = ReadImageFile(safelane::testing::DataDir() /
                             "scenes/kaggle-car-plates-433/images/v2_Cars1.jpg");
  ASSERT_TRUE(photo.ok()) << photo.error().message;
  auto detector = PlateDetector::LoadBuiltin({});
  ASSERT_TRUE(detector.ok()) << detector.error().message;
  auto base = detector->Detect(*photo);
  ASSERT_TRUE(base.ok());
  ASSERT_FALSE(base->empty()) << "no plate on a clear real photo";
  const cv::Point2f centre = (base->front().box.tl() + base->front().box.br()) * 0.5F;
  for (const cv::Size size : {cv::Size(3840, 2160), cv::Size(7680, 4320)}) {
    cv::Mat big;
    cv::resize(*photo, big, size, 0, 0, cv::INTER_CUBIC);
    auto found = detector->Detect(big);
    ASSERT_TRUE(found.ok());
    ASSERT_FALSE(found->empty()) << size;
    const float sx = static_cast<float>(size.width) / static_cast<float>(photo->cols);
    const float sy = static_cast<float>(size.height) / static_cast<float>(photo->rows);
    const bool same_place = std::any_of(found->begin(), found->end(), [&](const auto& d) {
      return d.box.contains({centre.x * sx, centre.y * sy});
    });
    EXPECT_TRUE(same_place) << size;
  }
  cv::Mat thumb;
  cv::resize(*photo, thumb, {24, 16}, 0, 0, cv::INTER_AREA);
  EXPECT_TRUE(detector->Detect(thumb).ok());
  EXPECT_EQ(detector->Detect(cv::Mat()).error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace safelane::vision
