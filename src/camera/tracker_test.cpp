#include "camera/tracker.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

namespace safelane::camera {
namespace {

TrackDetection At(float x, float y, const std::string& text = "01A123BC") {
  return {cv::Rect2f(x, y, 150, 40), text, {}};
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

// The test video's 10X564SA as the loaded node saw it over RTSP: ~10 of 25 frames/s
// processed (ticks 2-3 apart), the plate jumping more than its width between them, and
// read differently every time. Similar text keeps it one track; identical text did not.
std::vector<std::int64_t> MisreadVehicle(const TrackerOptions& options) {
  Tracker tracker(options);
  const std::vector<std::string> texts = {"10X564SA", "13K564SA", "01K554SA", "DK554SA",
                                          "10X564SA", "13K564SA", "01K554SA"};
  const std::vector<int> ticks = {0, 3, 5, 8, 11, 13, 16};
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    // 62 px per tick (1920 px in 1.2 s at 25 fps), with +-20 px of detector jitter.
    const float x = 100.0F + 62.0F * static_cast<float>(ticks[i]) + (i % 2 == 0 ? 20.0F : -20.0F);
    ids.push_back(tracker.Update(ticks[i], std::vector{At(x, 500, texts[i])})[0]);
  }
  return ids;
}

TEST(Tracker, MisreadsOfOnePlateStayOneTrackAtALowFrameRate) {
  const auto ids = MisreadVehicle({});
  for (const auto id : ids) EXPECT_EQ(id, ids.front());
  // The same frames, associated by identical text only (min_text_similarity 1): split.
  TrackerOptions identical;
  identical.min_text_similarity = 1.0F;
  const auto split = MisreadVehicle(identical);
  EXPECT_NE(split[1], split[0]);
}

Appearance Looks(const cv::Scalar& bgr) {
  const cv::Mat frame(300, 600, CV_8UC3, bgr);
  return DescribeAppearance(frame, cv::Rect2f(250, 200, 100, 25));
}

TEST(Tracker, AppearanceJoinsUnreadPlatesOfOneVehicleAndKeepsBackgroundApart) {
  Tracker tracker({});
  const Appearance red_car = Looks(cv::Scalar(40, 40, 200));
  const Appearance grey_wall = Looks(cv::Scalar(120, 120, 120));
  // A plate on a wall at x = 700, never moving, never read; a red car whose plate the reader
  // cannot read crosses next to it, jumping 1.6 plate widths between processed frames.
  std::int64_t car = 0;
  std::int64_t wall = 0;
  for (int f = 0; f < 8; ++f) {
    const float x = 100.0F + 240.0F * static_cast<float>(f);
    const std::vector<TrackDetection> dets = {{cv::Rect2f(x, 500, 150, 40), "", red_car},
                                              {cv::Rect2f(700, 560, 150, 40), "", grey_wall}};
    const auto ids = tracker.Update(f, dets);
    if (f == 0) {
      car = ids[0];
      wall = ids[1];
    }
    EXPECT_EQ(ids[0], car) << "frame " << f;
    EXPECT_EQ(ids[1], wall) << "frame " << f;
  }
  EXPECT_NE(car, wall);
  // A grey car where the red one would be next is not the red car.
  const float next = 100.0F + 240.0F * 8;
  const auto ids = tracker.Update(
      8, std::vector<TrackDetection>{{cv::Rect2f(next + 160, 500, 150, 40), "", grey_wall}});
  EXPECT_NE(ids[0], car);
}

TEST(Tracker, AVehicleLostForSomeFramesIsFoundAgainByAppearance) {
  Tracker tracker({});
  const Appearance blue_car = Looks(cv::Scalar(200, 60, 30));
  const auto id = tracker.Update(
      0, std::vector<TrackDetection>{{cv::Rect2f(100, 500, 150, 40), "", blue_car}})[0];
  (void)tracker.Update(1,
                       std::vector<TrackDetection>{{cv::Rect2f(200, 500, 150, 40), "", blue_car}});
  // Unseen for 3 frames; it reappears 2.5 widths off what its motion predicts (it braked).
  for (int f = 2; f < 5; ++f) (void)tracker.Update(f, {});
  const auto again = tracker.Update(
      5, std::vector<TrackDetection>{{cv::Rect2f(700 - 375, 500, 150, 40), "", blue_car}});
  EXPECT_EQ(again[0], id);
}

// A node that processes every 8th frame of a 25 fps stream (3 frames/s on a loaded machine):
// an entering vehicle moves 8 x 60 px between sightings, over three plate widths, and its
// track has no velocity yet after one sighting. Its gate widens with the frames in between.
TEST(Tracker, AVehicleSeenEveryEighthFrameStaysOneTrack) {
  Tracker tracker({});
  std::vector<std::int64_t> ids;
  for (int f = 0; f <= 32; f += 8) {
    ids.push_back(tracker.Update(f, std::vector{At(100.0F + 60.0F * f, 500)})[0]);
  }
  for (const auto id : ids) EXPECT_EQ(id, ids.front());
  EXPECT_TRUE(tracker.ended_tentative().empty());
}

TEST(Tracker, ABoxMuchWiderOrNarrowerIsAnotherThing) {
  Tracker tracker({});
  const auto id = tracker.Update(0, std::vector{At(100, 500)})[0];
  (void)tracker.Update(1, std::vector{At(110, 500)});
  // Where the plate is expected, a sign three times as wide that reads the same text.
  const auto sign = tracker.Update(
      2, std::vector<TrackDetection>{{cv::Rect2f(0, 480, 450, 80), "01A123BC", {}}})[0];
  EXPECT_NE(sign, id);
}

TEST(Tracker, AMovingVehicleIsNotFoundAgainBehindItself) {
  Tracker tracker({});
  const Appearance look = Looks(cv::Scalar(90, 90, 90));
  std::int64_t car = 0;
  for (int f = 0; f < 5; ++f) {
    car = tracker.Update(f, std::vector<TrackDetection>{
                                {cv::Rect2f(100.0F + 60.0F * f, 500, 150, 40), "", look}})[0];
  }
  // It goes unseen for three frames; the next vehicle, looking alike, enters behind it, well
  // within the widened gate of the coasting track.
  for (int f = 5; f < 8; ++f) (void)tracker.Update(f, {});
  const auto next =
      tracker.Update(8, std::vector<TrackDetection>{{cv::Rect2f(20, 500, 150, 40), "", look}})[0];
  EXPECT_NE(next, car);
  // Ahead of it, a look-alike is still the same vehicle found again.
  EXPECT_EQ(
      tracker.Update(9, std::vector<TrackDetection>{{cv::Rect2f(700, 500, 150, 40), "", look}})[0],
      car);
}

TEST(Tracker, AMovingVehicleIsNotFoundAgainInTheOtherLane) {
  Tracker tracker({});
  const Appearance look = Looks(cv::Scalar(90, 90, 90));
  std::int64_t car = 0;
  for (int f = 0; f < 4; ++f) {
    car = tracker.Update(f, std::vector<TrackDetection>{
                                {cv::Rect2f(100.0F + 60.0F * f, 300, 150, 40), "", look}})[0];
  }
  for (int f = 4; f < 7; ++f) (void)tracker.Update(f, {});
  // Ahead of it along its motion but four plate widths down, in the next lane.
  const auto other =
      tracker.Update(7, std::vector<TrackDetection>{{cv::Rect2f(520, 900, 150, 40), "", look}})[0];
  EXPECT_NE(other, car);
}

TEST(Tracker, TextStandingStillIsNotGluedToAPassingPlate) {
  Tracker tracker({});
  // A sign at x = 700, read "EQU201" every frame.
  std::int64_t sign = 0;
  for (int f = 0; f < 12; ++f) sign = tracker.Update(f, std::vector{At(700, 560, "EQU201")})[0];
  // A vehicle passes in front of it: its plate, read as another text, lies over the sign.
  const auto plate = tracker.Update(12, std::vector{At(720, 560, "75A819FA")})[0];
  EXPECT_NE(plate, sign);
  // While hidden, the sign is not looked for elsewhere, even by an identical text.
  const auto elsewhere = tracker.Update(13, std::vector{At(1000, 560, "EQU201")})[0];
  EXPECT_NE(elsewhere, sign);
  // Uncovered, it is found where it stands.
  EXPECT_EQ(tracker.Update(14, std::vector{At(700, 560, "EQU201")})[0], sign);
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
  o = {};
  o.min_appearance = 0;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  o = {};
  o.min_text_similarity = 1.5F;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  o = {};
  o.max_width_ratio = 0.5F;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  o = {};
  o.still_after_hits = 1;
  EXPECT_FALSE(ValidateTrackerOptions(o).ok());
  EXPECT_TRUE(ValidateTrackerOptions({}).ok());
}

}  // namespace
}  // namespace safelane::camera
