#include "video/timeline.h"

#include <gtest/gtest.h>

namespace safelane::video {
namespace {

TEST(Timeline, FollowsSourceClockAndStartsSegmentsAfterThePrevious) {
  Timeline timeline;
  const std::int64_t t0 = 1'700'000'000'000'000;
  EXPECT_EQ(timeline.Stamp(5'000'000, t0, true), t0);
  // Arrival jitter of 30 ms is smoothed: the source clock wins.
  EXPECT_EQ(timeline.Stamp(5'040'000, t0 + 70'000, true), t0 + 40'000);
  EXPECT_EQ(timeline.Map(5'080'000), t0 + 80'000);
  // A jump of the camera clock re-anchors live sources at the arrival time.
  EXPECT_EQ(timeline.Stamp(99'000'000, t0 + 120'000, true), t0 + 120'000);
  // A new segment (reconnect) whose first packet arrives "early" still starts later.
  timeline.StartSegment();
  EXPECT_GT(timeline.Stamp(0, t0, true), t0 + 120'000);
}

TEST(Timeline, FastReplayRunsAheadOfTheClock) {
  Timeline timeline;
  const std::int64_t t0 = 1'700'000'000'000'000;
  EXPECT_EQ(timeline.Stamp(0, t0, false), t0);
  EXPECT_EQ(timeline.Stamp(60'000'000, t0 + 1000, false), t0 + 60'000'000);
}

}  // namespace
}  // namespace safelane::video
