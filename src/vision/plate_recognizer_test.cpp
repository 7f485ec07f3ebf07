#include "vision/plate_recognizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "test_data.h"
#include "vision/image_decoder.h"

namespace safelane::vision {
namespace {

// Real Brazilian plate photos (crops-br, "..._CC_<id>_<TEXT>.JPG_..." names) with their
// text, in a fixed order.
std::vector<std::pair<std::filesystem::path, std::string>> BrazilianPhotos(std::size_t count) {
  std::vector<std::pair<std::filesystem::path, std::string>> out;
  const auto dir = safelane::testing::DataDir() / "plates" / "crops-br";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const auto cc = name.find("_CC_");
    const auto jpg = name.find(".JPG_");
    if (cc == std::string::npos || jpg == std::string::npos) continue;
    const auto text_at = name.find('_', cc + 4) + 1;
    if (text_at == 0 || text_at >= jpg) continue;
    out.emplace_back(entry.path(), name.substr(text_at, jpg - text_at));
  }
  std::sort(out.begin(), out.end());
  out.resize(std::min(out.size(), count));
  return out;
}

RecognizerOptions WithSecondView(float x, float y) {
  RecognizerOptions o;
  o.country = "br";
  o.second_view_margin_x = x;
  o.second_view_margin_y = y;
  return o;
}

TEST(PlateRecognizer, RejectsSecondViewMarginsOutOfBounds) {
  EXPECT_EQ(PlateRecognizer::Create(WithSecondView(-0.01F, 0.0F)).error().code,
            ErrorCode::kBadConfig);
  EXPECT_EQ(PlateRecognizer::Create(WithSecondView(0.0F, 0.51F)).error().code,
            ErrorCode::kBadConfig);
}

// Boxes that cut the plate's ends (the detector's tight boxes lose edge characters): a
// second, wider view of each box reads more of these real plates exactly than the cut
// box alone, and never changes a read whose box already is the whole image (ReadCrop).
TEST(PlateRecognizer, SecondViewRecoversPlatesWhoseBoxCutsAnEdge) {
  const auto photos = BrazilianPhotos(40);
  ASSERT_EQ(photos.size(), 40U) << "real BR photos missing under " << safelane::testing::DataDir();
  auto one_view = PlateRecognizer::Create(WithSecondView(0.0F, 0.0F));
  auto two_views = PlateRecognizer::Create(WithSecondView(0.04F, 0.04F));
  ASSERT_TRUE(one_view && two_views);
  int exact_one = 0;
  int exact_two = 0;
  for (const auto& [path, text] : photos) {
    auto image = ReadImageFile(path);
    ASSERT_TRUE(image) << path;
    // The plate fills the crop: a box 9 % in from the left and right cuts the first and
    // last characters.
    const auto w = static_cast<float>(image->cols);
    const auto h = static_cast<float>(image->rows);
    PlateDetection cut;
    cut.box = cv::Rect2f(0.09F * w, 0.0F, 0.82F * w, h);
    cut.corners = {cut.box.tl(), cv::Point2f(cut.box.br().x, 0.0F), cut.box.br(),
                   cv::Point2f(cut.box.x, h)};
    cut.score = 1.0F;
    auto a = one_view->ReadDetections(*image, {cut});
    auto b = two_views->ReadDetections(*image, {cut});
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->size(), 1U);
    ASSERT_EQ(b->size(), 1U);
    exact_one += static_cast<int>(a->front().text == text);
    exact_two += static_cast<int>(b->front().text == text);

    auto whole_a = one_view->ReadCrop(*image);
    auto whole_b = two_views->ReadCrop(*image);
    ASSERT_TRUE(whole_a && whole_b);
    EXPECT_EQ(whole_a->text, whole_b->text) << path;
    EXPECT_DOUBLE_EQ(whole_a->confidence, whole_b->confidence) << path;
  }
  RecordProperty("exact_one_view", exact_one);
  RecordProperty("exact_two_views", exact_two);
  EXPECT_GT(exact_two, exact_one) << "cut boxes: " << exact_one << " exact with one view, "
                                  << exact_two << " with the second view";
}

}  // namespace
}  // namespace safelane::vision
