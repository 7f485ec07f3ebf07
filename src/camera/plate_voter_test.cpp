#include "camera/plate_voter.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

PlateReading R(const std::string& text, double confidence, bool fits, std::int64_t frame = 0) {
  return {text, confidence, fits, fits ? "uz" : "", frame};
}

TEST(PlateVoter, MajorityOfFormatFittingReadsWins) {
  PlateVoter voter;
  voter.Add(R("01A123BC", 0.9, true, 1));
  voter.Add(R("01A128BC", 0.8, true, 2));  // one misread digit
  voter.Add(R("01A123BC", 0.95, true, 3));
  voter.Add(R("1A123BC", 0.99, false, 4));  // half out of the frame, no format fits
  voter.Add(R("", 0.0, false, 5));          // unread
  voter.Add(R("01A123BC", 0.85, true, 6));
  const auto vote = voter.Decide({});
  ASSERT_TRUE(vote.has_value());
  EXPECT_EQ(vote->text, "01A123BC");
  EXPECT_EQ(vote->frames_agreed, 3);
  EXPECT_EQ(vote->frames_read, 5);
  EXPECT_EQ(vote->best_reading, 2U);  // the 0.95 reading
  EXPECT_EQ(vote->country, "uz");
  // Share of weight (2.7 / (2.7 + 0.8 + 0.2475)) times the agreeing mean (0.9).
  EXPECT_NEAR(vote->confidence, 2.7 / 3.7475 * 0.9, 1e-9);
}

TEST(PlateVoter, FormatFitOutweighsAFewConfidentNonFittingReads) {
  PlateVoter voter;
  for (int i = 0; i < 3; ++i) voter.Add(R("O1A123BC", 0.9, false));
  for (int i = 0; i < 2; ++i) voter.Add(R("01A123BC", 0.7, true));
  EXPECT_EQ(voter.Decide({})->text, "01A123BC");
}

// The test video's 18E503KA at 3 processed frames/s: entering, the plate is read without its
// last letter more often than whole, and those pieces together outweigh the whole reads.
TEST(PlateVoter, TheWholePlateWinsOverAMoreFrequentPieceOfIt) {
  PlateVoter voter;
  for (int i = 0; i < 7; ++i) voter.Add(R("18E503K", 0.95, false));
  for (int i = 0; i < 2; ++i) voter.Add(R("18E503KA", 0.6, true));
  const auto vote = voter.Decide({});
  ASSERT_TRUE(vote.has_value());
  EXPECT_EQ(vote->text, "18E503KA");
  EXPECT_EQ(vote->frames_agreed, 2);
  // Once read whole is not enough (min_agreeing), and another plate is never chosen.
  PlateVoter once;
  for (int i = 0; i < 7; ++i) once.Add(R("18E503K", 0.95, false));
  once.Add(R("18E503KA", 0.6, true));
  for (int i = 0; i < 2; ++i) once.Add(R("40Z999ZZ", 0.5, true));
  EXPECT_EQ(once.Decide({})->text, "18E503K");
}

TEST(PlateVoter, TooFewAgreeingReadsGiveNothing) {
  PlateVoter voter;
  voter.Add(R("01A123BC", 0.99, true));
  EXPECT_FALSE(voter.Decide({}).has_value());
  VoterOptions one;
  one.min_agreeing = 1;
  EXPECT_TRUE(voter.Decide(one).has_value());
  EXPECT_FALSE(PlateVoter().Decide({}).has_value());
}

TEST(PlateVoter, ResultUnderMinConfidenceGivesNothing) {
  PlateVoter voter;
  voter.Add(R("LQ1N", 0.04, false));
  voter.Add(R("LQ1N", 0.04, false));
  EXPECT_FALSE(voter.Decide({}).has_value());
  VoterOptions any;
  any.min_confidence = 0;
  EXPECT_NEAR(voter.Decide(any)->confidence, 0.04, 1e-9);
}

}  // namespace
}  // namespace safelane::camera
