#include "camera/vehicle_colour.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace safelane::camera {
namespace {

// A "vehicle" crop: a body of one colour with dark tyres, grey road at the edges and a
// light window band, so the test proves the central region wins over the rest.
cv::Mat Vehicle(const cv::Scalar& body_bgr) {
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(110, 110, 110));  // road
  cv::rectangle(img, cv::Rect(20, 40, 260, 130), body_bgr, cv::FILLED);
  cv::rectangle(img, cv::Rect(70, 45, 160, 25), cv::Scalar(230, 230, 230), cv::FILLED);
  cv::circle(img, {70, 175}, 22, cv::Scalar(20, 20, 20), cv::FILLED);
  cv::circle(img, {230, 175}, 22, cv::Scalar(20, 20, 20), cv::FILLED);
  return img;
}

TEST(DominantColour, NamesTheBodyColour) {
  const std::vector<std::pair<cv::Scalar, std::string>> cases = {
      {{30, 30, 200}, "red"},     {{200, 80, 20}, "blue"},     {{40, 160, 40}, "green"},
      {{30, 210, 230}, "yellow"}, {{20, 120, 240}, "orange"},  {{245, 245, 245}, "white"},
      {{25, 25, 25}, "black"},    {{170, 170, 170}, "silver"}, {{100, 100, 100}, "grey"},
      {{30, 60, 100}, "brown"},   {{150, 40, 120}, "purple"}};
  for (const auto& [bgr, name] : cases) {
    EXPECT_EQ(DominantColour(Vehicle(bgr)), name) << name;
  }
}

TEST(DominantColour, EmptyCropHasNoColour) {
  EXPECT_EQ(DominantColour(cv::Mat()), "");
  EXPECT_EQ(DominantColour(cv::Mat(10, 10, CV_8UC1)), "");
}

TEST(DominantColour, TinyCropStillWorks) {
  EXPECT_EQ(DominantColour(cv::Mat(3, 3, CV_8UC3, cv::Scalar(30, 30, 200))), "red");
}

}  // namespace
}  // namespace safelane::camera
