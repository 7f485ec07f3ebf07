#include "camera/duplicate_read_window.h"

#include <gtest/gtest.h>

namespace safelane::camera {
namespace {

const WallTime kT0 = WallTime(std::chrono::seconds(1'795'000'000));

WallTime At(double s) {
  return kT0 + std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(s));
}

// A pass as CameraPipeline reports it: text, vote, when and where (1080p pixels) the plate
// was first and last seen, plates 100 px wide.
VehiclePass Pass(const std::string& text, double confidence, int agreed, int read, double from_s,
                 double to_s, cv::Point2f from, cv::Point2f to) {
  VehiclePass p;
  p.vote.text = text;
  p.vote.confidence = confidence;
  p.vote.frames_agreed = agreed;
  p.vote.frames_read = read;
  p.first_seen = At(from_s);
  p.last_seen = At(to_s);
  p.captured_at = At((from_s + to_s) / 2);
  p.first_centre = from;
  p.last_centre = to;
  p.plate_width = 100;
  p.direction = DirectionOf(from, to, p.plate_width);
  return p;
}

HeldRead Held(VehiclePass pass, const std::string& event_id) {
  HeldRead h;
  h.pass = std::move(pass);
  h.event_id = event_id;
  h.evidence = {{"overview", security::Bytes{1, 2, 3}}};
  h.evidence[0].bytes.push_back(static_cast<std::uint8_t>(event_id.size()));
  return h;
}

// The RTSP test's failure on a loaded node: 75A819FA crossing right to left at ~1,170 px/s,
// seen 4-6 times, split into two tracks, the second missing its first character.
TEST(DuplicateReadWindow, AVehicleSplitInTwoTracksIsOneRead) {
  DuplicateReadWindow window({});
  const auto first = Pass("75A819FA", 0.8, 4, 5, 0.0, 0.6, {1800, 800}, {1100, 800});  // 1,167 px/s
  const auto second = Pass("5A819FA", 0.5, 2, 3, 0.9, 1.4, {780, 805}, {200, 810});
  EXPECT_TRUE(SameVehicle(first, second, {}));
  EXPECT_TRUE(SameVehicle(second, first, {}));  // order of arrival does not matter
  EXPECT_FALSE(window.Add(Held(first, "ev-first")));
  EXPECT_TRUE(window.Add(Held(second, "ev-second")));
  EXPECT_EQ(window.size(), 1U);
  // Held for the whole window after the last sighting: a third half could still come.
  EXPECT_TRUE(window.TakeClosed(At(1.4 + 9.9), std::chrono::milliseconds(0)).empty());
  auto out = window.TakeClosed(At(1.4 + 10), std::chrono::milliseconds(0));
  ASSERT_EQ(out.size(), 1U);
  const HeldRead& read = out[0];
  EXPECT_EQ(read.pass.vote.text, "75A819FA");  // the more confident read
  EXPECT_EQ(read.event_id, "ev-first");        // with its own evidence
  EXPECT_EQ(read.evidence[0].bytes.back(), std::string("ev-first").size());
  EXPECT_EQ(read.merged, 1);
  EXPECT_EQ(read.pass.vote.frames_read, 8);    // frames of both halves
  EXPECT_EQ(read.pass.vote.frames_agreed, 4);  // the other half read another text
  EXPECT_EQ(read.pass.first_seen, At(0.0));
  EXPECT_EQ(read.pass.last_seen, At(1.4));
  EXPECT_EQ(read.pass.direction, "right_to_left");
}

// A vehicle in view across a stream outage (the RTSP test on a loaded node): the camera
// server came back 2.5 s later and its video went on from where it was cut, so the second
// pass starts little further on than the first ended, not where 2.5 s at speed would put it.
TEST(DuplicateReadWindow, AVehicleSeenAgainAfterAnOutageIsOneRead) {
  const auto before = Pass("18E503KA", 0.8, 2, 4, 0.0, 1.0, {200, 380}, {800, 380});
  const auto after = Pass("18E503K", 0.6, 2, 2, 3.5, 4.1, {950, 382}, {1300, 380});
  EXPECT_TRUE(SameVehicle(before, after, {}));
  // Across the lanes (four plate widths down), or behind where it was last seen: not it.
  EXPECT_FALSE(
      SameVehicle(before, Pass("18E503K", 0.6, 2, 2, 3.5, 4.1, {950, 900}, {1300, 900}), {}));
  EXPECT_FALSE(
      SameVehicle(before, Pass("18E503K", 0.6, 2, 2, 3.5, 4.1, {300, 380}, {650, 380}), {}));
}

TEST(DuplicateReadWindow, TheBetterHalfWinsEvenWhenItComesSecond) {
  DuplicateReadWindow window({});
  EXPECT_FALSE(
      window.Add(Held(Pass("10A910BA", 0.3, 2, 2, 0.0, 0.3, {100, 300}, {400, 300}), "ev-weak")));
  EXPECT_TRUE(window.Add(
      Held(Pass("10A910BA", 0.8, 5, 6, 0.7, 1.5, {800, 300}, {1700, 300}), "ev-strong")));
  auto out = window.TakeAll();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].event_id, "ev-strong");
  EXPECT_EQ(out[0].evidence[0].bytes.back(), std::string("ev-strong").size());
  EXPECT_DOUBLE_EQ(out[0].pass.vote.confidence, 0.8);
  EXPECT_EQ(out[0].pass.vote.frames_agreed, 7);  // same text: both halves agreed
  EXPECT_EQ(out[0].pass.first_centre, cv::Point2f(100, 300));
  EXPECT_EQ(out[0].pass.direction, "left_to_right");
}

// Two vehicles carrying the same plate (a cloned plate is exactly what enforcement must
// see): in the other lane, going the other way, half a second apart.
TEST(DuplicateReadWindow, TheSamePlateElsewhereIsASecondRead) {
  const auto here = Pass("01A123BC", 0.8, 5, 6, 0.0, 0.6, {100, 300}, {800, 300});
  const auto other_lane = Pass("01A123BC", 0.8, 5, 6, 1.1, 1.7, {1900, 900}, {1200, 900});
  EXPECT_FALSE(SameVehicle(here, other_lane, {}));
  // Same lane, same direction, but far behind where the first vehicle was heading.
  const auto behind = Pass("01A123BC", 0.8, 5, 6, 1.1, 1.7, {50, 300}, {750, 300});
  EXPECT_FALSE(SameVehicle(here, behind, {}));
  // Seen in the same frames as the first: two vehicles, wherever they are.
  const auto together = Pass("01A123BC", 0.8, 5, 6, 0.5, 1.0, {700, 300}, {1300, 300});
  EXPECT_FALSE(SameVehicle(here, together, {}));
  DuplicateReadWindow window({});
  EXPECT_FALSE(window.Add(Held(here, "a")));
  EXPECT_FALSE(window.Add(Held(other_lane, "b")));
  EXPECT_FALSE(window.Add(Held(behind, "c")));
  const auto out = window.TakeAll();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[0].event_id, "a");  // oldest first
}

TEST(DuplicateReadWindow, TextsThatDifferBeyondConfusablesAreTwoVehicles) {
  const auto first = Pass("01A123BC", 0.8, 5, 6, 0.0, 0.6, {100, 300}, {800, 300});
  auto next = [](const std::string& text) {
    return Pass(text, 0.8, 5, 6, 0.9, 1.4, {1150, 300}, {1700, 300});
  };
  EXPECT_FALSE(SameVehicle(first, next("01A123BD"), {}));  // C and D: another plate
  EXPECT_FALSE(SameVehicle(first, next("01A124BC"), {}));
  EXPECT_FALSE(SameVehicle(first, next("40K777MM"), {}));
  EXPECT_TRUE(SameVehicle(first, next("01A123BC"), {}));
  EXPECT_TRUE(SameVehicle(first, next("01A128BC"), {}));  // 3 and 8 are confused
  EXPECT_TRUE(SameVehicle(first, next("1A123BC"), {}));   // the first character lost
}

TEST(DuplicateReadWindow, OnlyWithinTheWindow) {
  const auto first = Pass("01A123BC", 0.8, 5, 6, 0.0, 0.6, {100, 300}, {800, 300});
  const auto late = Pass("01A123BC", 0.8, 5, 6, 11.0, 11.5, {900, 300}, {1500, 300});
  DuplicateWindowOptions wide;
  wide.max_gap_widths = 50;
  EXPECT_FALSE(SameVehicle(first, late, wide));  // 10.4 s after: another passage
  DuplicateWindowOptions off;
  off.window_s = 0;
  DuplicateReadWindow window(off);
  const auto second = Pass("01A123BC", 0.8, 5, 6, 0.9, 1.4, {1150, 300}, {1700, 300});
  EXPECT_FALSE(window.Add(Held(first, "a")));
  EXPECT_FALSE(window.Add(Held(second, "b")));
  // With the window off a read leaves at once (or when the clip's tail is recorded).
  EXPECT_EQ(window.TakeClosed(At(0.6), std::chrono::milliseconds(0)).size(), 1U);
  EXPECT_TRUE(window.TakeClosed(At(1.5), std::chrono::milliseconds(2000)).empty());
  EXPECT_EQ(window.TakeClosed(At(3.5), std::chrono::milliseconds(2000)).size(), 1U);
}

TEST(DuplicateReadWindow, OptionsHaveBounds) {
  EXPECT_TRUE(ValidateDuplicateWindowOptions({}).ok());
  for (const DuplicateWindowOptions bad :
       {DuplicateWindowOptions{.window_s = -1}, DuplicateWindowOptions{.window_s = 301},
        DuplicateWindowOptions{.min_text_similarity = 0},
        DuplicateWindowOptions{.min_text_similarity = 1.5F},
        DuplicateWindowOptions{.max_gap_widths = 51}}) {
    auto r = ValidateDuplicateWindowOptions(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kBadConfig);
  }
}

}  // namespace
}  // namespace safelane::camera
