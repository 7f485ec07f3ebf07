#include "camera/read_admission.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

PlateVote Vote(const std::string& text, double confidence, bool fits) {
  PlateVote v;
  v.text = text;
  v.confidence = confidence;
  v.fits_format = fits;
  v.frames_agreed = 3;
  return v;
}

// The main job's garbage read (10A910BA's fragment "A" at 0.06), background text glued to a
// vehicle ("LN"), and the reads that must stay reads.
TEST(ReadAdmission, FragmentsAndUnfitLowConfidenceTextsAreNotReads) {
  const ReadAdmissionOptions options;  // 6 characters, 0.07
  EXPECT_NE(WhyNotARead(Vote("A", 0.06, true), options).find("shorter than 6"), std::string::npos);
  EXPECT_NE(WhyNotARead(Vote("LN", 0.11, true), options).find("shorter"), std::string::npos);
  EXPECT_NE(WhyNotARead(Vote("1004570", 0.05, false), options).find("fits no plate format"),
            std::string::npos);
  // A misread of the right length with a fair confidence is still reported.
  EXPECT_EQ(WhyNotARead(Vote("10O4570", 0.11, false), options), "");
  // A format-fitting text is a read at any confidence the voter let through.
  EXPECT_EQ(WhyNotARead(Vote("03K554SA", 0.07, true), options), "");
  EXPECT_EQ(WhyNotARead(Vote("L007VA", 0.89, true), options), "");
  // Vanity plates can be asked for.
  EXPECT_EQ(WhyNotARead(Vote("A", 0.9, true), {.min_plate_chars = 1}), "");
}

TEST(ReadAdmission, OptionsOutsideTheirBoundsAreRefused) {
  EXPECT_TRUE(ValidateReadAdmissionOptions({}).ok());
  for (const ReadAdmissionOptions bad :
       {ReadAdmissionOptions{.min_plate_chars = 0}, ReadAdmissionOptions{.min_plate_chars = 17},
        ReadAdmissionOptions{.min_unfit_confidence = -0.1},
        ReadAdmissionOptions{.min_unfit_confidence = 1.5}}) {
    auto checked = ValidateReadAdmissionOptions(bad);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().code, ErrorCode::kBadConfig);
  }
}

TEST(ReadAdmission, ShortestPlateComesFromTheExpectedCountriesFormats) {
  const auto& catalog = vision::PlateFormatCatalog::Builtin();
  // Uzbekistan: CMD123 (diplomatic head of mission) is the shortest fixed format; vanity
  // plates (1-6 characters, variable length) do not count.
  EXPECT_EQ(ShortestPlate(catalog, std::vector<std::string>{"uz"}), 6);
  const int any = ShortestPlate(catalog, {});
  EXPECT_GE(any, 1);
  EXPECT_LE(any, 6);
  EXPECT_EQ(ShortestPlate(catalog, std::vector<std::string>{"xx"}), 1);  // nothing known
}

}  // namespace
}  // namespace safelane::camera
