// Appearance on real photos: the labelled vehicles of scenes/openimages-plates (a vehicle box
// holding one plate box), each "seen again in the next frame" (shifted by most of a plate
// width, scaled as if 5 % nearer, with sensor noise), against the other vehicles and against
// plate-sized boxes on the street backgrounds that the test video's vehicles cross.

#include "camera/appearance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "test_data.h"

namespace safelane::camera {
namespace {

struct Sample {
  cv::Mat image;
  cv::Rect2f plate;
};

// Vehicles with exactly one labelled plate inside them, plate 15-45 % of the vehicle's width
// (the selection of tests/camera/make_test_video.py).
std::vector<Sample> LabelledVehicles(std::size_t want) {
  const auto base = safelane::testing::DataDir() / "scenes" / "openimages-plates" / "train";
  std::vector<std::filesystem::path> labels;
  for (const auto& e : std::filesystem::directory_iterator(base / "labels")) {
    labels.push_back(e.path());
  }
  std::sort(labels.begin(), labels.end());
  std::vector<Sample> out;
  for (const auto& label : labels) {
    if (out.size() >= want) break;
    const auto image_path = base / "images" / (label.stem().string() + ".jpg");
    std::ifstream in(label);
    std::vector<std::array<float, 4>> plates;
    std::vector<std::array<float, 4>> vehicles;
    for (std::string line; std::getline(in, line);) {
      std::istringstream row(line);
      int cls = -1;
      std::array<float, 4> b{};
      if (!(row >> cls >> b[0] >> b[1] >> b[2] >> b[3])) continue;
      (cls == 0 ? plates : vehicles).push_back(b);
    }
    if (vehicles.size() != 1 || plates.size() != 1) continue;
    const auto& v = vehicles[0];
    const auto& p = plates[0];
    if (std::abs(p[0] - v[0]) > v[2] / 2 || std::abs(p[1] - v[1]) > v[3] / 2) continue;
    if (p[2] / v[2] < 0.15F || p[2] / v[2] > 0.45F) continue;
    cv::Mat image = cv::imread(image_path.string(), cv::IMREAD_COLOR);
    if (image.empty()) continue;
    const auto w = static_cast<float>(image.cols);
    const auto h = static_cast<float>(image.rows);
    out.push_back(
        {image, cv::Rect2f((p[0] - p[2] / 2) * w, (p[1] - p[3] / 2) * h, p[2] * w, p[3] * h)});
  }
  return out;
}

// The same vehicle in a later frame: moved right by 0.7 plate widths, 5 % larger, noisy.
Sample NextFrame(const Sample& s, std::uint64_t seed) {
  const float scale = 1.05F;
  const cv::Point2f c(s.plate.x + s.plate.width / 2, s.plate.y + s.plate.height / 2);
  const cv::Point2f shift(0.7F * s.plate.width, 0.0F);
  cv::Mat m = cv::getRotationMatrix2D(c, 0.0, scale);
  m.at<double>(0, 2) += shift.x;
  m.at<double>(1, 2) += shift.y;
  Sample out;
  cv::warpAffine(s.image, out.image, m, s.image.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat noise(out.image.size(), CV_16SC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0, 6);
  cv::Mat noisy;
  out.image.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(out.image, CV_8UC3);
  const cv::Point2f nc = c + shift;
  out.plate = cv::Rect2f(nc.x - s.plate.width * scale / 2, nc.y - s.plate.height * scale / 2,
                         s.plate.width * scale, s.plate.height * scale);
  return out;
}

TEST(Appearance, TheSameVehicleLooksTheSameAndOthersDoNot) {
  const auto samples = LabelledVehicles(24);
  ASSERT_GE(samples.size(), 16U) << "too few labelled vehicles in the shared data";
  std::vector<Appearance> seen;
  float worst_same = 1.0F;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    seen.push_back(DescribeAppearance(samples[i].image, samples[i].plate));
    ASSERT_TRUE(seen.back().known());
    const auto again = NextFrame(samples[i], i + 1);
    const float same =
        AppearanceSimilarity(seen.back(), DescribeAppearance(again.image, again.plate));
    worst_same = std::min(worst_same, same);
  }
  int pairs = 0;
  int alike = 0;
  float mean_other = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    for (std::size_t j = i + 1; j < seen.size(); ++j) {
      const float s = AppearanceSimilarity(seen[i], seen[j]);
      mean_other += s;
      ++pairs;
      alike += s >= 0.8F ? 1 : 0;
    }
  }
  mean_other /= static_cast<float>(pairs);
  std::printf("same vehicle: worst %.3f; other vehicles: mean %.3f, %d of %d pairs >= 0.8\n",
              worst_same, mean_other, alike, pairs);
  // The tracker's default min_appearance is 0.8.
  EXPECT_GE(worst_same, 0.8F);
  EXPECT_LE(alike, pairs / 10);
  EXPECT_LT(mean_other, 0.7F);
}

TEST(Appearance, StreetBackgroundDoesNotLookLikeAVehicle) {
  const auto samples = LabelledVehicles(12);
  ASSERT_GE(samples.size(), 8U);
  const auto dir = safelane::testing::DataDir() / "scenes" / "negatives";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8U);
  int pairs = 0;
  int alike = 0;
  for (std::size_t k = 0; k < 8; ++k) {
    const cv::Mat bg = cv::imread(files[k * files.size() / 8].string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(bg.empty());
    // A plate-sized box in the middle of the street scene.
    const float w = static_cast<float>(bg.cols) * 0.08F;
    const cv::Rect2f box(static_cast<float>(bg.cols) / 2 - w / 2,
                         static_cast<float>(bg.rows) * 0.6F, w, w / 4.5F);
    const auto background = DescribeAppearance(bg, box);
    for (const auto& s : samples) {
      alike += AppearanceSimilarity(background, DescribeAppearance(s.image, s.plate)) >= 0.8F;
      ++pairs;
    }
  }
  std::printf("background vs vehicles: %d of %d pairs >= 0.8\n", alike, pairs);
  EXPECT_LE(alike, pairs / 10);
}

TEST(Appearance, UnknownWhenThereIsNothingToDescribe) {
  EXPECT_FALSE(DescribeAppearance(cv::Mat(), cv::Rect2f(0, 0, 10, 3)).known());
  const cv::Mat frame(100, 200, CV_8UC3, cv::Scalar(40, 90, 200));
  EXPECT_FALSE(DescribeAppearance(frame, cv::Rect2f(500, 500, 40, 10)).known());
  EXPECT_FALSE(DescribeAppearance(cv::Mat(100, 200, CV_8UC1), cv::Rect2f(10, 10, 40, 10)).known());
  const auto a = DescribeAppearance(frame, cv::Rect2f(80, 60, 40, 10));
  ASSERT_TRUE(a.known());
  EXPECT_NEAR(AppearanceSimilarity(a, a), 1.0F, 1e-4);
  EXPECT_FLOAT_EQ(AppearanceSimilarity(a, Appearance{}), 0.0F);
  // A differently coloured vehicle.
  const cv::Mat other(100, 200, CV_8UC3, cv::Scalar(200, 90, 40));
  EXPECT_LT(AppearanceSimilarity(a, DescribeAppearance(other, cv::Rect2f(80, 60, 40, 10))), 0.2F);
}

TEST(Appearance, BlendFollowsWhatIsSeen) {
  const cv::Mat red(100, 200, CV_8UC3, cv::Scalar(40, 40, 200));
  const cv::Mat blue(100, 200, CV_8UC3, cv::Scalar(200, 40, 40));
  const cv::Rect2f box(80, 60, 40, 10);
  Appearance track;
  BlendAppearance(track, DescribeAppearance(red, box), 0.3F);  // unknown track: takes it all
  EXPECT_NEAR(AppearanceSimilarity(track, DescribeAppearance(red, box)), 1.0F, 1e-4);
  for (int i = 0; i < 20; ++i) BlendAppearance(track, DescribeAppearance(blue, box), 0.3F);
  EXPECT_GT(AppearanceSimilarity(track, DescribeAppearance(blue, box)), 0.99F);
}

}  // namespace
}  // namespace safelane::camera
