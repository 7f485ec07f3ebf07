#include "camera/plate_text_similarity.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

TEST(PlateTextSimilarity, IdenticalIsOneAndEmptySaysNothing) {
  EXPECT_FLOAT_EQ(PlateTextSimilarity("01A123BC", "01A123BC"), 1.0F);
  EXPECT_FLOAT_EQ(PlateTextSimilarity("01a123bc", "01A123BC"), 1.0F);
  EXPECT_FLOAT_EQ(PlateTextSimilarity("", "01A123BC"), 0.0F);
  EXPECT_FLOAT_EQ(PlateTextSimilarity("01A123BC", ""), 0.0F);
  EXPECT_FLOAT_EQ(PlateTextSimilarity("", ""), 0.0F);
}

// The misreads of one vehicle of the test video (10X564SA), frame to frame: all of them are
// the same plate by this measure, at the tracker's default threshold (0.6).
TEST(PlateTextSimilarity, MisreadsOfOnePlateAreAlike) {
  EXPECT_NEAR(PlateTextSimilarity("10X564SA", "13K564SA"), 1.0F - 1.4F / 8, 1e-5);
  EXPECT_NEAR(PlateTextSimilarity("10X564SA", "01K554SA"), 1.0F - 2.8F / 8, 1e-5);
  EXPECT_NEAR(PlateTextSimilarity("10X564SA", "DK554SA"), 1.0F - 2.2F / 8, 1e-5);
  EXPECT_GE(PlateTextSimilarity("13K564SA", "DK554SA"), 0.6F);
  // A plate losing its region digits at the frame edge, and O read as 0.
  EXPECT_GE(PlateTextSimilarity("38L007VA", "L007VA"), 0.6F);
  EXPECT_GE(PlateTextSimilarity("10O457OA", "1004570A"), 0.6F);
}

TEST(PlateTextSimilarity, DifferentPlatesOfTheSameFormatAreNot) {
  // The six plates of the test video against each other.
  const std::vector<std::string> plates = {"18E503KA", "75A819FA", "10O457OA",
                                           "10A910BA", "10X564SA", "38L007VA"};
  for (std::size_t i = 0; i < plates.size(); ++i) {
    for (std::size_t j = i + 1; j < plates.size(); ++j) {
      EXPECT_LT(PlateTextSimilarity(plates[i], plates[j]), 0.6F) << plates[i] << " " << plates[j];
    }
  }
  EXPECT_LT(PlateTextSimilarity("01A123BC", "40K777MM"), 0.3F);
}

// The stricter measure for merging two tracks' reads: lost characters and confusions are one
// plate, a character the reader does not confuse is another plate.
TEST(PlateTextSimilarity, SamePlateAllowsLostAndConfusedCharactersOnly) {
  EXPECT_FLOAT_EQ(SamePlateSimilarity("75A819FA", "5A819FA"), 1.0F - 1.0F / 8);
  EXPECT_FLOAT_EQ(SamePlateSimilarity("10A910BA", "10A91OBA"), 1.0F - 0.4F / 8);
  EXPECT_FLOAT_EQ(SamePlateSimilarity("01A123BC", "01A123BD"), 1.0F - 2.0F / 8);
  EXPECT_LT(SamePlateSimilarity("01A123BC", "01A123BD"),
            PlateTextSimilarity("01A123BC", "01A123BD"));
  EXPECT_FLOAT_EQ(SamePlateSimilarity("", "01A123BC"), 0.0F);
}

TEST(PlateTextSimilarity, IsSymmetric) {
  EXPECT_FLOAT_EQ(PlateTextSimilarity("DK554SA", "10X564SA"),
                  PlateTextSimilarity("10X564SA", "DK554SA"));
}

}  // namespace
}  // namespace safelane::camera
