// CAMERA.toml: the [[lane]] tables and what counts as one read per vehicle ([pipeline]).

#include <gtest/gtest.h>

#include "camera/camera_config.h"

namespace safelane::camera {
namespace {

const std::string kBase = R"(
[camera]
id = "cam-7"
latitude = 41.311
longitude = 69.279
signing_key_file = "cam.key"

[stream]
url = "video.mp4"

[sink]
store_dir = "store"
master_key_file = "master.key"
spool_dir = "spool"
)";

const std::string kTwoLanes = R"(
[[lane]]
id = "0"
polygon = [[0.0, 0.0], [1.0, 0.0], [1.0, 0.55], [0.0, 0.55]]
direction = "left_to_right"

[[lane]]
id = "1"
polygon = [[0.0, 0.55], [1.0, 0.55], [1.0, 1.0], [0.0, 1.0]]
)";

Result<CameraConfig> Parse(const std::string& text) {
  return ParseCameraConfig(text, "/etc/c");
}

TEST(CameraConfigLanes, LanesArePolygonsWithIdsAndDirections) {
  auto c = Parse(kBase + kTwoLanes);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->pipeline.lanes.size(), 2U);
  EXPECT_EQ(c->pipeline.lanes[0].id, "0");
  EXPECT_EQ(c->pipeline.lanes[0].direction, "left_to_right");
  ASSERT_EQ(c->pipeline.lanes[1].polygon.size(), 4U);
  EXPECT_FLOAT_EQ(c->pipeline.lanes[1].polygon[0].y, 0.55F);
  EXPECT_EQ(c->pipeline.lanes[1].direction, "any");  // the default
  EXPECT_EQ(c->camera.lanes, 2);
  // Without [[lane]]: no polygons, every read's lane unknown; the count alone still works.
  auto none = Parse(kBase);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->pipeline.lanes.empty());
  EXPECT_EQ(none->camera.lanes, 1);
  std::string counted = kBase;
  counted.replace(counted.find("signing_key_file"), 0, "lanes = 3\n");
  auto three = Parse(counted);
  ASSERT_TRUE(three.ok()) << three.error().message;
  EXPECT_EQ(three->camera.lanes, 3);
}

TEST(CameraConfigLanes, LaneMistakesAreRefusedWithTheLaneAndKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"direction = \"left_to_right\"", "direction = \"north\""},
      {"id = \"1\"", "id = \"0\""},
      {"id = \"1\"", "id = \"1\"\nspeed_kmh = 60"},
      {"polygon = [[0.0, 0.55], [1.0, 0.55], [1.0, 1.0], [0.0, 1.0]]",
       "polygon = [[0.0, 0.55], [1.0, 0.55]]"},
      {"polygon = [[0.0, 0.55], [1.0, 0.55], [1.0, 1.0], [0.0, 1.0]]",
       "polygon = [[0.0, 0.55], [1.0, 0.55], [1.0, 1.2], [0.0, 1.0]]"},
      {"polygon = [[0.0, 0.55], [1.0, 0.55], [1.0, 1.0], [0.0, 1.0]]", ""},
      {"id = \"1\"", "id = \"lane one\""},
  };
  const std::vector<std::string> messages = {"[lane #1].direction must be one of",
                                             "listed twice",
                                             "[lane #2].speed_kmh is not a known key",
                                             "[lane #2].polygon must be",
                                             "[lane #2].polygon must be",
                                             "[lane #2].polygon is required",
                                             "id must match"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string lanes = kTwoLanes;
    const auto at = lanes.find(cases[i].first);
    ASSERT_NE(at, std::string::npos) << cases[i].first;
    lanes.replace(at, cases[i].first.size(), cases[i].second);
    auto c = Parse(kBase + lanes);
    ASSERT_FALSE(c.ok()) << "case " << i;
    EXPECT_EQ(c.error().code, ErrorCode::kBadConfig);
    EXPECT_NE(c.error().message.find(messages[i]), std::string::npos)
        << "case " << i << ": " << c.error().message;
  }
  // The count, when given, must match the tables.
  std::string counted = kBase + kTwoLanes;
  counted.replace(counted.find("signing_key_file"), 0, "lanes = 3\n");
  auto c = Parse(counted);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("[camera].lanes is 3 but 2 [[lane]] tables"), std::string::npos)
      << c.error().message;
  auto scalar = Parse("lane = 2\n" + kBase);
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.error().message.find("[[lane]] must be"), std::string::npos);
}

TEST(CameraConfigLanes, ReadAdmissionAndDuplicateWindowHaveDefaultsAndBounds) {
  auto c = Parse(kBase);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->admission.min_plate_chars, 6);  // Uzbekistan's shortest fixed format
  EXPECT_DOUBLE_EQ(c->admission.min_unfit_confidence, 0.07);
  EXPECT_DOUBLE_EQ(c->duplicates.window_s, 10);
  EXPECT_FLOAT_EQ(c->duplicates.min_text_similarity, 0.8F);
  EXPECT_FLOAT_EQ(c->duplicates.max_gap_widths, 4);
  auto set = Parse(kBase +
                   "[pipeline]\nmin_plate_chars = 2\nmin_unfit_confidence = 0.3\n"
                   "duplicate_window_s = 0\nduplicate_text_similarity = 0.9\n"
                   "duplicate_gap_widths = 6\n");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->admission.min_plate_chars, 2);
  EXPECT_DOUBLE_EQ(set->admission.min_unfit_confidence, 0.3);
  EXPECT_DOUBLE_EQ(set->duplicates.window_s, 0);
  EXPECT_FLOAT_EQ(set->duplicates.min_text_similarity, 0.9F);
  EXPECT_FLOAT_EQ(set->duplicates.max_gap_widths, 6);
  for (const auto& [line, message] : std::vector<std::pair<std::string, std::string>>{
           {"min_plate_chars = 17", "[pipeline].min_plate_chars must be in [0, 16]"},
           {"min_unfit_confidence = 1.5", "[pipeline].min_unfit_confidence must be in [0, 1]"},
           {"duplicate_window_s = 301", "[pipeline].duplicate_window_s must be in [0, 300]"},
           {"duplicate_text_similarity = 0", "[pipeline].duplicate_text_similarity must be"},
           {"duplicate_gap_widths = -1", "[pipeline].duplicate_gap_widths must be in [0, 50]"},
       }) {
    auto bad = Parse(kBase + "[pipeline]\n" + line + "\n");
    ASSERT_FALSE(bad.ok()) << line;
    EXPECT_NE(bad.error().message.find(message), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace safelane::camera
