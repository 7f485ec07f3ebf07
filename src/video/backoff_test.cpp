#include "video/backoff.h"

#include <gtest/gtest.h>

#include "video/stream_source.h"
#include "video/timeline.h"

namespace safelane::video {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithJitterUpToMaxAndResets) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 42);
  const double bases[] = {100, 200, 400, 800, 1000, 1000};
  for (double base : bases) {
    const auto delay = backoff.Next().count();
    EXPECT_GE(delay, static_cast<long>(base * 0.8) - 1);
    EXPECT_LE(delay, std::min(1000L, static_cast<long>(base * 1.2) + 1));
  }
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 121);
}

TEST(Backoff, JitterSpreadsCamerasApart) {
  Backoff a(milliseconds(1000), milliseconds(30000), 1);
  Backoff b(milliseconds(1000), milliseconds(30000), 2);
  EXPECT_NE(a.Next(), b.Next());
}

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

TEST(UrlForMessages, CredentialsNeverReachMessages) {
  EXPECT_EQ(UrlForMessages("rtsp://admin:s3cret@10.0.0.5:554/stream1"),
            "rtsp://***@10.0.0.5:554/stream1");
  EXPECT_EQ(UrlForMessages("http://u:p@cam/video.mjpg?x=a@b"), "http://***@cam/video.mjpg?x=a@b");
  EXPECT_EQ(UrlForMessages("rtsp://10.0.0.5/stream1"), "rtsp://10.0.0.5/stream1");
  EXPECT_EQ(UrlForMessages("/videos/a@b.mp4"), "/videos/a@b.mp4");
}

}  // namespace
}  // namespace safelane::video
