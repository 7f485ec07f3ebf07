#include "camera/tracker.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

TrackDetection At(float x, float y, const std::string& text = "01A123BC") {
  return {cv::Rect2f(x, y, 150, 40), text};
}

TEST(Tracker, FollowsTwoVehiclesCrossingInOppositeDirections) {
  Tracker tracker({});
  std::int64_t a = 0;
  std::int64_t b = 0;
  // 60 px a frame each way (1920 px in 32 frames), crossing in the middle on two lanes.
  for (int f = 0; f < 30; ++f) {
    const std::vector<TrackDetection> dets = {At(100.0F + 60.0F * f, 500, "01A123BC"),
                                              At(1800.0F - 60.0F * f, 560, "10B777CD")};
    const auto ids = tracker.Update(f, dets);
    ASSERT_EQ(ids.size(), 2U);
    if (f == 0) {
      a = ids[0];
      b = ids[1];
      EXPECT_NE(a, b);
    }
    EXPECT_EQ(ids[0], a) << "frame " << f;
    EXPECT_EQ(ids[1], b) << "frame " << f;
    EXPECT_TRUE(tracker.ended().empty());
  }
  // Both leave: confirmed tracks end after max_missed frames.
  std::vector<std::int64_t> ended;
  for (int f = 30; f < 30 + 14; ++f) {
    (void)tracker.Update(f, {});
    ended.insert(ended.end(), tracker.ended().begin(), tracker.ended().end());
  }
  std::sort(ended.begin(), ended.end());
  EXPECT_EQ(ended, (std::vector<std::int64_t>{a, b}));
  EXPECT_TRUE(tracker.live().empty());
}

TEST(Tracker, KeepsTheTrackThroughMissedFramesAndSkippedFrames) {
  Tracker tracker({});
  const auto first = tracker.Update(0, std::vector{At(100, 500)})[0];
  (void)tracker.Update(1, std::vector{At(150, 500)});
  (void)tracker.Update(2, std::vector{At(200, 500)});
  // Frames 3..7 unseen (occlusion), then seen where the motion model says it would be.
  for (int f = 3; f < 8; ++f) (void)tracker.Update(f, {});
  EXPECT_EQ(tracker.Update(8, std::vector{At(500, 500)})[0], first);
  // A jump of 4 frames in the index (dropped frames) is predicted as 4 steps.
  EXPECT_EQ(tracker.Update(12, std::vector{At(700, 500)})[0], first);
}

TEST(Tracker, SameTextReconnectsAFastPlateButOtherTextDoesNot) {
  Tracker tracker({});
  const auto id = tracker.Update(0, std::vector{At(100, 500, "01A123BC")})[0];
  (void)tracker.Update(1, std::vector{At(110, 500, "01A123BC")});
  // A sudden 200 px jump: no IoU with the prediction, but the same text nearby.
  EXPECT_EQ(tracker.Update(2, std::vector{At(320, 500, "01A123BC")})[0], id);
  // Another plate at a similar jump with another text is a new track.
  EXPECT_NE(tracker.Update(3, std::vector{At(700, 500, "40Z999ZZ")})[0], id);
}

TEST(Tracker, TentativeTrackEndsAtItsFirstMissAndIsReportedApart) {
  Tracker tracker({});
  const auto id = tracker.Update(0, std::vector{At(100, 500)})[0];
  (void)tracker.Update(1, {});
  EXPECT_TRUE(tracker.ended().empty());
  EXPECT_EQ(tracker.ended_tentative(), std::vector<std::int64_t>{id});
}

TEST(Tracker, FlushEndsEverything) {
  Tracker tracker({});
  (void)tracker.Update(0, std::vector{At(100, 500)});
  (void)tracker.Update(1, std::vector{At(120, 500)});
  tracker.Flush();
  EXPECT_EQ(tracker.ended().size(), 1U);
  EXPECT_TRUE(tracker.live().empty());
}

TEST(Tracker, OptionsOutOfBoundsAreRefused) {
  TrackerOptions o;
  o.min_iou = 0;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  o = {};
  o.confirm_hits = 0;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  EXPECT_TRUE(ValidateTrackerOptions({}).ok());
}

}  // namespace
}  // namespace safelane::camera
